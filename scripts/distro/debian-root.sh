# SPDX-License-Identifier: GPL-2.0
#
# Part of scripts/distro/debian.sh, which sources it: the stock kernel booted
# on a Debian root of its release (make KERNEL=debian vm ROOT=debian), never
# on the host's. The root is an overlay, thrown away after each boot, of:
#   the suite's chroot (the set-up's step 2, read-only here),
#   the root layer (cached): the kernel's suite in apt's sources, its
#     linux-image-<abi> and what virtme-ng needs of a root (udev, kmod,
#     iproute2, busybox) installed, linux-headers-<abi> and its dependencies
#     in apt's cache (so that apt installs them offline in the VM), and the
#     Rust samples of Debian's linux-source of the kernel's version in
#     /usr/src/linux-source-samples/,
#   a fresh empty folder taking the boot's writes.
# The checkout is visible read-only at its own path.

# shellcheck shell=bash

ROOT_PACKAGES=(udev kmod iproute2 busybox initramfs-tools)
ROOT_RECIPE=2
# The kernel's own samples the VM's tests build (scripts/guest/deb-packages.sh).
SAMPLES=(rust_minimal.rs rust_misc_device.rs)

root_layer_dir() {
	local key
	key=$({
		echo "recipe $ROOT_RECIPE $RELEASE $KVERSION $KSUITE"
		printf '%s\n' "${ROOT_PACKAGES[@]}" "${SAMPLES[@]}"
		CHROOT_KEY
		# The layer holds its own copy of the chroot's package state.
		sha256sum <"$(chroot_dir)/var/lib/dpkg/status"
	} | sha256sum | cut -c1-12)
	echo "$BASE/root-$RKM_STOCK-$key"
}

# in_root MOUNTPOINT UPPER WORK LOWERS -- CMD...: CMD in a private mount
# namespace where MOUNTPOINT is the overlay of UPPER on LOWERS (colon-separated,
# uppermost first). With CMD "chroot" the rest runs chrooted into it.
in_root() {
	local mnt=$1 upper=$2 work=$3 lowers=$4
	shift 5
	unshare --mount --propagation private -- bash -euc '
		mnt=$1 upper=$2 work=$3 lowers=$4
		shift 4
		mount -t overlay rkm-debian-root -o "lowerdir=$lowers,upperdir=$upper,workdir=$work" "$mnt"
		if [ "$1" = chroot ]; then
			shift
			mount -t proc proc "$mnt/proc"
			mount --rbind /dev "$mnt/dev"
			exec chroot "$mnt" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
				LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
		fi
		exec "$@"
	' bash "$mnt" "$upper" "$work" "$lowers" "$@"
}

make_root_layer() {
	local layer tmp
	layer=$(root_layer_dir)
	[ -f "$layer/.rkm-complete" ] && return 0
	tmp=$layer.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp/upper" "$tmp/work" "$tmp/mnt"
	note "making the $RKM_STOCK VM's root layer $layer (Debian's linux-image-$RELEASE and more, a few minutes)"
	logged "root layer" "$tmp.log" in_root "$tmp/mnt" "$tmp/upper" "$tmp/work" "$(chroot_dir)" -- chroot bash -euc '
		release=$1 kversion=$2 suite=$3 mirror=$4 keyring=$5
		shift 5
		echo "deb [signed-by=$keyring] $mirror $suite main" >/etc/apt/sources.list.d/rkm-kernel.list
		# A backports suite is not taken by default: its kernel packages are.
		printf "Package: linux-*\nPin: release n=%s\nPin-Priority: 500\n" "$suite" \
			>/etc/apt/preferences.d/rkm-kernel
		# dpkg syncs every file it unpacks, which over 9p under TCG makes
		# the headers'"'"' thousands of files take many minutes; the root is
		# thrown away after each boot (container images do the same).
		echo force-unsafe-io >/etc/dpkg/dpkg.cfg.d/rkm-unsafe-io
		apt-get update -q -o Acquire::Check-Valid-Until=false
		apt-get install -y -q --no-install-recommends "linux-image-$release=$kversion" "$@"
		apt-get install -y -q --download-only "linux-headers-$release=$kversion"
	' bash "$RELEASE" "$KVERSION" "$KSUITE" "$MIRROR" "$KEYRING" "${ROOT_PACKAGES[@]}"
	local samples=$tmp/upper/usr/src/linux-source-samples s
	mkdir -p "$samples"
	for s in "${SAMPLES[@]}"; do
		cp "$(src_dir)/samples/rust/$s" "$samples/$s"
	done
	echo "$SOURCE_PACKAGE $KVERSION" >"$samples/VERSION"
	rm -rf "$tmp/work" "$tmp/mnt"
	mv "$tmp.log" "$tmp/upper/rkm-root-layer.log"
	mv "$tmp" "$layer"
	touch "$layer/.rkm-complete"
	local old
	for old in "$BASE/root-$RKM_STOCK"-*; do
		[ "$old" = "$layer" ] || [ ! -d "$old" ] || rm -rf "$old"
	done
}

# dist_debs: this kernel's two packages in dist/ (make KERNEL=... deb).
dist_debs() {
	local p deb
	for p in "$LIBRUST_PACKAGE" "$MODULES_PACKAGE"; do
		deb=$(ls "$DIST/${p}_"*.deb 2>/dev/null) || die "dist/ holds no ${p} package: run make KERNEL=$RKM_STOCK deb"
		echo "$deb"
	done
}

# root_vm [--bare] VM.SH-ARGS...: scripts/vm.sh on a fresh throwaway root;
# the packages of dist/ installed in it first, unless --bare.
root_vm() {
	local bare=0
	[ "${1:-}" != --bare ] || {
		bare=1
		shift
	}
	local tree debs=() boot layer
	tree=$(ensure)
	[ $bare -eq 1 ] || mapfile -t debs < <(dist_debs)
	make_root_layer
	layer=$(root_layer_dir)
	boot=$(mktemp -d "$OUT.root.XXXXXX")
	mkdir -p "$boot/upper" "$boot/work" "$boot/mnt"
	if [ ${#debs[@]} -gt 0 ]; then
		note "installing ${debs[*]##*/} in the throwaway root"
		mkdir -p "$boot/upper/tmp/dist"
		cp "${debs[@]}" "$boot/upper/tmp/dist/"
		in_root "$boot/mnt" "$boot/upper" "$boot/work" "$layer/upper:$(chroot_dir)" -- chroot \
			bash -c 'apt-get install -y -q /tmp/dist/*.deb && rm -rf /tmp/dist' >"$boot/install.log" 2>&1 ||
			die "apt-get install of dist/'s packages failed: $(tail -n 5 "$boot/install.log")"
	fi
	# vng's shared folders must exist in the root.
	mkdir -p "$boot/upper$TOP" ${RKM_ROOT_MKDIR:+"$boot/upper$RKM_ROOT_MKDIR"}
	"$TOP/scripts/build-tests.sh"
	write_target
	vm_env
	export KDIR=$tree
	# (vng takes the working folder as a path of the host's inside the root.)
	RKM_VNG_ARGS="$RKM_VNG_ARGS
--root=$boot/mnt
--rw
--rodir=$TOP=$TOP
--cwd=$boot/mnt$TOP"
	local status=0
	in_root "$boot/mnt" "$boot/upper" "$boot/work" "$layer/upper:$(chroot_dir)" -- \
		"$TOP/scripts/vm.sh" "$@" || status=$?
	rm -rf "$boot"
	return $status
}

# packages_check OUT: scripts/guest/deb-packages.sh in the VM, on a throwaway
# root without dist/'s packages: OUT/debian-packages.ktap and .status (a
# failing case when the VM did not get to write them: a test that did not
# run fails). OUT must lie outside the checkout, which the guest sees
# read-only.
packages_check() {
	local out=$1
	rm -rf "$out"
	mkdir -p "$out"
	cp "$OUT/kernel-features" "$out/kernel-features"
	# What each module runs, as make check decides it (the modules' .ko
	# are the package's: the guest takes only names and programs from it).
	python3 "$TOP/scripts/plan.py" --tree "$TOP" --checkout "$TOP" \
		$(source "$TOP/scripts/collection.sh" && collection_modules) >"$out/plan"
	note "the packages on a throwaway Debian root: apt, the plain kbuild, modprobe (log: $out/console.log)"
	RKM_ROOT_MKDIR=$out root_vm --bare --timeout 2400 --rwdir "$out=$out" --console-log "$out/console.log" \
		--script "$TOP/scripts/guest/deb-packages.sh" "$out" || true
	if [ ! -s "$out/debian-packages.status" ]; then
		printf 'KTAP version 1\n1..1\nnot ok 1 the VM ran the packages tests to their end # see %s\n' \
			"$out/console.log" >"$out/debian-packages.ktap"
		echo 1 >"$out/debian-packages.status"
	fi
}

# SPDX-License-Identifier: GPL-2.0
#
# Part of scripts/distro/debian.sh, which sources it: the stock kernel booted
# on a Debian root of its release (make KERNEL=debian vm ROOT=debian), never
# on the host's. The root is an overlay, thrown away after each use, of:
#   the root (cached): a minimal Debian system of the kernel's release
#     (mmdebstrap's minbase of the toolchain's suite, the kernel's suite in
#     apt's sources) with the stock linux-image-<abi> and what virtme-ng
#     and the tests need of a root installed; linux-headers-<abi>, the
#     toolchain Debian built the kernel with and their dependencies in apt's
#     cache, not installed (linux-librust-<abi> pulls them in, offline); and
#     the Rust samples of Debian's linux-source of the kernel's version in
#     /usr/src/linux-source-samples/;
#   a fresh empty folder taking the writes.

# shellcheck shell=bash

# virtme-ng's (udev, kmod, iproute2, busybox), the kernel image's
# (initramfs-tools), the tests' (python3 for the misc device's ioctls,
# xz-utils to decompress the packaged modules for the programs that reload
# them).
ROOT_PACKAGES=(udev kmod iproute2 busybox initramfs-tools python3 xz-utils)
ROOT_RECIPE=3
# The kernel's own samples the VM's tests build (scripts/guest/deb-packages.sh).
SAMPLES=(rust_minimal.rs rust_misc_device.rs)

root_dir() {
	local key
	key=$({
		echo "recipe $ROOT_RECIPE $RELEASE $KVERSION $KSUITE $TOOL_SUITE $MIRROR"
		printf '%s\n' "${ROOT_PACKAGES[@]}" "${SAMPLES[@]}"
		CHROOT_KEY
	} | sha256sum | cut -c1-12)
	echo "$BASE/root-$RKM_STOCK-$key"
}

# root_sources: apt's sources of the root, one a line: the toolchain's suite
# and, when it is another, the kernel's.
root_sources() {
	echo "deb [signed-by=$KEYRING] $MIRROR $TOOL_SUITE main"
	[ "$KSUITE" = "$TOOL_SUITE" ] || echo "deb [signed-by=$KEYRING] $MIRROR $KSUITE main"
}

# in_root MOUNTPOINT UPPER WORK LOWERS [--bind DIR]... -- CMD...: CMD in a
# private mount namespace where MOUNTPOINT is the overlay of UPPER on LOWERS
# (colon-separated, uppermost first). With CMD "chroot" the rest runs
# chrooted into it, each DIR of the host bound at its own path in it.
in_root() {
	local mnt=$1 upper=$2 work=$3 lowers=$4 binds=()
	shift 4
	while [ "$1" != -- ]; do
		[ "$1" = --bind ] || die "in_root: bad argument $1"
		binds+=("$2")
		shift 2
	done
	shift
	unshare --mount --propagation private -- bash -euc '
		mnt=$1 upper=$2 work=$3 lowers=$4
		shift 4
		mount -t overlay rkm-debian-root -o "lowerdir=$lowers,upperdir=$upper,workdir=$work" "$mnt"
		while [ "$1" != -- ]; do
			mkdir -p "$mnt$1"
			mount --bind "$1" "$mnt$1"
			shift
		done
		shift
		if [ "$1" = chroot ]; then
			shift
			mount -t proc proc "$mnt/proc"
			mount --rbind /dev "$mnt/dev"
			exec chroot "$mnt" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
				LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
		fi
		exec "$@"
	' bash "$mnt" "$upper" "$work" "$lowers" "${binds[@]}" -- "$@"
}

make_root() {
	local root tmp
	root=$(root_dir)
	[ -f "$root/.rkm-complete" ] && return 0
	tmp=$root.tmp
	remove_tree "$tmp"
	note "making the $RKM_STOCK VM's root $root (a minimal $TOOL_SUITE, Debian's linux-image-$RELEASE; a few minutes)"
	# The toolchain at the versions linux-librust depends on (those the
	# set-up pinned), downloaded only: what it pulls in is the test's.
	local toolchain=() package
	for package in rustc "$KERNEL_CC" dwarves; do
		toolchain+=("$package=$(pinned "$package")")
	done
	local sources
	mapfile -t sources < <(root_sources)
	# A backports suite is not taken by default: its kernel packages (and
	# what they need of it: linux-base) are.
	local pin="Package: linux-*\nPin: release n=$KSUITE\nPin-Priority: 500\n"
	# (Apt's lists and cache stay: the packages' test installs offline.)
	logged "mmdebstrap $TOOL_SUITE root" "$tmp.log" \
		mmdebstrap --mode=root --variant=minbase --keyring="$KEYRING" --skip=cleanup/apt \
		--include="$(IFS=,; echo "${ROOT_PACKAGES[*]},linux-image-$RELEASE=$KVERSION")" \
		--aptopt='Acquire::Retries "3"' --aptopt='Acquire::Check-Valid-Until "false"' \
		--setup-hook="mkdir -p \"\$1/etc/apt/preferences.d\" && printf '$pin' >\"\$1/etc/apt/preferences.d/rkm-kernel\"" \
		--customize-hook="chroot \"\$1\" apt-get install -y -q --download-only make linux-headers-$RELEASE=$KVERSION ${toolchain[*]}" \
		"$TOOL_SUITE" "$tmp" "${sources[@]}"
	local samples=$tmp/usr/src/linux-source-samples s
	mkdir -p "$samples"
	for s in "${SAMPLES[@]}"; do
		cp "$(src_dir)/samples/rust/$s" "$samples/$s"
	done
	echo "$SOURCE_PACKAGE $KVERSION" >"$samples/VERSION"
	mv "$tmp.log" "$tmp/rkm-root.log"
	mv "$tmp" "$root"
	touch "$root/.rkm-complete"
	local old
	for old in "$BASE/root-$RKM_STOCK"-*; do
		[ "$old" = "$root" ] || [ ! -d "$old" ] || remove_tree "$old"
	done
}

# dist_debs [DIR]: this kernel's two packages in DIR (dist/ unless given:
# make KERNEL=... deb).
dist_debs() {
	local dir=${1:-$DIST} p deb
	for p in "$LIBRUST_PACKAGE" "$MODULES_PACKAGE"; do
		deb=$(ls "$dir/${p}_"*.deb 2>/dev/null) || die "$dir holds no ${p} package: run make KERNEL=$RKM_STOCK deb"
		echo "$deb"
	done
}

# new_root: a fresh throwaway root's folder (upper/ takes its writes, work/
# is the overlay's, mnt/ its mount point), beside the cached root.
new_root() {
	local boot
	boot=$(mktemp -d "$OUT.root.XXXXXX")
	mkdir -p "$boot/upper" "$boot/work" "$boot/mnt"
	echo "$boot"
}

# root_chroot BOOT [--bind DIR]... -- CMD...: CMD chrooted into BOOT's root.
root_chroot() {
	local boot=$1
	shift
	in_root "$boot/mnt" "$boot/upper" "$boot/work" "$(root_dir)" "$@"
}

# root_boot BOOT VM.SH-ARGS...: scripts/vm.sh booting the stock kernel on
# BOOT's root, the checkout visible read-only at its own path.
root_boot() {
	local boot=$1 tree
	shift
	tree=$(ensure)
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
	root_chroot "$boot" -- "$TOP/scripts/vm.sh" "$@"
}

# root_vm VM.SH-ARGS...: make KERNEL=... vm ROOT=debian, on a fresh
# throwaway root with the packages of dist/ installed.
root_vm() {
	local debs=() boot status=0
	ensure >/dev/null
	mapfile -t debs < <(dist_debs)
	make_root
	boot=$(new_root)
	note "installing ${debs[*]##*/} in the throwaway root"
	mkdir -p "$boot/upper/tmp/dist"
	cp "${debs[@]}" "$boot/upper/tmp/dist/"
	root_chroot "$boot" -- chroot bash -c 'apt-get install -y -q /tmp/dist/*.deb && rm -rf /tmp/dist' \
		>"$boot/install.log" 2>&1 ||
		die "apt-get install of dist/'s packages failed: $(tail -n 5 "$boot/install.log")"
	root_boot "$boot" "$@" || status=$?
	rm -rf "$boot"
	return $status
}

# The packages' test (scripts/guest/deb-packages.sh) in its phases: the
# steps that need the stock kernel running (insmod, modprobe, the
# programs, the kernel log) in the VM; apt, the plain kbuild and the
# audits chrooted into the same root on the host (the baseline on another),
# natively: under TCG, apt's unpacking of the headers and rustc building
# the samples took 27 minutes of the VM.
PACKAGES_PHASES=(baseline install kernel remove)

# packages_check OUT: the packages built afresh (into OUT/dist), installed,
# used and removed on a throwaway Debian root: OUT/debian-packages.ktap and
# .status; a phase that did not run to its end is a failing case (a test
# that did not run fails). OUT must lie outside the checkout, which the
# guest sees read-only.
packages_check() {
	local out=$1 boot phase status
	rm -rf "$out"
	mkdir -p "$out"
	cp "$OUT/kernel-features" "$out/kernel-features"
	echo "$RELEASE" >"$out/release"
	# What each module runs, as make check decides it (the modules' .ko
	# are the package's: the guest takes only names and programs from it).
	python3 "$TOP/scripts/plan.py" --tree "$TOP" --checkout "$TOP" \
		$(collection_modules) >"$out/plan"
	note "the packages, built afresh and tested on a throwaway Debian root (logs: $out/)"
	if (DIST=$out/dist deb) >"$out/deb.log" 2>&1; then
		make_root
		boot=$(new_root)
		for phase in "${PACKAGES_PHASES[@]}"; do
			status=0
			if [ $phase = baseline ]; then
				# (On a root of its own: the dependencies installed alone.)
				local alone
				alone=$(new_root)
				root_chroot "$alone" --bind "$TOP" --bind "$out" -- chroot \
					"$TOP/scripts/guest/deb-packages.sh" $phase "$out" >"$out/$phase.log" 2>&1 || status=$?
				rm -rf "$alone"
			elif [ $phase = kernel ]; then
				RKM_ROOT_MKDIR=$out root_boot "$boot" --timeout 1200 --rwdir "$out=$out" \
					--console-log "$out/kernel.log" \
					--script "$TOP/scripts/guest/deb-packages.sh" kernel "$out" || status=$?
			else
				root_chroot "$boot" --bind "$TOP" --bind "$out" -- chroot \
					"$TOP/scripts/guest/deb-packages.sh" $phase "$out" >"$out/$phase.log" 2>&1 || status=$?
			fi
			[ -f "$out/$phase.done" ] || echo "not ok the $phase phase ran to its end # exit status $status; see $out/$phase.log" >>"$out/cases"
		done
		rm -rf "$boot"
	else
		echo "not ok make KERNEL=$RKM_STOCK deb builds both packages, lintian-clean # see $out/deb.log" >>"$out/cases"
	fi
	{
		echo "KTAP version 1"
		echo "1..$(wc -l <"$out/cases")"
		awk '{ n++; if ($1 == "ok") print "ok " n " " substr($0, 4); else print "not ok " n " " substr($0, 8) }' "$out/cases"
	} >"$out/debian-packages.ktap"
	! grep -q '^not ok' "$out/cases"
	echo $? >"$out/debian-packages.status"
}

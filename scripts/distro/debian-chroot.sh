# SPDX-License-Identifier: GPL-2.0
#
# Step 2 of scripts/distro/debian.sh's set-up, which sources this: the
# chroot holding the toolchain Debian built the kernel with, made from the
# resolved packages, checked against the headers' .config, and run in.

# shellcheck shell=bash

chroot_packages() {
	grep -v '^busybox-static=' "$RESOLVED"
}

CHROOT_KEY() {
	{
		echo "recipe $RECIPE $TOOL_SUITE"
		chroot_packages
	} | sha256sum | cut -c1-12
}

chroot_dir() {
	echo "$BASE/chroot-$TOOL_SUITE-$(CHROOT_KEY)"
}

# in_chroot [--bind DIR]... [--bind-to DIR PATH]... [--cd DIR] -- CMD...:
# runs CMD in the chroot, in a private mount namespace (its mounts vanish
# with it), with a clean environment: nothing of the caller's make (LLVM=1,
# CC=...) reaches the kernel's build. Each DIR appears at its own path, or at
# PATH, in the order given.
in_chroot() {
	local root binds=() cwd=/
	root=$(chroot_dir)
	while [ "$1" != -- ]; do
		case $1 in
		--bind)
			binds+=("$2" "$2")
			shift 2
			;;
		--bind-to)
			binds+=("$2" "$3")
			shift 3
			;;
		--cd)
			cwd=$2
			shift 2
			;;
		*) die "in_chroot: bad argument $1" ;;
		esac
	done
	shift
	unshare --mount --propagation private -- bash -euc '
		root=$1 cwd=$2
		shift 2
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		while [ "$1" != -- ]; do
			mkdir -p "$root$2"
			mount --bind "$1" "$root$2"
			shift 2
		done
		shift
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LANG=C.UTF-8 TERM=dumb bash -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' bash "$root" "$cwd" "${binds[@]}" -- "$@"
}

# Removes a folder that may have held a chroot: never through a mount
# point (a chroot being made has /proc, /sys and /dev mounted in it).
remove_tree() {
	local dir=$1
	[ -e "$dir" ] || return 0
	local mounts
	mounts=$(findmnt -rn -o TARGET) || die "findmnt failed: not removing $dir"
	if grep -q "^$dir\(/\|\$\)" <<<"$mounts"; then
		die "$dir has file systems mounted in it (another set-up still running?): not removing it"
	fi
	rm -rf --one-file-system "$dir"
}

make_chroot() {
	local dir tmp list
	dir=$(chroot_dir)
	[ -f "$dir/.rkm-complete" ] && return 0
	command -v mmdebstrap >/dev/null || {
		note "apt-get install mmdebstrap (to make the $TOOL_SUITE chroot)"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			mmdebstrap >/dev/null || die "apt-get install mmdebstrap failed: install it, then run again"
	}
	tmp=$dir.tmp
	remove_tree "$tmp"
	list=$(chroot_packages | paste -sd,)
	note "making the $TOOL_SUITE chroot $dir (1.8 GB, a few minutes)"
	# A mirror's copy of sid can be older than its Release file's Valid-Until
	# (a week): apt then refuses the whole suite as expired. The signature is
	# still checked, and every package a pin names is taken at its version.
	logged "mmdebstrap $TOOL_SUITE" "$BASE/mmdebstrap.log" \
		mmdebstrap --mode=root --variant=minbase --keyring="$KEYRING" --include="$list" \
		--aptopt='Acquire::Retries "3"' --aptopt='Acquire::Check-Valid-Until "false"' \
		"$TOOL_SUITE" "$tmp" \
		"deb [signed-by=$KEYRING] $MIRROR $TOOL_SUITE main"
	chroot_packages >"$tmp/rkm-packages"
	mv "$tmp" "$dir"
	touch "$dir/.rkm-complete"
	# Chroots of the suite's other pins are of no use any more.
	local old
	for old in "$BASE/chroot-$TOOL_SUITE"-*; do
		[ "$old" = "$dir" ] || [ ! -d "$old" ] || {
			note "removing the old chroot $old"
			remove_tree "$old"
		}
	done
}

# The chroot's toolchain must be the one the headers' .config names.
check_toolchain() {
	local have want problems=() cc=${KMAKE_VARS[2]#CC=}
	want=$(config_value CONFIG_CC_VERSION_TEXT)
	have=$(in_chroot -- "$cc" --version | sed -n 1p)
	[ "$have" = "$want" ] || problems+=("gcc: '$have' (the kernel's CONFIG_CC_VERSION_TEXT: '$want')")
	want=$(config_value CONFIG_RUSTC_VERSION_TEXT)
	have=$(in_chroot -- rustc --version)
	[ "$have" = "$want" ] || problems+=("rustc: '$have' (CONFIG_RUSTC_VERSION_TEXT: '$want')")
	want=$(config_value CONFIG_BINDGEN_VERSION_TEXT)
	have=$(in_chroot -- bindgen --version)
	[ "$have" = "$want" ] || problems+=("bindgen: '$have' (CONFIG_BINDGEN_VERSION_TEXT: '$want')")
	want=$(config_value CONFIG_PAHOLE_VERSION)
	have=$(in_chroot -- pahole --version | tr -dc 0-9)
	[ "$have" = "$want" ] || problems+=("pahole: version $have (CONFIG_PAHOLE_VERSION: $want)")
	# make lint's clippy-driver must drive that same rustc.
	want=$(config_value CONFIG_RUSTC_VERSION_TEXT)
	have=$(in_chroot -- clippy-driver --rustc --version)
	[ "$have" = "$want" ] || problems+=("clippy-driver: drives '$have' (CONFIG_RUSTC_VERSION_TEXT: '$want')")
	[ ${#problems[@]} -eq 0 ] && return 0
	die "the chroot $(chroot_dir) does not hold the toolchain Debian built $RELEASE with: $(
		printf '%s; ' "${problems[@]}")modules built by another compiler would not match the kernel
(Rust crate hashes depend on the exact rustc; the kernel's configuration on the exact gcc and
pahole). The chroot was made from the packages in $(chroot_dir)/rkm-packages: Debian's
$TOOL_SUITE probably serves newer ones now. Point RKM_DEBIAN_MIRROR at a snapshot of the
archive from when these were served (https://snapshot.debian.org/archive/debian/<date>),
remove $RESOLVED and $(chroot_dir), and run again; or pin versions that match in
TOOLCHAIN_PINS of $STOCK_CONF."
}

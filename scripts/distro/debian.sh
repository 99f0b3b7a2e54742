#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The collection on Debian's stock kernel (make KERNEL=debian ...): built by
# the toolchain Debian built that kernel with, against the Rust metadata
# Debian does not ship (rebuilt from Debian's own source and .config), and
# tested on Debian's own vmlinuz and modules in the VM.
#
#   scripts/distro/debian.sh ensure           set up what is missing; print the tree
#   scripts/distro/debian.sh modules          build every module into .build/debian/
#   scripts/distro/debian.sh lint             the same through clippy, warnings as errors
#   scripts/distro/debian.sh modules_install  install them (INSTALL_MOD_PATH)
#   scripts/distro/debian.sh check [MODULE...]   lint, then every test in the VM
#   scripts/distro/debian.sh run              the demos in the VM
#   scripts/distro/debian.sh vm [--command 'CMD']  a shell (or one command) in the VM
#   scripts/distro/debian.sh info             versions, paths and state
#
# Set-up, each step once and cached (under $RKM_CACHE/debian/ and
# $RKM_CACHE/kernel/debian-*), with a private apt state (the system's apt
# sources are not touched):
#   1. Debian's linux-headers, -binary, -modules and -base packages of the
#      pinned kernel, and linux-source-7.3 of the same version;
#   2. a trixie chroot (mmdebstrap) with the toolchain the headers' .config
#      names, checked against CONFIG_{CC,RUSTC,BINDGEN}_VERSION_TEXT and
#      CONFIG_PAHOLE_VERSION;
#   3. an O= tree: the headers' .config, which olddefconfig must leave
#      byte-identical, modules_prepare with Debian's KERNELRELEASE (this
#      builds rust/: libcore.rmeta, libkernel.rmeta, ...) and the headers'
#      Module.symvers; the crate hashes and Rust exports of the rebuilt crates
#      must be the stock kernel's (rust-exports.py).
# Modules are built in the chroot with M=<checkout> MO=<checkout>/.build/debian,
# so the default tree's build products next to the sources are not touched.
#
# The VM boots the stock vmlinuz, with the host's file system as its root
# (as the default VM) and the stock modules from the cache; inside a private
# mount namespace, an overlay shows the Debian-built .ko files at
# modules/<name>/<name>.ko, where the harness loads them from. Nothing is
# written outside the cache and the checkout.
#
# Needs root (chroot, mount namespaces) and, on the first run, Debian's
# mirror (RKM_DEBIAN_MIRROR) and the host package mmdebstrap.

set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# ---- The pinned kernel and toolchain -------------------------------------
RELEASE=7.3.4+deb13-amd64
KVERSION=7.3.4-1~bpo13+1
KSUITE=trixie-backports
KERNEL_PACKAGES=(linux-headers-$RELEASE linux-binary-$RELEASE linux-modules-$RELEASE linux-base-$RELEASE)
SOURCE_PACKAGE=linux-source-7.3
# The toolchain Debian built $RELEASE with (its .config names the versions),
# from trixie's main suite, where it was released.
TOOL_SUITE=trixie
TOOLCHAIN_PINS=(
	rustc=1.85.1+dfsg1-1+deb13u1
	rust-src=1.85.1+dfsg1-1+deb13u1
	rust-clippy=1.85.1+dfsg1-1+deb13u1
	bindgen=0.71.1-6
	gcc-14=14.2.0-19
	dwarves=1.30-1
)
# The rest of a kernel build's needs, at the version trixie serves when the
# chroot is first made (recorded, and part of its key).
CHROOT_PACKAGES=(gcc make libclang-dev clang flex bison bc libelf-dev libssl-dev python3
	cpio kmod xz-utils perl libc6-dev openssl)
# The VM's initramfs (virtme-ng loads the stock kernel's virtio and 9p
# modules with it): a static busybox, run on the host's side only.
BUSYBOX_PIN=busybox-static=1:1.37.0-6+b9
# What Debian's build passed to make (the headers' .kernelvariables).
KMAKE_VARS=(ARCH=x86 CROSS_COMPILE=x86_64-linux-gnu- CC=x86_64-linux-gnu-gcc-14 KERNELRELEASE=$RELEASE)
# Bump when the way the chroot or the tree is made changes.
RECIPE=1

MIRROR=${RKM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
HERE=$TOP/scripts/distro
BASE=$CACHE/debian
APT_STATE=$BASE/apt
PKG_DIR=$BASE/$RELEASE-$(echo "$KVERSION" | tr '~:' '__')
BOOT_ROOT=$PKG_DIR/root
MODDIR=$BOOT_ROOT/usr/lib/modules/$RELEASE
VMLINUZ=$MODDIR/vmlinuz
HEADERS=$PKG_DIR/headers
BUSYBOX=$PKG_DIR/busybox/busybox
OUT=$TOP/.build/debian
RESULTS=${RKM_RESULTS:-$TOP/results/debian}

# ---- Helpers ---------------------------------------------------------------

require_root() {
	[ "$(id -u)" -eq 0 ] || die "KERNEL=debian needs root: it builds in a chroot and boots the VM
in a private mount namespace. Run it as root (e.g. sudo -E make KERNEL=debian $*)."
}


apt_updated=0
apt_update() {
	[ $apt_updated -eq 0 ] || return 0
	mkdir -p "$APT_STATE/lists/partial" "$APT_STATE/cache/archives/partial"
	cat >"$APT_STATE/sources.list" <<-EOF
		deb [signed-by=$KEYRING] $MIRROR $KSUITE main
		deb [signed-by=$KEYRING] $MIRROR $TOOL_SUITE main
	EOF
	note "reading Debian's package lists ($MIRROR: $KSUITE, $TOOL_SUITE)"
	apt_private apt-get update >"$APT_STATE/update.log" 2>&1 ||
		note "apt-get update reported errors (see $APT_STATE/update.log); trying what was fetched"
	apt_updated=1
}

# served PACKAGE [SUITE]: the versions the mirror serves (of SUITE's main only).
served() {
	apt_private apt-cache madison "$1" 2>/dev/null |
		awk -F'|' -v suite="${2:-}" '{gsub(/ /, "", $2)} suite == "" || $3 ~ " " suite "/main " {print $2}'
}

gone_paragraph() {
	cat <<-EOF
		Debian no longer serves $1 (from $MIRROR). The cache holds nothing of
		it yet, so the Debian target cannot be set up. Either point
		RKM_DEBIAN_MIRROR at a snapshot of the archive from when it was served,
		e.g. RKM_DEBIAN_MIRROR=https://snapshot.debian.org/archive/debian/20261201T000000Z
		(then run again), or move the pins at the top of scripts/distro/debian.sh
		(RELEASE, KVERSION, TOOLCHAIN_PINS) to a kernel Debian serves: 'apt-cache
		madison linux-headers-<release>' in $APT_STATE lists them.
	EOF
}

# The versions every package of the set-up resolves to, once per set of
# pins: later runs read them from the cache and need no network.
PINS_KEY=$(printf '%s\n' "recipe $RECIPE" "$RELEASE $KVERSION $KSUITE" "${KERNEL_PACKAGES[@]}" \
	"$SOURCE_PACKAGE" "$TOOL_SUITE" "${TOOLCHAIN_PINS[@]}" "${CHROOT_PACKAGES[@]}" "$BUSYBOX_PIN" |
	sha256sum | cut -c1-12)
RESOLVED=$BASE/resolved-$PINS_KEY

resolve() {
	[ -s "$RESOLVED" ] && return 0
	apt_update
	local pin pkg want versions have out=()
	for pkg in "${KERNEL_PACKAGES[@]}" "$SOURCE_PACKAGE"; do
		versions=$(served "$pkg" "$KSUITE")
		grep -qxF "$KVERSION" <<<"$versions" ||
			die "$(gone_paragraph "$pkg $KVERSION ($KSUITE)")"
	done
	for pin in "${TOOLCHAIN_PINS[@]}" "$BUSYBOX_PIN"; do
		pkg=${pin%%=*}
		want=${pin#*=}
		versions=$(served "$pkg" "$TOOL_SUITE")
		if grep -qxF "$want" <<<"$versions"; then
			have=$want
		else
			have=$(sort -V <<<"$versions" | tail -n1)
			[ -n "$have" ] || die "$(gone_paragraph "$pkg ($TOOL_SUITE)")"
			# The version checks against the headers' .config decide.
			note "$pkg $want is no longer served in $TOOL_SUITE; trying $have"
		fi
		out+=("$pkg=$have")
	done
	for pkg in "${CHROOT_PACKAGES[@]}"; do
		have=$(served "$pkg" "$TOOL_SUITE" | sort -V | tail -n1)
		[ -n "$have" ] || die "$(gone_paragraph "$pkg ($TOOL_SUITE)")"
		out+=("$pkg=$have")
	done
	mkdir -p "$BASE"
	printf '%s\n' "${out[@]}" >"$RESOLVED.tmp"
	mv "$RESOLVED.tmp" "$RESOLVED"
}

resolved_version() {
	sed -n "s/^$1=//p" "$RESOLVED"
}

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

tree_dir() {
	local key
	key=$({
		echo "recipe $RECIPE"
		echo "$RELEASE $KVERSION"
		printf '%s\n' "${KMAKE_VARS[@]}"
		CHROOT_KEY
	} | sha256sum | cut -c1-12)
	echo "$CACHE/kernel/debian-$(echo "$KVERSION" | tr '~:' '__')-$key"
}

src_dir() {
	echo "$CACHE/src/$KVERSION/linux"
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

# Runs a command with its output in a log, one progress line a minute (or a
# counter on a terminal); fails with the log's last errors.
logged() {
	local step=$1 log=$2
	shift 2
	local start=$SECONDS pid reported=0 minutes
	"$@" >"$log" 2>&1 &
	pid=$!
	trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 143' INT TERM
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		minutes=$(((SECONDS - start) / 60))
		if [ -t 2 ]; then
			printf '\r    %s: %d lines of log, %dm%02ds elapsed ' "$step" "$(wc -l <"$log")" \
				$minutes $(((SECONDS - start) % 60)) >&2
		elif [ $minutes -gt $reported ]; then
			reported=$minutes
			printf '    %s: %dm elapsed\n' "$step" $minutes >&2
		fi
	done
	[ -t 2 ] && printf '\n' >&2
	trap - INT TERM
	if ! wait "$pid"; then
		echo "--- last errors of $log:" >&2
		grep -E -i 'error|\*\*\*' "$log" | tail -n 20 >&2 || tail -n 20 "$log" >&2
		die "$step failed; full log: $log"
	fi
	note "$step done in $(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s"
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

# ---- 1. Debian's packages --------------------------------------------------

fetch_packages() {
	[ -f "$PKG_DIR/.rkm-complete" ] && return 0
	resolve
	apt_update
	local debs=$BASE/debs tmp=$PKG_DIR.tmp pkg deb
	rm -rf "$tmp" "$debs"
	mkdir -p "$debs" "$tmp/headers" "$tmp/root" "$tmp/busybox"
	note "downloading ${KERNEL_PACKAGES[*]} $KVERSION and busybox-static (about 125 MB)"
	(cd "$debs" && apt_private apt-get download \
		$(printf "%s=$KVERSION " "${KERNEL_PACKAGES[@]}") \
		"busybox-static=$(resolved_version busybox-static)" >"$debs/download.log" 2>&1) ||
		die "apt-get download failed: $(tail -n 3 "$debs/download.log")
$(gone_paragraph "one of ${KERNEL_PACKAGES[*]} $KVERSION")"
	for pkg in "${KERNEL_PACKAGES[@]}"; do
		deb=$(find "$debs" -name "${pkg}_*.deb")
		[ -n "$deb" ] || die "apt-get download left no $pkg package"
		case $pkg in
		linux-headers-*)
			dpkg-deb -x "$deb" "$tmp/headers.x"
			local h=$tmp/headers.x/usr/src/linux-headers-$RELEASE
			cp "$h/.config" "$h/Module.symvers" "$h/.kernelvariables" "$tmp/headers/"
			rm -rf "$tmp/headers.x"
			;;
		*) dpkg-deb -x "$deb" "$tmp/root" ;;
		esac
	done
	dpkg-deb -x "$(find "$debs" -name 'busybox-static_*.deb')" "$tmp/busybox.x"
	mv "$tmp/busybox.x/usr/bin/busybox" "$tmp/busybox/busybox"
	rm -rf "$tmp/busybox.x" "$tmp/root/usr/share"
	[ -f "$tmp/root/usr/lib/modules/$RELEASE/vmlinuz" ] || die "linux-binary-$RELEASE holds no vmlinuz"
	# Debian's packages ship no modules.dep: the VM's module loading needs it.
	depmod -b "$tmp/root/usr" "$RELEASE" || die "depmod of Debian's modules failed"
	echo "$KVERSION" >"$tmp/version"
	rm -rf "$PKG_DIR" "$debs"
	mv "$tmp" "$PKG_DIR"
	touch "$PKG_DIR/.rkm-complete"
}

# Debian's linux-source-7.3 of the kernel's own version, where
# scripts/fetch-kernel-source.sh keeps it (it is the default tree's source too).
fetch_source() {
	local dest=$CACHE/src/$KVERSION tmp deb
	[ -f "$dest/linux/.rkm-unpacked" ] && return 0
	resolve
	apt_update
	tmp=$dest.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	note "downloading $SOURCE_PACKAGE $KVERSION (about 170 MB)"
	(cd "$tmp" && apt_private apt-get download "$SOURCE_PACKAGE=$KVERSION" >/dev/null) ||
		die "$(gone_paragraph "$SOURCE_PACKAGE $KVERSION")"
	deb=$(find "$tmp" -name "${SOURCE_PACKAGE}_*.deb")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*.tar.xz'
	tar -xJf "$(find "$tmp" -name 'linux-source-*.tar.xz' -print -quit)" -C "$tmp"
	rm -rf "$tmp/usr" "$deb"
	mv "$tmp"/linux-source-* "$tmp/linux"
	echo "$KVERSION" >"$tmp/linux/.rkm-debian-version"
	rm -rf "$dest"
	mv "$tmp" "$dest"
	touch "$dest/linux/.rkm-unpacked"
}

config_value() {
	sed -n "s/^$1=//p" "$HEADERS/.config" | sed 's/^"\(.*\)"$/\1/'
}

# ---- 2. The chroot ---------------------------------------------------------

make_chroot() {
	local dir tmp list
	dir=$(chroot_dir)
	[ -f "$dir/.rkm-complete" ] && return 0
	command -v mmdebstrap >/dev/null || {
		note "apt-get install mmdebstrap (to make the trixie chroot)"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			mmdebstrap >/dev/null || die "apt-get install mmdebstrap failed: install it, then run again"
	}
	tmp=$dir.tmp
	remove_tree "$tmp"
	list=$(chroot_packages | paste -sd,)
	note "making the $TOOL_SUITE chroot $dir (1.8 GB, a few minutes)"
	logged "mmdebstrap $TOOL_SUITE" "$BASE/mmdebstrap.log" \
		mmdebstrap --mode=root --variant=minbase --keyring="$KEYRING" --include="$list" \
		--aptopt='Acquire::Retries "3"' "$TOOL_SUITE" "$tmp" \
		"deb [signed-by=$KEYRING] $MIRROR $TOOL_SUITE main"
	chroot_packages >"$tmp/rkm-packages"
	mv "$tmp" "$dir"
	touch "$dir/.rkm-complete"
	# Chroots of other pins are of no use any more.
	local old
	for old in "$BASE"/chroot-*; do
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
TOOLCHAIN_PINS of scripts/distro/debian.sh."
}

# ---- 3. The tree with the rebuilt Rust metadata ------------------------------

kmake() {
	local dir=$1
	shift
	in_chroot --bind "$(src_dir)" --bind "$dir" -- make -C "$(src_dir)" O="$dir" "${KMAKE_VARS[@]}" "$@"
}

make_tree() {
	local dir
	dir=$(tree_dir)
	[ -f "$dir/.rkm-complete" ] && return 0

	# What the build needs of Debian's build must be what this script passes.
	local var
	for var in "override ARCH = x86" "override KERNELRELEASE = $RELEASE" \
		"override CROSS_COMPILE = x86_64-linux-gnu-" 'CC = $(if $(DEBIAN_KERNEL_USE_CCACHE),$(CCACHE)) $(CROSS_COMPILE)gcc-14'; do
		grep -qxF "$var" "$HEADERS/.kernelvariables" ||
			die "the headers' .kernelvariables no longer say '$var': update KMAKE_VARS in scripts/distro/debian.sh"
	done

	mkdir -p "$CACHE/kernel"
	exec 9>"$CACHE/kernel/.lock"
	if ! flock -n 9; then
		note "another kernel build is running; waiting for it"
		flock 9
	fi
	[ -f "$dir/.rkm-complete" ] && return 0

	note "rebuilding the Rust metadata of $RELEASE in $dir (a few minutes on 2 cores)"
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$HEADERS/.config" "$dir/.config"
	logged "olddefconfig" "$dir/olddefconfig.log" kmake "$dir" olddefconfig
	check_config "$dir" olddefconfig
	logged "modules_prepare (rust/, scripts/)" "$dir/build.log" kmake "$dir" -j"$(nproc)" modules_prepare
	check_config "$dir" modules_prepare
	local release
	release=$(cat "$dir/include/config/kernel.release")
	[ "$release" = "$RELEASE" ] || die "the rebuilt tree's release is '$release', not '$RELEASE'"
	cp "$HEADERS/Module.symvers" "$dir/Module.symvers"
	check_rust_exports "$dir" | tee "$dir/rust-exports.txt" >&2
	flock -u 9
	touch "$dir/.rkm-complete"
	prune_trees "$dir"
}

# Debian's .config, once the rebuilt tree's Kconfig has seen it, must be
# unchanged: any difference (another compiler, a missing pahole) would
# change the kernel's ABI.
check_config() {
	local dir=$1 step=$2
	cmp -s "$HEADERS/.config" "$dir/.config" && return 0
	diff -u "$HEADERS/.config" "$dir/.config" | head -n 40 >&2 || true
	die "after $step the tree's .config differs from the one of linux-headers-$RELEASE (diff
above): this chroot's toolchain or the source does not configure the kernel Debian built, and
modules built here might not load or might misbehave on it. The tree is $dir."
}

# The crate hashes and exported Rust symbols of the rebuilt crates must be
# those of the stock kernel (its Module.symvers).
check_rust_exports() {
	local dir=$1
	python3 "$HERE/rust-exports.py" --symvers "$HEADERS/Module.symvers" \
		--exports-dir "$dir/rust" \
		--nm-output <(in_chroot --bind "$dir" -- bash -c "cd '$dir/rust' && nm --defined-only core.o kernel.o") ||
		die "the rebuilt Rust crates are not the stock kernel's (above): modules built against them
would not link against $RELEASE. Check that the chroot's rustc is exactly Debian's
(CONFIG_RUSTC_VERSION_TEXT) and that the source is linux-source-7.3 $KVERSION."
}

prune_trees() {
	local keep=$1 tree
	for tree in "$CACHE/kernel"/debian-*/; do
		tree=${tree%/}
		[ "$tree" != "$keep" ] && [ -d "$tree" ] || continue
		note "removing the old tree $tree"
		rm -rf "$tree"
	done
}

# One set-up at a time: a second would remove the first's work.
setup_lock() {
	mkdir -p "$BASE"
	exec 6>"$BASE/.setup.lock"
	if ! flock -n 6; then
		note "another Debian set-up is running; waiting for it"
		flock 6
	fi
}

setup() {
	setup_lock
	resolve
	fetch_packages
	fetch_source
	make_chroot
	check_toolchain
	make_tree
	exec 6>&-
}

ensure() {
	require_root "$@"
	"$TOP/scripts/toolchain.sh"
	if [ ! -s "$RESOLVED" ] || [ ! -f "$PKG_DIR/.rkm-complete" ] || [ ! -f "$(src_dir)/.rkm-unpacked" ] ||
		[ ! -f "$(tree_dir)/.rkm-complete" ]; then
		setup
	fi
	tree_dir
}

# ---- Building the modules ----------------------------------------------------

# The module sources alone (Kbuild, modules/: what git tracks or would
# track), copied with their times into .build/debian-src/. kbuild finds
# sources through VPATH, so it refuses (and must not see) a source tree
# holding another build's objects, as the default tree's build leaves next to
# the sources; the chroot sees this copy at the checkout's own path, so the
# compilers' messages name the real files.
VIEW=$TOP/.build/debian-src
source_view() {
	local list
	if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
		list=$(cd "$TOP" && git ls-files -co --exclude-standard -- Kbuild modules)
	else
		list=$(cd "$TOP" && find Kbuild modules -type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod' \
			! -name '*.mod.c' ! -name '*.rmeta' ! -name '.*.cmd' ! -name '.*.d' \
			! -name modules.order ! -name Module.symvers ! -name '*.long-type-*.txt')
	fi
	rm -rf "$VIEW.new"
	mkdir -p "$VIEW.new"
	(cd "$TOP" && cpio -pdm --quiet "$VIEW.new" <<<"$list") || die "copying the module sources to $VIEW failed"
	rm -rf "$VIEW"
	mv "$VIEW.new" "$VIEW"
}

# kbuild_modules TREE [MAKE ARGS...]: make M=<checkout> MO=.build/debian.
kbuild_modules() {
	local dir=$1
	shift
	mkdir -p "$OUT"
	exec 7>"$OUT.lock"
	flock 7
	source_view
	in_chroot --bind "$(src_dir)" --bind "$dir" --bind-to "$VIEW" "$TOP" --bind "$OUT" \
		"${extra_binds[@]}" -- make -C "$dir" M="$TOP" MO="$OUT" "${KMAKE_VARS[@]}" ${V:+V=$V} "$@"
}
extra_binds=()

# The modules' vermagic must be that of Debian's own modules.
check_vermagic() {
	local ko want have stock
	stock=$(find "$MODDIR/kernel/fs" -name '*.ko.xz' -print -quit)
	want=$(modinfo -F vermagic "$stock")
	for ko in "$OUT"/modules/*/*.ko; do
		have=$(modinfo -F vermagic "$ko")
		[ "$have" = "$want" ] || die "$ko has vermagic '$have', the stock kernel's modules '$want'"
	done
}

build_modules() {
	local dir
	dir=$(ensure)
	kbuild_modules "$dir" modules
	check_vermagic
	note "modules for $RELEASE: $(cd "$TOP" && ls .build/debian/modules/*/*.ko | tr '\n' ' ')"
}

lint() {
	local dir
	dir=$(ensure)
	make -C "$TOP" --no-print-directory rustfmtcheck
	# clippy-driver and rustc 1.85.1: every warning is an error.
	kbuild_modules "$dir" CLIPPY=1 KRUSTFLAGS=-Dwarnings modules
	check_vermagic
}

modules_install() {
	local dir dest=${INSTALL_MOD_PATH:-}
	[ -n "$dest" ] || die "make KERNEL=debian modules_install needs INSTALL_MOD_PATH=DIR: the modules are for
Debian's $RELEASE, not for this machine (nothing is installed into /lib/modules here)."
	mkdir -p "$dest"
	dest=$(cd "$dest" && pwd)
	dir=$(ensure)
	extra_binds=(--bind "$dest")
	kbuild_modules "$dir" modules
	check_vermagic
	# Debian signs its modules with a key it keeps: these go unsigned (the
	# kernel taints E on loading them, and loads them: MODULE_SIG_FORCE is off).
	kbuild_modules "$dir" INSTALL_MOD_PATH="$dest" CONFIG_MODULE_SIG_ALL= modules_install
	note "installed into $dest/lib/modules/$RELEASE/updates/; on a Debian 13 machine running
    $RELEASE: copy them to /lib/modules/$RELEASE/updates/, then depmod -a and modprobe (or insmod)"
}

# ---- The VM --------------------------------------------------------------------

# What results.py needs to know of this kernel (scripts/results.py --target).
write_target() {
	local rustc gcc
	rustc=$(config_value CONFIG_RUSTC_VERSION_TEXT | awk '{print $2}')
	gcc=$(config_value CONFIG_CC_VERSION_TEXT | sed 's/.*(Debian \([^)]*\)).*/\1/')
	python3 - "$OUT/target.json" <<-EOF
		import json, sys
		json.dump({
		    "name": "debian",
		    "release": "$RELEASE",
		    "built": "Debian's stock kernel (linux-image-$RELEASE $KVERSION, $KSUITE), built by Debian "
		             "with gcc-14 $gcc and rustc $rustc; the modules built in a $TOOL_SUITE chroot with "
		             "the same toolchain, against Rust metadata rebuilt from linux-source-7.3 $KVERSION",
		    "allowed_taint": {"E": "Debian's kernel checks module signatures and the modules are unsigned"},
		    "kunit_absent": "the stock kernel has no CONFIG_KUNIT, so kunit_tests suites compile out",
		}, open(sys.argv[1], "w"), indent=1)
	EOF
}

# Drivers of QEMU's emulated hardware that no test uses (disk and CD-ROM
# controllers, watchdogs, KVM, input, crypto, firmware config): udev would
# load them at every boot, which under TCG doubles the boot's time. They
# stay loadable by name (modprobe.blacklist only stops loading by alias).
UNUSED_DRIVERS=ahci,sr_mod,sg,kvm_amd,kvm_intel,ccp,i2c_i801,i6300esb,iTCO_wdt,lpc_ich,intel_pmc_bxt,pcspkr,psmouse,serio_raw,evdev,button,aesni_intel,qemu_fw_cfg,powernow_k8

# vm_env: the variables scripts/vm.sh and check.sh read to boot Debian's kernel.
# Kernel options on top of the default VM's:
#  iomem=relaxed  the stock config has CONFIG_IO_STRICT_DEVMEM, under which
#                 /dev/mem refuses the MMIO a driver claimed, which
#                 tests/rust_platform/devmem.c reads to check the driver
#                 keeps its registers in the device; relaxed, it is what
#                 the default tree (no STRICT_DEVMEM) allows.
#  modprobe.blacklist=$UNUSED_DRIVERS  (above)
vm_env() {
	export RKM_VM_KERNEL=$VMLINUZ
	export RKM_VNG_ARGS="--busybox=$BUSYBOX
--append=iomem=relaxed modprobe.blacklist=$UNUSED_DRIVERS"
	export RKM_TARGET=$OUT/target.json
	export RKM_RESULTS=$RESULTS
	export RKM_FLAVOUR=debian
	# compile_fail.py builds with the host's rustc and LLVM=1.
	export RKM_SKIP_COMPILE_FAIL="tests/compile-fail runs on the default tree (make LLVM=1 check): it builds with the host's rustc and LLVM=1, not with Debian's toolchain"
}

# in_view CMD...: runs CMD (on the host) in a private mount namespace where
# modules/<name>/<name>.ko are the Debian-built ones (an overlay of
# .build/debian/modules on modules/); the checkout itself is not touched and
# no one else sees the overlay.
in_view() {
	local m
	for m in "$TOP"/modules/*/Kbuild; do
		m=$(basename "$(dirname "$m")")
		[ -f "$OUT/modules/$m/$m.ko" ] || die "$OUT/modules/$m/$m.ko is missing: the build did not make it"
	done
	unshare --mount --propagation private -- bash -euc '
		mount -t overlay rkm-debian-modules -o "lowerdir=$1/modules:$2/modules" "$2/modules"
		shift 2
		exec "$@"
	' bash "$OUT" "$TOP" "$@"
}

vm_prepare() {
	local dir
	dir=$1
	"$TOP/scripts/build-tests.sh"
	write_target
	vm_env
	export KDIR=$dir
}

check() {
	local dir
	dir=$(ensure)
	note "lint: clippy and rustc $(config_value CONFIG_RUSTC_VERSION_TEXT | awk '{print $2}') with -Dwarnings, rustfmt"
	lint >/dev/null
	vm_prepare "$dir"
	note "booting Debian's $RELEASE (stock vmlinuz and modules)"
	in_view "$TOP/scripts/check.sh" "$@"
}

run() {
	local dir
	dir=$(ensure)
	build_modules >/dev/null
	vm_prepare "$dir"
	in_view "$TOP/scripts/vm.sh" --script "$TOP/scripts/guest-demo.sh"
}

vm() {
	local dir
	dir=$(ensure)
	build_modules >/dev/null
	vm_prepare "$dir"
	in_view "$TOP/scripts/vm.sh" "$@"
}

info() {
	echo "kernel:    $RELEASE ($KVERSION, $KSUITE)"
	echo "mirror:    $MIRROR"
	echo "pins:      ${TOOLCHAIN_PINS[*]} $BUSYBOX_PIN"
	if [ -s "$RESOLVED" ]; then
		echo "resolved:  $RESOLVED"
		echo "chroot:    $(chroot_dir)$([ -f "$(chroot_dir)/.rkm-complete" ] || echo ' (not made)')"
		echo "tree:      $(tree_dir)$([ -f "$(tree_dir)/.rkm-complete" ] || echo ' (not made)')"
	else
		echo "resolved:  not yet (no set-up run with these pins)"
	fi
	echo "packages:  $PKG_DIR$([ -f "$PKG_DIR/.rkm-complete" ] || echo ' (not fetched)')"
	echo "modules:   $OUT/modules"
}

case ${1:-} in
ensure | modules | lint | modules_install | check | run | vm | info)
	cmd=$1
	shift
	case $cmd in
	modules) build_modules ;;
	*) "$cmd" "$@" ;;
	esac
	;;
# The set-up's steps one by one (scripts/distro/bench-debian.sh times them).
fetch)
	require_root
	setup_lock
	resolve
	fetch_packages
	fetch_source
	;;
chroot)
	require_root
	setup_lock
	resolve
	make_chroot
	check_toolchain
	;;
tree)
	require_root
	setup
	tree_dir
	;;
*) die "usage: $0 ensure|modules|lint|modules_install|check [MODULE...]|run|vm [ARGS]|info|fetch|chroot|tree" ;;
esac

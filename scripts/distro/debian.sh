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
#   scripts/distro/debian.sh deb              dist/: linux-librust-<abi> and the modules' package
#   scripts/distro/debian.sh check [MODULE...]   lint, then every test in the VM
#   scripts/distro/debian.sh run              the demos in the VM
#   scripts/distro/debian.sh vm [--command 'CMD']  a shell (or one command) in the VM
#   RKM_ROOT=debian scripts/distro/debian.sh vm [ARGS]  the same on a throwaway Debian
#                                             root with dist/'s packages (debian-root.sh)
#   scripts/distro/debian.sh info             versions, paths and state
#   RKM_EXTERNAL="DIR..." scripts/distro/debian.sh check|vm [ARGS]|modules
#                                             your own module folders instead
#                                             (make ... EXTERNAL=; debian-external.sh)
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

# ---- The stock kernel and its toolchain ------------------------------------
# RKM_STOCK (the Makefile's KERNEL) names a description in kernels/: the
# kernel's packages and suite, and the toolchain Debian built it with.
RKM_STOCK=${RKM_STOCK:-debian}
STOCK_CONF=$(dirname "${BASH_SOURCE[0]}")/kernels/$RKM_STOCK.conf
[ -f "$STOCK_CONF" ] || die "KERNEL=$RKM_STOCK is not a stock kernel the collection knows (known: $(
	cd "$(dirname "$STOCK_CONF")" && ls -- *.conf | sed 's/\.conf$//' | paste -sd' '))"
# shellcheck source=kernels/debian.conf
source "$STOCK_CONF"
KERNEL_PACKAGES=(linux-headers-$RELEASE linux-binary-$RELEASE linux-modules-$RELEASE linux-base-$RELEASE)
# The rest of a kernel build's needs, at the version $TOOL_SUITE serves when the
# chroot is first made (recorded, and part of its key).
CHROOT_PACKAGES=(gcc make libclang-dev clang flex bison bc libelf-dev libssl-dev python3
	cpio kmod xz-utils perl libc6-dev openssl)
# BUSYBOX_PIN: the VM's initramfs (virtme-ng loads the stock kernel's virtio
# and 9p modules with it), a static busybox run on the host's side only.
# What Debian's build passed to make (the headers' .kernelvariables).
KMAKE_VARS=(ARCH=x86 CROSS_COMPILE=x86_64-linux-gnu- CC=x86_64-linux-gnu-$KERNEL_CC KERNELRELEASE=$RELEASE)
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
OUT=$TOP/.build/$RKM_STOCK
RESULTS=${RKM_RESULTS:-$TOP/results/$RKM_STOCK}

# ---- Helpers ---------------------------------------------------------------

require_root() {
	[ "$(id -u)" -eq 0 ] || die "KERNEL=$RKM_STOCK needs root: it builds in a chroot and boots the VM
in a private mount namespace. Run it as root (e.g. sudo -E make KERNEL=$RKM_STOCK $*)."
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

# ---- The parts -------------------------------------------------------------

# The set-up's three steps, then building and the VM, each in a file beside
# this one: sourced here, after the pins and paths they read.
source "$TOP/scripts/collection.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-fetch.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-chroot.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-tree.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-build.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-vm.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-external.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-deb.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian-root.sh"

# ---- The set-up ------------------------------------------------------------

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

# (kbuild-external is external.sh's, called under RKM_EXTERNAL.)
if [ -n "${RKM_EXTERNAL:-}" ] && [ "${1:-}" != kbuild-external ]; then
	external "$@"
	exit
fi
case ${1:-} in
ensure | modules | lint | modules_install | deb | check | run | vm | info)
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
# scripts/external.sh's --kbuild: DIR OUTPUT.
kbuild-external)
	shift
	kbuild_external "$@"
	;;
*) die "usage: $0 ensure|modules|lint|modules_install|deb|check [MODULE...]|run|vm [ARGS]|info|fetch|chroot|tree" ;;
esac

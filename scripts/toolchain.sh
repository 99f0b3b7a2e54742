#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs what building and testing the modules needs, idempotently:
# Debian packages, rustup's rust-src, bindgen-cli (cargo) and virtme-ng (pip).
# Tools from cargo and pip go into the project's cache, not the system.
#
#   scripts/toolchain.sh            install what is missing
#   scripts/toolchain.sh --dry-run  only say what would be installed
#   scripts/toolchain.sh --check-tree KSRC
#                                   check the versions against KSRC's
#                                   scripts/min-tool-version.sh

set -euo pipefail
source "$(dirname "$0")/lib.sh"

BINDGEN_VERSION=0.73.2
VIRTME_NG_VERSION=1.42

APT_PACKAGES=(
	# Kernel build.
	make gcc flex bison bc libelf-dev libssl-dev cpio kmod xz-utils
	# The project's kernel fixes (patches/).
	patch
	# LLVM matching rustc's own LLVM major version.
	"clang-$LLVM_VERSION" "lld-$LLVM_VERSION" "llvm-$LLVM_VERSION" "libclang-$LLVM_VERSION-dev"
	# The test VM: virtme-ng needs udev on the host to see the guest's output.
	qemu-system-x86 udev acpica-tools python3-venv
	# make compare: source lines of each Rust sample and its C twin.
	cloc
)

dry_run=0
installed=0

missing_apt_packages() {
	local pkg
	for pkg in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
			echo "$pkg"
	done
}

install_apt_packages() {
	local missing
	mapfile -t missing < <(missing_apt_packages)
	[ ${#missing[@]} -eq 0 ] && return
	if [ $dry_run -eq 1 ]; then
		echo "would apt-get install: ${missing[*]}"
		return
	fi
	if ! can_be_root; then
		die "these Debian packages are missing and installing them needs root or sudo:
  ${missing[*]}
Run: sudo apt-get install ${missing[*]}"
	fi
	note "apt-get install ${missing[*]}"
	installed=1
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null ||
		die "apt-get install failed for: ${missing[*]}"
}

install_rust_src() {
	command -v rustc >/dev/null ||
		die "rustc not found. Install Rust with rustup (https://rustup.rs) or Debian's rustc-web + rust-web-src."
	local sysroot
	sysroot=$(rustc --print sysroot)
	[ -d "$sysroot/lib/rustlib/src/rust/library/core" ] && return
	if [ $dry_run -eq 1 ]; then
		echo "would run: rustup component add rust-src"
		return
	fi
	command -v rustup >/dev/null ||
		die "rust-src is missing and rustup is not available: install the rust-src that matches $(rustc --version)"
	note "rustup component add rust-src"
	installed=1
	rustup component add rust-src
}

install_bindgen() {
	if [ -x "$CARGO_TOOLS/bin/bindgen" ] &&
		[ "$("$CARGO_TOOLS/bin/bindgen" --version | awk '{print $2}')" = "$BINDGEN_VERSION" ]; then
		return
	fi
	if [ $dry_run -eq 1 ]; then
		echo "would run: cargo install --locked bindgen-cli@$BINDGEN_VERSION --root $CARGO_TOOLS"
		return
	fi
	note "cargo install bindgen-cli $BINDGEN_VERSION (about a minute)"
	installed=1
	cargo install --quiet --locked "bindgen-cli@$BINDGEN_VERSION" --root "$CARGO_TOOLS" ||
		die "cargo install bindgen-cli@$BINDGEN_VERSION failed (crates.io reachable?)"
}

install_virtme_ng() {
	if [ -x "$VENV/bin/vng" ] &&
		[ "$("$VENV/bin/pip" show virtme-ng 2>/dev/null | sed -n 's/^Version: //p')" = "$VIRTME_NG_VERSION" ]; then
		return
	fi
	if [ $dry_run -eq 1 ]; then
		echo "would run: python3 -m venv $VENV && pip install virtme-ng==$VIRTME_NG_VERSION"
		return
	fi
	note "pip install virtme-ng==$VIRTME_NG_VERSION into $VENV"
	installed=1
	python3 -m venv "$VENV" || die "python3 -m venv failed: install python3-venv"
	"$VENV/bin/pip" install --quiet --disable-pip-version-check "virtme-ng==$VIRTME_NG_VERSION" ||
		die "pip install virtme-ng==$VIRTME_NG_VERSION failed (PyPI reachable?)"
}

# Prints "x.y.z" from the first version-looking word of a command's output.
version_of() {
	"$@" 2>/dev/null | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n1
}

# Succeeds when version $1 >= version $2.
version_at_least() {
	[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

check_tree_versions() {
	local ksrc=$1 tool have need
	for tool in rustc bindgen llvm; do
		need=$("$ksrc/scripts/min-tool-version.sh" "$tool")
		case $tool in
		llvm) have=$(version_of clang --version) ;;
		*) have=$(version_of "$tool" --version) ;;
		esac
		[ -n "$have" ] || die "$tool not found on PATH ($PATH). Run scripts/toolchain.sh."
		version_at_least "$have" "$need" ||
			die "$tool $have is older than $need, the minimum of $ksrc. Run scripts/toolchain.sh."
	done
}

main() {
	case ${1:-} in
	--check-tree)
		check_tree_versions "$2"
		return
		;;
	--dry-run) dry_run=1 ;;
	"") ;;
	*) die "usage: $0 [--dry-run | --check-tree KSRC]" ;;
	esac

	install_apt_packages
	install_rust_src
	install_bindgen
	install_virtme_ng
	[ $installed -eq 0 ] || note "toolchain ready: $(rustc --version), bindgen $(version_of bindgen --version), clang $(version_of clang --version), vng $(version_of vng --version)"
}

main "$@"

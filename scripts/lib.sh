# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the project's shell scripts. Source it.

# shellcheck disable=SC2034  # variables are used by the scripts sourcing this file

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Everything built or downloaded lives outside the checkout, so a fresh clone
# on the same machine reuses it.
CACHE=${RKM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rust-kernel-modules}

# Tools the project installs itself (not on the system).
TOOLS=$CACHE/tools
VENV=$TOOLS/venv
CARGO_TOOLS=$TOOLS/cargo

# The LLVM that matches rustc's (see scripts/toolchain.sh).
LLVM_VERSION=22
LLVM_BIN=/usr/lib/llvm-$LLVM_VERSION/bin

export PATH="$CARGO_TOOLS/bin:$VENV/bin:$LLVM_BIN:$HOME/.cargo/bin:$PATH"
export LIBCLANG_PATH=/usr/lib/llvm-$LLVM_VERSION/lib

die() {
	printf '\nerror: %s\n' "$*" >&2
	exit 1
}

note() {
	printf '==> %s\n' "$*" >&2
}

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		sudo "$@"
	fi
}

can_be_root() {
	[ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null
}

# apt_private apt-get|apt-cache ARGS...: apt with the private state in
# $APT_STATE (its sources.list, lists and cache), the system's untouched.
apt_private() {
	local tool=$1
	shift
	"$tool" -q \
		-o Dir::Etc::sourcelist="$APT_STATE/sources.list" \
		-o Dir::Etc::sourceparts=/dev/null \
		-o Dir::State::Lists="$APT_STATE/lists" \
		-o Dir::State::status=/dev/null \
		-o Dir::Cache="$APT_STATE/cache" \
		-o Debug::NoLocking=1 \
		-o APT::Sandbox::User=root \
		-o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false \
		"$@"
}

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Measures the costs of the Debian target (make KERNEL=debian), for the
# figures in Documentation/measurements.md ("The Debian target"):
#
#   scripts/distro/bench-debian.sh cold  set-up from an empty cache (a fresh
#                                        RKM_CACHE): the project's toolchain
#                                        tools first (shared with the default
#                                        tree, timed apart), then Debian's
#                                        packages and source, the chroot and
#                                        the rebuilt Rust metadata; then a
#                                        first make KERNEL=debian check.
#   scripts/distro/bench-debian.sh warm  make KERNEL=debian check and make
#                                        LLVM=1 check with everything built:
#                                        each once to warm up, then timed,
#                                        and their ratio (target: 1.5x).
#
# System packages already installed (qemu, mmdebstrap, ...) are not
# reinstalled. A cold run takes about 3 GB in a temporary folder, removed
# afterwards unless RKM_KEEP=1.

set -euo pipefail
source "$(dirname "$0")/../lib.sh"

DEBIAN=$TOP/scripts/distro/debian.sh

# timed LABEL CMD...: runs CMD, prints "LABEL: SECONDS s" and keeps the
# seconds in $last; the command's output goes to $log.
log=/dev/null
last=0
timed() {
	local label=$1 start status=0
	shift
	start=$(date +%s.%N)
	"$@" >>"$log" 2>&1 || status=$?
	last=$(echo "$(date +%s.%N) - $start" | bc)
	printf '%-44s %7.1f s%s\n' "$label:" "$last" "$([ $status -eq 0 ] || echo "  (exit status $status)")"
	return $status
}

case ${1:-} in
cold)
	RKM_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/rkm-debian-cold.XXXXXX")
	export RKM_CACHE
	log=$RKM_CACHE.log
	[ "${RKM_KEEP:-0}" = 1 ] || trap 'rm -rf --one-file-system "$RKM_CACHE"' EXIT
	note "empty cache: $RKM_CACHE (log: $log)"
	timed "toolchain tools (bindgen, virtme-ng)" "$TOP/scripts/toolchain.sh"
	total=0
	timed "Debian packages and linux-source (fetch)" "$DEBIAN" fetch
	total=$(echo "$total + $last" | bc)
	timed "trixie chroot (mmdebstrap, checks)" "$DEBIAN" chroot
	total=$(echo "$total + $last" | bc)
	timed "Rust metadata (olddefconfig, modules_prepare)" "$DEBIAN" tree
	total=$(echo "$total + $last" | bc)
	printf '%-44s %7.1f s (target: 600 s)\n' "cold set-up of the Debian target:" "$total"
	timed "first make KERNEL=debian check" make -C "$TOP" KERNEL=debian check
	grep -E '^[0-9]+ passed, ' "$log" | tail -n1
	;;
warm)
	log=$(mktemp "${TMPDIR:-/tmp}/rkm-debian-warm.XXXXXX")
	note "log: $log"
	make -C "$TOP" KERNEL=debian check >>"$log" 2>&1 || true
	timed "warm make KERNEL=debian check" make -C "$TOP" KERNEL=debian check || true
	debian=$last
	grep -E '^[0-9]+ passed, ' "$log" | tail -n1
	make -C "$TOP" LLVM=1 check >>"$log" 2>&1 || true
	timed "warm make LLVM=1 check" make -C "$TOP" LLVM=1 check || true
	default=$last
	grep -E '^[0-9]+ passed, ' "$log" | tail -n1
	printf '%-44s %7.2fx (target: 1.5x)\n' "ratio:" "$(echo "$debian / $default" | bc -l)"
	;;
*) die "usage: $0 cold|warm" ;;
esac

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Measures the harness's own costs, for the figures in
# Documentation/measurements.md:
#
#   scripts/bench-harness.sh cold   set-up from an empty cache (a fresh
#                                   RKM_CACHE): toolchain tools, kernel
#                                   source, default tree. System packages
#                                   already installed are not reinstalled.
#   scripts/bench-harness.sh warm   `make LLVM=1 check` with everything
#                                   built: once to warm up, then timed,
#                                   with where the time went
#                                   (scripts/timeline.py).
#   scripts/bench-harness.sh loop   the edit-test loop: `make LLVM=1 check
#                                   MODULES=rust_pipe` after an edit of
#                                   rust_pipe's driver (its file touched),
#                                   once to warm up, then timed.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Runs "$@" and prints "<label>: <seconds> s".
timed() {
	local label=$1 start
	shift
	start=$(date +%s.%N)
	"$@" >/dev/null || note "$label: exit status $?"
	printf '%-40s %6.1f s\n' "$label:" "$(echo "$(date +%s.%N) - $start" | bc)"
}

case ${1:-} in
cold)
	RKM_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/rkm-cold.XXXXXX")
	export RKM_CACHE
	note "empty cache: $RKM_CACHE (remove it afterwards)"
	timed "toolchain (bindgen, virtme-ng)" "$TOP/scripts/toolchain.sh"
	timed "kernel source (fetch, unpack)" "$TOP/scripts/fetch-kernel-source.sh"
	timed "default tree (configure, build)" "$TOP/scripts/kernel.sh" ensure
	;;
warm | loop)
	check=(make -C "$TOP" LLVM=1 check)
	[ "$1" = warm ] || check+=(MODULES=rust_pipe)
	"${check[@]}" >/dev/null 2>&1 || true
	[ "$1" = warm ] || touch "$TOP/modules/rust_pipe/driver.rs"
	start=$(date +%s%3N)
	output=$("${check[@]}" 2>&1) || note "${check[*]} failed: see results/default"
	python3 "$TOP/scripts/timeline.py" "$TOP/results/default" --since "$start"
	grep -E "^[0-9]+ passed" <<<"$output" | tail -n 1
	;;
*) die "usage: $0 cold|warm|loop" ;;
esac

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make compare: each Rust sample beside its C twin (scripts/compare.py):
# sizes as the modules ship (built without KUnit suites) and with them,
# what the Rust module's code pays for, the memory each holds once loaded
# and the benchmarks measured in a VM under the instruction-count clock (as
# make bench), the benchmarks again in a VM under the wall clock, and the
# tests each passed in the last make check and make check-debug. Writes
# results/compare/compare.md (and prints it) and compare.json; RKM_RESULTS
# names another folder (to keep a run on another tree beside it). Fails when
# a pair lacks a benchmark figure under either clock (compare.py says which).
#
#   KDIR=... scripts/compare.sh

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ -n "${KDIR:-}" ] || die "KDIR is not set (use: make LLVM=1 compare)"
OUT=${RKM_RESULTS:-$TOP/results/compare}
rm -rf "$OUT"
mkdir -p "$OUT"
mapfile -t modules < <(python3 "$TOP/scripts/compare.py" --modules)

# Another tree of the project (a flavour such as inline-helpers) is measured
# for what its configuration changes: config-diff says how it differs from
# the default tree's (scripts/diffconfig; options that are only newly
# visible and off are left out).
default_kdir=$("$TOP/scripts/kernel.sh" kdir 2>/dev/null || true)
if [ -f "$default_kdir/.config" ] && [ "$(realpath "$KDIR")" != "$(realpath "$default_kdir")" ]; then
	"$KDIR/source/scripts/diffconfig" "$default_kdir/.config" "$KDIR/.config" |
		grep -v '^+.* n$' >"$OUT/config-diff" || true
	note "the tree's configuration against the default tree's: $(tr '\n' ';' <"$OUT/config-diff")"
fi

WITHOUT_KUNIT=$TOP/.build/without-kunit
"$TOP/scripts/without-kunit.sh" "$WITHOUT_KUNIT"
note "clock: instruction count (QEMU -icount shift=3,sleep=off): memory, then the benchmarks"
"$TOP/scripts/vm.sh" --timeout "${RKM_VM_TIMEOUT:-1800}" --qemu-opts "-icount shift=3,sleep=off" \
	--rwdir "$OUT" --script "$TOP/scripts/guest/compare.sh" "$OUT" "$WITHOUT_KUNIT" "${modules[@]}" |
	tee "$OUT/vm.log"
note "clock: wall (TCG on this host: ratios vary from run to run): the benchmarks again"
"$TOP/scripts/vm.sh" --timeout "${RKM_VM_TIMEOUT:-1800}" \
	--script "$TOP/scripts/guest/bench.sh" | tee "$OUT/wall.log"
python3 "$TOP/scripts/compare.py" --kdir "$KDIR" --vm "$OUT" --without-kunit "$WITHOUT_KUNIT" \
	--bench "$OUT/vm.log" \
	--bench "wall=$OUT/wall.log" --json "$OUT/compare.json" | tee "$OUT/compare.md"

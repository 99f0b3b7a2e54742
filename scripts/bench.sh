#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boots the VM once and runs every module's benchmarks
# (tests/<module>/bench/*.c) with the module loaded. Each benchmark compares
# the module with the kernel's own counterpart in the same run and prints
# ratios.
#
#   KDIR=... scripts/bench.sh [--gate]
#
# The guest's clock is QEMU's instruction count by default (-icount
# shift=3,sleep=off: a guest nanosecond is a fixed number of instructions),
# which makes the figures repeatable under TCG; RKM_BENCH_CLOCK=wall uses
# the wall clock instead. --gate passes --gate to every benchmark, which
# then fails when its module falls below the bounds it states, and first
# checks each pair's size against its bound (scripts/size_gate.py, on the
# modules built without KUnit: scripts/without-kunit.sh).

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ -n "${KDIR:-}" ] || die "KDIR is not set (use: make LLVM=1 bench)"
case ${RKM_BENCH_CLOCK:-icount} in
icount)
	clock_opts=(--qemu-opts "-icount shift=3,sleep=off")
	note "clock: instruction count (QEMU -icount shift=3,sleep=off): the ratios compare guest instructions, not cache or memory effects"
	;;
wall)
	clock_opts=()
	note "clock: wall (TCG on this host: ratios vary from run to run)"
	;;
*) die "RKM_BENCH_CLOCK must be icount or wall" ;;
esac
size_status=0
if [ "${1:-}" = --gate ]; then
	"$TOP/scripts/without-kunit.sh" "$TOP/.build/without-kunit"
	note "size: each pair's .ko text as it ships, against its bound (tests/<twin>/size-gate)"
	python3 "$TOP/scripts/size_gate.py" "$TOP/.build/without-kunit" || size_status=$?
fi
bench_status=0
"$TOP/scripts/vm.sh" --timeout "${RKM_VM_TIMEOUT:-1800}" "${clock_opts[@]}" \
	--script "$TOP/scripts/guest/bench.sh" "$@" || bench_status=$?
[ "$size_status" -eq 0 ] || die "a pair is over its size bound (above)"
exit "$bench_status"

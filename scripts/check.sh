#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the host-side tests of the scripts, then one VM boot that runs
# every module's KUnit suites and userspace tests, then the verdict from
# scripts/results.py (summary table, reports in results/, closing line
# "N passed, N failed, N skipped"; non-zero exit on any failure).
#
#   KDIR=... scripts/check.sh [MODULE...]

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ -n "${KDIR:-}" ] || die "KDIR is not set (use: make LLVM=1 check)"
RESULTS=${RKM_RESULTS:-$TOP/results/${RKM_FLAVOUR:-default}}
KUNIT_TOOL=$KDIR/source/tools/testing/kunit
[ -d "$KUNIT_TOOL" ] || KUNIT_TOOL=$KDIR/tools/testing/kunit
[ -f "$KUNIT_TOOL/kunit_parser.py" ] || die "the kernel's KTAP parser is missing: $KUNIT_TOOL/kunit_parser.py"

if [ $# -gt 0 ]; then
	modules=("$@")
else
	modules=()
	for kbuild in "$TOP"/modules/*/Kbuild; do
		modules+=("$(basename "$(dirname "$kbuild")")")
	done
fi

# One run at a time per results folder (two would delete each other's).
mkdir -p "$(dirname "$RESULTS")"
exec 8>"$RESULTS.lock"
if ! flock -n 8; then
	note "another check is writing $RESULTS; waiting for it"
	flock 8
fi
rm -rf "$RESULTS"
mkdir -p "$RESULTS/modules" "$RESULTS/host"

# The host's side of the timeline (scripts/timeline.py): "<ms> <phase>",
# wall clock, as each phase starts.
stamp() {
	echo "$(date +%s%3N) $*" >>"$RESULTS/host-timeline"
}

stamp host-tests
note "host-side tests of the scripts"
status=0
RKM_KUNIT_TOOL=$KUNIT_TOOL python3 "$TOP/tests/host/run.py" >"$RESULTS/host/host-scripts.ktap" || status=$?
echo $status >"$RESULTS/host/host-scripts.status"

status=0
if [ -n "${RKM_SKIP_COMPILE_FAIL:-}" ]; then
	# Reported as skipped, with the reason (scripts/distro/debian.sh).
	printf 'KTAP version 1\n1..1\nok 1 every case # SKIP %s\n' "$RKM_SKIP_COMPILE_FAIL" \
		>"$RESULTS/host/compile-fail.ktap"
else
	stamp compile-fail
	note "compile-fail tests of the soundness bounds (tests/compile-fail/)"
	"$TOP/scripts/compile-fail.sh" "$KDIR" >"$RESULTS/host/compile-fail.ktap" || status=$?
fi
echo $status >"$RESULTS/host/compile-fail.status"

# The tree's kernel features (cached since the build), for the tests that
# depend on one: guest-check.sh exports them as RKM_KERNEL_FEATURES. A stock
# kernel's are probed by its own toolchain (scripts/distro/debian-vm.sh).
if [ -n "${RKM_KERNEL_FEATURES+set}" ]; then
	echo "$RKM_KERNEL_FEATURES" >"$RESULTS/kernel-features"
else
	"$TOP/scripts/probes.sh" "$KDIR" LLVM=1 >"$RESULTS/kernel-features"
fi

stamp vm
note "booting the VM: ${modules[*]}"
vm_status=0
# The debug flavour's fault injection and load cycles take about 40 minutes under TCG.
timeout=${RKM_VM_TIMEOUT:-$([ "${RKM_FLAVOUR:-default}" = debug ] && echo 4200 || echo 1800)}
"$TOP/scripts/vm.sh" --timeout "$timeout" --rwdir "$RESULTS" \
	--console-log "$RESULTS/console.log" \
	--script "$TOP/scripts/guest-check.sh" $([ "${RKM_FLAVOUR:-default}" = debug ] && echo --safety) \
	"$RESULTS" "${modules[@]}" || vm_status=$?
if [ ! -f "$RESULTS/complete" ]; then
	echo "--- the VM did not complete the run (status $vm_status); last lines of $RESULTS/console.log:" >&2
	tail -n 30 "$RESULTS/console.log" >&2 || true
fi

# The full guest log: the console, then each module's kernel log.
{
	cat "$RESULTS/console.log"
	for module in "${modules[@]}"; do
		echo "===== kernel log of $module"
		cat "$RESULTS/modules/$module/dmesg.log" 2>/dev/null || echo "(none)"
	done
	for log in "$RESULTS"/lifecycle/*/*.dmesg; do
		[ -e "$log" ] || continue
		echo "===== kernel log of lifecycle case ${log#"$RESULTS"/lifecycle/}"
		cat "$log"
	done
} >"$RESULTS/guest.log" 2>/dev/null || true

stamp verdict
echo
# The debug flavour's programs must have run too (results.py --safety).
verdict=0
python3 "$TOP/scripts/results.py" --results "$RESULTS" --modules-dir "$TOP/modules" \
	--tests-dir "$TOP/tests" $([ "${RKM_FLAVOUR:-default}" = debug ] && echo --safety) \
	--kunit-tool "$KUNIT_TOOL" --host-tests "$RESULTS/host/host-scripts.ktap" \
	--host-tests "$RESULTS/host/compile-fail.ktap" ${RKM_TARGET:+--target "$RKM_TARGET"} "${modules[@]}" || verdict=$?
stamp end
exit $verdict

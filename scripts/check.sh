#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the host-side tests of the scripts and the compile-fail cases,
# beside two VM boots, one a phase of scripts/guest/check.sh (the modules'
# KUnit suites and userspace tests; the lifecycle cases); then the verdict
# of the judge, scripts/judge/ (summary table, reports in results/, closing
# line "N passed, N failed, N skipped"; non-zero exit on any failure).
#
#   KDIR=... scripts/check.sh [--tree DIR] [MODULE...]
#
# --tree DIR: the modules of another tree with the collection's layout,
# scripts/external.sh's stage of your own (make check EXTERNAL=...): only
# they are tested, results go to results/external/<flavour>/, and the host
# tests and compile-fail cases, which test this project and not those
# modules, are reported as skipped, saying so.
#
# With modules named (make check MODULES=...), the VMs test only those, with
# only the extras of those and of the modules they need
# (scripts/collection.sh), and a host-side test whose inputs are unchanged
# since it last passed is not run again: its verdict is reused and the
# summary says so. Without, everything runs.

set -euo pipefail
source "$(dirname "$0")/lib.sh"
TREE=$TOP
if [ "${1:-}" = --tree ]; then
	[ -d "${2:-}" ] || die "usage: $0 [--tree DIR] [MODULE...] (DIR: an existing folder)"
	TREE=$2
	shift 2
fi
source "$TOP/scripts/collection.sh"

[ -n "${KDIR:-}" ] || die "KDIR is not set (use: make LLVM=1 check)"
RESULTS=${RKM_RESULTS:-$TOP/results/$([ "$TREE" = "$TOP" ] || echo external/)${RKM_FLAVOUR:-default}}
KUNIT_TOOL=$KDIR/source/tools/testing/kunit
[ -d "$KUNIT_TOOL" ] || KUNIT_TOOL=$KDIR/tools/testing/kunit
[ -f "$KUNIT_TOOL/kunit_parser.py" ] || die "the kernel's KTAP parser is missing: $KUNIT_TOOL/kunit_parser.py"

# Why the host-side tests do not run for your own modules (--tree).
EXTERNAL_SKIP="not run with EXTERNAL: they test this project's harness, not your modules"

needed=$(modules_needed "$@") || exit 1
mapfile -t needed_modules <<<"$needed"
# The VM's extras: those modules', and those of the modules whose programs twins run.
vm_extras=$(vm_extras_of "${needed_modules[@]}")
reuse_unchanged=0
if [ $# -gt 0 ]; then
	modules=("$@")
	reuse_unchanged=1
else
	modules=("${needed_modules[@]}")
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
# Test groups run before this script, each NAME.ktap with NAME.status beside
# it (scripts/distro/debian.sh: the Debian packages'): judged as host-side
# tests are.
extra_tests=()
for ktap in ${RKM_EXTRA_TESTS:-}; do
	cp "$ktap" "${ktap%.ktap}.status" "$RESULTS/host/"
	extra_tests+=(--host-tests "@RESULTS@/host/${ktap##*/}")
done

# The host's side of the timeline (scripts/timeline.py): "<ms> start|end
# <lane>", wall clock.
stamp() {
	echo "$(date +%s%3N) $*" >>"$RESULTS/host-timeline"
}

# host_test NAME INPUT... -- COMMAND...: runs COMMAND, its KTAP output to
# host/NAME.ktap and its exit status to host/NAME.status. The INPUTs
# (scripts/content_hash.py's arguments) are what it reads: with modules
# named, a verdict that passed on the same inputs is reused instead, and
# host/NAME.unchanged says since when (the judge shows it).
host_test() {
	local name=$1 inputs=() status=0 hash memo
	shift
	while [ "$1" != -- ]; do
		inputs+=("$1")
		shift
	done
	shift
	memo=$TOP/.build/unchanged/$name
	hash=$(cd "$TOP" && python3 scripts/content_hash.py "${inputs[@]}")
	if [ $reuse_unchanged -eq 1 ] && [ -f "$memo/ktap" ] && [ "$(cat "$memo/hash")" = "$hash" ]; then
		cp "$memo/ktap" "$RESULTS/host/$name.ktap"
		echo 0 >"$RESULTS/host/$name.status"
		echo "unchanged since $(cat "$memo/when"), not re-run" >"$RESULTS/host/$name.unchanged"
		return
	fi
	stamp start "$name"
	"$@" >"$RESULTS/host/$name.ktap" || status=$?
	echo $status >"$RESULTS/host/$name.status"
	stamp end "$name"
	rm -rf "$memo"
	if [ $status -eq 0 ]; then
		mkdir -p "$memo"
		cp "$RESULTS/host/$name.ktap" "$memo/ktap"
		echo "$hash" >"$memo/hash"
		date -u '+%Y-%m-%d %H:%M UTC' >"$memo/when"
	fi
}

# host_skipped NAME REASON: a host-side test reported as skipped, with REASON.
host_skipped() {
	printf 'KTAP version 1\n1..1\nok 1 every case # SKIP %s\n' "$2" >"$RESULTS/host/$1.ktap"
	echo 0 >"$RESULTS/host/$1.status"
}

# The host-side tests, beside the VMs.
host_tests() {
	if [ "$TREE" != "$TOP" ]; then
		host_skipped host-scripts "$EXTERNAL_SKIP"
		host_skipped compile-fail "$EXTERNAL_SKIP"
		return
	fi
	host_test host-scripts scripts tests configs patches modules/common Kbuild Makefile \
		"$KUNIT_TOOL" --command='python3 --version' --command='cc --version' -- \
		env RKM_KUNIT_TOOL="$KUNIT_TOOL" python3 "$TOP/tests/host/run.py"
	if [ -n "${RKM_SKIP_COMPILE_FAIL:-}" ]; then
		# Reported as skipped, with the reason (scripts/distro/debian.sh).
		host_skipped compile-fail "$RKM_SKIP_COMPILE_FAIL"
		return
	fi
	host_test compile-fail tests/compile-fail modules/common scripts "$KDIR/.config" \
		"$KDIR"/rust/*.rmeta --command='rustc --version' -- \
		"$TOP/scripts/compile-fail.sh" "$KDIR"
}

# The tree's kernel features (cached since the build), for the tests that
# depend on one: guest/check.sh exports them as RKM_KERNEL_FEATURES. A stock
# kernel's are probed by its own toolchain (scripts/distro/debian-vm.sh).
if [ -n "${RKM_KERNEL_FEATURES+set}" ]; then
	echo "$RKM_KERNEL_FEATURES" >"$RESULTS/kernel-features"
else
	"$TOP/scripts/probes.sh" "$KDIR" LLVM=1 >"$RESULTS/kernel-features"
fi

# The debug flavour's fault injection and load cycles take about 40 minutes under TCG.
timeout=${RKM_VM_TIMEOUT:-$([ "${RKM_FLAVOUR:-default}" = debug ] && echo 4200 || echo 1800)}

# vm_run PHASE...: one VM running guest/check.sh's PHASEs, in order. Its
# files are in vm/<the PHASEs joined by "-">/.
vm_run() {
	local name status=0 phase phase_args=()
	name=$(
		IFS=-
		echo "$*"
	)
	for phase in "$@"; do
		phase_args+=(--phase "$phase")
	done
	mkdir -p "$RESULTS/vm/$name"
	stamp start "vm $name"
	"$TOP/scripts/vm.sh" --timeout "$timeout" --rwdir "$RESULTS" \
		--console-log "$RESULTS/vm/$name/console.log" --tree "$TREE" \
		--modules "${vm_extras//$'\n'/ }" --script "$TOP/scripts/guest/check.sh" --tree "$TREE" \
		"${phase_args[@]}" "$RESULTS" || status=$?
	stamp end "vm $name"
	if [ ! -f "$RESULTS/vm/$name/complete" ]; then
		echo "--- the $name VM did not complete its run (status $status); last lines of its console:" >&2
		tail -n 30 "$RESULTS/vm/$name/console.log" >&2 || true
	fi
}

# What the guest runs and the judge expects, decided once, here.
python3 "$TOP/scripts/plan.py" --tree "$TREE" --checkout "$TOP" --flavour "${RKM_FLAVOUR:-default}" \
	"${modules[@]}" >"$RESULTS/plan"
phases=(modules)
grep -q '^lifecycle ' "$RESULTS/plan" && phases+=(lifecycle)

# One VM a phase, side by side, when the phases are long enough to pay for
# a second boot (the whole collection); else one VM (RKM_VMS=1 or 2 chooses).
vms=${RKM_VMS:-$([ $reuse_unchanged -eq 1 ] || [ "$TREE" != "$TOP" ] && echo 1 || echo 2)}
vms_said=$([ "$vms" = 1 ] && echo "one VM" || echo "a VM a phase")
if [ "$TREE" = "$TOP" ]; then
	note "host-side tests, beside $vms_said (${phases[*]}): ${modules[*]}"
else
	note "$vms_said (${phases[*]}): ${modules[*]}; host-side tests skipped (EXTERNAL)"
fi
host_tests &
pids=($!)
if [ "$vms" = 1 ]; then
	vm_run "${phases[@]}" &
	pids+=($!)
else
	for phase in "${phases[@]}"; do
		vm_run "$phase" &
		pids+=($!)
	done
fi
wait "${pids[@]}"

# The full guest log: the console, then each module's kernel log.
{
	for console in "$RESULTS"/vm/*/console.log; do
		vm=${console%/console.log}
		echo "===== console of the ${vm##*/} VM"
		cat "$console"
	done
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

# What the verdict needs besides the raw results and the plan, kept with
# them (@RESULTS@ stands for the folder): scripts/verdict.sh judges from it,
# here and for make verdict RESULTS=... later, without a boot.
[ -z "${RKM_TARGET:-}" ] || cp "$RKM_TARGET" "$RESULTS/target.json"
{
	printf '%s\n' --kunit-tool "$KUNIT_TOOL" \
		--host-tests @RESULTS@/host/host-scripts.ktap --host-tests @RESULTS@/host/compile-fail.ktap \
		"${extra_tests[@]}"
	[ -z "${RKM_TARGET:-}" ] || printf '%s\n' --target @RESULTS@/target.json
} >"$RESULTS/verdict.args"

stamp start verdict
echo
verdict=0
"$TOP/scripts/verdict.sh" "$RESULTS" || verdict=$?
stamp end verdict
exit $verdict
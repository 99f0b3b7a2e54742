#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a test VM (as root) the run plan RESULTS_DIR/plan, which
# scripts/plan.py wrote on the host (the modules, their programs and
# environment, lifecycle cases and flavour), in the phases it is given, in
# order: scripts/check.sh boots one VM for both, or one VM a phase, side by
# side.
#
# --phase modules: for each module, insmod, collect its KUnit suites'
# results, run its programs, rmmod, and keep the kernel log and taint of
# each step.
# --phase lifecycle: every module's lifecycle cases, one at a time, each
# starting with no module of the collection loaded.
# Writes raw results only; the judge (scripts/judge/) judges them on the
# host against the same plan.
#
#   guest/check.sh [--tree DIR] --phase modules|lifecycle [--phase ...] RESULTS_DIR
#
# --tree DIR: the tree whose modules/ the lifecycle cases load from (default:
# the checkout; make check EXTERNAL=... gives the stage of
# scripts/external.sh, which has the same layout).
#
# What concerns the VM itself goes to RESULTS_DIR/vm/<its phases, joined
# by "-">/: its boot's
# kernel log (boot-dmesg.log) and taint (boot-taint), uname -r, the guest
# clock's timeline and boot time (timeline, boot.ms), and "complete" once
# its phases ran to their end.
#
# Every program of the plan gets a status; one that is missing or not
# executable is recorded as status 127 with a message instead of running.
#
# The debug flavour's plan adds, for each module: its fault injection
# programs (with the module loaded), then the load tool (fault injection at
# load, load/unload cycles). Their kernel log is kept apart
# (injected-dmesg.log): the reports of injected allocation failures are
# expected there. On a kernel with kmemleak, a scan after each module
# (kmemleak.log).
#
# Each drain of the kernel log (FILE.log or FILE.dmesg) also appends to
# FILE.lost how many times records had been overwritten before they could be
# read (0 normally): the judge fails the log then, as it may miss reports.
#
# Lifecycle case scripts get RKM_MODULES_DIR (the .ko files are
# $RKM_MODULES_DIR/<module>/<module>.ko) and RKM_LIFECYCLE_TMP (an empty
# scratch folder) and run under timeout (RKM_TEST_TIMEOUT), with the
# module's environment of the plan (a twin's twin.env), as its programs do.
# Per case, under the name of the module run (the twin's for a twin),
# lifecycle/<module>/<case>.out and .status,
# .dmesg (the kernel log from the case's start to its end, leftover modules
# unloaded), .taint (the taint flags before and after), .unload (what could
# not be unloaded after it; empty normally).

set -uo pipefail

source "$(dirname "$0")/lib.sh"
KMSG=${RKM_GUEST_KMSG:-/dev/kmsg}
TREE=$TOP
phases=()
while [ $# -gt 0 ]; do
	case $1 in
	--tree)
		TREE=$2
		shift 2
		;;
	--phase)
		case $2 in
		modules | lifecycle) phases+=("$2") ;;
		*) phases=() && break ;;
		esac
		shift 2
		;;
	*) break ;;
	esac
done
if [ ${#phases[@]} -eq 0 ] || [ $# -ne 1 ]; then
	echo "usage: $0 [--tree DIR] --phase modules|lifecycle [--phase ...] RESULTS_DIR" >&2
	exit 2
fi
RESULTS=$1
VM_DIR=$RESULTS/vm/$(
	IFS=-
	echo "${phases[*]}"
)
mkdir -p "$VM_DIR"
TEST_TIMEOUT=${RKM_TEST_TIMEOUT:-300}
export RKM_MODULES_DIR=$TREE/modules
# The kernel features the modules were built with (scripts/check.sh wrote them;
# Documentation/kernels.md), for the tests that depend on one.
if [ -f "$RESULTS/kernel-features" ]; then
	RKM_KERNEL_FEATURES=$(cat "$RESULTS/kernel-features")
	export RKM_KERNEL_FEATURES
fi

# The plan (scripts/plan.py documents its lines): per module, its lines of
# each kind, "NAME PATH" (env: "KEY=VALUE") each, one a line.
flavour=default collection=() modules=()
declare -A KO ENV PROGRAMS INJECTIONS LOAD_CYCLES CASES
while read -r kind module rest; do
	case $kind in
	flavour) flavour=$module ;;
	collection) collection+=("$module") ;;
	module)
		modules+=("$module")
		KO[$module]=$rest
		;;
	env) ENV[$module]+=$rest$'\n' ;;
	program) PROGRAMS[$module]+=$rest$'\n' ;;
	injection) INJECTIONS[$module]+=$rest$'\n' ;;
	load-cycles) LOAD_CYCLES[$module]+=$rest$'\n' ;;
	lifecycle) CASES[$module]+=$rest$'\n' ;;
	esac
done <"$RESULTS/plan"

# plan_entries KIND MODULE: sets ENTRIES to the module's lines of that kind.
plan_entries() {
	local -n lines=$1
	local text=${lines[$2]:-}
	mapfile -t ENTRIES <<<"${text%$'\n'}"
	[ -n "${ENTRIES[0]}" ] || ENTRIES=()
}

mount_debugfs
KUNIT_DIR=$SYS/kernel/debug/kunit

# A reader of the kernel log that stays open for the whole run (not passed
# on to the tests): read(2) fails with EPIPE when records it has not read
# yet were overwritten.
exec 9<"$KMSG"

# Prints how many times, since its last call, records were overwritten
# before fd 9 read them.
kmsg_lost() {
	local lost=0 i err
	for ((i = 0; i < 100; i++)); do
		# dd stops at the first error: EAGAIN once every record is read.
		err=$(LC_ALL=C dd bs=64k iflag=nonblock of=/dev/null <&9 2>&1 >/dev/null)
		case $err in
		*"Broken pipe"*) lost=$((lost + 1)) ;;
		*) break ;;
		esac
	done
	echo $lost
}

# Moves the kernel log into $1 (appending), and appends the count of
# records lost since the last drain to ${1%.*}.lost.
drain() {
	dmesg -c >>"$1"
	kmsg_lost >>"${1%.*}.lost"
}

# (Builtins where they do: under TCG, starting a program costs a tenth of a
# second or more.)
taint() {
	local flags
	read -r flags <"$PROC/sys/kernel/tainted"
	echo "$flags"
}

# The run's timeline for scripts/timeline.py: "<ms since boot> <phase>" as
# each phase starts.
stamp() {
	echo "$(uptime_ms) $*" >>"$VM_DIR/timeline"
}

# When the guest reached this script (its boot time, guest clock).
uptime_ms >"$VM_DIR/boot.ms"
stamp boot-done
drain "$VM_DIR/boot-dmesg.log"
taint >"$VM_DIR/boot-taint"
# Which kernel ran: the summary names it (scripts/judge/).
uname -r >"$VM_DIR/uname-r"

# On a kernel with kmemleak (the debug flavour), forget what booting left
# behind: every leak reported after a module is its run's.
KMEMLEAK=$SYS/kernel/debug/kmemleak
[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK"

# Writes what kmemleak finds now to $1 and forgets it.
kmemleak_scan() {
	# kmemleak reports only objects older than its minimum age (5 s):
	# wait that out, then scan twice as its documentation advises
	# (Documentation/dev-tools/kmemleak.rst) to avoid transient reports.
	sleep 6
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK" >"$1"
	echo clear >"$KMEMLEAK"
}

# Runs "$@" with output to $1.out, exit status to $1.status and the time it
# took (ms, guest clock) to $1.ms; RECORD_ENV (KEY=VALUE words) is added to
# its environment.
RECORD_ENV=()
record() {
	local base=$1 start status
	shift
	[ ${#RECORD_ENV[@]} -eq 0 ] || set -- env "${RECORD_ENV[@]}" "$@"
	start=$(uptime_ms)
	timeout --kill-after=5 "${RKM_TEST_TIMEOUT:-$TEST_TIMEOUT}" "$@" >"$base.out" 2>&1 9<&-
	status=$?
	echo $(($(uptime_ms) - start)) >"$base.ms"
	echo $status >"$base.status"
}

# Like record, for a program that must exist: one that is missing or not
# executable gets status 127 and a message, so that it cannot go unnoticed.
record_program() {
	local base=$1
	if [ ! -f "$2" ] || [ ! -x "$2" ]; then
		echo "$2 is missing or not executable (not built?)" >"$base.out"
		echo 127 >"$base.status"
		return
	fi
	record "$@"
}

# Unloads every loaded module of the tree, in rounds: a module that
# another pins (rust_vmdio's attachment pins rust_phy) goes in a later round.
# Fails when some stay loaded, with their names in UNLOADED_NOT (empty
# otherwise). (Sets a variable rather than printing: a command substitution
# starts a process, which costs a tenth of a second under TCG.)
unload_collection() {
	local round module
	for round in 1 2 3 4 5; do
		UNLOADED_NOT=()
		for module in "${collection[@]}"; do
			[ -e "$SYS/module/$module/initstate" ] || continue
			rmmod "$module" >/dev/null 2>&1 || UNLOADED_NOT+=("$module")
		done
		[ ${#UNLOADED_NOT[@]} -eq 0 ] && return 0
		sleep 0.5
	done
	return 1
}

# Runs the module's programs of plan kind $1 (PROGRAMS, INJECTIONS),
# recorded under tests/ of $2, each with RKM_TEST_TIMEOUT=$3 if given.
run_programs() {
	local entry name
	plan_entries "$1" "$module"
	for entry in "${ENTRIES[@]}"; do
		name=${entry%% *}
		echo "    $name" >&2
		RKM_TEST_TIMEOUT=${3:-${RKM_TEST_TIMEOUT:-$TEST_TIMEOUT}} \
			record_program "$2/tests/$name" "${entry#* }"
	done
}

# The modules phase: each module's KUnit suites and programs, loaded alone.
modules_phase() {
	local module out suites_before suite status lines entry
	local fault_timeout=${RKM_DEBUG_TIMEOUT:-1200}
	for module in "${modules[@]}"; do
		out=$RESULTS/modules/$module
		mkdir -p "$out/kunit" "$out/tests"
		echo "==> $module" >&2
		stamp "module $module"
		suites_before=("$KUNIT_DIR"/*)

		record "$out/insmod" insmod "${KO[$module]}"
		read -r status <"$out/insmod.status"
		if [ "$status" = 0 ]; then
			for suite in "$KUNIT_DIR"/*; do
				[ -e "$suite/results" ] || continue
				[[ " ${suites_before[*]} " == *" $suite "* ]] && continue
				mapfile -t lines <"$suite/results"
				printf '%s\n' "${lines[@]}" >"$out/kunit/${suite##*/}.ktap"
			done
			plan_entries ENV "$module"
			RECORD_ENV=("${ENTRIES[@]}")
			run_programs PROGRAMS "$out"
			if [ -n "${INJECTIONS[$module]:-}" ]; then
				drain "$out/dmesg.log"
				run_programs INJECTIONS "$out" "$fault_timeout"
				drain "$out/injected-dmesg.log"
			fi
			RECORD_ENV=()
			record "$out/rmmod" rmmod "$module"
			plan_entries LOAD_CYCLES "$module"
			for entry in "${ENTRIES[@]}"; do
				drain "$out/dmesg.log"
				echo "    ${entry%% *} (fault injection, load cycles)" >&2
				RKM_TEST_TIMEOUT=$fault_timeout record_program "$out/tests/${entry%% *}" \
					"${entry#* }" "${KO[$module]}" "${RKM_LOAD_CYCLES:-30}"
				drain "$out/injected-dmesg.log"
			done
		fi
		drain "$out/dmesg.log"
		taint >"$out/taint"
		if [ -w "$KMEMLEAK" ]; then
			echo "    kmemleak scan" >&2
			kmemleak_scan "$out/kmemleak.log"
			# kmemleak announces what it found in the kernel log: that is
			# this module's, not the next one's.
			drain "$out/dmesg.log"
		fi
	done
}

# The lifecycle phase. Its cases load modules again and again: KUnit, which
# would run their suites at every load (the modules phase runs them), is
# given a glob no suite matches meanwhile.
lifecycle_phase() {
	local module entry case_script name names base before after scratch cases
	kunit_suites off
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/rkm-lifecycle.XXXXXX") || scratch=$RESULTS/lifecycle.tmp
	for module in "${modules[@]}"; do
		plan_entries CASES "$module"
		[ ${#ENTRIES[@]} -gt 0 ] || continue
		cases=("${ENTRIES[@]}")
		mkdir -p "$RESULTS/lifecycle/$module"
		echo "==> $module lifecycle" >&2
		stamp "lifecycle $module"
		# An empty scratch folder a case, all made at once.
		names=("${cases[@]%% *}")
		mkdir -p "${names[@]/#/$scratch/$module/}"
		# A case reads what names the module under test from its environment
		# (a twin's twin.env), as the programs do.
		plan_entries ENV "$module"
		RECORD_ENV=("${ENTRIES[@]}")
		for entry in "${cases[@]}"; do
			name=${entry%% *}
			case_script=${entry#* }
			base=$RESULTS/lifecycle/$module/$name
			echo "    $name" >&2
			if ! unload_collection; then
				# No status: the judge reports the case as not run, with this.
				echo "harness: not run: ${UNLOADED_NOT[*]} still loaded before the case" \
					>"$base.out"
				drain "$base.dmesg"
				continue
			fi
			# What unloading logged; records lost meanwhile are counted by
			# the drain after the case.
			dmesg -c >>"$base.dmesg"
			read -r before <"$PROC/sys/kernel/tainted"
			if [ ! -f "$case_script" ] || [ ! -x "$case_script" ]; then
				echo "$case_script is not executable" >"$base.out"
				echo 127 >"$base.status"
			else
				RKM_LIFECYCLE_TMP=$scratch/$module/$name record "$base" "$case_script"
			fi
			if unload_collection; then
				: >"$base.unload"
			else
				echo "${UNLOADED_NOT[*]}" >"$base.unload"
			fi
			drain "$base.dmesg"
			read -r after <"$PROC/sys/kernel/tainted"
			echo "$before $after" >"$base.taint"
		done
		rm -rf "${scratch:?}/$module"
		RECORD_ENV=()
	done
	rm -rf "$scratch"
	kunit_suites on
}

for phase in "${phases[@]}"; do
	"${phase}_phase"
done
stamp end
touch "$VM_DIR/complete"

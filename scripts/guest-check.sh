#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (as root): for each module, insmod, collect its
# KUnit suites' results, run its userspace tests, rmmod, and keep the kernel
# log and taint of each step. Then the lifecycle phase: every module's
# tests/<module>/lifecycle/*.sh (a twin's: those of the module it twins,
# with its twin.env), one at a time, each starting with no module of the
# collection loaded. Writes raw results only; scripts/results.py (on the
# host) judges them.
#
#   guest-check.sh [--safety] RESULTS_DIR [MODULE...]
#
# Every expected program gets a status: tests/<module>/*.c (built into
# .build/tests/<module>/) and tests/<module>/*.sh; one that is missing or not
# executable is recorded as status 127 with a message instead of running.
#
# --safety (the debug flavour) adds, for each module: its fault injection
# programs (.build/safety/<module>/*, with the module loaded), then
# tests/safety/modload (fault injection at load, load/unload cycles). Their
# kernel log is kept apart (injected-dmesg.log): the reports of injected
# allocation failures are expected there. After each module, a kmemleak
# scan (kmemleak.log).
#
# Each drain of the kernel log (FILE.log or FILE.dmesg) also appends to
# FILE.lost how many times records had been overwritten before they could be
# read (0 normally): results.py fails the log then, as it may miss reports.
#
# Lifecycle case scripts get RKM_MODULES_DIR (the .ko files are
# $RKM_MODULES_DIR/<module>/<module>.ko) and RKM_LIFECYCLE_TMP (an empty
# scratch folder) and run under timeout (RKM_TEST_TIMEOUT). A twin runs the
# cases of tests/<TWIN_OF>/lifecycle/ with its twin.env in their environment,
# as it runs that module's programs. Per case, under the name of the module
# run (the twin's for a twin), lifecycle/<module>/<case>.out and .status,
# .dmesg (the kernel log from the case's start to its end, leftover modules
# unloaded), .taint (the taint flags before and after), .unload (what could
# not be unloaded after it; empty normally).

set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
# The kernel's files; only tests/host/ points these at a fake.
SYS=${RKM_GUEST_SYS:-/sys}
PROC=${RKM_GUEST_PROC:-/proc}
KMSG=${RKM_GUEST_KMSG:-/dev/kmsg}
safety=0
if [ "$1" = --safety ]; then
	safety=1
	shift
fi
RESULTS=$1
shift
TEST_TIMEOUT=${RKM_TEST_TIMEOUT:-300}
export RKM_MODULES_DIR=$TOP/modules
# The kernel features the modules were built with (scripts/check.sh wrote them;
# Documentation/kernels.md), for the tests that depend on one.
if [ -f "$RESULTS/kernel-features" ]; then
	RKM_KERNEL_FEATURES=$(cat "$RESULTS/kernel-features")
	export RKM_KERNEL_FEATURES
fi

# Every module of the collection (those the lifecycle phase unloads), and
# the ones tested.
collection=()
for kbuild in "$TOP"/modules/*/Kbuild; do
	collection+=("$(basename "$(dirname "$kbuild")")")
done
if [ $# -gt 0 ]; then
	modules=("$@")
else
	modules=("${collection[@]}")
fi

mountpoint -q "$SYS/kernel/debug" || mount -t debugfs none "$SYS/kernel/debug"
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

# Milliseconds since boot (the guest's clock).
uptime_ms() {
	local up
	read -r up _ <"$PROC/uptime"
	echo $((${up%.*} * 1000 + 10#${up#*.} * 10))
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
	echo "$(uptime_ms) $*" >>"$RESULTS/timeline"
}

# When the guest reached this script (its boot time, guest clock).
uptime_ms >"$RESULTS/boot.ms"
stamp boot-done
drain "$RESULTS/boot-dmesg.log"
taint >"$RESULTS/boot-taint"
# Which kernel ran: the summary names it (results.py).
uname -r >"$RESULTS/uname-r"

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

source "$TOP/scripts/guest-twin.sh"

for module in "${modules[@]}"; do
	out=$RESULTS/modules/$module
	mkdir -p "$out/kunit" "$out/tests"
	echo "==> $module" >&2
	stamp "module $module"
	suites_before=$(ls "$KUNIT_DIR" 2>/dev/null)

	record "$out/insmod" insmod "$TOP/modules/$module/$module.ko"
	if [ "$(cat "$out/insmod.status")" = 0 ]; then
		for suite in $(ls "$KUNIT_DIR" 2>/dev/null); do
			grep -qxF "$suite" <<<"$suites_before" && continue
			cp "$KUNIT_DIR/$suite/results" "$out/kunit/$suite.ktap"
		done
		twin_of "$module"
		RECORD_ENV=("${TWIN_ENV[@]}")
		for src in "$TOP/tests/$programs_of"/*.c; do
			[ -e "$src" ] || continue
			name=$(basename "$src" .c)
			echo "    $name" >&2
			record_program "$out/tests/$name" "$TOP/.build/tests/$programs_of/$name"
		done
		for test in "$TOP/tests/$programs_of"/*.sh; do
			[ -e "$test" ] || continue
			echo "    $(basename "$test")" >&2
			record_program "$out/tests/$(basename "$test")" "$test"
		done
		if [ $safety -eq 1 ]; then
			drain "$out/dmesg.log"
			for src in "$TOP/tests/$programs_of/safety"/*.c; do
				[ -e "$src" ] || continue
				name=$(basename "$src" .c)
				echo "    safety/$name" >&2
				RKM_TEST_TIMEOUT=${RKM_SAFETY_TIMEOUT:-1200} record_program \
					"$out/tests/safety-$name" "$TOP/.build/safety/$programs_of/$name"
			done
			drain "$out/injected-dmesg.log"
		fi
		RECORD_ENV=()
		record "$out/rmmod" rmmod "$module"
		if [ $safety -eq 1 ]; then
			drain "$out/dmesg.log"
			echo "    modload (fault injection, load cycles)" >&2
			RKM_TEST_TIMEOUT=${RKM_SAFETY_TIMEOUT:-1200} record_program "$out/tests/modload" \
				"$TOP/.build/tests/safety/modload" "$TOP/modules/$module/$module.ko" \
				"${RKM_LOAD_CYCLES:-30}"
			drain "$out/injected-dmesg.log"
		fi
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

# Unloads every loaded module of the collection, in rounds: a module that
# another pins (rust_vmdio's attachment pins rust_phy) goes in a later round.
# Prints the modules that stay loaded; fails when there are any.
unload_collection() {
	local round module left=()
	for round in 1 2 3 4 5; do
		left=()
		for module in "${collection[@]}"; do
			[ -e "$SYS/module/$module/initstate" ] || continue
			rmmod "$module" >/dev/null 2>&1 || left+=("$module")
		done
		[ ${#left[@]} -eq 0 ] && return 0
		sleep 0.5
	done
	echo "${left[*]}"
	return 1
}

# The lifecycle phase: after every module's regular results are written, so
# that a case that brings the kernel down cannot hide them. Its cases load
# modules again and again: KUnit, which would run their suites at every
# load (they ran above), is given a glob no suite matches meanwhile.
KUNIT_FILTER=$SYS/module/kunit/parameters/filter_glob
[ -w "$KUNIT_FILTER" ] && echo rkm-lifecycle-skips-kunit >"$KUNIT_FILTER"
for module in "${modules[@]}"; do
	# A twin runs the cases of the module it twins, as it runs its
	# programs: they read what names the module under test from TWIN_ENV.
	twin_of "$module"
	RECORD_ENV=("${TWIN_ENV[@]}")
	for case_script in "$TOP/tests/$programs_of/lifecycle"/*.sh; do
		[ -e "$case_script" ] || continue
		name=$(basename "$case_script" .sh)
		base=$RESULTS/lifecycle/$module/$name
		if [ ! -d "$RESULTS/lifecycle/$module" ]; then
			mkdir -p "$RESULTS/lifecycle/$module"
			echo "==> $module lifecycle" >&2
			stamp "lifecycle $module"
		fi
		echo "    $name" >&2
		if ! stuck=$(unload_collection); then
			# No status: results.py reports the case as not run, with this.
			echo "harness: not run: $stuck still loaded before the case" >"$base.out"
			drain "$base.dmesg"
			continue
		fi
		drain "$base.dmesg"
		before=$(taint)
		scratch=$(mktemp -d "${TMPDIR:-/tmp}/rkm-lifecycle.XXXXXX") ||
			{ scratch=$base.tmp && mkdir -p "$scratch"; }
		if [ ! -f "$case_script" ] || [ ! -x "$case_script" ]; then
			echo "$case_script is not executable" >"$base.out"
			echo 127 >"$base.status"
		else
			RKM_LIFECYCLE_TMP=$scratch record "$base" "$case_script"
		fi
		rm -rf "$scratch"
		unload_collection >"$base.unload"
		drain "$base.dmesg"
		echo "$before $(taint)" >"$base.taint"
	done
	RECORD_ENV=()
done
# "*" is what an unset filter means; an empty one would match no suite.
[ -w "$KUNIT_FILTER" ] && echo '*' >"$KUNIT_FILTER"
stamp end
touch "$RESULTS/complete"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (as root): for each module, insmod, collect its
# KUnit suites' results, run its userspace tests, rmmod, and keep the kernel
# log and taint of each step. Writes raw results only; scripts/results.py
# (on the host) judges them.
#
#   guest-check.sh [--safety] RESULTS_DIR [MODULE...]
#
# --safety (the debug flavour) adds, for each module: its fault injection
# programs (.build/safety/<module>/*, with the module loaded), then
# tests/safety/modload (fault injection at load, load/unload cycles). Their
# kernel log is kept apart (injected-dmesg.log): the reports of injected
# allocation failures are expected there. After each module, a kmemleak
# scan (kmemleak.log).

set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
safety=0
if [ "$1" = --safety ]; then
	safety=1
	shift
fi
RESULTS=$1
shift
TEST_TIMEOUT=${RKM_TEST_TIMEOUT:-300}
export RKM_MODULES_DIR=$TOP/modules

if [ $# -gt 0 ]; then
	modules=("$@")
else
	modules=()
	for kbuild in "$TOP"/modules/*/Kbuild; do
		modules+=("$(basename "$(dirname "$kbuild")")")
	done
fi

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
KUNIT_DIR=/sys/kernel/debug/kunit

dmesg -c >"$RESULTS/boot-dmesg.log"
cat /proc/sys/kernel/tainted >"$RESULTS/boot-taint"

# On a kernel with kmemleak (the debug flavour), forget what booting left
# behind: every leak reported after a module is its run's.
KMEMLEAK=/sys/kernel/debug/kmemleak
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

# Runs "$@" with output to $1.out and exit status to $1.status.
record() {
	local base=$1
	shift
	timeout --kill-after=5 "${RKM_TEST_TIMEOUT:-$TEST_TIMEOUT}" "$@" >"$base.out" 2>&1
	echo $? >"$base.status"
}

for module in "${modules[@]}"; do
	out=$RESULTS/modules/$module
	mkdir -p "$out/kunit" "$out/tests"
	echo "==> $module" >&2
	suites_before=$(ls "$KUNIT_DIR" 2>/dev/null)

	record "$out/insmod" insmod "$TOP/modules/$module/$module.ko"
	if [ "$(cat "$out/insmod.status")" = 0 ]; then
		for suite in $(ls "$KUNIT_DIR" 2>/dev/null); do
			grep -qxF "$suite" <<<"$suites_before" && continue
			cp "$KUNIT_DIR/$suite/results" "$out/kunit/$suite.ktap"
		done
		for test in "$TOP/.build/tests/$module"/* "$TOP/tests/$module"/*.sh; do
			[ -x "$test" ] || continue
			echo "    $(basename "$test")" >&2
			record "$out/tests/$(basename "$test")" "$test"
		done
		if [ $safety -eq 1 ]; then
			dmesg -c >>"$out/dmesg.log"
			for test in "$TOP/.build/safety/$module"/*; do
				[ -x "$test" ] || continue
				echo "    safety/$(basename "$test")" >&2
				RKM_TEST_TIMEOUT=${RKM_SAFETY_TIMEOUT:-1200} \
					record "$out/tests/safety-$(basename "$test")" "$test"
			done
			dmesg -c >>"$out/injected-dmesg.log"
		fi
		record "$out/rmmod" rmmod "$module"
		if [ $safety -eq 1 ]; then
			dmesg -c >>"$out/dmesg.log"
			echo "    modload (fault injection, load cycles)" >&2
			RKM_TEST_TIMEOUT=${RKM_SAFETY_TIMEOUT:-1200} record "$out/tests/modload" \
				"$TOP/.build/tests/safety/modload" "$TOP/modules/$module/$module.ko" \
				"${RKM_LOAD_CYCLES:-200}"
			dmesg -c >>"$out/injected-dmesg.log"
		fi
	fi
	dmesg -c >>"$out/dmesg.log"
	cat /proc/sys/kernel/tainted >"$out/taint"
	if [ -w "$KMEMLEAK" ]; then
		echo "    kmemleak scan" >&2
		kmemleak_scan "$out/kmemleak.log"
	fi
done
touch "$RESULTS/complete"

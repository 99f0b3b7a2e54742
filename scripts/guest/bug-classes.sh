#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a VM of make bug-classes (as root): loads the demo modules
# built in BUILD_DIR, then sets off each CLASS with the trigger, one at a
# time and in the order given, keeping per class the trigger's output
# (<class>.out), its exit status (.status) and the kernel log of its run
# (.dmesg). Writes raw results only; scripts/bug_classes.py judges them on
# the host, and orders the classes so that those that oops come last (an
# oops kills the trigger, taints the kernel and leaves held whatever the task
# held).
#
#   guest/bug-classes.sh RESULTS_DIR BUILD_DIR CLASS...
#
# BUILD_DIR holds trigger and <module>/<module>.ko for each demo module.

set -uo pipefail
source "$(dirname "$0")/lib.sh"

RESULTS=$1
BUILD=$2
shift 2

mount_debugfs
read -r up _ </proc/uptime
echo "$up" >"$RESULTS/boot.seconds"
cat /proc/cmdline >"$RESULTS/cmdline"
dmesg -c >"$RESULTS/boot.dmesg"

for ko in "$BUILD"/*/*.ko; do
	module=$(basename "$ko" .ko)
	insmod "$ko" >"$RESULTS/load-$module.out" 2>&1
	echo $? >"$RESULTS/load-$module.status"
done
dmesg -c >"$RESULTS/load.dmesg"

for class in "$@"; do
	timeout 300 "$BUILD/trigger" "$class" >"$RESULTS/$class.out" 2>&1
	echo $? >"$RESULTS/$class.status"
	dmesg -c >"$RESULTS/$class.dmesg"
done

read -r up _ </proc/uptime
echo "$up" >"$RESULTS/end.seconds"
touch "$RESULTS/complete"

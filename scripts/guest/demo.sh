#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for `make run`: loads every module but the C twins, runs
# each module's demo (modules/<name>/vm/demo.sh, if it has one), shows what the modules
# logged, and unloads them again.

set -uo pipefail

source "$(dirname "$0")/lib.sh"
export RKM_MODULES_DIR=$TOP/modules

# A C twin (tests/<name>/twin.env) would take the device its Rust module is
# shown driving (c_phy sorts first and binds the RV1000): `make compare` shows
# the twins beside their Rust modules.
source "$TOP/scripts/collection.sh"
modules=()
for module in $(collection_modules); do
	[ -f "$TOP/tests/$module/twin.env" ] || modules+=("$module")
done

mount_debugfs
dmesg -n 1
dmesg -C

echo "### Loading: ${modules[*]}"
for module in "${modules[@]}"; do
	insmod "$TOP/modules/$module/$module.ko" || echo "!!! insmod $module failed"
done
lsmod

status=0
for module in "${modules[@]}"; do
	demo=$TOP/modules/$module/vm/demo.sh
	[ -f "$demo" ] || continue
	echo
	echo "### $module"
	bash "$demo" || { echo "!!! demo of $module failed"; status=1; }
done

echo
echo "### Unloading"
for ((i = ${#modules[@]} - 1; i >= 0; i--)); do
	rmmod "${modules[i]}" || { echo "!!! rmmod ${modules[i]} failed"; status=1; }
done
echo
echo "### What the modules logged"
# KUnit's per-case KTAP lines are for make check; keep its one-line totals.
dmesg | grep -v -E '^\[[ 0-9.]*\] (KTAP version|1\.\.[0-9]|ok [0-9]|not ok [0-9]|# Totals| )' | tail -n 40
exit $status

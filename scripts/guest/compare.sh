#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for `make compare`: the memory each module holds once
# loaded, then every module's benchmarks (scripts/guest/bench.sh).
#
#   guest/compare.sh OUT_DIR WITHOUT_KUNIT_DIR MODULE...
#
# Per module, OUT_DIR/<module>.memory: coresize (its image in memory,
# /sys/module/<module>/coresize) and slab_kb (how much unreclaimable slab
# grew from before insmod to after it, the caches' free slabs emptied
# before each reading), the median of LOADS loads; and
# coresize_without_kunit, the image of its build without KUnit suites
# (WITHOUT_KUNIT_DIR/modules/<module>/<module>.ko, scripts/compare.sh). vmalloc is not counted:
# on x86-64 it grew by about 2 MiB at every load whatever the module, the
# block execmem maps for module text.

set -uo pipefail

source "$(dirname "$0")/lib.sh"
OUT=$1
WITHOUT_KUNIT=$2
shift 2
LOADS=5

# KUnit would run the modules' suites at every load.
kunit_suites off

shrink_slabs() {
	local cache
	for cache in /sys/kernel/slab/*/shrink; do
		echo 1 >"$cache" 2>/dev/null
	done
}

# Prints SUnreclaim (kB) after emptying what was freed.
slab_kb() {
	local name value _
	shrink_slabs
	while read -r name value _; do
		[ "$name" = SUnreclaim: ] && echo "$value"
	done </proc/meminfo
}

median() {
	printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"
}

status=0
for module in "$@"; do
	slab=() coresize=
	for ((i = 0; i < LOADS; i++)); do
		before=$(slab_kb)
		if ! insmod "$TOP/modules/$module/$module.ko"; then
			status=1
			continue 2
		fi
		slab+=($(($(slab_kb) - before)))
		read -r coresize </sys/module/"$module"/coresize
		rmmod "$module" || status=1
	done
	lean=
	if insmod "$WITHOUT_KUNIT/modules/$module/$module.ko"; then
		read -r lean </sys/module/"$module"/coresize
		rmmod "$module" || status=1
	else
		status=1
	fi
	{
		echo "coresize_without_kunit=$lean"
		echo "coresize=$coresize"
		echo "slab_kb=$(median "${slab[@]}")"
		echo "loads=$LOADS"
	} >"$OUT/$module.memory"
done
kunit_suites on

"$TOP/scripts/guest/bench.sh" || status=1
exit $status

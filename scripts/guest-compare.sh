#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for `make compare`: the memory each module holds once
# loaded, then every module's benchmarks (scripts/guest-bench.sh).
#
#   guest-compare.sh OUT_DIR MODULE...
#
# Per module, OUT_DIR/<module>.memory: coresize (its image in memory,
# /sys/module/<module>/coresize), slab_kb and vmalloc_kb (how much
# unreclaimable slab and vmalloc grew from before insmod to after it, with
# KASAN's quarantine and the caches' free slabs emptied before each
# reading), the median of LOADS loads.

set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$1
shift
LOADS=5

# KUnit would run the modules' suites at every load: a glob no suite matches.
KUNIT_FILTER=/sys/module/kunit/parameters/filter_glob
[ -w "$KUNIT_FILTER" ] && echo rkm-compare-skips-kunit >"$KUNIT_FILTER"

shrink_slabs() {
	local cache
	for cache in /sys/kernel/slab/*/shrink; do
		echo 1 >"$cache" 2>/dev/null
	done
}

# Prints "SUnreclaim VmallocUsed" (kB) after emptying what was freed.
memory_kb() {
	local name value _ slab= vmalloc=
	shrink_slabs
	while read -r name value _; do
		case $name in
		SUnreclaim:) slab=$value ;;
		VmallocUsed:) vmalloc=$value ;;
		esac
	done </proc/meminfo
	echo "$slab $vmalloc"
}

median() {
	printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"
}

status=0
for module in "$@"; do
	slab=() vmalloc=() coresize=
	for ((i = 0; i < LOADS; i++)); do
		read -r slab_before vmalloc_before < <(memory_kb)
		if ! insmod "$TOP/modules/$module/$module.ko"; then
			status=1
			continue 2
		fi
		read -r slab_after vmalloc_after < <(memory_kb)
		read -r coresize </sys/module/"$module"/coresize
		rmmod "$module" || status=1
		slab+=($((slab_after - slab_before)))
		vmalloc+=($((vmalloc_after - vmalloc_before)))
	done
	{
		echo "coresize=$coresize"
		echo "slab_kb=$(median "${slab[@]}")"
		echo "vmalloc_kb=$(median "${vmalloc[@]}")"
		echo "loads=$LOADS"
	} >"$OUT/$module.memory"
done
[ -w "$KUNIT_FILTER" ] && echo '*' >"$KUNIT_FILTER"

"$TOP/scripts/guest-bench.sh" || status=1
exit $status

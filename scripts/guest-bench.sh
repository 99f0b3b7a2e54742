#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for `make bench`: each module's benchmarks with the
# module loaded, given this script's arguments (--gate).

set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
status=0
for dir in "$TOP"/.build/bench/*/; do
	module=$(basename "$dir")
	insmod "$TOP/modules/$module/$module.ko" || { status=1; continue; }
	for bench in "$dir"*; do
		[ -x "$bench" ] || continue
		echo "### $module: $(basename "$bench")"
		"$bench" "$@" || status=1
	done
	rmmod "$module" || status=1
done
exit $status

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for `make bench`: each module's benchmarks
# (.build/bench/<module>/) with the module loaded, given this script's
# arguments (--gate). A twin (tests/<module>/twin.env) runs the benchmarks of
# the module it twins with its environment; not under --gate, since the
# bounds a benchmark states are its own module's (CI's gate saves the time).

set -uo pipefail

source "$(dirname "$0")/lib.sh"
# Where benchmarks loading a module of the collection find it (as in guest/check.sh).
export RKM_MODULES_DIR=$TOP/modules
source "$TOP/scripts/collection.sh"
status=0
for module in $(collection_modules); do
	twin_of "$module"
	dir=$TOP/.build/bench/$programs_of
	[ -d "$dir" ] || continue
	[ "$programs_of" = "$module" ] || [ $# -eq 0 ] || continue
	insmod "$TOP/modules/$module/$module.ko" || { status=1; continue; }
	for bench in "$dir"/*; do
		[ -x "$bench" ] || continue
		echo "### $module: $(basename "$bench")"
		env "${TWIN_ENV[@]}" "$bench" "$@" || status=1
	done
	rmmod "$module" || status=1
done
exit $status

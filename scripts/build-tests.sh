#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compiles the userspace programs of each module: every tests/<module>/*.c is
# a test program, built into .build/tests/<module>/; every
# tests/<module>/bench/*.c a benchmark, built into .build/bench/<module>/.
# Both get the module's UAPI headers (modules/<module>/include).
# tests/<module>/safety/*.c are the module's programs that `make check-debug`
# alone runs (fault injection), built into .build/safety/<module>/;
# tests/safety/*.c the tools it runs on every module. tests/<module>/lifecycle/*.c
# are helpers its lifecycle cases run, built into .build/lifecycle/<module>/.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
CFLAGS=(-O2 -g -Wall -Wextra -Werror -pthread -I "$TOP/tests")

# build_dir SOURCE_DIR OUTPUT_DIR MODULE
build_dir() {
	local dir=$1 out=$2 module=$3 src bin
	mkdir -p "$out"
	for src in "$dir"/*.c; do
		[ -e "$src" ] || continue
		bin=$out/$(basename "$src" .c)
		# Rebuild when the program, any test header or a UAPI header changed.
		if [ ! -x "$bin" ] || [ -n "$(find "$TOP/tests" "$TOP/modules/$module/include" \
			-newer "$bin" 2>/dev/null | head -n1)" ]; then
			"$CC" "${CFLAGS[@]}" -I "$TOP/modules/$module/include" -o "$bin" "$src" -lm ||
				die "compiling $src failed"
		fi
	done
}

# Tools every module is tested with (make check-debug).
build_dir "$TOP/tests/safety" "$TOP/.build/tests/safety" ""

for dir in "$TOP"/tests/*/; do
	module=$(basename "$dir")
	[ -f "$TOP/modules/$module/Kbuild" ] || continue
	build_dir "$dir" "$TOP/.build/tests/$module" "$module"
	[ -d "$dir/bench" ] && build_dir "$dir/bench" "$TOP/.build/bench/$module" "$module"
	[ -d "$dir/safety" ] && build_dir "$dir/safety" "$TOP/.build/safety/$module" "$module"
	[ -d "$dir/lifecycle" ] && build_dir "$dir/lifecycle" "$TOP/.build/lifecycle/$module" "$module"
done
exit 0

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compiles the userspace tests: every tests/<module>/*.c is one program,
# built into .build/tests/<module>/ with the module's UAPI headers.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
CFLAGS=(-O2 -g -Wall -Wextra -Werror -pthread -I "$TOP/tests")

for dir in "$TOP"/tests/*/; do
	module=$(basename "$dir")
	[ -d "$TOP/modules/$module" ] || continue
	out=$TOP/.build/tests/$module
	mkdir -p "$out"
	for src in "$dir"*.c; do
		[ -e "$src" ] || continue
		bin=$out/$(basename "$src" .c)
		# Rebuild when the program, a header next to it or a UAPI header changed.
		if [ ! -x "$bin" ] || [ -n "$(find "$dir" "$TOP/tests/ktap.h" "$TOP/modules/$module/include" \
			-newer "$bin" 2>/dev/null | head -n1)" ]; then
			"$CC" "${CFLAGS[@]}" -I "$TOP/modules/$module/include" -o "$bin" "$src" ||
				die "compiling $src failed"
		fi
	done
done

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bug-classes: the seven memory-safety bug classes of demos/bug_classes/,
# each set off in C and refused by rustc (or stopped at run time) in Rust.
# Runs the compile-fail cases of the classes, then two VMs of their own:
#
# - KDIR, a KASAN tree (the debug flavour), with kasan_multi_shot (KASAN
#   reports only its first bug otherwise): every class of c_bugs, and
#   rust_bugs' run-time checks and unsafe escape hatches;
# - KCSAN_KDIR, a KCSAN tree (the kcsan flavour; KCSAN cannot share a kernel
#   with KASAN): the data race, for KCSAN's report.
#
# The demos are built under .build/bug-classes/<tree>/, never in the source
# tree. Prints the table of scripts/bug_classes.py and returns its status
# (non-zero when a class misses its expected outcome); raw results stay in
# results/bug-classes/{kasan,kcsan}/.
#
#   KDIR=<debug tree> KCSAN_KDIR=<kcsan tree> scripts/bug-classes.sh

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ -n "${KDIR:-}" ] || die "KDIR is not set (use: make LLVM=1 bug-classes)"
grep -q '^CONFIG_KASAN=y' "$KDIR/.config" ||
	die "$KDIR has no KASAN: the bug classes need the debug flavour (configs/debug.config)"
if [ -n "${KCSAN_KDIR:-}" ]; then
	grep -q '^CONFIG_KCSAN=y' "$KCSAN_KDIR/.config" ||
		die "$KCSAN_KDIR has no KCSAN (configs/kcsan.config)"
fi
RESULTS=${RKM_RESULTS:-$TOP/results/bug-classes}
BUILD=$TOP/.build/bug-classes
DEMO=$TOP/demos/bug_classes

# build_demos TREE DIR MODULE...: fresh copies of the demo modules in DIR,
# built against TREE; rust_bugs includes modules/common/ as the modules do
# (../common/), and is built with clippy and every warning an error.
build_demos() {
	local tree=$1 dir=$2 module features
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r "$DEMO/include" "$TOP/modules/common" "$dir/"
	features=$("$TOP/scripts/probes.sh" "$tree" LLVM=1)
	for module in "$@"; do
		cp -r "$DEMO/$module" "$dir/"
		note "building $module against $tree"
		make -C "$tree" M="$dir/$module" LLVM=1 CLIPPY=1 \
			KRUSTFLAGS="-Dwarnings$(for f in $features; do printf ' --cfg=%s' "$f"; done)" \
			modules >"$dir/$module/build.log" 2>&1 ||
			die "building $module failed: $(tail -n 20 "$dir/$module/build.log")"
	done
	cp "$BUILD/trigger" "$dir/"
}

# run_vm TREE RESULTS BUILD_DIR VNG_ARGS CLASS...: the classes set off in a
# VM of TREE's kernel, one at a time.
run_vm() {
	local tree=$1 results=$2 dir=$3 vng_args=${RKM_VNG_ARGS:-} start
	[ -z "$4" ] || vng_args=${vng_args:+$vng_args$'\n'}$4
	shift 4
	mkdir -p "$results"
	start=$(date +%s)
	KDIR=$tree RKM_VNG_ARGS=$vng_args \
		"$TOP/scripts/vm.sh" --timeout "${RKM_VM_TIMEOUT:-1800}" --rwdir "$results" \
		--console-log "$results/console.log" \
		--script "$TOP/scripts/guest/bug-classes.sh" "$results" "$dir" "$@" || true
	note "VM run of $(basename "$tree"): $(($(date +%s) - start)) s"
	if [ ! -f "$results/complete" ]; then
		echo "--- the VM did not complete the run; last lines of $results/console.log:" >&2
		tail -n 30 "$results/console.log" >&2 || true
	fi
}

rm -rf "$RESULTS"
mkdir -p "$RESULTS" "$BUILD"
${CC:-cc} -O2 -g -Wall -Wextra -Werror -pthread -I "$TOP/tests/lib" -I "$DEMO/include" \
	-o "$BUILD/trigger" "$DEMO/trigger.c" "$TOP/tests/lib/ktap.c"
# The modules each VM loads, as scripts/bug_classes.py expects them loaded.
mapfile -t kasan_modules < <(python3 "$TOP/scripts/bug_classes.py" --modules kasan)
build_demos "$KDIR" "$BUILD/kasan" "${kasan_modules[@]}"
if [ -n "${KCSAN_KDIR:-}" ]; then
	mapfile -t kcsan_modules < <(python3 "$TOP/scripts/bug_classes.py" --modules kcsan)
	build_demos "$KCSAN_KDIR" "$BUILD/kcsan" "${kcsan_modules[@]}"
fi

note "the Rust side: compile-fail cases of the classes"
mapfile -t cases < <(python3 "$TOP/scripts/bug_classes.py" --cases)
"$TOP/scripts/compile-fail.sh" "$KDIR" "${cases[@]}" >"$RESULTS/compile-fail.ktap" || true

mapfile -t classes < <(python3 "$TOP/scripts/bug_classes.py" --runs kasan)
note "booting the KASAN kernel: each class in turn"
run_vm "$KDIR" "$RESULTS/kasan" "$BUILD/kasan" --append=kasan_multi_shot "${classes[@]}"
if [ -n "${KCSAN_KDIR:-}" ]; then
	mapfile -t classes < <(python3 "$TOP/scripts/bug_classes.py" --runs kcsan)
	note "booting the KCSAN kernel: ${classes[*]}"
	run_vm "$KCSAN_KDIR" "$RESULTS/kcsan" "$BUILD/kcsan" "" "${classes[@]}"
fi

echo
exec python3 "$TOP/scripts/bug_classes.py" --results "$RESULTS"

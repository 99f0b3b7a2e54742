#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check EXTERNAL="DIR...": anyone's out-of-tree modules, tested by the
# collection's harness (Documentation/external-modules.md). Checks that each
# DIR is a module folder, builds it against KDIR into kbuild's separate output
# folder for external modules (MO=), so that nothing inside DIR is created or
# changed, and stages the modules built as a tree with the collection's
# layout: the .ko files, and copies of what the harness reads of DIR, so
# that a run's sources, tests and modules stay those it built, whatever is
# edited in DIR meanwhile. Prints the stage's path: check.sh, plan.py,
# build-tests.sh and vm.sh run on it (--tree) as on the checkout.
#
#   KDIR=... scripts/external.sh [--kbuild 'COMMAND'] DIR...
#
# --kbuild 'COMMAND': what builds a folder, run as COMMAND DIR OUTPUT
# (scripts/distro/debian.sh's kbuild-external: kbuild in Debian's chroot);
# by default make -C $KDIR M=DIR MO=OUTPUT LLVM=1 modules.
#
# Everything is under .build/external/<tree>/ (<tree>: KDIR's name and a
# hash of its path, so that two trees' builds never mix):
#   build/<dir>-<hash>/   kbuild's output for DIR (MO=), and build.log
#   stage/modules/<m>/    <m>.ko (a link to the build's); the module's own
#                         sources, those kbuild's .cmd files name
#                         (the judge reads the KUnit suites they declare);
#                         Kbuild, DIR's (or its Makefile), which marks a
#                         module; include/ and vm/, DIR's if it has them
#                         (vm/: for DIR's first module only, so that the VM
#                         gets them once)
#   stage/tests/<m>/      DIR's tests/<m>/, or the tests/ of a DIR that
#                         builds one module, if it has them
#   stage/.build/         what the harness builds of them (the tests'
#                         programs, the ACPI tables)
# <m> is the module's name in the kernel (a "-" in its file name is "_").
#
# Bad input is one line on stderr and exit status 1: a DIR that is no
# folder, has no Kbuild or Makefile, builds no module, or two modules of one
# name; a DIR that fails to build prints the compiler's first errors too.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

kbuild=()
if [ "${1:-}" = --kbuild ]; then
	read -ra kbuild <<<"${2:-}"
	shift 2
fi
[ -n "${KDIR:-}" ] || die "KDIR is not set (use: make LLVM=1 check EXTERNAL=...)"
[ $# -gt 0 ] || die "usage: KDIR=... $0 [--kbuild 'COMMAND'] DIR... (folders of out-of-tree modules)"
[ -d "$KDIR" ] || die "KDIR: $KDIR is not a folder"

# A short name for a path (for file names).
hash_of() {
	printf '%s' "$1" | sha256sum | cut -c1-8
}

kdir=$(cd "$KDIR" && pwd -P)
out=$TOP/.build/external/${kdir##*/}-$(hash_of "$kdir")
stage=$out/stage

# Every folder is checked before any is built.
dirs=()
for arg in "$@"; do
	[ -d "$arg" ] || die "EXTERNAL: $arg is not a folder"
	dir=$(cd "$arg" && pwd -P)
	[ -f "$dir/Kbuild" ] || [ -f "$dir/Makefile" ] ||
		die "EXTERNAL: $arg has no Kbuild or Makefile: not a kernel module folder"
	dirs+=("$dir")
done

# kbuild_folder DIR OUTPUT
kbuild_folder() {
	if [ ${#kbuild[@]} -gt 0 ]; then
		"${kbuild[@]}" "$1" "$2"
	else
		make -C "$kdir" M="$1" MO="$2" LLVM=1 modules
	fi
}

# sources BUILD DIR OBJECTS_FILE: the files under DIR that kbuild compiled
# the objects of a module from (its .mod file lists them; each object's .cmd
# file names its source and what it read), relative to DIR, one a line.
sources() {
	local build=$1 dir=$2 object cmd
	while read -r object; do
		object=${object#./}
		cmd=$build/$(dirname "$object")/.$(basename "$object").cmd
		[ -f "$cmd" ] || continue
		sed -n -e 's/^source_[^ ]* := //p' -e 's/^ *\(\/[^ ]*\) \\$/\1/p' "$cmd"
	done <"$3" | while read -r file; do
		[[ $file != "$dir"/* ]] || echo "${file#"$dir"/}"
	done | sort -u
}

# stage_module DIR BUILD PATH FIRST ONLY: stages the module kbuild built as
# BUILD/PATH.ko (PATH as modules.order lists it, without ".o"). FIRST is 1
# for DIR's first module, ONLY is 1 when DIR builds no other.
stage_module() {
	local dir=$1 build=$2 path=$3 first=$4 only=$5 file name staged source tests
	file=${path##*/}
	name=${file//-/_}
	staged=$stage/modules/$name
	[ ! -e "$staged" ] ||
		die "EXTERNAL: two modules are named $name: $(readlink "$staged/$name.ko") and $build/$path.ko"
	mkdir -p "$staged"
	ln -s "$build/$path.ko" "$staged/$name.ko"
	cp -p "$dir/$([ -f "$dir/Kbuild" ] && echo Kbuild || echo Makefile)" "$staged/Kbuild"
	while read -r source; do
		[ -n "$source" ] || continue
		mkdir -p "$staged/$(dirname "$source")"
		cp -p "$dir/$source" "$staged/$source"
	done < <(sources "$build" "$dir" "$build/$path.mod")
	[ ! -d "$dir/include" ] || cp -pR "$dir/include" "$staged/include"
	[ "$first" = 0 ] || [ ! -d "$dir/vm" ] || cp -pR "$dir/vm" "$staged/vm"
	for tests in "$dir/tests/$name" "$dir/tests/$file"; do
		if [ -d "$tests" ]; then
			cp -pR "$tests" "$stage/tests/$name"
			return
		fi
	done
	[ "$only" = 0 ] || [ ! -d "$dir/tests" ] || cp -pR "$dir/tests" "$stage/tests/$name"
}

rm -rf "$stage/modules" "$stage/tests"
mkdir -p "$stage/modules" "$stage/tests"
for dir in "${dirs[@]}"; do
	build=$out/build/${dir##*/}-$(hash_of "$dir")
	mkdir -p "$build"
	note "building $dir (log: $build/build.log)"
	if ! kbuild_folder "$dir" "$build" >"$build/build.log" 2>&1; then
		# Rust's and C's errors, and make's when the compiler said nothing.
		first=$(grep -n -m1 -E '(^|[ :])(error|Error)(\[E[0-9]+\])?[: ]' "$build/build.log" |
			cut -d: -f1)
		printf '\nerror: EXTERNAL: %s failed to build; its first errors (all in %s):\n' \
			"$dir" "$build/build.log" >&2
		# Not the cascade of make's "*** [...] Error" lines that follows.
		tail -n +"${first:-1}" "$build/build.log" | grep -v '^make\[[0-9]*\]: \*\*\* \[' |
			head -n 20 >&2
		exit 1
	fi
	mapfile -t paths < <(sed -e 's|^\./||' -e 's|\.o$||' "$build/modules.order" 2>/dev/null)
	[ ${#paths[@]} -gt 0 ] || die "EXTERNAL: $dir builds no module (no obj-m in its Kbuild or Makefile)"
	for i in "${!paths[@]}"; do
		stage_module "$dir" "$build" "${paths[i]}" $((i == 0)) $((${#paths[@]} == 1))
	done
done
echo "$stage"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The collection's conventions, for the scripts on the host and in the VM
# (source it; TOP is the checkout). Run alone, it prints the modules a
# `make check MODULES=...` builds and loads:
#
#   scripts/collection.sh [MODULE...]
#
# The tree read is TREE (set it before sourcing; default TOP): the checkout,
# or the stage scripts/external.sh makes of your own modules (make check
# EXTERNAL=...), which has the same layout.
#
# - A module is a folder of modules/ with a Kbuild file.
# - A twin implements another module's ABI and runs that module's programs:
#   tests/<module>/twin.env names it (TWIN_OF=<other>) and gives the
#   programs' environment (KEY=VALUE lines; '#' starts a comment).
# - tests/<module>/needs lists the modules its programs load beside it
#   (rust_phy's: the emulated bus, rust_vmdio), one a line ('#' starts a
#   comment).

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TREE=${TREE:-$TOP}

# collection_modules: every module of the tree, one a line.
collection_modules() {
	local kbuild
	for kbuild in "$TREE"/modules/*/Kbuild; do
		[ -e "$kbuild" ] || continue
		kbuild=${kbuild%/Kbuild}
		echo "${kbuild##*/}"
	done
}

# twin_of MODULE: sets programs_of (the module whose tests/ and .build/
# folders hold the programs MODULE runs) and TWIN_ENV (KEY=VALUE words).
twin_of() {
	local file=$TREE/tests/$1/twin.env line
	programs_of=$1
	TWIN_ENV=()
	[ -f "$file" ] || return 0
	while IFS= read -r line; do
		case $line in
		'#'* | '') ;;
		TWIN_OF=*) programs_of=${line#TWIN_OF=} ;;
		*=*) TWIN_ENV+=("$line") ;;
		esac
	done <"$file"
}

# modules_needed [MODULE...]: the modules named (every module when none is)
# and those their programs need, each once, in the collection's order. A
# name that is not a module fails, with one line on stderr.
modules_needed() {
	local all wanted=() module need
	all=$(collection_modules)
	[ $# -gt 0 ] || mapfile -t wanted <<<"$all"
	for module in "$@"; do
		if ! grep -qxF -- "$module" <<<"$all"; then
			echo "$module is not a module of the collection: they are $(echo $all)" >&2
			return 1
		fi
		wanted+=("$module")
		twin_of "$module"
		[ -f "$TREE/tests/$programs_of/needs" ] || continue
		while IFS= read -r need; do
			case $need in
			'#'* | '') ;;
			*) wanted+=("$need") ;;
			esac
		done <"$TREE/tests/$programs_of/needs"
	done
	grep -xF -f <(printf '%s\n' "${wanted[@]}") <<<"$all"
}

# vm_extras_of MODULE...: the modules whose VM extras (modules/<m>/vm/) a
# VM testing MODULEs needs, each once, in the collection's order: MODULEs,
# and the module whose programs each twin runs, as their device is in that
# module's extras (c_platform's banks sit on the pc-testdev of
# rust_platform's vm/qemu-opts).
vm_extras_of() {
	local module wanted=()
	for module in "$@"; do
		twin_of "$module"
		wanted+=("$module" "$programs_of")
	done
	collection_modules | grep -xF -f <(printf '%s\n' "${wanted[@]}")
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	TREE=$TOP
	modules_needed "$@"
fi

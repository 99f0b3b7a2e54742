#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make LLVM=1 rustdoc (and make lint): the HTML documentation of each Rust
# module, with the modules/common/ files it includes and its private items,
# into .build/rustdoc/<module>/ (a folder each: two are made at a time). kbuild has no rustdoc for M= modules, so
# each is documented with the very command kbuild compiled it with (its
# .cmd file: the tree's kernel crate, flags and kernel features), rustdoc
# in place of rustc. Intra-doc links are checked (a broken one fails, as any
# rustdoc warning does: kbuild's -Dwarnings is among the flags), and the
# kernel crate's items link to its own documentation.
#
# The examples of the modules/common/ files are compiled too, with the same
# command (scripts/doctests.py says how): an example that does not build,
# or warns, fails.
#
#   scripts/rustdoc.sh MODULE...

set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: $0 MODULE... (Rust modules, built)"
OUT=$TOP/.build/rustdoc
DOCTESTS=$TOP/.build/doctests
# The kernel crate's documentation, as the kernel project publishes it.
KERNEL_DOCS=https://rust.docs.kernel.org/

# document MODULE: rustdoc with the arguments of MODULE's last compilation;
# then the examples that are MODULE's to check, with the compilation itself.
document() {
	local module=$1 cmd_file words=() env_vars=() args=() word skip=0 compiler source
	cmd_file=$TOP/modules/$module/.$module.o.cmd
	[ -f "$cmd_file" ] || die "$cmd_file is missing: build the module first (make LLVM=1)"
	cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmd_file")
	# The compiler's command, without objtool's that follows it.
	cmd=${cmd%%; *}
	# kbuild wrote it for a shell: let one split it.
	eval "words=($cmd)"
	for word in "${words[@]}"; do
		if [ $skip -eq 1 ]; then
			skip=0
			continue
		fi
		case $word in
		rustc | clippy-driver | */rustc | */clippy-driver)
			compiler=$word
			args+=(rustdoc)
			;;
		--emit=* | -Zbinary_dep_depinfo=*) ;;
		--out-dir) skip=1 ;;
		-*) args+=("$word") ;;
		*=*) [ ${#args[@]} -gt 0 ] && args+=("$word") || env_vars+=("$word") ;;
		*) args+=("$word") ;;
		esac
	done
	[ "${args[0]:-}" = rustdoc ] || die "$cmd_file: not the command of a Rust module"
	# RUSTC_BOOTSTRAP: the kernel's build allows rustc's unstable options so.
	(cd "$TOP" && env RUSTC_BOOTSTRAP=1 "${env_vars[@]}" "${args[@]}" -o "$OUT/$module" \
		--document-private-items -Drustdoc::broken_intra_doc_links \
		-Arustdoc::private_intra_doc_links \
		--extern-html-root-url kernel=$KERNEL_DOCS --extern-html-root-url pin_init=$KERNEL_DOCS)
	[ -f "$DOCTESTS/${module}_doctests.rs" ] || return 0
	source=modules/$module/$module.rs
	[ "${args[-1]}" = "$source" ] || die "$cmd_file: the command does not end in $source"
	(cd "$TOP" && "$TOP/scripts/doctests.py" compile "$DOCTESTS/${module}_doctests.rs" -- \
		env RUSTC_BOOTSTRAP=1 "${env_vars[@]}" "$compiler" "${args[@]:1:${#args[@]}-2}" \
		--out-dir "$DOCTESTS" --emit=obj "$DOCTESTS/${module}_doctests.rs")
}

mkdir -p "$OUT"
rm -rf "$DOCTESTS"
"$TOP/scripts/doctests.py" generate "$DOCTESTS" "$@" >/dev/null
# Two at a time: rustdoc is single-threaded, and make lint waits for it.
export -f document die
export OUT DOCTESTS TOP KERNEL_DOCS
printf '%s\n' "$@" | xargs -P 2 -I{} bash -c 'document "$1"' _ {}
for module in "$@"; do
	echo "$OUT/$module/$module/index.html"
done

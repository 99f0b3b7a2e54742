#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel tree the modules are built against and booted on.
#
#   scripts/kernel.sh [--flavour NAME] kdir    print the default tree's path
#   scripts/kernel.sh [--flavour NAME] ensure  make the default tree if it is
#                                              missing, then print its path
#   scripts/kernel.sh source                   print the source the trees are built
#                                              from (patched), making it if missing
#   scripts/kernel.sh check KDIR               verify a tree given by the user
#   scripts/kernel.sh fragments [--flavour NAME]
#                                              list the config fragments
#
# The default tree is Debian's linux-source-<release> (KVER, default 7.3:
# scripts/fetch-kernel-source.sh), configured with allnoconfig
# plus the fragments (configs/*.config of the flavour, modules/*/kernel.config)
# and built out of the source tree (O=) under $RKM_CACHE/kernel/, in a folder
# named by a key over the kernel version, the merged fragments, the patches
# and the toolchain's versions: a fresh clone reuses it, a changed fragment,
# patch or toolchain makes a new one.
#
# patches/*.patch are fixes of kernel bugs the tests found (each says which
# and why); they are applied, in name order, to a hard-linked copy of the
# source, so the unpacked source itself stays pristine.

set -euo pipefail
source "$(dirname "$0")/lib.sh"

flavour=default

# The fragments of a flavour, in merge order (later ones win).
fragments() {
	echo "$TOP/configs/vm.config"
	echo "$TOP/configs/rust.config"
	echo "$TOP/configs/drivers.config"
	find "$TOP/modules" -mindepth 2 -maxdepth 2 -name kernel.config | sort
	if [ "$flavour" != default ]; then
		[ -f "$TOP/configs/$flavour.config" ] || die "unknown kernel flavour '$flavour' (no configs/$flavour.config)"
		echo "$TOP/configs/$flavour.config"
	fi
}

merged_fragments() {
	local f
	while read -r f; do
		printf '# from %s\n' "${f#"$TOP"/}"
		cat "$f"
	done < <(fragments)
}

# Bump when the way the tree is configured or built changes.
RECIPE=1

cache_key() {
	{
		echo "recipe $RECIPE"
		cat "$(src_dir)/.rkm-debian-version"
		merged_fragments
		cat_patches
		rustc --version
		bindgen --version
		clang --version | head -n1
	} | sha256sum | cut -c1-12
}

src_dir() {
	"$TOP/scripts/fetch-kernel-source.sh"
}

PATCHES=$TOP/patches

# What the patches change: each one from its first diff line on, without its
# message, so that rewording a commit message does not rebuild the trees.
cat_patches() {
	local patch
	for patch in "$PATCHES"/*.patch; do
		[ -f "$patch" ] && sed -n '/^diff \|^--- ./,$p' "$patch"
	done
	return 0
}

# The source the trees are built from: Debian's with the patches applied,
# made once per set of patches next to the pristine source.
patched_src() {
	local src=$1 key dest tmp patch file
	compgen -G "$PATCHES/*.patch" >/dev/null || {
		echo "$src"
		return
	}
	key=$(cat_patches | sha256sum | cut -c1-12)
	dest=$(dirname "$src")/patched-$key
	if [ ! -d "$dest" ]; then
		tmp=$dest.tmp.$$
		rm -rf "$tmp"
		mkdir "$tmp"
		cp -al "$src" "$tmp/linux"
		for patch in "$PATCHES"/*.patch; do
			# Patch a copy of each file it touches, not the file the
			# pristine source shares through the hard link.
			for file in $(sed -n 's|^+++ b/||p' "$patch"); do
				cp "$tmp/linux/$file" "$tmp/linux/$file.rkm-unlink"
				mv "$tmp/linux/$file.rkm-unlink" "$tmp/linux/$file"
			done
			if ! patch -d "$tmp/linux" -p1 --batch --forward --quiet <"$patch" >&2; then
				rm -rf "$tmp"
				die "patches/$(basename "$patch") does not apply to $src"
			fi
		done
		# Another run may have made it meanwhile: theirs is the same.
		mv -T "$tmp" "$dest" 2>/dev/null || rm -rf "$tmp"
	fi
	echo "$dest/linux"
}

tree_dir() {
	echo "$CACHE/kernel/$flavour-$(tr '~' '_' <"$(src_dir)/.rkm-debian-version")-$(cache_key)"
}

# Fails with the names of the options the fragments ask for that a
# configured tree does not have (Kconfig drops options whose dependencies
# are missing without a word).
config_mismatches() {
	local config=$1 line opt want have
	merged_fragments | while read -r line; do
		case $line in
		CONFIG_*=*)
			opt=${line%%=*}
			want=${line#*=}
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			want=n
			;;
		*) continue ;;
		esac
		have=$(grep -E "^$opt=" "$config" | cut -d= -f2- || true)
		[ -n "$have" ] || have=n
		[ "$have" = "$want" ] || echo "$opt=$want (tree has: $have)"
	done
}

# Runs make with output to a log, showing progress; fails with the log's
# last relevant lines.
make_logged() {
	local step=$1 log=$2 expected=$3
	shift 3
	local start=$SECONDS pid done_steps pct minutes reported=0
	"$@" >"$log" 2>&1 &
	pid=$!
	# Stopping this script stops the build (make passes it on to its jobs).
	trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 143' INT TERM
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		done_steps=$(grep -cE '^  [A-Z]' "$log" || true)
		pct=$((expected > 0 ? done_steps * 100 / expected : 0))
		[ $pct -le 99 ] || pct=99
		minutes=$(((SECONDS - start) / 60))
		if [ -t 2 ]; then
			printf '\r    %s: %d steps (~%d%%), %dm%02ds elapsed ' "$step" "$done_steps" "$pct" \
				$minutes $(((SECONDS - start) % 60)) >&2
		elif [ $minutes -gt $reported ]; then
			# Not a terminal (CI): one line a minute.
			reported=$minutes
			printf '    %s: %d steps (~%d%%), %dm elapsed\n' "$step" "$done_steps" "$pct" $minutes >&2
		fi
	done
	[ -t 2 ] && printf '\n' >&2
	trap - INT TERM
	if ! wait "$pid"; then
		echo "--- last errors of $log:" >&2
		grep -E -i 'error|\*\*\*' "$log" | tail -n 20 >&2 || tail -n 20 "$log" >&2
		die "$step failed; full log: $log"
	fi
	note "$step done in $(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s"
}

ensure_tree() {
	local src dir expected_file expected
	"$TOP/scripts/toolchain.sh"
	src=$(src_dir)
	"$TOP/scripts/toolchain.sh" --check-tree "$src"
	src=$(patched_src "$src")
	dir=$(tree_dir)
	if [ -f "$dir/.rkm-complete" ]; then
		echo "$dir"
		return
	fi

	mkdir -p "$CACHE/kernel"
	exec 9>"$CACHE/kernel/.lock"
	if ! flock -n 9; then
		note "another kernel build is running; waiting for it"
		flock 9
	fi
	if [ -f "$dir/.rkm-complete" ]; then
		echo "$dir"
		return
	fi

	note "building the $flavour kernel tree in $dir (about 6 minutes on 2 cores)"
	mkdir -p "$dir"
	merged_fragments >"$dir/rkm-fragments.config"
	make_logged "configure" "$dir/configure.log" 0 \
		make -C "$src" O="$dir" LLVM=1 KCONFIG_ALLCONFIG="$dir/rkm-fragments.config" allnoconfig
	local bad
	bad=$(config_mismatches "$dir/.config")
	[ -z "$bad" ] || die "the configured tree lacks options the fragments ask for (a dependency is missing?):
$bad
Fix the fragments in configs/ or modules/*/kernel.config."
	make -C "$dir" LLVM=1 rustavailable >"$dir/rustavailable.log" 2>&1 ||
		die "make rustavailable failed: $(tail -n 5 "$dir/rustavailable.log")"

	expected_file=$CACHE/kernel/$flavour.steps
	expected=$(cat "$expected_file" 2>/dev/null || echo 3500)
	make_logged "build (bzImage, modules_prepare)" "$dir/build.log" "$expected" \
		make -C "$dir" LLVM=1 -j"$(nproc)" bzImage modules modules_prepare
	grep -cE '^  [A-Z]' "$dir/build.log" >"$expected_file" || true
	touch "$dir/.rkm-complete"
	prune_trees "$dir"
	echo "$dir"
}

# Each tree takes about 1 GB: of the flavour's other trees of the same
# release, keep the newest complete one (another checkout may still use it)
# and delete the rest.
prune_trees() {
	local keep=$1 tree kept=0 release
	release=$(cut -d. -f1,2 "$(src_dir)/.rkm-debian-version")
	for tree in $(ls -dt "$CACHE/kernel/$flavour-$release".[0-9]*/ 2>/dev/null); do
		tree=${tree%/}
		[ "$tree" != "$keep" ] || continue
		if [ -f "$tree/.rkm-complete" ] && [ $kept -eq 0 ]; then
			kept=1
			continue
		fi
		note "removing the old tree $tree"
		rm -rf "$tree"
	done
}

# A user's tree: one clear paragraph when it cannot be used, nothing built.
check_user_tree() {
	local kdir=$1 config bad
	local fix="Pass a kernel tree that is configured with CONFIG_RUST=y and the options in configs/rust.config, configs/drivers.config and modules/*/kernel.config, and prepared with 'make LLVM=1 modules_prepare' (or a full build); or leave KDIR unset to use the project's own tree."
	[ -d "$kdir" ] || die "KDIR=$kdir does not exist. $fix"
	config=$kdir/.config
	[ -f "$config" ] || die "KDIR=$kdir is not a configured kernel tree (no .config). $fix"
	grep -qx 'CONFIG_RUST=y' "$config" || die "KDIR=$kdir is not built with Rust support (CONFIG_RUST is not set). $fix"
	[ -f "$kdir/Module.symvers" ] && [ -x "$kdir/scripts/mod/modpost" ] ||
		die "KDIR=$kdir is configured but not prepared (no Module.symvers or modpost). $fix"
	bad=$(flavour=default config_mismatches "$config" | grep -v -f <(vm_only_options) || true)
	[ -z "$bad" ] || die "KDIR=$kdir lacks kernel options the modules need:
$bad
$fix"
	return 0
}

# Options only the project's own VM kernel needs, not checked on user trees.
vm_only_options() {
	sed -n -e 's/^\(CONFIG_[A-Z0-9_]*\)=.*/^\1=/p' -e 's/^# \(CONFIG_[A-Z0-9_]*\) is not set/^\1=/p' "$TOP/configs/vm.config"
}

while [ $# -gt 0 ]; do
	case $1 in
	--flavour)
		flavour=$2
		shift 2
		;;
	kdir)
		tree_dir
		exit
		;;
	ensure)
		ensure_tree
		exit
		;;
	source)
		patched_src "$(src_dir)"
		exit
		;;
	check)
		check_user_tree "$2"
		exit
		;;
	fragments)
		fragments
		exit
		;;
	*) die "usage: $0 [--flavour NAME] kdir|ensure|source|check KDIR|fragments" ;;
	esac
done
die "usage: $0 [--flavour NAME] kdir|ensure|source|check KDIR|fragments"

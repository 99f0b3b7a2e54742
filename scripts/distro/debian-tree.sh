# SPDX-License-Identifier: GPL-2.0
#
# Step 3 of scripts/distro/debian.sh's set-up, which sources this: the O=
# tree with the Rust metadata rebuilt from Debian's source and .config,
# refused unless its .config and Rust exports are the stock kernel's.

# shellcheck shell=bash
# shellcheck disable=SC2153  # RELEASE is a pin of scripts/distro/debian.sh

tree_dir() {
	local key
	key=$({
		echo "recipe $RECIPE"
		echo "$RELEASE $KVERSION"
		printf '%s\n' "${KMAKE_VARS[@]}"
		CHROOT_KEY
	} | sha256sum | cut -c1-12)
	echo "$CACHE/kernel/$RKM_STOCK-$(echo "$KVERSION" | tr '~:' '__')-$key"
}

kmake() {
	local dir=$1
	shift
	in_chroot --bind "$(src_dir)" --bind "$dir" -- make -C "$(src_dir)" O="$dir" "${KMAKE_VARS[@]}" "$@"
}

make_tree() {
	local dir
	dir=$(tree_dir)
	[ -f "$dir/.rkm-complete" ] && return 0

	# What the build needs of Debian's build must be what this script passes.
	local var
	for var in "override ARCH = x86" "override KERNELRELEASE = $RELEASE" \
		"override CROSS_COMPILE = x86_64-linux-gnu-" 'CC = $(if $(DEBIAN_KERNEL_USE_CCACHE),$(CCACHE)) $(CROSS_COMPILE)'"$KERNEL_CC"; do
		grep -qxF "$var" "$HEADERS/.kernelvariables" ||
			die "the headers' .kernelvariables no longer say '$var': update $STOCK_CONF or KMAKE_VARS in scripts/distro/debian.sh"
	done

	mkdir -p "$CACHE/kernel"
	exec 9>"$CACHE/kernel/.lock"
	if ! flock -n 9; then
		note "another kernel build is running; waiting for it"
		flock 9
	fi
	[ -f "$dir/.rkm-complete" ] && return 0

	note "rebuilding the Rust metadata of $RELEASE in $dir (a few minutes on 2 cores)"
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$HEADERS/.config" "$dir/.config"
	logged "olddefconfig" "$dir/olddefconfig.log" kmake "$dir" olddefconfig
	check_config "$dir" olddefconfig
	logged "modules_prepare (rust/, scripts/)" "$dir/build.log" kmake "$dir" -j"$(nproc)" modules_prepare
	check_config "$dir" modules_prepare
	local release
	release=$(cat "$dir/include/config/kernel.release")
	[ "$release" = "$RELEASE" ] || die "the rebuilt tree's release is '$release', not '$RELEASE'"
	cp "$HEADERS/Module.symvers" "$dir/Module.symvers"
	check_rust_exports "$dir" | tee "$dir/rust-exports.txt" >&2
	flock -u 9
	touch "$dir/.rkm-complete"
	prune_trees "$dir"
}

# Debian's .config, once the rebuilt tree's Kconfig has seen it, must be
# unchanged: any difference (another compiler, a missing pahole) would
# change the kernel's ABI.
check_config() {
	local dir=$1 step=$2
	cmp -s "$HEADERS/.config" "$dir/.config" && return 0
	diff -u "$HEADERS/.config" "$dir/.config" | head -n 40 >&2 || true
	die "after $step the tree's .config differs from the one of linux-headers-$RELEASE (diff
above): this chroot's toolchain or the source does not configure the kernel Debian built, and
modules built here might not load or might misbehave on it. The tree is $dir."
}

# The crate hashes and exported Rust symbols of the rebuilt crates must be
# those of the stock kernel (its Module.symvers).
check_rust_exports() {
	local dir=$1
	python3 "$HERE/rust-exports.py" --symvers "$HEADERS/Module.symvers" \
		--exports-dir "$dir/rust" \
		--nm-output <(in_chroot --bind "$dir" -- bash -c "cd '$dir/rust' && nm --defined-only core.o kernel.o") ||
		die "the rebuilt Rust crates are not the stock kernel's (above): modules built against them
would not link against $RELEASE. Check that the chroot's rustc is exactly Debian's
(CONFIG_RUSTC_VERSION_TEXT) and that the source is $SOURCE_PACKAGE $KVERSION."
}

prune_trees() {
	local keep=$1 tree
	for tree in "$CACHE/kernel/$RKM_STOCK"-[0-9]*/; do
		tree=${tree%/}
		[ "$tree" != "$keep" ] && [ -d "$tree" ] || continue
		note "removing the old tree $tree"
		rm -rf "$tree"
	done
}

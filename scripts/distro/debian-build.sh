# SPDX-License-Identifier: GPL-2.0
#
# Part of scripts/distro/debian.sh, which sources it: building, linting and
# installing the modules in the chroot against the rebuilt tree.

# shellcheck shell=bash

# The module sources alone (Kbuild, modules/: what git tracks or would
# track), copied with their times into .build/<stock>-src/. kbuild finds
# sources through VPATH, so it refuses (and must not see) a source tree
# holding another build's objects, as the default tree's build leaves next to
# the sources; the chroot sees this copy at the checkout's own path, so the
# compilers' messages name the real files.
VIEW=$OUT-src
# The probe runner, for the tree's kernel features (scripts/probes.sh).
PROBE_SOURCES="scripts/probes.sh scripts/lib.sh scripts/probes"
source_view() {
	local list
	if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
		list=$(cd "$TOP" && git ls-files -co --exclude-standard -- Kbuild modules $PROBE_SOURCES)
	else
		list=$(cd "$TOP" && find Kbuild modules $PROBE_SOURCES -type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod' \
			! -name '*.mod.c' ! -name '*.rmeta' ! -name '.*.cmd' ! -name '.*.d' \
			! -name modules.order ! -name Module.symvers ! -name '*.long-type-*.txt')
	fi
	rm -rf "$VIEW.new"
	mkdir -p "$VIEW.new"
	(cd "$TOP" && cpio -pdm --quiet "$VIEW.new" <<<"$list") || die "copying the module sources to $VIEW failed"
	rm -rf "$VIEW"
	mv "$VIEW.new" "$VIEW"
}

# kbuild_modules TREE [MAKE ARGS...]: make M=<checkout> MO=.build/debian.
kbuild_modules() {
	local dir=$1
	shift
	mkdir -p "$OUT"
	# One build of OUT at a time, held to the end of the command (which may
	# build again, in a subshell that inherits the lock).
	if [ -z "${OUT_LOCKED:-}" ]; then
		exec 7>"$OUT.lock"
		flock 7
		OUT_LOCKED=1
	fi
	source_view
	local binds=(--bind "$(src_dir)" --bind "$dir" --bind-to "$VIEW" "$TOP" --bind "$OUT" "${extra_binds[@]}")
	local features
	features=$(in_chroot "${binds[@]}" -- env RKM_PROBES_DIR="$OUT/probes" \
		"$TOP/scripts/probes.sh" "$dir" "${KMAKE_VARS[@]}")
	echo "$features" >"$OUT/kernel-features"
	in_chroot "${binds[@]}" -- make -C "$dir" M="$TOP" MO="$OUT" "${KMAKE_VARS[@]}" \
		RKM_FEATURES="$features" ${V:+V=$V} "$@"
}
extra_binds=()

# The modules' vermagic must be that of Debian's own modules.
check_vermagic() {
	local ko want have stock
	stock=$(find "$MODDIR/kernel/fs" -name '*.ko.xz' -print -quit)
	want=$(modinfo -F vermagic "$stock")
	for ko in "$OUT"/modules/*/*.ko; do
		have=$(modinfo -F vermagic "$ko")
		[ "$have" = "$want" ] || die "$ko has vermagic '$have', the stock kernel's modules '$want'"
	done
}

build_modules() {
	local dir
	dir=$(ensure)
	kbuild_modules "$dir" modules
	check_vermagic
	note "modules for $RELEASE: $(cd "$TOP" && ls .build/debian/modules/*/*.ko | tr '\n' ' ')"
}

lint() {
	local dir
	dir=$(ensure)
	make -C "$TOP" --no-print-directory rustfmtcheck
	# clippy-driver and rustc 1.85.1: every warning is an error.
	kbuild_modules "$dir" CLIPPY=1 KRUSTFLAGS=-Dwarnings modules
	check_vermagic
}

modules_install() {
	local dir dest=${INSTALL_MOD_PATH:-}
	[ -n "$dest" ] || die "make KERNEL=debian modules_install needs INSTALL_MOD_PATH=DIR: the modules are for
Debian's $RELEASE, not for this machine (nothing is installed into /lib/modules here)."
	mkdir -p "$dest"
	dest=$(cd "$dest" && pwd)
	dir=$(ensure)
	extra_binds=(--bind "$dest")
	kbuild_modules "$dir" modules
	check_vermagic
	# Debian signs its modules with a key it keeps: these go unsigned (the
	# kernel taints E on loading them, and loads them: MODULE_SIG_FORCE is off).
	kbuild_modules "$dir" INSTALL_MOD_PATH="$dest" CONFIG_MODULE_SIG_ALL= modules_install
	note "installed into $dest/lib/modules/$RELEASE/updates/; on a Debian 13 machine running
    $RELEASE: copy them to /lib/modules/$RELEASE/updates/, then depmod -a and modprobe (or insmod)"
}

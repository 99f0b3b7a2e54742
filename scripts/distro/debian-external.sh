# SPDX-License-Identifier: GPL-2.0
#
# Part of scripts/distro/debian.sh, which sources it: your own modules on
# Debian's stock kernel (make KERNEL=debian check|vm|modules EXTERNAL=...;
# Documentation/external-modules.md). scripts/external.sh builds each folder
# in the chroot, with Debian's toolchain (kbuild_external), and stages their
# modules; the harness then runs on the stage as it does on the default
# tree's, on Debian's vmlinuz. Results: results/external/<stock kernel>/.

# shellcheck shell=bash

# kbuild_external DIR OUTPUT: DIR's modules, built into OUTPUT (MO=) in the
# chroot against the rebuilt tree.
kbuild_external() {
	local tree
	tree=$(tree_dir)
	mkdir -p "$2"
	in_chroot --bind "$(src_dir)" --bind "$tree" --bind "$1" --bind "$2" -- \
		make -C "$tree" M="$1" MO="$2" "${KMAKE_VARS[@]}" modules
}

# external_stage: builds RKM_EXTERNAL's folders and their tests; prints the
# stage.
external_stage() {
	local tree stage
	tree=$(ensure)
	# RKM_EXTERNAL is the folders, space-separated, as make's EXTERNAL.
	# shellcheck disable=SC2086
	stage=$(KDIR=$tree "$TOP/scripts/external.sh" --kbuild "$HERE/debian.sh kbuild-external" \
		$RKM_EXTERNAL)
	"$TOP/scripts/build-tests.sh" --tree "$stage"
	echo "$stage"
}

# external_vm_env STAGE: what vm.sh and check.sh read, for the stage. The
# files vm_env reads are the stage's folder's (dynamic scope: OUT is local):
# the target, and the kernel features, none (they are the collection's
# modules' features, probed when they are built, which EXTERNAL does not).
external_vm_env() {
	local OUT
	OUT=$(dirname "$1")
	: >"$OUT/kernel-features"
	write_target
	vm_env
	export RKM_RESULTS=$TOP/results/external/$RKM_STOCK
	KDIR=$(tree_dir)
	export KDIR
}

# external COMMAND [ARGS]: check, vm [ARGS] or modules on the stage.
external() {
	local stage
	case $1 in
	modules)
		external_stage >/dev/null
		;;
	check)
		stage=$(external_stage)
		external_vm_env "$stage"
		note "booting Debian's $RELEASE (stock vmlinuz and modules)"
		"$TOP/scripts/check.sh" --tree "$stage"
		;;
	vm)
		shift
		stage=$(external_stage)
		external_vm_env "$stage"
		"$TOP/scripts/vm.sh" --tree "$stage" --load "$(cd "$stage/modules" && echo *)" "$@"
		;;
	*) die "make KERNEL=$RKM_STOCK $1 EXTERNAL=...: not available (EXTERNAL works with check, vm and modules)" ;;
	esac
}

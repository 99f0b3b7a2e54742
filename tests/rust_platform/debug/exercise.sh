#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Quick use of rust_platform right after insmod, for the load/unload cycles
# of `make check-debug`: the four good banks of vm/rust_platform.dsl are
# bound, on each a scratch write and a channels write read back, then each
# goes through an unbind/bind cycle and is in use again. The labels of bank-a
# and bank-b are checked; those of RKP4 and RKP5 are the 4 KiB ones of the
# sysfs size limit (tests/rust_platform/show_limit.c), not read here. Shell
# builtins only, so that a cycle stays fast under TCG. Exits non-zero on any
# mismatch.
#
# A twin driving banks of its own runs it with its driver's name, its
# banks' ACPI _HID and the ACPI path of its banks without their last digit
# in RKM_PLATFORM_DRIVER, RKM_PLATFORM_HID and RKM_PLATFORM_ACPI
# (tests/c_platform/debug/exercise.sh), as tests/rust_platform/bank.h reads
# them.

set -u

DRIVER=/sys/bus/platform/drivers/${RKM_PLATFORM_DRIVER:-rust_platform}
HID=${RKM_PLATFORM_HID:-RKMP0001}
ACPI=${RKM_PLATFORM_ACPI:-'\_SB_.RKP'}
fail() {
	echo "exercise: $*" >&2
	exit 1
}

labels=
devices=()
for dev in "$DRIVER/$HID":*; do
	devices+=("${dev##*/}")
	[ -e "$dev/label" ] || continue
	read -r node <"$dev/firmware_node/path" || fail "$dev: cannot read its firmware node"
	case $node in
	"${ACPI}0" | "${ACPI}1")
		read -r label <"$dev/label" || fail "$dev: cannot read label"
		labels+=" $label"
		;;
	esac

	printf 0xa5c3e10f >"$dev/scratch" || fail "$dev: cannot write scratch"
	read -r value <"$dev/scratch"
	[ "$value" = 0xa5c3e10f ] || fail "$dev: scratch reads $value after writing 0xa5c3e10f"

	# Writing back what channels shows must be accepted and change nothing.
	read -r levels <"$dev/channels" || fail "$dev: cannot read channels"
	printf '%s\n' "$levels" >"$dev/channels" || fail "$dev: cannot write channels '$levels'"
	read -r value <"$dev/channels"
	[ "$value" = "$levels" ] || fail "$dev: channels read $value after writing $levels"
done

[[ "$labels" == " bank-a bank-b" || "$labels" == " bank-b bank-a" ]] ||
	fail "bound banks:${labels:- none}; expected bank-a and bank-b"
[ ${#devices[@]} -eq 4 ] || fail "${#devices[@]} bound banks, expected 4"

for name in "${devices[@]}"; do
	printf %s "$name" >"$DRIVER/unbind" || fail "$name: unbind failed"
	[ ! -e "$DRIVER/$name" ] || fail "$name: still bound after unbind"
	printf %s "$name" >"$DRIVER/bind" || fail "$name: bind failed"
	printf 0x5a5a5a5a >"$DRIVER/$name/scratch" || fail "$name: cannot write scratch after rebinding"
	read -r value <"$DRIVER/$name/scratch"
	[ "$value" = 0x5a5a5a5a ] || fail "$name: scratch reads $value after rebinding and writing 0x5a5a5a5a"
done
exit 0

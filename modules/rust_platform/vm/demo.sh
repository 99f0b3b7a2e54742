#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run` demo of rust_platform, with the module loaded: the register banks
# of vm/rust_platform.dsl with their firmware properties, register reads and
# writes through sysfs, the bad banks' probe errors, unbinding and binding
# one bank, after which it still shows what the device kept, and the two
# banks whose labels sit at the size limit of a sysfs file. Exits non-zero
# as soon as something does not behave as shown. Builtins where possible:
# every process started costs time under TCG.

set -u

DRIVER=/sys/bus/platform/drivers/rust_platform

fail() {
	echo "!!! $*"
	exit 1
}

# show FILE...: prints each file as "name: value".
show() {
	local file value
	for file; do
		read -r value <"$file" || fail "cannot read $file"
		printf '    %-15s %s\n' "${file##*/}:" "$value"
	done
}

# write FILE VALUE: writes as `echo VALUE > FILE` would, and says so.
write() {
	echo "    \$ echo $2 > ${1#"$DRIVER"/}"
	echo "$2" >"$1" || fail "writing $2 to $1 failed"
}

# expect FILE VALUE: FILE must read VALUE.
expect() {
	local value
	read -r value <"$1"
	[ "$value" = "$2" ] || fail "$1 reads '$value', expected '$2'"
	echo "    ${1#"$DRIVER"/} = $value"
}

# window DEVICE: sets $window to the MMIO range DEVICE's driver claimed, or
# to nothing. In /proc/iomem the claim is nested (indented) in the device's
# resource of the same name.
window() {
	local line pattern='^ +([0-9a-f]+-[0-9a-f]+) : (.*)$'
	window=
	while IFS= read -r line; do
		[[ "$line" =~ $pattern && "${BASH_REMATCH[2]}" == "$1" ]] && window=${BASH_REMATCH[1]}
	done </proc/iomem
}

# bank-a and bank-b are the demo's; RKP4 and RKP5, whose labels are 4 KiB
# long, only show the size limit at the end.
banks=() limit_banks=() bound=0
for dev in "$DRIVER"/RKMP0001:*; do
	[ -e "$dev/label" ] || continue
	bound=$((bound + 1))
	read -r node <"$dev/firmware_node/path"
	case $node in
	'\_SB_.RKP4' | '\_SB_.RKP5') limit_banks+=("$dev") ;;
	*) banks+=("$dev") ;;
	esac
done
[ $bound -eq 4 ] || fail "expected 4 bound banks, found $bound"
[ ${#banks[@]} -eq 2 ] || fail "expected 2 demo banks, found ${#banks[@]}"

echo "== Banks bound to rust_platform (ACPI id RKMP0001)"
for dev in "${banks[@]}"; do
	name=${dev##*/}
	read -r node <"$dev/firmware_node/path"
	window "$name"
	echo "  $name  firmware node $node, MMIO $window"
	show "$dev/label" "$dev/max_mode" "$dev/channel_limits"
done

# The demo works on bank-a and keeps bank-b aside (device names depend on
# enumeration order, labels do not).
a= b=
for dev in "${banks[@]}"; do
	read -r label <"$dev/label"
	case $label in
	bank-a) a=$dev ;;
	bank-b) b=$dev ;;
	esac
done
[ -n "$a" ] && [ -n "$b" ] || fail "banks labelled bank-a and bank-b are not both bound"

echo
echo "== Registers of bank-a (${a##*/}) through sysfs"
write "$a/scratch" 0xcafe0001
write "$a/mode" 2
write "$a/enable" 1
write "$a/channels" "10 20 30"
show "$a/scratch" "$a/mode" "$a/enable" "$a/channels"
echo "  Values the bank does not accept are refused and change nothing:"
for bad in "mode 9" "channels 10 20" "scratch 0x100000000" "scratch -1"; do
	attr=${bad%% *}
	value=${bad#* }
	if error=$( { echo "$value" >"$a/$attr"; } 2>&1); then
		fail "writing '$value' to $attr was accepted"
	fi
	echo "    \$ echo $value > ${a##*/}/$attr    -> ${error##*: }"
done
expect "$a/mode" 2
expect "$a/channels" "10 20 30"
expect "$a/scratch" 0xcafe0001

echo
echo "== Banks whose firmware description is invalid: probe failed with EINVAL"
rejected=0
while read -r line; do
	[[ "$line" == *"rust_platform RKMP0001:"*"invalid firmware description"* ]] || continue
	echo "    ${line#\[*\] }"
	rejected=$((rejected + 1))
done < <(dmesg)
[ $rejected -eq 2 ] || fail "expected one probe error line for each of the 2 bad banks"

echo
echo "== Unbinding bank-a while bank-b keeps working"
echo "    \$ echo ${a##*/} > unbind"
echo "${a##*/}" >"$DRIVER/unbind" || fail "unbind failed"
[ -e "$a" ] && fail "bank-a is still bound"
echo "    bank-a unbound: its files and its MMIO claim are gone"
window "${a##*/}"
[ -z "$window" ] || fail "the window of bank-a is still claimed"
write "$b/scratch" 0xb0b0b0b0
expect "$b/scratch" 0xb0b0b0b0
echo "    \$ echo ${a##*/} > bind"
echo "${a##*/}" >"$DRIVER/bind" || fail "bind failed"
echo "    bank-a bound again; its registers kept their values in the device:"
expect "$a/scratch" 0xcafe0001
expect "$a/channels" "10 20 30"

echo
echo "== Labels at the size limit of a sysfs file: a show returns at most PAGE_SIZE - 1 bytes"
for dev in "${limit_banks[@]}"; do
	read -r node <"$dev/firmware_node/path"
	if label=$(cat "$dev/label" 2>/dev/null); then
		[ "$node" = '\_SB_.RKP4' ] || fail "$node: reading label did not fail"
		[ ${#label} -eq 4094 ] || fail "$node: label of ${#label} bytes, expected 4094"
		echo "    \$ cat ${dev##*/}/label    -> a label of ${#label} bytes and a newline ($node)"
	else
		[ "$node" = '\_SB_.RKP5' ] || fail "$node: reading label failed"
		error=$(cat "$dev/label" 2>&1 >/dev/null)
		echo "    \$ cat ${dev##*/}/label    -> ${error##*: } ($node, a label of 4095 bytes)"
	fi
done

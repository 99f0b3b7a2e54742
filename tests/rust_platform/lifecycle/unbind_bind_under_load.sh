#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Unbind/bind cycles of bank-a and bank-b while two workers read and write
# every attribute of both as fast as they can: each unbind and bind succeeds
# and is seen in the driver link; every access either works or fails because
# its bank is unbound (open: ENOENT, or ENODEV from kernfs for a file being
# removed; read or write on a file removed after the open: ENODEV);
# afterwards both banks are bound with their window claimed once and every
# attribute works. Bounded: CYCLES cycles, or CYCLE_SECONDS, whichever ends
# first. A twin's run (c_platform) has its driver, module and banks instead
# (LC_PLATFORM_*), with the same properties.

source "${0%/*}/../../lib/lifecycle.sh"

DRIVER=$LC_PLATFORM_DRIVER_NAME
MOD=$LC_PLATFORM_MODULE

CYCLES=20
CYCLE_SECONDS=20

lc_insmod "$MOD"
lc_bank a 0
lc_bank b 1
A=$LC_PLATFORM_DEVICES/$a
B=$LC_PLATFORM_DEVICES/$b

readers=() writers=()
for dir in "$A" "$B"; do
	for attr in label scratch enable mode max_mode channels channel_limits; do
		readers+=("r|$dir/$attr")
	done
	writers+=("w|$dir/scratch|0x0badf00d" "w|$dir/enable|1" "w|$dir/enable|0" "w|$dir/mode|1")
done
# Bank-a has three channels, bank-b two.
writers+=("w|$A/channels|1 2 3" "w|$B/channels|4 5")
lc_hammer readers $((CYCLE_SECONDS + 10)) "${readers[@]}"
lc_hammer writers $((CYCLE_SECONDS + 10)) "${writers[@]}"

cycles=0
lc_hammers_started
lc_now
start=$LC_NOW
while [ $cycles -lt $CYCLES ] && lc_now && [ $((LC_NOW - start)) -lt $((CYCLE_SECONDS * 1000)) ]; do
	cycles=$((cycles + 1))
	for bank in "$a" "$b"; do
		lc_do write "$LC_PLATFORM_DRIVER/unbind" "$bank"
		[ "$LC_RES" = ok ] || lc_fail "cycle $cycles: unbind $bank" success "$LC_ERR"
		[ "$(lc_bank_driver "$bank")" = none ] ||
			lc_fail "cycle $cycles: $bank after unbind" "no driver" "$(lc_bank_driver "$bank")"
		lc_do write "$LC_PLATFORM_DRIVER/bind" "$bank"
		[ "$LC_RES" = ok ] || lc_fail "cycle $cycles: bind $bank" success "$LC_ERR"
		[ "$(lc_bank_driver "$bank")" = "$DRIVER" ] ||
			lc_fail "cycle $cycles: $bank after bind" "$DRIVER" "$(lc_bank_driver "$bank")"
	done
done
lc_now
lc_ok "unbind/bind cycles of $a and $b under load" "$cycles in $((LC_NOW - start)) ms"
lc_stop_workers

gone="open: (${LC_ERRNO[ENOENT]}|${LC_ERRNO[ENODEV]})|(read|write): ${LC_ERRNO[ENODEV]}"
lc_hammer_outcomes readers "ok|ok after a failed open|$gone"
lc_hammer_outcomes writers "ok|ok after a failed open|$gone"

lc_check "$a: resources" "claims=1 mappings=1" "$(lc_bank_resources "$a" "$(lc_bank_window 0)")"
lc_check "$b: resources" "claims=1 mappings=1" "$(lc_bank_resources "$b" "$(lc_bank_window 1)")"
lc_read_is "$a: label" "$A/label" bank-a
lc_read_is "$b: label" "$B/label" bank-b
lc_write_ok "$a: write scratch" "$A/scratch" 0x600df00d
lc_read_is "$a: scratch reads back" "$A/scratch" 0x600df00d
lc_write_ok "$b: write channels" "$B/channels" "11 12"
lc_read_is "$b: channels read back" "$B/channels" "11 12"
lc_rmmod "$MOD"
lc_pass

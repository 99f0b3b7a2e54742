#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every sysfs attribute of a bound bank (bank-a) held open across an unbind
# of the device: a write on a descriptor opened before works; the unbind
# succeeds (open files do not hold the binding) and releases the window;
# then a read on each descriptor fails with ENODEV (kernfs refuses a file
# removed since the open) and a write likewise, the files are gone by path;
# after the close the bank binds again and every attribute works, the
# registers holding what was written through the first binding. A twin's
# run (c_platform) has its driver, module and banks instead (LC_PLATFORM_*),
# with the same properties.

source "${0%/*}/../../lib/lifecycle.sh"

DRIVER=$LC_PLATFORM_DRIVER_NAME
MOD=$LC_PLATFORM_MODULE

RW="scratch enable mode channels"
RO="label max_mode channel_limits"
# Values valid for bank-a (max-mode 5, channel limits 100 200 300).
declare -A VALUE=([scratch]=0x1234abcd [enable]=1 [mode]=2 [channels]="10 20 30")
declare -A FIXED=([label]=bank-a [max_mode]=5 [channel_limits]="100 200 300")

lc_insmod "$MOD"
lc_bank bank 0
window=$(lc_bank_window 0)
dir=$LC_PLATFORM_DEVICES/$bank
lc_check "$bank: driver" "$DRIVER" "$(lc_bank_driver "$bank")"
lc_check "$bank: resources" "claims=1 mappings=1" "$(lc_bank_resources "$bank" "$window")"

for attr in $RW $RO; do
	lc_open "r_$attr" r "$dir/$attr"
done
for attr in $RW; do
	lc_open "w_$attr" w "$dir/$attr"
	lc_do fdwrite "w_$attr" "${VALUE[$attr]}"
	lc_expect_ok "$attr: write '${VALUE[$attr]}' on the open fd"
done
for attr in $RW; do
	lc_read_is "$attr: reads back" "$dir/$attr" "${VALUE[$attr]}"
done
lc_check_refcnt "attributes open (sysfs files do not pin the module)" "$MOD" 0

lc_write_ok "unbind $bank with its attributes open" "$LC_PLATFORM_DRIVER/unbind" "$bank"
lc_check "$bank: driver after unbind" none "$(lc_bank_driver "$bank")"
lc_check "$bank: resources after unbind" "claims=0 mappings=0" "$(lc_bank_resources "$bank" "$window")"

for attr in $RW $RO; do
	lc_do fdread "r_$attr"
	lc_expect_err "$attr: read on the fd opened before the unbind" ENODEV
done
for attr in $RW; do
	lc_do fdwrite "w_$attr" "${VALUE[$attr]}"
	lc_expect_err "$attr: write on the fd opened before the unbind" ENODEV
done
lc_do read "$dir/scratch"
lc_expect_err "scratch: open by path after the unbind" ENOENT
for attr in $RW $RO; do
	lc_close "r_$attr"
done
for attr in $RW; do
	lc_close "w_$attr"
done

lc_write_ok "bind $bank again" "$LC_PLATFORM_DRIVER/bind" "$bank"
lc_check "$bank: driver after bind" "$DRIVER" "$(lc_bank_driver "$bank")"
lc_check "$bank: resources after bind" "claims=1 mappings=1" "$(lc_bank_resources "$bank" "$window")"
for attr in $RW; do
	lc_read_is "$attr: after the bind (kept by the device)" "$dir/$attr" "${VALUE[$attr]}"
done
for attr in $RO; do
	lc_read_is "$attr: after the bind" "$dir/$attr" "${FIXED[$attr]}"
done
lc_write_ok "scratch: write after the bind" "$dir/scratch" 0x00c0ffee
lc_read_is "scratch: reads back after the bind" "$dir/scratch" 0x00c0ffee

lc_rmmod "$MOD"
lc_pass

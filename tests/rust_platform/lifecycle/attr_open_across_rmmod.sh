#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Sysfs attributes of a bound bank (bank-a) held open across rmmod
# rust_platform: sysfs files do not pin the module (refcnt stays 0), so
# rmmod succeeds, unbinding every bank and releasing its window; a read or
# write on a descriptor opened before then fails with ENODEV (kernfs), the
# files are gone by path; after the close insmod binds the bank again, the
# registers holding what was written before the unload. A twin's run
# (c_platform) has its driver, module and banks instead (LC_PLATFORM_*).

source "${0%/*}/../../lib/lifecycle.sh"

DRIVER=$LC_PLATFORM_DRIVER_NAME
MOD=$LC_PLATFORM_MODULE

RW="scratch enable mode channels"
RO="label max_mode channel_limits"
declare -A VALUE=([scratch]=0x5eed1234 [enable]=1 [mode]=3 [channels]="7 8 9")

lc_insmod "$MOD"
lc_bank bank 0
window=$(lc_bank_window 0)
dir=$LC_PLATFORM_DEVICES/$bank
lc_check "$bank: driver" "$DRIVER" "$(lc_bank_driver "$bank")"

for attr in $RW $RO; do
	lc_open "r_$attr" r "$dir/$attr"
done
for attr in $RW; do
	lc_open "w_$attr" w "$dir/$attr"
	lc_do fdwrite "w_$attr" "${VALUE[$attr]}"
	lc_expect_ok "$attr: write '${VALUE[$attr]}' on the open fd"
done
lc_check_refcnt "attributes open" "$MOD" 0

lc_rmmod "$MOD"
lc_check "$bank: driver after rmmod" none "$(lc_bank_driver "$bank")"
lc_check "$bank: resources after rmmod" "claims=0 mappings=0" "$(lc_bank_resources "$bank" "$window")"
for attr in $RW $RO; do
	lc_do fdread "r_$attr"
	lc_expect_err "$attr: read on the fd opened before the rmmod" ENODEV
done
for attr in $RW; do
	lc_do fdwrite "w_$attr" "${VALUE[$attr]}"
	lc_expect_err "$attr: write on the fd opened before the rmmod" ENODEV
done
lc_do read "$dir/label"
lc_expect_err "label: open by path after the rmmod" ENOENT
for attr in $RW $RO; do
	lc_close "r_$attr"
done
for attr in $RW; do
	lc_close "w_$attr"
done

lc_insmod "$MOD"
lc_check "$bank: driver after insmod" "$DRIVER" "$(lc_bank_driver "$bank")"
for attr in $RW; do
	lc_read_is "$attr: after the reload (kept by the device)" "$dir/$attr" "${VALUE[$attr]}"
done
lc_read_is "label: after the reload" "$dir/label" bank-a
lc_rmmod "$MOD"
lc_pass

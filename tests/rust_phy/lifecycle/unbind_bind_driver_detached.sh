#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rust_phy unbound from and bound to the PHY through sysfs while the PHY is
# detached, twice: each unbind leaves the PHY without a driver, each bind
# gives it rust_phy again (probe runs); attached again (attached=1) it
# keeps rust_phy, which the attachment pins, and started (running=1) the
# link comes up; after a detach both modules unload.
# A twin's run (c_phy) has its driver and module instead (LC_PHY_DRIVER,
# LC_PHY_MODULE), on the same PHY of rust_vmdio.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

DRIVER=$LC_PHY_DRIVER
MOD=$LC_PHY_MODULE

lc_insmod "$MOD"
lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio loaded" "$DRIVER"
lc_write_ok "detach (attached=0)" "$LC_VMDIO/attached" 0
lc_vmdio_is "detached" attached 0
lc_check_refcnt "detached" "$MOD" 0

for cycle in 1 2; do
	lc_unbind_phy "cycle $cycle"
	lc_check_refcnt "cycle $cycle: unbound" "$MOD" 0
	lc_bind_phy "cycle $cycle"
	lc_check_refcnt "cycle $cycle: bound" "$MOD" 0
done

lc_write_ok "attach (attached=1)" "$LC_VMDIO/attached" 1
lc_vmdio_is "attached" attached 1
lc_check_phy_driver "attached" "$DRIVER"
lc_check_refcnt "attached" "$MOD" 1
events=$(lc_vmdio_last_seq)
lc_write_ok "start (running=1)" "$LC_VMDIO/running" 1
lc_vmdio_wait_link_up "started" "$events"
vctrl=none
while read -r reg value; do
	[ "$reg" = 11 ] && vctrl=$value
done <"$LC_VMDIO/registers"
lc_check "VCTRL (0x11), as $MOD's probe sets it" 0012 "$vctrl"

lc_write_ok "detach (attached=0)" "$LC_VMDIO/attached" 0
lc_check_refcnt "detached" "$MOD" 0
lc_check_phy_driver "detached" "$DRIVER"
lc_rmmod rust_vmdio
lc_rmmod "$MOD"
lc_pass

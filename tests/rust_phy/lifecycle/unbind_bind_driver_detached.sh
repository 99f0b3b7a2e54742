#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rust_phy unbound from and bound to the PHY through sysfs while the PHY is
# detached, twice: each unbind leaves the PHY without a driver, each bind
# gives it rust_phy again (probe runs); attached again (attached=1) it
# keeps rust_phy, which the attachment pins, and started (running=1) the
# link comes up; after a detach both modules unload.

source "${0%/*}/../../lifecycle.sh"
lc_need_debugfs

lc_insmod rust_phy
lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio loaded" "RV1000 Gigabit PHY"
lc_write_ok "detach (attached=0)" "$LC_VMDIO/attached" 0
lc_vmdio_is "detached" attached 0
lc_check_refcnt "detached" rust_phy 0

for cycle in 1 2; do
	lc_unbind_phy "cycle $cycle"
	lc_check_refcnt "cycle $cycle: unbound" rust_phy 0
	lc_bind_phy "cycle $cycle"
	lc_check_refcnt "cycle $cycle: bound" rust_phy 0
done

lc_write_ok "attach (attached=1)" "$LC_VMDIO/attached" 1
lc_vmdio_is "attached" attached 1
lc_check_phy_driver "attached" "RV1000 Gigabit PHY"
lc_check_refcnt "attached" rust_phy 1
events=$(lc_vmdio_last_seq)
lc_write_ok "start (running=1)" "$LC_VMDIO/running" 1
lc_vmdio_wait_link_up "started" "$events"
vctrl=none
while read -r reg value; do
	[ "$reg" = 11 ] && vctrl=$value
done <"$LC_VMDIO/registers"
lc_check "VCTRL (0x11), as rust_phy's probe sets it" 0012 "$vctrl"

lc_write_ok "detach (attached=0)" "$LC_VMDIO/attached" 0
lc_check_refcnt "detached" rust_phy 0
lc_check_phy_driver "detached" "RV1000 Gigabit PHY"
lc_rmmod rust_vmdio
lc_rmmod rust_phy
lc_pass

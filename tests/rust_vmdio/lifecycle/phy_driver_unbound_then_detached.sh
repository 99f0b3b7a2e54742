#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The PHY's driver unbound through sysfs while attached, then a detach
# (attached=0) with no driver bound: the detach drops the reference the
# attachment took on rust_phy although phylib no longer sees that driver,
# so rust_phy's reference count comes back to 0 and it can be removed;
# attaching again (attached=1) then binds the generic PHY driver, on which
# the link comes up; rmmod rust_vmdio removes the PHY.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

lc_insmod rust_phy
lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio loaded" "RV1000 Gigabit PHY"
lc_check_refcnt "attached" rust_phy 1
lc_vmdio_wait_link_up "running" -1

lc_unbind_phy "running"
lc_check_refcnt "unbound, still attached" rust_phy 1
lc_write_ok "unbound: detach (attached=0)" "$LC_VMDIO/attached" 0
lc_vmdio_is "detached" attached 0
lc_vmdio_is "detached" running 0
lc_check_refcnt "detached" rust_phy 0
lc_check_phy_driver "detached" none
lc_rmmod rust_phy

lc_write_ok "attach (attached=1) without a driver" "$LC_VMDIO/attached" 1
lc_check_phy_driver "attached" "Generic PHY"
events=$(lc_vmdio_last_seq)
lc_write_ok "start (running=1) on genphy" "$LC_VMDIO/running" 1
lc_vmdio_wait_link_up "started on genphy" "$events"

lc_rmmod rust_vmdio
lc_check_phy_driver "rust_vmdio unloaded" "no device"
lc_pass

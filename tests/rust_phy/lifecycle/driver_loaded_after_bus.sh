#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rust_phy loaded after rust_vmdio: the PHY is already attached with the
# generic PHY driver, which loading rust_phy leaves alone; detached, genphy
# lets go of it; bound to rust_phy through sysfs and attached again, it
# runs on rust_phy (which the attachment pins) and the link comes up; rmmod
# rust_vmdio drops that reference and both modules unload.
# A twin's run (c_phy) has its driver and module instead (LC_PHY_DRIVER,
# LC_PHY_MODULE), on the same PHY of rust_vmdio.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

DRIVER=$LC_PHY_DRIVER
MOD=$LC_PHY_MODULE

lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio alone" "Generic PHY"
lc_insmod "$MOD"
lc_check_phy_driver "$MOD loaded after" "Generic PHY"
lc_check_refcnt "$MOD loaded, the PHY on genphy" "$MOD" 0

lc_write_ok "detach (attached=0)" "$LC_VMDIO/attached" 0
lc_check_phy_driver "detached (genphy released)" none
lc_bind_phy "detached"
lc_check_refcnt "bound, detached" "$MOD" 0

lc_write_ok "attach (attached=1)" "$LC_VMDIO/attached" 1
lc_check_phy_driver "attached" "$DRIVER"
lc_check_refcnt "attached" "$MOD" 1
events=$(lc_vmdio_last_seq)
lc_write_ok "start (running=1)" "$LC_VMDIO/running" 1
lc_vmdio_wait_link_up "started" "$events"

lc_rmmod_busy "$MOD"
lc_rmmod rust_vmdio
lc_check_refcnt "rust_vmdio unloaded" "$MOD" 0
lc_rmmod "$MOD"
lc_pass

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod of the PHY's driver while rust_vmdio has the PHY attached: the
# attachment pins rust_phy, so rmmod rust_phy fails with "in use" and
# changes nothing; after a detach (attached=0) it succeeds and leaves the
# PHY without a driver; attaching again (attached=1) binds the generic PHY
# driver, and started (running=1) the link comes up on it. rmmod rust_vmdio
# then removes the PHY.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

lc_insmod rust_phy
lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio loaded" "RV1000 Gigabit PHY"
lc_check_refcnt "PHY attached" rust_phy 1
lc_vmdio_wait_link_up "rust_vmdio loaded" -1

lc_rmmod_busy rust_phy
lc_check_phy_driver "after the failed rmmod" "RV1000 Gigabit PHY"
lc_vmdio_is "after the failed rmmod" attached 1
lc_vmdio_is "after the failed rmmod" running 1
lc_vmdio_is "after the failed rmmod" link "up 1000/full"

lc_write_ok "detach (attached=0)" "$LC_VMDIO/attached" 0
lc_vmdio_is "detached" attached 0
lc_vmdio_is "detached" running 0
lc_wait_for "detached: link reported down" 5 lc_vmdio_link_down
lc_check_phy_driver "detached (rust_phy stays bound)" "RV1000 Gigabit PHY"
lc_check_refcnt "detached" rust_phy 0

lc_rmmod rust_phy
lc_check_phy_driver "rust_phy unloaded" none

lc_write_ok "attach (attached=1) without rust_phy" "$LC_VMDIO/attached" 1
lc_vmdio_is "attached" attached 1
lc_check_phy_driver "attached without rust_phy" "Generic PHY"
lc_vmdio_is "attached (not started by the attach)" running 0
events=$(lc_vmdio_last_seq)
lc_write_ok "start (running=1) on genphy" "$LC_VMDIO/running" 1
lc_vmdio_is "started" running 1
lc_vmdio_wait_link_up "started on genphy" "$events"

lc_rmmod rust_vmdio
lc_check_phy_driver "rust_vmdio unloaded" "no device"
lc_pass

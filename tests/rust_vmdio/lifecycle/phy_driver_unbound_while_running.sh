#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The PHY's driver unbound through sysfs while rust_vmdio has the PHY
# attached and its state machine running with the link up: running then
# reads 0 and link keeps the last report (phylib stops the machine without
# reporting the link down); starting (running=1) and advertising fail with
# ENODEV, stopping (running=0) does nothing; rmmod rust_vmdio detaches,
# rust_phy's reference count comes back to what it was before the
# attachment, and rmmod rust_phy succeeds.
#
# Reproduces review round 2, A1 (the variant with the state machine
# running): running=1 then reached phy_error()'s WARN and the rmmod a NULL
# dereference in _phy_state_machine.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

lc_insmod rust_phy
before=$(lc_refcnt rust_phy)
lc_check "rust_phy alone: refcnt" 0 "$before"
lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio loaded" "RV1000 Gigabit PHY"
lc_vmdio_is "rust_vmdio loaded" running 1
lc_check_refcnt "PHY attached" rust_phy 1
lc_vmdio_wait_link_up "running" -1

lc_unbind_phy "running"
lc_vmdio_is "unbound" running 0
lc_vmdio_is "unbound" attached 1
lc_vmdio_is "unbound (the last report stays)" link "up 1000/full"
events=$(lc_vmdio_last_seq)

lc_write_err "unbound: start (running=1)" "$LC_VMDIO/running" 1 ENODEV
lc_vmdio_is "after the refused start" running 0
lc_write_err "unbound: advertise '100full 1000full'" "$LC_VMDIO/advertise" "100full 1000full" ENODEV
lc_write_ok "unbound: stop (running=0, a no-op)" "$LC_VMDIO/running" 0
lc_vmdio_is "after the no-op stop" running 0
lc_check "unbound: no link event since the unbind" "$events" "$(lc_vmdio_last_seq)"
lc_check_phy_driver "after the refused writes" none

lc_rmmod rust_vmdio
lc_check_phy_driver "rust_vmdio unloaded" "no device"
lc_check_refcnt "rust_vmdio unloaded, balanced with before the attachment" rust_phy "$before"
lc_rmmod rust_phy
lc_pass

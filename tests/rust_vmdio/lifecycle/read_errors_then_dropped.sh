#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# MDIO reads failing while the link is up: phylib's state machine fails to
# read the PHY, warns, enters PHY_ERROR, re-queues itself and reports the
# link down. Dropping the attachment must stop the state machine in that
# state too, before phy_detach() clears phy_link_change: detaching
# (attached=0) leaves phylib HALTED, not in PHY_ERROR with its work free to
# run; stopping (running=0) leaves PHY_ERROR the same way, so that starting
# again brings the link back once reads work; and rmmod rust_vmdio in
# PHY_ERROR leaves no kernel report but phylib's announced warnings.
#
# Reproduces issue 25, finding 3: the drop treated PHY_ERROR as "not
# started" and skipped phy_stop(), so a run of the state machine still
# queued could call phy_link_change after phy_detach() cleared it.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

lc_insmod "$LC_PHY_MODULE"
lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio loaded" "$LC_PHY_DRIVER"
lc_vmdio_wait_link_up "running" -1

lc_vmdio_fail_reads "attached"
lc_vmdio_is "in PHY_ERROR" running 0
lc_write_ok "detach (attached=0) in PHY_ERROR" "$LC_VMDIO/attached" 0
lc_vmdio_is "detached" phy_state halted
lc_vmdio_heal "detached"
lc_write_ok "attach again (attached=1)" "$LC_VMDIO/attached" 1
events=$(lc_vmdio_last_seq)
lc_write_ok "start (running=1)" "$LC_VMDIO/running" 1
lc_vmdio_wait_link_up "attached again" "$events"

lc_vmdio_fail_reads "running again"
lc_write_err "start (running=1) in PHY_ERROR" "$LC_VMDIO/running" 1 EIO
lc_write_ok "stop (running=0) in PHY_ERROR" "$LC_VMDIO/running" 0
lc_vmdio_is "stopped" phy_state halted
lc_vmdio_heal "stopped"
events=$(lc_vmdio_last_seq)
lc_write_ok "start again (running=1)" "$LC_VMDIO/running" 1
lc_vmdio_wait_link_up "started again" "$events"

lc_vmdio_fail_reads "before rmmod"
lc_rmmod rust_vmdio
lc_expect_warning_end
lc_check_phy_driver "rust_vmdio unloaded" "no device"
lc_rmmod "$LC_PHY_MODULE"
lc_pass

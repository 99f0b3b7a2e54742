#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Three unbind/bind cycles of the PHY's driver (rust_phy) while rust_vmdio
# has the PHY attached and running: after each unbind running reads 0,
# after each bind the PHY has rust_phy again and running still reads 0
# (binding does not start the state machine); running=1 starts it and the
# link comes up again (a new link event, within LC_LINK_TIMEOUT s). Then
# rmmod rust_vmdio and rmmod rust_phy succeed, rust_phy's reference count
# balanced.
#
# Reproduces review round 2: three such cycles, then rmmod rust_vmdio, gave
# "WARNING: drivers/net/phy/phy.c:1671 at phy_stop".

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

lc_insmod rust_phy
before=$(lc_refcnt rust_phy)
lc_check "rust_phy alone: refcnt" 0 "$before"
lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio loaded" "RV1000 Gigabit PHY"
lc_vmdio_is "rust_vmdio loaded" running 1
lc_vmdio_wait_link_up "rust_vmdio loaded" -1

for cycle in 1 2 3; do
	lc_say "--- cycle $cycle"
	lc_unbind_phy "cycle $cycle"
	lc_vmdio_is "cycle $cycle: unbound" running 0
	lc_vmdio_is "cycle $cycle: unbound" attached 1
	lc_bind_phy "cycle $cycle"
	lc_vmdio_is "cycle $cycle: bound again (not started by the bind)" running 0
	lc_vmdio_is "cycle $cycle: bound again" attached 1
	events=$(lc_vmdio_last_seq)
	lc_write_ok "cycle $cycle: start (running=1)" "$LC_VMDIO/running" 1
	lc_vmdio_is "cycle $cycle: started" running 1
	lc_vmdio_wait_link_up "cycle $cycle: started" "$events"
	lc_check_refcnt "cycle $cycle" rust_phy 1
done

lc_rmmod rust_vmdio
lc_check_phy_driver "rust_vmdio unloaded" "no device"
lc_check_refcnt "rust_vmdio unloaded, balanced with before the attachment" rust_phy "$before"
lc_rmmod rust_phy
lc_pass

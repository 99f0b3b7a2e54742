#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod of the PHY's bus owner while the PHY is bound to rust_phy, attached
# and running with the link up: rmmod rust_vmdio stops the state machine,
# detaches (dropping the reference the attachment took on rust_phy) and
# removes the PHY; rust_phy stays loaded and can be removed.
# A twin's run (c_phy) has its driver and module instead (LC_PHY_DRIVER,
# LC_PHY_MODULE), on the same PHY of rust_vmdio.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

DRIVER=$LC_PHY_DRIVER
MOD=$LC_PHY_MODULE

lc_insmod "$MOD"
lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio loaded" "$DRIVER"
lc_vmdio_is "rust_vmdio loaded" running 1
lc_check_refcnt "attached" "$MOD" 1
lc_vmdio_wait_link_up "running" -1

lc_rmmod rust_vmdio
lc_check_phy_driver "rust_vmdio unloaded" "no device"
lc_check "rust_vmdio unloaded: $MOD" live "$(lc_state "$MOD")"
lc_check_refcnt "rust_vmdio unloaded" "$MOD" 0
lc_rmmod "$MOD"
lc_pass

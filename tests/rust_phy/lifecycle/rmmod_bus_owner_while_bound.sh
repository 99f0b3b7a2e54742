#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod of the PHY's bus owner while rust_phy is bound to the PHY: with
# rust_phy loaded, rust_vmdio's PHY binds to it and is attached; after a
# detach (attached=0) rust_phy stays bound, unpinned; rmmod rust_vmdio
# then succeeds, unbinding rust_phy as the PHY device goes away, and
# rust_phy stays loaded, its driver registered, and can be removed.
# A twin's run (c_phy) has its driver and module instead (LC_PHY_DRIVER,
# LC_PHY_MODULE), on the same PHY of rust_vmdio.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

DRIVER=$LC_PHY_DRIVER
MOD=$LC_PHY_MODULE

lc_insmod "$MOD"
lc_check "RV1000 driver registered" present "$(lc_exists "$LC_RV1000")"
lc_insmod rust_vmdio
lc_check_phy_driver "rust_vmdio loaded" "$DRIVER"
lc_vmdio_is "rust_vmdio loaded" attached 1
lc_check_refcnt "attached" "$MOD" 1

lc_write_ok "detach (attached=0)" "$LC_VMDIO/attached" 0
lc_vmdio_is "detached" attached 0
lc_check_phy_driver "detached" "$DRIVER"
lc_check_refcnt "detached" "$MOD" 0

lc_rmmod rust_vmdio
lc_check_phy_driver "rust_vmdio unloaded" "no device"
lc_check "rust_vmdio unloaded: $LC_PHY in the driver's devices" gone \
	"$(lc_exists "$LC_RV1000/$LC_PHY")"
lc_check "rust_vmdio unloaded: $MOD" live "$(lc_state "$MOD")"
lc_check "rust_vmdio unloaded: RV1000 driver registered" present "$(lc_exists "$LC_RV1000")"
lc_check_refcnt "rust_vmdio unloaded" "$MOD" 0

lc_rmmod "$MOD"
lc_check "$MOD unloaded: RV1000 driver" gone "$(lc_exists "$LC_RV1000")"
lc_pass

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Quick use of rust_phy right after insmod, for the load/unload cycles of
# `make check-debug`: rust_vmdio's emulated RV1000 appears and binds to
# rust_phy, is attached and started by rust_vmdio (probe, config_init,
# soft_reset, config_aneg), goes through an unbind/bind cycle while
# detached, is attached again, and goes away with rust_vmdio, which leaves
# rust_phy free to be removed. Nothing here waits for the link.
#
# A twin driving the RV1000 runs it with its driver's and module's names in
# RKM_PHY_DRIVER and RKM_PHY_MODULE (tests/c_phy/debug/exercise.sh).

set -u

VMDIO=/sys/kernel/debug/rust_vmdio
MODULE=${RKM_PHY_MODULE:-rust_phy}
DRIVER="/sys/bus/mdio_bus/drivers/${RKM_PHY_DRIVER:-RV1000 Gigabit PHY}"
PHY=rust_vmdio:01

fail() {
	echo "exercise: $*" >&2
	rmmod rust_vmdio 2>/dev/null
	exit 1
}

# Builtins only but for insmod and rmmod: every process costs time under TCG.
bound() {
	[ -e "$DRIVER/$PHY" ]
}

insmod "$RKM_MODULES_DIR/rust_vmdio/rust_vmdio.ko" || fail "insmod rust_vmdio failed"
bound || fail "the PHY did not bind to $MODULE"
echo 0 >"$VMDIO/attached" || fail "detach failed"
printf %s "$PHY" >"$DRIVER/unbind" || fail "unbind failed"
! bound || fail "the PHY is still bound after unbind"
printf %s "$PHY" >"$DRIVER/bind" || fail "bind failed"
bound || fail "the PHY did not bind again"
echo 1 >"$VMDIO/attached" || fail "attach failed"
echo 1 >"$VMDIO/running" || fail "start failed"
while read -r _; do :; done <"$VMDIO/registers" || fail "cannot read the registers"
rmmod rust_vmdio || fail "rmmod rust_vmdio failed"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Quick use of rust_phy right after insmod, for the load/unload cycles of
# `make check-debug`: rust_vmdio's emulated RV1000 appears and binds to
# rust_phy, is attached and started by rust_vmdio (probe, config_init,
# soft_reset, config_aneg), goes through an unbind/bind cycle while
# detached, is attached again, and goes away with rust_vmdio, which leaves
# rust_phy free to be removed. Nothing here waits for the link.

set -u

VMDIO=/sys/kernel/debug/rust_vmdio
PHY=/sys/bus/mdio_bus/devices/rust_vmdio:01
DRIVER="/sys/bus/mdio_bus/drivers/RV1000 Gigabit PHY"

fail() {
	echo "exercise: $*" >&2
	rmmod rust_vmdio 2>/dev/null
	exit 1
}

driver_is() {
	local target
	target=$(readlink "$PHY/driver") || target=none
	[ "${target##*/}" = "$1" ] || fail "PHY driver is ${target##*/}, expected $1"
}

insmod "$(dirname "$0")/../../rust_vmdio/rust_vmdio.ko" || fail "insmod rust_vmdio failed"
driver_is "RV1000 Gigabit PHY"
echo 0 >"$VMDIO/attached" || fail "detach failed"
printf rust_vmdio:01 >"$DRIVER/unbind" || fail "unbind failed"
driver_is none
printf rust_vmdio:01 >"$DRIVER/bind" || fail "bind failed"
driver_is "RV1000 Gigabit PHY"
echo 1 >"$VMDIO/attached" || fail "attach failed"
echo 1 >"$VMDIO/running" || fail "start failed"
read -r _ <"$VMDIO/registers" || fail "cannot read the registers"
rmmod rust_vmdio || fail "rmmod rust_vmdio failed"

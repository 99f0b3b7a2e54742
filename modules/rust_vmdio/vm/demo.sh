#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run` demo of rust_phy on rust_vmdio's emulated PHY: what phylib's
# state machine tells a MAC when the cable or the link partner changes.

set -euo pipefail
D=/sys/kernel/debug/rust_vmdio
PHY=/sys/bus/mdio_bus/devices/rust_vmdio:01

# Milliseconds since boot.
now_ms() {
	local up
	read -r up _ </proc/uptime
	echo $((${up%.*} * 1000 + 10#${up#*.} * 10))
}

# Waits (bounded: 10 s) until the link reads as expected, and shows how
# long that took: the MAC's interrupt tells phylib at once, negotiation
# takes 300 ms; when phylib polls, it reads the PHY once a second.
await_link() {
	local want=$1 start
	start=$(now_ms)
	while [ "$(cat "$D/link")" != "$want" ]; do
		if [ $(($(now_ms) - start)) -ge 10000 ]; then
			echo "  !!! link is '$(cat "$D/link")' after 10 s, expected '$want'"
			exit 1
		fi
		read -r -t 0.01 <> <(:) || true
	done
	echo "  link: $want (after $(($(now_ms) - start)) ms, link_irq $(cat "$D/link_irq"))"
}

echo "The emulated PHY at $PHY is driven by: $(basename "$(readlink "$PHY/driver")")"
echo "PHY id registers: $(grep -E '^0[23] ' "$D/registers" | cut -d' ' -f2 | tr '\n' ' ')"
await_link "up 1000/full"

echo
echo "Unplugging the cable"
echo 0 >"$D/cable"
await_link down
echo "Plugging it back in"
echo 1 >"$D/cable"
await_link "up 1000/full"

echo
echo "A link partner that only does 10 and 100 Mb/s: auto-negotiation settles lower"
echo "10half 10full 100half 100full" >"$D/partner"
await_link "up 100/full"
echo "10half 10full 100half 100full 1000half 1000full" >"$D/partner"
await_link "up 1000/full"

echo
echo "The same on a board without the PHY's interrupt line: phylib polls once a second"
echo 0 >"$D/attached"
echo poll >"$D/link_irq"
echo 1 >"$D/attached"
echo 1 >"$D/running"
await_link "up 1000/full"
echo 0 >"$D/cable"
await_link down
echo 1 >"$D/cable"
await_link "up 1000/full"
echo 0 >"$D/attached"
echo mac >"$D/link_irq"
echo 1 >"$D/attached"
echo 1 >"$D/running"
await_link "up 1000/full"

echo
echo "What phylib reported, in order (as a MAC driver would have seen it):"
sed 's/^/  /' "$D/link_events"
echo
echo "The first MDIO accesses of the driver (R/W, register, value):"
head -n 6 "$D/access_log" | sed 's/^/  /'

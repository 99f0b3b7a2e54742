#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run between load and unload by tests/tools/modload: one pass over every
# debugfs knob of rust_vmdio, so that each load cycle also detaches,
# reattaches (polled, then with the MAC's interrupt), stops and restarts the
# PHY. Nothing here waits for the link.

set -euo pipefail
D=/sys/kernel/debug/rust_vmdio

echo 0 >"$D/cable"
echo 1 >"$D/cable"
echo "100half 100full" >"$D/partner"
echo "10half 100full" >"$D/advertise"
echo 0 >"$D/running"
echo 1 >"$D/running"
echo 0 >"$D/attached"
echo poll >"$D/link_irq"
echo 1 >"$D/attached"
echo 1 >"$D/running"
echo 0 >"$D/attached"
echo mac >"$D/link_irq"
echo 1 >"$D/attached"
echo 1 >"$D/running"
# Each file read through; builtins only, as a process costs time under TCG.
for file in link link_events registers access_log; do
	while read -r _; do :; done <"$D/$file"
done
echo clear >"$D/access_log"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rust_edu with msi=0 interrupts through the device's INTx pin (an IO-APIC
# line the kernel may share): REDU_GET_STATS says so, /proc/interrupts
# lists the handler on an IO-APIC line, and factorials, transfers and raised
# interrupts all complete, each interrupt acknowledged.

source "${0%/*}/../../lib/lifecycle.sh"

lc_edu_bdf
lc_insmod rust_edu msi=0
lc_edu_ctl stats
lc_check_re "interrupt mode" ".* irq_mode=0 .*" "$LC_OUT"
lc_do count /proc/interrupts 'IO-APIC.*rust_edu'
lc_check "rust_edu on an IO-APIC line in /proc/interrupts" 1 "$LC_OUT"

lc_edu_factorial_ok "INTx"
lc_edu_ctl load 5 0
lc_check "5 rounds of load: exit status" 0 "$LC_STATUS"
while IFS=$'\t' read -r count call what; do
	[ "$what" = ok ] || lc_fail "INTx load outcomes" "ok" "$count x $call: $what"
done <<<"$LC_OUT"
lc_ok "INTx load outcomes" "$(tr '\n\t' ', ' <<<"$LC_OUT")"
lc_edu_balanced "INTx"
lc_rmmod rust_edu
lc_pass

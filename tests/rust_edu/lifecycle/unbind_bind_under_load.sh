#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Unbind and bind while two workers keep factorials, transfers (checked
# byte for byte) and raised interrupts running on fresh opens: each call
# succeeds or fails cleanly (ENODEV while its file outlives a binding,
# ENOENT when the node is gone), no result is ever wrong, and the device
# works afterwards with every interrupt raised acknowledged. A transfer
# running at an unbind is waited for before the DMA memory is freed. The
# workers run from before the first unbind until after the last bind.

source "${0%/*}/../../lib/lifecycle.sh"

CYCLES=4
# Far beyond the rounds the cycles take (a round moves two transfers, each
# 100 ms of the device's): the workers end when told to.
MAX_ROUNDS=1000

lc_edu_bdf
lc_insmod rust_edu
slot=0
for w in load1 load2; do
	lc_start_worker "$w" "$LC_EDU_CTL" load "$MAX_ROUNDS" $((slot++)) "$LC_TMP/stop"
done

# Under load from the start: the first factorials have been counted.
loaded() {
	lc_edu_ctl stats
	LC_SEEN=$LC_OUT
	[[ $LC_OUT =~ factorials=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 10 ]
}
lc_wait_for "workers running" 20 loaded

for ((i = 1; i <= CYCLES; i++)); do
	lc_edu_unbind
	lc_edu_bind
done

lc_stop_workers
for w in load1 load2; do
	ok=0
	while IFS=$'\t' read -r count call what; do
		case $what in
		ok) ok=$((ok + count)) ;;
		ENODEV | ENOENT) ;;
		*) lc_fail "worker $w outcomes" "ok, ENODEV or ENOENT" "$count x $call: $what" ;;
		esac
	done <"$LC_TMP/$w.log"
	lc_ok "worker $w outcomes" "$(tr '\n\t' ', ' <"$LC_TMP/$w.log")"
	[ "$ok" -gt 0 ] || lc_fail "worker $w" "some calls succeeded" "none"
done

lc_edu_factorial_ok "after $CYCLES cycles"
lc_edu_balanced "after the load"
lc_rmmod rust_edu
lc_pass

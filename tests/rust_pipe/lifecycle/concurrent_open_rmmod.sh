#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod rust_pipe retried while two workers open and close /dev/rust-pipe
# (in every access mode) and move a byte through it as fast as they can, and
# a third keeps it open most of the time: every rmmod either fails with "in
# use" (EWOULDBLOCK) or succeeds; while the module is loaded every access
# works; once an rmmod succeeded, opens fail with ENOENT (the node is gone)
# or ENODEV (misc_open() finds no device, or a module that is going), and no
# access works after a failed open. First, for PINNED_SECONDS, the case
# holds the device open itself: then every attempt must fail. Bounded: rmmod
# is retried for at most ATTEMPT_SECONDS; if it never got in between the
# workers, they are stopped and rmmod must succeed then. A twin's run
# (c_pipe) has its device and module instead (LC_PIPE_DEVICE,
# LC_PIPE_MODULE).

source "${0%/*}/../../lib/lifecycle.sh"

PINNED_SECONDS=2
ATTEMPT_SECONDS=8
DEV=$LC_PIPE_DEVICE
MOD=$LC_PIPE_MODULE

lc_insmod "$MOD"
lc_hammer openers $((PINNED_SECONDS + ATTEMPT_SECONDS + 10)) "o|$DEV|rw" "o|$DEV|r" "o|$DEV|w"
lc_hammer movers $((PINNED_SECONDS + ATTEMPT_SECONDS + 10)) "p|$DEV"

# Keeps the device open 100 ms out of every 125, so that most attempts
# meet it open whatever the others are doing, and some get in between.
lc_hammer holder $((PINNED_SECONDS + ATTEMPT_SECONDS + 10)) "h|$DEV|100|25"

lc_hammers_started

# Phase 1: with a file of our own open, every attempt must fail.
lc_open pin rw "$DEV"
attempts=0
lc_now
start=$LC_NOW
while lc_now && [ $((LC_NOW - start)) -lt $((PINNED_SECONDS * 1000)) ]; do
	attempts=$((attempts + 1))
	lc_do delete_module "$MOD"
	if [ "$LC_RES" != "${LC_ERRNO[EWOULDBLOCK]}" ]; then
		lc_fail "rmmod $MOD attempt $attempts under load, a file held open" "EWOULDBLOCK" \
			"${LC_ERR:-success}"
	fi
	lc_sleep 0.01
done
lc_ok "rmmod $MOD under load with a file held open" "$attempts attempts, all 'in use'"
lc_close pin

# Phase 2: the workers alone; an attempt that gets in between them succeeds.
attempts=0 busy_count=0 removed=0
lc_now
start=$LC_NOW
while lc_now && [ $((LC_NOW - start)) -lt $((ATTEMPT_SECONDS * 1000)) ]; do
	attempts=$((attempts + 1))
	if lc_do delete_module "$MOD"; then
		removed=1
		break
	fi
	if [ "$LC_RES" != "${LC_ERRNO[EWOULDBLOCK]}" ]; then
		lc_fail "rmmod $MOD attempt $attempts under load" "success or EWOULDBLOCK" "$LC_ERR"
	fi
	busy_count=$((busy_count + 1))
	lc_sleep 0.01
done
lc_now
lc_ok "rmmod $MOD under load" \
	"$attempts attempts in $((LC_NOW - start)) ms: $busy_count in use, $removed succeeded"

if [ $removed -eq 1 ]; then
	lc_forget_loaded "$MOD"
	lc_check "$MOD unloaded under load: /sys/module/$MOD" gone \
		"$(lc_exists "/sys/module/$MOD")"
	lc_wait_for "openers saw a failed open" 10 test -e "$LC_TMP/openers.out.gone"
	lc_wait_for "movers saw a failed open" 10 test -e "$LC_TMP/movers.out.gone"
	lc_wait_for "holder saw a failed open" 10 test -e "$LC_TMP/holder.out.gone"
	lc_stop_workers
else
	lc_say "note: no rmmod got in between the workers in ${ATTEMPT_SECONDS} s; stopping them"
	lc_stop_workers
	lc_rmmod "$MOD"
fi

gone="open: (${LC_ERRNO[ENOENT]}|${LC_ERRNO[ENODEV]})"
lc_hammer_outcomes holder "ok|$gone"
lc_hammer_outcomes openers "ok|$gone"
lc_hammer_outcomes movers "ok|$gone"
lc_check "$DEV after the case" gone "$(lc_exists "$DEV")"
lc_pass

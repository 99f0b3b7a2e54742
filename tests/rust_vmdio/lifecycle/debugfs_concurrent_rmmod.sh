#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod rust_vmdio retried while two workers open, read, write and close its
# debugfs files as fast as they can and a third keeps one open most of the
# time: every rmmod either fails with "in use" (EWOULDBLOCK) or succeeds;
# while the module is loaded every access works; once an rmmod succeeded,
# opens fail with ENOENT (or ENXIO while the module is going: debugfs's open
# refuses a module that is being removed), and no access works after a
# failed open. First, for PINNED_SECONDS, the case holds a file open itself:
# then every attempt must fail. Bounded: rmmod is retried for at most
# ATTEMPT_SECONDS; if it never got in between the workers, they are stopped
# and rmmod must succeed then.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

PINNED_SECONDS=2
ATTEMPT_SECONDS=8
D=$LC_VMDIO

lc_insmod rust_vmdio
lc_hammer readers $((PINNED_SECONDS + ATTEMPT_SECONDS + 10)) \
	"r|$D/link" "R|$D/link_events" "r|$D/registers" "R|$D/access_log" \
	"r|$D/cable" "r|$D/partner" "r|$D/attached" "r|$D/running"
lc_hammer writers $((PINNED_SECONDS + ATTEMPT_SECONDS + 10)) \
	"w|$D/cable|0" "w|$D/cable|1" "w|$D/partner|100half 100full pause" \
	"w|$D/partner|10half 10full 100half 100full 1000half 1000full pause asym_pause" \
	"w|$D/advertise|100full 1000full" "w|$D/running|0" "w|$D/running|1" \
	"w|$D/access_log|clear"

# Keeps a file open 100 ms out of every 125, so that most attempts meet a
# file open whatever the others are doing, and some get in between.
lc_hammer holder $((PINNED_SECONDS + ATTEMPT_SECONDS + 10)) "h|$D/link|100|25"

lc_hammers_started

# Phase 1: with a file of our own open, every attempt must fail.
lc_open pin r "$D/link"
attempts=0
lc_now
start=$LC_NOW
while lc_now && [ $((LC_NOW - start)) -lt $((PINNED_SECONDS * 1000)) ]; do
	attempts=$((attempts + 1))
	lc_do delete_module rust_vmdio
	if [ "$LC_RES" != "${LC_ERRNO[EWOULDBLOCK]}" ]; then
		lc_fail "rmmod rust_vmdio attempt $attempts under load, a file held open" "EWOULDBLOCK" \
			"${LC_ERR:-success}"
	fi
	lc_sleep 0.01
done
lc_ok "rmmod rust_vmdio under load with a file held open" "$attempts attempts, all 'in use'"
lc_close pin

# Phase 2: the workers alone; an attempt that gets in between them succeeds.
# An open racing that unload can make the kernel itself warn:
# delete_module() drops the module's last reference
# (try_release_module_ref()) before it marks the module
# MODULE_STATE_GOING (try_stop_module(), kernel/module/main.c), and
# debugfs's open, whose fops_get() fails in between, takes the module for
# one that did not clean up at exit (full_proxy_open_regular(),
# fs/debugfs/file.c; checked against 7.2.13 and 7.3.4). The open fails
# with ENXIO all the same, as checked below: the warning is the kernel's.
lc_expect_warning "debugfs file owner did not clean up at exit"
attempts=0 busy_count=0 removed=0
lc_now
start=$LC_NOW
while lc_now && [ $((LC_NOW - start)) -lt $((ATTEMPT_SECONDS * 1000)) ]; do
	attempts=$((attempts + 1))
	if lc_do delete_module rust_vmdio; then
		removed=1
		break
	fi
	if [ "$LC_RES" != "${LC_ERRNO[EWOULDBLOCK]}" ]; then
		lc_fail "rmmod rust_vmdio attempt $attempts under load" "success or EWOULDBLOCK" "$LC_ERR"
	fi
	busy_count=$((busy_count + 1))
	lc_sleep 0.01
done
lc_now
lc_ok "rmmod rust_vmdio under load" \
	"$attempts attempts in $((LC_NOW - start)) ms: $busy_count in use, $removed succeeded"

if [ $removed -eq 1 ]; then
	lc_forget_loaded rust_vmdio
	lc_check "rust_vmdio unloaded under load: /sys/module/rust_vmdio" gone \
		"$(lc_exists /sys/module/rust_vmdio)"
	lc_wait_for "readers saw a failed open" 10 test -e "$LC_TMP/readers.out.gone"
	lc_wait_for "writers saw a failed open" 10 test -e "$LC_TMP/writers.out.gone"
	lc_wait_for "holder saw a failed open" 10 test -e "$LC_TMP/holder.out.gone"
	lc_stop_workers
else
	lc_say "note: no rmmod got in between the workers in ${ATTEMPT_SECONDS} s; stopping them"
	lc_stop_workers
	lc_rmmod rust_vmdio
fi
lc_expect_warning_end

gone="open: (${LC_ERRNO[ENOENT]}|${LC_ERRNO[ENXIO]})"
lc_hammer_outcomes holder "ok|$gone"
lc_hammer_outcomes readers "ok|$gone"
lc_hammer_outcomes writers "ok|$gone"
lc_do read "$D/link"
lc_expect_err "open after the workers" ENOENT
lc_pass

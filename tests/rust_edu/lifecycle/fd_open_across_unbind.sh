#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# /dev/rust-edu held open across an unbind of its device: the node goes,
# the open file keeps the module in use, and every call on it fails with
# ENODEV (poll reports it readable, so that a reader learns it), none
# touching the device; closing it works. A new bind brings a working node
# back.

source "${0%/*}/../../lifecycle.sh"

lc_edu_bdf
lc_insmod rust_edu
lc_start_worker holder "$LC_EDU_CTL" hold
holder=$LC_WORKER_PID
lc_wait_for "holder has the device open" 20 lc_edu_worker_ready holder

lc_edu_unbind
lc_check_refcnt "unbound, file open" rust_edu 1

kill -USR1 "$holder"
lc_wait_pid "$holder" || lc_fail "holder ends" "within ${LC_STEP_TIMEOUT} s" "still running"
lc_check "holder's exit status" 0 "$LC_STATUS"
lc_check "every call on the file after unbind" "ready
factorial: ENODEV
dma-write: ENODEV
dma-read: ENODEV
raise: ENODEV
read: ENODEV
stats: ENODEV
poll: in
close: ok" "$(<"$LC_TMP/holder.log")"
lc_check_refcnt "closed" rust_edu 0

lc_edu_bind
lc_edu_factorial_ok "after the new bind"
lc_rmmod rust_edu
lc_pass

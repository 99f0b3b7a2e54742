#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# /dev/rust-edu held open across rmmod: rmmod rust_edu fails with "in use"
# (EWOULDBLOCK) and leaves the module, the binding and the node; every call
# still works on the open file; after the close rmmod succeeds and the node
# is gone.

source "${0%/*}/../../lifecycle.sh"

lc_edu_bdf
lc_insmod rust_edu
lc_start_worker holder "$LC_EDU_CTL" hold
holder=$LC_WORKER_PID
lc_wait_for "holder has the device open" 20 lc_edu_worker_ready holder
lc_check_refcnt "held" rust_edu 1

lc_rmmod_busy rust_edu
lc_check "$LC_EDU_DEVICE after the failed rmmod" present "$(lc_exists "$LC_EDU_DEVICE")"

kill -USR1 "$holder"
lc_wait_pid "$holder" || lc_fail "holder ends" "within ${LC_STEP_TIMEOUT} s" "still running"
lc_check "holder's exit status" 0 "$LC_STATUS"
lc_check "every call on the held file" "ready
factorial: ok
dma-write: ok
dma-read: ok
raise: ok
read: ok
stats: ok
poll: none
close: ok" "$(<"$LC_TMP/holder.log")"

lc_check_refcnt "closed" rust_edu 0
lc_edu_balanced "after the calls"
lc_rmmod rust_edu
lc_check "$LC_EDU_DEVICE after rmmod" gone "$(lc_exists "$LC_EDU_DEVICE")"
lc_pass

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# An unbind while a read(2) sleeps waiting for the device's interrupt: the
# unbind completes, and the read ends with ENODEV instead of sleeping on.

source "${0%/*}/../../lib/lifecycle.sh"

lc_edu_bdf
lc_insmod rust_edu
lc_start_worker waiter "$LC_EDU_CTL" wait
waiter=$LC_WORKER_PID
lc_wait_for "waiter has the device open" 20 lc_edu_worker_ready waiter

waiting() {
	lc_edu_ctl stats
	LC_SEEN=$LC_OUT
	[[ $LC_OUT == *" waiters=1"* ]]
}
lc_wait_for "waiter asleep in read(2)" 20 waiting

lc_edu_unbind
lc_wait_pid "$waiter" || lc_fail "waiter woken by the unbind" "its exit within ${LC_STEP_TIMEOUT} s" "still asleep"
lc_check "waiter's exit status" 0 "$LC_STATUS"
lc_check "waiter's read" "ready
read: ENODEV" "$(<"$LC_TMP/waiter.log")"

lc_edu_bind
lc_edu_factorial_ok "after the new bind"
lc_rmmod rust_edu
lc_pass

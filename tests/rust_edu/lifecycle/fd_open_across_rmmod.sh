#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# /dev/rust-edu held open across rmmod: rmmod rust_edu fails with "in use"
# (EWOULDBLOCK) and leaves the module, the binding and the node; every call
# still works on the open file; after the close rmmod succeeds and the node
# is gone.

source "${0%/*}/../../lib/lifecycle.sh"

lc_edu_bdf
lc_insmod rust_edu
lc_edu_hold
lc_check_refcnt "held" rust_edu 1

lc_rmmod_busy rust_edu
lc_check "$LC_EDU_DEVICE after the failed rmmod" present "$(lc_exists "$LC_EDU_DEVICE")"

lc_edu_release "every call on the held file" "factorial: ok
dma-write: ok
dma-read: ok
raise: ok
read: ok
stats: ok
poll: none"

lc_check_refcnt "closed" rust_edu 0
lc_edu_balanced "after the calls"
lc_rmmod rust_edu
lc_check "$LC_EDU_DEVICE after rmmod" gone "$(lc_exists "$LC_EDU_DEVICE")"
lc_pass

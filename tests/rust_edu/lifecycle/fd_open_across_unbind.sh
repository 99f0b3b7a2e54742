#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# /dev/rust-edu held open across an unbind of its device: the node goes,
# the open file keeps the module in use, and every call on it fails with
# ENODEV (poll reports it readable, so that a reader learns it), none
# touching the device; closing it works. A new bind brings a working node
# back.

source "${0%/*}/../../lib/lifecycle.sh"

lc_edu_bdf
lc_insmod rust_edu
lc_edu_hold

lc_edu_unbind
lc_check_refcnt "unbound, file open" rust_edu 1

lc_edu_release "every call on the file after unbind" "factorial: ENODEV
dma-write: ENODEV
dma-read: ENODEV
raise: ENODEV
read: ENODEV
stats: ENODEV
poll: in"
lc_check_refcnt "closed" rust_edu 0

lc_edu_bind
lc_edu_factorial_ok "after the new bind"
lc_rmmod rust_edu
lc_pass

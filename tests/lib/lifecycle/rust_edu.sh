# SPDX-License-Identifier: GPL-2.0
#
# Part of tests/lib/lifecycle.sh, which sources it: rust_edu and the VM's edu
# device, for the cases of tests/rust_edu/lifecycle/.

# shellcheck shell=bash

LC_EDU_DRIVER=/sys/bus/pci/drivers/rust_edu
LC_EDU_DEVICE=/dev/rust-edu
# The helper making the calls of tests/rust_edu/lifecycle/edu_ctl.c.
LC_EDU_CTL=${LC_MODULES_DIR%/modules}/.build/lifecycle/rust_edu/edu_ctl

# lc_edu_bdf: the PCI address of the VM's edu device (1234:11e8), in
# LC_EDU_BDF; a step.
lc_edu_bdf() {
	local dev vendor device
	for dev in /sys/bus/pci/devices/*; do
		read -r vendor <"$dev/vendor" && read -r device <"$dev/device" || continue
		if [ "$vendor" = 0x1234 ] && [ "$device" = 0x11e8 ]; then
			LC_EDU_BDF=${dev##*/}
			lc_ok "the VM's edu device" "$LC_EDU_BDF"
			return 0
		fi
	done
	lc_fail "the VM's edu device" "a PCI device 1234:11e8" "none"
}

lc_edu_unbind() {
	lc_write_ok "unbind $LC_EDU_BDF from rust_edu" "$LC_EDU_DRIVER/unbind" "$LC_EDU_BDF"
	lc_check "$LC_EDU_DEVICE after unbind" gone "$(lc_exists "$LC_EDU_DEVICE")"
}

lc_edu_bind() {
	lc_write_ok "bind $LC_EDU_BDF to rust_edu" "$LC_EDU_DRIVER/bind" "$LC_EDU_BDF"
	lc_check "$LC_EDU_DEVICE after bind" present "$(lc_exists "$LC_EDU_DEVICE")"
}

# lc_edu_ctl ARGS...: runs edu_ctl ARGS; its output in LC_OUT (bounded by
# LC_STEP_TIMEOUT), exit status in LC_STATUS.
lc_edu_ctl() {
	LC_OUT=$(timeout "$LC_STEP_TIMEOUT" "$LC_EDU_CTL" "$@" 2>&1)
	LC_STATUS=$?
}

# lc_edu_factorial_ok WHAT: the device computes 10! for a new open; a step.
lc_edu_factorial_ok() {
	lc_edu_ctl fact 10
	lc_check "$1: 10! on a new open" 3628800 "$LC_OUT"
}

# lc_edu_worker_ready NAME: the edu_ctl worker NAME printed "ready".
lc_edu_worker_ready() {
	LC_SEEN=$(<"$LC_TMP/$1.log")
	[[ $LC_SEEN == ready* ]]
}

# lc_edu_hold: starts an edu_ctl holder, the device open with a first
# factorial done, and waits until it is ready; its pid in LC_EDU_HOLDER.
lc_edu_hold() {
	lc_start_worker holder "$LC_EDU_CTL" hold
	LC_EDU_HOLDER=$LC_WORKER_PID
	lc_wait_for "holder has the device open" 20 lc_edu_worker_ready holder
}

# lc_edu_release WHAT OUTCOMES: lets the holder try every call on its file
# and close it; they must be OUTCOMES, one "<call>: <outcome>" line each.
lc_edu_release() {
	kill -USR1 "$LC_EDU_HOLDER"
	lc_wait_pid "$LC_EDU_HOLDER" || lc_fail "holder ends" "within ${LC_STEP_TIMEOUT} s" "still running"
	lc_check "holder's exit status" 0 "$LC_STATUS"
	lc_check "$1" "ready
$2
close: ok" "$(<"$LC_TMP/holder.log")"
}

# lc_edu_balanced WHAT: with no command waiting, every interrupt raised was
# acknowledged (REDU_GET_STATS); a step.
lc_edu_balanced() {
	local fact_raised fact_acked dma_raised dma_acked user_raised user_acked waiters
	lc_edu_ctl stats
	[ "$LC_STATUS" = 0 ] || lc_fail "$1: REDU_GET_STATS" "success" "$LC_OUT"
	eval "$(tr ' ' '\n' <<<"$LC_OUT" | grep -E '^[a-z_]+=[0-9]+$')"
	lc_check "$1: raised = acknowledged, nothing waiting" \
		"$fact_raised $dma_raised $user_raised 0" "$fact_acked $dma_acked $user_acked $waiters"
}

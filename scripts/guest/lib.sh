#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What the scripts that run inside a VM (scripts/guest/) share: source it.
# Builtins where they do: under TCG, starting a program costs a tenth of a
# second or more.
#
# TOP is the checkout (the guest sees the host's file system at the same
# paths); SYS and PROC are the kernel's /sys and /proc, which only
# tests/host/ points at a fake (RKM_GUEST_SYS, RKM_GUEST_PROC).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SYS=${RKM_GUEST_SYS:-/sys}
PROC=${RKM_GUEST_PROC:-/proc}

# mount_debugfs: where KUnit's results, kmemleak and the modules' own
# debugfs files are.
mount_debugfs() {
	mountpoint -q "$SYS/kernel/debug" || mount -t debugfs none "$SYS/kernel/debug"
}

# uptime_ms: milliseconds since boot (the guest's clock).
uptime_ms() {
	local up
	read -r up _ <"$PROC/uptime"
	echo $((${up%.*} * 1000 + 10#${up#*.} * 10))
}

# kunit_suites off|on: whether loading a module runs its KUnit suites. The
# module phase of make check runs them once; what loads modules again and
# again turns them off meanwhile, with a glob no suite matches ("*", what
# an unset filter means, turns them on again).
kunit_suites() {
	local filter=$SYS/module/kunit/parameters/filter_glob
	[ -w "$filter" ] || return 0
	case $1 in
	off) echo rkm-no-suite >"$filter" ;;
	on) echo '*' >"$filter" ;;
	esac
}

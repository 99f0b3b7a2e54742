#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A reader blocked in read(2) on /dev/rust-pipe across rmmod: rmmod
# rust_pipe fails with "in use" (EWOULDBLOCK) and does not disturb the
# reader; a write wakes it with the bytes written; once it and the writer
# have closed, rmmod succeeds. A twin's run (c_pipe) has its device and
# module instead (LC_PIPE_DEVICE, LC_PIPE_MODULE).

source "${0%/*}/../../lib/lifecycle.sh"

DEV=$LC_PIPE_DEVICE
MOD=$LC_PIPE_MODULE
MSG="wake up"

lc_insmod "$MOD"
lc_open writer w "$DEV"
# A process of its own, killed by SIGALRM after 30 s if never woken.
lc_start_worker reader perl -e "$LC_PERL" -- once 30 readn "$DEV" ${#MSG}
reader=$LC_WORKER_PID

# Blocked: counted as a reader, and asleep.
reader_blocked() {
	local state=
	lc_do pipestats writer || return 1
	read -r _ _ state _ 2>/dev/null <"/proc/$reader/stat"
	LC_SEEN="$LC_OUT, reader state '${state:-none}'"
	[[ $LC_OUT == *" readers=1 "* && $state == S ]]
}
lc_wait_for "reader blocked in read(2)" 20 reader_blocked

lc_rmmod_busy "$MOD"
if reader_blocked; then
	lc_ok "reader after the failed rmmod: still blocked" "$LC_SEEN"
else
	lc_fail "reader after the failed rmmod" "still blocked" "$LC_SEEN"
fi

lc_do fdwrite writer "$MSG"
lc_expect_ok "write '$MSG'"
lc_wait_pid "$reader" || lc_fail "reader woken" "its exit within ${LC_STEP_TIMEOUT} s" "still running"
lc_check "reader woken: exit status" 0 "$LC_STATUS"
lc_check "reader woken: read" "$MSG" "$(<"$LC_TMP/reader.log")"

lc_close writer
lc_check_refcnt "every file closed" "$MOD" 0
lc_rmmod "$MOD"
lc_pass

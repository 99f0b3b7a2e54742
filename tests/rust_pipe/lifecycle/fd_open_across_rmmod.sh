#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# /dev/rust-pipe held open across rmmod, once for each access mode (read
# and write, read only, write only): rmmod rust_pipe fails with "in use"
# (EWOULDBLOCK) and leaves the module and the device; every entry point
# still works on the open file (write, poll, RPIPE_GET_STATS, fdinfo, read;
# through a second open for the direction the first lacks); after the close
# rmmod succeeds and /dev/rust-pipe is gone. A twin's run (c_pipe) has its
# device and module instead (LC_PIPE_DEVICE, LC_PIPE_MODULE), and the same
# ioctl (uapi/rust_pipe.h) and fdinfo keys.

source "${0%/*}/../../lib/lifecycle.sh"

DEV=$LC_PIPE_DEVICE
MOD=$LC_PIPE_MODULE
MSG="held across rmmod"

for mode in rw r w; do
	lc_say "--- open $mode"
	lc_insmod "$MOD"
	lc_check "$mode: $DEV" present "$(lc_exists "$DEV")"
	lc_check_refcnt "$mode: nothing open" "$MOD" 0
	lc_open pipe "$mode" "$DEV"
	lc_rmmod_busy "$MOD"
	lc_check_refcnt "$mode: open" "$MOD" 1
	lc_check "$mode: $DEV after the failed rmmod" present "$(lc_exists "$DEV")"

	case $mode in
	rw) access=read-write readers=1 writers=1 ;;
	r) access=read readers=1 writers=0 ;;
	w) access=write readers=0 writers=1 ;;
	esac
	lc_do pipestats pipe
	lc_expect_ok "$mode: RPIPE_GET_STATS on the open fd"
	lc_check_re "$mode: stats" "capacity=4096 len=0 written=0 read=0 readers=$readers writers=$writers" "$LC_OUT"
	lc_do fdinfo pipe
	lc_expect_ok "$mode: read fdinfo of the open fd"
	seen=none
	while IFS=$'\t' read -r key value; do
		[ "$key" = rpipe-access: ] && seen=$value
	done <<<"$LC_OUT"
	lc_check "$mode: fdinfo rpipe-access" "$access" "$seen"

	if [ "$mode" != r ]; then
		lc_do fdwrite pipe "$MSG"
		lc_expect_ok "$mode: write on the open fd"
	else
		lc_write_ok "$mode: write through a second open" "$DEV" "$MSG"
	fi
	if [ "$mode" != w ]; then
		lc_do fdpoll pipe
		lc_check_re "$mode: poll on the open fd" "in|in out" "$LC_OUT"
		lc_fd_read_ok "$mode: read on the open fd" pipe ${#MSG}
	else
		lc_do fdpoll pipe
		lc_check "$mode: poll on the open fd" out "$LC_OUT"
		lc_do readn "$DEV" ${#MSG} nonblock
		lc_expect_ok "$mode: read through a second open"
	fi
	lc_check "$mode: bytes read back" "$MSG" "$LC_OUT"

	lc_close pipe
	lc_check_refcnt "$mode: closed" "$MOD" 0
	lc_rmmod "$MOD"
	lc_check "$mode: $DEV after rmmod" gone "$(lc_exists "$DEV")"
done
lc_pass

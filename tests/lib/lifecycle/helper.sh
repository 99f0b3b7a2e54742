# SPDX-License-Identifier: GPL-2.0
#
# Part of tests/lib/lifecycle.sh, which sources it: talking to the helper
# process (lc_do), and the bounded waits and reaping that keep a case from
# hanging on a process stuck in the kernel.

# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are read by the other parts and the cases
# shellcheck disable=SC2153  # LC_SRV_IN is assigned in tests/lib/lifecycle.sh

# An idle descriptor for lc_sleep: a pipe with a writer that never writes.
exec {LC_IDLE_FD}<> <(:)

# lc_sleep SECONDS: the pacing of a poll loop (builtin; sleep(1) is a
# program to start, which costs more than the wait under TCG).
lc_sleep() {
	read -r -t "$1" -u "$LC_IDLE_FD" _
	return 0
}

# lc_ended_within PID SECONDS POLL: polls every POLL seconds, for at most
# SECONDS, until the child PID has ended (gone, or a zombie for wait(1) to
# reap); returns 1 if it still runs, its state letter in LC_PID_STATE.
lc_ended_within() {
	local pid=$1 start
	lc_now
	start=$LC_NOW
	while kill -0 "$pid" 2>/dev/null; do
		LC_PID_STATE=
		IFS=" " read -r _ _ LC_PID_STATE _ 2>/dev/null <"/proc/$pid/stat"
		[ "$LC_PID_STATE" = Z ] && break
		lc_now
		[ $((LC_NOW - start)) -gt $(($2 * 1000)) ] && return 1
		lc_sleep "$3"
	done
	return 0
}

# lc_reap PID SECONDS: waits at most SECONDS for a child that was killed
# to end, and reaps it; returns 1 if it is still there (a process stuck in
# the kernel does not die of SIGKILL): it is left behind, not waited for.
lc_reap() {
	if ! lc_ended_within "$1" "$2" 0.05; then
		lc_say "note: process $1 (state ${LC_PID_STATE:-unknown}) does not end, stuck in the kernel; left behind"
		LC_STUCK=1
		return 1
	fi
	wait "$1" 2>/dev/null
	return 0
}

lc_server_stop() {
	local pid=${LC_SRV_PID:-}
	[ -n "$pid" ] || return 0
	LC_SRV_PID=
	kill -9 "$pid" 2>/dev/null
	lc_reap "$pid" 5
}

# lc_reap_within PID SECONDS: waits at most SECONDS for a child to end by
# itself, its status in LC_STATUS; else kills it, leaves it behind if it
# does not die, and returns 1.
lc_reap_within() {
	if ! lc_ended_within "$1" "$2" 0.02; then
		kill -9 "$1" 2>/dev/null
		lc_reap "$1" 2
		LC_STUCK=1
		return 1
	fi
	wait "$1"
	LC_STATUS=$?
	return 0
}

# lc_do OP ARG...: one operation of the perl side (see LC_PERL). Sets LC_OUT
# (its data, trailing newlines removed), LC_RES ("ok", the errno text of
# the failed call, or "timed out") and LC_ERR (the failed call with its
# errno text); returns 0 on success.
lc_do() {
	local reply rc text request
	if [ -n "${LC_SRV_PID:-}" ]; then
		printf -v request '%s\t' "$@"
		if ! printf '%s\n' "${request%$'\t'}" >&"$LC_SRV_IN" 2>/dev/null; then
			rc=1
		else
			IFS= read -r -t "$LC_STEP_TIMEOUT" -u "$LC_SRV_OUT" reply
			rc=$?
		fi
		if [ $rc -ne 0 ]; then
			LC_STUCK=1
			lc_server_stop
			LC_OUT= LC_RES="timed out"
			if [ $rc -gt 128 ]; then
				LC_ERR="$1: no answer within ${LC_STEP_TIMEOUT}s"
			else
				LC_ERR="$1: the helper process ended without an answer (killed by an oops?)"
			fi
			return 1
		fi
		rc=${reply%%$'\t'*}
		printf -v text '%b' "${reply#*$'\t'}"
	else
		# The helper is gone (it timed out): one process per operation,
		# given up (left behind) if it does not end in time.
		perl -e "$LC_PERL" -- once "$LC_STEP_TIMEOUT" "$@" >"$LC_TMP/.lc_once" 2>&1 &
		local pid=$!
		if lc_reap_within "$pid" $((LC_STEP_TIMEOUT + 2)); then
			rc=$LC_STATUS
			text=$(<"$LC_TMP/.lc_once")
		else
			LC_OUT= LC_RES="timed out"
			LC_ERR="$1: no answer within ${LC_STEP_TIMEOUT}s"
			return 1
		fi
	fi
	while [[ $text == *$'\n' ]]; do
		text=${text%$'\n'}
	done
	if [ "$rc" = 0 ]; then
		LC_OUT=$text LC_RES=ok LC_ERR=
		return 0
	fi
	LC_OUT= LC_ERR=${text:-"$1: exit status $rc"}
	LC_RES=${LC_ERR##*: }
	return 1
}

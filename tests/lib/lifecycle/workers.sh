# SPDX-License-Identifier: GPL-2.0
#
# Part of tests/lib/lifecycle.sh, which sources it: background workers, the
# perl hammers among them, which run while a case unbinds or unloads, and
# the judging of what they saw.

# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are read by the other parts and the cases

# lc_start_worker NAME CMD...: runs CMD in the background, output in
# $LC_TMP/NAME.log; LC_WORKER_PID is its pid. The exit stops it if the
# case did not.
lc_start_worker() {
	local name=$1
	shift
	# Without the case's exit handler, which a signal could otherwise run
	# in the child before it becomes CMD.
	(
		trap - EXIT
		exec "$@"
	) >"$LC_TMP/$name.log" 2>&1 &
	LC_WORKER_PID=$!
	LC_PIDS+=("$LC_WORKER_PID")
	lc_ok "start worker $name" "pid $LC_WORKER_PID"
}

# lc_hammer NAME SECONDS SPEC...: a worker repeating the SPECs (see
# LC_PERL's hammer) for at most SECONDS or until lc_stop_workers; its
# outcomes go to $LC_TMP/NAME.out, its first failed open makes
# $LC_TMP/NAME.out.gone. lc_hammers_started waits until every one of them
# runs.
LC_HAMMERS=()
lc_hammer() {
	local name=$1 seconds=$2
	shift 2
	rm -f "$LC_TMP/stop" "$LC_TMP/$name.out" "$LC_TMP/$name.out.gone" "$LC_TMP/$name.out.started"
	LC_HAMMERS+=("$name")
	lc_start_worker "$name" perl -e "$LC_PERL" -- once $((seconds + 30)) \
		hammer "$seconds" "$LC_TMP/stop" "$LC_TMP/$name.out" "$@"
}

lc_hammers_running() {
	local name
	LC_SEEN=
	for name in "${LC_HAMMERS[@]}"; do
		[ -e "$LC_TMP/$name.out.started" ] || LC_SEEN+="${LC_SEEN:+, }$name not yet"
	done
	[ -z "$LC_SEEN" ]
}

lc_hammers_started() {
	lc_wait_for "workers ${LC_HAMMERS[*]} running" "$LC_STEP_TIMEOUT" lc_hammers_running
}

# lc_wait_pid PID: waits (bounded) for a worker to end; its exit status in
# LC_STATUS. Returns 1 if it did not end in LC_STEP_TIMEOUT seconds.
lc_wait_pid() {
	lc_ended_within "$1" "$LC_STEP_TIMEOUT" 0.05 || return 1
	wait "$1"
	LC_STATUS=$?
	local kept=() p
	for p in "${LC_PIDS[@]}"; do
		[ "$p" = "$1" ] || kept+=("$p")
	done
	LC_PIDS=("${kept[@]}")
	return 0
}

# lc_stop_workers: asks every worker to stop and waits for each (bounded);
# a worker that does not end, or fails, fails the case.
lc_stop_workers() {
	local pid
	: >"$LC_TMP/stop"
	for pid in "${LC_PIDS[@]}"; do
		if ! lc_wait_pid "$pid"; then
			LC_STUCK=1
			lc_fail "worker $pid ends when asked" "within ${LC_STEP_TIMEOUT} s" "still running"
		fi
		[ "$LC_STATUS" = 0 ] || lc_fail "worker $pid" "exit status 0" "exit status $LC_STATUS"
	done
	lc_ok "workers stopped"
}

# lc_hammer_outcomes NAME REGEX: every outcome of worker NAME matches REGEX
# (extended, anchored), e.g. "ok|open: No such file or directory"; a step
# with the count of each outcome, after one line per unexpected one.
lc_hammer_outcomes() {
	local name=$1 allowed=$2 count spec what bad=0 passes=0 log summary=
	local -A total=()
	if [ ! -f "$LC_TMP/$name.out" ]; then
		log=$(<"$LC_TMP/$name.log")
		lc_fail "worker $name outcomes" "a summary" "none (${log:-no output})"
	fi
	while IFS=$'\t' read -r count spec what; do
		if [ "$count" = passes ]; then
			passes=$spec
			continue
		fi
		total[$what]=$((${total[$what]:-0} + count))
		if ! [[ $what =~ ^($allowed)$ ]]; then
			lc_say "  $name: $count x $spec: $what (UNEXPECTED)"
			bad=$((bad + 1))
		fi
	done <"$LC_TMP/$name.out"
	for what in "${!total[@]}"; do
		summary+="${summary:+, }${total[$what]} $what"
	done
	[ $bad -eq 0 ] || lc_fail "worker $name outcomes" "only /$allowed/" "$bad unexpected (above); in all $summary"
	lc_ok "worker $name outcomes" "$passes passes: $summary"
}

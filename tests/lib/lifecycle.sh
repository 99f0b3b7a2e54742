# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the lifecycle cases, tests/<module>/lifecycle/<case>.sh.
# Sourced, not run: the harness runs only the .sh files inside
# tests/<module>/lifecycle/, not these nor the parts in tests/lib/lifecycle/.
#
# A case runs as root in the test VM with no module of the collection
# loaded, RKM_MODULES_DIR (the .ko files are $RKM_MODULES_DIR/<m>/<m>.ko)
# and RKM_LIFECYCLE_TMP (a scratch folder). It exits 0 exactly when every
# step saw what it expected; the harness judges its kernel log and taint on
# top. A case looks like:
#
#   source "${0%/*}/../../lib/lifecycle.sh"
#   lc_insmod rust_pipe
#   lc_open pipe rw /dev/rust-pipe      # a descriptor kept across steps
#   lc_rmmod_busy rust_pipe             # "in use"
#   lc_do fdwrite pipe "bytes"; lc_expect_ok "write on the open fd"
#   lc_close pipe
#   lc_rmmod rust_pipe
#   lc_pass
#
# A C twin (tests/<twin>/twin.env) runs the cases of the Rust module it
# twins, with its twin.env in their environment: what names the module under
# test (its module, device node, driver, banks) comes from the variables its
# test programs read (tests/lib/twin.h), with the Rust module's names as the
# defaults, and a case uses them through LC_PIPE_*, LC_PHY_* and
# LC_PLATFORM_* below.
#
# Every step prints one line, "ok: <what>: <what was seen>" or "FAIL:
# <what>: expected <x>, saw <y>"; the first failure ends the case. Whatever
# the case leaves behind, on failure or not, is undone when it exits:
# workers stopped, descriptors closed, the modules it loaded unloaded in
# reverse order. A case that passes but leaves a module loaded fails.
# Kernel reports are the harness's to judge (scripts/guest/check.sh keeps
# each case's kernel log, the judge, scripts/judge/, fails the case on any
# report).
#
# System calls go through one perl process that the case starts once and
# talks to over a pipe (lc_do): under TCG, with the file system on 9p,
# starting any program costs most of a second, and a shell redirection
# cannot say which call failed nor put a bound on it. Each reply says
# "<call>: <errno text>" on failure ("write: No such device"), and the
# shell waits for it at most LC_STEP_TIMEOUT seconds. The descriptors a case
# keeps open across steps are that process's, named by the case (lc_open).
#
# No step sleeps in place of synchronisation: a state that takes time (a
# link coming up, a worker having seen a removal) is polled with a deadline
# (lc_wait_for).

set -u
export LC_ALL=C
# A write to a dead helper must fail, not kill the case.
trap '' PIPE

LC_CASE=${0##*/}
LC_CASE=${LC_CASE%.sh}
LC_MODULES_DIR=${RKM_MODULES_DIR:?RKM_MODULES_DIR is not set}
LC_TMP=${RKM_LIFECYCLE_TMP:?RKM_LIFECYCLE_TMP is not set}
[ -d "$LC_TMP" ] || { echo "RKM_LIFECYCLE_TMP=$LC_TMP is not a folder"; exit 1; }

# Bound of one step (one system call, a module load, a worker's exit).
LC_STEP_TIMEOUT=${LC_STEP_TIMEOUT:-30}

# errno texts (glibc's strerror), by name.
declare -A LC_ERRNO=(
	[ENOENT]="No such file or directory"
	[EIO]="Input/output error"
	[EBADF]="Bad file descriptor"
	[ENXIO]="No such device or address"
	[EAGAIN]="Resource temporarily unavailable"
	[EWOULDBLOCK]="Resource temporarily unavailable"
	[EACCES]="Permission denied"
	[EBUSY]="Device or resource busy"
	[ENODEV]="No such device"
	[EINVAL]="Invalid argument"
	[ERANGE]="Numerical result out of range"
)

# The collection's modules: those with a Kbuild file.
LC_COLLECTION=()
for lc_kbuild in "$LC_MODULES_DIR"/*/Kbuild; do
	[ -e "$lc_kbuild" ] || continue
	lc_kbuild=${lc_kbuild%/Kbuild}
	LC_COLLECTION+=("${lc_kbuild##*/}")
done
unset lc_kbuild

LC_LOADED=()	# modules this case loaded, in load order
declare -A LC_FDS=()	# names of the descriptors lc_open keeps open
LC_PIDS=()	# background workers still running
LC_STEPS=0
LC_PASSED=0
LC_SRV_PID=
LC_MAIN_PID=$BASHPID
LC_STUCK=0	# a helper process got stuck in the kernel

# The harness's parts (tests/lib/ is no module's, so the harness
# takes none of them for a case). Found by a parameter expansion, not
# dirname(1): under TCG, starting a program costs most of a second.
# shellcheck source=tests/lib/lifecycle/perl.sh
source "${BASH_SOURCE[0]%/*}/lifecycle/perl.sh"
# shellcheck source=tests/lib/lifecycle/helper.sh
source "${BASH_SOURCE[0]%/*}/lifecycle/helper.sh"
# shellcheck source=tests/lib/lifecycle/steps.sh
source "${BASH_SOURCE[0]%/*}/lifecycle/steps.sh"
# shellcheck source=tests/lib/lifecycle/workers.sh
source "${BASH_SOURCE[0]%/*}/lifecycle/workers.sh"

# lc_pass: the case's last call when every step passed.
lc_pass() {
	LC_PASSED=1
	exit 0
}

lc_exit() {
	local status=$? pid module i left=()
	# Only the case's own shell cleans up, not a subshell of it.
	[ "$BASHPID" = "$LC_MAIN_PID" ] || return 0
	trap - EXIT
	# Once the kernel left a helper stuck, more calls may hang: bound each
	# cleanup step tightly so that the case still ends.
	[ "$LC_STUCK" = 0 ] || LC_STEP_TIMEOUT=5
	: >"$LC_TMP/stop"
	for pid in "${LC_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${LC_PIDS[@]}"; do
		if ! lc_wait_pid "$pid"; then
			kill -9 "$pid" 2>/dev/null
			LC_STUCK=1
			lc_say "cleanup: worker $pid did not end within ${LC_STEP_TIMEOUT}s"
			[ $status -ne 0 ] || status=1
		fi
	done
	if [ ${#LC_FDS[@]} -gt 0 ]; then
		lc_do closeall || lc_server_stop
	fi
	for ((i = ${#LC_LOADED[@]} - 1; i >= 0; i--)); do
		module=${LC_LOADED[i]}
		lc_loaded "$module" || continue
		if lc_do delete_module "$module"; then
			lc_say "cleanup: unloaded $module"
		else
			lc_say "cleanup: rmmod $module: $LC_ERR (refcnt $(lc_refcnt "$module"))"
		fi
		left+=("$module")
	done
	lc_server_stop
	if [ $status -eq 0 ] && [ $LC_PASSED -eq 0 ]; then
		lc_say "FAIL: the case ended without lc_pass"
		status=1
	fi
	if [ $status -eq 0 ] && [ ${#left[@]} -gt 0 ]; then
		lc_say "FAIL: the case left loaded: ${left[*]}"
		status=1
	fi
	if [ $status -eq 0 ]; then
		lc_say "PASS: $LC_CASE ($LC_STEPS steps)"
	else
		lc_say "FAIL: $LC_CASE (exit status $status after $LC_STEPS steps)"
	fi
	exit $status
}
trap lc_exit EXIT

# The perl side, for the whole case (at top level: coproc variables are
# global only there).
coproc LC_SRV { exec perl -e "$LC_PERL" -- serve; }
LC_SRV_IN=${LC_SRV[1]}
LC_SRV_OUT=${LC_SRV[0]}

# The case starts with none of the collection loaded.
for lc_m in "${LC_COLLECTION[@]}"; do
	lc_loaded "$lc_m" &&
		lc_fail "precondition: no module of the collection loaded" "none" "$lc_m loaded"
done
unset lc_m

# What names each module under test (a twin's through its twin.env),
# and the steps its cases share.
# shellcheck source=tests/lib/lifecycle/rust_pipe.sh
source "${BASH_SOURCE[0]%/*}/lifecycle/rust_pipe.sh"
# shellcheck source=tests/lib/lifecycle/rust_phy.sh
source "${BASH_SOURCE[0]%/*}/lifecycle/rust_phy.sh"
# shellcheck source=tests/lib/lifecycle/rust_platform.sh
source "${BASH_SOURCE[0]%/*}/lifecycle/rust_platform.sh"
# shellcheck source=tests/lib/lifecycle/rust_edu.sh
source "${BASH_SOURCE[0]%/*}/lifecycle/rust_edu.sh"

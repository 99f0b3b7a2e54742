# SPDX-License-Identifier: GPL-2.0
#
# Part of tests/lib/lifecycle.sh, which sources it: the steps of a case, each
# printing its "ok:" or "FAIL:" line (checks of what a call, a file or a
# module's state shows; loading and unloading; descriptors kept open).

# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are read by the other parts and the cases

lc_say() {
	printf '%s\n' "$*"
}

# lc_ok WHAT [SEEN]: one passed step.
lc_ok() {
	LC_STEPS=$((LC_STEPS + 1))
	lc_say "ok: $1${2:+: $2}"
}

# lc_fail WHAT EXPECTED SEEN: one failed step; ends the case.
lc_fail() {
	LC_STEPS=$((LC_STEPS + 1))
	lc_say "FAIL: $1: expected $2, saw $3"
	exit 1
}

# lc_check WHAT EXPECTED SEEN: passes when SEEN is EXPECTED.
lc_check() {
	if [ "$3" = "$2" ]; then
		lc_ok "$1" "'$3'"
	else
		lc_fail "$1" "'$2'" "'$3'"
	fi
}

# lc_check_re WHAT REGEX SEEN [DESCRIPTION]: passes when SEEN matches the
# extended regular expression REGEX, anchored.
lc_check_re() {
	if [[ $3 =~ ^($2)$ ]]; then
		lc_ok "$1" "'$3'"
	else
		lc_fail "$1" "${4:-/$2/}" "'$3'"
	fi
}

# lc_errtexts NAME...: the errno texts of errno names, as regex alternatives.
lc_errtexts() {
	local name re=
	for name in "$@"; do
		re+="${re:+|}${LC_ERRNO[$name]}"
	done
	printf '%s' "$re"
}

# lc_expect_ok WHAT: the last lc_do succeeded.
lc_expect_ok() {
	if [ "$LC_RES" = ok ]; then
		lc_ok "$1" "succeeded"
	else
		lc_fail "$1" "success" "$LC_ERR"
	fi
}

# lc_expect_err WHAT ERRNO...: the last lc_do failed with one of the errno
# names ERRNO (e.g. ENODEV).
lc_expect_err() {
	local what=$1 names
	shift
	names=$*
	names=${names// / or }
	if [ "$LC_RES" = ok ]; then
		lc_fail "$what" "$names" "success"
	elif [[ $LC_RES =~ ^($(lc_errtexts "$@"))$ ]]; then
		lc_ok "$what" "failed as expected: $LC_ERR"
	else
		lc_fail "$what" "$names" "$LC_ERR"
	fi
}

# lc_now: LC_NOW, milliseconds of the shell's clock.
lc_now() {
	LC_NOW=${EPOCHREALTIME/./}
	LC_NOW=$((LC_NOW / 1000))
}

# lc_wait_for WHAT TIMEOUT_S CMD...: polls CMD (every 50 ms) until it
# succeeds, a step; fails the case after TIMEOUT_S seconds. CMD may set
# LC_SEEN to what it saw, for the messages.
lc_wait_for() {
	local what=$1 timeout=$2 start
	shift 2
	LC_SEEN=
	lc_now
	start=$LC_NOW
	while :; do
		if "$@"; then
			lc_now
			lc_ok "$what" "after $((LC_NOW - start)) ms${LC_SEEN:+: $LC_SEEN}"
			return 0
		fi
		lc_now
		if [ $((LC_NOW - start)) -gt $((timeout * 1000)) ]; then
			lc_fail "$what" "within ${timeout} s" "${LC_SEEN:-not} after $((LC_NOW - start)) ms"
		fi
		lc_sleep 0.05
	done
}

# lc_read_is WHAT PATH EXPECTED: PATH reads EXPECTED (without the newline).
lc_read_is() {
	lc_do read "$2" || lc_fail "$1" "'$3'" "$LC_ERR"
	lc_check "$1" "$3" "$LC_OUT"
}

# lc_write_ok WHAT PATH TEXT / lc_write_err WHAT PATH TEXT ERRNO...
lc_write_ok() {
	lc_do write "$2" "$3"
	lc_expect_ok "$1"
}

lc_write_err() {
	local what=$1 path=$2 text=$3
	shift 3
	lc_do write "$path" "$text"
	lc_expect_err "$what" "$@"
}

# lc_driver_of DRIVERS_DIR DEVICE: the driver in DRIVERS_DIR (a bus's
# drivers folder) that DEVICE is bound to, or "none".
lc_driver_of() {
	local d
	for d in "$1"/*/"$2"; do
		[ -e "$d" ] || continue
		d=${d%/*}
		printf '%s' "${d##*/}"
		return
	done
	printf none
}

# lc_exists PATH: "present" or "gone".
lc_exists() {
	if [ -e "$1" ]; then
		printf present
	else
		printf gone
	fi
}

# lc_open NAME MODE PATH: opens PATH (MODE r, w or rw) and keeps it open
# as NAME for the fd operations of lc_do; a step.
lc_open() {
	lc_do open "$1" "$2" "$3" || lc_fail "open $3 ($2)" "success" "$LC_ERR"
	LC_FDS[$1]=$3
	lc_ok "open $3 ($2)" "$1 (fd $LC_OUT of the helper)"
}

# lc_close NAME: closes a descriptor of lc_open; a step.
lc_close() {
	lc_do close "$1" || lc_fail "close $1" "success" "$LC_ERR"
	unset "LC_FDS[$1]"
	lc_ok "close $1"
}

# lc_loaded MODULE: whether MODULE is loaded (live, coming or going).
lc_loaded() {
	[ -e "/sys/module/$1/initstate" ]
}

# lc_state MODULE: its initstate, or "not loaded".
lc_state() {
	local s
	if read -r s 2>/dev/null <"/sys/module/$1/initstate"; then
		printf '%s' "$s"
	else
		printf 'not loaded'
	fi
}

# lc_refcnt MODULE: its reference count, "-" when not loaded.
lc_refcnt() {
	local n
	if read -r n 2>/dev/null <"/sys/module/$1/refcnt"; then
		printf '%s' "$n"
	else
		printf -- -
	fi
}

# lc_check_refcnt WHAT MODULE EXPECTED
lc_check_refcnt() {
	lc_check "$1: refcnt of $2" "$3" "$(lc_refcnt "$2")"
}

# lc_insmod MODULE [PARAMS]: loads a module of the collection; a step.
lc_insmod() {
	lc_do insmod "$LC_MODULES_DIR/$1/$1.ko" "${2:-}"
	lc_expect_ok "insmod $1"
	LC_LOADED+=("$1")
	lc_check "insmod $1: state" live "$(lc_state "$1")"
}

lc_forget_loaded() {
	local kept=() m
	for m in "${LC_LOADED[@]}"; do
		[ "$m" = "$1" ] || kept+=("$m")
	done
	LC_LOADED=("${kept[@]}")
}

# lc_rmmod MODULE: delete_module(2) succeeds and the module is gone.
lc_rmmod() {
	lc_do delete_module "$1"
	lc_expect_ok "rmmod $1"
	lc_forget_loaded "$1"
	lc_check "rmmod $1: state" "not loaded" "$(lc_state "$1")"
}

# lc_rmmod_busy MODULE: delete_module(2) fails with "in use" (EWOULDBLOCK;
# rmmod(8) says "is in use") and leaves the module live.
lc_rmmod_busy() {
	lc_do delete_module "$1"
	lc_expect_err "rmmod $1 while in use" EWOULDBLOCK EBUSY
	lc_check "rmmod $1 while in use: state" live "$(lc_state "$1")"
}

# lc_fd_read_ok WHAT NAME [N]: reading NAME works; the data go to LC_OUT.
lc_fd_read_ok() {
	lc_do fdread "$2" ${3:+"$3"}
	[ "$LC_RES" = ok ] || lc_fail "$1" "success" "$LC_ERR"
	lc_ok "$1" "read ${#LC_OUT} bytes"
}

# lc_expect_warning TEXT: the kernel warnings the case provokes from here on
# have TEXT in their message (phylib WARNs on every failed PHY access); they
# are no kernel report of the case (scripts/judge/kernel_log.py), until
# lc_expect_warning_end. Any other report still fails the case.
lc_expect_warning() {
	lc_write_ok "announce the warning it provokes" /dev/kmsg "rkm-lifecycle: expect warning: $1"
}

lc_expect_warning_end() {
	lc_write_ok "end of the provoked warnings" /dev/kmsg "rkm-lifecycle: expect warning end"
}

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A debugfs file of rust_vmdio held open across rmmod: for every file of
# /sys/kernel/debug/rust_vmdio/, in a load of its own, open it (read-only,
# or write-only for the write-only advertise), rmmod rust_vmdio must fail
# with "in use" (EWOULDBLOCK) and leave the module live, the descriptor
# still works (a read returns the contents, a write of a valid value is
# taken), close it, and rmmod succeeds. Then every file open at once: rmmod
# fails until the last one is closed.
#
# Reproduces review round 2, V1: `exec 3</sys/kernel/debug/rust_vmdio/link;
# rmmod rust_vmdio; exec 3<&-` oopsed in full_proxy_release() when the
# files did not pin the module.

source "${0%/*}/../../lib/lifecycle.sh"
lc_need_debugfs

# The files of the module docs, with their modes and what a read shows.
declare -A MODE=(
	[cable]=600 [partner]=600 [advertise]=200 [attached]=600 [running]=600
	[link_irq]=600 [read_errors]=600 [phy_state]=400 [link]=400 [link_events]=400
	[registers]=400 [access_log]=600
)
# Contents that cannot change while the fixture sits idle; the others
# (link, events, registers, access log) only need to read.
declare -A STABLE=([cable]=1 [attached]=1 [running]=1 [link_irq]=mac [read_errors]=0)

FILES="access_log advertise attached cable link link_events link_irq partner phy_state read_errors registers running"

lc_insmod rust_vmdio
seen=
for path in "$LC_VMDIO"/*; do
	seen+="${seen:+ }${path##*/}"
done
lc_check "files of $LC_VMDIO" "$FILES" "$seen"
lc_rmmod rust_vmdio

for file in $FILES; do
	path=$LC_VMDIO/$file
	lc_say "--- $file"
	lc_insmod rust_vmdio
	lc_do mode "$path"
	lc_check "$file: mode" "${MODE[$file]}" "$LC_OUT"
	lc_check_refcnt "$file: nothing open" rust_vmdio 0
	if [ "${MODE[$file]}" = 200 ]; then
		lc_open f w "$path"
	else
		lc_open f r "$path"
	fi
	lc_rmmod_busy rust_vmdio
	lc_check_refcnt "$file: open" rust_vmdio 1
	lc_check "$file: after the failed rmmod" present "$(lc_exists "$path")"
	if [ "${MODE[$file]}" = 200 ]; then
		lc_do fdwrite f "100full 1000full"
		lc_expect_ok "$file: write '100full 1000full' on the open fd"
	else
		lc_fd_read_ok "$file: read on the open fd" f
		if [ -n "${STABLE[$file]:-}" ]; then
			lc_check "$file: contents read on the open fd" "${STABLE[$file]}" "$LC_OUT"
		elif [ "$file" != link_events ]; then
			# link_events may be empty: nothing reported yet.
			lc_check_re "$file: contents read on the open fd" '.+' "$LC_OUT" "something"
		fi
	fi
	lc_close f
	lc_check_refcnt "$file: closed" rust_vmdio 0
	lc_rmmod rust_vmdio
	lc_do read "$path"
	lc_expect_err "$file: open after rmmod" ENOENT
done

lc_say "--- every file open at once"
lc_insmod rust_vmdio
n=0
for file in $FILES; do
	if [ "${MODE[$file]}" = 200 ]; then
		lc_open "$file" w "$LC_VMDIO/$file"
	else
		lc_open "$file" r "$LC_VMDIO/$file"
	fi
	n=$((n + 1))
done
for file in $FILES; do
	lc_rmmod_busy rust_vmdio
	lc_check_refcnt "$n open" rust_vmdio $n
	lc_close "$file"
	n=$((n - 1))
done
lc_check_refcnt "every file closed" rust_vmdio 0
lc_rmmod rust_vmdio
lc_pass

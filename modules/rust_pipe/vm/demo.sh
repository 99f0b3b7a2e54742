#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run` demo of /dev/rust-pipe (run by scripts/guest/demo.sh with the
# module loaded): bytes in and out in FIFO order, a blocked reader woken by a
# writer, EAGAIN under O_NONBLOCK, ESPIPE on seek, the fdinfo lines and the
# RPIPE_GET_STATS counters. Exits non-zero at the first thing that does not
# behave as include/uapi/rust_pipe.h says.
#
# Shell tools do the I/O; perl issues the ioctl and the lseek(2), which no
# shell tool exposes.

set -euo pipefail

DEV=/dev/rust-pipe

say() { printf '  %s\n' "$*"; }
fail() {
	printf '!!! %s\n' "$*"
	exit 1
}

# Prints the RPIPE_GET_STATS counters of the file open on fd 3, as
# "capacity=4096 len=0 bytes_written=0 bytes_read=0 readers=1 writers=1".
stats() {
	perl -e '
		# _IOR(0xB7, 1, struct rpipe_stats): direction "read" (2), 40 bytes,
		# magic 0xB7, number 1, in the generic ioctl encoding.
		my $RPIPE_GET_STATS = (2 << 30) | (40 << 16) | (0xB7 << 8) | 1;
		open(my $pipe, "+<&=", 3) or die "fd 3: $!\n";
		my $stats = "\0" x 40;
		ioctl($pipe, $RPIPE_GET_STATS, $stats) or die "RPIPE_GET_STATS: $!\n";
		printf("capacity=%d len=%d bytes_written=%d bytes_read=%d readers=%d writers=%d\n",
		       unpack("Q4 L2", $stats));
	'
}

# field NAME STATS: the value of NAME in a line printed by stats().
field() {
	local pair
	for pair in $2; do
		[ "${pair%%=*}" = "$1" ] && echo "${pair#*=}" && return
	done
	fail "no $1 in '$2'"
}

# Waits until process $1 sleeps in read(2) (syscall 0 on x86-64, in state S
# rather than D: waiting for data, not for a lock), for at most 5 s.
wait_in_read() {
	local pid=$1 tries syscall state
	for ((tries = 0; tries < 500; tries++)); do
		read -r syscall _ </proc/"$pid"/syscall || syscall=
		read -r _ _ state _ </proc/"$pid"/stat || state=
		[ "$syscall" = 0 ] && [ "$state" = S ] && return
		sleep 0.01
	done
	fail "the reader (pid $pid) did not block in read(2) within 5 s"
}

echo "Opening $DEV for reading and writing as the shell's fd 3"
exec 3<>"$DEV"
before=$(stats)
say "RPIPE_GET_STATS: $before"
capacity=$(field capacity "$before")
[ "$(field len "$before")" = 0 ] || fail "the pipe is not empty to begin with"

echo
echo "Bytes come out in the order they went in"
printf 'first, ' >&3
printf 'second, ' >&3
printf 'third' >&3
say "wrote 'first, ', 'second, ' and 'third' with three write(2) calls"
fdinfo=$(grep '^rpipe-' /proc/$$/fdinfo/3)
say "/proc/$$/fdinfo/3 now says:"
while read -r line; do say "    $line"; done <<<"$fdinfo"
grep -qx $'rpipe-len:\t20' <<<"$fdinfo" || fail "fdinfo does not report 20 bytes buffered"
got=$(dd bs=64 count=1 status=none <&3)
say "one read(2) of up to 64 bytes returned '$got'"
[ "$got" = "first, second, third" ] || fail "read back '$got'"

echo
echo "A reader blocked on the empty pipe wakes up when a writer comes"
coproc READER { exec dd bs=64 count=1 status=none <&3; }
reader=$READER_PID
trap 'kill $reader 2>/dev/null || true' EXIT
wait_in_read "$reader"
say "dd (pid $reader) is asleep in read(2)"
start=$EPOCHREALTIME
printf 'good morning\n' >&3
read -r -t 5 line <&"${READER[0]}" || fail "the reader was not woken within 5 s"
end=$EPOCHREALTIME
micros=$(((${end/./} - ${start/./})))
say "wrote 'good morning': dd printed '$line' $micros µs later"
[ "$line" = "good morning" ] || fail "the reader got '$line'"
wait "$reader" || fail "dd failed"
trap - EXIT

echo
echo "With O_NONBLOCK, the empty pipe says EAGAIN instead of blocking"
out=$(dd if="$DEV" iflag=nonblock bs=1 count=1 status=none 2>&1) && fail "a read of the empty pipe succeeded"
say "$out"
grep -q 'Resource temporarily unavailable' <<<"$out" || fail "expected EAGAIN"
head -c "$capacity" /dev/zero >&3
say "after writing $capacity zero bytes (the capacity), a write says:"
out=$(echo more | dd of="$DEV" oflag=nonblock status=none 2>&1) && fail "a write to the full pipe succeeded"
say "$out"
grep -q 'Resource temporarily unavailable' <<<"$out" || fail "expected EAGAIN"
head -c "$capacity" <&3 >/dev/null
say "and the $capacity bytes read back leave it empty again"

echo
echo "A pipe has no file position: lseek(2) fails with ESPIPE"
out=$(perl -e '
	open(my $pipe, "+<&=", 3) or die "fd 3: $!\n";
	sysseek($pipe, 0, 0) and die "lseek succeeded\n";
	print "lseek(fd 3, 0, SEEK_SET): $!\n";
')
say "$out"
[ "$out" = "lseek(fd 3, 0, SEEK_SET): Illegal seek" ] || fail "expected ESPIPE"

echo
echo "The counters account for every byte"
after=$(stats)
say "RPIPE_GET_STATS: $after"
moved=$((20 + 13 + capacity))
for counter in bytes_written bytes_read; do
	delta=$(($(field $counter "$after") - $(field $counter "$before")))
	say "$counter grew by $delta: 20 + 13 + $capacity bytes"
	[ "$delta" = "$moved" ] || fail "$counter grew by $delta, not $moved"
done
[ "$(field len "$after")" = 0 ] || fail "bytes were left in the pipe"
exec 3<&-

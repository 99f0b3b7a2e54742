#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run between load and unload by tests/tools/modload: one use of each entry
# point of /dev/rust-pipe ($RKM_PIPE_DEVICE for a twin), so that every load cycle also allocates per-open
# state, copies bytes through the ring, registers a poll waiter, replaces the
# ring (RPIPE_SET_CAPACITY), drops bytes (RPIPE_CLEAR) and leaves a byte
# buffered for the unload to free.
# One perl process, because no shell tool issues ioctls.

set -euo pipefail

# No "use strict" and no Fcntl: loading either costs more than the rest of
# the script under TCG. Every variable is declared with "my" all the same.
exec perl -e '
# O_RDWR | O_NONBLOCK.
my $O_RDWR_NONBLOCK = 02 | 04000;

# include/uapi/rust_pipe.h in the generic ioctl encoding: direction (bits 30-31,
# 1 write, 2 read), argument size (bits 16-29), magic 0xB7, number.
my $RPIPE_GET_STATS = (2 << 30) | (40 << 16) | (0xB7 << 8) | 1;
my $RPIPE_SET_CAPACITY = (1 << 30) | (8 << 16) | (0xB7 << 8) | 2;
my $RPIPE_CLEAR = (0xB7 << 8) | 3;

# Returns (capacity, len, bytes_written, bytes_read, readers, writers).
sub stats {
	my ($pipe) = @_;
	my $stats = "\0" x 40;
	ioctl($pipe, $RPIPE_GET_STATS, $stats) or die "RPIPE_GET_STATS: $!\n";
	return unpack("Q4 L2", $stats);
}

my $device = $ENV{RKM_PIPE_DEVICE} || "/dev/rust-pipe";
sysopen(my $pipe, $device, $O_RDWR_NONBLOCK) or die "open $device: $!\n";
# Whatever an earlier run without a reload left behind.
ioctl($pipe, $RPIPE_CLEAR, 0) or die "RPIPE_CLEAR: $!\n";
my @before = stats($pipe);

my $message = "one load cycle";
my $n = syswrite($pipe, $message) // die "write: $!\n";
$n == length($message) or die "wrote $n bytes\n";

my $readable = "";
vec($readable, fileno($pipe), 1) = 1;
select($readable, undef, undef, 0) == 1 or die "poll: not readable\n";

my $capacity = pack("Q", 64);
ioctl($pipe, $RPIPE_SET_CAPACITY, $capacity) or die "RPIPE_SET_CAPACITY: $!\n";
$n = sysread($pipe, my $back, 64) // die "read: $!\n";
$back eq $message or die "read back \"$back\"\n";

my @after = stats($pipe);
my @moved = map { $after[$_] - $before[$_] } 2, 3;
"@after[0, 1, 4, 5] @moved" eq "64 0 1 1 $n $n"
	or die "RPIPE_GET_STATS: @after, from @before\n";

syswrite($pipe, "dropped") == 7 or die "write: $!\n";
ioctl($pipe, $RPIPE_CLEAR, 0) or die "RPIPE_CLEAR: $!\n";
(stats($pipe))[1] == 0 or die "RPIPE_CLEAR left bytes\n";

$capacity = pack("Q", $before[0]);
ioctl($pipe, $RPIPE_SET_CAPACITY, $capacity) or die "RPIPE_SET_CAPACITY: $!\n";
syswrite($pipe, "x") == 1 or die "write: $!\n";
'

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run between load and unload by tests/tools/modload: one use of each entry
# point of /dev/rust-edu, so that every load cycle also allocates per-open
# state, waits for each kind of interrupt (a factorial, a transfer each way,
# a raised bit), reads an event and leaves one pending for the unbind.
# One perl process, because no shell tool issues ioctls.

set -euo pipefail

exec perl -e '
# O_RDWR | O_NONBLOCK.
my $O_RDWR_NONBLOCK = 02 | 04000;

# include/uapi/rust_edu.h in the generic ioctl encoding: direction (bits
# 30-31, 1 write, 2 read, 3 both), argument size (bits 16-29), magic 0xED.
sub ioc { my ($dir, $size, $nr) = @_; return ($dir << 30) | ($size << 16) | (0xED << 8) | $nr }
my $REDU_FACTORIAL = ioc(3, 8, 1);
my $REDU_DMA_WRITE = ioc(1, 16, 2);
my $REDU_DMA_READ = ioc(1, 16, 3);
my $REDU_RAISE = ioc(1, 4, 4);
my $REDU_GET_STATS = ioc(2, 96, 5);

sysopen(my $edu, "/dev/rust-edu", $O_RDWR_NONBLOCK) or die "open /dev/rust-edu: $!\n";

my $fact = pack("L2", 8, 0);
ioctl($edu, $REDU_FACTORIAL, $fact) or die "REDU_FACTORIAL: $!\n";
(unpack("L2", $fact))[1] == 40320 or die "8! = " . (unpack("L2", $fact))[1] . "\n";

my $out = "one load cycle" . "";
my $back = "\0" x length($out);
# The address of a perl string: unpack the pointer pack("p") makes to it.
my $dma = sub {
	my ($request, $buffer) = @_;
	my $arg = pack("Q L L", unpack("Q", pack("p", $$buffer)), 100, length($$buffer));
	ioctl($edu, $request, $arg) or die "DMA: $!\n";
};
$dma->($REDU_DMA_WRITE, \$out);
$dma->($REDU_DMA_READ, \$back);
$back eq $out or die "read back \"$back\"\n";

# ioctl() writes its argument back: each must be a variable.
my $raise = sub {
	my $bits = pack("L", $_[0]);
	ioctl($edu, $REDU_RAISE, $bits) or die "REDU_RAISE: $!\n";
};
$raise->(0x2);
$raise->(0x4);
sysread($edu, my $events, 4) == 4 or die "read: $!\n";
unpack("L", $events) == 0x6 or die "events " . unpack("L", $events) . "\n";
$raise->(0x8);

my $stats = "\0" x 96;
ioctl($edu, $REDU_GET_STATS, $stats) or die "REDU_GET_STATS: $!\n";
my @s = unpack("Q11 L2", $stats);
"@s[3, 5, 7]" eq "@s[4, 6, 8]" or die "raised @s[3, 5, 7], acknowledged @s[4, 6, 8]\n";
'

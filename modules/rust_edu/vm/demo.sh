#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run` demo of /dev/rust-edu (run by scripts/guest/demo.sh with the
# module loaded): factorials computed by the device, wrapping modulo 2^32;
# a refused input; a message moved into the device buffer and back by DMA;
# an interrupt raised and read back as an event; the counters, where every
# interrupt raised was acknowledged; and what each command costs
# (tests/rust_edu/bench/edu_bench, on the wall clock here). Exits non-zero
# at the first thing that does not behave as include/uapi/rust_edu.h says.

set -euo pipefail

TOP=${RKM_MODULES_DIR%/modules}
CTL=$TOP/.build/lifecycle/rust_edu/edu_ctl
BENCH=$TOP/.build/bench/rust_edu/edu_bench

say() { printf '  %s\n' "$*"; }
fail() {
	printf '!!! %s\n' "$*"
	exit 1
}

echo "The device computes n! modulo 2^32, interrupting when done"
for n in 5 12 13 34; do
	result=$("$CTL" fact "$n") || fail "$n!: $result"
	say "$n! = $result"
done
[ "$("$CTL" fact 13)" = 1932053504 ] || fail "13! should wrap to 1932053504"
out=$("$CTL" fact 256) && fail "256! was accepted"
say "256!: $out (above REDU_FACTORIAL_MAX)"
[ "$out" = EINVAL ] || fail "expected EINVAL"

echo
echo "A message into the device buffer by DMA and back, and an interrupt raised"
out=$(perl -e '
	# The UAPI numbers in the generic ioctl encoding (see tests/rust_edu/debug/exercise.sh).
	sub ioc { my ($dir, $size, $nr) = @_; ($dir << 30) | ($size << 16) | (0xED << 8) | $nr }
	sysopen(my $edu, "/dev/rust-edu", 02 | 04000) or die "open: $!\n";
	my ($out, $back) = ("moved by the device" . "", "\0" x 19);
	for ([ioc(1, 16, 2), \$out], [ioc(1, 16, 3), \$back]) {
		my ($request, $buf) = @$_;
		my $arg = pack("Q L L", unpack("Q", pack("p", $$buf)), 1000, length($$buf));
		ioctl($edu, $request, $arg) or die "DMA: $!\n";
	}
	print "wrote \"$out\" at offset 1000, read back \"$back\"\n";
	my $bits = pack("L", 0x40000);
	ioctl($edu, ioc(1, 4, 4), $bits) or die "REDU_RAISE: $!\n";
	sysread($edu, my $events, 4) == 4 or die "read: $!\n";
	printf("raised 0x40000, read(2) returned the event %#x\n", unpack("L", $events));
') || fail "$out"
while IFS= read -r line; do say "$line"; done <<<"$out"
grep -q 'read back "moved by the device"' <<<"$out" || fail "the message did not come back"
grep -q 'event 0x40000' <<<"$out" || fail "the event was not read"

echo
echo "The counters: every interrupt raised was acknowledged"
stats=$("$CTL" stats) || fail "$stats"
say "$stats"
eval "$(tr ' ' '\n' <<<"$stats" | grep -E '^[a-z_]+=[0-9]+$')"
# shellcheck disable=SC2154 # set by the eval above
[ "$fact_raised $dma_raised $user_raised" = "$fact_acked $dma_acked $user_acked" ] ||
	fail "raised and acknowledged differ"
# shellcheck disable=SC2154
[ "$irq_mode" = 1 ] && say "interrupting through an MSI"

echo
echo "What a command costs (wall clock under TCG: expect variation)"
"$BENCH" --rounds 3 --calls 50 | while IFS= read -r line; do say "$line"; done

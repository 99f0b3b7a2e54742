# SPDX-License-Identifier: GPL-2.0
#
# Part of tests/lib/lifecycle.sh, which sources it: the program of the helper
# process that makes a case's system calls (LC_PERL). Kept apart from the
# shell that drives it (helper.sh) as it is another language, and the
# largest part.

# shellcheck shell=bash
# shellcheck disable=SC2034  # LC_PERL is run by the other parts

# The perl side: "perl -e $LC_PERL -- serve" answers one request a line on
# stdin, "<op>\t<arg>..." with "<status>\t<text>" (0 and the data, or 1 and
# "<call>: <errno text>"; backslash, newline and tab escaped); "-- once
# SECONDS OP ARG..." runs one operation, killed by SIGALRM after SECONDS,
# its data on stdout, a failure on stderr with status 1. Core perl without
# modules: loading any costs more than the operation under TCG. Numeric
# open flags: O_RDONLY 0, O_WRONLY 1, O_RDWR 2, O_NONBLOCK 04000; x86-64
# system call numbers: delete_module 176, finit_module 313.
LC_PERL='
$| = 1;
my %fh;
my %mode = (r => 0, w => 1, rw => 2);
sub err { return (1, "$_[0]: $!") }
sub held { my $f = $fh{$_[0]}; $! = 9 unless $f; return $f }
sub readall {
	my ($f) = @_;
	my $data = "";
	while (1) {
		my $n = sysread($f, my $buf, 65536);
		return err("read") unless defined $n;
		return (0, $data) if $n == 0;
		$data .= $buf;
	}
}
sub writeall {
	my ($f, $text) = @_;
	my $n = syswrite($f, $text);
	return err("write") unless defined $n;
	return (1, "write: $n of " . length($text) . " bytes") if $n != length $text;
	return (0, "");
}
sub run {
	my ($op, @a) = @_;
	if ($op eq "write") {		# write PATH TEXT: open, one write(2)
		sysopen(my $f, $a[0], 1) or return err("open");
		return writeall($f, $a[1]);
	}
	if ($op eq "read") {		# read PATH: to end of file
		sysopen(my $f, $a[0], 0) or return err("open");
		return readall($f);
	}
	if ($op eq "readn") {		# readn PATH N [nonblock]: one read(2)
		sysopen(my $f, $a[0], ($a[2] // "") eq "nonblock" ? 04000 : 0) or return err("open");
		my $n = sysread($f, my $buf, $a[1]);
		return defined $n ? (0, $buf) : err("read");
	}
	if ($op eq "open") {		# open NAME r|w|rw PATH: keeps it as NAME
		sysopen(my $f, $a[2], $mode{$a[1]}) or return err("open");
		$fh{$a[0]} = $f;
		return (0, fileno($f));
	}
	if ($op eq "close") {		# close NAME
		my $f = delete $fh{$a[0]} or return err("close");
		close($f) or return err("close");
		return (0, "");
	}
	if ($op eq "closeall") {
		close($_) for values %fh;
		%fh = ();
		return (0, "");
	}
	if ($op eq "fdread") {		# fdread NAME [N]: to end of file, or N bytes
		my $f = held($a[0]) or return err("read");
		return readall($f) unless defined $a[1];
		my $data = "";
		while (length($data) < $a[1]) {
			my $n = sysread($f, my $buf, $a[1] - length($data));
			return err("read") unless defined $n;
			last if $n == 0;
			$data .= $buf;
		}
		return (0, $data);
	}
	if ($op eq "fdwrite") {		# fdwrite NAME TEXT: one write(2)
		my $f = held($a[0]) or return err("write");
		return writeall($f, $a[1]);
	}
	if ($op eq "fdpoll") {		# fdpoll NAME: "in", "out", "in out" or "none" now
		my $f = held($a[0]) or return err("select");
		my $fd = fileno($f);
		my ($r, $w) = ("", "");
		vec($r, $fd, 1) = 1;
		vec($w, $fd, 1) = 1;
		defined(select($r, $w, undef, 0)) or return err("select");
		my @ready = ((vec($r, $fd, 1) ? "in" : ()), (vec($w, $fd, 1) ? "out" : ()));
		return (0, @ready ? "@ready" : "none");
	}
	if ($op eq "fdinfo") {		# fdinfo NAME: /proc/self/fdinfo of it
		my $f = held($a[0]) or return err("fdinfo");
		sysopen(my $i, "/proc/self/fdinfo/" . fileno($f), 0) or return err("open");
		return readall($i);
	}
	if ($op eq "pipestats") {	# pipestats NAME: rust_pipe RPIPE_GET_STATS
		my $f = held($a[0]) or return err("ioctl");
		my $stats = "\0" x 40;
		ioctl($f, (2 << 30) | (40 << 16) | (0xB7 << 8) | 1, $stats) or return err("ioctl");
		my @s = unpack("Q4 L2", $stats);
		return (0, "capacity=$s[0] len=$s[1] written=$s[2] read=$s[3] readers=$s[4] writers=$s[5]");
	}
	if ($op eq "insmod") {		# insmod PATH [PARAMS]: finit_module(2)
		sysopen(my $f, $a[0], 0) or return err("open");
		syscall(313, fileno($f) + 0, $a[1] // "", 0) == 0 or return err("finit_module");
		return (0, "");
	}
	if ($op eq "delete_module") {	# delete_module NAME: as rmmod(8)
		syscall(176, $a[0], 04000) == 0 or return err("delete_module");
		return (0, "");
	}
	if ($op eq "mode") {		# mode PATH: permission bits in octal
		my @st = stat($a[0]) or return err("stat");
		return (0, sprintf("%o", $st[2] & 07777));
	}
	if ($op eq "count") {		# count PATH REGEX: lines matching
		sysopen(my $f, $a[0], 0) or return err("open");
		my ($rc, $data) = readall($f);
		return ($rc, $data) if $rc;
		return (0, scalar(grep { /$a[1]/ } split(/\n/, $data)));
	}
	if ($op eq "hammer") {
		# hammer SECONDS STOPFILE OUT SPEC...: repeats every SPEC until
		# SECONDS passed or STOPFILE exists, counting each outcome; OUT
		# gets "<count>\t<spec>\t<outcome>" lines and "passes\t<n>",
		# OUT.started is made when the first pass begins. The
		# first failed open(2) creates OUT.gone; a success after it counts
		# as "ok after a failed open". SPEC, fields separated by "|":
		#   r|PATH       open read-only, read to end of file ("read: empty" if nothing)
		#   R|PATH       the same for a file that may be empty
		#   w|PATH|TEXT  open write-only, one write(2)
		#   o|PATH|MODE  open (r, w or rw) non-blocking, close
		#   h|PATH|HOLD|IDLE  open read-only non-blocking, keep it HOLD ms,
		#                close, stay IDLE ms without it
		#   p|PATH       open read-write non-blocking, write one byte, read one
		my ($secs, $stop, $out, @spec) = @a;
		my $end = time + $secs;
		my (%count, $gone);
		my $passes = 0;
		my $outcome = sub {
			my ($spec, $what) = @_;
			$what = "ok after a failed open" if $what eq "ok" && $gone;
			$count{"$spec\t$what"}++;
		};
		open(my $started, ">", "$out.started") or return err("open $out.started");
		close($started);
		while (time < $end && !-e $stop) {
			$passes++;
			for my $spec (@spec) {
				my ($kind, $path, $arg) = split /\|/, $spec, 3;
				my $flags = $kind eq "w" ? 1 : $kind eq "o" ? $mode{$arg} | 04000 :
					$kind eq "p" ? 2 | 04000 : $kind eq "h" ? 04000 : 0;
				my $f;
				if (!sysopen($f, $path, $flags)) {
					$outcome->($spec, "open: $!");
					if (!$gone) { $gone = 1; open(my $g, ">", "$out.gone"); close($g) }
					next;
				}
				if ($kind eq "h") {
					my ($hold, $idle) = split /\|/, $arg;
					select(undef, undef, undef, $hold / 1000);
					close($f);
					$outcome->($spec, "ok");
					select(undef, undef, undef, $idle / 1000);
					next;
				}
				if ($kind eq "r" || $kind eq "R") {
					my ($rc, $data) = readall($f);
					$outcome->($spec, $rc ? $data : length($data) || $kind eq "R" ? "ok" : "read: empty");
				} elsif ($kind eq "w") {
					$outcome->($spec, (writeall($f, $arg))[1] || "ok");
				} elsif ($kind eq "p") {
					my ($rc, $e) = writeall($f, "x");
					if (!$rc) {
						my $n = sysread($f, my $buf, 1);
						($rc, $e) = !defined $n ? err("read") : $n == 1 ? (0, "") : (1, "read: $n bytes");
					}
					$outcome->($spec, $rc ? $e : "ok");
				} else {
					$outcome->($spec, "ok");
				}
				close($f);
			}
		}
		open(my $o, ">", "$out.tmp") or return err("open $out.tmp");
		print $o "$count{$_}\t$_\n" for sort keys %count;
		print $o "passes\t$passes\n";
		close($o);
		rename("$out.tmp", $out) or return err("rename");
		return (0, "");
	}
	return (2, "unknown operation $op");
}
my $how = shift @ARGV;
if ($how eq "serve") {
	while (my $line = <STDIN>) {
		chomp $line;
		my ($rc, $text) = run(split /\t/, $line, -1);
		$text =~ s/\\/\\\\/g;
		$text =~ s/\n/\\n/g;
		$text =~ s/\t/\\t/g;
		print "$rc\t$text\n";
	}
	exit 0;
}
alarm(shift @ARGV);
my ($rc, $text) = run(@ARGV);
if ($rc) { print STDERR "$text\n"; exit $rc }
print $text;
exit 0;
'

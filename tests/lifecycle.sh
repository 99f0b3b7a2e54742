# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the lifecycle cases, tests/<module>/lifecycle/<case>.sh.
# Sourced, not run: the harness runs only the .sh files inside lifecycle/.
#
# A case runs as root in the test VM with no module of the collection
# loaded, RKM_MODULES_DIR (the .ko files are $RKM_MODULES_DIR/<m>/<m>.ko)
# and RKM_LIFECYCLE_TMP (a scratch folder). It exits 0 exactly when every
# step saw what it expected; the harness judges its kernel log and taint on
# top. A case looks like:
#
#   source "${0%/*}/../../lifecycle.sh"
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
# test programs read (tests/twin.h), with the Rust module's names as the
# defaults, and a case uses them through LC_PIPE_*, LC_PHY_* and
# LC_PLATFORM_* below.
#
# Every step prints one line, "ok: <what>: <what was seen>" or "FAIL:
# <what>: expected <x>, saw <y>"; the first failure ends the case. Whatever
# the case leaves behind, on failure or not, is undone when it exits:
# workers stopped, descriptors closed, the modules it loaded unloaded in
# reverse order. A case that passes but leaves a module loaded fails.
# The exit also prints every kernel report (oops, BUG, WARNING, ...) logged
# since the case started, and fails the case when there is one.
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
sub kmsg {
	# The records of the kernel log: [sequence number, message].
	my @records;
	sysopen(my $k, "/dev/kmsg", 04000) or return ();
	while (1) {
		my $n = sysread($k, my $rec, 65536);
		# EPIPE: records were overwritten before this read; go on.
		next if !defined $n && $! + 0 == 32;
		last if !$n;
		push @records, [$1, $2] if $rec =~ /^\d+,(\d+),[^;]*;([^\n]*)/;
	}
	return @records;
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
	if ($op eq "kmsg_seq") {	# kmsg_seq: sequence number of the last record
		my @r = kmsg();
		return (0, @r ? $r[-1][0] : 0);
	}
	if ($op eq "kmsg_reports") {	# kmsg_reports SEQ: reports logged after SEQ
		my $re = qr/BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|lockdep|possible recursive locking|circular locking|refcount_t:|list_(add|del) corruption|kernfs: can not remove|INFO: task|Call Trace|kmemleak|debugfs file owner/;
		return (0, join("\n", map { $_->[1] } grep { $_->[0] > $a[0] && $_->[1] =~ $re } kmsg()));
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

# An idle descriptor for lc_sleep: a pipe with a writer that never writes.
exec {LC_IDLE_FD}<> <(:)

# lc_sleep SECONDS: the pacing of a poll loop (builtin; sleep(1) is a
# program to start, which costs more than the wait under TCG).
lc_sleep() {
	read -r -t "$1" -u "$LC_IDLE_FD" _
	return 0
}

# lc_reap PID SECONDS: waits at most SECONDS for a child that was killed
# to end, and reaps it; returns 1 if it is still there (a process stuck in
# the kernel does not die of SIGKILL): it is left behind, not waited for.
lc_reap() {
	local pid=$1 start state
	lc_now
	start=$LC_NOW
	while kill -0 "$pid" 2>/dev/null; do
		state=
		IFS=" " read -r _ _ state _ 2>/dev/null <"/proc/$pid/stat"
		[ "$state" = Z ] && break
		lc_now
		if [ $((LC_NOW - start)) -gt $(($2 * 1000)) ]; then
			lc_say "note: process $pid (state ${state:-unknown}) does not end, stuck in the kernel; left behind"
			LC_STUCK=1
			return 1
		fi
		lc_sleep 0.05
	done
	wait "$pid" 2>/dev/null
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
	local pid=$1 start state
	lc_now
	start=$LC_NOW
	while kill -0 "$pid" 2>/dev/null; do
		state=
		IFS=" " read -r _ _ state _ 2>/dev/null <"/proc/$pid/stat"
		[ "$state" = Z ] && break
		lc_now
		if [ $((LC_NOW - start)) -gt $(($2 * 1000)) ]; then
			kill -9 "$pid" 2>/dev/null
			lc_reap "$pid" 2
			LC_STUCK=1
			return 1
		fi
		lc_sleep 0.02
	done
	wait "$pid"
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
	local start
	lc_now
	start=$LC_NOW
	while kill -0 "$1" 2>/dev/null; do
		# A zombie has ended: wait(1) reaps it below.
		local state=
		IFS=" " read -r _ _ state _ 2>/dev/null <"/proc/$1/stat"
		[ "$state" = Z ] && break
		lc_now
		[ $((LC_NOW - start)) -gt $((LC_STEP_TIMEOUT * 1000)) ] && return 1
		lc_sleep 0.05
	done
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

# lc_pass: the case's last call when every step passed.
lc_pass() {
	LC_PASSED=1
	exit 0
}

lc_exit() {
	local status=$? pid module i left=() line
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
	if [ -n "${LC_KMSG_SEQ:-}" ] && lc_do kmsg_reports "$LC_KMSG_SEQ" && [ -n "$LC_OUT" ]; then
		lc_say "kernel reports during the case:"
		while IFS= read -r line; do
			lc_say "  $line"
		done <<<"$LC_OUT"
		[ $status -ne 0 ] || status=1
	fi
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
lc_do kmsg_seq || lc_fail "read the kernel log (/dev/kmsg)" "success" "$LC_ERR"
LC_KMSG_SEQ=$LC_OUT

# The case starts with none of the collection loaded.
for lc_m in "${LC_COLLECTION[@]}"; do
	lc_loaded "$lc_m" &&
		lc_fail "precondition: no module of the collection loaded" "none" "$lc_m loaded"
done
unset lc_m

# --- rust_pipe, or its twin ----------------------------------------------

# As tests/rust_pipe/rpipe_test.h reads them: the device node and the
# module providing it.
LC_PIPE_DEVICE=${RKM_PIPE_DEVICE:-/dev/rust-pipe}
LC_PIPE_MODULE=${RKM_PIPE_MODULE:-rust_pipe}

# --- rust_vmdio and rust_phy, or rust_phy's twin ---------------------------

# As tests/rust_phy/rphy_test.h reads them: the PHY driver's name and its
# module. rust_vmdio has no twin.
LC_PHY_DRIVER=${RKM_PHY_DRIVER:-RV1000 Gigabit PHY}
LC_PHY_MODULE=${RKM_PHY_MODULE:-rust_phy}

LC_VMDIO=/sys/kernel/debug/rust_vmdio
LC_PHY=rust_vmdio:01
LC_PHY_DEV=/sys/bus/mdio_bus/devices/$LC_PHY
LC_MDIO_DRIVERS=/sys/bus/mdio_bus/drivers
LC_RV1000="$LC_MDIO_DRIVERS/$LC_PHY_DRIVER"

# The MAC's interrupt (the fixture's default) reports a link change within
# milliseconds, the emulated negotiation takes 300 ms, and a case that sets
# link_irq to poll waits for phylib's once-a-second poll: a slow (TCG) VM
# gets a wide margin.
LC_LINK_TIMEOUT=10

lc_need_debugfs() {
	local _ mnt type
	while read -r _ mnt type _; do
		[ "$mnt" = /sys/kernel/debug ] && [ "$type" = debugfs ] && return 0
	done </proc/mounts
	mount -t debugfs none /sys/kernel/debug || lc_fail "mount debugfs" "success" "failure"
}

# lc_phy_driver: the driver bound to the PHY, "none", or "no device".
lc_phy_driver() {
	local d
	if [ ! -e "$LC_PHY_DEV" ]; then
		printf 'no device'
		return
	fi
	for d in "$LC_MDIO_DRIVERS"/*/"$LC_PHY"; do
		[ -e "$d" ] || continue
		d=${d%/*}
		printf '%s' "${d##*/}"
		return
	done
	printf none
}

lc_check_phy_driver() {
	lc_check "$1: driver of $LC_PHY" "$2" "$(lc_phy_driver)"
}

# lc_vmdio_is WHAT FILE EXPECTED: a debugfs file of rust_vmdio reads EXPECTED.
lc_vmdio_is() {
	lc_read_is "$1: $2 reads" "$LC_VMDIO/$2" "$3"
}

# lc_vmdio_last_seq: the sequence number of the last link_events entry, -1
# when there is none.
lc_vmdio_last_seq() {
	local line last=-1
	while read -r line; do
		last=${line%% *}
	done <"$LC_VMDIO/link_events"
	printf '%s' "$last"
}

# Whether the link was reported up at 1000/full in an event after sequence
# number $1, and link says so.
lc_vmdio_link_up_after() {
	local line last= link=
	while read -r line; do
		last=$line
	done <"$LC_VMDIO/link_events"
	read -r link <"$LC_VMDIO/link"
	LC_SEEN="link '$link', last event '${last:-none}'"
	[ -n "$last" ] && [ "${last%% *}" -gt "$1" ] && [ "${last#* }" = "up 1000/full" ] &&
		[ "$link" = "up 1000/full" ]
}

# lc_vmdio_wait_link_up WHAT SEQ: a link-up event after SEQ within
# LC_LINK_TIMEOUT seconds.
lc_vmdio_wait_link_up() {
	lc_wait_for "$1: link reported up 1000/full (an event after #$2)" "$LC_LINK_TIMEOUT" \
		lc_vmdio_link_up_after "$2"
}

lc_vmdio_link_down() {
	local link=
	read -r link <"$LC_VMDIO/link"
	LC_SEEN="link '$link'"
	[ "$link" = down ]
}

# lc_unbind_phy WHAT / lc_bind_phy WHAT: the RV1000 driver (rust_phy's or
# its twin's) and the PHY, through sysfs.
lc_unbind_phy() {
	lc_write_ok "$1: unbind $LC_PHY from $LC_PHY_DRIVER" "$LC_RV1000/unbind" "$LC_PHY"
	lc_check_phy_driver "$1: after unbind" none
}

lc_bind_phy() {
	lc_write_ok "$1: bind $LC_PHY to $LC_PHY_DRIVER" "$LC_RV1000/bind" "$LC_PHY"
	lc_check_phy_driver "$1: after bind" "$LC_PHY_DRIVER"
}

# --- rust_platform, or its twin ------------------------------------------

# As tests/rust_platform/bank.h reads them: the driver, its module, and its
# banks (the six of modules/rust_platform/vm/rust_platform.dsl, or of the
# twin's own .dsl, with the same properties): their ACPI _HID, the ACPI path
# of bank n (this followed by n) and where bank 0's MMIO window starts (bank
# n's is n pages further).
LC_PLATFORM_DRIVER_NAME=${RKM_PLATFORM_DRIVER:-rust_platform}
LC_PLATFORM_MODULE=${RKM_PLATFORM_MODULE:-rust_platform}
LC_PLATFORM_HID=${RKM_PLATFORM_HID:-RKMP0001}
LC_PLATFORM_ACPI=${RKM_PLATFORM_ACPI:-'\_SB_.RKP'}
LC_PLATFORM_PHYS=${RKM_PLATFORM_PHYS:-0xff000000}
LC_PLATFORM_DRIVER=/sys/bus/platform/drivers/$LC_PLATFORM_DRIVER_NAME
LC_PLATFORM_DEVICES=/sys/bus/platform/devices

# lc_bank VAR N: the device name of bank N (0 is bank-a), the device whose
# firmware node is $LC_PLATFORM_ACPI<N> ('\_SB_.RKP0' for rust_platform),
# into VAR; a step.
lc_bank() {
	local _lc_dev _lc_node _lc_path=$LC_PLATFORM_ACPI$2
	for _lc_dev in "$LC_PLATFORM_DEVICES/$LC_PLATFORM_HID":*; do
		read -r _lc_node 2>/dev/null <"$_lc_dev/firmware_node/path" || continue
		if [ "$_lc_node" = "$_lc_path" ]; then
			printf -v "$1" '%s' "${_lc_dev##*/}"
			lc_ok "bank $_lc_path" "${_lc_dev##*/}"
			return 0
		fi
	done
	lc_fail "bank $_lc_path" "a $LC_PLATFORM_HID device with that firmware node" "none"
}

# lc_bank_window N: where bank N's MMIO window starts, in hex.
lc_bank_window() {
	printf '%#x' $((LC_PLATFORM_PHYS + 0x1000 * $1))
}

# lc_bank_driver DEVICE: the driver bound to a platform device, or "none".
lc_bank_driver() {
	local d
	for d in /sys/bus/platform/drivers/*/"$1"; do
		[ -e "$d" ] || continue
		d=${d%/*}
		printf '%s' "${d##*/}"
		return
	done
	printf none
}

# lc_bank_resources DEVICE PHYS: "claims=<the driver's claims of the
# device's window in /proc/iomem> mappings=<ioremap mappings of PHYS in
# /proc/vmallocinfo>", as tests/rust_platform/bank.h counts them: a claim is
# an entry nested in the window, named after the device by rust_platform,
# "<device> <device>" by a C driver's devm_ioremap_resource() (c_platform).
lc_bank_resources() {
	local claims mappings
	local phys
	printf -v phys 'phys=0x%016x ioremap' "$2"
	lc_do count /proc/iomem "^ .* : $1( $1)?\$" && claims=$LC_OUT || claims="($LC_ERR)"
	lc_do count /proc/vmallocinfo "$phys" && mappings=$LC_OUT || mappings="($LC_ERR)"
	printf 'claims=%s mappings=%s' "$claims" "$mappings"
}

# --- rust_edu --------------------------------------------------------------

LC_EDU_DRIVER=/sys/bus/pci/drivers/rust_edu
LC_EDU_DEVICE=/dev/rust-edu
# The helper making the calls of tests/rust_edu/lifecycle/edu_ctl.c.
LC_EDU_CTL=${LC_MODULES_DIR%/modules}/.build/lifecycle/rust_edu/edu_ctl

# lc_edu_bdf: the PCI address of the VM's edu device (1234:11e8), in
# LC_EDU_BDF; a step.
lc_edu_bdf() {
	local dev vendor device
	for dev in /sys/bus/pci/devices/*; do
		read -r vendor <"$dev/vendor" && read -r device <"$dev/device" || continue
		if [ "$vendor" = 0x1234 ] && [ "$device" = 0x11e8 ]; then
			LC_EDU_BDF=${dev##*/}
			lc_ok "the VM's edu device" "$LC_EDU_BDF"
			return 0
		fi
	done
	lc_fail "the VM's edu device" "a PCI device 1234:11e8" "none"
}

lc_edu_unbind() {
	lc_write_ok "unbind $LC_EDU_BDF from rust_edu" "$LC_EDU_DRIVER/unbind" "$LC_EDU_BDF"
	lc_check "$LC_EDU_DEVICE after unbind" gone "$(lc_exists "$LC_EDU_DEVICE")"
}

lc_edu_bind() {
	lc_write_ok "bind $LC_EDU_BDF to rust_edu" "$LC_EDU_DRIVER/bind" "$LC_EDU_BDF"
	lc_check "$LC_EDU_DEVICE after bind" present "$(lc_exists "$LC_EDU_DEVICE")"
}

# lc_edu_ctl ARGS...: runs edu_ctl ARGS; its output in LC_OUT (bounded by
# LC_STEP_TIMEOUT), exit status in LC_STATUS.
lc_edu_ctl() {
	LC_OUT=$(timeout "$LC_STEP_TIMEOUT" "$LC_EDU_CTL" "$@" 2>&1)
	LC_STATUS=$?
}

# lc_edu_factorial_ok WHAT: the device computes 10! for a new open; a step.
lc_edu_factorial_ok() {
	lc_edu_ctl fact 10
	lc_check "$1: 10! on a new open" 3628800 "$LC_OUT"
}

# lc_edu_worker_ready NAME: the edu_ctl worker NAME printed "ready".
lc_edu_worker_ready() {
	LC_SEEN=$(<"$LC_TMP/$1.log")
	[[ $LC_SEEN == ready* ]]
}

# lc_edu_hold: starts an edu_ctl holder, the device open with a first
# factorial done, and waits until it is ready; its pid in LC_EDU_HOLDER.
lc_edu_hold() {
	lc_start_worker holder "$LC_EDU_CTL" hold
	LC_EDU_HOLDER=$LC_WORKER_PID
	lc_wait_for "holder has the device open" 20 lc_edu_worker_ready holder
}

# lc_edu_release WHAT OUTCOMES: lets the holder try every call on its file
# and close it; they must be OUTCOMES, one "<call>: <outcome>" line each.
lc_edu_release() {
	kill -USR1 "$LC_EDU_HOLDER"
	lc_wait_pid "$LC_EDU_HOLDER" || lc_fail "holder ends" "within ${LC_STEP_TIMEOUT} s" "still running"
	lc_check "holder's exit status" 0 "$LC_STATUS"
	lc_check "$1" "ready
$2
close: ok" "$(<"$LC_TMP/holder.log")"
}

# lc_edu_balanced WHAT: with no command waiting, every interrupt raised was
# acknowledged (REDU_GET_STATS); a step.
lc_edu_balanced() {
	local fact_raised fact_acked dma_raised dma_acked user_raised user_acked waiters
	lc_edu_ctl stats
	[ "$LC_STATUS" = 0 ] || lc_fail "$1: REDU_GET_STATS" "success" "$LC_OUT"
	eval "$(tr ' ' '\n' <<<"$LC_OUT" | grep -E '^[a-z_]+=[0-9]+$')"
	lc_check "$1: raised = acknowledged, nothing waiting" \
		"$fact_raised $dma_raised $user_raised 0" "$fact_acked $dma_acked $user_acked $waiters"
}

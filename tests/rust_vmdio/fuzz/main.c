// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input to every debugfs file of rust_vmdio: random bytes, numbers
 * that overflow, unknown and mis-cased mode names, ASCII and Unicode white
 * space,
 * text with and without a newline, writes longer than the module's buffer,
 * empty writes, NULL, unmapped and kernel-address buffers, writes to
 * read-only and reads of write-only files, random ioctl numbers.
 *
 * A model of the documented grammar (the module docs of
 * modules/rust_vmdio/rust_vmdio.rs) predicts every outcome:
 *  - a write of more than 128 bytes is EINVAL, as is text that is not
 *    UTF-8; the text is trimmed of ASCII white space (space, \t, \n, \f,
 *    \r: Rust's u8::is_ascii_whitespace, which leaves \v and every
 *    non-ASCII space in the text);
 *  - cable, attached and running take 0 or 1; partner and advertise mode
 *    names separated by ASCII white space, at least one of them a
 *    10/100/1000 mode; access_log takes "clear"; anything else is EINVAL;
 *  - advertise and running are ENODEV while the PHY is detached;
 *  - a buffer the kernel cannot read is EFAULT (a kernel address fails the
 *    VFS's access_ok() before any length check);
 *  - a read-only file rejects writes and the write-only one reads with
 *    EINVAL (the VFS: no such file operation); ioctls are ENOTTY.
 *
 * 1. Sequential: each call's result must match the model, and afterwards
 *    cable, partner, attached and running must read what the model holds,
 *    so a failed write provably changed nothing.
 * 2. Concurrent, 6 threads: 3 send only input the model rejects, checking
 *    each errno, one writes valid values to every file (ENODEV allowed
 *    where the model allows it, attach and detach included) and two read
 *    every file, checking its format. Afterwards a known state is set and
 *    read back.
 *
 * Neither phase may make the kernel warn or oops, and a watchdog fails the
 * run if it has not finished after a minute: a call hangs.
 *
 * The default seed is fixed ("# seed N" says which); RKM_SEED=N replays
 * another. "# stat fuzz_iterations=N" counts the calls on debugfs files.
 *
 * Its parts, by concern: fuzzer.h (the run's parameters, the files, the
 * state the model tracks, what the parts share), model.c (the grammar),
 * inputs.c, calls.c (the calls on the files), state.c (reading the state
 * back), hostile.c (the calls rejected whatever the state), sequential.c
 * and concurrent.c (the phases). main() and the watchdog are here.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#include "fuzz.h"
#include "ktap.h"
#include "../vmdio.h"
#include "fuzzer.h"

struct fixture_state model;
long calls;
void *unmapped;

/* -------- watchdog -------- */

static void watchdog_fired(int sig)
{
	static const char message[] =
		"# not finished after " TEXT(WATCHDOG_SECONDS) " s: a debugfs call hangs"
		" (the kernel log shows the blocked tasks)\n";
	int sysrq = open("/proc/sysrq-trigger", O_WRONLY);

	(void)sig;
	if (sysrq >= 0 && write(sysrq, "w", 1) < 0)
		_exit(2);
	if (write(STDOUT_FILENO, message, sizeof(message) - 1) < 0)
		_exit(2);
	_exit(1);
}

static uint64_t seed;
/* The kernel log from before the first case on (kmsg_clean()). */
static int kmsg = -1;

static bool setup(void)
{
	kmsg = kmsg_open();
	if (!fuzz_seed(DEFAULT_SEED, &seed))
		return false;
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (unmapped == MAP_FAILED) {
		ktap_diag("mmap: %s", strerror(errno));
		return false;
	}
	signal(SIGALRM, watchdog_fired);
	alarm(WATCHDOG_SECONDS);
	return true;
}

static bool sequential_case(void)
{
	return sequential(seed);
}

static bool concurrent_case(void)
{
	return concurrent(seed);
}

static bool log_clean(void)
{
	/* The state the next test expects, whatever happened above. */
	bool ok = state_reset();

	ok = kmsg_clean(kmsg) && ok;
	ktap_diag("stat fuzz_iterations=%ld", calls);
	return ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("sequential hostile input matches the model", sequential_case),
		KTAP_CASE_NAMED("concurrent hostile input is rejected, valid input works",
				concurrent_case),
		KTAP_CASE_NAMED("kernel log clean", log_clean),
	};

	return ktap_run_after(setup, cases, ARRAY_SIZE(cases));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input to every sysfs file of the rust_platform banks A and B:
 * random junk bytes, numbers that overflow, negative numbers, values with and
 * without a newline, non-ASCII text, writes longer than a page, empty writes
 * and writes to read-only files.
 *
 * A model of the documented grammar (modules/rust_platform/attributes.rs,
 * modules/common/sysfs.rs) predicts every outcome: the bytes accepted, or
 * EINVAL, ERANGE, or EACCES for opening a read-only file for writing. Rules
 * the model relies on:
 *  - sysfs hands store() at most one page and reports a longer write as a
 *    short one; an empty write never reaches store() and returns 0;
 *  - text that is not UTF-8 is EINVAL; one trailing newline is dropped;
 *  - numbers are decimal or 0x-hex, may be surrounded by ASCII whitespace
 *    (space, \t, \n, \f, \r; not \v, not Unicode spaces), have no sign;
 *    EINVAL if not such a number, ERANGE if it does not fit 32 bits;
 *  - enable is 0 or 1; mode above max_mode is ERANGE; channels takes one
 *    level per channel, separated by ASCII whitespace: words are parsed in
 *    order (the first bad one decides), a ninth word is EINVAL, then a wrong
 *    count is EINVAL and a level above its channel's limit ERANGE.
 *
 * 1. Sequential: each write's result must match the model, and afterwards
 *    every file of the bank must read back what the model holds, so a failed
 *    write provably changed nothing. The seed fixes the sequence of writes;
 *    a slow kernel (the debug flavour) runs a shorter prefix of it.
 * 2. Buffers the kernel cannot copy (NULL, unmapped, a kernel address):
 *    EFAULT for every read and write, and nothing changes.
 * 3. Concurrent, 8 threads: 5 hostile writers send only input the model
 *    rejects (or empty writes) to both banks, checking each errno, while one
 *    thread writes valid values to bank A and two read banks A and B. Bank
 *    A must always read consistently, bank B must never change, and both end
 *    as their valid writes left them.
 *
 * Neither phase may make the driver log anything or the kernel warn, and a
 * watchdog fails the run if it has not finished after a minute: a call hangs.
 *
 * The default seed is fixed ("# seed N" says which); RKM_SEED=N replays
 * another. "# stat fuzz_iterations=N" counts the calls on attribute files
 * (reads, writes and refused opens).
 *
 * Its parts, by concern: fuzzer.h (the run's parameters, the files, the
 * banks, what the parts share), model.c (the grammar), inputs.c, files.c
 * (the calls on the files), kmsg.c, sequential.c and concurrent.c (the
 * phases). main() and the watchdog are here.
 */
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "fuzz.h"
#include "ktap.h"
#include "../bank.h"
#include "fuzzer.h"

struct fuzz_bank banks[2] = { { .dev = BANK_A }, { .dev = BANK_B } };
size_t page_size;
long calls;

/* -------- watchdog -------- */

static void watchdog_fired(int sig)
{
	static const char message[] =
		"# not finished after " TEXT(WATCHDOG_SECONDS) " s: a sysfs call hangs\n";

	(void)sig;
	if (write(STDOUT_FILENO, message, sizeof(message) - 1) < 0)
		_exit(2);
	_exit(1);
}

static uint64_t seed;

static bool setup(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (!fuzz_seed(DEFAULT_SEED, &seed))
		return false;
	signal(SIGALRM, watchdog_fired);
	alarm(WATCHDOG_SECONDS);

	if (page_size > INPUT_MAX / 3 || !bank_setup(0) || !bank_setup(1)) {
		ktap_diag("banks A and B must be bound to run these cases");
		return false;
	}
	kmsg_start();
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
	bool ok = kmsg_clean();

	ktap_diag("stat fuzz_iterations=%ld", calls);
	return ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("each hostile write returns the documented result and changes nothing else",
				sequential_case),
		KTAP_CASE_NAMED("NULL, unmapped and kernel buffers: EFAULT, nothing changes",
				bad_buffers),
		KTAP_CASE_NAMED("8 threads of hostile, valid and reading calls: errnos as documented, state consistent",
				concurrent_case),
		KTAP_CASE_NAMED("nothing from the driver and no kernel warning in the log", log_clean),
	};

	return ktap_run_after(setup, cases, ARRAY_SIZE(cases));
}

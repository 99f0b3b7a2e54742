// SPDX-License-Identifier: GPL-2.0
/*
 * Readers and writers of bank A's sysfs files, in several processes, while
 * bank A is unbound and bound again over and over: every access either works
 * on consistent register values or fails because the file is gone (ENOENT
 * before open, ENODEV once removed); the kernel reports no bug; bank B is
 * never disturbed; bank A ends up bound with its resources claimed once.
 *
 * Also: a file descriptor opened before unbind fails with ENODEV afterwards
 * instead of reaching the freed bank.
 */
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "ktap.h"
#include "bank.h"

/* Unbind/bind cycles: at least MIN_CYCLES, and for at least RACE_SECONDS. */
#define MIN_CYCLES 30
#define RACE_SECONDS 2.0
#define WORKERS 5
#define SCRATCH_TAG 0x5c5c0000u
#define B_SCRATCH "0x0000b0b0"

struct shared {
	volatile int stop;
	volatile int failed;
	char failure[WORKERS][160];
	long done[WORKERS];	/* accesses that reached a bound bank */
	long gone[WORKERS];	/* accesses refused because the bank was unbound */
};

static struct shared *shared;
static struct bank a = BANK_A, b = BANK_B;

static void fail(int worker, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(int worker, const char *fmt, ...)
{
	va_list ap;

	if (shared->failure[worker][0])
		return;
	va_start(ap, fmt);
	vsnprintf(shared->failure[worker], sizeof(shared->failure[worker]), fmt, ap);
	va_end(ap);
	shared->failed = 1;
}

/* Sorts the result of one access; false once the worker has failed. */
static bool account(int worker, int ret, const char *what)
{
	if (ret >= 0) {
		shared->done[worker]++;
		return true;
	}
	if (ret == -ENOENT || ret == -ENODEV) {
		shared->gone[worker]++;
		return true;
	}
	fail(worker, "%s: unexpected error %d", what, ret);
	return false;
}

static void write_channels(int worker)
{
	char text[64];
	unsigned int k;

	for (k = 0; !shared->stop; k = (k + 1) % 101) {
		snprintf(text, sizeof(text), "%u %u %u", k, k, k);
		if (!account(worker, attr_write(&a, "channels", text), "write channels"))
			return;
	}
}

static void write_scratch(int worker)
{
	char text[32];
	unsigned int k;

	for (k = 0; !shared->stop; k = (k + 1) & 0xffff) {
		snprintf(text, sizeof(text), "0x%x", SCRATCH_TAG | k);
		if (!account(worker, attr_write(&a, "scratch", text), "write scratch"))
			return;
	}
}

/* Channel levels are written together, so a reader sees three equal ones. */
static void read_channels(int worker)
{
	unsigned int x, y, z;
	char text[64];
	int ret;

	while (!shared->stop) {
		ret = attr_read(&a, "channels", text, sizeof(text));
		if (!account(worker, ret, "read channels"))
			return;
		if (ret < 0)
			continue;
		if (sscanf(text, "%u %u %u", &x, &y, &z) != 3 || x != y || y != z || x > 100) {
			fail(worker, "inconsistent channels \"%s\"", text);
			return;
		}
	}
}

static void read_scratch(int worker)
{
	unsigned int value;
	char text[32];
	int ret;

	while (!shared->stop) {
		ret = attr_read(&a, "scratch", text, sizeof(text));
		if (!account(worker, ret, "read scratch"))
			return;
		if (ret < 0)
			continue;
		if (sscanf(text, "0x%x", &value) != 1 || (value & 0xffff0000u) != SCRATCH_TAG) {
			fail(worker, "unexpected scratch \"%s\"", text);
			return;
		}
	}
}

/* Bank B is never unbound: each of its reads works and shows its value. */
static void read_bank_b(int worker)
{
	char text[32];
	int ret;

	while (!shared->stop) {
		ret = attr_read(&b, "scratch", text, sizeof(text));
		if (ret < 0 || strcmp(text, B_SCRATCH)) {
			fail(worker, "bank B scratch: %d \"%s\"", ret, ret < 0 ? "" : text);
			return;
		}
		shared->done[worker]++;
	}
}

static void (*const workers[WORKERS])(int) = {
	write_channels, write_scratch, read_channels, read_scratch, read_bank_b,
};
static const char *const worker_names[WORKERS] = {
	"channel writer", "scratch writer", "channel reader", "scratch reader", "bank B reader",
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool race_unbind(void)
{
	double start = now();
	/* 0: not forked (the wait loop skips it), whatever fork() did to the rest. */
	pid_t pids[WORKERS] = { 0 };
	int i, status, err;
	bool ok = true;

	for (i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			ok = ktap_check(ok, false, "fork");
			shared->stop = 1;
			break;
		}
		if (pids[i] == 0) {
			workers[i](i);
			_exit(0);
		}
	}

	for (i = 0; ok && !shared->failed && (i < MIN_CYCLES || now() - start < RACE_SECONDS);
	     i++) {
		err = bank_unbind(&a);
		ok = ktap_check(ok, err == 0, "unbind %d: %d", i, err);
		err = bank_bind(&a);
		ok = ktap_check(ok, err == 0, "bind %d: %d", i, err);
	}
	shared->stop = 1;
	ktap_diag("%d unbind/bind cycles in %.1f s", i, now() - start);

	for (i = 0; i < WORKERS; i++) {
		if (pids[i] <= 0)
			continue;
		ok = ktap_check(ok, waitpid(pids[i], &status, 0) == pids[i], "waitpid");
		ok = ktap_check(ok, WIFEXITED(status) && WEXITSTATUS(status) == 0,
				"%s died (status %#x)", worker_names[i], status);
	}
	for (i = 0; i < WORKERS; i++) {
		ktap_diag("%s: %ld accesses, %ld refused while unbound", worker_names[i],
			  shared->done[i], shared->gone[i]);
		ok = ktap_check(ok, !shared->failure[i][0], "%s: %s", worker_names[i],
				shared->failure[i]);
		ok = ktap_check(ok, shared->done[i] > 0, "%s never reached the bank",
				worker_names[i]);
	}
	return ok;
}

static bool bank_a_intact(void)
{
	unsigned int x, y, z;
	char text[64];
	bool ok = true;

	ok = ktap_check(ok, bank_bound(&a), "bank A not bound");
	ok = ktap_check(ok, bank_region_claims(&a) == 1, "bank A region claims: %d",
			bank_region_claims(&a));
	ok = ktap_check(ok, bank_mappings(&a) == 1, "bank A mappings: %d", bank_mappings(&a));
	ok = ktap_check(ok, attr_read(&a, "channels", text, sizeof(text)) > 0 &&
			sscanf(text, "%u %u %u", &x, &y, &z) == 3 && x == y && y == z,
			"bank A channels \"%s\"", text);
	ok = ktap_check(ok, attr_write(&a, "scratch", "0x1") == 0 &&
			attr_is(&a, "scratch", "0x00000001"), "bank A does not work");
	ok = ktap_check(ok, attr_is(&b, "scratch", B_SCRATCH), "bank B changed");
	return ok;
}

/* An fd opened while bound cannot reach the bank after unbind. */
static bool stale_fd_refused(void)
{
	char path[512], text[32];
	bool ok = true;
	ssize_t n;
	int fd;

	attr_path(&a, "scratch", path, sizeof(path));
	fd = open(path, O_RDWR);
	ok = ktap_check(ok, fd >= 0, "open %s", path);
	if (!ok)
		return false;
	ok = ktap_check(ok, pread(fd, text, sizeof(text), 0) > 0, "read before unbind");
	ok = ktap_check(ok, bank_unbind(&a) == 0, "unbind");

	errno = 0;
	n = pread(fd, text, sizeof(text), 0);
	ok = ktap_check(ok, n < 0 && errno == ENODEV, "read after unbind returned %zd", n);
	errno = 0;
	n = pwrite(fd, "0x2", 3, 0);
	ok = ktap_check(ok, n < 0 && errno == ENODEV, "write after unbind returned %zd", n);
	close(fd);

	ok = ktap_check(ok, bank_bind(&a) == 0, "bind");
	ok = ktap_check(ok, attr_is(&a, "scratch", "0x00000001"), "stale write reached the bank");
	return ok;
}

static bool banks_ready(void)
{
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared != MAP_FAILED && bank_find(&a) && bank_find(&b) &&
	    bank_bound(&a) && bank_bound(&b) &&
	    attr_write(&a, "scratch", "0x5c5c0000") == 0 &&
	    attr_write(&a, "channels", "0 0 0") == 0 &&
	    attr_write(&b, "scratch", B_SCRATCH) == 0)
		return true;
	ktap_diag("banks A and B must be bound and writable to run these cases");
	return false;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("concurrent readers and writers survive repeated unbind/bind",
				race_unbind),
		KTAP_CASE_NAMED("bank A bound, consistent and working afterwards", bank_a_intact),
		KTAP_CASE_NAMED("a file opened before unbind fails with ENODEV after it",
				stale_fd_refused),
		KTAP_CASE_NAMED("no kernel warning or bug reported", no_kernel_bug),
	};

	return ktap_run_after(banks_ready, cases, ARRAY_SIZE(cases));
}

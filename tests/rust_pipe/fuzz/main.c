// SPDX-License-Identifier: GPL-2.0
/*
 * rust_pipe against hostile input: a bounded, seeded random test of every
 * way userspace reaches the driver.
 *
 * Phase 1, one thread: read(2), readv(2), preadv2(2), pread(2), their write
 * counterparts, ioctl(2), open(2), close(2), poll(2), epoll, lseek(2),
 * mmap(2), fcntl(2) and /proc/self/fdinfo, with random arguments: ioctl
 * numbers (our type and numbers with the wrong size or direction among
 * them, and 64-bit requests whose upper half the kernel drops), NULL,
 * unmapped, read-only, kernel and misaligned pointers, buffers running into
 * an inaccessible page, zero and huge lengths, bad iovec arrays and RWF_
 * flags, files opened with every access mode. A model of the FIFO predicts
 * each call: a success must return what the model allows and move exactly
 * those bytes; a failure must give an errno that the ABI or the VFS
 * documents for that call, and RPIPE_GET_STATS must be unchanged after it.
 *
 * Phase 2: 8 threads mix the same hostile calls with valid traffic on the
 * same pipe. Without a model the oracle is weaker: documented errnos only,
 * no byte claimed copied from or to memory the caller cannot access, and the
 * counters accounting for every byte the threads moved.
 *
 * Throughout, the kernel log must stay silent, and no call may hang: a
 * watchdog ends the program with a failure. The seed is fixed and printed as
 * "# seed N"; RKM_SEED=N in the environment replays another run.
 *
 * Its parts, in the order they build on each other, each a .c file with its
 * header: the user buffers and how access_ok() judges them (segs.c), the
 * results allowed and the failure counts (expect.c), the model of the FIFO
 * and the descriptor pool (model.c), phase 1's calls (io_ops.c,
 * ioctl_ops.c, fd_ops.c) and phase 2's threads (workers.c). Here: the two
 * phases and main().
 */
#include "../rpipe_test.h"

#include "fuzz.h"
#include "segs.h"
#include "expect.h"
#include "model.h"
#include "io_ops.h"
#include "ioctl_ops.h"
#include "fd_ops.h"
#include "workers.h"

#define DEFAULT_SEED		20240611
#define SINGLE_THREAD_OPS	20000
/* Far beyond the few seconds the program needs, even on a debug kernel. */
#define WATCHDOG_S		180

/* ---- phase 1: one thread, every entry point, checked against the model ---- */

static void single_thread_phase(uint64_t seed)
{
	uint64_t rng = seed;

	for (long op = 0; op < SINGLE_THREAD_OPS; op++) {
		uint64_t dice = rng_below(&rng, 100);
		struct fd_entry *f;

		if (dice < 25)
			op_ioctl(&rng, op);
		else if (dice < 48)
			op_io(&rng, op, true);
		else if (dice < 71)
			op_io(&rng, op, false);
		else if (dice < 78)
			op_open(&rng, op);
		else if (dice < 82) {
			f = &pool[POOL_FIXED + rng_below(&rng, POOL_DYNAMIC)];
			if (f->open) {
				close_entry(f);
				check_state(CASE_OTHER, op, "close");
			}
		} else if (dice < 88)
			op_poll(&rng, op);
		else if (dice < 94)
			op_epoll(&rng, op);
		else
			op_misc(&rng, op);
	}
	for (int i = POOL_FIXED; i < POOL_FIXED + POOL_DYNAMIC; i++)
		if (pool[i].open)
			close_entry(&pool[i]);
	check_state(CASE_OTHER, SINGLE_THREAD_OPS, "closing everything");
}

/* ---- phase 2: threads ---- */

/*
 * Runs the workers on fresh descriptors and checks that the counters account
 * for what they moved, that every open was matched by a release, and that
 * the pipe holds exactly what is left.
 */
static bool threads_phase(uint64_t seed)
{
	static const int modes[3] = { O_RDWR, O_RDONLY, O_WRONLY };
	static struct worker workers[THREADS];
	struct rpipe_stats before, after;
	uint64_t written = 0, read_bytes = 0, drained = 0;
	uint8_t buf[4096];
	bool ok = true;
	ssize_t n;

	ok = ktap_check(ok, get_stats(stats_fd->fd, &before), "RPIPE_GET_STATS");
	for (int i = 0; ok && i < THREADS; i++) {
		workers[i].id = i;
		workers[i].rng = seed ^ (0x1000003ULL * (i + 1));
		workers[i].last = before;
		for (int j = 0; j < 3; j++) {
			workers[i].fds[j] = rpipe_open(modes[j] | O_NONBLOCK);
			ok = ok && workers[i].fds[j] >= 0;
		}
		ok = ok && !pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
	}
	if (!ok) {
		ktap_diag("cannot start the threads");
		exit(1);
	}
	for (int i = 0; i < THREADS; i++) {
		/* The watchdog fails the program if a thread hangs. */
		pthread_join(workers[i].thread, NULL);
		for (int j = 0; j < 3; j++)
			close(workers[i].fds[j]);
		written += workers[i].written;
		read_bytes += workers[i].read;
	}

	ok = ktap_check(ok, get_stats(stats_fd->fd, &after), "RPIPE_GET_STATS");
	ktap_diag("threads wrote %llu bytes and read %llu; " STATS_FMT,
		  (unsigned long long)written, (unsigned long long)read_bytes, STATS_ARGS(after));
	ok = ktap_check(ok, after.bytes_written - before.bytes_written == written,
			"bytes_written grew by %llu, the threads wrote %llu",
			(unsigned long long)(after.bytes_written - before.bytes_written),
			(unsigned long long)written);
	ok = ktap_check(ok, after.bytes_read - before.bytes_read == read_bytes,
			"bytes_read grew by %llu, the threads read %llu",
			(unsigned long long)(after.bytes_read - before.bytes_read),
			(unsigned long long)read_bytes);
	ok = ktap_check(ok, after.readers == before.readers && after.writers == before.writers,
			"readers %u writers %u, %u and %u before", after.readers, after.writers,
			before.readers, before.writers);
	while ((n = read(stats_fd->fd, buf, sizeof(buf))) > 0)
		drained += n;
	ok = ktap_check(ok, n < 0 && errno == EAGAIN, "draining the pipe");
	ok = ktap_check(ok, drained == after.len, "drained %llu bytes, len was %llu",
			(unsigned long long)drained, (unsigned long long)after.len);
	return ok && case_failures[CASE_THREADS] == 0;
}

/* ---- the kernel log ---- */

/* Reports every record logged since kmsg_open(); true if there was none. */
static bool kmsg_silent(int fd)
{
	char record[1024];
	int records = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, record, sizeof(record) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten records: go on */
			continue;
		if (n <= 0)
			break;
		record[n] = '\0';
		record[strcspn(record, "\n")] = '\0';
		if (records++ < MAX_DIAGS)
			ktap_diag("kernel log: %s", record);
	}
	if (n < 0 && errno != EAGAIN)
		ktap_diag("reading /dev/kmsg: %s", strerror(errno));
	if (records)
		ktap_diag("%d kernel log records", records);
	return records == 0 && n < 0 && errno == EAGAIN;
}

static void watchdog(int sig)
{
	static const char message[] = "# watchdog: a call hung, giving up\n";

	(void)sig;
	/* Only async-signal-safe calls here. */
	if (write(STDOUT_FILENO, message, sizeof(message) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* Shows that the calls of phase 1 reached every outcome, not only one. */
static void print_outcomes(void)
{
	char line[512];
	int len = snprintf(line, sizeof(line), "phase 1 outcomes: %llu successes",
			   (unsigned long long)successes);

	for (int err = 1; err <= EHWPOISON && len > 0 && (size_t)len < sizeof(line); err++)
		if (errors[err])
			len += snprintf(line + len, sizeof(line) - len, ", %llu %s",
					(unsigned long long)errors[err], strerrorname_np(err));
	ktap_diag("%s", line);
}

/* A case of phase 1: none of its calls failed. */
static bool phase_1_case(enum test_case c)
{
	if (case_failures[c])
		ktap_diag("%d failures", case_failures[c]);
	return case_failures[c] == 0;
}

static long long start;
static uint64_t rng;
static int kmsg = -1;

/* Everything set up, then phase 1, whose cases the first four judge. */
static bool setup_and_phase_1(void)
{
	uint64_t seed;

	start = rpipe_now_ms();
	if (!fuzz_seed(DEFAULT_SEED, &seed))
		return false;
	rng = seed;
	signal(SIGALRM, watchdog);
	alarm(WATCHDOG_S);

	kmsg = kmsg_open();
	if (kmsg < 0 || !rpipe_reset() || !setup_memory(&rng) || !setup_pool() ||
	    !get_stats(stats_fd->fd, &model.stats) || model.stats.len != 0) {
		ktap_diag("setup failed: %s", strerror(errno));
		return false;
	}

	single_thread_phase(rng_next(&rng));
	print_outcomes();
	return true;
}

static bool ioctl_random_commands_and_arguments(void)
{
	return phase_1_case(CASE_IOCTL);
}

static bool read_readv_preadv2_hostile_buffers(void)
{
	return phase_1_case(CASE_READ);
}

static bool write_writev_pwritev2_hostile_buffers(void)
{
	return phase_1_case(CASE_WRITE);
}

static bool open_close_poll_epoll_lseek_mmap_fdinfo(void)
{
	return phase_1_case(CASE_OTHER);
}

static bool threads_mixing_hostile_and_valid_calls(void)
{
	bool ok = threads_phase(rng_next(&rng));

	if (case_failures[CASE_THREADS])
		ktap_diag("%d failures", case_failures[CASE_THREADS]);
	return ok;
}

static bool kernel_log_stays_silent(void)
{
	bool ok;

	for (int i = 0; i < POOL_FIXED; i++)
		close(pool[i].fd);
	close(epoll_fd);
	ok = rpipe_reset();
	ktap_diag("stat fuzz_iterations=%llu", (unsigned long long)calls);
	ktap_diag("%llu calls in %lld ms", (unsigned long long)calls, rpipe_now_ms() - start);
	return kmsg_silent(kmsg) && ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(ioctl_random_commands_and_arguments),
		KTAP_CASE(read_readv_preadv2_hostile_buffers),
		KTAP_CASE(write_writev_pwritev2_hostile_buffers),
		KTAP_CASE(open_close_poll_epoll_lseek_mmap_fdinfo),
		KTAP_CASE(threads_mixing_hostile_and_valid_calls),
		KTAP_CASE(kernel_log_stays_silent),
	};

	return ktap_run_after(setup_and_phase_1, cases, ARRAY_SIZE(cases));
}

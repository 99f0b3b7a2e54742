// SPDX-License-Identifier: GPL-2.0
/*
 * The rust_edu calls of its lifecycle cases (tests/rust_edu/lifecycle/),
 * which the shell and the cases' perl helper cannot make:
 *
 *   edu_ctl fact N       prints N! (exit 0), or the errno name (exit 1)
 *   edu_ctl stats        prints the REDU_GET_STATS counters as NAME=VALUE
 *   edu_ctl hold         opens the device, checks it works, prints "ready",
 *                        waits for SIGUSR1, then tries every call on the
 *                        open file and prints "<call>: <errno name or ok>"
 *   edu_ctl wait         opens the device, prints "ready", then prints the
 *                        outcome of one blocking read(2)
 *   edu_ctl load ROUNDS SLOT [STOP]
 *                        repeats factorials, transfers (checked) and raised
 *                        interrupts on fresh opens, ROUNDS times or until
 *                        the file STOP exists, then prints
 *                        "<count>\t<call>\t<outcome>" lines; its transfers
 *                        use 512 bytes of the device buffer of their own,
 *                        at SLOT * 512 (workers of different slots do not
 *                        overwrite each other's bytes)
 *
 * Each exits 0 when it could do what it was asked (whatever the outcomes),
 * 2 on a usage error.
 */
#include "rust_edu/redu_test.h"

#include <poll.h>
#include <signal.h>

static const char *outcome(int err)
{
	return err ? strerrorname_np(err) : "ok";
}

static int cmd_fact(const char *arg)
{
	uint32_t result = 0;
	int fd = open(REDU_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;

	if (fd < 0) {
		printf("open: %s\n", outcome(errno));
		return 1;
	}
	err = redu_factorial(fd, (uint32_t)strtoul(arg, NULL, 0), &result);
	close(fd);
	if (err) {
		printf("%s\n", outcome(err));
		return 1;
	}
	printf("%u\n", result);
	return 0;
}

static int cmd_stats(void)
{
	struct redu_stats s;
	int fd = open(REDU_DEVICE_PATH, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, REDU_GET_STATS, &s)) {
		printf("stats: %s\n", outcome(errno));
		return 1;
	}
	close(fd);
	printf("irqs=%" PRIu64 " irqs_none=%" PRIu64 " factorials=%" PRIu64
	       " fact_raised=%" PRIu64 " fact_acked=%" PRIu64 " dma_raised=%" PRIu64
	       " dma_acked=%" PRIu64 " user_raised=%" PRIu64 " user_acked=%" PRIu64
	       " irq_mode=%u waiters=%u\n",
	       (uint64_t)s.irqs, (uint64_t)s.irqs_none, (uint64_t)s.factorials,
	       (uint64_t)s.fact_raised, (uint64_t)s.fact_acked, (uint64_t)s.dma_raised,
	       (uint64_t)s.dma_acked, (uint64_t)s.user_raised, (uint64_t)s.user_acked,
	       s.irq_mode, s.waiters);
	return 0;
}

/* Every call on an open file, one line each. */
static void try_every_call(int fd)
{
	uint8_t data[16] = "held across";
	struct redu_stats stats;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t result = 0, bits = 0x2, events;

	printf("factorial: %s\n", outcome(redu_factorial(fd, 6, &result)));
	printf("dma-write: %s\n", outcome(redu_dma(fd, REDU_DMA_WRITE, data, 0, 16)));
	printf("dma-read: %s\n", outcome(redu_dma(fd, REDU_DMA_READ, data, 0, 16)));
	printf("raise: %s\n", outcome(ioctl(fd, REDU_RAISE, &bits) ? errno : 0));
	printf("read: %s\n", outcome(read(fd, &events, 4) < 0 ? errno : 0));
	printf("stats: %s\n", outcome(ioctl(fd, REDU_GET_STATS, &stats) ? errno : 0));
	printf("poll: %s\n", poll(&p, 1, 0) < 0 ? outcome(errno) :
	       p.revents & POLLIN ? "in" : "none");
}

static int cmd_hold(void)
{
	sigset_t usr1;
	uint32_t result = 0;
	int fd, sig;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	fd = open(REDU_DEVICE_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || redu_factorial(fd, 5, &result) || result != 120) {
		printf("not ready: %s\n", outcome(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	sigwait(&usr1, &sig);
	try_every_call(fd);
	printf("close: %s\n", outcome(close(fd) ? errno : 0));
	return 0;
}

static int cmd_wait(void)
{
	uint32_t events = 0;
	int fd = open(REDU_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		printf("open: %s\n", outcome(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	n = read(fd, &events, 4);
	printf("read: %s\n", n < 0 ? outcome(errno) : "ok");
	close(fd);
	return 0;
}

#define OPS 5
static const char *const op_names[OPS] = { "open", "factorial", "dma-write", "dma-read", "raise" };
/* errno 0 (ok), every errno, and "wrong" (a wrong result) per op. */
#define WRONG 4096
static unsigned long counts[OPS][WRONG + 1];

static void count(int op, int err)
{
	counts[op][err >= 0 && err < WRONG ? err : WRONG]++;
}

#define SLOT_SIZE 512

static int cmd_load(const char *rounds, const char *slot, const char *stop)
{
	uint32_t last = (uint32_t)strtoul(rounds, NULL, 0);
	uint32_t base = (uint32_t)strtoul(slot, NULL, 0) * SLOT_SIZE;
	uint8_t out[64], back[64];
	uint32_t round = 0;

	while (round < last && (!stop || access(stop, F_OK))) {
		uint32_t result = 0, n = round % 20, bits = 0x10;
		int fd = open(REDU_DEVICE_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC), err;

		count(0, fd < 0 ? errno : 0);
		/* A round is an open that worked: while unbound, opens fail fast. */
		if (fd < 0)
			continue;
		round++;
		err = redu_factorial(fd, n, &result);
		count(1, !err && result != redu_factorial_reference(n) ? WRONG : err);
		for (int i = 0; i < 64; i++)
			out[i] = redu_pattern(round, (uint32_t)i);
		err = redu_dma(fd, REDU_DMA_WRITE, out, base + 64 * (round % 8), 64);
		count(2, err);
		if (!err) {
			err = redu_dma(fd, REDU_DMA_READ, back, base + 64 * (round % 8), 64);
			count(3, !err && memcmp(out, back, 64) ? WRONG : err);
		}
		count(4, ioctl(fd, REDU_RAISE, &bits) ? errno : 0);
		close(fd);
	}
	for (int op = 0; op < OPS; op++)
		for (int err = 0; err <= WRONG; err++)
			if (counts[op][err])
				printf("%lu\t%s\t%s\n", counts[op][err], op_names[op],
				       err == WRONG ? "wrong" : outcome(err));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "fact"))
		return cmd_fact(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "stats"))
		return cmd_stats();
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return cmd_hold();
	if (argc == 2 && !strcmp(argv[1], "wait"))
		return cmd_wait();
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "load") &&
	    strtoul(argv[3], NULL, 0) * SLOT_SIZE + SLOT_SIZE <= REDU_DMA_BUFFER_SIZE)
		return cmd_load(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	fprintf(stderr, "usage: %s fact N | stats | hold | wait | load ROUNDS SLOT [STOP]\n",
		argv[0]);
	return 2;
}

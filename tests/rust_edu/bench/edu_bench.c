// SPDX-License-Identifier: GPL-2.0
/*
 * What a command on rust_edu costs, measured through its ABI: the
 * interrupt round trip (REDU_RAISE: an MMIO write, the device's MSI, the
 * handler's acknowledgement, the waiter woken), against a plain ioctl
 * that touches no device (REDU_GET_STATS), so that the difference is the
 * interrupt's; and DMA throughput of full-buffer transfers each way, which
 * QEMU's model paces (it runs each transfer from a timer 100 ms after the
 * start). Factorials are left out: QEMU computes them on a thread of its
 * own, outside the instruction count, and under -icount sleep=off the
 * guest's idle time is skipped, so a waiting command's timeout can expire
 * before that thread is done (ETIMEDOUT).
 *
 * Medians over rounds, with their spread; the clock is whatever the VM
 * runs with (make bench: the instruction count). It states no bound: under
 * --gate (make bench-gate) it has nothing to check and exits at once.
 *
 *	edu_bench [--gate] [--rounds N] [--calls N]
 */
#include "rust_edu/redu_test.h"
#include "bench_args.h"

#define MAX_ROUNDS	32

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct metric {
	const char *label;
	const char *unit;
	double rounds[MAX_ROUNDS];
};

static void report(struct metric *m, int rounds)
{
	double sorted[MAX_ROUNDS], median;

	memcpy(sorted, m->rounds, sizeof(double) * rounds);
	qsort(sorted, rounds, sizeof(double), compare);
	median = sorted[rounds / 2];
	printf("%-40s %12.2f %-6s %.2f-%.2f\n", m->label, median, m->unit, sorted[0],
	       sorted[rounds - 1]);
}

int main(int argc, char **argv)
{
	struct metric ioctl_us = { .label = "plain ioctl (REDU_GET_STATS)", .unit = "us" };
	struct metric raise_us = { .label = "interrupt round trip (REDU_RAISE)", .unit = "us" };
	struct metric irq_us = { .label = "  of which the interrupt", .unit = "us" };
	struct metric to_kibs = { .label = "DMA to the device (4095-byte transfers)", .unit = "KiB/s" };
	struct metric from_kibs = { .label = "DMA from the device", .unit = "KiB/s" };
	static uint8_t buf[REDU_DMA_BUFFER_SIZE];
	int rounds = 7, calls = 200, transfers = 3, fd;
	int status;

	status = bench_args(argc, argv, "edu_bench", MAX_ROUNDS, &rounds, &calls);

	if (status >= 0)
		return status;
	fd = open(REDU_DEVICE_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		perror(REDU_DEVICE_PATH);
		return 1;
	}

	for (int r = -1; r < rounds; r++) {
		struct redu_stats stats;
		uint32_t bits = 0x2, events;
		uint64_t t0, t1, t2, t3, t4;

		t0 = redu_now_ns();
		for (int i = 0; i < calls; i++)
			if (ioctl(fd, REDU_GET_STATS, &stats))
				goto failed;
		t1 = redu_now_ns();
		for (int i = 0; i < calls; i++)
			if (ioctl(fd, REDU_RAISE, &bits) || read(fd, &events, 4) != 4)
				goto failed;
		t2 = redu_now_ns();
		for (int i = 0; i < transfers; i++)
			if (redu_dma(fd, REDU_DMA_WRITE, buf, 0, sizeof(buf)))
				goto failed;
		t3 = redu_now_ns();
		for (int i = 0; i < transfers; i++)
			if (redu_dma(fd, REDU_DMA_READ, buf, 0, sizeof(buf)))
				goto failed;
		t4 = redu_now_ns();
		/* The first round warms up. */
		if (r < 0)
			continue;
		ioctl_us.rounds[r] = (t1 - t0) / 1e3 / calls;
		/* A raise is a REDU_RAISE and a read(2): two calls. */
		raise_us.rounds[r] = (t2 - t1) / 1e3 / calls - ioctl_us.rounds[r];
		irq_us.rounds[r] = raise_us.rounds[r] - ioctl_us.rounds[r];
		to_kibs.rounds[r] = transfers * sizeof(buf) / 1024.0 / ((t3 - t2) / 1e9);
		from_kibs.rounds[r] = transfers * sizeof(buf) / 1024.0 / ((t4 - t3) / 1e9);
	}
	printf("# rust_edu commands: %d calls a metric (%d transfers each way), %d rounds after a warm-up\n",
	       calls, transfers, rounds);
	printf("%-40s %12s %-6s %s\n", "metric (median of rounds)", "rust_edu", "", "spread");
	report(&ioctl_us, rounds);
	report(&raise_us, rounds);
	report(&irq_us, rounds);
	report(&to_kibs, rounds);
	report(&from_kibs, rounds);
	close(fd);
	return 0;
failed:
	perror("rust_edu command");
	close(fd);
	return 1;
}

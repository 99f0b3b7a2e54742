// SPDX-License-Identifier: GPL-2.0
/*
 * How fast the driver under test serves its sysfs files: reads and writes
 * of bank-a's scratch (one register) and channels (a list, one register a
 * channel), each through a file kept open (pread/pwrite at offset 0, so
 * every call reaches the driver's show or store). rust_platform runs it, and
 * c_platform with its twin environment (tests/c_platform/twin.env): `make
 * compare` sets the two side by side. There is no kernel counterpart to
 * compare with in the same run; under the instruction-count clock (make
 * bench, make compare) the rates of two runs compare all the same.
 *
 * The set is repeated (--rounds, 7 by default, after one round not
 * counted); each line shows the median rate of the rounds and their spread.
 * It states no bound: under --gate (make bench-gate) it has nothing to check
 * and exits at once.
 *
 *	sysfs_bench [--gate] [--rounds N] [--calls N]
 */
#include "../bank.h"
#include "bench_args.h"

#include <time.h>

#define MAX_ROUNDS 32

static const struct {
	const char *label;
	const char *attr;
	const char *written;	/* NULL: the metric reads */
} metrics[] = {
	{ "scratch read, calls/s", "scratch", NULL },
	{ "scratch write, calls/s", "scratch", "0x5a5aa5a5" },
	{ "channels read, calls/s", "channels", NULL },
	{ "channels write, calls/s", "channels", "1 2 3" },
};

#define METRICS (sizeof(metrics) / sizeof(metrics[0]))

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* @calls calls of metric @m on bank @b; calls a second, or -1 on an error. */
static double rate(const struct bank *b, size_t m, int calls)
{
	const char *text = metrics[m].written;
	char path[512], buf[256];
	double start;
	int fd, i;

	attr_path(b, metrics[m].attr, path, sizeof(path));
	fd = open(path, (text ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	start = now_s();
	for (i = 0; i < calls; i++) {
		ssize_t n = text ? pwrite(fd, text, strlen(text), 0) :
				   pread(fd, buf, sizeof(buf), 0);

		if (n <= 0) {
			fprintf(stderr, "%s: call %d: %s\n", path, i, n ? strerror(errno) : "empty");
			close(fd);
			return -1;
		}
	}
	close(fd);
	return calls / (now_s() - start);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static double values[METRICS][MAX_ROUNDS];
	struct bank bank = BANK_A;
	int rounds = 7, calls = 2000;
	double warm;
	int status;

	status = bench_args(argc, argv, "sysfs_bench", MAX_ROUNDS, &rounds, &calls);

	if (status >= 0)
		return status;
	if (!bank_find(&bank) || !bank_bound(&bank)) {
		fprintf(stderr, "bank %s is not bound to %s\n", bank.acpi_path, platform_driver());
		return 1;
	}
	for (size_t m = 0; m < METRICS; m++) {
		warm = rate(&bank, m, calls);
		if (warm < 0)
			return 1;
	}
	for (int r = 0; r < rounds; r++)
		for (size_t m = 0; m < METRICS; m++)
			if ((values[m][r] = rate(&bank, m, calls)) < 0)
				return 1;

	printf("# %s sysfs files of %s: %d calls a metric, %d rounds after a warm-up\n",
	       platform_driver(), bank.name, calls, rounds);
	printf("%-28s %11s  %s\n", "metric (median of rounds)", platform_driver(), "spread");
	for (size_t m = 0; m < METRICS; m++) {
		qsort(values[m], rounds, sizeof(values[m][0]), compare_double);
		printf("%-28s %11.1f  %.1f-%.1f (%+.1f%%)\n", metrics[m].label,
		       values[m][rounds / 2], values[m][0], values[m][rounds - 1],
		       100 * (values[m][rounds - 1] - values[m][0]) / values[m][rounds / 2]);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * rust_pipe against the kernel's pipe(2), in the same run: throughput and
 * wake-up latency, printed side by side with their ratios.
 *
 * - Throughput: one writer and one reader thread move the given amount in
 *   chunks of 64 KiB and of 4 KiB; MiB/s, median of THROUGHPUT_RUNS runs
 *   alternating between the two. For a like-for-like comparison the
 *   rust_pipe capacity is set to the pipe's (F_GETPIPE_SZ, 64 KiB) for the
 *   run and restored to the default afterwards.
 * - Latency: a reader blocked in read(2) (checked through /proc, outside
 *   the timed region), a writer writes 8 bytes: the time from just before
 *   the write(2) call to just after read(2) returns; median and p99 of
 *   LATENCY_SAMPLES.
 *
 * Targets: rust_pipe throughput >= 0.8x pipe(2), latency <= 1.25x.
 *
 *	pipe_bench [MiB]	(default 64 MiB per throughput run)
 */
#include "../rpipe_test.h"

#define LATENCY_SAMPLES 2000
#define THROUGHPUT_RUNS 3

struct channel {
	const char *name;
	int rd, wr;
};

struct stream {
	int fd;
	size_t chunk;
	unsigned long long bytes;
	int err;
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Moves s->bytes through s->fd in s->chunk pieces: writes, or reads. */
static void *stream_move(struct stream *s, bool writing)
{
	char *buf = calloc(1, s->chunk);
	unsigned long long left = s->bytes;

	while (buf && left) {
		size_t len = left < s->chunk ? left : s->chunk;
		ssize_t n = writing ? write(s->fd, buf, len) : read(s->fd, buf, len);

		if (n <= 0) {
			s->err = n < 0 ? errno : EIO;
			break;
		}
		left -= n;
	}
	free(buf);
	return NULL;
}

static void *stream_write(void *arg)
{
	return stream_move(arg, true);
}

static void *stream_read(void *arg)
{
	return stream_move(arg, false);
}

static int compare_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Returns MiB/s, or a negative value on error. */
static double throughput(const struct channel *c, size_t chunk,
			 unsigned long long bytes)
{
	struct stream w = { .fd = c->wr, .chunk = chunk, .bytes = bytes };
	struct stream r = { .fd = c->rd, .chunk = chunk, .bytes = bytes };
	pthread_t wt, rt;
	long long start = now_ns(), ns;

	if (pthread_create(&rt, NULL, stream_read, &r))
		return -1;
	if (pthread_create(&wt, NULL, stream_write, &w)) {
		pthread_cancel(rt);
		pthread_join(rt, NULL);
		return -1;
	}
	pthread_join(wt, NULL);
	pthread_join(rt, NULL);
	ns = now_ns() - start;
	if (w.err || r.err) {
		fprintf(stderr, "%s: %s\n", c->name, strerror(w.err ? w.err : r.err));
		return -1;
	}
	return (double)bytes / (1 << 20) / (ns / 1e9);
}

struct latency_reader {
	int fd;
	pid_t tid;
	long long returned_ns[LATENCY_SAMPLES];
	int err;
};

static void *latency_read(void *arg)
{
	struct latency_reader *l = arg;
	char buf[8];

	__atomic_store_n(&l->tid, rpipe_gettid(), __ATOMIC_SEQ_CST);
	for (int i = 0; i < LATENCY_SAMPLES; i++) {
		if (read(l->fd, buf, sizeof(buf)) != sizeof(buf)) {
			l->err = errno ? errno : EIO;
			break;
		}
		l->returned_ns[i] = now_ns();
	}
	return NULL;
}


/* Fills @median_ns and @p99_ns; returns false on error. */
static bool latency(const struct channel *c, double *median_ns, double *p99_ns)
{
	static struct latency_reader l;
	static long long written_ns[LATENCY_SAMPLES], delta[LATENCY_SAMPLES];
	pthread_t thread;
	bool ok = true;

	memset(&l, 0, sizeof(l));
	l.fd = c->rd;
	if (pthread_create(&thread, NULL, latency_read, &l))
		return false;
	while (!__atomic_load_n(&l.tid, __ATOMIC_SEQ_CST))
		usleep(100);
	for (int i = 0; ok && i < LATENCY_SAMPLES; i++) {
		/* Untimed: wait until the reader sleeps in read(2). */
		ok = rpipe_wait_blocked(l.tid, SYS_read, c->rd);
		written_ns[i] = now_ns();
		ok = ok && write(c->wr, "8 bytes!", 8) == 8;
	}
	pthread_join(thread, NULL);
	if (!ok || l.err) {
		fprintf(stderr, "%s: latency run failed\n", c->name);
		return false;
	}
	for (int i = 0; i < LATENCY_SAMPLES; i++)
		delta[i] = l.returned_ns[i] - written_ns[i];
	qsort(delta, LATENCY_SAMPLES, sizeof(delta[0]), compare_ll);
	*median_ns = delta[LATENCY_SAMPLES / 2];
	*p99_ns = delta[LATENCY_SAMPLES * 99 / 100];
	return true;
}

int main(int argc, char **argv)
{
	unsigned long long bytes = (argc > 1 ? strtoull(argv[1], NULL, 0) : 64) << 20;
	const size_t chunks[] = { 64 << 10, 4 << 10 };
	struct channel pipe_ch = { .name = "pipe(2)" };
	struct channel rust_ch = { .name = "rust_pipe" };
	double rust_med, rust_p99, pipe_med, pipe_p99;
	int fds[2], size;

	if (pipe2(fds, O_CLOEXEC)) {
		perror("pipe2");
		return 1;
	}
	pipe_ch.rd = fds[0];
	pipe_ch.wr = fds[1];
	size = fcntl(pipe_ch.wr, F_GETPIPE_SZ);
	rust_ch.rd = rpipe_open(O_RDONLY);
	rust_ch.wr = rpipe_open(O_WRONLY);
	if (size <= 0 || rust_ch.rd < 0 || rust_ch.wr < 0 || !rpipe_reset() ||
	    rpipe_set_capacity(rust_ch.wr, size)) {
		fprintf(stderr, "setup failed: %s\n", strerror(errno));
		return 1;
	}

	printf("# rust_pipe vs pipe(2), capacity %d bytes each, %llu MiB per throughput run\n",
	       size, bytes >> 20);
	printf("%-24s %12s %12s %8s\n", "metric", "rust_pipe", "pipe(2)", "ratio");
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		double pipe_runs[THROUGHPUT_RUNS], rust_runs[THROUGHPUT_RUNS];
		double pipe_mibs, rust_mibs;
		char label[48];

		for (int run = 0; run < THROUGHPUT_RUNS; run++) {
			pipe_runs[run] = throughput(&pipe_ch, chunks[i], bytes);
			rust_runs[run] = throughput(&rust_ch, chunks[i], bytes);
			if (pipe_runs[run] <= 0 || rust_runs[run] <= 0)
				return 1;
		}
		qsort(pipe_runs, THROUGHPUT_RUNS, sizeof(double), compare_double);
		qsort(rust_runs, THROUGHPUT_RUNS, sizeof(double), compare_double);
		pipe_mibs = pipe_runs[THROUGHPUT_RUNS / 2];
		rust_mibs = rust_runs[THROUGHPUT_RUNS / 2];
		snprintf(label, sizeof(label), "MiB/s, %zu KiB chunks", chunks[i] >> 10);
		printf("%-24s %12.1f %12.1f %7.2fx  (target >= 0.80x)\n", label,
		       rust_mibs, pipe_mibs, rust_mibs / pipe_mibs);
	}
	if (!latency(&pipe_ch, &pipe_med, &pipe_p99) ||
	    !latency(&rust_ch, &rust_med, &rust_p99))
		return 1;
	printf("%-24s %12.1f %12.1f %7.2fx  (target <= 1.25x)\n",
	       "wake-up median, us", rust_med / 1e3, pipe_med / 1e3,
	       rust_med / pipe_med);
	printf("%-24s %12.1f %12.1f %7.2fx  (target <= 1.25x)\n",
	       "wake-up p99, us", rust_p99 / 1e3, pipe_p99 / 1e3,
	       rust_p99 / pipe_p99);

	close(rust_ch.rd);
	close(rust_ch.wr);
	return rpipe_reset() ? 0 : 1;
}

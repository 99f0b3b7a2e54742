// SPDX-License-Identifier: GPL-2.0
/*
 * rust_pipe against the kernel's pipe(2), in the same run, side by side:
 *
 * - throughput, one writer and one reader thread, in 64 KiB, 4 KiB and
 *   64-byte writes (small messages); the 64-byte runs move 1/16 of --mib
 *   (1 MiB by default): at 1/64 their rounds were too short for the ratio
 *   of two runs to agree within 2%;
 * - the same with 4 writers and 4 readers sharing the FIFO;
 * - wake-up latency of a reader blocked in read(2), and of one blocked in
 *   epoll_wait(2), from just before a writer's 8-byte write(2) to just
 *   after the reader's call returns: median and p99 of LATENCY_SAMPLES.
 *
 * The whole set is repeated (--rounds, 7 by default, after one round not
 * counted, alternating which channel goes first); each line shows the median
 * of the rounds and, for the ratio, its spread (lowest and highest ratio of
 * a round). For a
 * like-for-like comparison the rust_pipe capacity is set to the pipe's
 * (F_GETPIPE_SZ, 64 KiB) for the run and restored afterwards. Writers run
 * on CPU 0 and readers on CPU 1, so every wake-up crosses CPUs: left to the
 * scheduler, a round whose reader happens to share the writer's CPU wakes
 * it about ten times faster, and the rounds no longer agree.
 *
 * With --gate, the exit status is 1 when rust_pipe falls below GATE: less
 * than 1.0x pipe(2)'s throughput at 4 KiB or 64 KiB (1+1), or more than
 * 1.1x its median wake-up latency in read(2).
 *
 *	pipe_bench [--gate] [--rounds N] [--mib N]
 */
#include "../rpipe_test.h"

#include <sys/epoll.h>

#define LATENCY_SAMPLES 1000
#define MAX_ROUNDS 32
#define MANY 4

struct channel {
	const char *name;
	int rd, wr;
};

enum metric {
	TPUT_64K,
	TPUT_4K,
	TPUT_64B,
	TPUT_64K_MANY,
	TPUT_4K_MANY,
	TPUT_64B_MANY,
	READ_MEDIAN,
	READ_P99,
	EPOLL_MEDIAN,
	EPOLL_P99,
	METRICS
};

static const struct {
	const char *label;
	size_t chunk;		/* throughput: bytes a write; 0 for latency */
	int threads;		/* writers, and as many readers */
	unsigned int share;	/* throughput: 1/share of --mib moved */
	bool epoll;		/* latency: the reader waits in epoll_wait(2) */
} metrics[METRICS] = {
	[TPUT_64K] = { "MiB/s, 64 KiB writes", 64 << 10, 1, 1 },
	[TPUT_4K] = { "MiB/s, 4 KiB writes", 4 << 10, 1, 1 },
	[TPUT_64B] = { "MiB/s, 64 B writes", 64, 1, 16 },
	[TPUT_64K_MANY] = { "MiB/s, 64 KiB, 4+4 threads", 64 << 10, MANY, 1 },
	[TPUT_4K_MANY] = { "MiB/s, 4 KiB, 4+4 threads", 4 << 10, MANY, 1 },
	[TPUT_64B_MANY] = { "MiB/s, 64 B, 4+4 threads", 64, MANY, 16 },
	[READ_MEDIAN] = { "read wake-up median, us" },
	[READ_P99] = { "read wake-up p99, us" },
	[EPOLL_MEDIAN] = { "epoll wake-up median, us", .epoll = true },
	[EPOLL_P99] = { "epoll wake-up p99, us", .epoll = true },
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#define WRITER_CPU 0
#define READER_CPU 1

/* Pins the calling thread to @cpu; false, saying why, when it cannot. */
static bool pin_to(int cpu)
{
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (err)
		fprintf(stderr, "pinning a thread to CPU %d: %s\n", cpu, strerror(err));
	return !err;
}

struct stream {
	int fd;
	size_t chunk;
	unsigned long long bytes;
	bool writing;
	int err;
};

/* Moves s->bytes through s->fd in s->chunk pieces: writes, or reads. */
static void *stream_move(void *arg)
{
	struct stream *s = arg;
	char *buf = calloc(1, s->chunk);
	unsigned long long left = s->bytes;

	if (!buf)
		s->err = ENOMEM;
	else if (!pin_to(s->writing ? WRITER_CPU : READER_CPU))
		s->err = EINVAL;
	while (buf && !s->err && left) {
		size_t len = left < s->chunk ? left : s->chunk;
		ssize_t n = s->writing ? write(s->fd, buf, len) : read(s->fd, buf, len);

		if (n <= 0) {
			s->err = n < 0 ? errno : EIO;
			break;
		}
		left -= n;
	}
	free(buf);
	return NULL;
}

/*
 * MiB/s of @threads writers and as many readers moving @bytes in all, or a
 * negative value on error. Every reader reads exactly its share, so the
 * readers together take exactly what the writers put in.
 */
static double throughput(const struct channel *c, size_t chunk, int threads,
			 unsigned long long bytes)
{
	struct stream s[2 * MANY];
	pthread_t t[2 * MANY];
	int n = 2 * threads, err = 0;
	long long start = now_ns(), ns;

	for (int i = 0; i < n; i++) {
		s[i] = (struct stream){
			.fd = i < threads ? c->wr : c->rd,
			.chunk = chunk,
			.bytes = bytes / threads,
			.writing = i < threads,
		};
	}
	for (int i = n - 1; i >= 0 && !err; i--)
		err = pthread_create(&t[i], NULL, stream_move, &s[i]);
	if (err) {
		/* The threads started cannot finish: a broken run ends the program. */
		fprintf(stderr, "%s: pthread_create: %s\n", c->name, strerror(err));
		exit(1);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	ns = now_ns() - start;
	for (int i = 0; i < n; i++) {
		if (s[i].err) {
			fprintf(stderr, "%s: %s\n", c->name, strerror(s[i].err));
			return -1;
		}
	}
	return (double)(bytes / threads * threads) / (1 << 20) / (ns / 1e9);
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

struct latency_reader {
	int fd, epfd;
	pid_t tid;
	long long returned_ns[LATENCY_SAMPLES];
	int err;
};

static void *latency_read(void *arg)
{
	struct latency_reader *l = arg;
	struct epoll_event event;
	char buf[8];

	if (!pin_to(READER_CPU)) {
		l->err = EINVAL;
		return NULL;
	}
	__atomic_store_n(&l->tid, rpipe_gettid(), __ATOMIC_SEQ_CST);
	for (int i = 0; i < LATENCY_SAMPLES; i++) {
		if (l->epfd >= 0 && syscall(SYS_epoll_wait, l->epfd, &event, 1, -1) != 1) {
			l->err = errno ? errno : EIO;
			break;
		}
		if (read(l->fd, buf, sizeof(buf)) != sizeof(buf)) {
			l->err = errno ? errno : EIO;
			break;
		}
		l->returned_ns[i] = now_ns();
	}
	return NULL;
}

/* Fills @median_ns and @p99_ns; returns false on error. */
static bool latency(const struct channel *c, bool epoll, double *median_ns, double *p99_ns)
{
	static struct latency_reader l;
	static long long written_ns[LATENCY_SAMPLES], delta[LATENCY_SAMPLES];
	struct epoll_event event = { .events = EPOLLIN };
	pthread_t thread;
	bool ok = true;

	memset(&l, 0, sizeof(l));
	l.fd = c->rd;
	l.epfd = -1;
	if (epoll) {
		l.epfd = epoll_create1(EPOLL_CLOEXEC);
		if (l.epfd < 0 || epoll_ctl(l.epfd, EPOLL_CTL_ADD, c->rd, &event)) {
			fprintf(stderr, "%s: epoll: %s\n", c->name, strerror(errno));
			return false;
		}
	}
	if (pthread_create(&thread, NULL, latency_read, &l))
		return false;
	while (!__atomic_load_n(&l.tid, __ATOMIC_SEQ_CST) && !__atomic_load_n(&l.err, __ATOMIC_SEQ_CST))
		usleep(100);
	ok = !__atomic_load_n(&l.err, __ATOMIC_SEQ_CST);
	for (int i = 0; ok && i < LATENCY_SAMPLES; i++) {
		/* Untimed: wait until the reader sleeps in its call. */
		ok = epoll ? rpipe_wait_blocked(l.tid, SYS_epoll_wait, l.epfd) :
			     rpipe_wait_blocked(l.tid, SYS_read, c->rd);
		written_ns[i] = now_ns();
		ok = ok && write(c->wr, "8 bytes!", 8) == 8;
	}
	pthread_join(thread, NULL);
	if (l.epfd >= 0)
		close(l.epfd);
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

/* One round: every metric of @c, in metrics[] order (throughput MiB/s, latency us). */
static bool measure(const struct channel *c, unsigned long long bytes, double *values)
{
	for (int m = 0; m < METRICS; m++) {
		if (metrics[m].chunk) {
			values[m] = throughput(c, metrics[m].chunk, metrics[m].threads,
					       bytes / metrics[m].share);
			if (values[m] <= 0)
				return false;
		} else if (m == READ_MEDIAN || m == EPOLL_MEDIAN) {
			double median, p99;

			if (!latency(c, metrics[m].epoll, &median, &p99))
				return false;
			values[m] = median / 1e3;
			values[m + 1] = p99 / 1e3;
		}
	}
	return true;
}

static double median(double *values, int n)
{
	qsort(values, n, sizeof(values[0]), compare_double);
	return values[n / 2];
}

/* What --gate asks of rust_pipe: the ratio bound of each gated metric. */
static const struct {
	enum metric metric;
	double bound;
	bool at_least;		/* throughput: ratio >= bound; latency: ratio <= bound */
} gate[] = {
	{ TPUT_64K, 1.0, true },
	{ TPUT_4K, 1.0, true },
	{ READ_MEDIAN, 1.1, false },
};

int main(int argc, char **argv)
{
	static double values[2][MAX_ROUNDS][METRICS];
	struct channel channels[2] = { { .name = rpipe_module() }, { .name = "pipe(2)" } };
	unsigned long long bytes = 16ULL << 20;
	double ratio[METRICS], low[METRICS], high[METRICS];
	int rounds = 7, fds[2], size, failed = 0;
	bool check_gate = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--gate")) {
			check_gate = true;
		} else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			rounds = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--mib") && i + 1 < argc) {
			bytes = strtoull(argv[++i], NULL, 0) << 20;
		} else {
			fprintf(stderr, "usage: %s [--gate] [--rounds N] [--mib N]\n", argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || bytes == 0) {
		fprintf(stderr, "rounds must be 1 to %d, --mib at least 1\n", MAX_ROUNDS);
		return 2;
	}

	/* The latency runs' writer is this thread. */
	if (!pin_to(WRITER_CPU))
		return 1;
	if (pipe2(fds, O_CLOEXEC)) {
		perror("pipe2");
		return 1;
	}
	channels[1].rd = fds[0];
	channels[1].wr = fds[1];
	size = fcntl(fds[1], F_GETPIPE_SZ);
	channels[0].rd = rpipe_open(O_RDONLY);
	channels[0].wr = rpipe_open(O_WRONLY);
	if (size <= 0 || channels[0].rd < 0 || channels[0].wr < 0 || !rpipe_reset() ||
	    rpipe_set_capacity(channels[0].wr, size)) {
		fprintf(stderr, "setup failed: %s\n", strerror(errno));
		return 1;
	}

	/* A round not counted: pages of the program and the kernel's caches warm up. */
	for (int c = 0; c < 2; c++)
		if (!measure(&channels[c], bytes, values[c][0]))
			return 1;
	for (int r = 0; r < rounds; r++)
		for (int c = 0; c < 2; c++)
			if (!measure(&channels[(r + c) % 2], bytes, values[(r + c) % 2][r]))
				return 1;

	printf("# %s vs pipe(2): capacity %d bytes each, %llu MiB a throughput run "
	       "(1/%u of it in 64 B writes), %d rounds after a warm-up\n", channels[0].name, size,
	       bytes >> 20, metrics[TPUT_64B].share, rounds);
	printf("%-28s %11s %11s %8s  %s\n", "metric (median of rounds)", channels[0].name,
	       "pipe(2)", "ratio", "spread of the ratio");
	for (int m = 0; m < METRICS; m++) {
		double rust[MAX_ROUNDS], pipe[MAX_ROUNDS], ratios[MAX_ROUNDS];

		for (int r = 0; r < rounds; r++) {
			rust[r] = values[0][r][m];
			pipe[r] = values[1][r][m];
			ratios[r] = rust[r] / pipe[r];
		}
		ratio[m] = median(ratios, rounds);
		low[m] = ratios[0];
		high[m] = ratios[rounds - 1];
		printf("%-28s %11.1f %11.1f %7.3fx  %.3f-%.3f (%+.1f%%)\n", metrics[m].label,
		       median(rust, rounds), median(pipe, rounds), ratio[m], low[m], high[m],
		       100 * (high[m] - low[m]) / ratio[m]);
	}

	close(channels[0].rd);
	close(channels[0].wr);
	if (!rpipe_reset())
		return 1;
	if (!check_gate)
		return 0;
	for (size_t g = 0; g < sizeof(gate) / sizeof(gate[0]); g++) {
		enum metric m = gate[g].metric;
		bool ok = gate[g].at_least ? ratio[m] >= gate[g].bound : ratio[m] <= gate[g].bound;

		printf("gate: %s: %s %.3fx (bound %s %.2fx)\n", metrics[m].label,
		       ok ? "ok" : "FAILED", ratio[m], gate[g].at_least ? ">=" : "<=",
		       gate[g].bound);
		failed += !ok;
	}
	return failed ? 1 : 0;
}

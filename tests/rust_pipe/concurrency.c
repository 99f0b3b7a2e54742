// SPDX-License-Identifier: GPL-2.0
/*
 * rust_pipe under concurrency: 4 writers and 4 readers move 64 MiB through
 * the default 4 KiB pipe with blocking calls of random sizes.
 *
 * Every byte a writer passes to one write(2) call carries the same tag:
 * (writer << 6) | (call number % 64); the rest of a short write goes out in
 * the next call, with the next number. Readers check each chunk they read:
 * a FIFO slice holds each writer's calls in order and never has a call
 * split by another writer's bytes. Per-tag byte counts on both sides prove
 * that every byte written is read exactly once.
 */
#include "rpipe_test.h"

#include <signal.h>

#define WRITERS 4
#define READERS 4
#define TOTAL_BYTES (64u << 20)
#define PER_WRITER (TOTAL_BYTES / WRITERS)
#define MAX_CALL 8192
#define TAGS 256
#define DEADLINE_MS 120000

static int fd_write, fd_read;
static volatile int done;
static unsigned long long total_read;
static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t progress = PTHREAD_COND_INITIALIZER;

struct writer {
	pthread_t thread;
	int id;
	unsigned long long tag_bytes[TAGS];
	int err;
};

struct reader {
	pthread_t thread;
	unsigned int seed;
	unsigned long long tag_bytes[TAGS];
	unsigned long long chunks;
	unsigned long long order_errors;
	unsigned long long split_errors;
	int err;
};

static unsigned int next_random(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	static __thread char buf[MAX_CALL];
	unsigned int seed = 0x1234u + w->id, call = 0;
	size_t left = PER_WRITER;

	while (left) {
		size_t size = 1 + next_random(&seed) % MAX_CALL;
		unsigned char tag = (unsigned char)(w->id << 6 | (call & 63));
		ssize_t n;

		if (size > left)
			size = left;
		memset(buf, tag, size);
		n = write(fd_write, buf, size);
		if (n <= 0) {
			w->err = n < 0 ? errno : EIO;
			return NULL;
		}
		w->tag_bytes[tag] += n;
		left -= n;
		call++;
	}
	return NULL;
}

/* Checks one chunk: see the file comment. */
static void check_chunk(struct reader *r, const unsigned char *buf, size_t n)
{
	int last_call[WRITERS] = { -1, -1, -1, -1 };
	bool interrupted[WRITERS] = { false };
	int prev_writer = -1;

	for (size_t i = 0; i < n; i++) {
		int writer = buf[i] >> 6, call = buf[i] & 63;

		r->tag_bytes[buf[i]]++;
		if (i && buf[i] == buf[i - 1])
			continue;
		if (prev_writer >= 0 && prev_writer != writer)
			interrupted[prev_writer] = true;
		if (last_call[writer] >= 0) {
			if (call == last_call[writer] && interrupted[writer])
				r->split_errors++;
			else if (call != ((last_call[writer] + 1) & 63))
				r->order_errors++;
		}
		last_call[writer] = call;
		interrupted[writer] = false;
		prev_writer = writer;
	}
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	static __thread unsigned char buf[MAX_CALL];

	while (!done) {
		size_t size = 1 + next_random(&r->seed) % MAX_CALL;
		ssize_t n = read(fd_read, buf, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r->err = n < 0 ? errno : EIO;
			break;
		}
		r->chunks++;
		check_chunk(r, buf, n);
		pthread_mutex_lock(&progress_lock);
		total_read += n;
		if (total_read >= TOTAL_BYTES)
			pthread_cond_signal(&progress);
		pthread_mutex_unlock(&progress_lock);
	}
	return NULL;
}

static void wake_on_signal(int sig)
{
	(void)sig;
}

/* Stops a reader that may be blocked in read(2): signal until it returns. */
static bool stop_reader(struct reader *r)
{
	long long deadline = rpipe_now_ms() + RPIPE_WAIT_TIMEOUT_MS;

	while (rpipe_now_ms() < deadline) {
		struct timespec until;

		pthread_kill(r->thread, SIGUSR1);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 50 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		if (pthread_timedjoin_np(r->thread, NULL, &until) == 0)
			return true;
	}
	ktap_diag("a reader did not stop");
	return false;
}

/* What the workload left for the cases to judge. */
static struct rpipe_stats before;
static unsigned long long order_errors, split_errors, chunks;
static bool finished = true, conserved = true;
static int err;

/*
 * Runs the workload the cases judge: the readers and writers to their end,
 * what they moved tallied. False when it could not start.
 */
static bool run_workload(void)
{
	static struct writer writers[WRITERS];
	static struct reader readers[READERS];
	struct sigaction sa = { .sa_handler = wake_on_signal };
	unsigned long long written[TAGS] = { 0 }, read_bytes[TAGS] = { 0 };
	unsigned long long sum_written = 0, sum_read = 0;
	long long start, elapsed;
	struct timespec until;
	bool setup;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	setup = rpipe_reset();
	fd_write = rpipe_open(O_WRONLY);
	fd_read = rpipe_open(O_RDONLY);
	setup = setup && fd_write >= 0 && fd_read >= 0 &&
		rpipe_stats(fd_read, &before);

	start = rpipe_now_ms();
	for (int i = 0; setup && i < READERS; i++) {
		readers[i].seed = 0xabcdu + i;
		setup = !pthread_create(&readers[i].thread, NULL, reader_main,
					&readers[i]);
	}
	for (int i = 0; setup && i < WRITERS; i++) {
		writers[i].id = i;
		setup = !pthread_create(&writers[i].thread, NULL, writer_main,
					&writers[i]);
	}
	if (!setup) {
		ktap_diag("setup failed: %s", strerror(errno));
		return false;
	}

	for (int i = 0; i < WRITERS; i++) {
		finished = rpipe_join_within(writers[i].thread, DEADLINE_MS) && finished;
		if (writers[i].err) {
			ktap_diag("writer %d: %s", i, strerror(writers[i].err));
			err = writers[i].err;
		}
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += DEADLINE_MS / 1000;
	pthread_mutex_lock(&progress_lock);
	while (!err && total_read < TOTAL_BYTES) {
		if (pthread_cond_timedwait(&progress, &progress_lock, &until)) {
			ktap_diag("only %llu of %u bytes read after %d s",
				  total_read, TOTAL_BYTES, DEADLINE_MS / 1000);
			finished = false;
			break;
		}
	}
	pthread_mutex_unlock(&progress_lock);
	elapsed = rpipe_now_ms() - start;
	done = 1;
	for (int i = 0; i < READERS; i++) {
		finished = stop_reader(&readers[i]) && finished;
		if (readers[i].err) {
			ktap_diag("reader %d: %s", i, strerror(readers[i].err));
			err = readers[i].err;
		}
	}
	ktap_diag("%u MiB in %lld ms (%.1f MiB/s)", TOTAL_BYTES >> 20, elapsed,
		  elapsed ? (TOTAL_BYTES >> 20) * 1000.0 / elapsed : 0.0);

	for (int i = 0; i < WRITERS; i++)
		for (int t = 0; t < TAGS; t++)
			written[t] += writers[i].tag_bytes[t];
	for (int i = 0; i < READERS; i++) {
		for (int t = 0; t < TAGS; t++)
			read_bytes[t] += readers[i].tag_bytes[t];
		order_errors += readers[i].order_errors;
		split_errors += readers[i].split_errors;
		chunks += readers[i].chunks;
	}
	for (int t = 0; t < TAGS; t++) {
		sum_written += written[t];
		sum_read += read_bytes[t];
		conserved = ktap_check(conserved, written[t] == read_bytes[t],
				       "tag %#x: %llu written, %llu read", t,
				       written[t], read_bytes[t]);
	}
	conserved = ktap_check(conserved, sum_written == TOTAL_BYTES &&
				sum_read == TOTAL_BYTES,
			       "%llu written, %llu read", sum_written, sum_read);
	return true;
}

static bool every_byte_read_exactly_once(void)
{
	return !err && finished && conserved;
}

static bool write_calls_stay_contiguous_and_in_order(void)
{
	ktap_diag("%llu chunks read", chunks);
	return ktap_check(!err && finished, order_errors == 0 && split_errors == 0,
			  "%llu out-of-order calls, %llu split calls", order_errors, split_errors);
}

static bool stats_account_for_every_byte(void)
{
	struct rpipe_stats after;
	bool ok;

	ok = rpipe_stats(fd_read, &after);
	ok = ktap_check(ok, after.bytes_written - before.bytes_written == TOTAL_BYTES,
			"bytes_written +%llu",
			(unsigned long long)(after.bytes_written - before.bytes_written));
	ok = ktap_check(ok, after.bytes_read - before.bytes_read == TOTAL_BYTES,
			"bytes_read +%llu", (unsigned long long)(after.bytes_read - before.bytes_read));
	ok = ktap_check(ok, after.len == 0, "len %llu", (unsigned long long)after.len);
	return ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(every_byte_read_exactly_once),
		KTAP_CASE(write_calls_stay_contiguous_and_in_order),
		KTAP_CASE(stats_account_for_every_byte),
	};
	int status = ktap_run_after(run_workload, cases, ARRAY_SIZE(cases));

	close(fd_write);
	close(fd_read);
	rpipe_reset();
	return status;
}

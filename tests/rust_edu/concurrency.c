// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent users on one device: threads, each on its own file, mix
 * factorials, transfers of their own pattern to their own part of the
 * device buffer, and raised interrupts. The driver runs one command of each
 * kind at a time, so every thread must get its own correct results, and
 * afterwards every interrupt raised must have been acknowledged. The
 * device takes 100 ms a transfer, one at a time: 10 rounds of 4 threads
 * take 8 s of it.
 */
#include "redu_test.h"

#define THREADS		4
#define ROUNDS		10
#define SLICE		(REDU_DMA_BUFFER_SIZE / THREADS)

struct worker {
	int index;
	int fd;
	unsigned int wrong;
	char first_error[160];
};

static void note(struct worker *w, const char *what, int err, uint32_t round)
{
	if (!w->wrong++)
		snprintf(w->first_error, sizeof(w->first_error), "thread %d round %u: %s: %s",
			 w->index, round, what, err ? strerror(err) : "wrong result");
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint32_t offset = (uint32_t)w->index * SLICE;
	uint8_t out[SLICE], back[SLICE];

	for (uint32_t round = 0; round < ROUNDS; round++) {
		uint32_t n = (round * 7 + (uint32_t)w->index * 13) % 40, result = 0;
		uint32_t bits = 1u << (1 + w->index), events = 0;
		int err;

		err = redu_factorial(w->fd, n, &result);
		if (err || result != redu_factorial_reference(n))
			note(w, "factorial", err, round);

		for (uint32_t i = 0; i < SLICE; i++)
			out[i] = redu_pattern(w->index * 1000 + round, i);
		err = redu_dma(w->fd, REDU_DMA_WRITE, out, offset, SLICE);
		if (!err)
			err = redu_dma(w->fd, REDU_DMA_READ, back, offset, SLICE);
		if (err || memcmp(out, back, SLICE))
			note(w, "transfer", err, round);

		if (ioctl(w->fd, REDU_RAISE, &bits))
			note(w, "raise", errno, round);
		/* Another thread may have read this bit already: drain without waiting. */
		if (read(w->fd, &events, 4) < 0 && errno != EAGAIN)
			note(w, "read", errno, round);
	}
	return NULL;
}

/* The device's file and statistics from before the threads. */
static int fd = -1;
static struct redu_stats before;

static bool setup(void)
{
	fd = redu_open(O_RDWR | O_NONBLOCK);
	return fd >= 0 && redu_stats(fd, &before);
}

static bool threads_get_their_results(void)
{
	struct worker workers[THREADS];
	pthread_t threads[THREADS];
	bool ok = true;

	for (int i = 0; i < THREADS; i++) {
		workers[i] = (struct worker){ .index = i, .fd = redu_open(O_RDWR | O_NONBLOCK) };
		ok = ktap_check(ok, workers[i].fd >= 0 &&
				!pthread_create(&threads[i], NULL, work, &workers[i]), "start %d", i);
	}
	for (int i = 0; i < THREADS; i++) {
		if (workers[i].fd < 0)
			continue;
		pthread_join(threads[i], NULL);
		ok = ktap_check(ok, !workers[i].wrong, "%u wrong, first: %s", workers[i].wrong,
				workers[i].first_error);
		close(workers[i].fd);
	}
	return ok;
}

static bool every_interrupt_acknowledged(void)
{
	struct redu_stats after;
	uint32_t events;
	bool ok;

	while (read(fd, &events, 4) == 4)
		;
	ok = redu_stats(fd, &after);
	ok = ktap_check(ok, after.fact_raised - before.fact_raised == THREADS * ROUNDS &&
			after.fact_acked - before.fact_acked == THREADS * ROUNDS &&
			after.dma_raised - before.dma_raised == 2 * THREADS * ROUNDS &&
			after.dma_acked - before.dma_acked == 2 * THREADS * ROUNDS &&
			after.user_raised - before.user_raised == THREADS * ROUNDS &&
			after.user_acked - before.user_acked == THREADS * ROUNDS &&
			after.waiters == 0,
			"factorial %" PRIu64 "/%" PRIu64 ", dma %" PRIu64 "/%" PRIu64
			", raised %" PRIu64 "/%" PRIu64 ", waiters %u",
			(uint64_t)(after.fact_raised - before.fact_raised),
			(uint64_t)(after.fact_acked - before.fact_acked),
			(uint64_t)(after.dma_raised - before.dma_raised),
			(uint64_t)(after.dma_acked - before.dma_acked),
			(uint64_t)(after.user_raised - before.user_raised),
			(uint64_t)(after.user_acked - before.user_acked), after.waiters);
	return ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("concurrent factorials, transfers and interrupts each get their own results",
				threads_get_their_results),
		KTAP_CASE_NAMED("every interrupt raised was acknowledged",
				every_interrupt_acknowledged),
	};
	int status = ktap_run_after(setup, cases, ARRAY_SIZE(cases));

	if (fd >= 0)
		close(fd);
	return status;
}

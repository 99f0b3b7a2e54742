// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_platform fuzzer (main.c): phase 2, the concurrent
 * one. Hostile writers, a valid writer of bank A and readers of both banks
 * run at once, each thread on files of its own and on a random sequence
 * of its own, derived from the seed.
 */

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "ktap.h"
#include "fuzzer.h"

struct worker {
	pthread_t thread;
	int index;
	uint64_t rng;
	double deadline;
	struct files files;
	long operations;
	char failure[400];
	/* The valid writer's last values. */
	struct regs last;
	unsigned char input[INPUT_MAX];
};

static struct regs bank_b_before;
static volatile int stop;

static void worker_fail(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void worker_fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->failure, sizeof(w->failure), fmt, ap);
	va_end(ap);
	stop = 1;
}

static bool worker_running(struct worker *w)
{
	return !stop && !w->failure[0] && now() < w->deadline;
}

/* Sends only input the model rejects, or empty writes, to both banks. */
static void hostile(struct worker *w)
{
	unsigned char *input = w->input;
	char shown_input[400];
	struct regs scratch_model = { 0 };
	long expected, result;
	int bank, attr;
	size_t len;

	while (worker_running(w)) {
		bank = rng_below(&w->rng, 2);
		attr = pick_attr(&w->rng);
		len = make_input(&w->rng, &banks[bank], attr, rng_below(&w->rng, KINDS), input);
		expected = predict(&banks[bank], attr, input, len, &scratch_model);
		if (expected > 0)
			continue;	/* accepted input would change what the others check */
		result = file_write(&w->files, bank, attr, input, len);
		w->operations++;
		if (result != expected)
			worker_fail(w, "%s/%s <- \"%s\": %ld, expected %ld", banks[bank].dev.name,
				    attr_names[attr], escaped(input, len, shown_input,
							      sizeof(shown_input)),
				    result, expected);
	}
}

/* The lowest channel limit of bank A: every channel accepts levels up to it. */
static uint32_t common_limit(void)
{
	uint32_t limit = UINT32_MAX;
	unsigned int i;

	for (i = 0; i < banks[0].channels; i++)
		limit = banks[0].limits[i] < limit ? banks[0].limits[i] : limit;
	return limit;
}

/* Valid writes to bank A: tagged scratch values, equal levels on every channel. */
static void valid_writer(struct worker *w)
{
	const struct fuzz_bank *a = &banks[0];
	unsigned char *input = w->input;
	unsigned int k, i;
	long result;
	size_t len;
	int attr;

	for (k = 0; worker_running(w); k++) {
		attr = k % WRITABLE_ATTRS;
		len = put_spaces(&w->rng, input, 0);
		switch (attr) {
		case SCRATCH:
			w->last.scratch = SCRATCH_TAG | (k & 0xffff);
			len = put_number(&w->rng, input, len, w->last.scratch);
			break;
		case ENABLE:
			w->last.enable = k / WRITABLE_ATTRS % 2;
			len = put(input, len, w->last.enable ? "1" : "0");
			break;
		case MODE:
			w->last.mode = k / WRITABLE_ATTRS % (a->max_mode + 1);
			len = put_number(&w->rng, input, len, w->last.mode);
			break;
		default:
			for (i = 0; i < a->channels; i++) {
				w->last.levels[i] = k / WRITABLE_ATTRS % (common_limit() + 1);
				len = put(input, len, i ? " " : "");
				len = put_number(&w->rng, input, len, w->last.levels[i]);
			}
			break;
		}
		len = rng_below(&w->rng, 2) ? put(input, len, "\n") : len;
		result = file_write(&w->files, 0, attr, input, len);
		w->operations++;
		if (result != (long)len)
			worker_fail(w, "valid write of \"%.*s\" to %s: %ld", (int)len, input,
				    attr_names[attr], result);
	}
}

/* Bank A always shows values the valid writer could have written. */
static void reader_a(struct worker *w)
{
	const struct fuzz_bank *a = &banks[0];
	struct regs regs;
	unsigned int i;

	while (worker_running(w)) {
		w->operations++;
		if (!regs_read(&w->files, 0, &regs)) {
			worker_fail(w, "reading bank A failed");
			return;
		}
		if ((regs.scratch & 0xffff0000u) != SCRATCH_TAG)
			worker_fail(w, "bank A scratch %#x lacks the tag", regs.scratch);
		if (regs.enable > 1 || regs.mode > a->max_mode)
			worker_fail(w, "bank A enable %u, mode %u", regs.enable, regs.mode);
		for (i = 0; i < a->channels; i++)
			if (regs.levels[i] != regs.levels[0] || regs.levels[i] > common_limit())
				worker_fail(w, "bank A channel %u is %u, channel 0 is %u", i,
					    regs.levels[i], regs.levels[0]);
	}
}

/* Bank B only gets rejected writes: it never changes. */
static void reader_b(struct worker *w)
{
	while (worker_running(w)) {
		w->operations++;
		if (!bank_matches(&w->files, 1, &bank_b_before, "a rejected write")) {
			worker_fail(w, "bank B changed (see above)");
			return;
		}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (w->index < HOSTILE_THREADS)
		hostile(w);
	else if (w->index == HOSTILE_THREADS)
		valid_writer(w);
	else if (w->index == HOSTILE_THREADS + 1)
		reader_a(w);
	else
		reader_b(w);
	return NULL;
}

bool concurrent(uint64_t seed)
{
	static const char *const roles[] = { "hostile writer", "valid writer", "bank A reader",
					     "bank B reader" };
	static struct worker workers[THREADS];
	struct regs after, expected;
	struct worker *valid = &workers[HOSTILE_THREADS];
	char zero_levels[2 * MAX_CHANNELS] = "";
	double start;
	struct files f;
	bool ok = true;
	int i, opened, started = 0;

	for (i = 0; i < (int)banks[0].channels; i++)
		strcat(zero_levels, i ? " 0" : "0");

	ok = ktap_check(ok, files_open(&f), "opening the files of both banks");
	if (!ok)
		return false;
	/* Bank A starts as the valid writer could have left it: tagged, equal levels. */
	ok = ktap_check(ok, !attr_write(&banks[0].dev, "scratch", TEXT(SCRATCH_TAG)) &&
			!attr_write(&banks[0].dev, "channels", zero_levels) &&
			!attr_write(&banks[0].dev, "mode", "0") &&
			!attr_write(&banks[0].dev, "enable", "0"),
			"preparing bank A");
	ok = ktap_check(ok, regs_read(&f, 1, &bank_b_before), "reading bank B");
	ok = ktap_check(ok, regs_read(&f, 0, &valid->last), "reading bank A");
	if (!ok) {
		files_close(&f);
		return false;
	}

	/*
	 * Every thread's files first: opening them takes longer than the phase
	 * on the debug kernel, and the phase starts when the threads do.
	 */
	for (opened = 0; opened < THREADS; opened++) {
		struct worker *w = &workers[opened];

		w->index = opened;
		w->rng = seed ^ (0x51ed2701ULL * (opened + 1));
		if (!ktap_check(ok, files_open(&w->files), "opening files for thread %d", opened)) {
			ok = false;
			break;
		}
	}
	start = now();
	for (started = 0; ok && started < THREADS; started++) {
		struct worker *w = &workers[started];

		w->deadline = start + CONCURRENT_SECONDS;
		if (!ktap_check(ok, !pthread_create(&w->thread, NULL, worker_main, w),
				"starting thread %d", started)) {
			ok = false;
			stop = 1;
			break;
		}
	}
	for (i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	for (i = 0; i < opened; i++)
		files_close(&workers[i].files);
	ktap_diag("concurrent: %d threads for %.1f s", started, now() - start);
	for (i = 0; i < started; i++) {
		const char *role = roles[i < HOSTILE_THREADS ? 0 : i - HOSTILE_THREADS + 1];

		ktap_diag("  thread %d (%s): %ld operations", i, role, workers[i].operations);
		ok = ktap_check(ok, !workers[i].failure[0], "thread %d (%s): %s", i, role,
				workers[i].failure);
		ok = ktap_check(ok, workers[i].operations > 0, "thread %d (%s) did nothing", i,
				role);
	}

	/* Both banks end as their valid writes left them. */
	expected = valid->last;
	ok = ktap_check(ok, regs_read(&f, 0, &after), "reading bank A");
	ok = ktap_check(ok, after.scratch == expected.scratch && after.enable == expected.enable &&
			after.mode == expected.mode &&
			!memcmp(after.levels, expected.levels,
				banks[0].channels * sizeof(after.levels[0])),
			"bank A does not hold the last valid writes");
	ok = bank_matches(&f, 1, &bank_b_before, "the concurrent phase") && ok;
	files_close(&f);
	return ok;
}


// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_vmdio fuzzer (main.c): phase 2, the concurrent one.
 * Hostile callers, a valid writer and readers run at once, each thread on
 * a random sequence of its own, derived from the seed; a known state is
 * set afterwards.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "ktap.h"
#include "fuzzer.h"

struct worker {
	pthread_t thread;
	uint64_t rng;
	void (*run)(struct worker *w);
	bool failed;
	long iterations;
};

static volatile int stop;

static void hostile_worker(struct worker *w)
{
	while (!stop && !w->failed) {
		w->failed = !hostile_call(&w->rng);
		w->iterations++;
	}
}

/*
 * Valid writes to every file; only ENODEV (detached), or EBUSY (attached)
 * for link_irq, may fail them.
 */
static void valid_writer(struct worker *w)
{
	struct fixture_state scratch;
	unsigned char input[INPUT_MAX];
	char shown[INPUT_MAX * 4 + 32];
	enum file_id file;
	size_t len;
	int ret;

	while (!stop && !w->failed) {
		file = rng_below(&w->rng, WRITABLE_FILES);
		/*
		 * Valid input for an attached PHY (a detached one for link_irq),
		 * whatever the other threads do.
		 */
		do {
			scratch = (struct fixture_state){ .attached = file != LINK_IRQ };
			len = make_input(&w->rng, file, input);
		} while (predict_write(&scratch, file, input, len) != 0);
		ret = write_call(file, input, len);
		if (ret && !(ret == -ENODEV && (file == ADVERTISE || file == RUNNING)) &&
		    !(ret == -EBUSY && file == LINK_IRQ)) {
			ktap_diag("%s <- \"%s\": %s", file_names[file],
				  escaped(input, len, shown, sizeof(shown)), strerror(-ret));
			w->failed = true;
		}
		w->iterations++;
	}
}

/* Every readable file reads in its format. */
static void reader(struct worker *w)
{
	static const enum file_id readable[] = { CABLE, PARTNER, ATTACHED, RUNNING, LINK_IRQ,
						 ACCESS_LOG, LINK, LINK_EVENTS, REGISTERS };
	char text[16384];
	enum file_id file;
	bool ok;
	long n;

	while (!stop && !w->failed) {
		file = readable[rng_below(&w->rng, sizeof(readable) / sizeof(readable[0]))];
		n = read_call(file, text, sizeof(text) - 1);
		ok = n >= 0;
		if (ok) {
			text[n] = '\0';
			if (file == CABLE || file == ATTACHED || file == RUNNING)
				ok = !strcmp(text, "0\n") || !strcmp(text, "1\n");
			else if (file == PARTNER)
				ok = modes_read(text) != ~0u;
			else if (file == LINK_IRQ)
				ok = !strcmp(text, "mac\n") || !strcmp(text, "poll\n");
			else if (file == LINK)
				ok = !strcmp(text, "down\n") || !strncmp(text, "up ", 3);
		}
		if (!ok) {
			ktap_diag("%s reads \"%s\" (%s)", file_names[file], n >= 0 ? text : "",
				  n < 0 ? strerror(-n) : "bad format");
			w->failed = true;
		}
		w->iterations++;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->run(w);
	return NULL;
}

bool concurrent(uint64_t seed)
{
	struct worker workers[THREADS] = { 0 };
	long iterations[3] = { 0 };
	bool ok = true;
	int i;

	for (i = 0; i < THREADS; i++) {
		workers[i].rng = seed + 1 + i;
		workers[i].run = i < HOSTILE_THREADS ? hostile_worker :
				 i == HOSTILE_THREADS ? valid_writer : reader;
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i])) {
			ktap_diag("pthread_create: %s", strerror(errno));
			stop = 1;
			while (i--)
				pthread_join(workers[i].thread, NULL);
			return false;
		}
	}
	usleep(CONCURRENT_SECONDS * 1e6);
	stop = 1;
	for (i = 0; i < THREADS; i++) {
		pthread_join(workers[i].thread, NULL);
		ok = ktap_check(ok, !workers[i].failed, "worker %d failed", i);
		iterations[i < HOSTILE_THREADS ? 0 : i == HOSTILE_THREADS ? 1 : 2] +=
			workers[i].iterations;
	}
	ktap_diag("concurrent: %ld hostile, %ld valid writes, %ld reads", iterations[0],
		  iterations[1], iterations[2]);
	return ok && state_reset();
}


/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_pipe fuzzer (main.c), phase 2: what one of the threads
 * does. Each mixes hostile reads, writes and ioctls with valid traffic,
 * polls and short-lived opens on the shared pipe. Without a model, a call is
 * judged by what no interleaving allows: an undocumented errno, more bytes
 * than could be copied, counters that go back.
 */
#ifndef RKM_TESTS_RUST_PIPE_FUZZ_WORKERS_H
#define RKM_TESTS_RUST_PIPE_FUZZ_WORKERS_H

#include "../rpipe_test.h"

#define THREADS			8
#define OPS_PER_THREAD		4000

struct worker {
	pthread_t thread;
	int id;
	uint64_t rng;
	int fds[3];		/* read-write, read-only, write-only; all O_NONBLOCK */
	uint64_t written, read;
	struct rpipe_stats last;	/* the last counters this thread saw */
};

void *worker_main(void *arg);

#endif /* RKM_TESTS_RUST_PIPE_FUZZ_WORKERS_H */

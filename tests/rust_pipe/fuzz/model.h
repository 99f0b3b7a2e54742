/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_pipe fuzzer (main.c): what phase 1 predicts the driver
 * against. A model of the FIFO (its bytes and the counters RPIPE_GET_STATS
 * must report), the pool of descriptors the calls pick from with the access
 * each one has, the poll events the model implies, and the check of the
 * driver's counters after every call.
 */
#ifndef RKM_TESTS_RUST_PIPE_FUZZ_MODEL_H
#define RKM_TESTS_RUST_PIPE_FUZZ_MODEL_H

#include "../rpipe_test.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expect.h"

#define POOL_FIXED		6
#define POOL_DYNAMIC		6

/* A descriptor number this program never has open. */
#define CLOSED_FD		9999

/* The FIFO as phase 1 predicts it. */
struct fifo_model {
	uint8_t bytes[RPIPE_CAPACITY_MAX];	/* a ring; capacity never exceeds it */
	size_t head, len;
	struct rpipe_stats stats;		/* what RPIPE_GET_STATS must say */
};

extern struct fifo_model model;

extern uint8_t scratch[RPIPE_CAPACITY_MAX], expected[RPIPE_CAPACITY_MAX];

void model_push(const uint8_t *bytes, size_t n);

void model_pop(uint8_t *out, size_t n);

void model_clear(void);

size_t model_free(void);

/* A descriptor the fuzzer uses, and what it refers to. */
struct fd_entry {
	int fd;
	bool open;		/* dynamic entries come and go */
	bool driver;		/* a file of the driver: not O_PATH, not closed */
	bool can_read, can_write, nonblock;
	uint32_t epoll_events;	/* registered with the epoll instance if nonzero */
	int flags;		/* of open(2) and fcntl(F_SETFL) */
	char name[24];		/* for diagnostics: "rw-nb", "path-ro"... */
};

/* The fixed descriptors, the dynamic ones, and one that is never open. */
extern struct fd_entry pool[POOL_FIXED + POOL_DYNAMIC + 1];

extern struct fd_entry *const stats_fd;

extern struct fd_entry *const closed_fd;

extern int epoll_fd;

void name_entry(struct fd_entry *f);

void set_entry(struct fd_entry *f, int fd, int flags);

bool setup_pool(void);

/*
 * A descriptor from the pool, or the closed one. Calls that need read or
 * write access mostly get a descriptor that has it, so that they reach the
 * driver rather than stop at EBADF.
 */
enum fd_need { ANY_FD, READER_FD, WRITER_FD };

struct fd_entry *pick_fd(uint64_t *rng, enum fd_need need);

uint32_t model_events(const struct fd_entry *f);

bool get_stats(int fd, struct rpipe_stats *stats);

bool stats_equal(const struct rpipe_stats *a, const struct rpipe_stats *b);

#define STATS_FMT "capacity %llu len %llu written %llu read %llu readers %u writers %u"
#define STATS_ARGS(s)                                                              \
	(unsigned long long)(s).capacity, (unsigned long long)(s).len,             \
		(unsigned long long)(s).bytes_written, (unsigned long long)(s).bytes_read, \
		(s).readers, (s).writers

void check_state(enum test_case c, long op, const char *call);

#endif /* RKM_TESTS_RUST_PIPE_FUZZ_MODEL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_pipe fuzzer (main.c): what phase 1 predicts the driver
 * against. A model of the FIFO (its bytes and the counters RPIPE_GET_STATS
 * must report), the pool of descriptors the calls pick from with the access
 * each one has, the poll events the model implies, and the check of the
 * driver's counters after every call.
 */
#include "../rpipe_test.h"

#include <poll.h>
#include <sys/epoll.h>

#include "fuzz.h"
#include "expect.h"
#include "model.h"

struct fifo_model model;

uint8_t scratch[RPIPE_CAPACITY_MAX], expected[RPIPE_CAPACITY_MAX];

void model_push(const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		model.bytes[(model.head + model.len + i) % RPIPE_CAPACITY_MAX] = bytes[i];
	model.len += n;
	model.stats.len = model.len;
	model.stats.bytes_written += n;
}

void model_pop(uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = model.bytes[(model.head + i) % RPIPE_CAPACITY_MAX];
	model.head = (model.head + n) % RPIPE_CAPACITY_MAX;
	model.len -= n;
	model.stats.len = model.len;
	model.stats.bytes_read += n;
}

void model_clear(void)
{
	model.head = model.len = 0;
	model.stats.len = 0;
}

size_t model_free(void)
{
	return model.stats.capacity - model.len;
}

struct fd_entry pool[POOL_FIXED + POOL_DYNAMIC + 1];

struct fd_entry *const stats_fd = &pool[0];

struct fd_entry *const closed_fd = &pool[POOL_FIXED + POOL_DYNAMIC];

int epoll_fd = -1;

void name_entry(struct fd_entry *f)
{
	static const char *const modes[] = { "ro", "wo", "rw", "none" };

	snprintf(f->name, sizeof(f->name), "%s%s%s", f->flags & O_PATH ? "path-" : "",
		 modes[f->flags & O_ACCMODE], f->flags & O_NONBLOCK ? "-nb" : "");
}

void set_entry(struct fd_entry *f, int fd, int flags)
{
	int mode = flags & O_ACCMODE;

	f->fd = fd;
	f->open = true;
	f->driver = !(flags & O_PATH);
	f->can_read = f->driver && (mode == O_RDONLY || mode == O_RDWR);
	f->can_write = f->driver && (mode == O_WRONLY || mode == O_RDWR);
	f->nonblock = flags & O_NONBLOCK;
	f->epoll_events = 0;
	f->flags = flags;
	name_entry(f);
}

bool setup_pool(void)
{
	static const int fixed[POOL_FIXED] = {
		O_RDWR | O_NONBLOCK, O_RDWR, O_RDONLY | O_NONBLOCK, O_WRONLY | O_NONBLOCK,
		O_ACCMODE | O_NONBLOCK, O_PATH | O_RDWR,
	};

	for (int i = 0; i < POOL_FIXED; i++) {
		int fd = rpipe_open(fixed[i]);

		if (fd < 0)
			return false;
		set_entry(&pool[i], fd, fixed[i]);
	}
	closed_fd->fd = CLOSED_FD;
	closed_fd->open = true;
	snprintf(closed_fd->name, sizeof(closed_fd->name), "closed");
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	return epoll_fd >= 0;
}

struct fd_entry *pick_fd(uint64_t *rng, enum fd_need need)
{
	bool insist = need != ANY_FD && rng_below(rng, 8);
	struct fd_entry *f;

	if (!insist && rng_below(rng, 30) == 0)
		return closed_fd;
	do
		f = &pool[rng_below(rng, POOL_FIXED + POOL_DYNAMIC)];
	while (!f->open ||
	       (insist && !(need == READER_FD ? f->can_read : f->can_write)));
	return f;
}

/* The poll events the driver reports for @f, per the model. */
uint32_t model_events(const struct fd_entry *f)
{
	uint32_t events = 0;

	if (f->can_read && model.len)
		events |= POLLIN | POLLRDNORM;
	if (f->can_write && model_free())
		events |= POLLOUT | POLLWRNORM;
	return events;
}

bool get_stats(int fd, struct rpipe_stats *stats)
{
	count_call();
	return ioctl(fd, RPIPE_GET_STATS, stats) == 0;
}

bool stats_equal(const struct rpipe_stats *a, const struct rpipe_stats *b)
{
	return a->capacity == b->capacity && a->len == b->len &&
	       a->bytes_written == b->bytes_written && a->bytes_read == b->bytes_read &&
	       a->readers == b->readers && a->writers == b->writers;
}

/*
 * Compares the driver's counters with the model after op @op. On a mismatch
 * the model adopts the driver's view, and both are emptied so that later
 * content checks are meaningful again.
 */
void check_state(enum test_case c, long op, const char *call)
{
	struct rpipe_stats now;

	if (!get_stats(stats_fd->fd, &now)) {
		fail(c, "op %ld: RPIPE_GET_STATS after %s: %s", op, call, strerror(errno));
		return;
	}
	if (stats_equal(&now, &model.stats))
		return;
	fail(c, "op %ld: after %s: " STATS_FMT ", the model says " STATS_FMT, op, call,
	     STATS_ARGS(now), STATS_ARGS(model.stats));
	count_call();
	ioctl(stats_fd->fd, RPIPE_CLEAR);
	model.stats = now;
	model_clear();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_pipe fuzzer (main.c), phase 2: what one of the threads
 * does. Each mixes hostile reads, writes and ioctls with valid traffic,
 * polls and short-lived opens on the shared pipe. Without a model, a call is
 * judged by what no interleaving allows: an undocumented errno, more bytes
 * than could be copied, counters that go back.
 */
#include "../rpipe_test.h"

#include <poll.h>
#include <sys/uio.h>

#include "fuzz.h"
#include "segs.h"
#include "expect.h"
#include "model.h"
#include "ioctl_ops.h"
#include "workers.h"

static void worker_fail(int id, long op, const char *what, long ret, int err)
{
	char got[32];

	fail(CASE_THREADS, "thread %d op %ld: %s returned %s", id, op, what,
	     result_name(ret, err, got, sizeof(got)));
}

/* The counters seen by one thread never go back, and are consistent. */
static void worker_check_stats(struct worker *w, int id, long op, const struct rpipe_stats *s)
{
	if (s->capacity < RPIPE_CAPACITY_MIN || s->capacity > RPIPE_CAPACITY_MAX ||
	    s->len > s->capacity || s->bytes_read > s->bytes_written ||
	    s->bytes_written < w->last.bytes_written || s->bytes_read < w->last.bytes_read)
		fail(CASE_THREADS, "thread %d op %ld: RPIPE_GET_STATS " STATS_FMT " after " STATS_FMT,
		     id, op, STATS_ARGS(*s), STATS_ARGS(w->last));
	w->last = *s;
}

static void worker_io(struct worker *w, int id, long op, bool reading, bool hostile)
{
	/* The read-write file, or the read-only or write-only one. */
	int fd = w->fds[rng_below(&w->rng, 2) ? 0 : reading ? 1 : 2];
	struct io_args a;
	bool vector = hostile && rng_below(&w->rng, 2);
	enum reach reach;
	size_t total, prefix;
	int refusal;
	ssize_t ret;
	char what[256], args[200];
	int err;

	if (vector)
		vector_args(&w->rng, &a);
	else
		plain_args(&a, hostile ? hostile_seg(&w->rng, random_length(&w->rng)) :
					 arena_seg(&w->rng, 1 + rng_below(&w->rng, 4096)));
	count_call();
	if (vector)
		ret = reading ? readv(fd, (const struct iovec *)a.array, (int)a.iovcnt) :
			     writev(fd, (const struct iovec *)a.array, (int)a.iovcnt);
	else
		ret = reading ? read(fd, (void *)a.seg[0].addr, a.seg[0].len) :
			     write(fd, (const void *)a.seg[0].addr, a.seg[0].len);
	err = errno;

	if (ret > 0)
		*(reading ? &w->read : &w->written) += ret;

	/*
	 * Never more than could be copied, never a byte from or to memory the
	 * caller cannot access, EFAULT only if some of it is inaccessible.
	 */
	reach = args_reach(&a, &refusal);
	total = args_total(&a);
	prefix = args_prefix(&a, reading);
	if (ret >= 0 && reach != REFUSED && (size_t)ret <= min_size(total, prefix) &&
	    (ret > 0 || total == 0))
		return;
	if (ret < 0 && reach != ACCEPTED && err == refusal)
		return;
	if (ret < 0 && reach != REFUSED && total &&
	    (err == EAGAIN || (err == EFAULT && prefix < total)))
		return;
	describe_args(&a, args, sizeof(args));
	snprintf(what, sizeof(what), "%s(%s)", reading ? (vector ? "readv" : "read") :
						       (vector ? "writev" : "write"), args);
	worker_fail(id, op, what, ret, err);
}

static void worker_ioctl(struct worker *w, int id, long op)
{
	unsigned long request = random_request(&w->rng);
	unsigned int cmd = (unsigned int)request;
	uint64_t capacity = 0;
	struct seg arg = ioctl_arg(&w->rng, cmd, 0, &capacity);
	unsigned char local[sizeof(struct rpipe_stats) + 8];
	struct expect e = { 0 };
	struct rpipe_stats copied;
	char what[96];
	int ret, err;

	/*
	 * Other threads read into the arena: a valid argument of ours moves to
	 * the stack, as misaligned as it was.
	 */
	if ((cmd == RPIPE_GET_STATS || cmd == RPIPE_SET_CAPACITY) && arg.writable == arg.len) {
		arg.addr = (uintptr_t)local + (arg.addr & 7);
		memcpy((void *)arg.addr, &capacity, sizeof(capacity));
	}
	/* Any capacity in range may meet more buffered bytes: EBUSY. */
	expect_ioctl(&e, cmd, &arg, capacity, 0);
	if (cmd == RPIPE_SET_CAPACITY && e.may_succeed)
		allow_err(&e, EBUSY);
	count_call();
	ret = ioctl(w->fds[0], request, arg.addr);
	err = errno;
	if (acceptable(&e, ret, err)) {
		if (cmd == RPIPE_GET_STATS && ret == 0) {
			memcpy(&copied, (void *)arg.addr, sizeof(copied));
			worker_check_stats(w, id, op, &copied);
		}
		return;
	}
	snprintf(what, sizeof(what), "ioctl(%#lx, %#lx, capacity %llu)", request,
		 (unsigned long)arg.addr, (unsigned long long)capacity);
	worker_fail(id, op, what, ret, err);
}

static void worker_poll(struct worker *w, int id, long op)
{
	struct pollfd fds[3] = {
		{ w->fds[0], POLLIN | POLLOUT, 0 },
		{ w->fds[1], POLLIN | POLLOUT | POLLRDNORM, 0 },
		{ w->fds[2], POLLIN | POLLOUT | POLLWRNORM, 0 },
	};
	const short allowed[3] = {
		POLLIN | POLLOUT, POLLIN | POLLRDNORM, POLLOUT | POLLWRNORM,
	};
	int ret, ready = 0;

	count_call();
	ret = poll(fds, 3, (int)rng_below(&w->rng, 2));
	for (int i = 0; i < 3; i++) {
		ready += fds[i].revents != 0;
		if (fds[i].revents & ~allowed[i])
			fail(CASE_THREADS, "thread %d op %ld: poll of fd %d gave %#x", id, op, i,
			     fds[i].revents);
	}
	if (ret != ready)
		worker_fail(id, op, "poll", ret, errno);
}

/* Opens a file, looks at its fdinfo and uses it a little, then closes it. */
static void worker_open(struct worker *w, int id, long op)
{
	static const char *const access_names[] = { "read", "write", "read-write", "none" };
	int mode = (int)rng_below(&w->rng, 4), fd;
	char path[64], line[128], access[16] = "";
	unsigned long long len = ~0ULL, capacity = 0;
	FILE *file;

	count_call();
	fd = open(rpipe_device(), mode | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		worker_fail(id, op, "open", fd, errno);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	count_call();
	file = fopen(path, "re");
	if (file) {
		while (fgets(line, sizeof(line), file)) {
			sscanf(line, "rpipe-access: %15s", access);
			sscanf(line, "rpipe-len: %llu", &len);
			sscanf(line, "rpipe-capacity: %llu", &capacity);
		}
		fclose(file);
	}
	if (strcmp(access, access_names[mode]) || len > capacity || capacity > RPIPE_CAPACITY_MAX)
		fail(CASE_THREADS, "thread %d op %ld: %s: access %s len %llu capacity %llu", id, op,
		     path, access, len, capacity);
	count_call();
	if (lseek(fd, 0, SEEK_CUR) != -1 || errno != ESPIPE)
		worker_fail(id, op, "lseek", -1, errno);
	count_call();
	close(fd);
}

void *worker_main(void *arg)
{
	struct worker *w = arg;
	int id = w->id;

	for (long op = 0; op < OPS_PER_THREAD; op++) {
		uint64_t dice = rng_below(&w->rng, 20);

		if (dice < 5)
			worker_io(w, id, op, false, false);
		else if (dice < 10)
			worker_io(w, id, op, true, false);
		else if (dice < 12)
			worker_io(w, id, op, false, true);
		else if (dice < 14)
			worker_io(w, id, op, true, true);
		else if (dice < 17)
			worker_ioctl(w, id, op);
		else if (dice < 18)
			worker_poll(w, id, op);
		else
			worker_open(w, id, op);
	}
	return NULL;
}

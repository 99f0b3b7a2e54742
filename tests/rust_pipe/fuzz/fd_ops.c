// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_pipe fuzzer (main.c), phase 1: the calls on descriptors
 * rather than data. open(2) with random flags and close(2) of the dynamic
 * descriptors, poll(2) and epoll against the events the model implies,
 * lseek(2), mmap(2), fcntl(F_SETFL) and the rpipe- lines of
 * /proc/self/fdinfo.
 */
#include "../rpipe_test.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include "fuzz.h"
#include "segs.h"
#include "expect.h"
#include "model.h"
#include "io_ops.h"	/* random_offset() */
#include "fd_ops.h"

static void model_open(const struct fd_entry *f, int delta)
{
	model.stats.readers += delta * f->can_read;
	model.stats.writers += delta * f->can_write;
}

void close_entry(struct fd_entry *f)
{
	count_call();
	close(f->fd);
	model_open(f, -1);
	f->open = false;
}

void op_open(uint64_t *rng, long op)
{
	static const int extras[] = {
		O_NONBLOCK, O_APPEND, O_TRUNC, O_CREAT, O_EXCL, O_NOCTTY, O_SYNC, O_DSYNC,
		O_DIRECT, O_NOATIME, O_NOFOLLOW, O_DIRECTORY, O_PATH, O_TMPFILE, O_ASYNC,
		O_LARGEFILE,
	};
	int flags = (int)rng_below(rng, 4), fd, err;
	struct fd_entry *slot = NULL;
	bool must_fail, path;
	char what[96];

	for (int i = POOL_FIXED; i < POOL_FIXED + POOL_DYNAMIC && !slot; i++)
		if (!pool[i].open)
			slot = &pool[i];
	if (!slot) {
		slot = &pool[POOL_FIXED + rng_below(rng, POOL_DYNAMIC)];
		close_entry(slot);
	}
	for (int n = (int)rng_below(rng, 4); n > 0; n--)
		flags |= rng_below(rng, 3) ? O_NONBLOCK : rng_pick(rng, extras);

	/*
	 * O_DIRECTORY (part of O_TMPFILE): ENOTDIR or EINVAL. O_PATH ignores
	 * the rest. O_DIRECT: EINVAL, after the driver's open (the VFS then
	 * releases the file). O_CREAT | O_EXCL: EEXIST.
	 */
	path = flags & O_PATH;
	must_fail = (flags & O_DIRECTORY) ||
		    (!path && ((flags & O_DIRECT) || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)));
	snprintf(what, sizeof(what), "open(%#o)", flags);

	count_call();
	fd = open(rpipe_device(), flags | O_CLOEXEC, 0600);
	err = errno;
	if (fd >= 0) {
		set_entry(slot, fd, flags);
		model_open(slot, 1);
		if (must_fail)
			fail(CASE_OTHER, "op %ld: %s succeeded", op, what);
	} else if (!must_fail || (err != EINVAL && err != ENOTDIR && err != EEXIST &&
				  err != EISDIR)) {
		fail(CASE_OTHER, "op %ld: %s failed: %s", op, what, strerrorname_np(err));
	}
	check_state(CASE_OTHER, op, what);
}

void op_poll(uint64_t *rng, long op)
{
	static const short event_bits[] = {
		POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLPRI, POLLRDHUP, POLLRDBAND,
	};
	struct pollfd fds[4];
	struct fd_entry *entries[4];
	nfds_t nfds = 1 + rng_below(rng, 4);
	int timeout = rng_below(rng, 10) ? 0 : 1, expected_ready = 0, ret, err;
	struct expect e = { 0 };
	struct seg hostile;
	char what[128];

	if (rng_below(rng, 6) == 0) {
		hostile = hostile_seg(rng, nfds * sizeof(struct pollfd));
		if (rng_below(rng, 4) == 0)
			nfds = rng_below(rng, 2) ? 0 : TOO_MANY_FDS;
		snprintf(what, sizeof(what), "poll(%#lx, %lu)", (unsigned long)hostile.addr,
			 (unsigned long)nfds);
		/* Random bytes as struct pollfd: random descriptors, polled harmlessly. */
		if (nfds == TOO_MANY_FDS)
			allow_err(&e, EINVAL);
		else if (hostile.writable >= nfds * sizeof(struct pollfd))
			allow_success(&e, 0, nfds);
		else
			allow_err(&e, EFAULT);
		count_call();
		ret = poll((struct pollfd *)hostile.addr, nfds, 0);
		judge(CASE_OTHER, op, what, &e, ret, errno);
		check_state(CASE_OTHER, op, what);
		return;
	}

	for (nfds_t i = 0; i < nfds; i++) {
		entries[i] = pick_fd(rng, ANY_FD);
		fds[i].fd = rng_below(rng, 20) ? entries[i]->fd : -1;
		fds[i].events = 0;
		for (int n = (int)rng_below(rng, 4); n >= 0; n--)
			fds[i].events |= rng_pick(rng, event_bits);
	}
	snprintf(what, sizeof(what), "poll(%lu fds, timeout %d)", (unsigned long)nfds, timeout);
	count_call();
	ret = poll(fds, nfds, timeout);
	err = errno;
	if (ret < 0) {
		fail(CASE_OTHER, "op %ld: %s failed: %s", op, what, strerrorname_np(err));
		return;
	}
	for (nfds_t i = 0; i < nfds; i++) {
		short want;

		if (fds[i].fd < 0)
			want = 0;
		else if (!entries[i]->driver)
			want = POLLNVAL;
		else
			want = model_events(entries[i]) & (fds[i].events | POLLERR | POLLHUP);
		expected_ready += want != 0;
		if (fds[i].revents != want)
			fail(CASE_OTHER, "op %ld: %s: %s asked %#x, got %#x, expected %#x [len %zu, free %zu]",
			     op, what, entries[i]->name, fds[i].events, fds[i].revents, want,
			     model.len, model_free());
	}
	if (ret != expected_ready)
		fail(CASE_OTHER, "op %ld: %s returned %d, expected %d", op, what, ret,
		     expected_ready);
	check_state(CASE_OTHER, op, what);
}

void op_epoll(uint64_t *rng, long op)
{
	struct fd_entry *f = pick_fd(rng, ANY_FD);
	struct epoll_event events[POOL_FIXED + POOL_DYNAMIC];
	struct expect e = { 0 };
	char what[96];
	int ret, err;

	if (rng_below(rng, 2)) {
		bool add = !f->epoll_events || rng_below(rng, 4) == 0;
		struct epoll_event event = {
			.events = ((uint32_t)rng_below(rng, 16) & (EPOLLIN | EPOLLOUT)) |
				  (rng_below(rng, 2) ? EPOLLRDNORM | EPOLLWRNORM : 0),
			.data.ptr = f,
		};

		if (!event.events)
			event.events = EPOLLIN;
		snprintf(what, sizeof(what), "epoll_ctl(%s, %s, %#x)", add ? "ADD" : "DEL",
			 f->name, event.events);
		if (!f->driver)
			allow_err(&e, EBADF);
		else if (add && f->epoll_events)
			allow_err(&e, EEXIST);
		else if (!add && !f->epoll_events)
			allow_err(&e, ENOENT);
		else
			allow_success(&e, 0, 0);
		count_call();
		ret = epoll_ctl(epoll_fd, add ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, f->fd, &event);
		if (judge(CASE_OTHER, op, what, &e, ret, errno))
			f->epoll_events = add ? event.events : 0;
		check_state(CASE_OTHER, op, what);
		return;
	}

	/* Level-triggered: every registered file that is ready, and no other. */
	snprintf(what, sizeof(what), "epoll_wait");
	count_call();
	ret = epoll_wait(epoll_fd, events, POOL_FIXED + POOL_DYNAMIC, 0);
	err = errno;
	if (ret < 0) {
		fail(CASE_OTHER, "op %ld: epoll_wait: %s", op, strerrorname_np(err));
		return;
	}
	for (int i = 0; i < POOL_FIXED + POOL_DYNAMIC; i++) {
		struct fd_entry *g = &pool[i];
		uint32_t want = g->open ? model_events(g) & g->epoll_events : 0, got = 0;

		for (int j = 0; j < ret; j++)
			if (events[j].data.ptr == g)
				got = events[j].events;
		if (got != want)
			fail(CASE_OTHER, "op %ld: epoll_wait: %s registered for %#x reported %#x, expected %#x [len %zu, free %zu]",
			     op, g->name, g->epoll_events, got, want, model.len, model_free());
	}
	check_state(CASE_OTHER, op, what);
}

/* Checks the rpipe- lines of /proc/self/fdinfo/<fd> against the model. */
static void op_fdinfo(uint64_t *rng, long op)
{
	struct fd_entry *f;
	char path[64], line[128], access[16] = "";
	const char *want_access;
	unsigned long long len = ~0ULL, capacity = ~0ULL;
	int lines = 0;
	FILE *file;

	do
		f = pick_fd(rng, ANY_FD);
	while (f == closed_fd);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", f->fd);
	count_call();
	file = fopen(path, "re");
	if (!file) {
		fail(CASE_OTHER, "op %ld: %s: %s", op, path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), file)) {
		lines += sscanf(line, "rpipe-access: %15s", access) == 1;
		lines += sscanf(line, "rpipe-len: %llu", &len) == 1;
		lines += sscanf(line, "rpipe-capacity: %llu", &capacity) == 1;
	}
	fclose(file);
	if (!f->driver) {
		if (lines)
			fail(CASE_OTHER, "op %ld: %s of an O_PATH file has rpipe- lines", op, path);
		return;
	}
	want_access = f->can_read ? (f->can_write ? "read-write" : "read") :
				    (f->can_write ? "write" : "none");
	if (lines != 3 || strcmp(access, want_access) || len != model.len ||
	    capacity != model.stats.capacity)
		fail(CASE_OTHER, "op %ld: %s: access %s len %llu capacity %llu, expected %s %zu %llu",
		     op, path, access, len, capacity, want_access, model.len,
		     (unsigned long long)model.stats.capacity);
}

void op_misc(uint64_t *rng, long op)
{
	struct fd_entry *f = pick_fd(rng, ANY_FD);
	struct expect e = { 0 };
	char what[128];
	long ret;
	int err;

	switch (rng_below(rng, 4)) {
	case 0: {
		int whence = (int)rng_below(rng, 7);
		off_t offset = random_offset(rng);

		snprintf(what, sizeof(what), "lseek(%s, %lld, %d)", f->name, (long long)offset,
			 whence);
		allow_err(&e, !f->driver ? EBADF : whence > SEEK_HOLE ? EINVAL : ESPIPE);
		count_call();
		ret = lseek(f->fd, offset, whence);
		err = errno;
		break;
	}
	case 1: {
		static const int prots[] = { PROT_NONE, PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE };
		size_t len = PAGE * (1 + rng_below(rng, 4));
		int prot = rng_pick(rng, prots), flags = rng_below(rng, 2) ? MAP_SHARED : MAP_PRIVATE;
		void *map;

		snprintf(what, sizeof(what), "mmap(%s, %zu, prot %d, flags %d)", f->name, len, prot,
			 flags);
		/* No mmap in the driver: ENODEV, or EACCES/EBADF for the access mode. */
		allow_err(&e, ENODEV);
		allow_err(&e, EACCES);
		allow_err(&e, EBADF);
		count_call();
		map = mmap(NULL, len, prot, flags, f->fd, (off_t)(PAGE * rng_below(rng, 4)));
		err = errno;
		ret = map == MAP_FAILED ? -1 : 0;
		if (map != MAP_FAILED)
			munmap(map, len);
		break;
	}
	case 2: {
		int set;

		if (f < &pool[POOL_FIXED] || f == closed_fd || !f->driver) {
			op_fdinfo(rng, op);
			return;
		}
		set = (f->flags & ~O_ACCMODE) ^ O_NONBLOCK;
		snprintf(what, sizeof(what), "fcntl(%s, F_SETFL, %#o)", f->name, set);
		allow_success(&e, 0, 0);
		count_call();
		ret = fcntl(f->fd, F_SETFL, set);
		err = errno;
		if (ret == 0) {
			f->flags ^= O_NONBLOCK;
			f->nonblock = f->flags & O_NONBLOCK;
			name_entry(f);
		}
		break;
	}
	default:
		op_fdinfo(rng, op);
		return;
	}
	judge(CASE_OTHER, op, what, &e, ret, err);
	check_state(CASE_OTHER, op, what);
}

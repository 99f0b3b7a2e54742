/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the rust_pipe test programs.
 *
 * Include it first: it defines _GNU_SOURCE. Every program expects the module loaded with its default capacity and
 * /dev/rust-pipe empty; each case cleans up after itself with rpipe_reset()
 * so a failing case does not cascade into the next.
 *
 * Any device implementing the same ABI can be tested instead: the device node
 * comes from $RKM_PIPE_DEVICE and the module's name from $RKM_PIPE_MODULE
 * (see rpipe_device() and rpipe_module()), e.g. RKM_PIPE_DEVICE=/dev/c-pipe
 * RKM_PIPE_MODULE=c_pipe for c_pipe.
 */
#ifndef RPIPE_TEST_H
#define RPIPE_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* pthread_timedjoin_np() */
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <uapi/rust_pipe.h>

#include "ktap.h"
#include "twin.h"

/* How long a test waits for another thread to reach a state before failing. */
#define RPIPE_WAIT_TIMEOUT_MS 10000

/* The module under test by default, see rpipe_module(). */
#define RPIPE_MODULE_NAME "rust_pipe"

/* The device node under test: $RKM_PIPE_DEVICE, by default RPIPE_DEVICE_PATH. */
static inline const char *rpipe_device(void)
{
	return twin_env("RKM_PIPE_DEVICE", RPIPE_DEVICE_PATH);
}

/*
 * The name of the module providing rpipe_device(): $RKM_PIPE_MODULE, by
 * default RPIPE_MODULE_NAME. It names /sys/module/<name> and the module's
 * file, <name>/<name>.ko.
 */
static inline const char *rpipe_module(void)
{
	return twin_env("RKM_PIPE_MODULE", RPIPE_MODULE_NAME);
}

static inline int rpipe_open(int flags)
{
	int fd = open(rpipe_device(), flags | O_CLOEXEC);

	if (fd < 0)
		ktap_diag("open(%s, %#x): %s", rpipe_device(), flags,
			  strerror(errno));
	return fd;
}

static inline bool rpipe_stats(int fd, struct rpipe_stats *stats)
{
	if (ioctl(fd, RPIPE_GET_STATS, stats) == 0)
		return true;
	ktap_diag("RPIPE_GET_STATS: %s", strerror(errno));
	return false;
}

/* Returns the number of bytes buffered, or -1 after reporting why. */
static inline long long rpipe_len(int fd)
{
	struct rpipe_stats stats;

	return rpipe_stats(fd, &stats) ? (long long)stats.len : -1;
}

static inline int rpipe_set_capacity(int fd, uint64_t capacity)
{
	return ioctl(fd, RPIPE_SET_CAPACITY, &capacity);
}

/* Empties the pipe and restores the default capacity. */
static inline bool rpipe_reset(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK);
	bool ok;

	if (fd < 0)
		return false;
	ok = ioctl(fd, RPIPE_CLEAR) == 0 &&
	     rpipe_set_capacity(fd, RPIPE_CAPACITY_DEFAULT) == 0;
	if (!ok)
		ktap_diag("resetting the pipe: %s", strerror(errno));
	close(fd);
	return ok;
}

/*
 * The setup of a program's cases (ktap_run_after()): the pipe as reset. A
 * failure is told, not fatal: each case resets what it needs again.
 */
static inline bool rpipe_setup(void)
{
	if (!rpipe_reset())
		ktap_diag("the pipe could not be reset: later cases may fail");
	return true;
}

/* Writes until the pipe is full; @fd must be non-blocking. */
static inline bool rpipe_fill(int fd)
{
	char buf[4096];

	memset(buf, 'f', sizeof(buf));
	for (;;) {
		ssize_t n = write(fd, buf, sizeof(buf));

		if (n > 0)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		ktap_diag("filling the pipe: write returned %zd: %s", n,
			  strerror(errno));
		return false;
	}
}

static inline long long rpipe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static inline pid_t rpipe_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/*
 * Waits until thread @tid of this process sleeps interruptibly (state S)
 * inside system call @nr, with file descriptor @fd as first argument unless
 * @fd is negative, as /proc reports it: then it is blocked in the driver (a
 * driver mutex would show as state D). Polls every millisecond, for at most
 * RPIPE_WAIT_TIMEOUT_MS.
 */
static inline bool rpipe_wait_blocked(pid_t tid, long nr, int fd)
{
	long long deadline = rpipe_now_ms() + RPIPE_WAIT_TIMEOUT_MS;
	char path[64], buf[512];

	for (;;) {
		long call = -1;
		unsigned long arg0 = ~0UL;
		char state = '?';
		char *paren;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
		f = fopen(path, "r");
		if (f) {
			if (fgets(buf, sizeof(buf), f)) {
				/* The state follows the last ')' of "pid (comm) S". */
				paren = strrchr(buf, ')');
				if (paren && paren[1] == ' ')
					state = paren[2];
			}
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%ld %lx", &call, &arg0) != 2)
				call = -1;
			fclose(f);
		}
		if (state == 'S' && call == nr &&
		    (fd < 0 || arg0 == (unsigned long)fd))
			return true;
		if (rpipe_now_ms() > deadline) {
			ktap_diag("thread %d not blocked in syscall %ld on fd %d after %d ms (state %c, syscall %ld)",
				  tid, nr, fd, RPIPE_WAIT_TIMEOUT_MS, state, call);
			return false;
		}
		usleep(1000);
	}
}

/* A blocking read or write run on another thread, see rpipe_io_start(). */
struct rpipe_io {
	pthread_t thread;
	pid_t tid;
	int fd;
	bool write;
	char *buf;
	size_t count;
	ssize_t ret;
	int err;
	int started;	/* set with the tid, before the call */
	bool running;	/* the thread exists and was not joined */
};

static inline void *rpipe_io_main(void *arg)
{
	struct rpipe_io *io = arg;

	__atomic_store_n(&io->tid, rpipe_gettid(), __ATOMIC_SEQ_CST);
	__atomic_store_n(&io->started, 1, __ATOMIC_SEQ_CST);
	io->ret = io->write ? write(io->fd, io->buf, io->count) :
			      read(io->fd, io->buf, io->count);
	io->err = errno;
	return NULL;
}

/*
 * Starts read(2) or write(2) of @count bytes at @buf on a new thread and
 * waits until it is blocked in the driver. Whatever it returns, the caller
 * must rpipe_io_join() the thread.
 */
static inline bool rpipe_io_start(struct rpipe_io *io, int fd, bool write,
				  char *buf, size_t count)
{
	long long deadline = rpipe_now_ms() + RPIPE_WAIT_TIMEOUT_MS;

	memset(io, 0, sizeof(*io));
	io->fd = fd;
	io->write = write;
	io->buf = buf;
	io->count = count;
	if (pthread_create(&io->thread, NULL, rpipe_io_main, io)) {
		ktap_diag("pthread_create failed");
		return false;
	}
	io->running = true;
	while (!__atomic_load_n(&io->started, __ATOMIC_SEQ_CST)) {
		if (rpipe_now_ms() > deadline) {
			ktap_diag("I/O thread did not start");
			return false;
		}
		usleep(1000);
	}
	return rpipe_wait_blocked(io->tid, write ? SYS_write : SYS_read, fd);
}

static inline void rpipe_ignore_signal(int sig)
{
	(void)sig;
}

/*
 * Waits at most @timeout_ms for @thread to return. If it does not, the case
 * has failed: the thread is then interrupted with SIGUSR2 (no SA_RESTART, so
 * a blocked call fails with EINTR) until it returns, so that a broken
 * wake-up fails the case instead of hanging the program.
 */
static inline bool rpipe_join_within(pthread_t thread, int timeout_ms)
{
	struct sigaction sa = { .sa_handler = rpipe_ignore_signal };
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	if (pthread_timedjoin_np(thread, NULL, &until) == 0)
		return true;
	ktap_diag("thread still blocked after %d ms: interrupting it",
		  timeout_ms);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	for (int tries = 0; tries < 100; tries++) {
		pthread_kill(thread, SIGUSR2);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec++;
		if (pthread_timedjoin_np(thread, NULL, &until) == 0)
			return false;
	}
	ktap_diag("thread cannot be interrupted");
	exit(1);
}

static inline bool rpipe_join(pthread_t thread)
{
	return rpipe_join_within(thread, RPIPE_WAIT_TIMEOUT_MS);
}

/* Joins the thread of rpipe_io_start(), if it was created. */
static inline bool rpipe_io_join(struct rpipe_io *io)
{
	if (!io->running)
		return false;
	io->running = false;
	return rpipe_join(io->thread);
}

/* Opens /dev/kmsg positioned after every record logged so far. */
static inline int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

#endif /* RPIPE_TEST_H */

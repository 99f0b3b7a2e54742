// SPDX-License-Identifier: GPL-2.0
/*
 * rust_pipe readiness: poll(2), select(2) and epoll(7) report POLLIN while
 * bytes are buffered (to readers) and POLLOUT while there is room (to
 * writers), and sleeping pollers are woken by every change.
 */
#include "rpipe_test.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

#define READABLE (POLLIN | POLLRDNORM)
#define WRITABLE (POLLOUT | POLLWRNORM)

static short revents(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM };

	if (poll(&p, 1, 0) < 0) {
		ktap_diag("poll: %s", strerror(errno));
		return -1;
	}
	return p.revents;
}

static bool poll_states(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK);
	char buf[RPIPE_CAPACITY_DEFAULT];
	short ev;
	bool ok = fd >= 0;

	ev = revents(fd);
	ok = ktap_check(ok, ev == WRITABLE, "empty: %#x", ev);
	ok = ktap_check(ok, write(fd, "a", 1) == 1, "write");
	ev = revents(fd);
	ok = ktap_check(ok, ev == (READABLE | WRITABLE), "partly full: %#x", ev);
	ok = ok && rpipe_fill(fd);
	ev = revents(fd);
	ok = ktap_check(ok, ev == READABLE, "full: %#x", ev);
	ok = ktap_check(ok, read(fd, buf, 1) == 1, "read one");
	ev = revents(fd);
	ok = ktap_check(ok, ev == (READABLE | WRITABLE), "one free: %#x", ev);
	ok = ktap_check(ok, read(fd, buf, sizeof(buf)) > 0, "drain");
	ev = revents(fd);
	ok = ktap_check(ok, ev == WRITABLE, "drained: %#x", ev);
	close(fd);
	return rpipe_reset() && ok;
}

/* Like pipe(2): readers never see POLLOUT, writers never POLLIN. */
static bool poll_follows_access_mode(void)
{
	int rd = rpipe_open(O_RDONLY), wr = rpipe_open(O_WRONLY | O_NONBLOCK);
	short ev;
	bool ok = rd >= 0 && wr >= 0;

	ev = revents(rd);
	ok = ktap_check(ok, ev == 0, "reader, empty: %#x", ev);
	ev = revents(wr);
	ok = ktap_check(ok, ev == WRITABLE, "writer, empty: %#x", ev);
	ok = ok && rpipe_fill(wr);
	ev = revents(rd);
	ok = ktap_check(ok, ev == READABLE, "reader, full: %#x", ev);
	ev = revents(wr);
	ok = ktap_check(ok, ev == 0, "writer, full: %#x", ev);
	close(rd);
	close(wr);
	return rpipe_reset() && ok;
}

struct poller {
	pthread_t thread;
	pid_t tid;
	int started;
	int fd;
	short events;
	short revents;
	int ret;
	bool running;	/* the thread exists and was not joined */
};

static void *poller_main(void *arg)
{
	struct poller *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = p->events };

	__atomic_store_n(&p->tid, rpipe_gettid(), __ATOMIC_SEQ_CST);
	__atomic_store_n(&p->started, 1, __ATOMIC_SEQ_CST);
	p->ret = poll(&pfd, 1, -1);
	p->revents = pfd.revents;
	return NULL;
}

/*
 * Starts poll(2) on another thread and waits until it sleeps in it. Whatever
 * it returns, the caller must poller_join() the thread.
 */
static bool poller_start(struct poller *p, int fd, short events)
{
	long long deadline = rpipe_now_ms() + RPIPE_WAIT_TIMEOUT_MS;

	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->events = events;
	if (pthread_create(&p->thread, NULL, poller_main, p))
		return false;
	p->running = true;
	while (!__atomic_load_n(&p->started, __ATOMIC_SEQ_CST)) {
		if (rpipe_now_ms() > deadline)
			return false;
		usleep(1000);
	}
	/* poll(2)'s first argument is the pollfd array, not the fd. */
	return rpipe_wait_blocked(p->tid, SYS_poll, -1);
}

static bool poller_join(struct poller *p)
{
	if (!p->running)
		return false;
	p->running = false;
	return rpipe_join(p->thread);
}

static bool poll_wakes_reader_and_writer(void)
{
	int rd = rpipe_open(O_RDONLY), wr = rpipe_open(O_WRONLY | O_NONBLOCK);
	struct poller p = { 0 };
	char buf[8];
	bool ok = rd >= 0 && wr >= 0;

	ok = ok && poller_start(&p, rd, POLLIN);
	ok = ktap_check(ok, write(wr, "x", 1) == 1, "write");
	ok = poller_join(&p) && ok;
	ok = ktap_check(ok, p.ret == 1 && (p.revents & POLLIN),
			"reader poll: ret %d revents %#x", p.ret, p.revents);

	ok = ok && rpipe_fill(wr);
	ok = ok && poller_start(&p, wr, POLLOUT);
	ok = ktap_check(ok, read(rd, buf, 1) == 1, "read");
	ok = poller_join(&p) && ok;
	ok = ktap_check(ok, p.ret == 1 && (p.revents & POLLOUT),
			"writer poll: ret %d revents %#x", p.ret, p.revents);
	close(rd);
	close(wr);
	return rpipe_reset() && ok;
}

static bool select_works(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK);
	struct timeval zero = { 0 };
	fd_set rfds, wfds;
	bool ok = fd >= 0;

	FD_ZERO(&rfds);
	FD_ZERO(&wfds);
	FD_SET(fd, &rfds);
	FD_SET(fd, &wfds);
	ok = ktap_check(ok, select(fd + 1, &rfds, &wfds, NULL, &zero) == 1,
			"empty");
	ok = ktap_check(ok, !FD_ISSET(fd, &rfds) && FD_ISSET(fd, &wfds), "sets");
	ok = ktap_check(ok, write(fd, "s", 1) == 1, "write");
	FD_SET(fd, &rfds);
	FD_SET(fd, &wfds);
	ok = ktap_check(ok, select(fd + 1, &rfds, &wfds, NULL, &zero) == 2,
			"readable and writable");
	close(fd);
	return rpipe_reset() && ok;
}

static int epoll_events(int ep, int timeout_ms, uint32_t *events)
{
	struct epoll_event ev = { 0 };
	int n = epoll_wait(ep, &ev, 1, timeout_ms);

	*events = n == 1 ? ev.events : 0;
	return n;
}

static bool epoll_level_triggered(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK), ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	uint32_t events;
	char buf[4];
	bool ok = fd >= 0 && ep >= 0;

	ok = ok && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0;
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 0, "empty");
	ok = ktap_check(ok, write(fd, "ab", 2) == 2, "write");
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 1 &&
				    events == EPOLLIN, "readable %#x", events);
	/* Level-triggered: reported again while bytes remain. */
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 1, "still readable");
	ok = ktap_check(ok, read(fd, buf, sizeof(buf)) == 2, "drain");
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 0, "empty again");
	close(ep);
	close(fd);
	return rpipe_reset() && ok;
}

/* Edge-triggered epoll sees one event per change, so every write wakes. */
static bool epoll_edge_triggered_every_change(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK), ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = fd };
	uint32_t events;
	bool ok = fd >= 0 && ep >= 0;

	ok = ok && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0;
	ok = ktap_check(ok, write(fd, "1", 1) == 1, "write 1");
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 1, "edge 1");
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 0, "no new edge");
	ok = ktap_check(ok, write(fd, "2", 1) == 1, "write 2");
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 1,
			"a write to a non-empty pipe is an edge too");
	close(ep);
	close(fd);
	return rpipe_reset() && ok;
}

/* A writer waiting in epoll for EPOLLOUT is woken by CLEAR and by resizing. */
static bool epoll_writer_woken_by_ioctls(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK), ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET, .data.fd = fd };
	uint32_t events;
	bool ok = fd >= 0 && ep >= 0;

	ok = ok && rpipe_fill(fd);
	ok = ok && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0;
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 0, "full");
	ok = ktap_check(ok, ioctl(fd, RPIPE_CLEAR) == 0, "clear");
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 1 &&
				    (events & EPOLLOUT), "after clear %#x", events);
	ok = ok && rpipe_fill(fd);
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 0, "full again");
	ok = ktap_check(ok, rpipe_set_capacity(fd, 2 * RPIPE_CAPACITY_DEFAULT) == 0,
			"grow");
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 1 &&
				    (events & EPOLLOUT), "after grow %#x", events);
	close(ep);
	close(fd);
	return rpipe_reset() && ok;
}

/* The device file may go away while epoll watches it, and the reverse. */
static bool epoll_teardown_orders(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK), ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
	uint32_t events;
	bool ok = fd >= 0 && ep >= 0;

	ok = ok && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0;
	close(fd);
	/* Closing the last reference removes the file from the epoll set. */
	ok = ktap_check(ok, epoll_events(ep, 0, &events) == 0, "closed file");
	close(ep);

	fd = rpipe_open(O_RDWR | O_NONBLOCK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ok = ok && fd >= 0 && ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0;
	close(ep);
	ok = ktap_check(ok, write(fd, "t", 1) == 1, "write after epoll closed");
	close(fd);
	return rpipe_reset() && ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(poll_states),
		KTAP_CASE(poll_follows_access_mode),
		KTAP_CASE(poll_wakes_reader_and_writer),
		KTAP_CASE(select_works),
		KTAP_CASE(epoll_level_triggered),
		KTAP_CASE(epoll_edge_triggered_every_change),
		KTAP_CASE(epoll_writer_woken_by_ioctls),
		KTAP_CASE(epoll_teardown_orders),
	};

	return ktap_run_after(rpipe_setup, cases, ARRAY_SIZE(cases));
}

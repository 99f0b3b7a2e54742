// SPDX-License-Identifier: GPL-2.0
/*
 * REDU_RAISE, read(2) and poll(2): every raisable bit becomes an event
 * that one read(2) returns exactly once; poll(2) follows the pending bits;
 * a blocked reader is woken by an interrupt another thread raises, and by
 * a signal; interrupts raised equal interrupts acknowledged; and the calls
 * the ABI refuses fail with their documented errors.
 */
#include "redu_test.h"

#include <poll.h>
#include <signal.h>

/* The device, opened by setup(); the cases share it. */
static int fd = -1;

static bool poll_says(int fd, bool readable)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDNORM | POLLOUT };
	int n = poll(&p, 1, 0);

	if (n < 0)
		return false;
	return readable ? p.revents == (POLLIN | POLLRDNORM) : p.revents == 0;
}

static bool every_bit(void)
{
	struct redu_stats before, after;
	uint32_t raised = 0, events;
	bool ok = redu_stats(fd, &before);

	ok = ktap_check(ok, poll_says(fd, false), "readable before any raise");
	for (int bit = 0; bit < 32; bit++) {
		uint32_t bits = 1u << bit;

		if (!(bits & REDU_RAISE_BITS))
			continue;
		ok = ktap_check(ok, ioctl(fd, REDU_RAISE, &bits) == 0, "raise bit %d", bit);
		ok = ktap_check(ok, poll_says(fd, true), "not readable after bit %d", bit);
		events = 0;
		ok = ktap_check(ok, read(fd, &events, sizeof(events)) == 4 && events == bits,
				"read after bit %d: %#x", bit, events);
		ok = ktap_check(ok, poll_says(fd, false), "readable after reading bit %d", bit);
		raised++;
	}
	ok = ok && redu_stats(fd, &after);
	ok = ktap_check(ok, after.user_raised - before.user_raised == raised &&
			after.user_acked - before.user_acked == raised,
			"raised %" PRIu64 ", acknowledged %" PRIu64 ", expected %u",
			(uint64_t)(after.user_raised - before.user_raised),
			(uint64_t)(after.user_acked - before.user_acked), raised);
	ok = ktap_check(ok, after.irqs - before.irqs >= raised, "%" PRIu64 " interrupts",
			(uint64_t)(after.irqs - before.irqs));
	ok = ktap_check(ok, after.irq_mode == REDU_IRQ_MSI, "irq_mode %u", after.irq_mode);
	return ok;
}

static bool merged_events(void)
{
	uint32_t a = 0x2, b = 0x4000, events = 0;
	bool ok = ioctl(fd, REDU_RAISE, &a) == 0 && ioctl(fd, REDU_RAISE, &b) == 0;

	/* Two interrupts before a read: one read returns both, once. */
	ok = ktap_check(ok, read(fd, &events, 4) == 4 && events == (a | b), "read %#x", events);
	ok = ktap_check(ok, poll_says(fd, false), "readable after the read");
	return ok;
}

struct reader {
	int fd;
	ssize_t n;
	int err;
	uint32_t events;
};

static void *blocked_read(void *arg)
{
	struct reader *r = arg;

	r->n = read(r->fd, &r->events, sizeof(r->events));
	r->err = errno;
	return NULL;
}

/* Waits until @waiters tasks wait for the device. */
static bool wait_for_waiters(int fd, uint32_t waiters)
{
	struct redu_stats s;

	for (int i = 0; i < 10000; i++) {
		if (!redu_stats(fd, &s))
			return false;
		if (s.waiters == waiters)
			return true;
		usleep(1000);
	}
	ktap_diag("waiters %u, expected %u", s.waiters, waiters);
	return false;
}

static bool reader_woken_by_interrupt(void)
{
	struct reader r = { .fd = fd };
	uint32_t bits = 0x80;
	pthread_t t;
	bool ok = !pthread_create(&t, NULL, blocked_read, &r);

	ok = ok && wait_for_waiters(fd, 1);
	ok = ktap_check(ok, ioctl(fd, REDU_RAISE, &bits) == 0, "raise");
	if (!pthread_join(t, NULL))
		ok = ktap_check(ok, r.n == 4 && r.events == bits, "read %zd: %#x", r.n, r.events);
	return ok;
}

static void on_signal(int sig)
{
	(void)sig;
}

static bool reader_woken_by_signal(void)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART */
	struct reader r = { .fd = fd };
	struct redu_stats s;
	pthread_t t;
	bool ok = !sigaction(SIGUSR1, &sa, NULL) && !pthread_create(&t, NULL, blocked_read, &r);

	ok = ok && wait_for_waiters(fd, 1);
	ok = ktap_check(ok, !pthread_kill(t, SIGUSR1), "pthread_kill");
	if (!pthread_join(t, NULL))
		ok = ktap_check(ok, r.n == -1 && r.err == EINTR, "read %zd, errno %d", r.n, r.err);
	ok = ok && redu_stats(fd, &s);
	ok = ktap_check(ok, s.waiters == 0, "%u waiters left", s.waiters);
	return ok;
}

static bool refusals(void)
{
	struct redu_stats before, after;
	uint32_t events, bits;
	int nonblocking = redu_open(O_RDONLY | O_NONBLOCK);
	char byte = 0;
	bool ok = nonblocking >= 0 && redu_stats(fd, &before);

	ok = ktap_check(ok, read(nonblocking, &events, 4) < 0 && errno == EAGAIN, "nonblocking read");
	ok = ktap_check(ok, read(fd, &events, 3) < 0 && errno == EINVAL, "3-byte read");
	ok = ktap_check(ok, write(fd, &byte, 1) < 0 && errno == EINVAL, "write");
	ok = ktap_check(ok, lseek(fd, 0, SEEK_SET) < 0 && errno == ESPIPE, "lseek");
	for (int i = 0; i < 4; i++) {
		static const uint32_t refused[] = { 0, 0x1, 0x100, 0x101 };

		bits = refused[i];
		ok = ktap_check(ok, ioctl(fd, REDU_RAISE, &bits) < 0 && errno == EINVAL,
				"raise %#x", bits);
	}
	ok = ktap_check(ok, ioctl(fd, REDU_RAISE, NULL) < 0 && errno == EFAULT, "raise NULL");
	ok = ktap_check(ok, ioctl(fd, _IO(REDU_IOC_MAGIC, 99)) < 0 && errno == ENOTTY, "unknown ioctl");
	ok = ktap_check(ok, ioctl(fd, REDU_GET_STATS, NULL) < 0 && errno == EFAULT, "stats NULL");
	ok = ok && redu_stats(fd, &after);
	ok = ktap_check(ok, !memcmp(&before, &after, sizeof(before)), "counters changed");
	if (nonblocking >= 0)
		close(nonblocking);
	return ok;
}

static bool fdinfo(void)
{
	char path[64], text[1024] = "";
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (f) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	return ktap_check(true, strstr(text, "edu-irq-mode:\tmsi\n") && strstr(text, "edu-irqs:\t"),
			  "fdinfo: %s", text);
}

static bool setup(void)
{
	fd = redu_open(O_RDWR);
	return fd >= 0;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("each raisable bit is acknowledged once and read once",
				every_bit),
		KTAP_CASE_NAMED("bits raised before a read come in one read", merged_events),
		KTAP_CASE_NAMED("a blocked read(2) is woken by the interrupt",
				reader_woken_by_interrupt),
		KTAP_CASE_NAMED("a blocked read(2) fails with EINTR on a signal",
				reader_woken_by_signal),
		KTAP_CASE_NAMED("refused calls fail with their documented errors, counters unchanged",
				refusals),
		KTAP_CASE_NAMED("fdinfo shows the interrupt mode and counters", fdinfo),
	};
	int status = ktap_run_after(setup, cases, ARRAY_SIZE(cases));

	if (fd >= 0)
		close(fd);
	return status;
}

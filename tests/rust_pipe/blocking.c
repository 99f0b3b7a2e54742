// SPDX-License-Identifier: GPL-2.0
/*
 * rust_pipe blocking behaviour: who wakes a blocked reader or writer, and
 * what a signal does to them.
 *
 * A case starts a blocking call on another thread and waits, through /proc,
 * until that thread sleeps inside the call (see rpipe_wait_blocked()) before
 * acting on it.
 */
#include "rpipe_test.h"

#include <signal.h>

static volatile sig_atomic_t signals_seen;

static void count_signal(int sig)
{
	(void)sig;
	signals_seen++;
}

static bool set_handler(bool restart)
{
	struct sigaction sa = { .sa_handler = count_signal };

	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL) == 0;
}

static bool reader_woken_by_writer(void)
{
	int rd = rpipe_open(O_RDONLY), wr = rpipe_open(O_WRONLY);
	struct rpipe_io io = { 0 };
	char buf[16] = { 0 };
	bool ok = rd >= 0 && wr >= 0;

	ok = ok && rpipe_io_start(&io, rd, false, buf, sizeof(buf));
	ok = ktap_check(ok, write(wr, "wake", 4) == 4, "write");
	ok = rpipe_io_join(&io) && ok;
	ok = ktap_check(ok, io.ret == 4, "read returned %zd", io.ret);
	ok = ktap_check(ok, memcmp(buf, "wake", 4) == 0, "got %.4s", buf);
	close(rd);
	close(wr);
	return rpipe_reset() && ok;
}

/* Every blocked reader is served when enough bytes arrive. */
static bool all_blocked_readers_woken(void)
{
	int rd = rpipe_open(O_RDONLY), wr = rpipe_open(O_WRONLY);
	struct rpipe_io io[3] = { 0 };
	char buf[3][4];
	bool ok = rd >= 0 && wr >= 0;

	for (int i = 0; ok && i < 3; i++)
		ok = rpipe_io_start(&io[i], rd, false, buf[i], 1);
	ok = ktap_check(ok, write(wr, "abc", 3) == 3, "write");
	for (int i = 0; i < 3; i++) {
		bool joined = rpipe_io_join(&io[i]);

		ok = ktap_check(ok, joined && io[i].ret == 1, "reader %d: %zd",
				i, io[i].ret);
	}
	ok = ktap_check(ok, rpipe_len(wr) == 0, "all consumed");
	close(rd);
	close(wr);
	return rpipe_reset() && ok;
}

/* Fills the pipe through @wr and blocks a write of 10 bytes on it. */
static bool block_writer(struct rpipe_io *io, int wr, char *buf)
{
	int nb = rpipe_open(O_WRONLY | O_NONBLOCK);
	bool ok = nb >= 0 && rpipe_fill(nb);

	if (nb >= 0)
		close(nb);
	memcpy(buf, "0123456789", 10);
	return ok && rpipe_io_start(io, wr, true, buf, 10);
}

static bool writer_woken_by_reader(void)
{
	int rd = rpipe_open(O_RDONLY), wr = rpipe_open(O_WRONLY);
	struct rpipe_io io = { 0 };
	char buf[16], out[4];
	bool ok = rd >= 0 && wr >= 0 && block_writer(&io, wr, buf);

	/* Four bytes of room: the writer takes exactly those and returns. */
	ok = ktap_check(ok, read(rd, out, 4) == 4, "read");
	ok = rpipe_io_join(&io) && ok;
	ok = ktap_check(ok, io.ret == 4, "write returned %zd", io.ret);
	ok = ktap_check(ok, rpipe_len(rd) == RPIPE_CAPACITY_DEFAULT, "full");
	close(rd);
	close(wr);
	return rpipe_reset() && ok;
}

/* Space for every blocked writer, freed at once, serves them all. */
static bool all_blocked_writers_woken(void)
{
	int rd = rpipe_open(O_RDONLY), wr = rpipe_open(O_WRONLY);
	struct rpipe_io io[2] = { 0 };
	char buf[2][16], out[20];
	bool ok = rd >= 0 && wr >= 0 && block_writer(&io[0], wr, buf[0]);

	memcpy(buf[1], "abcdefghij", 10);
	ok = ok && rpipe_io_start(&io[1], wr, true, buf[1], 10);
	ok = ktap_check(ok, read(rd, out, sizeof(out)) == sizeof(out), "read");
	for (int i = 0; i < 2; i++) {
		bool joined = rpipe_io_join(&io[i]);

		ok = ktap_check(ok, joined && io[i].ret == 10, "writer %d: %zd",
				i, io[i].ret);
	}
	ok = ktap_check(ok, rpipe_len(rd) == RPIPE_CAPACITY_DEFAULT, "full");
	close(rd);
	close(wr);
	return rpipe_reset() && ok;
}

static bool writer_woken_by_clear(void)
{
	int wr = rpipe_open(O_WRONLY);
	struct rpipe_io io = { 0 };
	char buf[16];
	bool ok = wr >= 0 && block_writer(&io, wr, buf);

	ok = ktap_check(ok, ioctl(wr, RPIPE_CLEAR) == 0, "clear");
	ok = rpipe_io_join(&io) && ok;
	ok = ktap_check(ok, io.ret == 10, "write returned %zd", io.ret);
	ok = ktap_check(ok, rpipe_len(wr) == 10, "len");
	close(wr);
	return rpipe_reset() && ok;
}

static bool writer_woken_by_set_capacity(void)
{
	int wr = rpipe_open(O_WRONLY);
	struct rpipe_io io = { 0 };
	char buf[16];
	bool ok = wr >= 0 && block_writer(&io, wr, buf);

	ok = ktap_check(ok, rpipe_set_capacity(wr, RPIPE_CAPACITY_DEFAULT + 6) == 0,
			"grow");
	ok = rpipe_io_join(&io) && ok;
	ok = ktap_check(ok, io.ret == 6, "write returned %zd", io.ret);
	ok = ktap_check(ok, rpipe_len(wr) == RPIPE_CAPACITY_DEFAULT + 6, "len");
	close(wr);
	return rpipe_reset() && ok;
}

/* O_NONBLOCK is honoured as it is when the call is made, not at open. */
static bool nonblock_toggled_by_fcntl(void)
{
	int fd = rpipe_open(O_RDWR);
	int flags = fcntl(fd, F_GETFL);
	char byte;
	bool ok = fd >= 0 && flags >= 0;

	ok = ok && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
	errno = 0;
	ok = ktap_check(ok, read(fd, &byte, 1) == -1 && errno == EAGAIN,
			"read after F_SETFL O_NONBLOCK");
	close(fd);
	return ok;
}

/* Without SA_RESTART, a signal ends a blocked read with EINTR. */
static bool signal_interrupts_read(void)
{
	int rd = rpipe_open(O_RDONLY);
	struct rpipe_io io = { 0 };
	char buf[4];
	bool ok = rd >= 0 && set_handler(false);

	signals_seen = 0;
	ok = ok && rpipe_io_start(&io, rd, false, buf, sizeof(buf));
	ok = ktap_check(ok, pthread_kill(io.thread, SIGUSR1) == 0, "kill");
	ok = rpipe_io_join(&io) && ok;
	ok = ktap_check(ok, io.ret == -1 && io.err == EINTR,
			"read returned %zd, errno %d", io.ret, io.err);
	ok = ktap_check(ok, signals_seen == 1, "handler ran %d times",
			(int)signals_seen);
	close(rd);
	return rpipe_reset() && ok;
}

static bool signal_interrupts_write(void)
{
	int wr = rpipe_open(O_WRONLY);
	struct rpipe_io io = { 0 };
	char buf[16];
	bool ok = wr >= 0 && set_handler(false) && block_writer(&io, wr, buf);

	ok = ktap_check(ok, pthread_kill(io.thread, SIGUSR1) == 0, "kill");
	ok = rpipe_io_join(&io) && ok;
	ok = ktap_check(ok, io.ret == -1 && io.err == EINTR,
			"write returned %zd, errno %d", io.ret, io.err);
	ok = ktap_check(ok, rpipe_len(wr) == RPIPE_CAPACITY_DEFAULT,
			"nothing written");
	close(wr);
	return rpipe_reset() && ok;
}

/*
 * With SA_RESTART the driver's ERESTARTSYS restarts the read: it blocks
 * again after the handler and completes when data arrives.
 */
static bool signal_with_sa_restart_restarts_read(void)
{
	int rd = rpipe_open(O_RDONLY), wr = rpipe_open(O_WRONLY);
	struct rpipe_io io = { 0 };
	char buf[4];
	bool ok = rd >= 0 && wr >= 0 && set_handler(true);
	long long deadline = rpipe_now_ms() + RPIPE_WAIT_TIMEOUT_MS;

	signals_seen = 0;
	ok = ok && rpipe_io_start(&io, rd, false, buf, sizeof(buf));
	ok = ktap_check(ok, pthread_kill(io.thread, SIGUSR1) == 0, "kill");
	while (ok && !signals_seen) {
		if (rpipe_now_ms() > deadline) {
			ok = ktap_check(ok, false, "handler did not run");
			break;
		}
		usleep(1000);
	}
	/* Back to sleep in the same read(2). */
	ok = ok && rpipe_wait_blocked(io.tid, SYS_read, rd);
	ok = ktap_check(ok, write(wr, "ok", 2) == 2, "write");
	ok = rpipe_io_join(&io) && ok;
	ok = ktap_check(ok, io.ret == 2, "read returned %zd, errno %d", io.ret,
			io.err);
	close(rd);
	close(wr);
	return rpipe_reset() && ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(reader_woken_by_writer),
		KTAP_CASE(all_blocked_readers_woken),
		KTAP_CASE(writer_woken_by_reader),
		KTAP_CASE(all_blocked_writers_woken),
		KTAP_CASE(writer_woken_by_clear),
		KTAP_CASE(writer_woken_by_set_capacity),
		KTAP_CASE(nonblock_toggled_by_fcntl),
		KTAP_CASE(signal_interrupts_read),
		KTAP_CASE(signal_interrupts_write),
		KTAP_CASE(signal_with_sa_restart_restarts_read),
	};

	return ktap_run_after(rpipe_setup, cases, ARRAY_SIZE(cases));
}

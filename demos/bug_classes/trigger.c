// SPDX-License-Identifier: GPL-2.0
/*
 * Sets off one bug class of c_bugs from user space:
 *
 *	trigger CLASS	CLASS: a file of CBUGS_DIR (include/uapi/c_bugs.h),
 *			or rust_CLASS: a file of RUST_DIR (rust_bugs/rust_bugs.rs)
 *
 * KTAP on stdout, one case: "ok" when user space got what the bug's path
 * needs (the kernel's own reports are judged on the host, by
 * scripts/bug_classes.py). Where the effect is seen from user space it is a
 * "# stat NAME=N" line: the key's bytes in the reply of "uninit", the
 * sequence numbers "data_race" lost, the bytes "oob_read" returned past its
 * string. "null_deref" and "rust_indexed_write" oops: the kernel kills this
 * program in write(2).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <uapi/c_bugs.h>

#include "ktap.h"

#define RUST_DIR "/sys/kernel/debug/rust_bugs"

/* data_race: writes each of two threads makes. */
#define RACE_WRITES 20000

static int open_in(const char *dir, const char *name, int flags)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, flags);
}

static int open_file(const char *name, int flags)
{
	return open_in(CBUGS_DIR, name, flags);
}

/* Closes the claiming file, then posts an event from another file. */
static bool use_after_free(void)
{
	int claimed = open_file("use_after_free", O_RDWR);
	bool ok = ktap_check(true, claimed >= 0, "open");
	int other;

	ok = ktap_check(ok, close(claimed) == 0, "close");
	other = open_file("use_after_free", O_RDWR);
	ok = ktap_check(ok, other >= 0, "open");
	ok = ktap_check(ok, write(other, "x", 1) == 1, "write");
	close(other);
	return ok;
}

/* A label with a tab: refused, which takes the error path. */
static bool double_free(void)
{
	int fd = open_file("double_free", O_WRONLY);
	bool ok = ktap_check(true, fd >= 0, "open");
	ssize_t n = write(fd, "bad\tlabel", 9);

	ok = ktap_check(ok, n == -1 && errno == EINVAL, "write returned %zd", n);
	close(fd);
	return ok;
}

/*
 * A command 8 bytes longer than the buffer: the buffer ends the file's
 * 24-byte state, which kmalloc() puts in a 32-byte slot, so the overflow
 * stays in the slot (KASAN's metadata after it survives) and only KASAN
 * notices it.
 */
static bool oob_write(void)
{
	int fd = open_file("oob_write", O_RDWR);
	bool ok = ktap_check(true, fd >= 0, "open");
	char cmd[CBUGS_CMD_LEN + 8];
	ssize_t n;

	memset(cmd, 'A', sizeof(cmd));
	n = write(fd, cmd, sizeof(cmd));
	ok = ktap_check(ok, n == (ssize_t)sizeof(cmd), "write returned %zd", n);
	close(fd);
	return ok;
}

/* Asks for 256 bytes of a string of about 20: the rest is other objects'. */
static bool oob_read(void)
{
	int fd = open_file("oob_read", O_RDONLY);
	bool ok = ktap_check(true, fd >= 0, "open");
	char buf[256], hex[3 * 16 + 1] = "";
	ssize_t n = read(fd, buf, sizeof(buf));
	char *end = n > 0 ? memchr(buf, '\n', n) : NULL;
	ssize_t beyond, i;

	ok = ktap_check(ok, n == (ssize_t)sizeof(buf), "read returned %zd", n);
	ok = ktap_check(ok, end, "no newline in what read returned");
	if (ok) {
		beyond = n - (end + 1 - buf);
		for (i = 0; i < beyond && i < 16; i++)
			sprintf(hex + 3 * i, " %02x", (unsigned char)end[1 + i]);
		ktap_diag("read \"%.*s\\n\", then %zd bytes more:%s ...",
			  (int)(end - buf), buf, beyond, hex);
		printf("# stat bytes_beyond=%zd\n", beyond);
	}
	close(fd);
	return ok;
}

/* Selects channel 3, which does not exist. */
static bool null_deref(void)
{
	int fd = open_file("null_deref", O_WRONLY);
	bool ok = ktap_check(true, fd >= 0, "open");
	ssize_t n;

	fflush(stdout);
	n = write(fd, "3\n", 2);
	ok = ktap_check(ok, false, "write returned %zd: the kernel did not oops", n);
	close(fd);
	return ok;
}

/*
 * Loads a key as its owner would, then asks for the information reply as
 * anyone may: the bytes of the reply that no field sets are the key's.
 */
static bool uninit(void)
{
	static const char key[CBUGS_KEY_LEN] = "SECRET-KEY-4711!";
	int loader = open_file("uninit", O_WRONLY), reader;
	bool ok = ktap_check(true, loader >= 0, "open");
	unsigned char reply[sizeof(struct cbugs_info)];
	char seen[sizeof(reply) + 1];
	size_t i, leaked = 0;
	ssize_t n;

	n = write(loader, key, sizeof(key));
	ok = ktap_check(ok, n == (ssize_t)sizeof(key), "write returned %zd", n);
	close(loader);
	reader = open_file("uninit", O_RDONLY);
	ok = ktap_check(ok, reader >= 0, "open");
	n = read(reader, reply, sizeof(reply));
	ok = ktap_check(ok, n == (ssize_t)sizeof(reply), "read returned %zd", n);
	close(reader);
	if (!ok)
		return false;

	for (i = 0; i < sizeof(reply); i++) {
		bool set = i < sizeof(__u8) ||
			   (i >= offsetof(struct cbugs_info, features) &&
			    i < offsetof(struct cbugs_info, reserved));

		seen[i] = !set && reply[i] == (unsigned char)key[i] ? key[i] : '.';
		leaked += seen[i] != '.';
	}
	seen[sizeof(reply)] = '\0';
	ktap_diag("reply bytes equal to the key's (\".\": others): \"%s\"", seen);
	printf("# stat secret_bytes=%zu\n", leaked);
	return ktap_check(ok, leaked > 0, "no byte of the key in the reply");
}

/* The next sequence number data_race hands out, or -1. */
static long long next_seq(void)
{
	int fd = open_file("data_race", O_RDONLY);
	char text[128] = "";
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	close(fd);
	return n > 0 ? strtoll(text, NULL, 10) : -1;
}

static pthread_barrier_t race_start;

/* Records RACE_WRITES events; returns how many writes failed. */
static void *race_writer(void *name)
{
	int fd = open_file("data_race", O_WRONLY);
	uintptr_t failed = fd < 0 ? RACE_WRITES : 0;
	int i;

	pthread_barrier_wait(&race_start);
	for (i = 0; fd >= 0 && i < RACE_WRITES; i++)
		failed += write(fd, name, strlen(name)) != (ssize_t)strlen(name);
	close(fd);
	return (void *)failed;
}

/* Two threads record events at once: every lost number is a lost update. */
static bool data_race(void)
{
	long long before = next_seq(), after;
	pthread_t threads[2];
	unsigned long failed = 0;
	void *result;
	int i;

	pthread_barrier_init(&race_start, NULL, 2);
	for (i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, race_writer, i ? "second" : "first");
	for (i = 0; i < 2; i++) {
		pthread_join(threads[i], &result);
		failed += (uintptr_t)result;
	}
	after = next_seq();
	if (!ktap_check(true, before >= 0 && after >= 0 && !failed,
			"sequence numbers %lld then %lld, %lu writes failed",
			before, after, failed))
		return false;
	ktap_diag("%d events recorded, sequence number went from %lld to %lld",
		  2 * RACE_WRITES, before, after);
	printf("# stat lost_updates=%lld\n", 2 * RACE_WRITES - (after - before));
	return true;
}

/* oob_write's command, to rust_bugs' buffer of the same size. */
static ssize_t rust_write_command(const char *name)
{
	int fd = open_in(RUST_DIR, name, O_WRONLY);
	char cmd[CBUGS_CMD_LEN + 8];
	ssize_t n;

	if (!ktap_check(true, fd >= 0, "open"))
		return -2;
	memset(cmd, 'A', sizeof(cmd));
	fflush(stdout);
	n = write(fd, cmd, sizeof(cmd));
	close(fd);
	return n;
}

/* The checked access refuses the command. */
static bool rust_checked_write(void)
{
	ssize_t n = rust_write_command("checked_write");

	return ktap_check(true, n == -1 && errno == EMSGSIZE, "write returned %zd", n);
}

/* The indexing panics. */
static bool rust_indexed_write(void)
{
	ssize_t n = rust_write_command("indexed_write");

	return ktap_check(true, false, "write returned %zd: the kernel did not oops", n);
}

/* The use after free written with unsafe: write(2) itself succeeds. */
static bool rust_unsafe_uaf(void)
{
	int fd = open_in(RUST_DIR, "unsafe_uaf", O_WRONLY);
	bool ok = ktap_check(true, fd >= 0, "open");

	ok = ktap_check(ok, write(fd, "1", 1) == 1, "write");
	close(fd);
	return ok;
}

/* double_free's refused label, to the raw-pointer version in rust_bugs. */
static bool rust_unsafe_double_free(void)
{
	int fd = open_in(RUST_DIR, "unsafe_double_free", O_WRONLY);
	bool ok = ktap_check(true, fd >= 0, "open");
	ssize_t n = write(fd, "bad\tlabel", 9);

	ok = ktap_check(ok, n == -1 && errno == EINVAL, "write returned %zd", n);
	close(fd);
	return ok;
}

static const struct ktap_case classes[] = {
	KTAP_CASE(use_after_free),
	KTAP_CASE(double_free),
	KTAP_CASE(oob_write),
	KTAP_CASE(oob_read),
	KTAP_CASE(null_deref),
	KTAP_CASE(uninit),
	KTAP_CASE(data_race),
	KTAP_CASE(rust_checked_write),
	KTAP_CASE(rust_indexed_write),
	KTAP_CASE(rust_unsafe_uaf),
	KTAP_CASE(rust_unsafe_double_free),
};

int main(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc == 2 && i < ARRAY_SIZE(classes); i++) {
		if (strcmp(argv[1], classes[i].name))
			continue;
		return ktap_run(&classes[i], 1);
	}
	fprintf(stderr, "usage: %s CLASS (a file of %s, or rust_ and one of %s)\n",
		argv[0], CBUGS_DIR, RUST_DIR);
	return 2;
}

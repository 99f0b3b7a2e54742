// SPDX-License-Identifier: GPL-2.0
/*
 * rust_pipe user ABI: read/write semantics, O_NONBLOCK, lseek, every ioctl
 * and every error code, bad user pointers, fdinfo.
 */
#include "rpipe_test.h"

#include <assert.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* The ABI of the issue: the same layout and ioctl numbers on x86 and i386. */
static_assert(sizeof(struct rpipe_stats) == 40, "struct rpipe_stats layout");
static_assert(RPIPE_GET_STATS == 0x8028b701, "_IOR(0xB7, 1, struct rpipe_stats)");
static_assert(RPIPE_SET_CAPACITY == 0x4008b702, "_IOW(0xB7, 2, __u64)");
static_assert(RPIPE_CLEAR == 0xb703, "_IO(0xB7, 3)");

/* An address that is never mapped; volatile hides it from the compiler. */
static volatile uintptr_t bad_address = 16;

static void *bad_pointer(void)
{
	return (void *)bad_address;
}

static bool device_node(void)
{
	struct stat st;
	bool ok = true;

	ok = ktap_check(ok, stat(rpipe_device(), &st) == 0, "stat");
	ok = ktap_check(ok, S_ISCHR(st.st_mode), "mode %o", st.st_mode);
	ok = ktap_check(ok, major(st.st_rdev) == 10, "major %u (misc is 10)",
			major(st.st_rdev));
	return ok;
}

static bool fifo_order_and_short_reads(void)
{
	int fd = rpipe_open(O_RDWR);
	char buf[16] = { 0 };
	bool ok = fd >= 0;

	ok = ktap_check(ok, write(fd, "hello", 5) == 5, "write hello");
	ok = ktap_check(ok, write(fd, " world", 6) == 6, "write world");
	ok = ktap_check(ok, rpipe_len(fd) == 11, "len");
	/* read(2) returns what is there, up to count, in FIFO order. */
	ok = ktap_check(ok, read(fd, buf, 3) == 3, "read 3");
	ok = ktap_check(ok, memcmp(buf, "hel", 3) == 0, "got %.3s", buf);
	ok = ktap_check(ok, read(fd, buf, sizeof(buf)) == 8, "read rest");
	ok = ktap_check(ok, memcmp(buf, "lo world", 8) == 0, "got %.8s", buf);
	ok = ktap_check(ok, rpipe_len(fd) == 0, "empty");
	close(fd);
	return ok;
}

static bool zero_length_calls(void)
{
	int fd = rpipe_open(O_RDWR);
	char byte;
	bool ok = fd >= 0;

	/* Neither blocks, on an empty pipe and on a full one. */
	ok = ktap_check(ok, read(fd, &byte, 0) == 0, "read 0 empty");
	ok = ktap_check(ok, write(fd, &byte, 0) == 0, "write 0 empty");
	ok = ok && rpipe_set_capacity(fd, 1) == 0;
	ok = ktap_check(ok, write(fd, "z", 1) == 1, "fill");
	ok = ktap_check(ok, write(fd, &byte, 0) == 0, "write 0 full");
	ok = ktap_check(ok, read(fd, &byte, 0) == 0, "read 0 full");
	ok = ktap_check(ok, rpipe_len(fd) == 1, "len unchanged");
	close(fd);
	return rpipe_reset() && ok;
}

static bool write_takes_what_fits(void)
{
	int fd = rpipe_open(O_RDWR);
	static char big[RPIPE_CAPACITY_DEFAULT + 100];
	char out[RPIPE_CAPACITY_DEFAULT];
	bool ok = fd >= 0;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	/* More than the capacity: a short write of exactly the free space. */
	ok = ktap_check(ok, write(fd, big, 10) == 10, "prefix");
	ok = ktap_check(ok, write(fd, big + 10, sizeof(big) - 10) ==
			RPIPE_CAPACITY_DEFAULT - 10, "short write");
	ok = ktap_check(ok, read(fd, out, sizeof(out)) == sizeof(out), "drain");
	ok = ktap_check(ok, memcmp(out, big, sizeof(out)) == 0, "content");
	close(fd);
	return rpipe_reset() && ok;
}

static bool nonblocking_eagain(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK);
	char byte;
	bool ok = fd >= 0;

	errno = 0;
	ok = ktap_check(ok, read(fd, &byte, 1) == -1 && errno == EAGAIN,
			"read empty");
	ok = ok && rpipe_fill(fd);
	ok = ktap_check(ok, rpipe_len(fd) == RPIPE_CAPACITY_DEFAULT, "full");
	errno = 0;
	ok = ktap_check(ok, write(fd, "x", 1) == -1 && errno == EAGAIN,
			"write full");
	ok = ktap_check(ok, rpipe_len(fd) == RPIPE_CAPACITY_DEFAULT,
			"unchanged");
	close(fd);
	return rpipe_reset() && ok;
}

static bool not_seekable(void)
{
	int fd = rpipe_open(O_RDWR);
	char byte;
	bool ok = fd >= 0;

	ok = ktap_check(ok, write(fd, "ab", 2) == 2, "write");
	errno = 0;
	ok = ktap_check(ok, lseek(fd, 0, SEEK_SET) == -1 && errno == ESPIPE,
			"lseek SET");
	errno = 0;
	ok = ktap_check(ok, lseek(fd, 0, SEEK_CUR) == -1 && errno == ESPIPE,
			"lseek CUR");
	errno = 0;
	ok = ktap_check(ok, pread(fd, &byte, 1, 0) == -1 && errno == ESPIPE,
			"pread");
	errno = 0;
	ok = ktap_check(ok, pwrite(fd, &byte, 1, 0) == -1 && errno == ESPIPE,
			"pwrite");
	ok = ktap_check(ok, rpipe_len(fd) == 2, "len unchanged");
	close(fd);
	return rpipe_reset() && ok;
}

static bool access_modes(void)
{
	int rd = rpipe_open(O_RDONLY), wr = rpipe_open(O_WRONLY);
	char byte = 'q';
	bool ok = rd >= 0 && wr >= 0;

	/* The VFS refuses I/O the file was not opened for. */
	errno = 0;
	ok = ktap_check(ok, write(rd, &byte, 1) == -1 && errno == EBADF,
			"write on O_RDONLY");
	errno = 0;
	ok = ktap_check(ok, read(wr, &byte, 1) == -1 && errno == EBADF,
			"read on O_WRONLY");
	ok = ktap_check(ok, write(wr, &byte, 1) == 1, "write");
	ok = ktap_check(ok, read(rd, &byte, 1) == 1 && byte == 'q', "read");
	close(rd);
	close(wr);
	return ok;
}

static bool stats_counts(void)
{
	struct rpipe_stats before, after, opened;
	int base = rpipe_open(O_RDWR), rd, wr, rw, none;
	char buf[32];
	bool ok = base >= 0;

	ok = ok && rpipe_stats(base, &before);
	ok = ktap_check(ok, before.capacity == RPIPE_CAPACITY_DEFAULT,
			"capacity %llu", (unsigned long long)before.capacity);
	ok = ktap_check(ok, before.len == 0, "len");
	ok = ktap_check(ok, before.readers == 1 && before.writers == 1,
			"readers %u writers %u", before.readers, before.writers);

	rd = rpipe_open(O_RDONLY);
	wr = rpipe_open(O_WRONLY);
	rw = rpipe_open(O_RDWR);
	/* O_ACCMODE opens for neither reading nor writing (ioctl only). */
	none = rpipe_open(O_ACCMODE);
	ok = ok && rd >= 0 && wr >= 0 && rw >= 0 && none >= 0;
	ok = ok && rpipe_stats(none, &opened);
	ok = ktap_check(ok, opened.readers == 3 && opened.writers == 3,
			"readers %u writers %u", opened.readers, opened.writers);

	ok = ktap_check(ok, write(wr, "0123456789", 10) == 10, "write");
	ok = ktap_check(ok, read(rd, buf, 4) == 4, "read");
	close(rd);
	close(wr);
	close(rw);
	close(none);
	ok = ok && rpipe_stats(base, &after);
	ok = ktap_check(ok, after.len == 6, "len %llu",
			(unsigned long long)after.len);
	ok = ktap_check(ok, after.bytes_written - before.bytes_written == 10,
			"bytes_written +%llu",
			(unsigned long long)(after.bytes_written - before.bytes_written));
	ok = ktap_check(ok, after.bytes_read - before.bytes_read == 4,
			"bytes_read +%llu",
			(unsigned long long)(after.bytes_read - before.bytes_read));
	ok = ktap_check(ok, after.readers == 1 && after.writers == 1,
			"readers %u writers %u after close", after.readers,
			after.writers);
	close(base);
	return rpipe_reset() && ok;
}

static bool set_capacity_bounds(void)
{
	int fd = rpipe_open(O_RDWR);
	struct rpipe_stats stats;
	bool ok = fd >= 0;
	const uint64_t invalid[] = { 0, RPIPE_CAPACITY_MAX + 1, 1ULL << 32,
				     UINT64_MAX };

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		errno = 0;
		ok = ktap_check(ok, rpipe_set_capacity(fd, invalid[i]) == -1 &&
					    errno == EINVAL,
				"capacity %llu", (unsigned long long)invalid[i]);
	}
	ok = ok && rpipe_stats(fd, &stats);
	ok = ktap_check(ok, stats.capacity == RPIPE_CAPACITY_DEFAULT,
			"unchanged %llu", (unsigned long long)stats.capacity);

	ok = ktap_check(ok, rpipe_set_capacity(fd, RPIPE_CAPACITY_MIN) == 0,
			"min");
	ok = ok && rpipe_stats(fd, &stats);
	ok = ktap_check(ok, stats.capacity == RPIPE_CAPACITY_MIN, "is min");
	ok = ktap_check(ok, rpipe_set_capacity(fd, RPIPE_CAPACITY_MAX) == 0,
			"max");
	ok = ok && rpipe_stats(fd, &stats);
	ok = ktap_check(ok, stats.capacity == RPIPE_CAPACITY_MAX, "is max");
	close(fd);
	return rpipe_reset() && ok;
}

static bool set_capacity_keeps_data(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK);
	char buf[64];
	bool ok = fd >= 0;

	/* Make the buffered bytes wrap around the end of the ring first. */
	ok = ok && rpipe_set_capacity(fd, 8) == 0;
	ok = ktap_check(ok, write(fd, "abcdef", 6) == 6, "write");
	ok = ktap_check(ok, read(fd, buf, 4) == 4, "read");
	ok = ktap_check(ok, write(fd, "ghijkl", 6) == 6, "wrapping write");

	/* Fewer bytes than buffered: EBUSY, nothing changes. */
	errno = 0;
	ok = ktap_check(ok, rpipe_set_capacity(fd, 7) == -1 && errno == EBUSY,
			"shrink below len");
	ok = ktap_check(ok, write(fd, "x", 1) == -1 && errno == EAGAIN,
			"still full at 8");

	ok = ktap_check(ok, rpipe_set_capacity(fd, 8) == 0, "same size");
	ok = ktap_check(ok, rpipe_set_capacity(fd, 32) == 0, "grow");
	ok = ktap_check(ok, write(fd, "mn", 2) == 2, "write after grow");
	ok = ktap_check(ok, read(fd, buf, sizeof(buf)) == 10, "read all");
	ok = ktap_check(ok, memcmp(buf, "efghijklmn", 10) == 0, "order %.10s",
			buf);
	close(fd);
	return rpipe_reset() && ok;
}

static bool clear_drops_bytes(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK);
	struct rpipe_stats before, after;
	char byte;
	bool ok = fd >= 0;

	ok = ktap_check(ok, write(fd, "abc", 3) == 3, "write");
	ok = ok && rpipe_stats(fd, &before);
	ok = ktap_check(ok, ioctl(fd, RPIPE_CLEAR) == 0, "clear");
	ok = ok && rpipe_stats(fd, &after);
	ok = ktap_check(ok, after.len == 0, "len %llu",
			(unsigned long long)after.len);
	ok = ktap_check(ok, after.bytes_read == before.bytes_read,
			"cleared bytes are not counted as read");
	ok = ktap_check(ok, read(fd, &byte, 1) == -1 && errno == EAGAIN,
			"empty");
	ok = ktap_check(ok, ioctl(fd, RPIPE_CLEAR) == 0, "clear when empty");
	close(fd);
	return ok;
}

static bool unknown_ioctls(void)
{
	int fd = rpipe_open(O_RDWR);
	char arg[64] = { 0 };
	bool ok = fd >= 0;
	const unsigned long cmds[] = {
		_IO(0xB7, 0),
		_IO(0xB7, 4),
		_IOR(0xB7, 1, __u32),	/* right number, wrong size */
		_IOW(0xB7, 1, struct rpipe_stats), /* wrong direction */
		_IOW(0xB7, 2, __u32),
		_IO(0xB7, 2),
		_IOR(0xB8, 1, struct rpipe_stats), /* wrong magic */
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		errno = 0;
		ok = ktap_check(ok, ioctl(fd, cmds[i], arg) == -1 &&
					    errno == ENOTTY,
				"cmd %#lx", cmds[i]);
	}
	close(fd);
	return ok;
}

static bool bad_pointers_efault(void)
{
	int fd = rpipe_open(O_RDWR | O_NONBLOCK);
	struct rpipe_stats before, after;
	char buf[8];
	bool ok = fd >= 0;

	ok = ktap_check(ok, write(fd, "abc", 3) == 3, "write");
	ok = ok && rpipe_stats(fd, &before);

	errno = 0;
	ok = ktap_check(ok, ioctl(fd, RPIPE_GET_STATS, bad_pointer()) == -1 &&
				    errno == EFAULT, "GET_STATS");
	errno = 0;
	ok = ktap_check(ok, ioctl(fd, RPIPE_SET_CAPACITY, bad_pointer()) == -1 &&
				    errno == EFAULT, "SET_CAPACITY");
	errno = 0;
	ok = ktap_check(ok, write(fd, bad_pointer(), 4) == -1 && errno == EFAULT,
			"write");
	errno = 0;
	ok = ktap_check(ok, read(fd, bad_pointer(), 4) == -1 && errno == EFAULT,
			"read");

	/* Nothing changed: same capacity, same bytes, same counters. */
	ok = ok && rpipe_stats(fd, &after);
	ok = ktap_check(ok, memcmp(&before, &after, sizeof(before)) == 0,
			"stats changed: len %llu cap %llu",
			(unsigned long long)after.len,
			(unsigned long long)after.capacity);
	ok = ktap_check(ok, read(fd, buf, sizeof(buf)) == 3, "read back");
	ok = ktap_check(ok, memcmp(buf, "abc", 3) == 0, "content");
	close(fd);
	return rpipe_reset() && ok;
}

/* A read into a buffer whose second page is unmapped stops at the hole. */
static bool partial_fault_keeps_rest(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = rpipe_open(O_RDWR | O_NONBLOCK);
	char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char buf[8];
	bool ok = fd >= 0 && map != MAP_FAILED;

	ok = ok && munmap(map + page, page) == 0;
	ok = ktap_check(ok, write(fd, "0123456789", 10) == 10, "write");
	/* Only the 4 bytes that fit before the hole are consumed. */
	ok = ktap_check(ok, read(fd, map + page - 4, 10) == 4, "short read");
	ok = ktap_check(ok, memcmp(map + page - 4, "0123", 4) == 0, "head");
	ok = ktap_check(ok, read(fd, buf, sizeof(buf)) == 6, "rest");
	ok = ktap_check(ok, memcmp(buf, "456789", 6) == 0, "rest content");

	/* A write from such a buffer takes only the readable bytes. */
	memcpy(map + page - 3, "xyz", 3);
	ok = ktap_check(ok, write(fd, map + page - 3, 10) == 3, "short write");
	ok = ktap_check(ok, rpipe_len(fd) == 3, "len");
	if (map != MAP_FAILED)
		munmap(map, page);
	close(fd);
	return rpipe_reset() && ok;
}

/* Returns the value of "@key:\t" in /proc/self/fdinfo/@fd, or "" */
static const char *fdinfo_field(int fd, const char *key, char *out, size_t size)
{
	char path[64], line[256];
	size_t len = strlen(key);
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return out;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, len) == 0 && line[len] == ':') {
			snprintf(out, size, "%s", line + len + 2);
			out[strcspn(out, "\n")] = '\0';
		}
	}
	fclose(f);
	return out;
}

static bool fdinfo(void)
{
	int rd = rpipe_open(O_RDONLY), wr = rpipe_open(O_WRONLY);
	int rw = rpipe_open(O_RDWR);
	char v[64];
	bool ok = rd >= 0 && wr >= 0 && rw >= 0;

	ok = ktap_check(ok, write(wr, "12345", 5) == 5, "write");
	ok = ktap_check(ok, !strcmp(fdinfo_field(rd, "rpipe-access", v, sizeof(v)),
				    "read"), "rd access '%s'", v);
	ok = ktap_check(ok, !strcmp(fdinfo_field(wr, "rpipe-access", v, sizeof(v)),
				    "write"), "wr access '%s'", v);
	ok = ktap_check(ok, !strcmp(fdinfo_field(rw, "rpipe-access", v, sizeof(v)),
				    "read-write"), "rw access '%s'", v);
	ok = ktap_check(ok, !strcmp(fdinfo_field(rd, "rpipe-len", v, sizeof(v)),
				    "5"), "len '%s'", v);
	ok = ktap_check(ok, !strcmp(fdinfo_field(rd, "rpipe-capacity", v, sizeof(v)),
				    "4096"), "capacity '%s'", v);
	close(rd);
	close(wr);
	close(rw);
	return rpipe_reset() && ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(device_node),
		KTAP_CASE(fifo_order_and_short_reads),
		KTAP_CASE(zero_length_calls),
		KTAP_CASE(write_takes_what_fits),
		KTAP_CASE(nonblocking_eagain),
		KTAP_CASE(not_seekable),
		KTAP_CASE(access_modes),
		KTAP_CASE(stats_counts),
		KTAP_CASE(set_capacity_bounds),
		KTAP_CASE(set_capacity_keeps_data),
		KTAP_CASE(clear_drops_bytes),
		KTAP_CASE(unknown_ioctls),
		KTAP_CASE(bad_pointers_efault),
		KTAP_CASE(partial_fault_keeps_rest),
		KTAP_CASE(fdinfo),
	};

	return ktap_run_after(rpipe_setup, cases, ARRAY_SIZE(cases));
}

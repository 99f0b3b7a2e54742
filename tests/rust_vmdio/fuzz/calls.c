// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_vmdio fuzzer (main.c): the calls on the debugfs
 * files, each on a file opened for it and counted in calls, and escaped()
 * to show an input in a diagnostic.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../vmdio.h"
#include "fuzzer.h"

/* Opens @file of the fixture for the one call about to be counted; the fd or -errno. */
static int open_for_call(enum file_id file, int flags)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), VMDIO_DEBUGFS "/%s", file_names[file]);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	return fd;
}

/* Closes @fd and returns @result, or -errno of the call when it failed (@result < 0). */
static long close_after_call(int fd, long result)
{
	int err = errno;

	close(fd);
	return result < 0 ? -err : result;
}

/* One write(2) of @len bytes from @buf to @file; 0 or -errno. */
int write_call(enum file_id file, const void *buf, size_t len)
{
	int fd = open_for_call(file, O_WRONLY);
	long n;

	if (fd < 0)
		return fd;
	n = close_after_call(fd, write(fd, buf, len));
	return n < 0 ? (int)n : (size_t)n == len ? 0 : -EIO;
}

/* One read(2) of up to @len bytes of @file into @buf; the length or -errno. */
long read_call(enum file_id file, void *buf, size_t len)
{
	int fd = open_for_call(file, O_RDONLY);

	return fd < 0 ? fd : close_after_call(fd, read(fd, buf, len));
}

long ioctl_call(enum file_id file, unsigned long request)
{
	char arg[64] = "";
	int fd = open_for_call(file, O_RDWR);

	return fd < 0 ? fd : close_after_call(fd, ioctl(fd, request, arg));
}

const char *escaped(const unsigned char *s, size_t len, char *out, size_t size)
{
	size_t at = 0, i;

	for (i = 0; i < len && at + 8 < size; i++)
		at += snprintf(out + at, size - at, s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' ?
			       "%c" : "\\x%02x", s[i]);
	if (i < len)
		snprintf(out + at, size - at, "... (%zu bytes)", len);
	return out;
}


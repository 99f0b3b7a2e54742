/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for tests driving the rust_vmdio fixture (virtual MDIO bus with an
 * emulated RV1000 PHY) through its debugfs files; see the module docs in
 * modules/rust_vmdio/rust_vmdio.rs for the interface.
 */
#ifndef RKM_TESTS_VMDIO_H
#define RKM_TESTS_VMDIO_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define VMDIO_DEBUGFS "/sys/kernel/debug/rust_vmdio"
#define VMDIO_PHY_SYSFS "/sys/bus/mdio_bus/devices/rust_vmdio:01"

/*
 * phylib polls a PHY without interrupt once a second (PHY_STATE_TIME) and
 * the emulated negotiation takes 300 ms, so a link change is seen within
 * about 1.3 s; the bounds below leave room for a slow (TCG) VM.
 */
#define LINK_DOWN_TIMEOUT_MS 3000
#define LINK_UP_TIMEOUT_MS 5000
#define POLL_INTERVAL_MS 50

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Reads a whole (small) file; returns its length or -1 with errno set. */
static inline ssize_t read_text(const char *path, char *buf, size_t size)
{
	ssize_t len, total = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((size_t)total < size - 1) {
		len = read(fd, buf + total, size - 1 - total);
		if (len < 0) {
			int err = errno;

			close(fd);
			errno = err;
			return -1;
		}
		if (len == 0)
			break;
		total += len;
	}
	buf[total] = '\0';
	close(fd);
	return total;
}

/* Writes @text to a debugfs file; returns 0 or the errno of the write. */
static inline int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return err;
}

static inline int vmdio_write(const char *file, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), VMDIO_DEBUGFS "/%s", file);
	return write_text(path, text);
}

static inline bool vmdio_read(const char *file, char *buf, size_t size)
{
	char path[256];

	snprintf(path, sizeof(path), VMDIO_DEBUGFS "/%s", file);
	return read_text(path, buf, size) >= 0;
}

/*
 * Polls the fixture's "link" file until it reads @expected (e.g. "up
 * 1000/full"); returns the milliseconds it took, or -1 after @timeout_ms.
 */
static inline long long wait_for_link(const char *expected, long long timeout_ms)
{
	long long start = now_ms(), elapsed;
	char buf[64];

	for (;;) {
		elapsed = now_ms() - start;
		if (vmdio_read("link", buf, sizeof(buf))) {
			buf[strcspn(buf, "\n")] = '\0';
			if (!strcmp(buf, expected))
				return elapsed;
		}
		if (elapsed > timeout_ms) {
			printf("# link is \"%s\" after %lld ms, expected \"%s\"\n",
			       buf, elapsed, expected);
			return -1;
		}
		usleep(POLL_INTERVAL_MS * 1000);
	}
}

/* Value of register @reg of the emulated PHY, or -1. */
static inline int vmdio_register(unsigned int reg)
{
	char buf[512], *line;
	unsigned int r, val;

	if (!vmdio_read("registers", buf, sizeof(buf)))
		return -1;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (sscanf(line, "%x %x", &r, &val) == 2 && r == reg)
			return (int)val;
	return -1;
}

/* Name of the driver bound to the emulated PHY, "" when none. */
static inline void vmdio_phy_driver(char *name, size_t size)
{
	char target[256];
	ssize_t len = readlink(VMDIO_PHY_SYSFS "/driver", target, sizeof(target) - 1);
	const char *base;

	name[0] = '\0';
	if (len < 0)
		return;
	target[len] = '\0';
	base = strrchr(target, '/');
	snprintf(name, size, "%s", base ? base + 1 : target);
}

/* Loads a module of this collection by name; returns 0 or an errno. */
static inline int load_module(const char *name)
{
	const char *dir = getenv("RKM_MODULES_DIR");
	char path[512];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s/%s.ko",
		 dir ? dir : "/work/main/modules", name, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	close(fd);
	return err;
}

/* Unloads a module without waiting for its users; returns 0 or an errno. */
static inline int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

static inline bool module_loaded(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

/*
 * Kernel log watch: kmsg_open() positions at the end of the log, kmsg_clean()
 * reports whether any later record is a warning, a BUG or an oops. Records
 * overwritten before they were read (read(2) fails with EPIPE) fail it too:
 * a report may have been among them.
 */
static inline int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static inline bool kmsg_clean(int fd)
{
	static const char *const bad[] = { "WARNING:", "BUG:", "Oops", "refcount_t:",
					   "unreferenced object" };
	char record[2048];
	bool clean = true;
	ssize_t len;
	size_t i;

	if (fd < 0)
		return false;
	for (;;) {
		len = read(fd, record, sizeof(record) - 1);
		if (len < 0) {
			if (errno != EPIPE)
				break;	/* EAGAIN: no more records */
			printf("# kernel log: records were overwritten before they were read\n");
			clean = false;
			continue;	/* the next read starts at the oldest record left */
		}
		record[len] = '\0';
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (strstr(record, bad[i])) {
				printf("# kernel log: %s", record);
				clean = false;
			}
		}
	}
	return clean;
}

#endif /* RKM_TESTS_VMDIO_H */

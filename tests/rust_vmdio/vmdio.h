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
 * How soon a link change must be reported. With the MAC's interrupt
 * (link_irq "mac", the default) phylib reads the PHY when the fixture
 * signals a change: within LINK_IRQ_BOUND_MS of it, and of the end of the
 * emulated negotiation (ANEG_DURATION_MS) for a link coming up. When phylib
 * polls (link_irq "poll") it reads the PHY once a second, so about 1.3 s;
 * the bounds leave room for a slow (TCG) VM.
 */
#define ANEG_DURATION_MS 300
#define LINK_IRQ_BOUND_MS 100
#define LINK_POLL_DOWN_BOUND_MS 3000
#define LINK_POLL_UP_BOUND_MS 5000
/* How often the link file is read while waiting: the figures' resolution. */
#define POLL_INTERVAL_MS 2

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

/* Whether phylib polls the PHY (link_irq "poll") rather than hearing from the MAC. */
static inline bool vmdio_polled(void)
{
	char mode[16];

	return vmdio_read("link_irq", mode, sizeof(mode)) && !strcmp(mode, "poll\n");
}

static inline long long link_down_bound_ms(void)
{
	return vmdio_polled() ? LINK_POLL_DOWN_BOUND_MS : LINK_IRQ_BOUND_MS;
}

static inline long long link_up_bound_ms(void)
{
	return vmdio_polled() ? LINK_POLL_UP_BOUND_MS : ANEG_DURATION_MS + LINK_IRQ_BOUND_MS;
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

/*
 * Waits for the link to read @expected ("up 1000/full") or "down" within the
 * bound of the fixture's mode; says how long it took.
 */
static inline bool link_comes_up(const char *expected)
{
	long long bound = link_up_bound_ms(), ms = wait_for_link(expected, bound);

	if (ms >= 0)
		printf("# \"%s\" after %lld ms (bound %lld ms)\n", expected, ms, bound);
	return ms >= 0;
}

static inline bool link_goes_down(void)
{
	long long bound = link_down_bound_ms(), ms = wait_for_link("down", bound);

	if (ms >= 0)
		printf("# down after %lld ms (bound %lld ms)\n", ms, bound);
	return ms >= 0;
}

/*
 * Reattaches the PHY with phylib learning of link changes as @mode says
 * ("mac" or "poll") and starts the state machine; false, saying why, on
 * the first failure.
 */
static inline bool vmdio_use_link_irq(const char *mode)
{
	static const char *const steps[][2] = {
		{ "attached", "0" }, { "link_irq", NULL }, { "attached", "1" }, { "running", "1" },
	};
	size_t i;
	int err;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		err = vmdio_write(steps[i][0], steps[i][1] ? steps[i][1] : mode);
		if (err) {
			printf("# %s <- %s: %s\n", steps[i][0], steps[i][1] ? steps[i][1] : mode,
			       strerror(err));
			return false;
		}
	}
	return true;
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the rust_platform tests: finding the register banks the
 * test VM's SSDT (modules/rust_platform/vm/rust_platform.dsl) describes,
 * their sysfs files, binding, and what the kernel reports about them.
 *
 * Banks are found by their ACPI path, not by device name, so the tests do
 * not depend on enumeration order.
 */
#ifndef RKM_TESTS_RUST_PLATFORM_BANK_H
#define RKM_TESTS_RUST_PLATFORM_BANK_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DRIVER_DIR "/sys/bus/platform/drivers/rust_platform"
#define DEVICES_DIR "/sys/bus/platform/devices"

struct bank {
	const char *acpi_path;	/* firmware node, e.g. "\_SB_.RKP0" */
	unsigned long phys;	/* start of its MMIO window (from the SSDT) */
	char name[256];		/* device name, e.g. "RKMP0001:00" */
};

/* The banks of rust_platform.dsl. */
#define BANK_A { "\\_SB_.RKP0", 0xff000000UL, "" }	/* good, max-mode 5, 3 channels */
#define BANK_B { "\\_SB_.RKP1", 0xff001000UL, "" }	/* good, default max-mode, 2 channels */
#define BANK_MISSING { "\\_SB_.RKP2", 0xff002000UL, "" }	/* no rkm,channel-limits */
#define BANK_BAD_MODE { "\\_SB_.RKP3", 0xff003000UL, "" }	/* rkm,max-mode 99 */
/* Good, 1 channel, labels of LABEL_FITS_LEN and LABEL_FITS_LEN + 1 bytes. */
#define BANK_LABEL_FITS { "\\_SB_.RKP4", 0xff004000UL, "" }
#define BANK_LABEL_TOO_LONG { "\\_SB_.RKP5", 0xff005000UL, "" }

/*
 * The longest label sysfs can show with its newline: PAGE_SIZE - 1 bytes in
 * all, for the test VM's 4 KiB pages. Label byte i is 'a' + i % 26.
 */
#define LABEL_FITS_LEN 4094

/* Reads a whole small file into buf; returns its length or -errno. */
static inline int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	return (int)n;
}

/* Writes text to path in one write(2); returns 0 or -errno. */
static inline int write_file(const char *path, const char *text)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* Fills b->name from the ACPI path; returns false if no device has it. */
static inline bool bank_find(struct bank *b)
{
	char path[512], fw[128];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	dir = opendir(DEVICES_DIR);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		if (strncmp(de->d_name, "RKMP0001:", 9))
			continue;
		snprintf(path, sizeof(path), DEVICES_DIR "/%s/firmware_node/path", de->d_name);
		if (read_file(path, fw, sizeof(fw)) < 0)
			continue;
		fw[strcspn(fw, "\n")] = '\0';
		if (!strcmp(fw, b->acpi_path)) {
			snprintf(b->name, sizeof(b->name), "%s", de->d_name);
			found = true;
		}
	}
	closedir(dir);
	return found;
}

static inline void attr_path(const struct bank *b, const char *attr, char *path, size_t size)
{
	snprintf(path, size, DEVICES_DIR "/%s/%s", b->name, attr);
}

/* Reads attribute attr of b without the trailing newline; length or -errno. */
static inline int attr_read(const struct bank *b, const char *attr, char *buf, size_t size)
{
	char path[512];
	int n;

	attr_path(b, attr, path, sizeof(path));
	n = read_file(path, buf, size);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

static inline int attr_write(const struct bank *b, const char *attr, const char *text)
{
	char path[512];

	attr_path(b, attr, path, sizeof(path));
	return write_file(path, text);
}

/* True if attr reads back exactly as expected. */
static inline bool attr_is(const struct bank *b, const char *attr, const char *expected)
{
	char buf[256];

	return attr_read(b, attr, buf, sizeof(buf)) >= 0 && !strcmp(buf, expected);
}

static inline bool attr_exists(const struct bank *b, const char *attr)
{
	char path[512];

	attr_path(b, attr, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* True if b is bound to rust_platform. */
static inline bool bank_bound(const struct bank *b)
{
	char path[512], target[256];
	ssize_t n;

	snprintf(path, sizeof(path), DEVICES_DIR "/%s/driver", b->name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strstr(target, "/rust_platform") != NULL;
}

static inline int bank_unbind(const struct bank *b)
{
	return write_file(DRIVER_DIR "/unbind", b->name);
}

static inline int bank_bind(const struct bank *b)
{
	return write_file(DRIVER_DIR "/bind", b->name);
}

/*
 * Counts the driver's claims on b's window: the platform bus lists the
 * window in /proc/iomem at top level, the driver's request_mem_region()
 * nests an indented entry of the same name inside it.
 */
static inline int bank_region_claims(const struct bank *b)
{
	char line[512], suffix[300];
	int claims = 0;
	FILE *f;

	f = fopen("/proc/iomem", "r");
	if (!f)
		return -1;
	snprintf(suffix, sizeof(suffix), " : %s\n", b->name);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line), slen = strlen(suffix);

		if (line[0] == ' ' && len >= slen && !strcmp(line + len - slen, suffix))
			claims++;
	}
	fclose(f);
	return claims;
}

/* Counts ioremap() mappings of b's window in /proc/vmallocinfo. */
static inline int bank_mappings(const struct bank *b)
{
	char line[512], needle[64];
	int count = 0;
	FILE *f;

	f = fopen("/proc/vmallocinfo", "r");
	if (!f)
		return -1;
	snprintf(needle, sizeof(needle), "phys=0x%016lx ioremap", b->phys);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			count++;
	fclose(f);
	return count;
}

/* Counts kernel log lines containing both a and b (b may be NULL). */
static inline int klog_count(const char *a, const char *b)
{
	int size, n, count = 0;
	char *buf, *line, *save;

	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size <= 0)
		return -1;
	buf = malloc(size + 1);
	if (!buf)
		return -1;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, a) && (!b || strstr(line, b)))
			count++;
	free(buf);
	return count;
}

/* Counts kernel log lines that report a kernel bug of any kind. */
static inline int klog_bugs(void)
{
	static const char *const markers[] = {
		"BUG:", "WARNING:", "Oops", "general protection", "refcount_t:",
		"list_add corruption", "list_del corruption", "kernfs: can not remove",
	};
	int total = 0;
	size_t i;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		total += klog_count(markers[i], NULL);
	return total;
}

#endif /* RKM_TESTS_RUST_PLATFORM_BANK_H */

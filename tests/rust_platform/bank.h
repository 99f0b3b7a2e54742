/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the rust_platform tests: finding the register banks the
 * test VM's SSDT (modules/rust_platform/vm/rust_platform.dsl) describes,
 * their sysfs files, binding, and what the kernel reports about them.
 *
 * Banks are found by their ACPI path, not by device name, so the tests do
 * not depend on enumeration order.
 *
 * Any driver of these banks can be tested instead, on banks of its own (the
 * same six, with the same properties): the environment names the driver
 * and its banks, rust_platform's are the defaults (tests/lib/twin.h). For
 * c_platform, tests/c_platform/twin.env gives them:
 *
 *   RKM_PLATFORM_DRIVER  the driver: /sys/bus/platform/drivers/<name>, and
 *                        the "<name> <device>: " of its log lines
 *   RKM_PLATFORM_MODULE  the module: /sys/module/<name>, <name>/<name>.ko
 *   RKM_PLATFORM_HID     the banks' ACPI _HID: devices are "<hid>:NN"
 *   RKM_PLATFORM_ACPI    the ACPI path of bank n is this followed by n
 *   RKM_PLATFORM_PHYS    where bank 0's MMIO window starts; bank n's is
 *                        BANK_STRIDE * n bytes further
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

#include "twin.h"

#define DRIVERS_DIR "/sys/bus/platform/drivers"
#define DEVICES_DIR "/sys/bus/platform/devices"
/* Bank n's window is the n-th 4 KiB page from bank 0's. */
#define BANK_STRIDE 0x1000UL

/* The driver under test: $RKM_PLATFORM_DRIVER, by default rust_platform. */
static inline const char *platform_driver(void)
{
	return twin_env("RKM_PLATFORM_DRIVER", "rust_platform");
}

/* Its module: $RKM_PLATFORM_MODULE, by default rust_platform. */
static inline const char *platform_module(void)
{
	return twin_env("RKM_PLATFORM_MODULE", "rust_platform");
}

/* The banks' ACPI _HID: $RKM_PLATFORM_HID, by default RKMP0001. */
static inline const char *platform_hid(void)
{
	return twin_env("RKM_PLATFORM_HID", "RKMP0001");
}

/* Writes the path of file in the driver's sysfs folder to buf; returns buf. */
static inline const char *driver_file(char *buf, size_t size, const char *file)
{
	snprintf(buf, size, DRIVERS_DIR "/%s/%s", platform_driver(), file);
	return buf;
}

/* Start of bank index's MMIO window (from the SSDT). */
static inline unsigned long bank_window(int index)
{
	return strtoul(twin_env("RKM_PLATFORM_PHYS", "0xff000000"), NULL, 0) +
	       BANK_STRIDE * index;
}

struct bank {
	int index;		/* n of the ACPI name, e.g. 0 for RKP0 */
	char acpi_path[64];	/* firmware node, e.g. "\_SB_.RKP0" (bank_init()) */
	unsigned long phys;	/* start of its MMIO window (bank_init()) */
	char name[256];		/* device name, e.g. "RKMP0001:00" (bank_find()) */
};

/* The banks of rust_platform.dsl (and of a twin's .dsl). */
#define BANK_A { .index = 0 }	/* good, max-mode 5, 3 channels */
#define BANK_B { .index = 1 }	/* good, default max-mode, 2 channels */
#define BANK_MISSING { .index = 2 }	/* no rkm,channel-limits */
#define BANK_BAD_MODE { .index = 3 }	/* rkm,max-mode 99 */
/* Good, 1 channel, labels of LABEL_FITS_LEN and LABEL_FITS_LEN + 1 bytes. */
#define BANK_LABEL_FITS { .index = 4 }
#define BANK_LABEL_TOO_LONG { .index = 5 }

/* Fills b->acpi_path and b->phys from b->index. */
static inline void bank_init(struct bank *b)
{
	snprintf(b->acpi_path, sizeof(b->acpi_path), "%s%d",
		 twin_env("RKM_PLATFORM_ACPI", "\\_SB_.RKP"), b->index);
	b->phys = bank_window(b->index);
}

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

/*
 * Fills in b (bank_init()) and b->name from the ACPI path; returns false if
 * no device has it.
 */
static inline bool bank_find(struct bank *b)
{
	char path[512], fw[128], prefix[64];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	bank_init(b);
	snprintf(prefix, sizeof(prefix), "%s:", platform_hid());
	dir = opendir(DEVICES_DIR);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
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

/* True if b is bound to the driver under test. */
static inline bool bank_bound(const struct bank *b)
{
	char path[512], target[256];
	size_t len;
	ssize_t n;

	snprintf(path, sizeof(path), DEVICES_DIR "/%s/driver", b->name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	/* The link ends in drivers/<driver>. */
	len = strlen(platform_driver());
	return (size_t)n > len && target[n - len - 1] == '/' &&
	       !strcmp(target + n - len, platform_driver());
}

static inline int bank_unbind(const struct bank *b)
{
	char path[512];

	return write_file(driver_file(path, sizeof(path), "unbind"), b->name);
}

static inline int bank_bind(const struct bank *b)
{
	char path[512];

	return write_file(driver_file(path, sizeof(path), "bind"), b->name);
}

/*
 * Counts the driver's claims on b's window: the platform bus lists the
 * window in /proc/iomem at top level, the driver's request_mem_region()
 * nests an indented entry inside it. rust_platform names that entry after
 * the resource, which is named after the device; C drivers'
 * devm_ioremap_resource() names it "<device> <resource>", i.e. the device's
 * name twice: both count.
 */
static inline int bank_region_claims(const struct bank *b)
{
	char line[512], alone[300], twice[600];
	int claims = 0;
	FILE *f;

	f = fopen("/proc/iomem", "r");
	if (!f)
		return -1;
	snprintf(alone, sizeof(alone), " : %s\n", b->name);
	snprintf(twice, sizeof(twice), " : %s %s\n", b->name, b->name);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line), alen = strlen(alone), tlen = strlen(twice);

		if (line[0] != ' ')
			continue;
		if ((len >= alen && !strcmp(line + len - alen, alone)) ||
		    (len >= tlen && !strcmp(line + len - tlen, twice)))
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

/* A case: no kernel bug reported since boot (see klog_bugs()). */
static inline bool no_kernel_bug(void)
{
	return klog_bugs() == 0;
}

#endif /* RKM_TESTS_RUST_PLATFORM_BANK_H */

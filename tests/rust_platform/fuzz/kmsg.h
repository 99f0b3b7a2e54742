/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_platform fuzzer (../fuzz.c): watching the kernel log
 * for the run, which must not make the driver log anything or the kernel
 * warn.
 */
#ifndef RKM_TESTS_RUST_PLATFORM_FUZZ_KMSG_H
#define RKM_TESTS_RUST_PLATFORM_FUZZ_KMSG_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "../bank.h"

static int kmsg_fd = -1;

/* Starts watching the kernel log: only records from now on are read. */
static void kmsg_start(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/* No record since kmsg_start() comes from the driver or reports a kernel bug. */
static bool kmsg_clean(void)
{
	const char *const suspects[] = {
		platform_driver(), platform_hid(), "BUG:", "WARNING:", "Oops",
		"general protection", "refcount_t:", "kernfs:", "sysfs:",
	};
	bool ok = ktap_check(true, kmsg_fd >= 0, "cannot read /dev/kmsg");
	char record[8192];
	ssize_t n;
	size_t i;

	while (kmsg_fd >= 0 && ((n = read(kmsg_fd, record, sizeof(record) - 1)) > 0 ||
				(n < 0 && errno == EPIPE))) {
		if (n < 0)
			continue;	/* records were overwritten: go on with the next */
		record[n] = '\0';
		record[strcspn(record, "\n")] = '\0';
		for (i = 0; i < sizeof(suspects) / sizeof(suspects[0]); i++)
			if (strstr(record, suspects[i]))
				break;
		if (i < sizeof(suspects) / sizeof(suspects[0]))
			ok = ktap_check(ok, false, "kernel log: %s", record);
		else
			ktap_diag("unrelated kernel log record: %s", record);
	}
	return ok;
}

#endif /* RKM_TESTS_RUST_PLATFORM_FUZZ_KMSG_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_platform fuzzer (main.c): watching the kernel log
 * for the run, which must not make the driver log anything or the kernel
 * warn.
 */

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "kernel_reports.h"
#include "ktap.h"
#include "../bank.h"
#include "fuzzer.h"

#define KERNEL_REPORTS (sizeof(kernel_reports) / sizeof(kernel_reports[0]))

static int kmsg_fd = -1;
static regex_t kmsg_reports[KERNEL_REPORTS];
static const char *kmsg_bad_pattern;

/*
 * Starts watching the kernel log: only records from now on are read, and
 * judged with the patterns of tests/lib/kernel-reports.txt.
 */
void kmsg_start(void)
{
	size_t i;

	for (i = 0; i < KERNEL_REPORTS && !kmsg_bad_pattern; i++)
		if (regcomp(&kmsg_reports[i], kernel_reports[i], REG_EXTENDED | REG_NOSUB))
			kmsg_bad_pattern = kernel_reports[i];
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/* Whether @record starts a kernel report. */
static bool kmsg_is_report(const char *record)
{
	size_t i;

	for (i = 0; i < KERNEL_REPORTS; i++)
		if (!regexec(&kmsg_reports[i], record, 0, NULL, 0))
			return true;
	return false;
}

/* No record since kmsg_start() comes from the driver or reports a kernel bug. */
bool kmsg_clean(void)
{
	bool ok = ktap_check(true, kmsg_fd >= 0, "cannot read /dev/kmsg");
	char record[8192];
	ssize_t n;

	ok = ktap_check(ok, !kmsg_bad_pattern, "bad pattern in tests/lib/kernel-reports.txt: %s",
			kmsg_bad_pattern);
	if (kmsg_bad_pattern)
		return ok;

	while (kmsg_fd >= 0 && ((n = read(kmsg_fd, record, sizeof(record) - 1)) > 0 ||
				(n < 0 && errno == EPIPE))) {
		if (n < 0)
			continue;	/* records were overwritten: go on with the next */
		record[n] = '\0';
		record[strcspn(record, "\n")] = '\0';
		if (strstr(record, platform_driver()) || strstr(record, platform_hid()) ||
		    kmsg_is_report(record))
			ok = ktap_check(ok, false, "kernel log: %s", record);
		else
			ktap_diag("unrelated kernel log record: %s", record);
	}
	return ok;
}


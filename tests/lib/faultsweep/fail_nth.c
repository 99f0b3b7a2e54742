// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the fault sweeps (../faultsweep.h): fail-nth of the calling
 * thread, set up once, armed and disarmed around the one call of an
 * operation that faults are injected into, and the faulty_*() operations
 * built on that.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktap.h"
#include "debugfs.h"
#include "fail_nth.h"

int fault_nth_fd = -1;

int fault_nth;

int fault_left;

/* fault_arm() has armed fail-nth and fault_disarm() has not run since. */
static bool fault_armed;

bool fault_injected;

bool fault_broken;

/*
 * Makes GFP_KERNEL allocations fail too (exempt by default), quiets the
 * stack dump each injected fault would print, and locks this process's
 * memory: a page fault of ours inside the operation must not take the
 * n-th allocation. Returns false, with a diagnostic, when it cannot.
 */
bool fault_injection_init(void)
{
	if (!fault_write_file(FAULT_DEBUGFS "/failslab/ignore-gfp-wait", "N") ||
	    !fault_write_file(FAULT_DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N") ||
	    !fault_verbose("0")) {
		ktap_diag("fault injection is not configured (CONFIG_FAULT_INJECTION_DEBUG_FS, FAILSLAB, FAIL_PAGE_ALLOC)");
		return false;
	}
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		ktap_diag("mlockall: %s", strerror(errno));
		return false;
	}
	fault_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fault_nth_fd < 0) {
		ktap_diag("/proc/thread-self/fail-nth: %s", strerror(errno));
		return false;
	}
	return true;
}

/*
 * From here, the n-th allocation of this thread fails. False, with a
 * diagnostic, when fail-nth cannot be armed: the sweep then fails, since
 * no fault would be injected.
 */
bool fault_arm(void)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", fault_nth);

	fault_armed = pwrite(fault_nth_fd, buf, len, 0) == len;
	if (!fault_armed) {
		fault_broken = true;
		ktap_diag("cannot arm fail-nth: %s", strerror(errno));
	}
	return fault_armed;
}

/*
 * Stops injecting and records whether the failure happened. Only an armed
 * countdown says so: fail-nth of a thread that was never armed reads 0 too.
 */
void fault_disarm(void)
{
	char buf[16];
	ssize_t len;
	int saved_errno = errno;

	fault_injected = false;
	if (!fault_armed)
		return;
	fault_armed = false;
	len = pread(fault_nth_fd, buf, sizeof(buf) - 1, 0);
	if (len <= 0 || pwrite(fault_nth_fd, "0", 1, 0) != 1) {
		fault_broken = true;
		ktap_diag("cannot read or disarm fail-nth: %s", strerror(errno));
		errno = saved_errno;
		return;
	}
	buf[len] = '\0';
	/* What is left of the countdown: 0 once the fault was injected. */
	fault_left = atoi(buf);
	fault_injected = fault_left == 0;
	errno = saved_errno;
}

/* open(2) of @path with faults, then close; 0 or -errno. */
int faulty_open(const char *path, int flags)
{
	int fd;

	if (!fault_arm())
		return -EIO;
	fd = open(path, flags | O_CLOEXEC);
	fault_disarm();
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* One write(2) of @text to @path with faults (the open is not faulted); 0 or -errno. */
int faulty_write(const char *path, const char *text)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!fault_arm()) {
		close(fd);
		return -EIO;
	}
	n = write(fd, text, strlen(text));
	fault_disarm();
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* ioctl(2) on @path with faults (the open is not faulted); 0 or -errno. */
int faulty_ioctl(const char *path, unsigned long request, void *arg)
{
	int fd, ret, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!fault_arm()) {
		close(fd);
		return -EIO;
	}
	ret = ioctl(fd, request, arg);
	fault_disarm();
	err = errno;
	close(fd);
	return ret < 0 ? -err : 0;
}

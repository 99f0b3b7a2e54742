/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Systematic allocation fault injection into one operation of a module,
 * with fail-nth (Documentation/fault-injection/fault-injection.rst): for
 * n = 1, 2, ... the n-th allocation the calling thread makes inside the
 * operation fails, in the slab and the page allocator alike. Each time the
 * operation must either
 *
 *  - fail with an allowed error code (ENOMEM unless the sweep says more)
 *    and leave the state it describes as it was, or
 *  - succeed anyway (the failure was absorbed), and then be undone.
 *
 * The sweep ends at the first n the operation no longer reaches: that run
 * had no failure and must succeed, so no failed attempt left state behind
 * that blocks a retry. Every n below it was a distinct allocation the
 * operation reached and failed. Leaks and splats are caught by the
 * harness (kmemleak, kernel log) after the module's tests.
 *
 *	static int bind(void)
 *	{
 *		return faulty_write(DRIVER "/bind", "dev0");
 *	}
 *
 *	fault_injection_init();
 *	ktap_result(fault_sweep(&(struct fault_sweep){
 *		.name = "bind", .run = bind, .undo = unbind, .state = bound,
 *	}), "allocation failures in bind are clean");
 *
 * Each sweep prints "# stat faults=N" for the summary. The first fault that
 * fails with an error not allowed is repeated with the stack dumps of
 * failslab and fail_page_alloc on, so that the kernel log shows where the
 * failing allocation was made; with RKM_FAULT_TRACES=1 in the environment
 * the sweep goes on and does so for every such fault.
 */
#ifndef RKM_TESTS_SAFETY_FAULTSWEEP_H
#define RKM_TESTS_SAFETY_FAULTSWEEP_H

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktap.h"

/*
 * No operation of ours comes near this many allocations: a sweep that
 * reaches it without a run free of faults fails.
 */
#ifndef FAULT_SWEEP_MAX
#define FAULT_SWEEP_MAX 20000
#endif
#define FAULT_STATE_SIZE 512

/* The kernel's files it uses; tests/host/ compiles it with others. */
#ifndef FAULT_DEBUGFS
#define FAULT_DEBUGFS "/sys/kernel/debug"
#endif
#ifndef PROC_KALLSYMS
#define PROC_KALLSYMS "/proc/kallsyms"
#endif

struct fault_sweep {
	const char *name;
	/* Puts the module where the operation starts from, without faults; 0 or -errno. */
	int (*setup)(void);
	/*
	 * The operation: returns 0 or -errno of the one call that faults are
	 * injected into, which it brackets with fault_arm() and
	 * fault_disarm() (the faulty_*() helpers do).
	 */
	int (*run)(void);
	/* Undoes a successful run; 0 or -errno. NULL: nothing to undo. */
	int (*undo)(void);
	/* Describes the state a failed run must leave as it was. NULL: none. */
	void (*state)(char *buf, size_t size);
	/* Error codes a failed run may return besides ENOMEM, 0-terminated. */
	const int *also_allowed;
	/*
	 * Only allocations made with a module's code on the stack count
	 * (fault_in_modules_only()): for an operation that runs much of the
	 * kernel's own code before any module's, such as loading one.
	 */
	bool in_modules_only;
	/*
	 * With in_modules_only: how near the allocation a module's code must
	 * be, in frames (the stack trace filter's stacktrace-depth); 0 is the
	 * kernel's 32. For a module whose calls into other subsystems reach
	 * allocations whose failure those subsystems do not survive, so that
	 * only those made nearer its own code fail (modules/<name>/vm/fault-frames).
	 */
	int module_frames;
	/*
	 * At most about this many faulted runs; 0: no limit. When a run
	 * without faults reaches more allocation points, every k-th is
	 * faulted (points 1, 1 + k, 1 + 2k, ...; k = points / budget,
	 * rounded up): for an operation that makes hundreds of allocations
	 * through the same few error paths (a device's sysfs files).
	 */
	int budget;
};

static int fault_nth_fd = -1;
static int fault_nth;
/* What fault_disarm() read of the countdown: the points it did not reach. */
static int fault_left;
/* fault_arm() has armed fail-nth and fault_disarm() has not run since. */
static bool fault_armed;
static bool fault_injected;
/* fail-nth could not be armed, read or disarmed since the sweep reset it. */
static bool fault_broken;

/* Writes @value to @path as "echo -n value >path" would (truncating a regular file). */
static inline bool fault_write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	close(fd);
	return ok;
}

/* Stack dumps of each injected failure in the kernel log: on (2) or off (0). */
static inline bool fault_verbose(const char *on)
{
	return fault_write_file(FAULT_DEBUGFS "/failslab/verbose", on) &&
	       fault_write_file(FAULT_DEBUGFS "/fail_page_alloc/verbose", on);
}

/*
 * Makes GFP_KERNEL allocations fail too (exempt by default), quiets the
 * stack dump each injected fault would print, and locks this process's
 * memory: a page fault of ours inside the operation must not take the
 * n-th allocation. Returns false, with a diagnostic, when it cannot.
 */
static inline bool fault_injection_init(void)
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

/* Writes @start and @end as the address range of both allocators' stack trace filters. */
static inline bool fault_filter_range(unsigned long start, unsigned long end)
{
	static const char *const dirs[] = {
		FAULT_DEBUGFS "/failslab",
		FAULT_DEBUGFS "/fail_page_alloc",
	};
	char path[128], value[32];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/require-start", dirs[i]);
		snprintf(value, sizeof(value), "%lu", start);
		if (!fault_write_file(path, value))
			return false;
		snprintf(path, sizeof(path), "%s/require-end", dirs[i]);
		snprintf(value, sizeof(value), "%lu", end);
		if (!fault_write_file(path, value))
			return false;
	}
	return true;
}

/* Where the kernel image ends (its _end symbol); 0 when /proc/kallsyms does not say. */
static inline unsigned long fault_kernel_image_end(void)
{
	unsigned long address, end = 0;
	char line[512], name[256], type;
	FILE *f = fopen(PROC_KALLSYMS, "re");

	if (!f)
		return 0;
	while (!end && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s", &address, &type, name) == 3 && !strcmp(name, "_end"))
			end = address;
	fclose(f);
	return end;
}

/*
 * Makes fail-nth count only the allocations made with a module's code
 * among the innermost 32 frames of the stack (the fault injection stack
 * trace filter, CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, given the
 * addresses above the kernel image: where x86-64 maps modules), or every
 * allocation again (@on false). A sweep of insmod so skips the module
 * loader's few hundred allocations, made before the module's init runs
 * and undone by the loader alone, and faults the init's at once. False,
 * with a diagnostic, when the filter cannot be set.
 */
static inline bool fault_in_modules_only(bool on)
{
	unsigned long image_end = on ? fault_kernel_image_end() : 0;

	if (on && !image_end) {
		ktap_diag("%s has no address for _end (kptr_restrict?)", PROC_KALLSYMS);
		return false;
	}
	if (!fault_filter_range(image_end, ~0UL)) {
		ktap_diag("fault injection has no stack trace filter (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)");
		return false;
	}
	return true;
}

/* The kernel's default stacktrace-depth, which fault_filter_depth() restores. */
#define FAULT_DEFAULT_FRAMES 32

/*
 * A module's modules/<name>/vm/fault-frames at @path: its first number
 * (fault_sweep.module_frames), 0 without the file.
 */
static inline int fault_frames_file(const char *path)
{
	char line[256];
	int frames = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (!frames && fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%d", &frames) == 1)
			ktap_diag("faults within %d frames of the module (%s)", frames, path);
	fclose(f);
	return frames;
}

/* Sets both allocators' stacktrace-depth to @frames (0: the default). */
static inline bool fault_filter_depth(int frames)
{
	static const char *const files[] = {
		FAULT_DEBUGFS "/failslab/stacktrace-depth",
		FAULT_DEBUGFS "/fail_page_alloc/stacktrace-depth",
	};
	char value[16];

	snprintf(value, sizeof(value), "%d", frames ? frames : FAULT_DEFAULT_FRAMES);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!fault_write_file(files[i], value)) {
			ktap_diag("%s: %s", files[i], strerror(errno));
			return false;
		}
	}
	return true;
}

/*
 * From here, the n-th allocation of this thread fails. False, with a
 * diagnostic, when fail-nth cannot be armed: the sweep then fails, since
 * no fault would be injected.
 */
static inline bool fault_arm(void)
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
static inline void fault_disarm(void)
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
static inline int faulty_open(const char *path, int flags)
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
static inline int faulty_write(const char *path, const char *text)
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
static inline int faulty_ioctl(const char *path, unsigned long request, void *arg)
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

/*
 * Repeats the failing run of fault @fault_nth with stack dumps on, so that
 * the kernel log shows where the allocation that failed was made.
 */
static inline void fault_show_trace(const struct fault_sweep *sweep)
{
	if ((sweep->setup && sweep->setup()) || !fault_verbose("2"))
		return;
	ktap_diag("%s: fault %d repeated with its call trace in the kernel log", sweep->name,
		  fault_nth);
	if (sweep->run() == 0 && sweep->undo)
		sweep->undo();
	fault_verbose("0");
}

static inline bool fault_errno_allowed(const struct fault_sweep *sweep, int err)
{
	const int *allowed;

	if (err == ENOMEM)
		return true;
	for (allowed = sweep->also_allowed; allowed && *allowed; allowed++)
		if (*allowed == err)
			return true;
	return false;
}

/*
 * Counts the allocation points of a run without faults (fail-nth armed
 * beyond reach: what is left of the countdown says how many were passed),
 * undoing the run. 0, with a diagnostic, when the run fails.
 */
static inline int fault_count_points(const struct fault_sweep *sweep)
{
	int ret;

	fault_nth = FAULT_SWEEP_MAX + 1;
	if (sweep->setup && sweep->setup())
		return 0;
	ret = sweep->run();
	if (ret || fault_injected || fault_broken) {
		ktap_diag("%s: the run counting allocation points failed: %s", sweep->name,
			  strerror(ret ? -ret : EIO));
		return 0;
	}
	if (sweep->undo && sweep->undo())
		return 0;
	return FAULT_SWEEP_MAX + 1 - fault_left;
}

/* Runs one sweep (see the top of this file); false, with diagnostics, on the first violation. */
static inline bool fault_sweep(const struct fault_sweep *sweep)
{
	char before[FAULT_STATE_SIZE], after[FAULT_STATE_SIZE];
	int failed = 0, absorbed = 0, disallowed = 0, errnos[256] = { 0 };
	bool survey = getenv("RKM_FAULT_TRACES") != NULL;
	bool ok = true, finished = false;
	int ret, err, points, stride = 1;

	if (fault_nth_fd < 0)
		return ktap_check(ok, false, "%s: fault_injection_init() has not succeeded", sweep->name);
	if (sweep->in_modules_only && !fault_in_modules_only(true))
		return ktap_check(ok, false, "%s: faults cannot be confined to modules", sweep->name);
	if (sweep->module_frames && !fault_filter_depth(sweep->module_frames))
		return ktap_check(ok, false, "%s: faults cannot be confined to %d frames",
				  sweep->name, sweep->module_frames);
	if (sweep->budget > 0 || sweep->in_modules_only) {
		points = fault_count_points(sweep);
		if (!points && sweep->in_modules_only) {
			/*
			 * A module init that tail-calls into the kernel
			 * (module_phy_driver(), say) leaves no frame of its own
			 * on the stack: count every allocation then.
			 */
			ktap_diag("%s: no allocation with a module's code on the stack: all counted",
				  sweep->name);
			ok = ktap_check(ok, fault_in_modules_only(false), "%s: the filter stays set",
					sweep->name);
			points = fault_count_points(sweep);
		}
		ok = ktap_check(ok, points > 0, "%s: no allocation point counted", sweep->name);
		if (sweep->budget > 0 && points > sweep->budget)
			stride = (points + sweep->budget - 1) / sweep->budget;
		ktap_diag("stat fault_points=%d", points);
		if (stride == 1)
			ktap_diag("%s: %d allocation points in a run without faults, all faulted (budget %d)",
				  sweep->name, points, sweep->budget);
		else
			ktap_diag("%s: %d allocation points in a run without faults, 1 in %d faulted (budget %d)",
				  sweep->name, points, stride, sweep->budget);
	}
	for (fault_nth = 1; fault_nth <= FAULT_SWEEP_MAX && ok; fault_nth += stride) {
		if (sweep->setup) {
			ret = sweep->setup();
			if (!ktap_check(ok, ret == 0, "%s: setup before fault %d: %s", sweep->name,
					fault_nth, strerror(-ret)))
				break;
		}
		if (sweep->state)
			sweep->state(before, sizeof(before));
		fault_injected = false;
		fault_broken = false;
		ret = sweep->run();

		ok = ktap_check(ok, !fault_broken, "%s: fault %d: fail-nth does not work",
				sweep->name, fault_nth);
		if (!ok)
			break;
		if (!fault_injected) {
			/* Not reached: every allocation point has been tried. */
			finished = true;
			ok = ktap_check(ok, ret == 0, "%s without a fault failed: %s", sweep->name,
					strerror(-ret));
			if (ok && sweep->undo)
				ok = ktap_check(ok, (ret = sweep->undo()) == 0, "%s: undo: %s",
						sweep->name, strerror(-ret));
			break;
		}
		if (ret == 0) {
			absorbed++;
			if (sweep->undo)
				ok = ktap_check(ok, (ret = sweep->undo()) == 0,
						"%s: undo after absorbed fault %d: %s", sweep->name,
						fault_nth, strerror(-ret));
			continue;
		}
		failed++;
		err = -ret;
		if (err > 0 && err < 256)
			errnos[err]++;
		if (sweep->state) {
			sweep->state(after, sizeof(after));
			ok = ktap_check(ok, !strcmp(before, after),
					"%s: fault %d changed the state from \"%s\" to \"%s\"",
					sweep->name, fault_nth, before, after);
		}
		if (!fault_errno_allowed(sweep, err)) {
			disallowed++;
			ktap_diag("%s: fault %d failed with %s, not an allowed error", sweep->name,
				  fault_nth, strerror(err));
			if (disallowed == 1 || survey)
				fault_show_trace(sweep);
			ok = ok && survey;
		}
	}

	if (sweep->module_frames)
		ok = ktap_check(ok, fault_filter_depth(0), "%s: the filter depth stays set",
				sweep->name);
	if (sweep->in_modules_only)
		ok = ktap_check(ok, fault_in_modules_only(false), "%s: the filter stays set",
				sweep->name);
	ktap_diag("stat faults=%d", failed + absorbed);
	ktap_diag("%s: %d fault points: %d failed, %d absorbed", sweep->name,
		  failed + absorbed, failed, absorbed);
	for (err = 1; err < 256; err++)
		if (errnos[err])
			ktap_diag("  %dx %s", errnos[err], strerror(err));
	ok = ktap_check(ok, disallowed == 0, "%s: %d faults failed with an error not allowed",
			sweep->name, disallowed);
	/* Only a failed check may end the sweep before a run without a fault. */
	if (ok)
		ok = ktap_check(ok, finished, "%s: %d faults and no run without one",
				sweep->name, FAULT_SWEEP_MAX);
	return ktap_check(ok, failed + absorbed > 0, "%s reached no allocation", sweep->name);
}

#endif /* RKM_TESTS_SAFETY_FAULTSWEEP_H */

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
#ifndef RKM_TESTS_LIB_FAULTSWEEP_H
#define RKM_TESTS_LIB_FAULTSWEEP_H

#include <stdlib.h>

#include "ktap.h"
/* The kernel's settings a sweep writes; fail-nth and the faulty_*() operations. */
#include "faultsweep/debugfs.h"
#include "faultsweep/fail_nth.h"

/*
 * No operation of ours comes near this many allocations: a sweep that
 * reaches it without a run free of faults fails.
 */
#ifndef FAULT_SWEEP_MAX
#define FAULT_SWEEP_MAX 20000
#endif
#define FAULT_STATE_SIZE 512

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
	 * only those made nearer its own code fail (tests/<name>/debug/fault-frames).
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

#endif /* RKM_TESTS_LIB_FAULTSWEEP_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The fault sweeps of tests/lib/faultsweep.h: the sweep itself, over the
 * fail-nth and the debugfs settings of faultsweep/.
 */
#include <stdlib.h>

#include "ktap.h"
#include "faultsweep.h"

/*
 * Repeats the failing run of fault @fault_nth with stack dumps on, so that
 * the kernel log shows where the allocation that failed was made.
 */
static void fault_show_trace(const struct fault_sweep *sweep)
{
	if ((sweep->setup && sweep->setup()) || !fault_verbose("2"))
		return;
	ktap_diag("%s: fault %d repeated with its call trace in the kernel log", sweep->name,
		  fault_nth);
	if (sweep->run() == 0 && sweep->undo)
		sweep->undo();
	fault_verbose("0");
}

static bool fault_errno_allowed(const struct fault_sweep *sweep, int err)
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
static int fault_count_points(const struct fault_sweep *sweep)
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
bool fault_sweep(const struct fault_sweep *sweep)
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

// SPDX-License-Identifier: GPL-2.0
/*
 * The load path of one module under fault injection and load cycles, run by
 * `make check-debug` for every module:
 *
 *  1. Allocation fault injection into insmod (tests/lib/faultsweep.h):
 *     for n = 1, 2, ... the n-th allocation init_module() makes with the
 *     module's code on the stack fails (the loader's own, before the
 *     module's init runs, are left alone: see fault_in_modules_only());
 *     the load must fail with ENOMEM, the module absent afterwards, or
 *     absorb the failure and unload, and a load without a fault must
 *     succeed. Beyond 100 allocation points (RKM_FAULT_BUDGET), one in k
 *     is faulted, so that about 100 loads are (see fault_budget()).
 *     A module whose load documents other errors for allocation failures
 *     lists them in DEBUG_DIR/load-errors, one name per line
 *     ("EINVAL  why"); '#' starts a comment. A module that faults only the
 *     allocations made near its own code gives the frames in
 *     DEBUG_DIR/fault-frames (see fault_sweep.module_frames).
 *  2. Load/unload cycles (CYCLES, default 30): insmod, the module's exercise script
 *     (DEBUG_DIR/exercise.sh, when it has one), rmmod; no slab cache
 *     may grow by one object a cycle in both halves of the cycles (see
 *     load_cycles()), and unreclaimable slab and vmalloc use not
 *     beyond a stated bound.
 *
 * Leaks and splats are caught by the harness afterwards (kmemleak, kernel
 * log). Prints KTAP and "# stat name=value" lines for the summary.
 *
 *	modload TREE/modules/<name>/<name>.ko [CYCLES]
 *
 * DEBUG_DIR is TREE/tests/<name>/debug/, which need not exist.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"
#include "faultsweep.h"
/* The module, the memory figures and the load/unload cycles. */
#include "module.h"
#include "memory.h"
#include "cycles.h"

#define KUNIT_FILTER_GLOB "/sys/module/kunit/parameters/filter_glob"

/* Milliseconds on the monotonic clock: the phases' durations for the summary. */
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void module_state(char *buf, size_t size)
{
	snprintf(buf, size, "%s", loaded() ? "loaded" : "absent");
}

/*
 * The sweep's budget of faulted loads: $RKM_FAULT_BUDGET, 0 for no limit,
 * by default 100. rust_vmdio's load reaches 440 allocation points under its
 * code, most of them the sysfs nodes of an MDIO bus (its statistics: a
 * folder and 4 files for each of 32 addresses, one error path), and a load takes
 * 1.6 s on the debug kernel under TCG: all of them took 12 minutes.
 */
static int fault_budget(void)
{
	const char *value = getenv("RKM_FAULT_BUDGET");

	return value && value[0] ? atoi(value) : 100;
}

static int faulty_load(void)
{
	int ret;

	if (!fault_arm())
		return -EIO;
	ret = load();
	fault_disarm();
	return ret;
}

/* Where the module's debug folder says what its load may fail with. */
static char load_errors_path[512], fault_frames_path[512];
static int cycles;
static bool was_loaded;

static bool setup(void)
{
	if (!read_load_errors(load_errors_path))
		return false;
	if (!read_image()) {
		perror(ko_path);
		return false;
	}
	if (!fault_injection_init())
		return false;

	/*
	 * KUnit runs a module's suites at every load; here that would only
	 * multiply the run time (make check runs them). A glob no suite
	 * matches skips them while this program loads the module.
	 */
	if (!fault_write_file(KUNIT_FILTER_GLOB, "rkm-modload-skips-kunit")) {
		perror(KUNIT_FILTER_GLOB);
		return false;
	}

	was_loaded = loaded();
	if (was_loaded && unload() != 0) {
		ktap_diag("%s is loaded and cannot be removed", module_name);
		return false;
	}
	return true;
}

static bool insmod_sweep(void)
{
	long start = now_ms();
	bool ok = fault_sweep(&(struct fault_sweep){
		.name = "insmod",
		.run = faulty_load,
		.undo = unload,
		.state = module_state,
		.also_allowed = load_errors,
		.in_modules_only = true,
		.module_frames = fault_frames_file(fault_frames_path),
		.budget = fault_budget(),
	});

	ktap_diag("stat insmod_sweep_ms=%ld", now_ms() - start);
	return ok;
}

static bool cycles_leave_nothing(void)
{
	long start = now_ms();
	bool ok = load_cycles(cycles);

	ktap_diag("stat load_cycles_ms=%ld", now_ms() - start);
	return ok;
}

int main(int argc, char **argv)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("allocation failures at load are clean", insmod_sweep),
		KTAP_CASE_NAMED("load/unload cycles leave nothing behind", cycles_leave_nothing),
	};
	char *copy, *base, *dot, debug_dir[400];
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: %s TREE/modules/NAME/NAME.ko [CYCLES]\n", argv[0]);
		return 2;
	}
	cycles = argc > 2 ? atoi(argv[2]) : 30;
	ko_path = argv[1];
	copy = strdup(ko_path);
	base = basename(copy);
	dot = strrchr(base, '.');
	if (dot)
		*dot = '\0';
	snprintf(module_name, sizeof(module_name), "%s", base);
	free(copy);
	copy = strdup(ko_path);
	snprintf(debug_dir, sizeof(debug_dir), "%s/../../tests/%s/debug", dirname(copy),
		 module_name);
	free(copy);
	snprintf(exercise, sizeof(exercise), "%s/exercise.sh", debug_dir);
	if (access(exercise, R_OK) != 0)
		exercise[0] = '\0';
	snprintf(load_errors_path, sizeof(load_errors_path), "%s/load-errors", debug_dir);
	snprintf(fault_frames_path, sizeof(fault_frames_path), "%s/fault-frames", debug_dir);

	status = ktap_run_after(setup, cases, ARRAY_SIZE(cases));
	/* "*" is what an unset filter means (see kunit_filter_glob() users);
	 * an empty glob would match no suite at all. */
	fault_write_file(KUNIT_FILTER_GLOB, "*");
	if (was_loaded && load() != 0)
		ktap_diag("could not reload %s", module_name);
	return status;
}

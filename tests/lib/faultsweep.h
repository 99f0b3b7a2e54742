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
 *	static bool bind_sweep(void)
 *	{
 *		return fault_sweep(&(struct fault_sweep){
 *			.name = "bind", .run = bind, .undo = unbind, .state = bound,
 *		});
 *	}
 *
 * run as a case after fault_injection_init(), its setup.
 *
 * Each sweep prints "# stat faults=N" for the summary. The first fault that
 * fails with an error not allowed is repeated with the stack dumps of
 * failslab and fail_page_alloc on, so that the kernel log shows where the
 * failing allocation was made; with RKM_FAULT_TRACES=1 in the environment
 * the sweep goes on and does so for every such fault.
 */
#ifndef RKM_TESTS_LIB_FAULTSWEEP_H
#define RKM_TESTS_LIB_FAULTSWEEP_H

#include <stdbool.h>
#include <stddef.h>

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

bool fault_sweep(const struct fault_sweep *sweep);

#endif /* RKM_TESTS_LIB_FAULTSWEEP_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the fault sweeps (../faultsweep.h): the kernel's fault injection
 * settings in debugfs that a sweep writes: the stack dumps of injected
 * failures, and the stack trace filter that confines faults to the
 * allocations made with a module's code on the stack (and how near it).
 */
#ifndef RKM_TESTS_LIB_FAULTSWEEP_DEBUGFS_H
#define RKM_TESTS_LIB_FAULTSWEEP_DEBUGFS_H

#include <stdbool.h>

/* The kernel's files it uses; tests/host/ compiles it with others. */
#ifndef FAULT_DEBUGFS
#define FAULT_DEBUGFS "/sys/kernel/debug"
#endif
#ifndef PROC_KALLSYMS
#define PROC_KALLSYMS "/proc/kallsyms"
#endif

bool fault_write_file(const char *path, const char *value);

bool fault_verbose(const char *on);

bool fault_in_modules_only(bool on);

/* The kernel's default stacktrace-depth, which fault_filter_depth() restores. */
#define FAULT_DEFAULT_FRAMES 32

int fault_frames_file(const char *path);

bool fault_filter_depth(int frames);

#endif /* RKM_TESTS_LIB_FAULTSWEEP_DEBUGFS_H */

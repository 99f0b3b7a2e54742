/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the fault sweeps (../faultsweep.h): fail-nth of the calling
 * thread, set up once, armed and disarmed around the one call of an
 * operation that faults are injected into, and the faulty_*() operations
 * built on that.
 */
#ifndef RKM_TESTS_LIB_FAULTSWEEP_FAIL_NTH_H
#define RKM_TESTS_LIB_FAULTSWEEP_FAIL_NTH_H

#include <stdbool.h>

extern int fault_nth_fd;

extern int fault_nth;

/* What fault_disarm() read of the countdown: the points it did not reach. */
extern int fault_left;

extern bool fault_injected;

/* fail-nth could not be armed, read or disarmed since the sweep reset it. */
extern bool fault_broken;

bool fault_injection_init(void);

bool fault_arm(void);

void fault_disarm(void);

int faulty_open(const char *path, int flags);

int faulty_write(const char *path, const char *text);

int faulty_ioctl(const char *path, unsigned long request, void *arg);

#endif /* RKM_TESTS_LIB_FAULTSWEEP_FAIL_NTH_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_pipe fuzzer (main.c): judging the calls. The results
 * allowed for one call (a range of return values, a set of errnos), the
 * failure counts of the test cases with their first few diagnostics, and the
 * tallies of calls and of outcomes that the program prints at the end.
 */
#ifndef RKM_TESTS_RUST_PIPE_FUZZ_EXPECT_H
#define RKM_TESTS_RUST_PIPE_FUZZ_EXPECT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Diagnostics printed per test case; the failure count is always given. */
#define MAX_DIAGS		8

/* The results allowed for one call. */
struct expect {
	int errs[8];		/* acceptable errnos, 0-terminated */
	bool may_succeed;
	size_t min, max;	/* the range of an acceptable return value */
};

void allow_err(struct expect *e, int err);

void allow_success(struct expect *e, size_t min, size_t max);

bool acceptable(const struct expect *e, long ret, int err);

enum test_case { CASE_IOCTL, CASE_READ, CASE_WRITE, CASE_OTHER, CASE_THREADS, NR_CASES };

extern int case_failures[NR_CASES];

extern uint64_t calls;

/* How the judged calls of phase 1 ended: successes, then by errno. */
extern uint64_t successes, errors[EHWPOISON + 1];

void count_call(void);

void fail(enum test_case c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

const char *result_name(long ret, int err, char *buf, size_t size);

bool judge(enum test_case c, long op, const char *call, const struct expect *e,
	   long ret, int err);

#endif /* RKM_TESTS_RUST_PIPE_FUZZ_EXPECT_H */

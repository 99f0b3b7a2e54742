// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_pipe fuzzer (main.c): judging the calls. The results
 * allowed for one call (a range of return values, a set of errnos), the
 * failure counts of the test cases with their first few diagnostics, and the
 * tallies of calls and of outcomes that the program prints at the end.
 */
#include "../rpipe_test.h"

#include <stdarg.h>

#include "expect.h"

void allow_err(struct expect *e, int err)
{
	for (int i = 0; i < 7; i++) {
		if (e->errs[i] == err)
			return;
		if (!e->errs[i]) {
			e->errs[i] = err;
			return;
		}
	}
}

void allow_success(struct expect *e, size_t min, size_t max)
{
	e->may_succeed = true;
	e->min = min;
	e->max = max;
}

bool acceptable(const struct expect *e, long ret, int err)
{
	if (ret >= 0)
		return e->may_succeed && (size_t)ret >= e->min && (size_t)ret <= e->max;
	for (int i = 0; e->errs[i]; i++)
		if (e->errs[i] == err)
			return true;
	return false;
}

static void describe_expect(const struct expect *e, char *buf, size_t size)
{
	int len = 0;

	if (e->may_succeed)
		len = snprintf(buf, size, "%zu..%zu", e->min, e->max);
	for (int i = 0; e->errs[i] && len >= 0 && (size_t)len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", len ? " or " : "",
				strerrorname_np(e->errs[i]));
	if (len == 0)
		snprintf(buf, size, "nothing");
}

int case_failures[NR_CASES];

uint64_t calls;

uint64_t successes, errors[EHWPOISON + 1];

void count_call(void)
{
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
}

void fail(enum test_case c, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (__atomic_fetch_add(&case_failures[c], 1, __ATOMIC_RELAXED) >= MAX_DIAGS)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ktap_diag("%s", line);
}

const char *result_name(long ret, int err, char *buf, size_t size)
{
	if (ret >= 0)
		snprintf(buf, size, "%ld", ret);
	else
		snprintf(buf, size, "%s", strerrorname_np(err));
	return buf;
}

/* Reports @ret unless @e allows it; returns whether it succeeded as allowed. */
bool judge(enum test_case c, long op, const char *call, const struct expect *e,
	   long ret, int err)
{
	char got[32], want[128];

	if (ret >= 0)
		successes++;
	else if (err > 0 && err <= EHWPOISON)
		errors[err]++;
	if (acceptable(e, ret, err))
		return ret >= 0;
	describe_expect(e, want, sizeof(want));
	fail(c, "op %ld: %s returned %s, expected %s", op, call,
	     result_name(ret, err, got, sizeof(got)), want);
	return false;
}

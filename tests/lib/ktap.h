/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP producer for the userspace tests in tests/<module>/.
 *
 * Every test program prints one KTAP document on stdout; the harness nests
 * it under the module's results and the kernel's own KTAP parser
 * (tools/testing/kunit) reads it. The program's exit status is 0 exactly
 * when no case failed.
 *
 *	int main(void)
 *	{
 *		ktap_plan(2);
 *		ktap_result(first_case(), "first case");
 *		ktap_skip("needs two CPUs", "second case");
 *		return ktap_finish();
 *	}
 *
 * Inside a case, ktap_check() reports why it fails as a "# " diagnostic.
 */
#ifndef RKM_TESTS_LIB_KTAP_H
#define RKM_TESTS_LIB_KTAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int ktap_planned;
static int ktap_number;
static int ktap_failed;

static inline void ktap_plan(int cases)
{
	ktap_planned = cases;
	printf("KTAP version 1\n1..%d\n", cases);
	fflush(stdout);
}

static inline void ktap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Reports one case; returns @ok so callers can chain. */
static inline bool ktap_result(bool ok, const char *name)
{
	ktap_number++;
	if (!ok)
		ktap_failed++;
	printf("%s %d %s\n", ok ? "ok" : "not ok", ktap_number, name);
	fflush(stdout);
	return ok;
}

static inline void ktap_skip(const char *reason, const char *name)
{
	ktap_number++;
	printf("ok %d %s # SKIP %s\n", ktap_number, name, reason);
	fflush(stdout);
}

/* Exit status for main(): failure when a case failed or went missing. */
static inline int ktap_finish(void)
{
	if (ktap_number != ktap_planned) {
		ktap_diag("planned %d cases, ran %d", ktap_planned, ktap_number);
		return 1;
	}
	return ktap_failed ? 1 : 0;
}

/*
 * Evaluates @cond; when false prints where and why (with errno) and yields
 * false. Use as: ok = ktap_check(ok, n == 4, "read returned %zd", n);
 */
#define ktap_check(ok, cond, fmt, ...)                                        \
	({                                                                    \
		bool __c = (cond);                                            \
		if (!__c)                                                     \
			ktap_diag("%s:%d: %s: " fmt " (errno %d: %s)",        \
				  __FILE__, __LINE__, #cond, ##__VA_ARGS__,   \
				  errno, strerror(errno));                    \
		(ok) && __c;                                                  \
	})

#endif /* RKM_TESTS_LIB_KTAP_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP producer for the userspace tests in tests/<module>/.
 *
 * Every test program prints one KTAP document on stdout; the harness nests
 * it under the module's results and the kernel's own KTAP parser
 * (tools/testing/kunit) reads it. The program's exit status is 0 exactly
 * when no case failed.
 *
 * A program lists its cases in a table, from which the plan and the names
 * come; ktap_run() runs them in order:
 *
 *	static bool first_case(void) { ... }
 *
 *	int main(void)
 *	{
 *		static const struct ktap_case cases[] = {
 *			KTAP_CASE(first_case),
 *			KTAP_CASE_NAMED("second case, as a sentence", second),
 *		};
 *
 *		return ktap_run(cases, ARRAY_SIZE(cases));
 *	}
 *
 * Inside a case, ktap_check() reports why it fails as a "# " diagnostic,
 * and ktap_case_skip() marks it skipped.
 */
#ifndef RKM_TESTS_LIB_KTAP_H
#define RKM_TESTS_LIB_KTAP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#endif

/* One case: its name in the results and the function that runs it. */
struct ktap_case {
	const char *name;
	bool (*run)(void);
	/* The later cases need this one: when it fails, they fail unrun. */
	bool required;
};

/* A case named after its function. */
#define KTAP_CASE(fn) { .name = #fn, .run = (fn) }
/* A case with a name of its own. */
#define KTAP_CASE_NAMED(case_name, fn) { .name = (case_name), .run = (fn) }
/* A case the later ones need (see struct ktap_case.required). */
#define KTAP_CASE_REQUIRED(case_name, fn) { .name = (case_name), .run = (fn), .required = true }

/*
 * Prints the plan (@count cases), runs @setup if not NULL, then each case
 * in order, and returns the exit status for main(): 0 exactly when every
 * case passed or was skipped. When @setup fails, every case fails unrun.
 */
int ktap_run_after(bool (*setup)(void), const struct ktap_case *cases, size_t count);

static inline int ktap_run(const struct ktap_case *cases, size_t count)
{
	return ktap_run_after(NULL, cases, count);
}

/* Called by a running case: it is reported as skipped for @reason. */
void ktap_case_skip(const char *reason);

/* A name formatted at run time (a module's name in it), for a case table. */
const char *ktap_name(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A "# " diagnostic line. */
void ktap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

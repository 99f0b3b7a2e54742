// SPDX-License-Identifier: GPL-2.0
/*
 * The KTAP producer of tests/lib/ktap.h: one document per program, so its
 * state is the program's.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>

#include "ktap.h"

static int ktap_number;
static int ktap_failed;
/* The running case's reason to be skipped, if it gave one. */
static const char *ktap_skip_reason;

void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Reports one case. */
static void ktap_result(bool ok, const char *name)
{
	ktap_number++;
	if (!ok)
		ktap_failed++;
	printf("%s %d %s\n", ok ? "ok" : "not ok", ktap_number, name);
	fflush(stdout);
}

static void ktap_skip(const char *reason, const char *name)
{
	ktap_number++;
	printf("ok %d %s # SKIP %s\n", ktap_number, name, reason);
	fflush(stdout);
}

void ktap_case_skip(const char *reason)
{
	ktap_skip_reason = reason;
}

const char *ktap_name(const char *fmt, ...)
{
	char *name;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&name, fmt, ap);
	va_end(ap);
	/* Freed at exit: a program's names live as long as its table. */
	return len < 0 ? fmt : name;
}

int ktap_run_after(bool (*setup)(void), const struct ktap_case *cases, size_t count)
{
	const char *unrun = NULL;
	size_t i;
	bool ok;

	printf("KTAP version 1\n1..%zu\n", count);
	fflush(stdout);
	if (setup && !setup())
		unrun = "the setup";
	for (i = 0; i < count; i++) {
		if (unrun) {
			ktap_diag("not run: %s failed", unrun);
			ktap_result(false, cases[i].name);
			continue;
		}
		ktap_skip_reason = NULL;
		ok = cases[i].run();
		if (ktap_skip_reason) {
			ktap_skip(ktap_skip_reason, cases[i].name);
			continue;
		}
		ktap_result(ok, cases[i].name);
		if (!ok && cases[i].required)
			unrun = cases[i].name;
	}
	return ktap_failed ? 1 : 0;
}

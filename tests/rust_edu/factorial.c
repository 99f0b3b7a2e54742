// SPDX-License-Identifier: GPL-2.0
/*
 * REDU_FACTORIAL against a software reference over every input the driver
 * accepts (0 to REDU_FACTORIAL_MAX: results wrap modulo 2^32 from 13 on and
 * are 0 from 34 on), the inputs it refuses, and the interrupt accounting of
 * the factorials it ran.
 */
#include "redu_test.h"

/* The device, opened by setup(); the cases share it. */
static int fd = -1;

static bool every_input(void)
{
	struct redu_stats before, after;
	uint32_t n, result = 0, wrong = 0;
	bool ok = redu_stats(fd, &before);

	for (n = 0; n <= REDU_FACTORIAL_MAX; n++) {
		int err = redu_factorial(fd, n, &result);

		if (err || result != redu_factorial_reference(n)) {
			if (wrong++ < 8)
				ktap_diag("%u!: %s, %#x, expected %#x", n,
					  err ? strerror(err) : "ok", result,
					  redu_factorial_reference(n));
		}
	}
	ok = ktap_check(ok, wrong == 0, "%u of %u inputs wrong", wrong,
			REDU_FACTORIAL_MAX + 1);
	ok = ok && redu_stats(fd, &after);
	/* One interrupt raised and acknowledged per factorial. */
	ok = ktap_check(ok, after.factorials - before.factorials == REDU_FACTORIAL_MAX + 1,
			"%" PRIu64 " factorials counted",
			(uint64_t)(after.factorials - before.factorials));
	ok = ktap_check(ok, after.fact_raised - before.fact_raised == REDU_FACTORIAL_MAX + 1 &&
			after.fact_acked - before.fact_acked == REDU_FACTORIAL_MAX + 1,
			"raised %" PRIu64 ", acknowledged %" PRIu64,
			(uint64_t)(after.fact_raised - before.fact_raised),
			(uint64_t)(after.fact_acked - before.fact_acked));
	return ok;
}

static bool refused_inputs(void)
{
	static const uint32_t refused[] = { REDU_FACTORIAL_MAX + 1, 65536, UINT32_MAX };
	struct redu_stats before, after;
	uint32_t result;
	bool ok = redu_stats(fd, &before);

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ok = ktap_check(ok, redu_factorial(fd, refused[i], &result) == EINVAL,
				"%u!", refused[i]);
	ok = ktap_check(ok, ioctl(fd, REDU_FACTORIAL, NULL) < 0 && errno == EFAULT,
			"NULL argument");
	ok = ok && redu_stats(fd, &after);
	ok = ktap_check(ok, !memcmp(&before, &after, sizeof(before)),
			"a refused factorial changed the counters");
	return ok;
}

static bool shared_between_files(void)
{
	int a = redu_open(O_RDONLY), b = redu_open(O_WRONLY);
	uint32_t ra = 0, rb = 0;
	bool ok = a >= 0 && b >= 0;

	/* The access mode does not matter to ioctls. */
	ok = ktap_check(ok, !redu_factorial(a, 10, &ra) && ra == 3628800, "10! = %u", ra);
	ok = ktap_check(ok, !redu_factorial(b, 12, &rb) && rb == 479001600, "12! = %u", rb);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return ok;
}

static bool setup(void)
{
	fd = redu_open(O_RDWR);
	return fd >= 0;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("factorial of every accepted input matches n! mod 2^32",
				every_input),
		KTAP_CASE_NAMED("inputs above REDU_FACTORIAL_MAX fail with EINVAL, counters unchanged",
				refused_inputs),
		KTAP_CASE_NAMED("files of any access mode run factorials", shared_between_files),
	};
	int status = ktap_run_after(setup, cases, ARRAY_SIZE(cases));

	if (fd >= 0)
		close(fd);
	return status;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The run's seed of a fuzzer (tests/lib/fuzz.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "fuzz.h"
#include "ktap.h"

bool fuzz_seed(uint64_t default_seed, uint64_t *seed)
{
	const char *text = getenv("RKM_SEED");
	char *end;

	*seed = default_seed;
	if (text) {
		errno = 0;
		*seed = strtoull(text, &end, 0);
		if (errno || end == text || *end) {
			ktap_diag("RKM_SEED=%s is not a number", text);
			return false;
		}
	}
	ktap_diag("seed %llu (RKM_SEED=%llu replays this run)", (unsigned long long)*seed,
		  (unsigned long long)*seed);
	return true;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzzers of tests/<module>/ share: a reproducible random
 * number generator (splitmix64, one state per thread) and the seed of a
 * run, fixed by default, printed, and replayed with RKM_SEED=N.
 */
#ifndef RKM_TESTS_LIB_FUZZ_H
#define RKM_TESTS_LIB_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n), or 0 for n == 0. */
static inline uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return n ? rng_next(state) % n : 0;
}

#define rng_pick(state, array) ((array)[rng_below(state, sizeof(array) / sizeof((array)[0]))])

/*
 * The run's seed: RKM_SEED if set, else @default_seed; printed as "# seed N".
 * False, with a diagnostic, if RKM_SEED is not a number.
 */
bool fuzz_seed(uint64_t default_seed, uint64_t *seed);

#endif /* RKM_TESTS_LIB_FUZZ_H */

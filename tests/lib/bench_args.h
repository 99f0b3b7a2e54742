/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of a benchmark that states no bound and repeats its
 * calls in rounds: "[--gate] [--rounds N] [--calls N]". Under --gate (make
 * bench-gate) it has nothing to check.
 */
#ifndef RKM_TESTS_LIB_BENCH_ARGS_H
#define RKM_TESTS_LIB_BENCH_ARGS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Parses argv into *rounds (1 to @max_rounds) and *calls (at least 1),
 * which hold the defaults. Returns -1 to go on, or the exit status: 0 for
 * --gate, 2 for a usage error.
 */
static inline int bench_args(int argc, char **argv, const char *name, int max_rounds,
			     int *rounds, int *calls)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--gate")) {
			printf("# %s states no bound: nothing to gate\n", name);
			return 0;
		} else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			*rounds = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--calls") && i + 1 < argc) {
			*calls = atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: %s [--gate] [--rounds N] [--calls N]\n", argv[0]);
			return 2;
		}
	}
	if (*rounds < 1 || *rounds > max_rounds || *calls < 1) {
		fprintf(stderr, "rounds must be 1 to %d, calls at least 1\n", max_rounds);
		return 2;
	}
	return -1;
}

#endif /* RKM_TESTS_LIB_BENCH_ARGS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_vmdio fuzzer (main.c): phase 1, the sequential one.
 * Each call of the seed's sequence must match the model, and the state
 * read back after it what the model holds.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "ktap.h"
#include "fuzzer.h"

bool sequential(uint64_t seed)
{
	uint64_t rng = seed;
	unsigned char input[INPUT_MAX];
	char shown[INPUT_MAX * 4 + 32];
	struct fixture_state expected;
	int i, predicted, result, accepted = 0, rejected = 0;
	enum file_id file;
	double deadline = now() + SEQUENTIAL_SECONDS;
	size_t len;

	if (!state_reset())
		return false;
	for (i = 0; i < SEQUENTIAL_CALLS && now() < deadline; i++) {
		if (rng_below(&rng, 4) == 0) {
			if (!hostile_call(&rng))
				return false;
			rejected++;
			continue;
		}
		file = rng_below(&rng, WRITABLE_FILES);
		len = make_input(&rng, file, input);
		expected = model;
		predicted = predict_write(&expected, file, input, len);
		result = write_call(file, input, len);
		escaped(input, len, shown, sizeof(shown));
		if (result != predicted) {
			ktap_diag("call %d: %s <- \"%s\": %s, the model says %s", i,
				  file_names[file], shown, result ? strerror(-result) : "accepted",
				  predicted ? strerror(-predicted) : "accepted");
			return false;
		}
		if (!state_matches(&expected, shown))
			return false;
		model = expected;
		if (result)
			rejected++;
		else
			accepted++;
	}
	ktap_diag("sequential: %d calls, %d accepted, %d rejected as predicted", i, accepted,
		  rejected);
	return true;
}


// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_vmdio fuzzer (main.c): reading the state of the
 * fixture back through the files that show it, comparing it with the
 * model, and setting a known state.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "ktap.h"
#include "fuzzer.h"

unsigned int modes_read(const char *text)
{
	char words[WRITE_MAX / 2 + 1][WRITE_MAX + 1];
	size_t count;
	int modes;

	if (!words_of((const unsigned char *)text, strlen(text), words, &count, WRITE_MAX / 2 + 1))
		return ~0u;
	modes = modes_of(words, count);
	return modes < 0 ? ~0u : (unsigned int)modes;
}

static bool state_read(struct fixture_state *state)
{
	static const enum file_id state_files[] = { CABLE, PARTNER, ATTACHED, RUNNING, LINK_IRQ };
	char text[5][256];
	long n;
	int i;

	for (i = 0; i < 5; i++) {
		n = read_call(state_files[i], text[i], sizeof(text[i]) - 1);
		if (n < 0)
			return false;
		text[i][n] = '\0';
	}
	state->cable = strcmp(text[0], "0\n") ? strcmp(text[0], "1\n") ? 9 : 1 : 0;
	state->partner = modes_read(text[1]);
	state->attached = strcmp(text[2], "0\n") ? strcmp(text[2], "1\n") ? 9 : 1 : 0;
	state->running = strcmp(text[3], "0\n") ? strcmp(text[3], "1\n") ? 9 : 1 : 0;
	state->polled = strcmp(text[4], "mac\n") ? strcmp(text[4], "poll\n") ? 9 : 1 : 0;
	return true;
}

bool state_matches(const struct fixture_state *expected, const char *after)
{
	struct fixture_state seen;

	if (!state_read(&seen)) {
		ktap_diag("after %s: reading the state back: %s", after, strerror(errno));
		return false;
	}
	if (!memcmp(&seen, expected, sizeof(seen)))
		return true;
	ktap_diag("after %s: cable %u attached %u running %u partner %#x polled %u, "
		  "model: %u %u %u %#x %u", after, seen.cable, seen.attached, seen.running,
		  seen.partner, seen.polled, expected->cable, expected->attached, expected->running,
		  expected->partner, expected->polled);
	return false;
}

/* Sets a known state and makes the model hold it. */
bool state_reset(void)
{
	static const struct { enum file_id file; const char *text; } steps[] = {
		{ ATTACHED, "0" }, { LINK_IRQ, "mac" }, { ATTACHED, "1" }, { RUNNING, "1" },
		{ CABLE, "1" },
		{ PARTNER, "10half 10full 100half 100full 1000half 1000full" },
		{ ADVERTISE, "10half 10full 100half 100full 1000half 1000full" },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		ret = write_call(steps[i].file, steps[i].text, strlen(steps[i].text));
		if (ret) {
			ktap_diag("%s <- %s: %s", file_names[steps[i].file], steps[i].text,
				  strerror(-ret));
			return false;
		}
	}
	model = (struct fixture_state){ .cable = 1, .attached = 1, .running = 1,
					.partner = BASET_MODES };
	return state_matches(&model, "setting a known state");
}


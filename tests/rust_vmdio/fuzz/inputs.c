// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_vmdio fuzzer (main.c): the writes it sends, valid,
 * close to valid or junk. Every choice is a draw from the caller's random
 * sequence, so the order of the draws here is what a seed replays.
 */

#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "fuzzer.h"

static const char *const spaces[] = {
	" ", "\t", "\n", "\v", "\f", "\r", "\xc2\xa0", "\xe2\x80\x83", "\xe3\x80\x80",
	/* Not white space: U+200B zero width space, U+001C. */
	"\xe2\x80\x8b", "\x1c",
};

static size_t put(unsigned char *out, size_t at, const char *text)
{
	size_t len = strlen(text);

	if (at + len > INPUT_MAX)
		return at;
	memcpy(out + at, text, len);
	return at + len;
}

static size_t put_space(uint64_t *rng, unsigned char *out, size_t at)
{
	return put(out, at, spaces[rng_below(rng, sizeof(spaces) / sizeof(spaces[0]))]);
}

/* A value in the file's grammar, or close to it. */
static size_t put_value(uint64_t *rng, enum file_id file, unsigned char *out, size_t at)
{
	static const char *const near_bools[] = {
		"2", "-1", "00", "01", "0x1", "1 1", "true", "18446744073709551616", "+1", "٣",
	};
	static const char *const near_modes[] = {
		"100Full", "1000ful", "10 half", "10gig", "pause,", "asym-pause", "",
	};
	static const char *const near_link_irqs[] = { "Mac", "polled", "irq", "mac poll", "1" };
	unsigned int words, i;

	switch (file) {
	case PARTNER:
	case ADVERTISE:
		words = rng_below(rng, 4);
		for (i = 0; i <= words; i++) {
			if (i)
				at = put_space(rng, out, at);
			at = put(out, at, rng_below(rng, 8) ? mode_names[rng_below(rng, MODES)] :
				 near_modes[rng_below(rng, sizeof(near_modes) / sizeof(near_modes[0]))]);
		}
		return at;
	case ACCESS_LOG:
		return put(out, at, rng_below(rng, 4) ? "clear" : "Clear");
	case LINK_IRQ:
		return put(out, at, rng_below(rng, 3) ? link_irq_names[rng_below(rng, 2)] :
			   near_link_irqs[rng_below(rng, sizeof(near_link_irqs) /
						   sizeof(near_link_irqs[0]))]);
	default:
		return put(out, at, rng_below(rng, 3) ? (rng_below(rng, 2) ? "1" : "0") :
			   near_bools[rng_below(rng, sizeof(near_bools) / sizeof(near_bools[0]))]);
	}
}

/* Fills @out with a write for @file; returns its length. */
size_t make_input(uint64_t *rng, enum file_id file, unsigned char *out)
{
	size_t at = 0, len, i;

	switch (rng_below(rng, 8)) {
	case 0:		/* random bytes */
		len = rng_below(rng, 2 * WRITE_MAX);
		for (i = 0; i < len; i++)
			out[i] = (unsigned char)rng_next(rng);
		return len;
	case 1:		/* longer than the module's buffer */
		len = WRITE_MAX + 1 + rng_below(rng, INPUT_MAX - WRITE_MAX - 1);
		memset(out, ' ', len);
		put_value(rng, file, out, 0);
		return len;
	case 2:		/* empty */
		return 0;
	default:	/* a value with white space around it, or none */
		while (rng_below(rng, 3) == 0)
			at = put_space(rng, out, at);
		at = put_value(rng, file, out, at);
		while (rng_below(rng, 2) == 0)
			at = put_space(rng, out, at);
		if (rng_below(rng, 2))
			at = put(out, at, "\n");
		return at;
	}
}


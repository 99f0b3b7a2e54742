// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_platform fuzzer (main.c): the hostile inputs. Every
 * choice is a draw from the caller's random sequence, so the order of the
 * draws here is what a seed replays. escaped() shows an input in a
 * diagnostic.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "fuzzer.h"

/* A file to write to: a read-only one every eighth time, they all fail alike. */
enum attr_id pick_attr(uint64_t *rng)
{
	if (rng_below(rng, 8))
		return rng_below(rng, WRITABLE_ATTRS);
	return WRITABLE_ATTRS + rng_below(rng, ATTRS - WRITABLE_ATTRS);
}


size_t put(unsigned char *out, size_t at, const char *text)
{
	size_t n = strlen(text);

	memcpy(out + at, text, n);
	return at + n;
}

/* Up to two random characters of the ASCII whitespace the driver ignores. */
size_t put_spaces(uint64_t *rng, unsigned char *out, size_t at)
{
	static const char spaces[] = " \t\n\f\r";
	unsigned int i, n = rng_below(rng, 3);

	for (i = 0; i < n; i++)
		out[at++] = spaces[rng_below(rng, sizeof(spaces) - 1)];
	return at;
}

/* value in decimal or hex, sometimes with leading zeros. */
size_t put_number(uint64_t *rng, unsigned char *out, size_t at, uint64_t value)
{
	char text[64];

	switch (rng_below(rng, 4)) {
	case 0:
		snprintf(text, sizeof(text), "0x%llx", (unsigned long long)value);
		break;
	case 1:
		snprintf(text, sizeof(text), "0X%08llX", (unsigned long long)value);
		break;
	case 2:
		snprintf(text, sizeof(text), "000%llu", (unsigned long long)value);
		break;
	default:
		snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
		break;
	}
	return put(out, at, text);
}

/* A number of 11 to 40 decimal or 9 to 20 hex digits: never fits 32 bits. */
static size_t put_overflow(uint64_t *rng, unsigned char *out, size_t at)
{
	unsigned int i, digits;

	if (rng_below(rng, 2)) {
		at = put(out, at, "0x");
		digits = 9 + rng_below(rng, 12);
		out[at++] = "123456789abcdef"[rng_below(rng, 15)];
		for (i = 1; i < digits; i++)
			out[at++] = "0123456789abcdefABCDEF"[rng_below(rng, 22)];
	} else {
		digits = 11 + rng_below(rng, 30);
		out[at++] = '1' + rng_below(rng, 9);
		for (i = 1; i < digits; i++)
			out[at++] = '0' + rng_below(rng, 10);
	}
	return at;
}

/* A value attr accepts (for mode and channels: within the firmware limits). */
static size_t put_valid(uint64_t *rng, const struct fuzz_bank *b, enum attr_id attr,
			unsigned char *out, size_t at)
{
	unsigned int i;

	switch (attr) {
	case SCRATCH:
		return put_number(rng, out, at, (uint32_t)rng_next(rng));
	case ENABLE:
		return put(out, at, rng_below(rng, 2) ? "1" : "0");
	case MODE:
		return put_number(rng, out, at, rng_below(rng, b->max_mode + 1));
	case CHANNELS:
		for (i = 0; i < b->channels; i++) {
			if (i)
				out[at++] = rng_below(rng, 4) ? ' ' : '\t';
			at = put_number(rng, out, at, rng_next(rng) % (b->limits[i] + 1ULL));
		}
		return at;
	default:
		/* Text a read-only file would show: still refused. */
		return put(out, at, b->ro_text[attr]);
	}
}

/* One input for attr of b; returns its length. */
size_t make_input(uint64_t *rng, const struct fuzz_bank *b, enum attr_id attr,
			 enum input_kind kind, unsigned char *out)
{
	static const char alphabet[] = "0123456789abcdefxX+-. \t\n\r\f\v";
	static const char *const non_ascii[] = {
		"\xc2\xa0", "\xc2\x85", "\xe3\x80\x80", "\xe2\x80\xa8",	/* Unicode spaces */
		"\xd9\xa3", "\xef\xbc\x95",	/* Arabic-Indic and fullwidth digits */
		"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf5\x80\x80\x80", "\xe3\x80", "\xff",
	};
	size_t at = 0, len, page_end;
	unsigned int i, n;

	switch (kind) {
	case JUNK:
		n = 1 + rng_below(rng, 40);
		for (i = 0; i < n; i++)
			out[at++] = rng_below(rng, 2) ? alphabet[rng_below(rng, sizeof(alphabet) - 1)]
						  : (unsigned char)rng_below(rng, 256);
		return at;
	case OVERFLOW:
		at = put_spaces(rng, out, at);
		if (attr == CHANNELS) {
			n = rng_below(rng, b->channels);
			for (i = 0; i < b->channels; i++) {
				at = i ? put(out, at, " ") : at;
				at = i == n ? put_overflow(rng, out, at) : put(out, at, "1");
			}
		} else {
			at = put_overflow(rng, out, at);
		}
		return put_spaces(rng, out, at);
	case NEGATIVE:
		at = put(out, at, "-");
		return put_valid(rng, b, attr, out, at);
	case VALID:
		/* \v: ASCII whitespace to C's isspace(), but not to the driver. */
		at = rng_below(rng, 8) ? put_spaces(rng, out, at) : put(out, at, "\v");
		at = put_valid(rng, b, attr, out, at);
		at = put_spaces(rng, out, at);
		return rng_below(rng, 2) ? put(out, at, "\n") : at;
	case OUT_OF_RANGE:
		switch (attr) {
		case ENABLE:
			return put_number(rng, out, at, 2 + rng_below(rng, 1000));
		case MODE:
			return put_number(rng, out, at, b->max_mode + 1ULL + rng_below(rng, 1000));
		case CHANNELS:
			n = rng_below(rng, b->channels);
			for (i = 0; i < b->channels; i++) {
				at = i ? put(out, at, " ") : at;
				at = put_number(rng, out, at,
						b->limits[i] + (i == n ? 1ULL + rng_below(rng, 100) : 0));
			}
			return at;
		default:
			return put_overflow(rng, out, at);
		}
	case NON_ASCII:
		n = rng_below(rng, sizeof(non_ascii) / sizeof(non_ascii[0]));
		if (rng_below(rng, 2))
			at = put(out, at, non_ascii[n]);
		at = put_valid(rng, b, attr, out, at);
		return at == 0 || rng_below(rng, 2) ? put(out, at, non_ascii[n]) : at;
	case HUGE:
		/* Beyond the page by 2 or more bytes, for the cut character below. */
		len = page_size + 2 + rng_below(rng, 2 * page_size - 2);
		switch (rng_below(rng, 4)) {
		case 0:	/* digits all the way: no number that long fits */
			memset(out, '1', len);
			return len;
		case 1:	/* a value padded with spaces, cut at the page: accepted */
			at = put_valid(rng, b, attr, out, 0);
			memset(out + at, ' ', len - at);
			return len;
		case 2:	/* junk beyond the page store() sees */
			at = put_valid(rng, b, attr, out, 0);
			memset(out + at, ' ', page_size - at);
			for (i = page_size; i < len; i++)
				out[i] = (unsigned char)rng_below(rng, 256);
			return len;
		default:	/* a UTF-8 character cut in half by the page boundary */
			at = put_valid(rng, b, attr, out, 0);
			page_end = page_size - 1;
			memset(out + at, ' ', page_end - at);
			memcpy(out + page_end, "\xe3\x80\x80", 3);
			memset(out + page_end + 3, ' ', len - page_end - 3);
			return len;
		}
	case EMPTY:
		return 0;
	default:	/* WORD_COUNT: valid words, but how many */
		n = rng_below(rng, 13);
		for (i = 0; i < n; i++) {
			at = i ? put(out, at, " ") : at;
			at = put_number(rng, out, at, rng_below(rng, 11));
		}
		return at;
	}
}

/* Up to 60 bytes of s as a C string literal, for diagnostics. */
const char *escaped(const unsigned char *s, size_t len, char *out, size_t size)
{
	size_t used = 0, i;

	for (i = 0; i < len && i < 60 && used + 8 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			out[used++] = s[i];
		else
			used += snprintf(out + used, size - used, "\\x%02x", s[i]);
	}
	snprintf(out + used, size - used, "%s (%zu bytes)", i < len ? "..." : "", len);
	return out;
}


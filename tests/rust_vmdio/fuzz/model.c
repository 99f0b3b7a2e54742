// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_vmdio fuzzer (main.c): the model of the documented
 * grammar of the debugfs files (its rules are listed in main.c). It
 * predicts what each write returns and how it changes the fixture's state.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzzer.h"

/*
 * Decodes one UTF-8 sequence as Rust's str::from_utf8 accepts it; returns
 * its length, or 0 if it is not valid UTF-8.
 */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;

	if (s[0] < 0x80)
		len = 1;
	else if ((s[0] & 0xe0) == 0xc0)
		len = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	*cp = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min[len] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* ASCII white space, what Rust's u8::is_ascii_whitespace() tests (not \v). */
static bool ascii_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\f' || cp == '\r';
}

/* Splits UTF-8 text into words at ASCII white space; false if it is not UTF-8. */
bool words_of(const unsigned char *s, size_t n, char words[][WRITE_MAX + 1],
		     size_t *count, size_t max)
{
	size_t at = 0, len, word_len = 0;
	uint32_t cp;

	*count = 0;
	while (at < n) {
		len = utf8_char(s + at, n - at, &cp);
		if (!len)
			return false;
		if (ascii_space(cp)) {
			word_len = 0;
		} else {
			if (!word_len && *count < max)
				(*count)++;
			if (*count <= max) {
				memcpy(words[*count - 1] + word_len, s + at, len);
				word_len += len;
				words[*count - 1][word_len] = '\0';
			}
		}
		at += len;
	}
	return true;
}

/* The mode set a list of names stands for, or -1 if the list is invalid (EINVAL). */
int modes_of(char words[][WRITE_MAX + 1], size_t count)
{
	int modes = 0, m;
	size_t i;

	for (i = 0; i < count; i++) {
		for (m = 0; m < MODES && strcmp(words[i], mode_names[m]); m++)
			;
		if (m == MODES)
			return -1;
		modes |= 1 << m;
	}
	return modes & BASET_MODES ? modes : -1;
}

/*
 * The result of writing @n bytes of @s to @file (0 or -errno) with the
 * model in @state, which it updates on success.
 */
int predict_write(struct fixture_state *state, enum file_id file,
			 const unsigned char *s, size_t n)
{
	char words[WRITE_MAX / 2 + 1][WRITE_MAX + 1];
	size_t count;
	int value = -1;

	if (file >= WRITABLE_FILES || n > WRITE_MAX ||
	    !words_of(s, n, words, &count, WRITE_MAX / 2 + 1))
		return -EINVAL;
	switch (file) {
	case PARTNER:
	case ADVERTISE:
		value = modes_of(words, count);
		break;
	case ACCESS_LOG:
		return count == 1 && !strcmp(words[0], "clear") ? 0 : -EINVAL;
	case LINK_IRQ:
		if (count == 1 && !strcmp(words[0], "mac"))
			value = 0;
		else if (count == 1 && !strcmp(words[0], "poll"))
			value = 1;
		break;
	default:
		if (count == 1 && (!strcmp(words[0], "0") || !strcmp(words[0], "1")))
			value = words[0][0] - '0';
		break;
	}
	if (value < 0)
		return -EINVAL;
	if ((file == ADVERTISE || file == RUNNING) && !state->attached)
		return -ENODEV;
	if (file == LINK_IRQ && state->attached)
		return -EBUSY;
	switch (file) {
	case CABLE:
		state->cable = value;
		break;
	case PARTNER:
		state->partner = value;
		break;
	case ATTACHED:
		/* A new attachment starts with the state machine stopped. */
		if (value != (int)state->attached)
			state->running = 0;
		state->attached = value;
		break;
	case RUNNING:
		state->running = value;
		break;
	case LINK_IRQ:
		state->polled = value;
		break;
	default:
		break;
	}
	return 0;
}


// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_platform fuzzer (main.c): the model of the documented
 * grammar of the attribute files (its rules are listed in main.c). It
 * predicts what each write returns and what each file shows afterwards.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzzer.h"

/* Rust's u8::is_ascii_whitespace(): no \v. */
static bool ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Well-formed UTF-8 as Rust's str::from_utf8() requires it. */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	unsigned char lo, hi;

	while (i < n) {
		lo = 0x80;
		hi = 0xbf;
		if (s[i] < 0x80) {
			i++;
			continue;
		} else if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			len = 2;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			len = 3;
			lo = s[i] == 0xe0 ? 0xa0 : lo;	/* overlong */
			hi = s[i] == 0xed ? 0x9f : hi;	/* surrogates */
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			lo = s[i] == 0xf0 ? 0x90 : lo;	/* overlong */
			hi = s[i] == 0xf4 ? 0x8f : hi;	/* above U+10FFFF */
		} else {
			return false;
		}
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		i += len;
	}
	return true;
}

static int digit_value(unsigned char c, unsigned int radix)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (radix == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (radix == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* sysfs::parse::<u32>(): 0 and *value, or -EINVAL / -ERANGE. */
static int parse_u32(const unsigned char *s, size_t n, uint32_t *value)
{
	unsigned int radix = 10;
	bool overflow = false;
	uint64_t v = 0;
	size_t i;
	int d;

	while (n && ascii_space(s[0]))
		s++, n--;
	while (n && ascii_space(s[n - 1]))
		n--;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
		radix = 16;
	}
	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		d = digit_value(s[i], radix);
		if (d < 0)
			return -EINVAL;
		v = v * radix + d;
		if (v > UINT32_MAX) {
			overflow = true;
			v = UINT32_MAX + 1ULL;	/* keeps the product from wrapping */
		}
	}
	if (overflow)
		return -ERANGE;
	*value = (uint32_t)v;
	return 0;
}

/* The store() of the channels file. */
static int store_channels(const struct fuzz_bank *b, const unsigned char *s, size_t n,
			  struct regs *regs)
{
	uint32_t levels[MAX_CHANNELS];
	unsigned int count = 0, i;
	size_t start, end = 0;
	int err;

	for (;;) {
		for (start = end; start < n && ascii_space(s[start]); start++)
			;
		if (start == n)
			break;
		for (end = start; end < n && !ascii_space(s[end]); end++)
			;
		if (count == MAX_CHANNELS)
			return -EINVAL;
		err = parse_u32(s + start, end - start, &levels[count]);
		if (err)
			return err;
		count++;
	}
	if (count != b->channels)
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (levels[i] > b->limits[i])
			return -ERANGE;
	memcpy(regs->levels, levels, count * sizeof(levels[0]));
	return 0;
}

/*
 * What write(2) of s[0..len) to attr of b returns: the bytes taken or
 * -errno (-EACCES: opening the file for writing fails). On success the
 * write is applied to *regs.
 */
long predict(const struct fuzz_bank *b, enum attr_id attr, const unsigned char *s,
		    size_t len, struct regs *regs)
{
	size_t taken = len < page_size ? len : page_size, n = taken;
	uint32_t value;
	int err = 0;

	if (attr >= WRITABLE_ATTRS)
		return -EACCES;
	if (!len)
		return 0;
	if (!utf8_valid(s, n))
		return -EINVAL;
	if (s[n - 1] == '\n')
		n--;

	switch (attr) {
	case SCRATCH:
		err = parse_u32(s, n, &value);
		if (!err)
			regs->scratch = value;
		break;
	case ENABLE:
		while (n && ascii_space(s[0]))
			s++, n--;
		while (n && ascii_space(s[n - 1]))
			n--;
		if (n == 1 && (s[0] == '0' || s[0] == '1'))
			regs->enable = s[0] - '0';
		else
			err = -EINVAL;
		break;
	case MODE:
		err = parse_u32(s, n, &value);
		if (!err && value > b->max_mode)
			err = -ERANGE;
		if (!err)
			regs->mode = value;
		break;
	default:
		err = store_channels(b, s, n, regs);
		break;
	}
	return err ? err : (long)taken;
}

/* The text attr of a bank with registers regs shows, without the newline. */
void shown(const struct fuzz_bank *b, const struct regs *regs, enum attr_id attr,
		  char *out, size_t size)
{
	size_t used = 0;
	unsigned int i;

	switch (attr) {
	case SCRATCH:
		snprintf(out, size, "0x%08x", regs->scratch);
		break;
	case ENABLE:
		snprintf(out, size, "%u", regs->enable);
		break;
	case MODE:
		snprintf(out, size, "%u", regs->mode);
		break;
	case CHANNELS:
		out[0] = '\0';
		for (i = 0; i < b->channels && used < size; i++)
			used += snprintf(out + used, size - used, i ? " %u" : "%u",
					 regs->levels[i]);
		break;
	default:
		snprintf(out, size, "%s", b->ro_text[attr]);
		break;
	}
}


// SPDX-License-Identifier: GPL-2.0
/*
 * c_platform: parsing what userspace writes to the sysfs files (see
 * parse.h).
 */

#include <linux/errno.h>
#include <linux/hex.h>
#include <linux/nls.h>
#include <linux/overflow.h>

#include "parse.h"

/* ASCII whitespace as rust_platform takes it: unlike isspace(), not \v */
bool c_platform_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/**
 * c_platform_input - check the text written to a file
 * @buf: the text
 * @len: its length; set to the length without one trailing newline
 *
 * Return: 0, or -EINVAL if the text is not UTF-8.
 */
int c_platform_input(const char *buf, size_t *len)
{
	unicode_t c;
	size_t at;
	int n;

	for (at = 0; at < *len; at += n) {
		n = utf8_to_utf32((const u8 *)buf + at, *len - at, &c);
		if (n < 0)
			return -EINVAL;
	}
	if (*len && buf[*len - 1] == '\n')
		(*len)--;
	return 0;
}

/* Drops the whitespace around s[0..*len); returns the new start. */
const char *c_platform_trim(const char *s, size_t *len)
{
	while (*len && c_platform_is_space(s[0])) {
		s++;
		(*len)--;
	}
	while (*len && c_platform_is_space(s[*len - 1]))
		(*len)--;
	return s;
}

/**
 * c_platform_parse_u32 - parse a number
 * @s: the text, not NUL-terminated
 * @len: its length
 * @value: where the number goes
 *
 * Decimal or, after 0x or 0X, hexadecimal, surrounded by any whitespace
 * (c_platform_is_space()); no sign.
 *
 * Return: 0, -EINVAL if the text is not such a number, -ERANGE if the
 * number is above U32_MAX.
 */
int c_platform_parse_u32(const char *s, size_t len, u32 *value)
{
	bool overflow = false;
	int radix = 10, digit;
	u32 v = 0;

	s = c_platform_trim(s, &len);
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
		radix = 16;
	}
	if (!len)
		return -EINVAL;
	for (; len; s++, len--) {
		digit = hex_to_bin(*s);
		if (digit < 0 || digit >= radix)
			return -EINVAL;
		/* Every character must be a digit, even after an overflow. */
		if (check_mul_overflow(v, radix, &v) || check_add_overflow(v, digit, &v))
			overflow = true;
	}
	if (overflow)
		return -ERANGE;
	*value = v;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * c_platform: parsing what userspace writes to the sysfs files, with
 * rust_platform's grammar (stricter than kstrtouint(): no sign, no octal,
 * \v is not whitespace, ERANGE on overflow, UTF-8 only).
 */
#ifndef C_PLATFORM_PARSE_H
#define C_PLATFORM_PARSE_H

#include <linux/types.h>

bool c_platform_is_space(char c);
int c_platform_input(const char *buf, size_t *len);
const char *c_platform_trim(const char *s, size_t *len);
int c_platform_parse_u32(const char *s, size_t len, u32 *value);

#endif /* C_PLATFORM_PARSE_H */

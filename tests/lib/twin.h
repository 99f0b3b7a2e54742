/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test program of a Rust module runs against its C twin too
 * (tests/<twin>/twin.env, scripts/collection.sh): what names the module
 * under test comes from the environment, with the Rust module's names as
 * the defaults.
 */
#ifndef RKM_TESTS_LIB_TWIN_H
#define RKM_TESTS_LIB_TWIN_H

#include <stdlib.h>

/* Returns $@name, or @fallback if it is unset or empty. */
static inline const char *twin_env(const char *name, const char *fallback)
{
	const char *value = getenv(name);

	return value && value[0] ? value : fallback;
}

#endif /* RKM_TESTS_LIB_TWIN_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of modload (main.c): the module under test, its name and
 * paths, its image read once, loading and unloading it, and the errors
 * besides ENOMEM its load may fail with (tests/<name>/debug/load-errors).
 */
#ifndef RKM_TESTS_TOOLS_MODLOAD_MODULE_H
#define RKM_TESTS_TOOLS_MODLOAD_MODULE_H

#include <stdbool.h>
#include <stddef.h>

extern const char *ko_path;

extern char module_name[256];

extern char exercise[512];

/* Errors besides ENOMEM the module's load may fail with; 0-terminated. */
extern int load_errors[16];

bool read_image(void);

int load(void);

int unload(void);

bool loaded(void);

bool read_load_errors(const char *path);

#endif /* RKM_TESTS_TOOLS_MODLOAD_MODULE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of modload (main.c): the load/unload cycles, and how the
 * growth of the memory figures between their readings is judged, so that
 * a leak in every cycle fails them and what the system does meanwhile
 * does not.
 */
#ifndef RKM_TESTS_TOOLS_MODLOAD_CYCLES_H
#define RKM_TESTS_TOOLS_MODLOAD_CYCLES_H

#include <stdbool.h>

#include "memory.h"

/*
 * Growth of unreclaimable slab and of vmalloc allowed over all cycles,
 * measured after emptying KASAN's quarantine and the caches' free slabs:
 * what other activity in the VM (udev handling each load's uevents) may
 * leave. It is judged like the slab caches, on both halves: a steady leak
 * of the bound over the run grows each half by half of it, while the rest
 * of the system moves SUnreclaim by hundreds of kB either way in one half
 * (seen on the debug kernel of 2026-12-02: -1096, -1048 and +464 kB over
 * 30 cycles of three modules). A leak of one object a cycle shows sooner in
 * the per-cache counts; kmemleak, which the harness runs afterwards,
 * catches every leaked object.
 */
#define GROWTH_BOUND_KB 256

long objects_of(const struct slab_counts *counts, const char *name);

long steady_growth(const struct slab_counts *start, const struct slab_counts *mid,
		   const struct slab_counts *end, const char **name);

bool load_cycles(int cycles);

#endif /* RKM_TESTS_TOOLS_MODLOAD_CYCLES_H */

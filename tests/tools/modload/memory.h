/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of modload (main.c): the memory figures the load/unload
 * cycles are judged on, read once KASAN's quarantine, the caches' free
 * slabs and pending RCU frees are emptied: the objects in use per slab
 * cache, and unreclaimable slab and vmalloc use from /proc/meminfo.
 */
#ifndef RKM_TESTS_TOOLS_MODLOAD_MEMORY_H
#define RKM_TESTS_TOOLS_MODLOAD_MEMORY_H

#include <stdbool.h>
#include <stddef.h>

/* Writing 2 frees the dentries and inodes nothing uses (the dcache's). */
#ifndef PROC_DROP_CACHES
#define PROC_DROP_CACHES "/proc/sys/vm/drop_caches"
#endif

/* The kernel's files it reads; tests/host/ compiles it with others. */
#ifndef PROC_MEMINFO
#define PROC_MEMINFO "/proc/meminfo"
#endif

#ifndef PROC_SLABINFO
#define PROC_SLABINFO "/proc/slabinfo"
#endif

#ifndef SYS_SLAB
#define SYS_SLAB "/sys/kernel/slab"
#endif

#ifndef PROC_DENTRY_STATE
#define PROC_DENTRY_STATE "/proc/sys/fs/dentry-state"
#endif

/* Objects in use per slab cache (slab_counts_read()). */
struct slab_counts {
	size_t n;
	struct {
		char name[64];
		long objects, size;
	} cache[1024];
};

bool slab_counts_read(struct slab_counts *counts);

bool uncounted_cache(const char *name);

/*
 * Rounds of shrink_slabs() at most before a measurement. Objects freed with
 * kfree_rcu() or through a cache's RCU sheaf stay in use until a grace
 * period after their batch is handed to RCU (drop_caches runs the kfree_rcu
 * shrinker, which hands it over at once); a grace period is waited for
 * between rounds, and the rounds stop when the count no longer falls.
 */
#define SETTLE_ROUNDS 4

bool measure_memory(struct slab_counts *slabs, long *slab_kb, long *vmalloc_kb);

#endif /* RKM_TESTS_TOOLS_MODLOAD_MEMORY_H */

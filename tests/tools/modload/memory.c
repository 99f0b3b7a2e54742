// SPDX-License-Identifier: GPL-2.0
/*
 * Part of modload (main.c): the memory figures the load/unload
 * cycles are judged on, read once KASAN's quarantine, the caches' free
 * slabs and pending RCU frees are emptied: the objects in use per slab
 * cache, and unreclaimable slab and vmalloc use from /proc/meminfo.
 */
#include <dirent.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktap.h"
#include "faultsweep.h"
#include "memory.h"

/*
 * Reads a "Name:   123 kB" line of /proc/meminfo into @kb; false, with a
 * diagnostic, when there is none to read: a growth computed from a value
 * that was never read would pass its bound.
 */
static bool meminfo_kb(const char *name, long *kb)
{
	size_t len = strlen(name);
	bool found = false;
	char line[256];
	FILE *f = fopen(PROC_MEMINFO, "re");

	if (!f) {
		ktap_diag("%s: %s", PROC_MEMINFO, strerror(errno));
		return false;
	}
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, len) && line[len] == ':' &&
			sscanf(line + len + 1, "%ld", kb) == 1;
	fclose(f);
	if (!found)
		ktap_diag("%s: no %s", PROC_MEMINFO, name);
	return found;
}

/*
 * Frees the unused dentries and inodes (the dcache keeps what the cycles'
 * processes looked up), then empties KASAN's quarantine and every cache's
 * free slabs (writing /sys/kernel/slab/<cache>/shrink runs
 * kmem_cache_shrink(), which drains the cache's quarantined objects
 * first), so that what is counted next is what is allocated, not what was
 * freed or cached a moment ago.
 */
static void shrink_slabs(void)
{
	char path[512];
	struct dirent *entry;
	DIR *dir = opendir(SYS_SLAB);

	fault_write_file(PROC_DROP_CACHES, "2");
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SYS_SLAB "/%s/shrink", entry->d_name);
		fault_write_file(path, "1");
	}
	closedir(dir);
}

/*
 * The dentries that exist: the dcache's own count, nr_dentry, the first
 * figure of dentry-state. The dentry cache's slab count is no measure of
 * them: a dentry is freed an RCU grace period after it is killed, and
 * drop_caches, just before each reading, kills thousands at once, so the
 * slab count of the same dcache moved by 20 to 40 objects from one reading
 * to the next (916 to 953 with nr_dentry at 885 throughout, on the debug
 * kernel of 2026-12-03). A dentry a cycle kept (a reference not put) still
 * shows here.
 */
static bool dentries_read(long *dentries)
{
	FILE *f = fopen(PROC_DENTRY_STATE, "re");
	bool ok = f && fscanf(f, "%ld", dentries) == 1;

	if (f)
		fclose(f);
	return ok;
}

/*
 * The objects in use per cache, from /proc/slabinfo; the dentry cache's
 * from the dcache's count (dentries_read()).
 */
bool slab_counts_read(struct slab_counts *counts)
{
	char line[512];
	long dentries;
	FILE *f = fopen(PROC_SLABINFO, "re");

	counts->n = 0;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f) && counts->n < sizeof(counts->cache) / sizeof(counts->cache[0])) {
		if (sscanf(line, "%63s %ld %*d %ld", counts->cache[counts->n].name,
			   &counts->cache[counts->n].objects, &counts->cache[counts->n].size) == 3)
			counts->n++;
	}
	fclose(f);
	if (!dentries_read(&dentries))
		return false;
	for (size_t i = 0; i < counts->n; i++)
		if (!strcmp(counts->cache[i].name, "dentry"))
			counts->cache[i].objects = dentries;
	return counts->n > 0;
}

/*
 * Caches no driver allocates from, left out of the count:
 * - the checkers' own bookkeeping: kmemleak keeps an object for every
 *   allocation and frees it after an RCU grace period, debug objects one for
 *   every tracked timer and work item; they follow the allocations they
 *   track with a lag, and a leaked object shows in its own cache;
 * - what the insmod and exercise processes of each cycle hold as processes:
 *   their address spaces (anon_vma_chain grew by 196 objects in 20 cycles,
 *   for rust_pipe and its C twin alike) and their system calls' path names
 *   (names_cache +28 in rust_phy's last 30 cycles); no driver allocates from
 *   these.
 */
bool uncounted_cache(const char *name)
{
	static const char *const prefixes[] = {
		"kmemleak_", "debug_objects", "anon_vma", "vm_area_struct", "maple_node",
		"names_cache",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* Bytes in use in the caches counted (uncounted_cache()). */
static long counted_bytes(const struct slab_counts *counts)
{
	long bytes = 0;

	for (size_t i = 0; i < counts->n; i++)
		if (!uncounted_cache(counts->cache[i].name))
			bytes += counts->cache[i].objects * counts->cache[i].size;
	return bytes;
}

/*
 * The slab counts and meminfo figures once the quarantine, free slabs and
 * pending RCU frees are emptied (shrink_slabs(), SETTLE_ROUNDS).
 */
bool measure_memory(struct slab_counts *slabs, long *slab_kb, long *vmalloc_kb)
{
	long bytes, fewest = -1;
	bool ok = true;

	for (int round = 0; round < SETTLE_ROUNDS; round++) {
		shrink_slabs();
		ok = ktap_check(ok, slab_counts_read(slabs),
				"reading " PROC_SLABINFO " and " PROC_DENTRY_STATE);
		bytes = counted_bytes(slabs);
		if (!ok || (fewest >= 0 && bytes >= fewest))
			break;
		fewest = bytes;
		/* Waits for a grace period (synchronize_rcu()). */
		syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	}
	return ktap_check(ok, meminfo_kb("SUnreclaim", slab_kb) &&
			  meminfo_kb("VmallocUsed", vmalloc_kb), "reading " PROC_MEMINFO);
}

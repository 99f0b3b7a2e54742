// SPDX-License-Identifier: GPL-2.0
/*
 * Part of modload (main.c): the load/unload cycles, and how the
 * growth of the memory figures between their readings is judged, so that
 * a leak in every cycle fails them and what the system does meanwhile
 * does not.
 */
#include <stdlib.h>

#include "ktap.h"
#include "module.h"
#include "memory.h"
#include "cycles.h"

/* Whether a figure grew by half the bound or more in each half of the cycles. */
static bool grew_in_both_halves(long start, long mid, long end)
{
	return mid - start >= GROWTH_BOUND_KB / 2 && end - mid >= GROWTH_BOUND_KB / 2;
}

static bool cycle(void)
{
	int ret = load();
	char command[600];

	if (ret) {
		ktap_diag("insmod: %s", strerror(-ret));
		return false;
	}
	snprintf(command, sizeof(command), "bash '%s'", exercise);
	if (exercise[0] && system(command) != 0) {
		ktap_diag("%s failed", exercise);
		unload();
		return false;
	}
	ret = unload();
	if (ret)
		ktap_diag("rmmod: %s", strerror(-ret));
	return ret == 0;
}

/*
 * The cache whose object count grew most from @before to @after: a leak in
 * every cycle grows some cache by at least one object a cycle.
 */
static long largest_growth(const struct slab_counts *before, const struct slab_counts *after,
			   const char **name)
{
	long growth = 0, delta;
	size_t i, j;

	*name = "none";
	for (i = 0; i < after->n; i++) {
		if (uncounted_cache(after->cache[i].name))
			continue;
		for (j = 0; j < before->n && strcmp(before->cache[j].name, after->cache[i].name); j++)
			;
		delta = after->cache[i].objects - (j < before->n ? before->cache[j].objects : 0);
		if (delta > growth) {
			growth = delta;
			*name = after->cache[i].name;
		}
	}
	return growth;
}

/* Objects in use of cache @name in @counts; 0 when it has none. */
long objects_of(const struct slab_counts *counts, const char *name)
{
	for (size_t i = 0; i < counts->n; i++)
		if (!strcmp(counts->cache[i].name, name))
			return counts->cache[i].objects;
	return 0;
}

/*
 * The cache that grew most in both halves, as the smaller of its two
 * growths: a leak in every cycle grows its cache in each half, while a
 * cache that grows once by a batch (SLUB refilling a per-CPU sheaf of
 * objects: kmalloc-8 +60 at once on the debug kernel, in whichever half it
 * fell) or by what the first cycles populate grows in one.
 */
long steady_growth(const struct slab_counts *start, const struct slab_counts *mid,
		   const struct slab_counts *end, const char **name)
{
	long steady = 0, first, second;

	*name = "none";
	for (size_t i = 0; i < end->n; i++) {
		if (uncounted_cache(end->cache[i].name))
			continue;
		first = objects_of(mid, end->cache[i].name) - objects_of(start, end->cache[i].name);
		second = end->cache[i].objects - objects_of(mid, end->cache[i].name);
		if (first < second ? first > steady : second > steady) {
			steady = first < second ? first : second;
			*name = end->cache[i].name;
		}
	}
	return steady;
}

/* Runs @n cycles; false, with a diagnostic, at the first that fails. */
static bool run_cycles(int n, const char *what)
{
	for (int i = 0; i < n; i++)
		if (!cycle())
			return ktap_check(true, false, "%s cycle %d failed", what, i + 1);
	return true;
}

/*
 * @cycles cycles after 5 to warm up, measured at their start, half-way and
 * at the end. A leak in every cycle grows some cache in both halves; what
 * the first loads populate once, or a batch the allocator takes at once,
 * grows it in one. So the per-cache check is on the growth in both halves
 * (steady_growth()), the memory bounds on the whole run.
 */
bool load_cycles(int cycles)
{
	static struct slab_counts slabs_start, slabs_mid, slabs_end;
	long slab_start, vmalloc_start, slab_mid, vmalloc_mid, slab_end, vmalloc_end;
	long first, second, steady, slab_growth, vmalloc_growth;
	int half = cycles / 2, second_half = cycles - cycles / 2;
	const char *first_cache, *second_cache, *steady_cache;
	bool ok;

	if (!run_cycles(5, "warm-up") ||
	    !measure_memory(&slabs_start, &slab_start, &vmalloc_start) ||
	    !run_cycles(half, "first-half") ||
	    !measure_memory(&slabs_mid, &slab_mid, &vmalloc_mid) ||
	    !run_cycles(second_half, "second-half") ||
	    !measure_memory(&slabs_end, &slab_end, &vmalloc_end))
		return false;
	slab_growth = slab_end - slab_start;
	vmalloc_growth = vmalloc_end - vmalloc_start;
	first = largest_growth(&slabs_start, &slabs_mid, &first_cache);
	second = largest_growth(&slabs_mid, &slabs_end, &second_cache);
	steady = steady_growth(&slabs_start, &slabs_mid, &slabs_end, &steady_cache);
	ktap_diag("stat load_cycles=%d", cycles);
	ktap_diag("%d cycles%s: SUnreclaim %+ld kB, VmallocUsed %+ld kB (bound %d kB); "
		  "most grown slab cache: first %d cycles %s %+ld objects, last %d cycles %s "
		  "%+ld objects; in both halves: %s %+ld objects at least (bound: %d, one a cycle)",
		  cycles, exercise[0] ? " with exercise.sh" : "", slab_growth, vmalloc_growth,
		  GROWTH_BOUND_KB, half, first_cache, first, second_half, second_cache, second,
		  steady_cache, steady, half);
	ok = ktap_check(true, steady < half,
			"slab cache %s grew by one object a cycle or more in both halves",
			steady_cache);
	ok = ktap_check(ok, !grew_in_both_halves(slab_start, slab_mid, slab_end),
			"unreclaimable slab grew by %d kB or more in both halves (%+ld, %+ld)",
			GROWTH_BOUND_KB / 2, slab_mid - slab_start, slab_end - slab_mid);
	return ktap_check(ok, !grew_in_both_halves(vmalloc_start, vmalloc_mid, vmalloc_end),
			  "vmalloc grew by %d kB or more in both halves (%+ld, %+ld)",
			  GROWTH_BOUND_KB / 2, vmalloc_mid - vmalloc_start, vmalloc_end - vmalloc_mid);
}

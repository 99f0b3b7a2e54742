// SPDX-License-Identifier: GPL-2.0
/*
 * Load-path safety of one module, run by `make check-debug` for every module:
 *
 *  1. Allocation fault injection into insmod (tests/safety/faultsweep.h):
 *     for n = 1, 2, ... the n-th allocation init_module() makes with the
 *     module's code on the stack fails (the loader's own, before the
 *     module's init runs, are left alone: see fault_in_modules_only());
 *     the load must fail with ENOMEM, the module absent afterwards, or
 *     absorb the failure and unload, and a load without a fault must
 *     succeed. Beyond 100 allocation points (RKM_FAULT_BUDGET), one in k
 *     is faulted, so that about 100 loads are (see fault_budget()).
 *     A module whose load documents other errors for allocation failures
 *     lists them in modules/<name>/vm/load-errors, one name per line
 *     ("EINVAL  why"); '#' starts a comment. A module that faults only the
 *     allocations made near its own code gives the frames in
 *     modules/<name>/vm/fault-frames (see fault_sweep.module_frames).
 *  2. Load/unload cycles (CYCLES, default 30): insmod, the module's exercise script
 *     (modules/<name>/vm/exercise.sh, when it has one), rmmod; no slab cache
 *     may grow by one object a cycle in both halves of the cycles (see
 *     load_cycles()), and unreclaimable slab and vmalloc use not
 *     beyond a stated bound.
 *
 * Leaks and splats are caught by the harness afterwards (kmemleak, kernel
 * log). Prints KTAP and "# stat name=value" lines for the summary.
 *
 *	modload MODULE.ko [CYCLES]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <libgen.h>
#include <linux/membarrier.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "faultsweep.h"

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

/* Whether a figure grew by half the bound or more in each half of the cycles. */
static bool grew_in_both_halves(long start, long mid, long end)
{
	return mid - start >= GROWTH_BOUND_KB / 2 && end - mid >= GROWTH_BOUND_KB / 2;
}
#define KUNIT_FILTER_GLOB "/sys/module/kunit/parameters/filter_glob"
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

static const char *ko_path;
static char module_name[256];
static char exercise[512];
/* Errors besides ENOMEM the module's load may fail with; 0-terminated. */
static int load_errors[16];

/*
 * The module image, read once: loading from memory (init_module) keeps
 * injected faults out of the file system the .ko lives on (9p in the VM,
 * whose client does not survive some of them).
 */
static void *image;
static size_t image_size;

/* Milliseconds on the monotonic clock: the phases' durations for the summary. */
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool read_image(void)
{
	struct stat st;
	int fd = open(ko_path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0 || fstat(fd, &st))
		return false;
	image_size = st.st_size;
	image = malloc(image_size);
	ok = image && read(fd, image, image_size) == (ssize_t)image_size;
	close(fd);
	return ok;
}

static int load(void)
{
	return syscall(SYS_init_module, image, image_size, "") ? -errno : 0;
}

static int unload(void)
{
	return syscall(SYS_delete_module, module_name, O_NONBLOCK) ? -errno : 0;
}

static bool loaded(void)
{
	char path[300];

	snprintf(path, sizeof(path), "/sys/module/%s", module_name);
	return access(path, F_OK) == 0;
}

/* The errors a load-errors file may name. */
static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "EINVAL", EINVAL }, { "ENODEV", ENODEV }, { "ENXIO", ENXIO }, { "EIO", EIO },
	{ "EBUSY", EBUSY },   { "EEXIST", EEXIST }, { "ENOSPC", ENOSPC },
};

/* Reads modules/<name>/vm/load-errors, if there is one; false on a name it does not know. */
static bool read_load_errors(const char *path)
{
	char line[256], name[32];
	size_t count = 0, i;
	FILE *f = fopen(path, "re");

	if (!f)
		return true;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s", name) != 1 || name[0] == '#')
			continue;
		for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
			if (!strcmp(name, errno_names[i].name))
				break;
		if (i == sizeof(errno_names) / sizeof(errno_names[0]) ||
		    count + 1 >= sizeof(load_errors) / sizeof(load_errors[0])) {
			fprintf(stderr, "%s: unknown or one too many: %s\n", path, name);
			fclose(f);
			return false;
		}
		load_errors[count++] = errno_names[i].value;
		ktap_diag("%s may also fail the load (%s)", name, path);
	}
	fclose(f);
	return true;
}

static void module_state(char *buf, size_t size)
{
	snprintf(buf, size, "%s", loaded() ? "loaded" : "absent");
}

/*
 * The sweep's budget of faulted loads: $RKM_FAULT_BUDGET, 0 for no limit,
 * by default 100. rust_vmdio's load reaches 440 allocation points under its
 * code, most of them the sysfs nodes of an MDIO bus (its statistics: a
 * folder and 4 files for each of 32 addresses, one error path), and a load takes
 * 1.6 s on the debug kernel under TCG: all of them took 12 minutes.
 */
static int fault_budget(void)
{
	const char *value = getenv("RKM_FAULT_BUDGET");

	return value && value[0] ? atoi(value) : 100;
}

static int faulty_load(void)
{
	int ret;

	if (!fault_arm())
		return -EIO;
	ret = load();
	fault_disarm();
	return ret;
}

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

/* Objects in use per slab cache (slab_counts_read()). */
struct slab_counts {
	size_t n;
	struct {
		char name[64];
		long objects, size;
	} cache[1024];
};

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
static bool slab_counts_read(struct slab_counts *counts)
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
static bool uncounted_cache(const char *name)
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
static long objects_of(const struct slab_counts *counts, const char *name)
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
static long steady_growth(const struct slab_counts *start, const struct slab_counts *mid,
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
 * Rounds of shrink_slabs() at most before a measurement. Objects freed with
 * kfree_rcu() or through a cache's RCU sheaf stay in use until a grace
 * period after their batch is handed to RCU (drop_caches runs the kfree_rcu
 * shrinker, which hands it over at once); a grace period is waited for
 * between rounds, and the rounds stop when the count no longer falls.
 */
#define SETTLE_ROUNDS 4

/*
 * The slab counts and meminfo figures once the quarantine, free slabs and
 * pending RCU frees are emptied (shrink_slabs(), SETTLE_ROUNDS).
 */
static bool measure_memory(struct slab_counts *slabs, long *slab_kb, long *vmalloc_kb)
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

/*
 * @cycles cycles after 5 to warm up, measured at their start, half-way and
 * at the end. A leak in every cycle grows some cache in both halves; what
 * the first loads populate once, or a batch the allocator takes at once,
 * grows it in one. So the per-cache check is on the growth in both halves
 * (steady_growth()), the memory bounds on the whole run.
 */
static bool load_cycles(int cycles)
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

int main(int argc, char **argv)
{
	int cycles = argc > 2 ? atoi(argv[2]) : 30;
	char *copy, *base, *dot, *dir, load_errors_path[512], fault_frames_path[512];
	bool was_loaded;
	long start;

	if (argc < 2) {
		fprintf(stderr, "usage: %s MODULE.ko [CYCLES]\n", argv[0]);
		return 2;
	}
	ko_path = argv[1];
	copy = strdup(ko_path);
	base = basename(copy);
	dot = strrchr(base, '.');
	if (dot)
		*dot = '\0';
	snprintf(module_name, sizeof(module_name), "%s", base);
	free(copy);
	copy = strdup(ko_path);
	dir = dirname(copy);
	snprintf(exercise, sizeof(exercise), "%s/vm/exercise.sh", dir);
	if (access(exercise, R_OK) != 0)
		exercise[0] = '\0';
	snprintf(load_errors_path, sizeof(load_errors_path), "%s/vm/load-errors", dir);
	snprintf(fault_frames_path, sizeof(fault_frames_path), "%s/vm/fault-frames", dir);
	free(copy);

	ktap_plan(2);
	if (!read_load_errors(load_errors_path))
		return 2;
	if (!read_image()) {
		perror(ko_path);
		return 2;
	}
	if (!fault_injection_init())
		return 2;

	/*
	 * KUnit runs a module's suites at every load; here that would only
	 * multiply the run time (make check runs them). A glob no suite
	 * matches skips them while this program loads the module.
	 */
	if (!fault_write_file(KUNIT_FILTER_GLOB, "rkm-modload-skips-kunit")) {
		perror(KUNIT_FILTER_GLOB);
		return 2;
	}

	was_loaded = loaded();
	if (was_loaded && unload() != 0) {
		ktap_diag("%s is loaded and cannot be removed", module_name);
		return 1;
	}
	start = now_ms();
	ktap_result(fault_sweep(&(struct fault_sweep){
			    .name = "insmod",
			    .run = faulty_load,
			    .undo = unload,
			    .state = module_state,
			    .also_allowed = load_errors,
			    .in_modules_only = true,
			    .module_frames = fault_frames_file(fault_frames_path),
			    .budget = fault_budget(),
		    }),
		    "allocation failures at load are clean");
	ktap_diag("stat insmod_sweep_ms=%ld", now_ms() - start);
	start = now_ms();
	ktap_result(load_cycles(cycles), "load/unload cycles leave nothing behind");
	ktap_diag("stat load_cycles_ms=%ld", now_ms() - start);
	/* "*" is what an unset filter means (see kunit_filter_glob() users);
	 * an empty glob would match no suite at all. */
	fault_write_file(KUNIT_FILTER_GLOB, "*");
	if (was_loaded && load() != 0)
		ktap_diag("could not reload %s", module_name);
	return ktap_finish();
}

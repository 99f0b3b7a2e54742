// SPDX-License-Identifier: GPL-2.0
/*
 * Load-path safety of one module, run by `make check-debug` for every module:
 *
 *  1. Allocation fault injection into insmod: for n = 1, 2, ... the n-th
 *     allocation of init_module() fails (fail-nth, failslab and
 *     fail_page_alloc). Each injected failure must make the load fail
 *     cleanly (an error code, the module absent afterwards) or be absorbed
 *     (the load succeeds anyway). It stops at the first n the load no
 *     longer reaches, which is a load without injection: it must succeed,
 *     so no failed load left state behind that blocks a retry.
 *  2. Load/unload cycles (CYCLES, default 200): insmod, the module's exercise script
 *     (modules/<name>/vm/exercise.sh, when it has one), rmmod; unreclaimable
 *     slab and vmalloc use must not grow beyond a stated bound.
 *
 * Leaks and splats are caught by the harness afterwards (kmemleak, kernel
 * log). Prints KTAP and "# stat name=value" lines for the summary.
 *
 *	modload MODULE.ko [CYCLES]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktap.h"

/*
 * Growth allowed over all cycles. On the debug kernel KASAN's quarantine
 * keeps freed objects allocated for a while, so unreclaimable slab grows
 * with any activity (up to 264 kB seen over 50 clean cycles): this bound
 * catches gross leaks (20 kB a cycle over 50 cycles); kmemleak, which the
 * harness runs afterwards, catches every leaked object.
 */
#define GROWTH_BOUND_KB 1024
#define MAX_FAULT_POINTS 20000
#define KUNIT_FILTER_GLOB "/sys/module/kunit/parameters/filter_glob"

static const char *ko_path;
static char module_name[256];
static char exercise[512];

/*
 * The module image, read once: loading from memory (init_module) keeps
 * injected faults out of the file system the .ko lives on (9p in the VM,
 * whose client does not survive some of them).
 */
static void *image;
static size_t image_size;

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

static bool write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	close(fd);
	return ok;
}

static bool fault_injection_setup(void)
{
	/* GFP_KERNEL allocations are exempt by default; quiet the stack dump
	 * each injected fault would otherwise print. */
	return write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", "N") &&
	       write_file("/sys/kernel/debug/failslab/verbose", "0") &&
	       write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N") &&
	       write_file("/sys/kernel/debug/fail_page_alloc/verbose", "0");
}

static bool fault_injection(void)
{
	char path[64], buf[32];
	int fail_nth, n, ret, err, errnos[4096] = { 0 };
	int failed = 0, absorbed = 0;
	bool ok = true;
	ssize_t len;

	if (!fault_injection_setup()) {
		ktap_diag("fault injection is not configured (CONFIG_FAULT_INJECTION_DEBUG_FS)");
		return false;
	}
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth", syscall(SYS_gettid));
	fail_nth = open(path, O_RDWR | O_CLOEXEC);
	if (!ktap_check(ok, fail_nth >= 0, "open %s", path))
		return false;

	for (n = 1; n <= MAX_FAULT_POINTS && ok; n++) {
		snprintf(buf, sizeof(buf), "%d", n);
		if (!ktap_check(ok, pwrite(fail_nth, buf, strlen(buf), 0) > 0, "arm fail-nth"))
			break;
		ret = load();
		len = pread(fail_nth, buf, sizeof(buf) - 1, 0);
		buf[len > 0 ? len : 0] = '\0';
		/* Disarm, in case the load never reached the n-th allocation. */
		pwrite(fail_nth, "0", 1, 0);

		if (atoi(buf) != 0) {
			/* Not reached: every allocation point has been tried. */
			ok = ktap_check(ok, ret == 0, "clean load failed: %d", ret);
			if (ret == 0)
				ok = ktap_check(ok, unload() == 0, "rmmod");
			break;
		}
		if (ret == 0) {
			absorbed++;
			ok = ktap_check(ok, unload() == 0, "rmmod after fault %d", n);
			continue;
		}
		failed++;
		err = -ret;
		if (err > 0 && err < 4096)
			errnos[err]++;
		ok = ktap_check(ok, !loaded(), "module present after failed load (fault %d)", n);
		if (n % 50 == 0)
			ktap_diag("%d fault points so far", n);
	}
	close(fail_nth);

	ktap_diag("stat faults=%d", failed + absorbed);
	ktap_diag("%d fault points: %d failed the load cleanly, %d absorbed", failed + absorbed,
		  failed, absorbed);
	for (err = 1; err < 4096; err++)
		if (errnos[err])
			ktap_diag("  %dx %s", errnos[err], strerror(err));
	return ok && ktap_check(ok, failed + absorbed > 0, "no allocation was reached");
}

/* Reads a "Name:   123 kB" line of /proc/meminfo. */
static long meminfo_kb(const char *name)
{
	char line[256];
	long value = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)) && line[strlen(name)] == ':')
			value = atol(line + strlen(name) + 1);
	fclose(f);
	return value;
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

static bool load_cycles(int cycles)
{
	long slab_before, vmalloc_before, slab_growth, vmalloc_growth;
	bool ok = true;
	int i;

	/* Warm up caches the first loads populate for good. */
	for (i = 0; i < 10 && ok; i++)
		ok = cycle();
	slab_before = meminfo_kb("SUnreclaim");
	vmalloc_before = meminfo_kb("VmallocUsed");
	for (i = 0; i < cycles && ok; i++)
		ok = cycle();
	if (!ktap_check(ok, ok, "cycle %d failed", i))
		return false;
	slab_growth = meminfo_kb("SUnreclaim") - slab_before;
	vmalloc_growth = meminfo_kb("VmallocUsed") - vmalloc_before;
	ktap_diag("stat load_cycles=%d", cycles);
	ktap_diag("%d cycles%s: SUnreclaim %+ld kB, VmallocUsed %+ld kB (bound %d kB)", cycles,
		  exercise[0] ? " with exercise.sh" : "", slab_growth, vmalloc_growth,
		  GROWTH_BOUND_KB);
	ok = ktap_check(ok, slab_growth < GROWTH_BOUND_KB, "unreclaimable slab grew");
	return ktap_check(ok, vmalloc_growth < GROWTH_BOUND_KB, "vmalloc grew");
}

int main(int argc, char **argv)
{
	int cycles = argc > 2 ? atoi(argv[2]) : 200;
	char *copy, *base, *dot;
	bool was_loaded;

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
	snprintf(exercise, sizeof(exercise), "%s/vm/exercise.sh", dirname(copy));
	if (access(exercise, R_OK) != 0)
		exercise[0] = '\0';
	free(copy);

	if (!read_image()) {
		perror(ko_path);
		return 2;
	}
	/* No page fault of ours may reach the file system while faults are armed. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
		perror("mlockall");
		return 2;
	}

	/*
	 * KUnit runs a module's suites at every load; here that would only
	 * multiply the run time (make check runs them). A glob no suite
	 * matches skips them while this program loads the module.
	 */
	if (!write_file(KUNIT_FILTER_GLOB, "rkm-modload-skips-kunit")) {
		perror(KUNIT_FILTER_GLOB);
		return 2;
	}

	ktap_plan(2);
	was_loaded = loaded();
	if (was_loaded && unload() != 0) {
		ktap_diag("%s is loaded and cannot be removed", module_name);
		return 1;
	}
	ktap_result(fault_injection(), "allocation failures at load are clean");
	ktap_result(load_cycles(cycles), "load/unload cycles leave nothing behind");
	/* "*" is what an unset filter means (see kunit_filter_glob() users);
	 * an empty glob would match no suite at all. */
	write_file(KUNIT_FILTER_GLOB, "*");
	if (was_loaded && load() != 0)
		ktap_diag("could not reload %s", module_name);
	return ktap_finish();
}

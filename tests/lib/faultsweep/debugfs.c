// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the fault sweeps (../faultsweep.h): the kernel's fault injection
 * settings in debugfs that a sweep writes: the stack dumps of injected
 * failures, and the stack trace filter that confines faults to the
 * allocations made with a module's code on the stack (and how near it).
 */
#include <fcntl.h>
#include <unistd.h>

#include "ktap.h"
#include "debugfs.h"

/* Writes @value to @path as "echo -n value >path" would (truncating a regular file). */
bool fault_write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	close(fd);
	return ok;
}

/* Stack dumps of each injected failure in the kernel log: on (2) or off (0). */
bool fault_verbose(const char *on)
{
	return fault_write_file(FAULT_DEBUGFS "/failslab/verbose", on) &&
	       fault_write_file(FAULT_DEBUGFS "/fail_page_alloc/verbose", on);
}

/* Writes @start and @end as the address range of both allocators' stack trace filters. */
static bool fault_filter_range(unsigned long start, unsigned long end)
{
	static const char *const dirs[] = {
		FAULT_DEBUGFS "/failslab",
		FAULT_DEBUGFS "/fail_page_alloc",
	};
	char path[128], value[32];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/require-start", dirs[i]);
		snprintf(value, sizeof(value), "%lu", start);
		if (!fault_write_file(path, value))
			return false;
		snprintf(path, sizeof(path), "%s/require-end", dirs[i]);
		snprintf(value, sizeof(value), "%lu", end);
		if (!fault_write_file(path, value))
			return false;
	}
	return true;
}

/* Where the kernel image ends (its _end symbol); 0 when /proc/kallsyms does not say. */
static unsigned long fault_kernel_image_end(void)
{
	unsigned long address, end = 0;
	char line[512], name[256], type;
	FILE *f = fopen(PROC_KALLSYMS, "re");

	if (!f)
		return 0;
	while (!end && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s", &address, &type, name) == 3 && !strcmp(name, "_end"))
			end = address;
	fclose(f);
	return end;
}

/*
 * Makes fail-nth count only the allocations made with a module's code
 * among the innermost 32 frames of the stack (the fault injection stack
 * trace filter, CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, given the
 * addresses above the kernel image: where x86-64 maps modules), or every
 * allocation again (@on false). A sweep of insmod so skips the module
 * loader's few hundred allocations, made before the module's init runs
 * and undone by the loader alone, and faults the init's at once. False,
 * with a diagnostic, when the filter cannot be set.
 */
bool fault_in_modules_only(bool on)
{
	unsigned long image_end = on ? fault_kernel_image_end() : 0;

	if (on && !image_end) {
		ktap_diag("%s has no address for _end (kptr_restrict?)", PROC_KALLSYMS);
		return false;
	}
	if (!fault_filter_range(image_end, ~0UL)) {
		ktap_diag("fault injection has no stack trace filter (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)");
		return false;
	}
	return true;
}

/*
 * A module's tests/<name>/debug/fault-frames at @path: its first number
 * (fault_sweep.module_frames), 0 without the file.
 */
int fault_frames_file(const char *path)
{
	char line[256];
	int frames = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (!frames && fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%d", &frames) == 1)
			ktap_diag("faults within %d frames of the module (%s)", frames, path);
	fclose(f);
	return frames;
}

/* Sets both allocators' stacktrace-depth to @frames (0: the default). */
bool fault_filter_depth(int frames)
{
	static const char *const files[] = {
		FAULT_DEBUGFS "/failslab/stacktrace-depth",
		FAULT_DEBUGFS "/fail_page_alloc/stacktrace-depth",
	};
	char value[16];

	snprintf(value, sizeof(value), "%d", frames ? frames : FAULT_DEFAULT_FRAMES);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!fault_write_file(files[i], value)) {
			ktap_diag("%s: %s", files[i], strerror(errno));
			return false;
		}
	}
	return true;
}

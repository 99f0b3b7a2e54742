// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation fault injection into the entry points of rust_edu that
 * allocate (run by `make check-debug` with the module loaded): binding the
 * device through sysfs, which runs probe (the devres entries, the DMA
 * memory, the interrupt, the misc device), and open(2), which allocates
 * the per-open state. A failure must be ENOMEM (EBUSY for the BAR's
 * region, below) and leave the device as it was: unbound with no node
 * after a failed bind. Bind faults only the
 * allocations near rust_edu's code (tests/rust_edu/debug/fault-frames says
 * why).
 * See tests/lib/faultsweep.h.
 */
#include "rust_edu/redu_test.h"
#include "faultsweep.h"
#include "ktap.h"

#include <dirent.h>

#define DRIVER "/sys/bus/pci/drivers/rust_edu"

static char bdf[sizeof(((struct dirent *)0)->d_name)];

/* The PCI address of the edu device rust_edu is bound to. */
static bool find_device(void)
{
	DIR *d = opendir(DRIVER);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "0000:", 5))
			snprintf(bdf, sizeof(bdf), "%s", e->d_name);
	if (d)
		closedir(d);
	if (!bdf[0])
		ktap_diag("no device bound to %s", DRIVER);
	return bdf[0];
}

static bool bound(void)
{
	char path[sizeof(DRIVER) + sizeof(bdf) + 1];

	snprintf(path, sizeof(path), DRIVER "/%s", bdf);
	return !access(path, F_OK);
}

static void device_state(char *buf, size_t size)
{
	snprintf(buf, size, "%s, %s", bound() ? "bound" : "unbound",
		 access(REDU_DEVICE_PATH, F_OK) ? "no node" : "node present");
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int unbind(void)
{
	return bound() ? write_file(DRIVER "/unbind", bdf) : 0;
}

static int bind(void)
{
	return faulty_write(DRIVER "/bind", bdf);
}

static int open_device(void)
{
	return faulty_open(REDU_DEVICE_PATH, O_RDWR);
}

/* Where fault_frames_file() finds how deep bind's faults may be. */
static char frames_path[512];

static bool setup(void)
{
	const char *modules = getenv("RKM_MODULES_DIR");

	snprintf(frames_path, sizeof(frames_path), "%s/../tests/rust_edu/debug/fault-frames",
		 modules ? modules : "modules");
	return fault_injection_init() && find_device();
}

static bool bind_sweep(void)
{
	return fault_sweep(&(struct fault_sweep){
		.name = "bind",
		.setup = unbind,
		.run = bind,
		.undo = unbind,
		.state = device_state,
		.in_modules_only = true,
		.module_frames = fault_frames_file(frames_path),
		/*
		 * pci_request_region() fails with EBUSY when it cannot
		 * allocate its struct resource, as when the region is
		 * taken: the C API does not tell them apart.
		 */
		.also_allowed = (const int[]){ EBUSY, 0 },
	});
}

static bool open_sweep(void)
{
	bool ok = ktap_check(true, !write_file(DRIVER "/bind", bdf), "rebinding %s", bdf);

	return ok && fault_sweep(&(struct fault_sweep){
		.name = "open",
		.run = open_device,
		.state = device_state,
	});
}

static bool device_works(void)
{
	uint32_t result = 0;
	int fd = redu_open(O_RDWR);
	bool ok = fd >= 0 && !redu_factorial(fd, 11, &result);

	ok = ktap_check(ok, result == 39916800, "11! = %u", result);
	if (fd >= 0)
		close(fd);
	return ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("allocation failures in bind (probe) are clean", bind_sweep),
		KTAP_CASE_NAMED("allocation failures in open are clean", open_sweep),
		KTAP_CASE_NAMED("the device works after the sweeps", device_works),
	};

	return ktap_run_after(setup, cases, ARRAY_SIZE(cases));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation fault injection into rust_platform's probe (run by `make
 * check-debug` with the module loaded): binding bank A through sysfs runs
 * the probe in the writer's context, where the faults land. A failure must
 * be ENOMEM, or EBUSY when the MMIO window's request fails (documented:
 * request_mem_region() returns NULL whether the window is claimed or its
 * struct resource cannot be allocated), and leave the bank unbound, its
 * MMIO window unclaimed and unmapped. See tests/lib/faultsweep.h.
 */
#include "rust_platform/bank.h"
#include "faultsweep.h"
#include "ktap.h"

static struct bank bank = BANK_A;

static void bank_state(char *buf, size_t size)
{
	snprintf(buf, size, "%s, %d region claims, %d mappings",
		 bank_bound(&bank) ? "bound" : "unbound", bank_region_claims(&bank),
		 bank_mappings(&bank));
}

static int unbound(void)
{
	return bank_bound(&bank) ? bank_unbind(&bank) : 0;
}

static int unbind(void)
{
	return bank_unbind(&bank);
}

static int bind(void)
{
	char path[512];

	return faulty_write(driver_file(path, sizeof(path), "bind"), bank.name);
}

static bool setup(void)
{
	if (!fault_injection_init())
		return false;
	if (!bank_find(&bank)) {
		ktap_diag("no device for %s", bank.acpi_path);
		return false;
	}
	return true;
}

static bool probe_sweep(void)
{
	bool ok;

	ok = fault_sweep(&(struct fault_sweep){
		.name = "bind",
		.setup = unbound,
		.run = bind,
		.undo = unbind,
		.state = bank_state,
		.also_allowed = (const int[]){ EBUSY, 0 },
	});
	/* Leave the bank as the module's load left it. */
	return ktap_check(ok, bank_bind(&bank) == 0, "rebinding %s", bank.name);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("allocation failures in probe are clean", probe_sweep),
	};

	return ktap_run_after(setup, cases, ARRAY_SIZE(cases));
}

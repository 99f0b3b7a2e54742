// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation fault injection into attaching the emulated PHY (run by `make
 * check-debug` with rust_vmdio loaded): writing 1 to debugfs "attached"
 * runs phy_attach_direct(), which binds the generic PHY driver, in the
 * writer's context. A failure must be ENOMEM and leave the PHY detached
 * and without a driver. See tests/lib/faultsweep.h.
 */
#include "rust_vmdio/vmdio.h"
#include "faultsweep.h"
#include "ktap.h"

static void phy_state(char *buf, size_t size)
{
	char attached[16] = "", running[16] = "", driver[256];

	vmdio_read("attached", attached, sizeof(attached));
	vmdio_read("running", running, sizeof(running));
	vmdio_phy_driver(driver, sizeof(driver));
	snprintf(buf, size, "attached %.1s, running %.1s, driver \"%s\"", attached, running, driver);
}

static int detach(void)
{
	return -vmdio_write("attached", "0");
}

static int attach(void)
{
	return faulty_write(VMDIO_DEBUGFS "/attached", "1");
}

static bool attach_sweep(void)
{
	bool ok;

	ok = fault_sweep(&(struct fault_sweep){
		.name = "attach",
		.setup = detach,
		.run = attach,
		.undo = detach,
		.state = phy_state,
	});
	/* Leave the PHY as the module's load left it. */
	return ktap_check(ok, vmdio_write("attached", "1") == 0, "reattaching") &&
	       ktap_check(ok, vmdio_write("running", "1") == 0, "restarting");
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("allocation failures in attach are clean", attach_sweep),
	};

	return ktap_run_after(fault_injection_init, cases, ARRAY_SIZE(cases));
}

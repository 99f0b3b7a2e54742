// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation fault injection into binding rust_phy to a PHY (run by `make
 * check-debug` with rust_phy loaded): loads rust_vmdio for its emulated
 * RV1000, detaches it, then binds the driver through sysfs, which probes
 * in the writer's context. A failure must be ENOMEM and leave the PHY
 * without a driver. See tests/lib/faultsweep.h. Another driver of the
 * RV1000 is tested in rust_phy's place when the environment names it
 * (c_phy, see rust_phy/rphy_test.h).
 */
#include "rust_phy/rphy_test.h"
#include "rust_vmdio/vmdio.h"
#include "faultsweep.h"
#include "ktap.h"

#define PHY_NAME "rust_vmdio:01"

static void phy_state(char *buf, size_t size)
{
	char driver[256];

	vmdio_phy_driver(driver, sizeof(driver));
	snprintf(buf, size, "driver \"%s\"", driver);
}

static int unbind(void)
{
	char path[512];

	return -write_text(rphy_driver_file(path, sizeof(path), "unbind"), PHY_NAME);
}

static int unbound(void)
{
	char driver[256];

	vmdio_phy_driver(driver, sizeof(driver));
	return driver[0] ? unbind() : 0;
}

static int bind(void)
{
	char path[512];

	return faulty_write(rphy_driver_file(path, sizeof(path), "bind"), PHY_NAME);
}

static bool probe_sweep(void)
{
	bool ok = true;
	int err;

	err = load_module("rust_vmdio");
	if (!ktap_check(ok, err == 0, "loading rust_vmdio: %s", strerror(err)))
		return false;
	ok = ktap_check(ok, vmdio_write("attached", "0") == 0, "detaching") &&
	     fault_sweep(&(struct fault_sweep){
		     .name = "bind",
		     .setup = unbound,
		     .run = bind,
		     .undo = unbind,
		     .state = phy_state,
	     });
	err = unload_module("rust_vmdio");
	ok = ktap_check(ok, err == 0, "unloading rust_vmdio: %s", strerror(err));
	return ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("allocation failures in probe are clean", probe_sweep),
	};

	return ktap_run_after(fault_injection_init, cases, ARRAY_SIZE(cases));
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the rust_phy test programs (phy_on_vmdio.c, debug/faults.c) know of
 * the driver under test.
 *
 * Any driver of the RV1000 can be tested instead: the PHY driver's name, as
 * phylib registers it (/sys/bus/mdio_bus/drivers/<name>), comes from
 * $RKM_PHY_DRIVER and the module's name from $RKM_PHY_MODULE (see
 * rphy_driver() and rphy_module()), e.g. RKM_PHY_DRIVER="RV1000 Gigabit PHY
 * (C)" RKM_PHY_MODULE=c_phy for c_phy (tests/c_phy/twin.env).
 */
#ifndef RKM_TESTS_RPHY_TEST_H
#define RKM_TESTS_RPHY_TEST_H

#include <stddef.h>
#include <stdio.h>

#include "twin.h"

/* The driver and module under test by default: rust_phy's. */
#define RPHY_DRIVER_NAME "RV1000 Gigabit PHY"
#define RPHY_MODULE_NAME "rust_phy"

#define RPHY_MDIO_DRIVERS "/sys/bus/mdio_bus/drivers"

/* The PHY driver's name: $RKM_PHY_DRIVER, by default RPHY_DRIVER_NAME. */
static inline const char *rphy_driver(void)
{
	return twin_env("RKM_PHY_DRIVER", RPHY_DRIVER_NAME);
}

/*
 * The name of the module registering rphy_driver(): $RKM_PHY_MODULE, by
 * default RPHY_MODULE_NAME. It names /sys/module/<name> and the module's
 * file, <name>/<name>.ko.
 */
static inline const char *rphy_module(void)
{
	return twin_env("RKM_PHY_MODULE", RPHY_MODULE_NAME);
}

/* Writes the path of @file in rphy_driver()'s sysfs folder to @buf; returns @buf. */
static inline const char *rphy_driver_file(char *buf, size_t size, const char *file)
{
	snprintf(buf, size, "%s/%s/%s", RPHY_MDIO_DRIVERS, rphy_driver(), file);
	return buf;
}

#endif /* RKM_TESTS_RPHY_TEST_H */

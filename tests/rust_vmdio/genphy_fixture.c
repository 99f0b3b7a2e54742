// SPDX-License-Identifier: GPL-2.0
/*
 * rust_vmdio on its own: with no RV1000 driver loaded the emulated PHY is
 * driven by phylib's generic driver, and the debugfs interface rejects bad
 * input without changing anything.
 *
 * Runs with rust_vmdio loaded (by the harness) and rust_phy not loaded.
 */
#include "ktap.h"
#include "vmdio.h"

#define ALL_MODES "10half 10full 100half 100full 1000half 1000full"

static bool genphy_binds(void)
{
	char name[256];

	vmdio_phy_driver(name, sizeof(name));
	if (strcmp(name, "Generic PHY")) {
		ktap_diag("PHY driver is \"%s\"", name);
		return false;
	}
	return true;
}

static bool partner_100_half_resolves_100_half(void)
{
	return vmdio_write("partner", "100half 10full") == 0 &&
	       wait_for_link("up 100/half", LINK_UP_TIMEOUT_MS) >= 0 &&
	       vmdio_write("partner", ALL_MODES) == 0 &&
	       wait_for_link("up 1000/full", LINK_UP_TIMEOUT_MS) >= 0;
}

static bool cable_cycle(void)
{
	return vmdio_write("cable", "0") == 0 &&
	       wait_for_link("down", LINK_DOWN_TIMEOUT_MS) >= 0 &&
	       vmdio_write("cable", "1") == 0 &&
	       wait_for_link("up 1000/full", LINK_UP_TIMEOUT_MS) >= 0;
}

/* Every bad write fails with EINVAL and leaves the state as it was. */
static bool bad_input_rejected(void)
{
	static const char *const bad[][2] = {
		{ "cable", "2" },	 { "cable", "yes" },	     { "partner", "100full 1000ful" },
		{ "partner", "pause" },	 { "partner", "" },	     { "advertise", "10gig" },
		{ "running", "-1" },	 { "attached", "" },	     { "access_log", "erase" },
	};
	char before[256], after[256];
	bool ok = true;
	size_t i;
	int err;

	ok = ktap_check(ok, vmdio_read("partner", before, sizeof(before)), "read partner");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = vmdio_write(bad[i][0], bad[i][1]);
		ok = ktap_check(ok, err == EINVAL, "%s <- \"%s\": %s", bad[i][0], bad[i][1],
				strerror(err));
	}
	ok = ktap_check(ok, vmdio_read("partner", after, sizeof(after)), "read partner");
	ok = ktap_check(ok, !strcmp(before, after), "partner changed: %s", after);
	ok = ktap_check(ok, vmdio_read("cable", after, sizeof(after)) && !strcmp(after, "1\n"),
			"cable changed");
	return ok && wait_for_link("up 1000/full", 0) >= 0;
}

/* Detached, the MAC-side knobs have nothing to act on. */
static bool detached_knobs_fail_with_enodev(void)
{
	bool ok = true;
	int err;

	ok = ktap_check(ok, vmdio_write("attached", "0") == 0, "detach");
	err = vmdio_write("running", "1");
	ok = ktap_check(ok, err == ENODEV, "running: %s", strerror(err));
	err = vmdio_write("advertise", "100full");
	ok = ktap_check(ok, err == ENODEV, "advertise: %s", strerror(err));
	ok = ktap_check(ok, vmdio_write("attached", "1") == 0, "attach");
	ok = ktap_check(ok, vmdio_write("running", "1") == 0, "start");
	return ok && wait_for_link("up 1000/full", LINK_UP_TIMEOUT_MS) >= 0;
}

/* phylib polls BMSR once a second: the log must show it. */
static bool access_log_records_polling(void)
{
	static char log[64 * 1024];
	long long start = now_ms();

	if (vmdio_write("access_log", "clear"))
		return false;
	while (now_ms() - start < LINK_UP_TIMEOUT_MS) {
		if (vmdio_read("access_log", log, sizeof(log)) && strstr(log, " R 01 "))
			return true;
		usleep(POLL_INTERVAL_MS * 1000);
	}
	ktap_diag("no BMSR read logged in %d ms", LINK_UP_TIMEOUT_MS);
	return false;
}

int main(void)
{
	int kmsg = kmsg_open();

	ktap_plan(7);
	if (module_loaded("rust_phy"))
		ktap_skip("rust_phy is loaded and drives the PHY", "genphy binds the emulated PHY");
	else
		ktap_result(genphy_binds(), "genphy binds the emulated PHY");
	ktap_result(wait_for_link("up 1000/full", LINK_UP_TIMEOUT_MS) >= 0,
		    "link up at the best common mode");
	ktap_result(partner_100_half_resolves_100_half(), "partner change renegotiates");
	ktap_result(cable_cycle(), "unplug and replug the cable");
	ktap_result(bad_input_rejected(), "bad debugfs input: EINVAL, nothing changes");
	ktap_result(detached_knobs_fail_with_enodev(), "MAC knobs need the PHY attached");
	ktap_result(access_log_records_polling() && kmsg_clean(kmsg),
		    "access log records phylib's polling, no kernel warning");
	close(kmsg);
	return ktap_finish();
}

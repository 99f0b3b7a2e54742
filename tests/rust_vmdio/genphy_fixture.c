// SPDX-License-Identifier: GPL-2.0
/*
 * rust_vmdio on its own: with no RV1000 driver loaded the emulated PHY is
 * driven by phylib's generic driver, link changes are reported within the
 * bounds of either way phylib learns of them (the MAC's interrupt, polling),
 * and the debugfs interface rejects bad input without changing anything.
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
	return vmdio_write("partner", "100half 10full") == 0 && link_comes_up("up 100/half") &&
	       vmdio_write("partner", ALL_MODES) == 0 && link_comes_up("up 1000/full");
}

static bool cable_cycle(void)
{
	return vmdio_write("cable", "0") == 0 && link_goes_down() &&
	       vmdio_write("cable", "1") == 0 && link_comes_up("up 1000/full");
}

/* Every bad write fails with EINVAL and leaves the state as it was. */
static bool bad_input_rejected(void)
{
	static const char *const bad[][2] = {
		{ "cable", "2" },	 { "cable", "yes" },	     { "partner", "100full 1000ful" },
		{ "partner", "pause" },	 { "partner", "" },	     { "advertise", "10gig" },
		{ "running", "-1" },	 { "attached", "" },	     { "access_log", "erase" },
		{ "link_irq", "irq" },	 { "link_irq", "Poll" },
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
	/* Attached, the way phylib learns of changes is fixed. */
	err = vmdio_write("link_irq", "poll");
	ok = ktap_check(ok, err == EBUSY, "link_irq <- poll while attached: %s", strerror(err));
	ok = ktap_check(ok, vmdio_read("link_irq", after, sizeof(after)) && !strcmp(after, "mac\n"),
			"link_irq changed: %s", after);
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
	return ok && link_comes_up("up 1000/full");
}

/*
 * Whether the access log shows a BMSR read within @window_ms of clearing it:
 * phylib polls BMSR once a second (PHY_STATE_TIME), and with the MAC's
 * interrupt only when told.
 */
static bool bmsr_read_within(long long window_ms)
{
	static char log[64 * 1024];
	long long start = now_ms();

	if (vmdio_write("access_log", "clear"))
		return false;
	while (now_ms() - start < window_ms) {
		if (vmdio_read("access_log", log, sizeof(log)) && strstr(log, " R 01 "))
			return true;
		usleep(POLL_INTERVAL_MS * 1000);
	}
	return false;
}

/* 1.5 polling periods: phylib would have polled at least once. */
#define QUIET_WINDOW_MS 1500

static bool mac_interrupt_replaces_polling(void)
{
	bool read = bmsr_read_within(QUIET_WINDOW_MS);

	ktap_check(true, !read, "BMSR read within %d ms of a quiet link", QUIET_WINDOW_MS);
	return !read;
}

/* Polled, the same changes are reported within the polling bounds, and the log shows the polls. */
static bool polled_link_follows_changes(void)
{
	bool ok = vmdio_use_link_irq("poll") && link_comes_up("up 1000/full") &&
		  partner_100_half_resolves_100_half() && cable_cycle();

	ok = ktap_check(ok, bmsr_read_within(LINK_POLL_UP_BOUND_MS), "no BMSR read logged in %d ms",
			LINK_POLL_UP_BOUND_MS);
	return vmdio_use_link_irq("mac") && link_comes_up("up 1000/full") && ok;
}

/* The kernel log from before the first case on (kmsg_clean()). */
static int kmsg = -1;

static bool open_kmsg(void)
{
	kmsg = kmsg_open();
	return true;
}

static bool genphy_binds_unless_rust_phy(void)
{
	if (module_loaded("rust_phy")) {
		ktap_case_skip("rust_phy is loaded and drives the PHY");
		return true;
	}
	return genphy_binds();
}

static bool link_up_at_best_mode(void)
{
	return link_comes_up("up 1000/full");
}

static bool polled_link_and_clean_log(void)
{
	return polled_link_follows_changes() && kmsg_clean(kmsg);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("genphy binds the emulated PHY", genphy_binds_unless_rust_phy),
		KTAP_CASE_NAMED("link up at the best common mode", link_up_at_best_mode),
		KTAP_CASE_NAMED("partner change renegotiates", partner_100_half_resolves_100_half),
		KTAP_CASE_NAMED("unplug and replug the cable", cable_cycle),
		KTAP_CASE_NAMED("bad debugfs input: EINVAL, nothing changes", bad_input_rejected),
		KTAP_CASE_NAMED("MAC knobs need the PHY attached", detached_knobs_fail_with_enodev),
		KTAP_CASE_NAMED("with the MAC's interrupt phylib does not poll",
				mac_interrupt_replaces_polling),
		KTAP_CASE_NAMED("polled: link follows partner and cable, the log shows the polls, no kernel warning",
				polled_link_and_clean_log),
	};
	int status = ktap_run_after(open_kmsg, cases, ARRAY_SIZE(cases));

	close(kmsg);
	return status;
}

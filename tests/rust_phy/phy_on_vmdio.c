// SPDX-License-Identifier: GPL-2.0
/*
 * rust_phy end to end: the RV1000 driver against the PHY that rust_vmdio
 * emulates, driven by phylib's real state machine.
 *
 * Runs with rust_phy loaded (by the harness); loads rust_vmdio itself and
 * unloads it at the end, leaving rust_phy loaded. Link changes are awaited
 * by polling the fixture's debugfs with the bounds in vmdio.h: the MAC's
 * interrupt tells phylib of them (the fixture's default), except in the case
 * where phylib polls.
 *
 * Another driver of the RV1000 runs it in rust_phy's place when its
 * environment names it (c_phy, see rphy_test.h); the cases' names then name
 * that module.
 */
#include "ktap.h"
#include "rphy_test.h"
#include "rust_vmdio/vmdio.h"

#define BMCR 0x00
#define BMCR_RESET 0x8000
#define BMCR_PDOWN 0x0800
#define BMCR_ANRESTART 0x0200
#define ADVERTISE 0x04
#define LPA 0x05
#define CTRL1000 0x09
#define VCTRL 0x11

#define GENERIC_DRIVER "Generic PHY"

static bool driver_is(const char *expected)
{
	char name[256];

	vmdio_phy_driver(name, sizeof(name));
	if (strcmp(name, expected)) {
		ktap_diag("PHY driver is \"%s\", expected \"%s\"", name, expected);
		return false;
	}
	return true;
}

/*
 * Position in the access log of the first access @op ('R' or 'W') to @reg
 * with all of @bits set in its value, or -1.
 */
static int first_access(const char *log, char access, unsigned int reg, unsigned int bits)
{
	const char *line = log;
	unsigned int seq, r, val;
	char op;
	int index = 0;

	while (line && *line) {
		if (sscanf(line, "%u %c %x %x", &seq, &op, &r, &val) == 4 &&
		    op == access && r == reg && (val & bits) == bits)
			return index;
		line = strchr(line, '\n');
		if (line)
			line++;
		index++;
	}
	return -1;
}

/*
 * Reattaching runs phy_attach_direct(): the driver's soft reset, then
 * phy_start(): config_aneg. phylib then asks for the reset values of
 * ADVERTISE and CTRL1000, so config_aneg reads them, finds nothing to change
 * and, as genphy_check_and_restart_aneg() in C, does not restart: the reset
 * itself renegotiates.
 */
static bool reset_precedes_aneg(void)
{
	static char log[64 * 1024];
	int reset, advertise, restart;
	bool ok = true;

	ok = ktap_check(ok, vmdio_write("access_log", "clear") == 0, "clear log");
	ok = ktap_check(ok, vmdio_write("attached", "0") == 0, "detach");
	ok = ktap_check(ok, vmdio_write("attached", "1") == 0, "attach");
	ok = ktap_check(ok, vmdio_write("running", "1") == 0, "start");
	ok = ok && link_comes_up("up 1000/full");
	ok = ktap_check(ok, vmdio_read("access_log", log, sizeof(log)), "read log");
	if (!ok)
		return false;
	reset = first_access(log, 'W', BMCR, BMCR_RESET);
	advertise = first_access(log, 'R', ADVERTISE, 0);
	restart = first_access(log, 'W', BMCR, BMCR_ANRESTART);
	ktap_diag("log positions: reset %d, ADVERTISE read %d, aneg restart %d",
		  reset, advertise, restart);
	return reset >= 0 && reset < advertise && restart == -1;
}

/* The driver when phylib polls it: the link follows the cable within the polling bounds. */
static bool polled_link_follows_the_cable(void)
{
	bool ok = vmdio_use_link_irq("poll") && link_comes_up("up 1000/full") &&
		  vmdio_write("cable", "0") == 0 && link_goes_down() &&
		  vmdio_write("cable", "1") == 0 && link_comes_up("up 1000/full");

	return vmdio_use_link_irq("mac") && link_comes_up("up 1000/full") && ok;
}

static bool unplug_takes_link_down(void)
{
	return vmdio_write("cable", "0") == 0 && link_goes_down();
}

static bool replug_brings_link_up(void)
{
	return vmdio_write("cable", "1") == 0 && link_comes_up("up 1000/full");
}

static bool partner_100_full_resolves_100_full(void)
{
	bool ok = vmdio_write("partner", "100full") == 0 && link_comes_up("up 100/full");

	/* LPA: partner 100FULL, acknowledge, IEEE 802.3 selector. */
	ok = ktap_check(ok, vmdio_register(LPA) == 0x4101, "LPA %#x", vmdio_register(LPA));
	/* Back to a partner with every mode: the best common mode returns. */
	ok = ok && vmdio_write("partner", "10half 10full 100half 100full 1000half 1000full") == 0;
	return ok && link_comes_up("up 1000/full");
}

/* config_aneg writes exactly what phylib asks to advertise. */
static bool mac_advertisement_is_honoured(void)
{
	bool ok = vmdio_write("advertise", "10half 100full") == 0 && link_comes_up("up 100/full");

	ok = ktap_check(ok, vmdio_register(ADVERTISE) == 0x0121, "ADVERTISE %#x",
			vmdio_register(ADVERTISE));
	ok = ktap_check(ok, vmdio_register(CTRL1000) == 0x0000, "CTRL1000 %#x",
			vmdio_register(CTRL1000));
	return ok;
}

/*
 * phy_stop() suspends the PHY (driver suspend: BMCR.PDOWN), phy_start()
 * resumes it (driver resume) and renegotiates: the configuration made
 * before (restricted advertisement, VCTRL) must survive.
 */
static bool suspend_resume_keeps_configuration(void)
{
	int advertise = vmdio_register(ADVERTISE), ctrl1000 = vmdio_register(CTRL1000);
	int vctrl = vmdio_register(VCTRL);
	bool ok = true;

	ok = ktap_check(ok, vmdio_write("running", "0") == 0, "stop");
	ok = ok && link_goes_down();
	ok = ktap_check(ok, vmdio_register(BMCR) >= 0 && (vmdio_register(BMCR) & BMCR_PDOWN),
			"BMCR %#x not powered down", vmdio_register(BMCR));
	ok = ktap_check(ok, vmdio_write("running", "1") == 0, "start");
	ok = ok && link_comes_up("up 100/full");
	ok = ktap_check(ok, !(vmdio_register(BMCR) & BMCR_PDOWN), "BMCR %#x",
			vmdio_register(BMCR));
	ok = ktap_check(ok, vmdio_register(ADVERTISE) == advertise &&
			vmdio_register(CTRL1000) == ctrl1000 && vmdio_register(VCTRL) == vctrl,
			"ADVERTISE %#x CTRL1000 %#x VCTRL %#x, were %#x %#x %#x",
			vmdio_register(ADVERTISE), vmdio_register(CTRL1000),
			vmdio_register(VCTRL), advertise, ctrl1000, vctrl);
	return ok;
}

/* phylib pins the driver module of an attached PHY: rust_phy stays. */
static bool attached_driver_cannot_be_removed(void)
{
	int err = unload_module(rphy_module());
	bool ok = true;

	ok = ktap_check(ok, err == EWOULDBLOCK || err == EBUSY, "rmmod %s: %s",
			rphy_module(), strerror(err));
	ok = ktap_check(ok, module_loaded(rphy_module()), "%s gone", rphy_module());
	return ok && driver_is(rphy_driver()) && link_comes_up("up 100/full");
}

/* Without rust_phy, reattaching binds genphy, which must drive the model too. */
static bool genphy_takes_over_without_rust_phy(void)
{
	bool ok = true;
	int err;

	ok = ktap_check(ok, vmdio_write("attached", "0") == 0, "detach");
	err = unload_module(rphy_module());
	ok = ktap_check(ok, err == 0, "rmmod %s: %s", rphy_module(), strerror(err));
	ok = ktap_check(ok, vmdio_write("attached", "1") == 0, "attach");
	ok = ktap_check(ok, vmdio_write("running", "1") == 0, "start");
	return ok && driver_is(GENERIC_DRIVER) && link_comes_up("up 1000/full");
}

static bool vmdio_removed_cleanly(void)
{
	bool ok = true;

	ok = ktap_check(ok, unload_module("rust_vmdio") == 0, "rmmod rust_vmdio");
	ok = ktap_check(ok, access(VMDIO_DEBUGFS, F_OK) && errno == ENOENT, "debugfs left");
	ok = ktap_check(ok, access(VMDIO_PHY_SYSFS, F_OK) && errno == ENOENT, "PHY left");
	ok = ktap_check(ok, access("/sys/class/mdio_bus/rust_vmdio", F_OK) && errno == ENOENT,
			"bus left");
	return ok;
}

/* The kernel log from before the first case on (kmsg_clean()). */
static int kmsg = -1;

static bool open_kmsg(void)
{
	kmsg = kmsg_open();
	return true;
}

static bool vmdio_loads(void)
{
	int err = load_module("rust_vmdio");

	if (err)
		ktap_diag("loading rust_vmdio: %s", strerror(err));
	return err == 0;
}

static bool driver_binds(void)
{
	return driver_is(rphy_driver());
}

static bool probe_programs_vctrl(void)
{
	return vmdio_register(VCTRL) == 0x0012;
}

static bool link_up_at_best_mode(void)
{
	return link_comes_up("up 1000/full");
}

/* Other order: rust_vmdio goes while rust_phy is loaded, and comes back. */
static bool vmdio_reloaded_under_driver(void)
{
	int err = load_module(rphy_module());

	if (err)
		ktap_diag("loading %s: %s", rphy_module(), strerror(err));
	return err == 0 && vmdio_removed_cleanly() && load_module("rust_vmdio") == 0 &&
	       driver_is(rphy_driver()) && link_comes_up("up 1000/full");
}

static bool final_rmmod_clean(void)
{
	return vmdio_removed_cleanly() && module_loaded(rphy_module()) && kmsg_clean(kmsg);
}

int main(void)
{
	/* Every later case needs the fixture. */
	const struct ktap_case cases[] = {
		KTAP_CASE_REQUIRED(ktap_name("rust_vmdio loads next to %s", rphy_module()),
				   vmdio_loads),
		KTAP_CASE_NAMED(ktap_name("%s binds the emulated PHY", rphy_module()), driver_binds),
		KTAP_CASE_NAMED("probe programs VCTRL (crossover, LEDs)", probe_programs_vctrl),
		KTAP_CASE_NAMED("link comes up at the best common mode", link_up_at_best_mode),
		KTAP_CASE_NAMED("access log: soft reset, aneg config, no restart",
				reset_precedes_aneg),
		KTAP_CASE_NAMED("polled by phylib: link follows the cable",
				polled_link_follows_the_cable),
		KTAP_CASE_NAMED("unplugged cable: link down in bound", unplug_takes_link_down),
		KTAP_CASE_NAMED("replugged cable: link up in bound", replug_brings_link_up),
		KTAP_CASE_NAMED("partner 100/full only resolves 100/full",
				partner_100_full_resolves_100_full),
		KTAP_CASE_NAMED("config_aneg honours the advertised modes",
				mac_advertisement_is_honoured),
		KTAP_CASE_NAMED("suspend/resume keeps the configuration",
				suspend_resume_keeps_configuration),
		KTAP_CASE_NAMED(ktap_name("rmmod %s refused while attached", rphy_module()),
				attached_driver_cannot_be_removed),
		KTAP_CASE_NAMED(ktap_name("%s removed after detach, genphy drives the PHY",
					  rphy_module()),
				genphy_takes_over_without_rust_phy),
		KTAP_CASE_NAMED(ktap_name("rust_vmdio removed and reloaded with %s loaded",
					  rphy_module()),
				vmdio_reloaded_under_driver),
		KTAP_CASE_NAMED("final rmmod rust_vmdio clean, no kernel warning", final_rmmod_clean),
	};
	int status = ktap_run_after(open_kmsg, cases, ARRAY_SIZE(cases));

	close(kmsg);
	return status;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * What the PHY driver under test costs phylib on rust_vmdio's emulated
 * RV1000 (rust_phy, and c_phy with its twin environment,
 * tests/c_phy/twin.env: `make compare` sets the two side by side): for a
 * cable plugged in, the time until the fixture hears of the link (the
 * model negotiates for 300 ms of guest time) and the MDIO accesses made
 * meanwhile; for a cable pulled, the same until it hears of the loss. The
 * fixture tells phylib of link changes as a MAC would (its default
 * link_irq, "mac").
 *
 * Runs with the driver loaded (by the harness); loads rust_vmdio and
 * unloads it at the end. Each metric is measured --rounds times (7 by
 * default) after one round not counted; each line shows the median and
 * the spread. It states no bound: under --gate it has nothing to check.
 *
 *	link_bench [--gate] [--rounds N]
 */
#include "ktap.h"
#include "rust_phy/rphy_test.h"
#include "rust_vmdio/vmdio.h"

#define MAX_ROUNDS 32
#define LINK_UP "up 1000/full"

enum metric { UP_MS, UP_ACCESSES, DOWN_MS, DOWN_ACCESSES, METRICS };

static const char *const labels[METRICS] = {
	[UP_MS] = "cable in to link up, ms",
	[UP_ACCESSES] = "MDIO accesses until up",
	[DOWN_MS] = "cable out to link down, ms",
	[DOWN_ACCESSES] = "MDIO accesses until down",
};

/* Lines of the access log (one an MDIO access) since it was last cleared; -1 on error. */
static int accesses(void)
{
	static char log[1 << 16];
	int lines = 0;

	if (!vmdio_read("access_log", log, sizeof(log)))
		return -1;
	for (const char *c = log; *c; c++)
		lines += *c == '\n';
	return lines;
}

/* Plugs the cable in (@in) or out and measures until the fixture reports it; false on error. */
static bool cable(bool in, double *ms, double *count)
{
	long long took;
	int n;

	if (vmdio_write("access_log", "clear") || vmdio_write("cable", in ? "1" : "0"))
		return false;
	took = wait_for_link(in ? LINK_UP : "down", in ? link_up_bound_ms() : link_down_bound_ms());
	n = accesses();
	if (took < 0 || n < 0)
		return false;
	*ms = took;
	*count = n;
	return true;
}

static bool round_of(double *values)
{
	return cable(false, &values[DOWN_MS], &values[DOWN_ACCESSES]) &&
	       cable(true, &values[UP_MS], &values[UP_ACCESSES]);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static double values[METRICS][MAX_ROUNDS];
	double round[METRICS], sorted[MAX_ROUNDS];
	char driver[256];
	int rounds = 7, err;
	bool ok;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--gate")) {
			printf("# link_bench states no bound: nothing to gate\n");
			return 0;
		} else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			rounds = atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: %s [--gate] [--rounds N]\n", argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "rounds must be 1 to %d\n", MAX_ROUNDS);
		return 2;
	}
	err = load_module("rust_vmdio");
	if (err) {
		fprintf(stderr, "loading rust_vmdio: %s\n", strerror(err));
		return 1;
	}
	vmdio_phy_driver(driver, sizeof(driver));
	ok = !strcmp(driver, rphy_driver()) && wait_for_link(LINK_UP, link_up_bound_ms()) >= 0;
	if (!ok)
		fprintf(stderr, "the emulated PHY has driver \"%s\", or no link: expected %s\n",
			driver, rphy_driver());
	ok = ok && round_of(round);
	for (int r = 0; ok && r < rounds; r++) {
		ok = round_of(round);
		for (int m = 0; m < METRICS; m++)
			values[m][r] = round[m];
	}
	err = unload_module("rust_vmdio");
	if (!ok || err) {
		fprintf(stderr, "a cable change was not reported in time%s\n",
			err ? ", or rust_vmdio could not be unloaded" : "");
		return 1;
	}

	printf("# %s on rust_vmdio's RV1000 (link_irq mac): %d rounds after a warm-up\n",
	       rphy_driver(), rounds);
	printf("%-28s %11s  %s\n", "metric (median of rounds)", rphy_module(), "spread");
	for (int m = 0; m < METRICS; m++) {
		memcpy(sorted, values[m], rounds * sizeof(sorted[0]));
		qsort(sorted, rounds, sizeof(sorted[0]), compare_double);
		printf("%-28s %11.1f  %.1f-%.1f (%+.1f%%)\n", labels[m], sorted[rounds / 2],
		       sorted[0], sorted[rounds - 1],
		       sorted[rounds / 2] ? 100 * (sorted[rounds - 1] - sorted[0]) / sorted[rounds / 2] : 0);
	}
	return 0;
}

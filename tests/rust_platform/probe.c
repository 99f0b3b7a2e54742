// SPDX-License-Identifier: GPL-2.0
/*
 * Probe of the rust_platform register banks: the two good banks of the test
 * VM are bound with their own firmware properties and resources; the two bad
 * ones (a missing required property, an out-of-range one) fail probe with
 * EINVAL after one dev_err line and keep nothing.
 */
#include "ktap.h"
#include "bank.h"

static const char *const attrs[] = {
	"label", "scratch", "enable", "mode", "max_mode", "channels", "channel_limits",
};

/* A good bank is bound and owns its window: one region claim, one mapping. */
static bool good_bank_bound(struct bank *b)
{
	bool ok = true;
	size_t i;

	ok = ktap_check(ok, bank_find(b), "no device for %s", b->acpi_path);
	if (!ok)
		return false;
	ok = ktap_check(ok, bank_bound(b), "%s not bound", b->name);
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		ok = ktap_check(ok, attr_exists(b, attrs[i]), "%s has no %s", b->name, attrs[i]);
	ok = ktap_check(ok, bank_region_claims(b) == 1, "%s: %d region claims",
			b->name, bank_region_claims(b));
	ok = ktap_check(ok, bank_mappings(b) == 1, "%s: %d mappings", b->name, bank_mappings(b));
	return ok;
}

/* Firmware properties reach sysfs, defaults included. */
static bool properties_shown(const struct bank *b, const char *label, const char *max_mode,
			     const char *limits)
{
	bool ok = true;

	ok = ktap_check(ok, attr_is(b, "label", label), "label of %s", b->name);
	ok = ktap_check(ok, attr_is(b, "max_mode", max_mode), "max_mode of %s", b->name);
	ok = ktap_check(ok, attr_is(b, "channel_limits", limits), "channel_limits of %s", b->name);
	return ok;
}

/*
 * A bad bank is unbound and holds nothing; binding it again fails with EINVAL
 * and logs exactly one line of the driver naming the problem (plus the driver
 * core's own "probe ... failed" line).
 */
static bool bad_bank_rejected(struct bank *b, const char *reason)
{
	int driver_before, core_before, driver_after, core_after, err;
	char prefix[320];
	bool ok = true;

	ok = ktap_check(ok, bank_find(b), "no device for %s", b->acpi_path);
	if (!ok)
		return false;
	snprintf(prefix, sizeof(prefix), "%s %s: ", platform_driver(), b->name);

	ok = ktap_check(ok, !bank_bound(b), "%s is bound", b->name);
	ok = ktap_check(ok, !attr_exists(b, "label"), "%s has attributes", b->name);
	ok = ktap_check(ok, bank_region_claims(b) == 0, "%s window claimed", b->name);
	ok = ktap_check(ok, bank_mappings(b) == 0, "%s window mapped", b->name);

	driver_before = klog_count(prefix, "invalid firmware description");
	core_before = klog_count(prefix, "failed with error -22");
	err = bank_bind(b);
	driver_after = klog_count(prefix, "invalid firmware description");
	core_after = klog_count(prefix, "failed with error -22");

	ok = ktap_check(ok, err == -EINVAL, "bind %s returned %d", b->name, err);
	ok = ktap_check(ok, driver_after == driver_before + 1, "%d driver lines, expected 1",
			driver_after - driver_before);
	ok = ktap_check(ok, klog_count(prefix, reason) > 0, "no log line says \"%s\"", reason);
	ok = ktap_check(ok, core_after == core_before + 1, "%d driver-core lines, expected 1",
			core_after - core_before);
	ok = ktap_check(ok, !bank_bound(b) && !attr_exists(b, "label") &&
			bank_region_claims(b) == 0 && bank_mappings(b) == 0,
			"%s keeps something after the failed bind", b->name);
	return ok;
}

static struct bank a = BANK_A, b = BANK_B, missing = BANK_MISSING, bad_mode = BANK_BAD_MODE;
/* Whether each good bank was found bound: its properties are read only then. */
static bool a_bound, b_bound;

static bool bank_a_bound(void)
{
	a_bound = good_bank_bound(&a);
	return a_bound;
}

static bool bank_b_bound(void)
{
	b_bound = good_bank_bound(&b);
	return b_bound;
}

static bool bank_a_properties(void)
{
	return a_bound && properties_shown(&a, "bank-a", "5", "100 200 300");
}

static bool bank_b_properties(void)
{
	return b_bound && properties_shown(&b, "bank-b", "3", "1000 65535");
}

static bool missing_property_rejected(void)
{
	return bad_bank_rejected(&missing, "'rkm,channel-limits' is missing");
}

static bool out_of_range_property_rejected(void)
{
	return bad_bank_rejected(&bad_mode, "'rkm,max-mode' is 99");
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("bank A bound with its files, region and mapping", bank_a_bound),
		KTAP_CASE_NAMED("bank B bound with its files, region and mapping", bank_b_bound),
		KTAP_CASE_NAMED("bank A shows its firmware label, u32 and u32 array",
				bank_a_properties),
		KTAP_CASE_NAMED("bank B shows its own properties and the max-mode default",
				bank_b_properties),
		KTAP_CASE_NAMED("missing required property: EINVAL, one dev_err, nothing kept",
				missing_property_rejected),
		KTAP_CASE_NAMED("out-of-range property: EINVAL, one dev_err, nothing kept",
				out_of_range_property_rejected),
	};

	return ktap_run(cases, ARRAY_SIZE(cases));
}

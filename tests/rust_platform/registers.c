// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs interface of the rust_platform banks: values written reach the
 * device and read back per bank, every invalid write fails with the
 * documented errno and changes nothing, and unbinding one bank removes its
 * files, mapping and region while the other keeps working; after rebinding
 * the bank shows what was written before, which only the device can have
 * kept.
 */
#include "ktap.h"
#include "bank.h"

/* Writes value and checks it reads back as shown. */
static bool write_reads_back(const struct bank *b, const char *attr, const char *value,
			     const char *shown)
{
	bool ok = true;
	int err;

	err = attr_write(b, attr, value);
	ok = ktap_check(ok, err == 0, "writing \"%s\" to %s/%s: %d", value, b->name, attr, err);
	ok = ktap_check(ok, attr_is(b, attr, shown), "%s/%s is not \"%s\"", b->name, attr, shown);
	return ok;
}

static bool banks_hold_separate_values(const struct bank *a, const struct bank *b)
{
	bool ok = true;

	ok = write_reads_back(a, "scratch", "0x12345678", "0x12345678") && ok;
	ok = write_reads_back(b, "scratch", "3735928559", "0xdeadbeef") && ok;
	ok = write_reads_back(a, "mode", "5", "5") && ok;
	ok = write_reads_back(a, "enable", "1", "1") && ok;
	ok = write_reads_back(b, "mode", "2", "2") && ok;
	ok = write_reads_back(b, "enable", "0", "0") && ok;
	ok = write_reads_back(a, "channels", "100 0 300\n", "100 0 300") && ok;
	ok = write_reads_back(b, "channels", "1000 65535", "1000 65535") && ok;
	/* Mode and enable share CONTROL: each write keeps the other field. */
	ok = write_reads_back(a, "mode", "4", "4") && ok;
	ok = ktap_check(ok, attr_is(a, "enable", "1"), "enable lost by a mode write");
	ok = write_reads_back(a, "enable", "0", "0") && ok;
	ok = ktap_check(ok, attr_is(a, "mode", "4"), "mode lost by an enable write");
	ok = ktap_check(ok, attr_is(a, "scratch", "0x12345678"), "bank B's write reached bank A");
	return ok;
}

struct bad_write {
	const char *attr;
	const char *value;
	int error;
};

/* Each rejected write returns its errno and leaves every file as it was. */
static bool bad_writes_rejected(const struct bank *b, const struct bad_write *writes, size_t n)
{
	static const char *const files[] = { "scratch", "enable", "mode", "channels" };
	char before[4][128], after[128];
	bool ok = true;
	size_t i, j;
	int err;

	for (j = 0; j < 4; j++)
		if (attr_read(b, files[j], before[j], sizeof(before[j])) < 0)
			return ktap_check(false, false, "cannot read %s/%s", b->name, files[j]);

	for (i = 0; i < n; i++) {
		err = attr_write(b, writes[i].attr, writes[i].value);
		ok = ktap_check(ok, err == -writes[i].error, "%s/%s <- \"%s\": %d, expected %d",
				b->name, writes[i].attr, writes[i].value, err, -writes[i].error);
		for (j = 0; j < 4; j++) {
			attr_read(b, files[j], after, sizeof(after));
			ok = ktap_check(ok, !strcmp(before[j], after),
					"\"%s\" changed %s from %s to %s", writes[i].value,
					files[j], before[j], after);
		}
	}
	return ok;
}

static bool unbind_one_keeps_the_other(const struct bank *a, const struct bank *b)
{
	bool ok = true;
	int err;

	err = bank_unbind(a);
	ok = ktap_check(ok, err == 0, "unbind %s: %d", a->name, err);
	ok = ktap_check(ok, !bank_bound(a), "%s still bound", a->name);
	ok = ktap_check(ok, !attr_exists(a, "scratch"), "%s files remain", a->name);
	ok = ktap_check(ok, bank_region_claims(a) == 0, "%s region still claimed", a->name);
	ok = ktap_check(ok, bank_mappings(a) == 0, "%s still mapped", a->name);

	ok = ktap_check(ok, bank_bound(b), "%s lost its binding", b->name);
	ok = write_reads_back(b, "scratch", "0x0b0b0b0b", "0x0b0b0b0b") && ok;
	ok = write_reads_back(b, "channels", "7 8", "7 8") && ok;
	return ok;
}

static bool rebind_shows_device_state(const struct bank *a)
{
	bool ok = true;
	int err;

	err = bank_bind(a);
	ok = ktap_check(ok, err == 0, "bind %s: %d", a->name, err);
	ok = ktap_check(ok, bank_bound(a), "%s not bound", a->name);
	ok = ktap_check(ok, bank_region_claims(a) == 1, "%s region not claimed once", a->name);
	ok = ktap_check(ok, bank_mappings(a) == 1, "%s not mapped once", a->name);
	ok = ktap_check(ok, attr_is(a, "scratch", "0x12345678"), "scratch not kept by the device");
	ok = ktap_check(ok, attr_is(a, "channels", "100 0 300"), "channels not kept by the device");
	ok = ktap_check(ok, attr_is(a, "mode", "4") && attr_is(a, "enable", "0"),
			"control not kept by the device");
	err = bank_bind(a);
	ok = ktap_check(ok, err == -EBUSY, "binding a bound bank: %d", err);
	return ok;
}

static const struct bad_write bank_a_writes[] = {
	{ "scratch", "\n", EINVAL },
	{ "scratch", "abc", EINVAL },
	{ "scratch", "-1", EINVAL },
	{ "scratch", "0x", EINVAL },
	{ "scratch", "12 13", EINVAL },
	{ "scratch", "\xff\xfe", EINVAL },
	{ "scratch", "4294967296", ERANGE },
	{ "scratch", "0x100000000", ERANGE },
	{ "enable", "2", EINVAL },
	{ "enable", "on", EINVAL },
	{ "mode", "6", ERANGE },
	{ "mode", "99999999999", ERANGE },
	{ "mode", "five", EINVAL },
	{ "channels", "1 2", EINVAL },
	{ "channels", "1 2 3 4 5 6 7 8 9", EINVAL },
	{ "channels", "1 two 3", EINVAL },
	{ "channels", "100 201 300", ERANGE },
	{ "label", "x", EACCES },
	{ "max_mode", "1", EACCES },
	{ "channel_limits", "1 1 1", EACCES },
};
static const struct bad_write bank_b_writes[] = {
	/* Bank B has no rkm,max-mode: the default 3 applies. */
	{ "mode", "4", ERANGE },
	{ "channels", "1000 65536", ERANGE },
	{ "channels", "1 2 3", EINVAL },
};

static struct bank a = BANK_A, b = BANK_B;

static bool banks_bound(void)
{
	if (bank_find(&a) && bank_find(&b) && bank_bound(&a) && bank_bound(&b))
		return true;
	ktap_diag("banks A and B must be bound to run these cases");
	return false;
}

static bool separate_values(void)
{
	return banks_hold_separate_values(&a, &b);
}

static bool invalid_writes_rejected(void)
{
	return bad_writes_rejected(&a, bank_a_writes, ARRAY_SIZE(bank_a_writes)) &&
	       bad_writes_rejected(&b, bank_b_writes, ARRAY_SIZE(bank_b_writes));
}

static bool unbind_a_keeps_b(void)
{
	return unbind_one_keeps_the_other(&a, &b);
}

static bool rebind_a_shows_device_state(void)
{
	return rebind_shows_device_state(&a);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("each bank reads back its own writes, control fields independent",
				separate_values),
		KTAP_CASE_NAMED("invalid writes fail with EINVAL/ERANGE/EACCES and change nothing",
				invalid_writes_rejected),
		KTAP_CASE_NAMED("unbinding bank A releases it while bank B keeps working",
				unbind_a_keeps_b),
		KTAP_CASE_NAMED("rebinding bank A shows the values the device kept",
				rebind_a_shows_device_state),
		KTAP_CASE_NAMED("no kernel warning or bug reported", no_kernel_bug),
	};

	return ktap_run_after(banks_bound, cases, ARRAY_SIZE(cases));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * rmmod of rust_platform (or of the module bank.h names) with both good
 * banks bound, and insmod again: the unload unbinds every bank and releases
 * its files, region and mapping; the reload binds the same banks again (and
 * rejects the bad ones again), and the registers still hold what was
 * written before the unload.
 *
 * The module is loaded again before exit, as the harness expects.
 */
#include "ktap.h"
#include "bank.h"

static int module_unload(void)
{
	return syscall(SYS_delete_module, platform_module(), O_NONBLOCK) ? -errno : 0;
}

static int module_load(void)
{
	const char *dir = getenv("RKM_MODULES_DIR");
	char path[512];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s/%s.ko", dir ? dir : "/work/main/modules",
		 platform_module(), platform_module());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static bool bank_released(const struct bank *b)
{
	bool ok = true;

	ok = ktap_check(ok, !bank_bound(b), "%s still bound", b->name);
	ok = ktap_check(ok, !attr_exists(b, "scratch"), "%s files remain", b->name);
	ok = ktap_check(ok, bank_region_claims(b) == 0, "%s region still claimed", b->name);
	ok = ktap_check(ok, bank_mappings(b) == 0, "%s still mapped", b->name);
	return ok;
}

static struct bank a = BANK_A, b = BANK_B, missing = BANK_MISSING, bad_mode = BANK_BAD_MODE;
/* The driver's rejections of the bad banks in the log, before the reload. */
static int rejected_before, rejected_after;

static bool written_before_unload(void)
{
	bool ok;

	ok = bank_find(&a) && bank_find(&b) && bank_find(&missing) && bank_find(&bad_mode);
	ok = ktap_check(ok, bank_bound(&a) && bank_bound(&b), "good banks not bound");
	ok = ktap_check(ok, attr_write(&a, "scratch", "0xa5a5a5a5") == 0, "write A scratch");
	ok = ktap_check(ok, attr_write(&b, "scratch", "0x5a5a5a5a") == 0, "write B scratch");
	ok = ktap_check(ok, attr_write(&a, "channels", "1 2 3") == 0, "write A channels");
	return ok;
}

static bool rmmod_releases_banks(void)
{
	int err = module_unload();
	bool ok;

	ok = ktap_check(true, err == 0, "delete_module: %d", err);
	ok = bank_released(&a) && ok;
	ok = bank_released(&b) && ok;
	return ok;
}

static bool insmod_binds_good_banks(void)
{
	char rejected[128];
	int err;
	bool ok;

	snprintf(rejected, sizeof(rejected), "%s %s:", platform_driver(), platform_hid());
	rejected_before = klog_count(rejected, "invalid firmware description");
	err = module_load();
	rejected_after = klog_count(rejected, "invalid firmware description");
	ok = ktap_check(true, err == 0, "finit_module: %d", err);
	ok = ktap_check(ok, bank_bound(&a) && bank_bound(&b), "good banks not bound after insmod");
	ok = ktap_check(ok, bank_region_claims(&a) == 1 && bank_mappings(&a) == 1,
			"bank A resources after insmod");
	ok = ktap_check(ok, bank_region_claims(&b) == 1 && bank_mappings(&b) == 1,
			"bank B resources after insmod");
	return ok;
}

static bool insmod_rejects_bad_banks(void)
{
	bool ok;

	ok = ktap_check(true, !bank_bound(&missing) && !bank_bound(&bad_mode), "bad bank bound");
	ok = ktap_check(ok, rejected_after == rejected_before + 2,
			"%d rejection lines, expected 2", rejected_after - rejected_before);
	return ok;
}

static bool registers_survive_reload(void)
{
	bool ok;

	ok = ktap_check(true, attr_is(&a, "scratch", "0xa5a5a5a5"), "A scratch lost");
	ok = ktap_check(ok, attr_is(&b, "scratch", "0x5a5a5a5a"), "B scratch lost");
	ok = ktap_check(ok, attr_is(&a, "channels", "1 2 3"), "A channels lost");
	return ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("both good banks bound and written before the unload",
				written_before_unload),
		KTAP_CASE_NAMED("rmmod with banks bound unbinds and releases them",
				rmmod_releases_banks),
		KTAP_CASE_NAMED("insmod again binds both good banks", insmod_binds_good_banks),
		KTAP_CASE_NAMED("insmod again rejects both bad banks", insmod_rejects_bad_banks),
		KTAP_CASE_NAMED("registers written before the unload read back after the reload",
				registers_survive_reload),
	};

	return ktap_run(cases, ARRAY_SIZE(cases));
}

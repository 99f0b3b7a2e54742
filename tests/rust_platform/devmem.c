// SPDX-License-Identifier: GPL-2.0
/*
 * The registers behind the rust_platform sysfs files, seen through /dev/mem:
 * the test maps the banks' MMIO windows (QEMU's pc-testdev buffer) itself and
 * checks, register by register, that what is written through sysfs is in the
 * device and that what is written to the device is what sysfs shows. A
 * control-field write keeps CONTROL bits the driver has never been told
 * about, rejected writes touch no register, and registers changed while the
 * bank is unbound show after binding: the driver keeps no copy.
 *
 * The kernel must have /dev/mem without STRICT_DEVMEM (the default test
 * tree does); the window is then mappable although the driver claims it.
 * read(2) of /dev/mem only reaches RAM on x86, hence mmap.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "ktap.h"
#include "bank.h"

/* Register offsets (modules/rust_platform/regs.rs). */
#define REG_SCRATCH 0x00
#define REG_CONTROL 0x04
#define REG_CHANNEL(n) (0x10 + 4 * (n))
#define CONTROL_ENABLE 0x1u
#define CONTROL_MODE_SHIFT 4
#define MAX_CHANNELS 8
/* Bytes the driver maps per bank: up to the end of CHANNEL[7]. */
#define BANK_REGS_SIZE REG_CHANNEL(MAX_CHANNELS)

/* Banks A and B lie in two consecutive pages from windows_phys on. */
#define WINDOWS_SIZE (2 * BANK_STRIDE)

static volatile uint8_t *windows;
static unsigned long windows_phys;

static volatile uint32_t *reg(const struct bank *b, unsigned int offset)
{
	return (volatile uint32_t *)(windows + (b->phys - windows_phys) + offset);
}

static uint32_t reg_read(const struct bank *b, unsigned int offset)
{
	return *reg(b, offset);
}

static void reg_write(const struct bank *b, unsigned int offset, uint32_t value)
{
	*reg(b, offset) = value;
}

/* Checks that register offset of b holds expected. */
static bool reg_is(bool ok, const struct bank *b, unsigned int offset, uint32_t expected)
{
	uint32_t value = reg_read(b, offset);

	return ktap_check(ok, value == expected, "%s register %#x is 0x%08x, expected 0x%08x",
			  b->name, offset, value, expected);
}

static bool sysfs_write(bool ok, const struct bank *b, const char *attr, const char *value)
{
	int err = attr_write(b, attr, value);

	return ktap_check(ok, err == 0, "writing \"%s\" to %s/%s: %d", value, b->name, attr, err);
}

static bool sysfs_is(bool ok, const struct bank *b, const char *attr, const char *expected)
{
	char text[128] = "";

	attr_read(b, attr, text, sizeof(text));
	return ktap_check(ok, !strcmp(text, expected), "%s/%s is \"%s\", expected \"%s\"",
			  b->name, attr, text, expected);
}

static bool sysfs_writes_reach_registers(const struct bank *a, const struct bank *b)
{
	bool ok = true;

	ok = sysfs_write(ok, a, "scratch", "0x13572468");
	ok = sysfs_write(ok, a, "mode", "5");
	ok = sysfs_write(ok, a, "enable", "1");
	ok = sysfs_write(ok, a, "channels", "99 198 297");
	ok = sysfs_write(ok, b, "scratch", "4023233417");
	ok = sysfs_write(ok, b, "mode", "2");
	ok = sysfs_write(ok, b, "enable", "0");
	ok = sysfs_write(ok, b, "channels", "999 65535");

	ok = reg_is(ok, a, REG_SCRATCH, 0x13572468);
	ok = reg_is(ok, a, REG_CONTROL, 5 << CONTROL_MODE_SHIFT | CONTROL_ENABLE);
	ok = reg_is(ok, a, REG_CHANNEL(0), 99);
	ok = reg_is(ok, a, REG_CHANNEL(1), 198);
	ok = reg_is(ok, a, REG_CHANNEL(2), 297);
	ok = reg_is(ok, b, REG_SCRATCH, 4023233417u);
	ok = reg_is(ok, b, REG_CONTROL, 2 << CONTROL_MODE_SHIFT);
	ok = reg_is(ok, b, REG_CHANNEL(0), 999);
	ok = reg_is(ok, b, REG_CHANNEL(1), 65535);
	return ok;
}

static bool register_writes_show_in_sysfs(const struct bank *a, const struct bank *b)
{
	bool ok = true;

	reg_write(a, REG_SCRATCH, 0xfeedf00d);
	reg_write(a, REG_CONTROL, 3 << CONTROL_MODE_SHIFT);
	reg_write(a, REG_CHANNEL(0), 1);
	reg_write(a, REG_CHANNEL(1), 2);
	reg_write(a, REG_CHANNEL(2), 3);
	reg_write(b, REG_SCRATCH, 0x00c0ffee);
	reg_write(b, REG_CONTROL, 1 << CONTROL_MODE_SHIFT | CONTROL_ENABLE);
	reg_write(b, REG_CHANNEL(0), 4);
	reg_write(b, REG_CHANNEL(1), 5);

	ok = sysfs_is(ok, a, "scratch", "0xfeedf00d");
	ok = sysfs_is(ok, a, "mode", "3");
	ok = sysfs_is(ok, a, "enable", "0");
	ok = sysfs_is(ok, a, "channels", "1 2 3");
	ok = sysfs_is(ok, b, "scratch", "0x00c0ffee");
	ok = sysfs_is(ok, b, "mode", "1");
	ok = sysfs_is(ok, b, "enable", "1");
	ok = sysfs_is(ok, b, "channels", "4 5");
	return ok;
}

/*
 * The enable and mode files change their field of CONTROL only, so they
 * must read the register from the device: bits set behind the driver's back
 * survive. Likewise a channels write stops at the bank's last channel.
 */
static bool field_writes_keep_other_bits(const struct bank *a)
{
	const uint32_t other_bits = 0xa5a5a500;
	bool ok = true;

	reg_write(a, REG_CONTROL, other_bits | 3 << CONTROL_MODE_SHIFT | CONTROL_ENABLE);
	reg_write(a, REG_CHANNEL(3), 0xdeadbeef);
	ok = sysfs_is(ok, a, "mode", "3");
	ok = sysfs_is(ok, a, "enable", "1");

	ok = sysfs_write(ok, a, "enable", "0");
	ok = reg_is(ok, a, REG_CONTROL, other_bits | 3 << CONTROL_MODE_SHIFT);
	ok = sysfs_write(ok, a, "mode", "2");
	ok = reg_is(ok, a, REG_CONTROL, other_bits | 2 << CONTROL_MODE_SHIFT);
	ok = sysfs_write(ok, a, "channels", "7 8 9");
	ok = reg_is(ok, a, REG_CHANNEL(2), 9);
	ok = reg_is(ok, a, REG_CHANNEL(3), 0xdeadbeef);

	reg_write(a, REG_CONTROL, 0);
	reg_write(a, REG_CHANNEL(3), 0);
	return ok;
}

/* Compares the whole register block, not what the driver reports of it. */
static bool rejected_writes_touch_no_register(const struct bank *a)
{
	static const struct {
		const char *attr, *value;
		int error;
	} writes[] = {
		{ "scratch", "0x1ffffffff", ERANGE }, { "scratch", "-1", EINVAL },
		{ "enable", "2", EINVAL },	      { "mode", "6", ERANGE },
		{ "mode", "x", EINVAL },	      { "channels", "1 2", EINVAL },
		{ "channels", "101 0 0", ERANGE },
	};
	uint32_t before[BANK_REGS_SIZE / 4], value;
	bool ok = true;
	size_t i, j;
	int err;

	for (j = 0; j < BANK_REGS_SIZE / 4; j++)
		before[j] = reg_read(a, 4 * j);
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		err = attr_write(a, writes[i].attr, writes[i].value);
		ok = ktap_check(ok, err == -writes[i].error, "%s <- \"%s\": %d, expected %d",
				writes[i].attr, writes[i].value, err, -writes[i].error);
		for (j = 0; j < BANK_REGS_SIZE / 4; j++) {
			value = reg_read(a, 4 * j);
			ok = ktap_check(ok, value == before[j],
					"\"%s\" to %s changed register %#zx from %#x to %#x",
					writes[i].value, writes[i].attr, 4 * j, before[j], value);
		}
	}
	return ok;
}

/* While the bank is unbound no driver state exists that could hold a value. */
static bool registers_changed_while_unbound_show_after_bind(const struct bank *a)
{
	bool ok = true;
	int err;

	err = bank_unbind(a);
	ok = ktap_check(ok, err == 0 && !bank_bound(a), "unbind %s: %d", a->name, err);
	reg_write(a, REG_SCRATCH, 0x0b0e5ea1);
	reg_write(a, REG_CONTROL, 4 << CONTROL_MODE_SHIFT | CONTROL_ENABLE);
	reg_write(a, REG_CHANNEL(0), 10);
	reg_write(a, REG_CHANNEL(1), 20);
	reg_write(a, REG_CHANNEL(2), 30);
	err = bank_bind(a);
	ok = ktap_check(ok, err == 0 && bank_bound(a), "bind %s: %d", a->name, err);

	ok = sysfs_is(ok, a, "scratch", "0x0b0e5ea1");
	ok = sysfs_is(ok, a, "mode", "4");
	ok = sysfs_is(ok, a, "enable", "1");
	ok = sysfs_is(ok, a, "channels", "10 20 30");
	return ok;
}

static struct bank a = BANK_A, b = BANK_B;

/* Maps the windows of banks A and B, which must be bound. */
static bool map_bound_banks(void)
{
	void *map = MAP_FAILED;
	int fd;

	windows_phys = bank_window(a.index);
	/* O_SYNC: an uncached mapping, as befits device registers. */
	fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd >= 0) {
		map = mmap(NULL, WINDOWS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, windows_phys);
		close(fd);
	}
	if (map == MAP_FAILED) {
		ktap_diag("cannot map %#lx from /dev/mem: %s", windows_phys, strerror(errno));
		return false;
	}
	windows = map;
	if (!bank_find(&a) || !bank_find(&b) || !bank_bound(&a) || !bank_bound(&b)) {
		ktap_diag("banks A and B must be bound to run these cases");
		return false;
	}
	return true;
}

static bool sysfs_writes_reach_both(void)
{
	return sysfs_writes_reach_registers(&a, &b);
}

static bool register_writes_show_in_both(void)
{
	return register_writes_show_in_sysfs(&a, &b);
}

static bool field_writes_keep_other_bits_of_a(void)
{
	return field_writes_keep_other_bits(&a);
}

static bool rejected_writes_touch_nothing_of_a(void)
{
	return rejected_writes_touch_no_register(&a);
}

static bool changes_while_unbound_show(void)
{
	return registers_changed_while_unbound_show_after_bind(&a);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("sysfs writes are in each bank's registers, read through /dev/mem",
				sysfs_writes_reach_both),
		KTAP_CASE_NAMED("registers written through /dev/mem show in each bank's sysfs files",
				register_writes_show_in_both),
		KTAP_CASE_NAMED("enable/mode/channels writes keep register bits only the device knows",
				field_writes_keep_other_bits_of_a),
		KTAP_CASE_NAMED("rejected sysfs writes leave every register of the bank unchanged",
				rejected_writes_touch_nothing_of_a),
		KTAP_CASE_NAMED("registers changed while bank A is unbound show after binding it",
				changes_while_unbound_show),
		KTAP_CASE_NAMED("no kernel warning or bug reported", no_kernel_bug),
	};
	int status = ktap_run_after(map_bound_banks, cases, ARRAY_SIZE(cases));

	if (windows)
		munmap((void *)windows, WINDOWS_SIZE);
	return status;
}

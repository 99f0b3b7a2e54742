// SPDX-License-Identifier: GPL-2.0
/**
 * DOC: c_platform - platform driver for a firmware-described register bank
 *
 * The C twin of rust_platform, written as a platform driver of the kernel:
 * the same device, the same firmware properties with the same validation,
 * and the same sysfs files with the same formats, bounds and errors. It
 * matches its own ids, ACPI "RKMC0001" and OF "rkm,regbank-c", so that both
 * drivers can be loaded at once, each with banks of its own.
 *
 * The device
 * ----------
 *
 * A bank is a window of 32-bit little-endian MMIO registers:
 *
 * ============  ==========  ============================================
 * offset        name        fields
 * ============  ==========  ============================================
 * 0x00          SCRATCH     31:0 value, free for software
 * 0x04          CONTROL     7:4 mode, operating mode; 0 enable
 * 0x10 + 4 * n  CHANNEL[n]  31:0 level, output level of channel n (n < 8)
 * ============  ==========  ============================================
 *
 * The window must span at least the registers (0x30 bytes). The driver
 * keeps no copy of any register: every read goes to the device.
 *
 * Firmware properties
 * -------------------
 *
 * ==================  =========  ===================================  ==========
 * property            type       meaning                              if absent
 * ==================  =========  ===================================  ==========
 * label               string     name shown in label, not empty       device name
 * rkm,max-mode        u32        highest mode userspace may select,   3
 *                                at most 15
 * rkm,channel-limits  u32 array  upper limit of each channel, 1 to 8  probe fails
 *                                entries
 * ==================  =========  ===================================  ==========
 *
 * A missing required property, a property of the wrong type or an
 * out-of-range value makes probe fail with -EINVAL after one dev_err line
 * ("invalid firmware description: ..."), before the window is requested or
 * mapped; the properties are checked in the order of the table and the
 * first problem is reported. Device-tree binding example::
 *
 *	regbank@10000000 {
 *		compatible = "rkm,regbank-c";
 *		reg = <0x10000000 0x1000>;
 *		label = "bank-a";
 *		rkm,max-mode = <5>;
 *		rkm,channel-limits = <100 200 300>;
 *	};
 *
 * ACPI describes the same with _HID "RKMC0001", a Memory32Fixed resource
 * in _CRS and the properties in a _DSD device-properties package;
 * vm/c_platform.dsl has six examples.
 *
 * The sysfs ABI
 * -------------
 *
 * Files in the device's directory (/sys/bus/platform/devices/<dev>/):
 *
 * ==============  ======  =================================================
 * file            access  content
 * ==============  ======  =================================================
 * label           ro      the firmware label, or the device name
 * scratch         rw      SCRATCH, shown as 0x%08x; written in decimal or
 *                         0x hex
 * enable          rw      CONTROL.enable, 0 or 1
 * mode            rw      CONTROL.mode, 0 to max_mode
 * max_mode        ro      rkm,max-mode (or its default)
 * channels        rw      all CHANNEL levels, space separated, read and
 *                         written at once
 * channel_limits  ro      rkm,channel-limits
 * ==============  ======  =================================================
 *
 * The grammar of writes is rust_platform's, which is stricter than
 * kstrtouint() and kstrtobool(): the text must be UTF-8 (else -EINVAL) and
 * one trailing newline is dropped; a number is decimal or, after 0x or 0X,
 * hexadecimal, with no sign (so no octal either), and may be surrounded by
 * the ASCII whitespace space, \t, \n, \f and \r (not \v, which isspace()
 * also takes), which also separates the channel levels. Text that is not
 * such a number is -EINVAL, a number above U32_MAX -ERANGE; enable takes
 * only 0 and 1; a mode above max_mode is -ERANGE; channels takes one level
 * per channel, its words parsed in order (the first bad one decides, a
 * ninth word is -EINVAL), then a wrong number of levels is -EINVAL and a
 * level above its channel's limit -ERANGE. A rejected write touches no
 * register.
 *
 * label shows bytes that are not printable ASCII as \xNN. Reading it fails
 * with -EFBIG when the text, with its newline, does not fit in the
 * PAGE_SIZE - 1 bytes sysfs accepts from a show: with 4 KiB pages, for a
 * label of more than 4094 printable ASCII bytes (each other byte takes
 * four).
 *
 * Lifecycle
 * ---------
 *
 * Probe validates the properties, then requests and maps the window with
 * devm_platform_get_and_ioremap_resource() (-EBUSY if someone else owns
 * it). The driver core creates the files of c_platform_groups once probe
 * has succeeded and, on unbind, removes them (waiting for running readers
 * and writers) before the device-managed mapping and region are released.
 * Every register sequence of a file runs under the bank's mutex, so the
 * read-modify-write cycles of CONTROL and the channel updates appear atomic
 * to concurrent users.
 *
 * Where it differs from rust_platform, by the C API's doing:
 * devm_ioremap_resource() logs a line of its own when the window is busy,
 * fails a bank without a memory resource with -EINVAL (rust_platform:
 * -ENODEV), and names its claim in /proc/iomem "<device> <resource>", the
 * device's name twice (rust_platform's claim has the resource's name, which
 * is the device's). rust_platform's -ENODEV for a revoked window has no
 * counterpart: the files are gone before the mapping is.
 */

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/string_helpers.h>
#include <linux/sysfs.h>

#include "parse.h"

#define C_PLATFORM_SCRATCH		0x00
#define C_PLATFORM_CONTROL		0x04
#define C_PLATFORM_CONTROL_MODE		GENMASK(7, 4)
#define C_PLATFORM_CONTROL_ENABLE	BIT(0)
#define C_PLATFORM_CHANNEL(n)		(0x10 + 4 * (n))

#define C_PLATFORM_MAX_CHANNELS		8
/* Bytes the registers span: up to the end of the last CHANNEL */
#define C_PLATFORM_WINDOW_SIZE		C_PLATFORM_CHANNEL(C_PLATFORM_MAX_CHANNELS)

/* Highest mode if the firmware gives no rkm,max-mode */
#define C_PLATFORM_DEFAULT_MAX_MODE	3
/* Highest mode the 4-bit CONTROL.mode field holds */
#define C_PLATFORM_MODE_FIELD_MAX	15

#define C_PLATFORM_PROP_LABEL		"label"
#define C_PLATFORM_PROP_MAX_MODE	"rkm,max-mode"
#define C_PLATFORM_PROP_CHANNEL_LIMITS	"rkm,channel-limits"

/**
 * struct c_platform_bank - one bound register bank
 * @regs: the mapped window
 * @lock: serialises the register sequences of the sysfs files
 * @label: the firmware label or the device name; lives as long as the device
 * @max_mode: highest mode userspace may select, at most 15
 * @limits: upper limit of each implemented channel
 * @channels: number of implemented channels, 1 to 8
 */
struct c_platform_bank {
	void __iomem *regs;
	struct mutex lock;	/* serialises the register sequences */
	const char *label;
	u32 max_mode;
	u32 limits[C_PLATFORM_MAX_CHANNELS];
	unsigned int channels;
};

/* -------- firmware description -------- */

/**
 * c_platform_read_config - read and validate the firmware properties
 * @dev: the device being probed
 * @bank: where the configuration goes
 *
 * Return: 0, or -EINVAL after one dev_err line naming the first problem.
 */
static int c_platform_read_config(struct device *dev, struct c_platform_bank *bank)
{
	const char *name;
	int count;

	bank->label = dev_name(dev);
	name = C_PLATFORM_PROP_LABEL;
	if (device_property_present(dev, name)) {
		if (device_property_read_string(dev, name, &bank->label))
			goto wrong_type;
		if (!bank->label[0]) {
			dev_err(dev, "invalid firmware description: property '%s' is empty\n",
				name);
			return -EINVAL;
		}
	}

	bank->max_mode = C_PLATFORM_DEFAULT_MAX_MODE;
	name = C_PLATFORM_PROP_MAX_MODE;
	if (device_property_present(dev, name)) {
		if (device_property_read_u32(dev, name, &bank->max_mode))
			goto wrong_type;
		if (bank->max_mode > C_PLATFORM_MODE_FIELD_MAX) {
			dev_err(dev,
				"invalid firmware description: property '%s' is %u, must be at most %u\n",
				name, bank->max_mode, C_PLATFORM_MODE_FIELD_MAX);
			return -EINVAL;
		}
	}

	/* The entries are counted before they are read. */
	name = C_PLATFORM_PROP_CHANNEL_LIMITS;
	if (!device_property_present(dev, name)) {
		dev_err(dev, "invalid firmware description: required property '%s' is missing\n",
			name);
		return -EINVAL;
	}
	count = device_property_count_u32(dev, name);
	if (count < 0)
		goto wrong_type;
	if (count < 1 || count > C_PLATFORM_MAX_CHANNELS) {
		dev_err(dev,
			"invalid firmware description: property '%s' has %d entries, must have 1 to %d\n",
			name, count, C_PLATFORM_MAX_CHANNELS);
		return -EINVAL;
	}
	if (device_property_read_u32_array(dev, name, bank->limits, count))
		goto wrong_type;
	bank->channels = count;
	return 0;

wrong_type:
	dev_err(dev, "invalid firmware description: property '%s' has the wrong type\n", name);
	return -EINVAL;
}

/* The text parsing (c_platform_input(), c_platform_parse_u32(), ...) is in parse.c. */

/* -------- the sysfs files -------- */

static ssize_t label_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);
	int len;

	len = string_escape_mem(bank->label, strlen(bank->label), buf, PAGE_SIZE - 1,
				ESCAPE_HEX | ESCAPE_NAP, NULL);
	/* The newline must fit too, in the PAGE_SIZE - 1 bytes sysfs takes. */
	if (len > PAGE_SIZE - 2)
		return -EFBIG;
	buf[len++] = '\n';
	return len;
}
static DEVICE_ATTR_RO(label);

static ssize_t scratch_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);

	return sysfs_emit(buf, "0x%08x\n", readl(bank->regs + C_PLATFORM_SCRATCH));
}

static ssize_t scratch_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);
	size_t len = count;
	u32 value;
	int ret;

	ret = c_platform_input(buf, &len);
	if (ret)
		return ret;
	ret = c_platform_parse_u32(buf, len, &value);
	if (ret)
		return ret;

	guard(mutex)(&bank->lock);
	writel(value, bank->regs + C_PLATFORM_SCRATCH);
	return count;
}
static DEVICE_ATTR_RW(scratch);

static ssize_t enable_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);
	u32 control = readl(bank->regs + C_PLATFORM_CONTROL);

	return sysfs_emit(buf, "%u\n", (unsigned int)FIELD_GET(C_PLATFORM_CONTROL_ENABLE, control));
}

static ssize_t enable_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);
	size_t len = count;
	const char *word;
	u32 control;
	int ret;

	ret = c_platform_input(buf, &len);
	if (ret)
		return ret;
	word = c_platform_trim(buf, &len);
	if (len != 1 || (word[0] != '0' && word[0] != '1'))
		return -EINVAL;

	guard(mutex)(&bank->lock);
	control = readl(bank->regs + C_PLATFORM_CONTROL);
	FIELD_MODIFY(C_PLATFORM_CONTROL_ENABLE, &control, word[0] == '1');
	writel(control, bank->regs + C_PLATFORM_CONTROL);
	return count;
}
static DEVICE_ATTR_RW(enable);

static ssize_t mode_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);
	u32 control = readl(bank->regs + C_PLATFORM_CONTROL);

	return sysfs_emit(buf, "%u\n", (unsigned int)FIELD_GET(C_PLATFORM_CONTROL_MODE, control));
}

static ssize_t mode_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);
	size_t len = count;
	u32 mode, control;
	int ret;

	ret = c_platform_input(buf, &len);
	if (ret)
		return ret;
	ret = c_platform_parse_u32(buf, len, &mode);
	if (ret)
		return ret;
	/* max_mode <= 15, so the mode fits the field. */
	if (mode > bank->max_mode)
		return -ERANGE;

	guard(mutex)(&bank->lock);
	control = readl(bank->regs + C_PLATFORM_CONTROL);
	FIELD_MODIFY(C_PLATFORM_CONTROL_MODE, &control, mode);
	writel(control, bank->regs + C_PLATFORM_CONTROL);
	return count;
}
static DEVICE_ATTR_RW(mode);

static ssize_t max_mode_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", bank->max_mode);
}
static DEVICE_ATTR_RO(max_mode);

/* Shows values[0..n) space separated, with a newline. */
static ssize_t c_platform_show_list(char *buf, const u32 *values, unsigned int n)
{
	unsigned int i;
	int len = 0;

	for (i = 0; i < n; i++)
		len += sysfs_emit_at(buf, len, i ? " %u" : "%u", values[i]);
	return len + sysfs_emit_at(buf, len, "\n");
}

static ssize_t channels_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);
	u32 levels[C_PLATFORM_MAX_CHANNELS];
	unsigned int i;

	scoped_guard(mutex, &bank->lock) {
		for (i = 0; i < bank->channels; i++)
			levels[i] = readl(bank->regs + C_PLATFORM_CHANNEL(i));
	}
	return c_platform_show_list(buf, levels, bank->channels);
}

static ssize_t channels_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);
	u32 levels[C_PLATFORM_MAX_CHANNELS];
	size_t len = count, at = 0, end;
	unsigned int n = 0, i;
	int ret;

	ret = c_platform_input(buf, &len);
	if (ret)
		return ret;
	for (;;) {
		while (at < len && c_platform_is_space(buf[at]))
			at++;
		if (at == len)
			break;
		for (end = at; end < len && !c_platform_is_space(buf[end]); end++)
			;
		if (n == C_PLATFORM_MAX_CHANNELS)
			return -EINVAL;
		ret = c_platform_parse_u32(buf + at, end - at, &levels[n]);
		if (ret)
			return ret;
		n++;
		at = end;
	}
	if (n != bank->channels)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (levels[i] > bank->limits[i])
			return -ERANGE;

	guard(mutex)(&bank->lock);
	for (i = 0; i < n; i++)
		writel(levels[i], bank->regs + C_PLATFORM_CHANNEL(i));
	return count;
}
static DEVICE_ATTR_RW(channels);

static ssize_t channel_limits_show(struct device *dev, struct device_attribute *attr,
				   char *buf)
{
	struct c_platform_bank *bank = dev_get_drvdata(dev);

	return c_platform_show_list(buf, bank->limits, bank->channels);
}
static DEVICE_ATTR_RO(channel_limits);

static struct attribute *c_platform_attrs[] = {
	&dev_attr_label.attr,
	&dev_attr_scratch.attr,
	&dev_attr_enable.attr,
	&dev_attr_mode.attr,
	&dev_attr_max_mode.attr,
	&dev_attr_channels.attr,
	&dev_attr_channel_limits.attr,
	NULL
};
ATTRIBUTE_GROUPS(c_platform);

/* -------- the driver -------- */

static int c_platform_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct c_platform_bank *bank;
	struct resource *res;
	int ret;

	bank = devm_kzalloc(dev, sizeof(*bank), GFP_KERNEL);
	if (!bank)
		return -ENOMEM;

	ret = c_platform_read_config(dev, bank);
	if (ret)
		return ret;

	bank->regs = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(bank->regs))
		return PTR_ERR(bank->regs);
	/* As rust_platform: a window too small (or unaligned) for the registers, no log line */
	if (resource_size(res) < C_PLATFORM_WINDOW_SIZE || !IS_ALIGNED(res->start, 4) ||
	    !IS_ALIGNED(resource_size(res), 4))
		return -EINVAL;

	ret = devm_mutex_init(dev, &bank->lock);
	if (ret)
		return ret;

	platform_set_drvdata(pdev, bank);
	dev_dbg(dev, "bank '%s': %u channels, modes 0 to %u\n", bank->label, bank->channels,
		bank->max_mode);
	return 0;
}

static const struct of_device_id c_platform_of_ids[] = {
	{ .compatible = "rkm,regbank-c" },
	{ }
};
MODULE_DEVICE_TABLE(of, c_platform_of_ids);

static const struct acpi_device_id c_platform_acpi_ids[] = {
	{ .id = "RKMC0001" },
	{ }
};
MODULE_DEVICE_TABLE(acpi, c_platform_acpi_ids);

static struct platform_driver c_platform_driver = {
	.probe = c_platform_probe,
	.driver = {
		.name = "c_platform",
		.of_match_table = c_platform_of_ids,
		.acpi_match_table = c_platform_acpi_ids,
		.dev_groups = c_platform_groups,
	},
};
module_platform_driver(c_platform_driver);

MODULE_AUTHOR("Rust kernel module collection contributors");
MODULE_DESCRIPTION("Platform driver for a firmware-described register bank");
MODULE_LICENSE("GPL");

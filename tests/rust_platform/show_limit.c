// SPDX-License-Identifier: GPL-2.0
/*
 * The limit of a sysfs show: sysfs accepts at most PAGE_SIZE - 1 bytes from
 * a show callback and WARNs ("OOB write or bad count") beyond that. The
 * label file of a bank shows the firmware label and a newline; the test VM
 * has two banks whose labels make that text exactly PAGE_SIZE - 1 bytes
 * (4094-byte label) and one byte more (4095-byte label). The first must read
 * back whole, in one read or in pieces, the second must fail with EFBIG, and
 * neither may make the kernel report anything.
 */
#include "ktap.h"
#include "bank.h"

#define TEXT_MAX 8192

/*
 * Reads attribute attr of b in reads of at most chunk bytes from one open
 * file; returns the length read or -errno of the first failed read.
 */
static int read_in_chunks(const struct bank *b, const char *attr, char *buf, size_t size,
			  size_t chunk)
{
	char path[512];
	size_t len = 0;
	ssize_t n;
	int fd, err;

	attr_path(b, attr, path, sizeof(path));
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	do {
		size_t want = size - 1 - len < chunk ? size - 1 - len : chunk;

		n = read(fd, buf + len, want);
		if (n < 0) {
			err = errno;
			close(fd);
			return -err;
		}
		len += n;
	} while (n > 0 && len < size - 1);
	close(fd);
	buf[len] = '\0';
	return (int)len;
}

/* True if text is the label pattern of len bytes followed by a newline. */
static bool is_label_text(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (text[i] != 'a' + (int)(i % 26))
			return false;
	return text[len] == '\n' && text[len + 1] == '\0';
}

static bool banks_bound(struct bank *fits, struct bank *too_long)
{
	bool ok = true;

	ok = ktap_check(ok, bank_find(fits), "no device for %s", fits->acpi_path);
	ok = ktap_check(ok, bank_find(too_long), "no device for %s", too_long->acpi_path);
	if (!ok)
		return false;
	ok = ktap_check(ok, bank_bound(fits), "%s not bound", fits->name);
	ok = ktap_check(ok, bank_bound(too_long), "%s not bound", too_long->name);
	return ok;
}

static bool longest_label_reads_whole(const struct bank *b)
{
	static char text[TEXT_MAX];
	static const size_t chunks[] = { TEXT_MAX, LABEL_FITS_LEN + 1, 1000, 1 };
	bool ok = true;
	size_t i;
	int n;

	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		n = read_in_chunks(b, "label", text, sizeof(text), chunks[i]);
		ok = ktap_check(ok, n == LABEL_FITS_LEN + 1,
				"reading %s/label in reads of %zu bytes: %d, expected %d bytes",
				b->name, chunks[i], n, LABEL_FITS_LEN + 1);
		ok = ktap_check(ok, n < 0 || is_label_text(text, LABEL_FITS_LEN),
				"%s/label is not the firmware label and a newline", b->name);
	}
	return ok;
}

static bool too_long_label_is_efbig(const struct bank *b)
{
	static char text[TEXT_MAX];
	bool ok = true;
	int n, i;

	/* Every read fails the same way: nothing is cut short. */
	for (i = 0; i < 3; i++) {
		n = read_in_chunks(b, "label", text, sizeof(text), TEXT_MAX);
		ok = ktap_check(ok, n == -EFBIG, "reading %s/label: %d, expected %d (EFBIG)",
				b->name, n, -EFBIG);
	}
	/* The bank itself works. */
	ok = ktap_check(ok, attr_write(b, "scratch", "0x600d") == 0, "writing %s/scratch", b->name);
	ok = ktap_check(ok, attr_is(b, "scratch", "0x0000600d"), "%s/scratch", b->name);
	ok = ktap_check(ok, attr_is(b, "channel_limits", "1"), "%s/channel_limits", b->name);
	return ok;
}

static struct bank fits = BANK_LABEL_FITS, too_long = BANK_LABEL_TOO_LONG;
static bool bound;
/* The kernel log's counts before the cases, to tell the reports they add. */
static int bugs_before, bad_count_before;

static bool count_reports(void)
{
	bugs_before = klog_bugs();
	bad_count_before = klog_count("bad count", NULL);
	return true;
}

static bool label_banks_bound(void)
{
	bound = banks_bound(&fits, &too_long);
	return bound;
}

static bool longest_label(void)
{
	return bound && longest_label_reads_whole(&fits);
}

static bool too_long_label(void)
{
	return bound && too_long_label_is_efbig(&too_long);
}

static bool no_new_report(void)
{
	int bugs = klog_bugs(), bad_count = klog_count("bad count", NULL);
	bool ok;

	ok = ktap_check(true, bugs_before >= 0 && bad_count_before >= 0 && bugs >= 0 &&
			bad_count >= 0, "cannot read the kernel log");
	ok = ktap_check(ok, bugs == bugs_before, "%d new kernel bug reports", bugs - bugs_before);
	ok = ktap_check(ok, bad_count == bad_count_before, "%d new \"bad count\" lines",
			bad_count - bad_count_before);
	return ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("both label-limit banks are bound", label_banks_bound),
		KTAP_CASE_NAMED("a show of PAGE_SIZE - 1 bytes reads back whole", longest_label),
		KTAP_CASE_NAMED("a show of PAGE_SIZE bytes fails with EFBIG", too_long_label),
		KTAP_CASE_NAMED("no kernel warning and no \"bad count\" report", no_new_report),
	};

	return ktap_run_after(count_reports, cases, ARRAY_SIZE(cases));
}

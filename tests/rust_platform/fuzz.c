// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input to every sysfs file of the rust_platform banks A and B:
 * random junk bytes, numbers that overflow, negative numbers, values with and
 * without a newline, non-ASCII text, writes longer than a page, empty writes
 * and writes to read-only files.
 *
 * A model of the documented grammar (modules/rust_platform/attributes.rs,
 * modules/common/sysfs.rs) predicts every outcome: the bytes accepted, or
 * EINVAL, ERANGE, or EACCES for opening a read-only file for writing. Rules
 * the model relies on:
 *  - sysfs hands store() at most one page and reports a longer write as a
 *    short one; an empty write never reaches store() and returns 0;
 *  - text that is not UTF-8 is EINVAL; one trailing newline is dropped;
 *  - numbers are decimal or 0x-hex, may be surrounded by ASCII whitespace
 *    (space, \t, \n, \f, \r; not \v, not Unicode spaces), have no sign;
 *    EINVAL if not such a number, ERANGE if it does not fit 32 bits;
 *  - enable is 0 or 1; mode above max_mode is ERANGE; channels takes one
 *    level per channel, separated by ASCII whitespace: words are parsed in
 *    order (the first bad one decides), a ninth word is EINVAL, then a wrong
 *    count is EINVAL and a level above its channel's limit ERANGE.
 *
 * 1. Sequential: each write's result must match the model, and afterwards
 *    every file of the bank must read back what the model holds, so a failed
 *    write provably changed nothing. The seed fixes the sequence of writes;
 *    a slow kernel (the debug flavour) runs a shorter prefix of it.
 * 2. Buffers the kernel cannot copy (NULL, unmapped, a kernel address):
 *    EFAULT for every read and write, and nothing changes.
 * 3. Concurrent, 8 threads: 5 hostile writers send only input the model
 *    rejects (or empty writes) to both banks, checking each errno, while one
 *    thread writes valid values to bank A and two read banks A and B. Bank
 *    A must always read consistently, bank B must never change, and both end
 *    as their valid writes left them.
 *
 * Neither phase may make the driver log anything or the kernel warn, and a
 * watchdog fails the run if it has not finished after a minute: a call hangs.
 *
 * The default seed is fixed ("# seed N" says which); RKM_SEED=N replays
 * another. "# stat fuzz_iterations=N" counts the calls on attribute files
 * (reads, writes and refused opens).
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#include "fuzz.h"
#include "ktap.h"
#include "bank.h"

#define DEFAULT_SEED 20261125ULL
/* Phase 1 stops after this many writes or seconds, phase 2 after its time. */
#define SEQUENTIAL_WRITES 10000
#define SEQUENTIAL_SECONDS 2.5
#define HOSTILE_THREADS 5
#define THREADS (HOSTILE_THREADS + 3)
#define CONCURRENT_SECONDS 1.5
#define WATCHDOG_SECONDS 60
#define MAX_CHANNELS 8
/* The longest write: three of the largest pages, so that it crosses a page boundary. */
#define INPUT_MAX (3 * 65536)
/* Bank A's scratch values in the concurrent phase all carry this tag. */
#define SCRATCH_TAG 0x5a5a0000

#define STRINGIFY(x) #x
#define TEXT(x) STRINGIFY(x)

enum attr_id { SCRATCH, ENABLE, MODE, CHANNELS, LABEL, MAX_MODE, CHANNEL_LIMITS, ATTRS };
#define WRITABLE_ATTRS 4	/* the read-write ones come first */

static const char *const attr_names[ATTRS] = {
	"scratch", "enable", "mode", "channels", "label", "max_mode", "channel_limits",
};

/* The register values of a bank as the model sees them. */
struct regs {
	uint32_t scratch;
	unsigned int enable;
	unsigned int mode;
	uint32_t levels[MAX_CHANNELS];
};

struct fuzz_bank {
	struct bank dev;
	unsigned int max_mode;
	uint32_t limits[MAX_CHANNELS];
	unsigned int channels;
	char ro_text[ATTRS][128];	/* read-only files, as read at the start */
};

static struct fuzz_bank banks[2] = { { .dev = BANK_A }, { .dev = BANK_B } };
static size_t page_size;
static long calls;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* -------- the model -------- */

/* Rust's u8::is_ascii_whitespace(): no \v. */
static bool ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Well-formed UTF-8 as Rust's str::from_utf8() requires it. */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	unsigned char lo, hi;

	while (i < n) {
		lo = 0x80;
		hi = 0xbf;
		if (s[i] < 0x80) {
			i++;
			continue;
		} else if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			len = 2;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			len = 3;
			lo = s[i] == 0xe0 ? 0xa0 : lo;	/* overlong */
			hi = s[i] == 0xed ? 0x9f : hi;	/* surrogates */
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			lo = s[i] == 0xf0 ? 0x90 : lo;	/* overlong */
			hi = s[i] == 0xf4 ? 0x8f : hi;	/* above U+10FFFF */
		} else {
			return false;
		}
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		i += len;
	}
	return true;
}

static int digit_value(unsigned char c, unsigned int radix)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (radix == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (radix == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* sysfs::parse::<u32>(): 0 and *value, or -EINVAL / -ERANGE. */
static int parse_u32(const unsigned char *s, size_t n, uint32_t *value)
{
	unsigned int radix = 10;
	bool overflow = false;
	uint64_t v = 0;
	size_t i;
	int d;

	while (n && ascii_space(s[0]))
		s++, n--;
	while (n && ascii_space(s[n - 1]))
		n--;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
		radix = 16;
	}
	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		d = digit_value(s[i], radix);
		if (d < 0)
			return -EINVAL;
		v = v * radix + d;
		if (v > UINT32_MAX) {
			overflow = true;
			v = UINT32_MAX + 1ULL;	/* keeps the product from wrapping */
		}
	}
	if (overflow)
		return -ERANGE;
	*value = (uint32_t)v;
	return 0;
}

/* The store() of the channels file. */
static int store_channels(const struct fuzz_bank *b, const unsigned char *s, size_t n,
			  struct regs *regs)
{
	uint32_t levels[MAX_CHANNELS];
	unsigned int count = 0, i;
	size_t start, end = 0;
	int err;

	for (;;) {
		for (start = end; start < n && ascii_space(s[start]); start++)
			;
		if (start == n)
			break;
		for (end = start; end < n && !ascii_space(s[end]); end++)
			;
		if (count == MAX_CHANNELS)
			return -EINVAL;
		err = parse_u32(s + start, end - start, &levels[count]);
		if (err)
			return err;
		count++;
	}
	if (count != b->channels)
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (levels[i] > b->limits[i])
			return -ERANGE;
	memcpy(regs->levels, levels, count * sizeof(levels[0]));
	return 0;
}

/*
 * What write(2) of s[0..len) to attr of b returns: the bytes taken or
 * -errno (-EACCES: opening the file for writing fails). On success the
 * write is applied to *regs.
 */
static long predict(const struct fuzz_bank *b, enum attr_id attr, const unsigned char *s,
		    size_t len, struct regs *regs)
{
	size_t taken = len < page_size ? len : page_size, n = taken;
	uint32_t value;
	int err = 0;

	if (attr >= WRITABLE_ATTRS)
		return -EACCES;
	if (!len)
		return 0;
	if (!utf8_valid(s, n))
		return -EINVAL;
	if (s[n - 1] == '\n')
		n--;

	switch (attr) {
	case SCRATCH:
		err = parse_u32(s, n, &value);
		if (!err)
			regs->scratch = value;
		break;
	case ENABLE:
		while (n && ascii_space(s[0]))
			s++, n--;
		while (n && ascii_space(s[n - 1]))
			n--;
		if (n == 1 && (s[0] == '0' || s[0] == '1'))
			regs->enable = s[0] - '0';
		else
			err = -EINVAL;
		break;
	case MODE:
		err = parse_u32(s, n, &value);
		if (!err && value > b->max_mode)
			err = -ERANGE;
		if (!err)
			regs->mode = value;
		break;
	default:
		err = store_channels(b, s, n, regs);
		break;
	}
	return err ? err : (long)taken;
}

/* The text attr of a bank with registers regs shows, without the newline. */
static void shown(const struct fuzz_bank *b, const struct regs *regs, enum attr_id attr,
		  char *out, size_t size)
{
	size_t used = 0;
	unsigned int i;

	switch (attr) {
	case SCRATCH:
		snprintf(out, size, "0x%08x", regs->scratch);
		break;
	case ENABLE:
		snprintf(out, size, "%u", regs->enable);
		break;
	case MODE:
		snprintf(out, size, "%u", regs->mode);
		break;
	case CHANNELS:
		out[0] = '\0';
		for (i = 0; i < b->channels && used < size; i++)
			used += snprintf(out + used, size - used, i ? " %u" : "%u",
					 regs->levels[i]);
		break;
	default:
		snprintf(out, size, "%s", b->ro_text[attr]);
		break;
	}
}

/* -------- inputs -------- */

/* A file to write to: a read-only one every eighth time, they all fail alike. */
static enum attr_id pick_attr(uint64_t *rng)
{
	if (rng_below(rng, 8))
		return rng_below(rng, WRITABLE_ATTRS);
	return WRITABLE_ATTRS + rng_below(rng, ATTRS - WRITABLE_ATTRS);
}

enum input_kind {
	JUNK, OVERFLOW, NEGATIVE, VALID, OUT_OF_RANGE, NON_ASCII, HUGE, EMPTY, WORD_COUNT, KINDS
};

static size_t put(unsigned char *out, size_t at, const char *text)
{
	size_t n = strlen(text);

	memcpy(out + at, text, n);
	return at + n;
}

/* Up to two random characters of the ASCII whitespace the driver ignores. */
static size_t put_spaces(uint64_t *rng, unsigned char *out, size_t at)
{
	static const char spaces[] = " \t\n\f\r";
	unsigned int i, n = rng_below(rng, 3);

	for (i = 0; i < n; i++)
		out[at++] = spaces[rng_below(rng, sizeof(spaces) - 1)];
	return at;
}

/* value in decimal or hex, sometimes with leading zeros. */
static size_t put_number(uint64_t *rng, unsigned char *out, size_t at, uint64_t value)
{
	char text[64];

	switch (rng_below(rng, 4)) {
	case 0:
		snprintf(text, sizeof(text), "0x%llx", (unsigned long long)value);
		break;
	case 1:
		snprintf(text, sizeof(text), "0X%08llX", (unsigned long long)value);
		break;
	case 2:
		snprintf(text, sizeof(text), "000%llu", (unsigned long long)value);
		break;
	default:
		snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
		break;
	}
	return put(out, at, text);
}

/* A number of 11 to 40 decimal or 9 to 20 hex digits: never fits 32 bits. */
static size_t put_overflow(uint64_t *rng, unsigned char *out, size_t at)
{
	unsigned int i, digits;

	if (rng_below(rng, 2)) {
		at = put(out, at, "0x");
		digits = 9 + rng_below(rng, 12);
		out[at++] = "123456789abcdef"[rng_below(rng, 15)];
		for (i = 1; i < digits; i++)
			out[at++] = "0123456789abcdefABCDEF"[rng_below(rng, 22)];
	} else {
		digits = 11 + rng_below(rng, 30);
		out[at++] = '1' + rng_below(rng, 9);
		for (i = 1; i < digits; i++)
			out[at++] = '0' + rng_below(rng, 10);
	}
	return at;
}

/* A value attr accepts (for mode and channels: within the firmware limits). */
static size_t put_valid(uint64_t *rng, const struct fuzz_bank *b, enum attr_id attr,
			unsigned char *out, size_t at)
{
	unsigned int i;

	switch (attr) {
	case SCRATCH:
		return put_number(rng, out, at, (uint32_t)rng_next(rng));
	case ENABLE:
		return put(out, at, rng_below(rng, 2) ? "1" : "0");
	case MODE:
		return put_number(rng, out, at, rng_below(rng, b->max_mode + 1));
	case CHANNELS:
		for (i = 0; i < b->channels; i++) {
			if (i)
				out[at++] = rng_below(rng, 4) ? ' ' : '\t';
			at = put_number(rng, out, at, rng_next(rng) % (b->limits[i] + 1ULL));
		}
		return at;
	default:
		/* Text a read-only file would show: still refused. */
		return put(out, at, b->ro_text[attr]);
	}
}

/* One input for attr of b; returns its length. */
static size_t make_input(uint64_t *rng, const struct fuzz_bank *b, enum attr_id attr,
			 enum input_kind kind, unsigned char *out)
{
	static const char alphabet[] = "0123456789abcdefxX+-. \t\n\r\f\v";
	static const char *const non_ascii[] = {
		"\xc2\xa0", "\xc2\x85", "\xe3\x80\x80", "\xe2\x80\xa8",	/* Unicode spaces */
		"\xd9\xa3", "\xef\xbc\x95",	/* Arabic-Indic and fullwidth digits */
		"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf5\x80\x80\x80", "\xe3\x80", "\xff",
	};
	size_t at = 0, len, page_end;
	unsigned int i, n;

	switch (kind) {
	case JUNK:
		n = 1 + rng_below(rng, 40);
		for (i = 0; i < n; i++)
			out[at++] = rng_below(rng, 2) ? alphabet[rng_below(rng, sizeof(alphabet) - 1)]
						  : (unsigned char)rng_below(rng, 256);
		return at;
	case OVERFLOW:
		at = put_spaces(rng, out, at);
		if (attr == CHANNELS) {
			n = rng_below(rng, b->channels);
			for (i = 0; i < b->channels; i++) {
				at = i ? put(out, at, " ") : at;
				at = i == n ? put_overflow(rng, out, at) : put(out, at, "1");
			}
		} else {
			at = put_overflow(rng, out, at);
		}
		return put_spaces(rng, out, at);
	case NEGATIVE:
		at = put(out, at, "-");
		return put_valid(rng, b, attr, out, at);
	case VALID:
		/* \v: ASCII whitespace to C's isspace(), but not to the driver. */
		at = rng_below(rng, 8) ? put_spaces(rng, out, at) : put(out, at, "\v");
		at = put_valid(rng, b, attr, out, at);
		at = put_spaces(rng, out, at);
		return rng_below(rng, 2) ? put(out, at, "\n") : at;
	case OUT_OF_RANGE:
		switch (attr) {
		case ENABLE:
			return put_number(rng, out, at, 2 + rng_below(rng, 1000));
		case MODE:
			return put_number(rng, out, at, b->max_mode + 1ULL + rng_below(rng, 1000));
		case CHANNELS:
			n = rng_below(rng, b->channels);
			for (i = 0; i < b->channels; i++) {
				at = i ? put(out, at, " ") : at;
				at = put_number(rng, out, at,
						b->limits[i] + (i == n ? 1ULL + rng_below(rng, 100) : 0));
			}
			return at;
		default:
			return put_overflow(rng, out, at);
		}
	case NON_ASCII:
		n = rng_below(rng, sizeof(non_ascii) / sizeof(non_ascii[0]));
		if (rng_below(rng, 2))
			at = put(out, at, non_ascii[n]);
		at = put_valid(rng, b, attr, out, at);
		return at == 0 || rng_below(rng, 2) ? put(out, at, non_ascii[n]) : at;
	case HUGE:
		/* Beyond the page by 2 or more bytes, for the cut character below. */
		len = page_size + 2 + rng_below(rng, 2 * page_size - 2);
		switch (rng_below(rng, 4)) {
		case 0:	/* digits all the way: no number that long fits */
			memset(out, '1', len);
			return len;
		case 1:	/* a value padded with spaces, cut at the page: accepted */
			at = put_valid(rng, b, attr, out, 0);
			memset(out + at, ' ', len - at);
			return len;
		case 2:	/* junk beyond the page store() sees */
			at = put_valid(rng, b, attr, out, 0);
			memset(out + at, ' ', page_size - at);
			for (i = page_size; i < len; i++)
				out[i] = (unsigned char)rng_below(rng, 256);
			return len;
		default:	/* a UTF-8 character cut in half by the page boundary */
			at = put_valid(rng, b, attr, out, 0);
			page_end = page_size - 1;
			memset(out + at, ' ', page_end - at);
			memcpy(out + page_end, "\xe3\x80\x80", 3);
			memset(out + page_end + 3, ' ', len - page_end - 3);
			return len;
		}
	case EMPTY:
		return 0;
	default:	/* WORD_COUNT: valid words, but how many */
		n = rng_below(rng, 13);
		for (i = 0; i < n; i++) {
			at = i ? put(out, at, " ") : at;
			at = put_number(rng, out, at, rng_below(rng, 11));
		}
		return at;
	}
}

/* Up to 60 bytes of s as a C string literal, for diagnostics. */
static const char *escaped(const unsigned char *s, size_t len, char *out, size_t size)
{
	size_t used = 0, i;

	for (i = 0; i < len && i < 60 && used + 8 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			out[used++] = s[i];
		else
			used += snprintf(out + used, size - used, "\\x%02x", s[i]);
	}
	snprintf(out + used, size - used, "%s (%zu bytes)", i < len ? "..." : "", len);
	return out;
}

/* -------- sysfs files -------- */

/* Open files of both banks, one set per thread, so that calls run in parallel. */
struct files {
	int fd[2][ATTRS];
};

static bool files_open(struct files *f)
{
	char path[512];
	int bank, attr;

	for (bank = 0; bank < 2; bank++) {
		for (attr = 0; attr < ATTRS; attr++) {
			attr_path(&banks[bank].dev, attr_names[attr], path, sizeof(path));
			f->fd[bank][attr] = open(path, attr < WRITABLE_ATTRS ? O_RDWR : O_RDONLY);
			if (f->fd[bank][attr] < 0)
				return false;
		}
	}
	return true;
}

static void files_close(struct files *f)
{
	int bank, attr;

	for (bank = 0; bank < 2; bank++)
		for (attr = 0; attr < ATTRS; attr++)
			close(f->fd[bank][attr]);
}

/* Reads a file without its newline; length or -errno. */
static long file_read(struct files *f, int bank, enum attr_id attr, char *buf, size_t size)
{
	ssize_t n;

	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	n = pread(f->fd[bank][attr], buf, size - 1, 0);
	if (n < 0)
		return -errno;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

/* Writes s[0..len) to a file as one write(2); bytes taken or -errno. */
static long file_write(struct files *f, int bank, enum attr_id attr, const unsigned char *s,
		       size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	if (attr >= WRITABLE_ATTRS) {
		/* Read-only files cannot even be opened for writing. */
		attr_path(&banks[bank].dev, attr_names[attr], path, sizeof(path));
		fd = open(path, O_WRONLY);
		if (fd < 0)
			return -errno;
		n = write(fd, s, len);
		close(fd);
		return n < 0 ? -errno : n;
	}
	n = pwrite(f->fd[bank][attr], s, len, 0);
	return n < 0 ? -errno : n;
}

/* Reads the registers of a bank through its files. */
static bool regs_read(struct files *f, int bank, struct regs *regs)
{
	char text[256], *p, *end;
	unsigned int i;

	if (file_read(f, bank, SCRATCH, text, sizeof(text)) < 0 ||
	    sscanf(text, "0x%x", &regs->scratch) != 1 ||
	    file_read(f, bank, ENABLE, text, sizeof(text)) < 0 ||
	    sscanf(text, "%u", &regs->enable) != 1 ||
	    file_read(f, bank, MODE, text, sizeof(text)) < 0 ||
	    sscanf(text, "%u", &regs->mode) != 1 ||
	    file_read(f, bank, CHANNELS, text, sizeof(text)) < 0)
		return false;
	p = text;
	for (i = 0; i < banks[bank].channels; i++) {
		regs->levels[i] = strtoul(p, &end, 10);
		if (end == p)
			return false;
		p = end;
	}
	return true;
}

/* -------- setup -------- */

static bool bank_setup(int index)
{
	struct fuzz_bank *b = &banks[index];
	char text[256], *p, *end;
	int attr;

	if (!bank_find(&b->dev) || !bank_bound(&b->dev))
		return false;
	for (attr = WRITABLE_ATTRS; attr < ATTRS; attr++)
		if (attr_read(&b->dev, attr_names[attr], b->ro_text[attr],
			      sizeof(b->ro_text[attr])) < 0)
			return false;
	b->max_mode = strtoul(b->ro_text[MAX_MODE], NULL, 10);
	snprintf(text, sizeof(text), "%s", b->ro_text[CHANNEL_LIMITS]);
	for (p = text, b->channels = 0; b->channels < MAX_CHANNELS; b->channels++, p = end) {
		b->limits[b->channels] = strtoul(p, &end, 10);
		if (end == p)
			break;
	}
	return b->channels > 0;
}

/* -------- the kernel log -------- */

static int kmsg_fd = -1;

/* Starts watching the kernel log: only records from now on are read. */
static void kmsg_start(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/* No record since kmsg_start() comes from the driver or reports a kernel bug. */
static bool kmsg_clean(void)
{
	const char *const suspects[] = {
		platform_driver(), platform_hid(), "BUG:", "WARNING:", "Oops",
		"general protection", "refcount_t:", "kernfs:", "sysfs:",
	};
	bool ok = ktap_check(true, kmsg_fd >= 0, "cannot read /dev/kmsg");
	char record[8192];
	ssize_t n;
	size_t i;

	while (kmsg_fd >= 0 && ((n = read(kmsg_fd, record, sizeof(record) - 1)) > 0 ||
				(n < 0 && errno == EPIPE))) {
		if (n < 0)
			continue;	/* records were overwritten: go on with the next */
		record[n] = '\0';
		record[strcspn(record, "\n")] = '\0';
		for (i = 0; i < sizeof(suspects) / sizeof(suspects[0]); i++)
			if (strstr(record, suspects[i]))
				break;
		if (i < sizeof(suspects) / sizeof(suspects[0]))
			ok = ktap_check(ok, false, "kernel log: %s", record);
		else
			ktap_diag("unrelated kernel log record: %s", record);
	}
	return ok;
}

/* -------- watchdog -------- */

static void watchdog_fired(int sig)
{
	static const char message[] =
		"# not finished after " TEXT(WATCHDOG_SECONDS) " s: a sysfs call hangs\n";

	(void)sig;
	if (write(STDOUT_FILENO, message, sizeof(message) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* -------- phase 1: sequential -------- */

static const char *const outcome_names[] = { "accepted", "EINVAL", "ERANGE", "EACCES", "empty" };

static int outcome(long result)
{
	switch (result) {
	case -EINVAL:
		return 1;
	case -ERANGE:
		return 2;
	case -EACCES:
		return 3;
	case 0:
		return 4;
	default:
		return 0;
	}
}

/* Every file of bank reads as the model says. */
static bool bank_matches(struct files *f, int bank, const struct regs *regs, const char *after)
{
	char expected[256], text[256];
	bool ok = true;
	int attr;

	for (attr = 0; attr < ATTRS; attr++) {
		shown(&banks[bank], regs, attr, expected, sizeof(expected));
		if (file_read(f, bank, attr, text, sizeof(text)) < 0)
			text[0] = '\0';
		ok = ktap_check(ok, !strcmp(text, expected), "after %s: %s/%s is \"%s\", expected \"%s\"",
				after, banks[bank].dev.name, attr_names[attr], text, expected);
	}
	return ok;
}

static bool sequential(uint64_t seed)
{
	static unsigned char input[INPUT_MAX];
	unsigned int outcomes[5] = { 0 };
	char shown_input[400], what[600];
	struct regs model[2];
	uint64_t rng = seed;
	int i, bank, attr, kind;
	double start = now();
	struct files f;
	long expected, result;
	bool ok = true;
	size_t len;

	ok = ktap_check(ok, files_open(&f), "opening the files of both banks");
	if (!ok)
		return false;
	for (bank = 0; bank < 2; bank++)
		ok = ktap_check(ok, regs_read(&f, bank, &model[bank]), "reading bank %d", bank);

	for (i = 0; ok && i < SEQUENTIAL_WRITES && now() - start < SEQUENTIAL_SECONDS; i++) {
		bank = rng_below(&rng, 2);
		attr = pick_attr(&rng);
		kind = rng_below(&rng, KINDS);
		len = make_input(&rng, &banks[bank], attr, kind, input);

		expected = predict(&banks[bank], attr, input, len, &model[bank]);
		result = file_write(&f, bank, attr, input, len);
		outcomes[outcome(result)]++;
		escaped(input, len, shown_input, sizeof(shown_input));
		snprintf(what, sizeof(what), "write %d of \"%s\" to %s", i, shown_input,
			 attr_names[attr]);
		ok = ktap_check(ok, result == expected, "%s/%s <- \"%s\": %ld, expected %ld",
				banks[bank].dev.name, attr_names[attr], shown_input, result,
				expected);
		ok = bank_matches(&f, bank, &model[bank], what) && ok;
	}
	files_close(&f);

	ktap_diag("sequential: %d writes in %.1f s%s: %u accepted, %u EINVAL, %u ERANGE, "
		  "%u EACCES, %u empty", i, now() - start, ok ? "" : " (stopped at a failure)",
		  outcomes[0], outcomes[1], outcomes[2], outcomes[3], outcomes[4]);
	/* The generator must have reached every outcome, or it tested less than it claims. */
	for (i = 0; ok && i < 5; i++)
		ok = ktap_check(ok, outcomes[i] > 0, "no write ended %s", outcome_names[i]);
	return ok;
}

/* -------- buffers the kernel cannot copy -------- */

/*
 * Each writable file of both banks, written from and read into NULL, an
 * unmapped page and a kernel address: EFAULT every time (sysfs copies the
 * user buffer before store() sees it, and show()'s text after), and no
 * register changes.
 */
static bool bad_buffers(void)
{
	void *unmapped = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *const bad[] = { NULL, unmapped, (void *)0xffff888000000000UL };
	struct regs before[2];
	struct files f;
	bool ok = true;
	int bank, attr;
	size_t i;
	ssize_t n;

	ok = ktap_check(ok, unmapped != MAP_FAILED, "mmap") &&
	     ktap_check(ok, files_open(&f), "opening the files of both banks");
	if (!ok)
		return false;
	for (bank = 0; bank < 2; bank++)
		ok = ktap_check(ok, regs_read(&f, bank, &before[bank]), "reading bank %d", bank);
	for (bank = 0; ok && bank < 2; bank++) {
		for (attr = 0; attr < WRITABLE_ATTRS; attr++) {
			for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
				__atomic_fetch_add(&calls, 2, __ATOMIC_RELAXED);
				n = pwrite(f.fd[bank][attr], bad[i], 4, 0);
				ok = ktap_check(ok, n < 0 && errno == EFAULT, "%s/%s <- %p: %zd",
						banks[bank].dev.name, attr_names[attr], bad[i], n);
				n = pread(f.fd[bank][attr], bad[i], 64, 0);
				ok = ktap_check(ok, n < 0 && errno == EFAULT, "%s/%s -> %p: %zd",
						banks[bank].dev.name, attr_names[attr], bad[i], n);
			}
		}
		ok = ok && bank_matches(&f, bank, &before[bank], "bad buffers");
	}
	files_close(&f);
	munmap(unmapped, page_size);
	return ok;
}

/* -------- phase 2: concurrent -------- */

struct worker {
	pthread_t thread;
	int index;
	uint64_t rng;
	double deadline;
	struct files files;
	long operations;
	char failure[400];
	/* The valid writer's last values. */
	struct regs last;
	unsigned char input[INPUT_MAX];
};

static struct regs bank_b_before;
static volatile int stop;

static void worker_fail(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void worker_fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->failure, sizeof(w->failure), fmt, ap);
	va_end(ap);
	stop = 1;
}

static bool worker_running(struct worker *w)
{
	return !stop && !w->failure[0] && now() < w->deadline;
}

/* Sends only input the model rejects, or empty writes, to both banks. */
static void hostile(struct worker *w)
{
	unsigned char *input = w->input;
	char shown_input[400];
	struct regs scratch_model = { 0 };
	long expected, result;
	int bank, attr;
	size_t len;

	while (worker_running(w)) {
		bank = rng_below(&w->rng, 2);
		attr = pick_attr(&w->rng);
		len = make_input(&w->rng, &banks[bank], attr, rng_below(&w->rng, KINDS), input);
		expected = predict(&banks[bank], attr, input, len, &scratch_model);
		if (expected > 0)
			continue;	/* accepted input would change what the others check */
		result = file_write(&w->files, bank, attr, input, len);
		w->operations++;
		if (result != expected)
			worker_fail(w, "%s/%s <- \"%s\": %ld, expected %ld", banks[bank].dev.name,
				    attr_names[attr], escaped(input, len, shown_input,
							      sizeof(shown_input)),
				    result, expected);
	}
}

/* The lowest channel limit of bank A: every channel accepts levels up to it. */
static uint32_t common_limit(void)
{
	uint32_t limit = UINT32_MAX;
	unsigned int i;

	for (i = 0; i < banks[0].channels; i++)
		limit = banks[0].limits[i] < limit ? banks[0].limits[i] : limit;
	return limit;
}

/* Valid writes to bank A: tagged scratch values, equal levels on every channel. */
static void valid_writer(struct worker *w)
{
	const struct fuzz_bank *a = &banks[0];
	unsigned char *input = w->input;
	unsigned int k, i;
	long result;
	size_t len;
	int attr;

	for (k = 0; worker_running(w); k++) {
		attr = k % WRITABLE_ATTRS;
		len = put_spaces(&w->rng, input, 0);
		switch (attr) {
		case SCRATCH:
			w->last.scratch = SCRATCH_TAG | (k & 0xffff);
			len = put_number(&w->rng, input, len, w->last.scratch);
			break;
		case ENABLE:
			w->last.enable = k / WRITABLE_ATTRS % 2;
			len = put(input, len, w->last.enable ? "1" : "0");
			break;
		case MODE:
			w->last.mode = k / WRITABLE_ATTRS % (a->max_mode + 1);
			len = put_number(&w->rng, input, len, w->last.mode);
			break;
		default:
			for (i = 0; i < a->channels; i++) {
				w->last.levels[i] = k / WRITABLE_ATTRS % (common_limit() + 1);
				len = put(input, len, i ? " " : "");
				len = put_number(&w->rng, input, len, w->last.levels[i]);
			}
			break;
		}
		len = rng_below(&w->rng, 2) ? put(input, len, "\n") : len;
		result = file_write(&w->files, 0, attr, input, len);
		w->operations++;
		if (result != (long)len)
			worker_fail(w, "valid write of \"%.*s\" to %s: %ld", (int)len, input,
				    attr_names[attr], result);
	}
}

/* Bank A always shows values the valid writer could have written. */
static void reader_a(struct worker *w)
{
	const struct fuzz_bank *a = &banks[0];
	struct regs regs;
	unsigned int i;

	while (worker_running(w)) {
		w->operations++;
		if (!regs_read(&w->files, 0, &regs)) {
			worker_fail(w, "reading bank A failed");
			return;
		}
		if ((regs.scratch & 0xffff0000u) != SCRATCH_TAG)
			worker_fail(w, "bank A scratch %#x lacks the tag", regs.scratch);
		if (regs.enable > 1 || regs.mode > a->max_mode)
			worker_fail(w, "bank A enable %u, mode %u", regs.enable, regs.mode);
		for (i = 0; i < a->channels; i++)
			if (regs.levels[i] != regs.levels[0] || regs.levels[i] > common_limit())
				worker_fail(w, "bank A channel %u is %u, channel 0 is %u", i,
					    regs.levels[i], regs.levels[0]);
	}
}

/* Bank B only gets rejected writes: it never changes. */
static void reader_b(struct worker *w)
{
	while (worker_running(w)) {
		w->operations++;
		if (!bank_matches(&w->files, 1, &bank_b_before, "a rejected write")) {
			worker_fail(w, "bank B changed (see above)");
			return;
		}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (w->index < HOSTILE_THREADS)
		hostile(w);
	else if (w->index == HOSTILE_THREADS)
		valid_writer(w);
	else if (w->index == HOSTILE_THREADS + 1)
		reader_a(w);
	else
		reader_b(w);
	return NULL;
}

static bool concurrent(uint64_t seed)
{
	static const char *const roles[] = { "hostile writer", "valid writer", "bank A reader",
					     "bank B reader" };
	static struct worker workers[THREADS];
	struct regs after, expected;
	struct worker *valid = &workers[HOSTILE_THREADS];
	char zero_levels[2 * MAX_CHANNELS] = "";
	double start;
	struct files f;
	bool ok = true;
	int i, opened, started = 0;

	for (i = 0; i < (int)banks[0].channels; i++)
		strcat(zero_levels, i ? " 0" : "0");

	ok = ktap_check(ok, files_open(&f), "opening the files of both banks");
	if (!ok)
		return false;
	/* Bank A starts as the valid writer could have left it: tagged, equal levels. */
	ok = ktap_check(ok, !attr_write(&banks[0].dev, "scratch", TEXT(SCRATCH_TAG)) &&
			!attr_write(&banks[0].dev, "channels", zero_levels) &&
			!attr_write(&banks[0].dev, "mode", "0") &&
			!attr_write(&banks[0].dev, "enable", "0"),
			"preparing bank A");
	ok = ktap_check(ok, regs_read(&f, 1, &bank_b_before), "reading bank B");
	ok = ktap_check(ok, regs_read(&f, 0, &valid->last), "reading bank A");
	if (!ok) {
		files_close(&f);
		return false;
	}

	/*
	 * Every thread's files first: opening them takes longer than the phase
	 * on the debug kernel, and the phase starts when the threads do.
	 */
	for (opened = 0; opened < THREADS; opened++) {
		struct worker *w = &workers[opened];

		w->index = opened;
		w->rng = seed ^ (0x51ed2701ULL * (opened + 1));
		if (!ktap_check(ok, files_open(&w->files), "opening files for thread %d", opened)) {
			ok = false;
			break;
		}
	}
	start = now();
	for (started = 0; ok && started < THREADS; started++) {
		struct worker *w = &workers[started];

		w->deadline = start + CONCURRENT_SECONDS;
		if (!ktap_check(ok, !pthread_create(&w->thread, NULL, worker_main, w),
				"starting thread %d", started)) {
			ok = false;
			stop = 1;
			break;
		}
	}
	for (i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	for (i = 0; i < opened; i++)
		files_close(&workers[i].files);
	ktap_diag("concurrent: %d threads for %.1f s", started, now() - start);
	for (i = 0; i < started; i++) {
		const char *role = roles[i < HOSTILE_THREADS ? 0 : i - HOSTILE_THREADS + 1];

		ktap_diag("  thread %d (%s): %ld operations", i, role, workers[i].operations);
		ok = ktap_check(ok, !workers[i].failure[0], "thread %d (%s): %s", i, role,
				workers[i].failure);
		ok = ktap_check(ok, workers[i].operations > 0, "thread %d (%s) did nothing", i,
				role);
	}

	/* Both banks end as their valid writes left them. */
	expected = valid->last;
	ok = ktap_check(ok, regs_read(&f, 0, &after), "reading bank A");
	ok = ktap_check(ok, after.scratch == expected.scratch && after.enable == expected.enable &&
			after.mode == expected.mode &&
			!memcmp(after.levels, expected.levels,
				banks[0].channels * sizeof(after.levels[0])),
			"bank A does not hold the last valid writes");
	ok = bank_matches(&f, 1, &bank_b_before, "the concurrent phase") && ok;
	files_close(&f);
	return ok;
}

int main(void)
{
	uint64_t seed;
	bool ready;

	ktap_plan(4);
	page_size = sysconf(_SC_PAGESIZE);
	if (!fuzz_seed(DEFAULT_SEED, &seed))
		return 1;
	signal(SIGALRM, watchdog_fired);
	alarm(WATCHDOG_SECONDS);

	ready = page_size <= INPUT_MAX / 3 && bank_setup(0) && bank_setup(1);
	if (!ready) {
		ktap_diag("banks A and B must be bound to run these cases");
		while (ktap_number < ktap_planned)
			ktap_result(false, "banks A and B bound");
		return ktap_finish();
	}

	kmsg_start();
	ktap_result(sequential(seed),
		    "each hostile write returns the documented result and changes nothing else");
	ktap_result(bad_buffers(), "NULL, unmapped and kernel buffers: EFAULT, nothing changes");
	ktap_result(concurrent(seed),
		    "8 threads of hostile, valid and reading calls: errnos as documented, state consistent");
	ktap_result(kmsg_clean(), "nothing from the driver and no kernel warning in the log");
	ktap_diag("stat fuzz_iterations=%ld", calls);
	return ktap_finish();
}

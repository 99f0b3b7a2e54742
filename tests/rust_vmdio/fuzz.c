// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input to every debugfs file of rust_vmdio: random bytes, numbers
 * that overflow, unknown and mis-cased mode names, ASCII and Unicode white
 * space,
 * text with and without a newline, writes longer than the module's buffer,
 * empty writes, NULL, unmapped and kernel-address buffers, writes to
 * read-only and reads of write-only files, random ioctl numbers.
 *
 * A model of the documented grammar (the module docs of
 * modules/rust_vmdio/rust_vmdio.rs) predicts every outcome:
 *  - a write of more than 128 bytes is EINVAL, as is text that is not
 *    UTF-8; the text is trimmed of ASCII white space (space, \t, \n, \f,
 *    \r: Rust's u8::is_ascii_whitespace, which leaves \v and every
 *    non-ASCII space in the text);
 *  - cable, attached and running take 0 or 1; partner and advertise mode
 *    names separated by ASCII white space, at least one of them a
 *    10/100/1000 mode; access_log takes "clear"; anything else is EINVAL;
 *  - advertise and running are ENODEV while the PHY is detached;
 *  - a buffer the kernel cannot read is EFAULT (a kernel address fails the
 *    VFS's access_ok() before any length check);
 *  - a read-only file rejects writes and the write-only one reads with
 *    EINVAL (the VFS: no such file operation); ioctls are ENOTTY.
 *
 * 1. Sequential: each call's result must match the model, and afterwards
 *    cable, partner, attached and running must read what the model holds,
 *    so a failed write provably changed nothing.
 * 2. Concurrent, 6 threads: 3 send only input the model rejects, checking
 *    each errno, one writes valid values to every file (ENODEV allowed
 *    where the model allows it, attach and detach included) and two read
 *    every file, checking its format. Afterwards a known state is set and
 *    read back.
 *
 * Neither phase may make the kernel warn or oops, and a watchdog fails the
 * run if it has not finished after a minute: a call hangs.
 *
 * The default seed is fixed ("# seed N" says which); RKM_SEED=N replays
 * another. "# stat fuzz_iterations=N" counts the calls on debugfs files.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "fuzz.h"
#include "ktap.h"
#include "vmdio.h"

#define DEFAULT_SEED 20261129ULL
#define SEQUENTIAL_CALLS 4000
#define SEQUENTIAL_SECONDS 2.5
#define CONCURRENT_SECONDS 1.5
#define HOSTILE_THREADS 3
#define THREADS (HOSTILE_THREADS + 3)
#define WATCHDOG_SECONDS 60
/* The module copies a write into a buffer this big (user_text()). */
#define WRITE_MAX 128
#define INPUT_MAX 512
/* A kernel address: user copies from it fail in access_ok(). */
#define KERNEL_ADDRESS ((void *)0xffff888000000000UL)

#define STRINGIFY(x) #x
#define TEXT(x) STRINGIFY(x)

enum file_id { CABLE, PARTNER, ADVERTISE, ATTACHED, RUNNING, LINK_IRQ, ACCESS_LOG, LINK,
	       LINK_EVENTS, REGISTERS, FILES };
#define WRITABLE_FILES 7	/* the writable ones come first */

static const char *const file_names[FILES] = {
	"cable", "partner", "advertise", "attached", "running", "link_irq", "access_log",
	"link", "link_events", "registers",
};

/* link_irq's values, by the model's number: 0 the MAC's interrupt, 1 polling. */
static const char *const link_irq_names[] = { "mac", "poll" };

/* Mode names in the order of the bits of a mode set; the first six are 10/100/1000. */
static const char *const mode_names[] = {
	"10half", "10full", "100half", "100full", "1000half", "1000full", "pause", "asym_pause",
};
#define MODES 8
#define BASET_MODES 0x3f
#define ALL_MODES 0xff

/* What the files that can be read back hold, as the model sees it. */
struct fixture_state {
	unsigned int cable, attached, running, partner, polled;
};

static struct fixture_state model;
static long calls;
static void *unmapped;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* -------- the model -------- */

/*
 * Decodes one UTF-8 sequence as Rust's str::from_utf8 accepts it; returns
 * its length, or 0 if it is not valid UTF-8.
 */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;

	if (s[0] < 0x80)
		len = 1;
	else if ((s[0] & 0xe0) == 0xc0)
		len = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	*cp = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min[len] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* ASCII white space, what Rust's u8::is_ascii_whitespace() tests (not \v). */
static bool ascii_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\f' || cp == '\r';
}

/* Splits UTF-8 text into words at ASCII white space; false if it is not UTF-8. */
static bool words_of(const unsigned char *s, size_t n, char words[][WRITE_MAX + 1],
		     size_t *count, size_t max)
{
	size_t at = 0, len, word_len = 0;
	uint32_t cp;

	*count = 0;
	while (at < n) {
		len = utf8_char(s + at, n - at, &cp);
		if (!len)
			return false;
		if (ascii_space(cp)) {
			word_len = 0;
		} else {
			if (!word_len && *count < max)
				(*count)++;
			if (*count <= max) {
				memcpy(words[*count - 1] + word_len, s + at, len);
				word_len += len;
				words[*count - 1][word_len] = '\0';
			}
		}
		at += len;
	}
	return true;
}

/* The mode set a list of names stands for, or -1 if the list is invalid (EINVAL). */
static int modes_of(char words[][WRITE_MAX + 1], size_t count)
{
	int modes = 0, m;
	size_t i;

	for (i = 0; i < count; i++) {
		for (m = 0; m < MODES && strcmp(words[i], mode_names[m]); m++)
			;
		if (m == MODES)
			return -1;
		modes |= 1 << m;
	}
	return modes & BASET_MODES ? modes : -1;
}

/*
 * The result of writing @n bytes of @s to @file (0 or -errno) with the
 * model in @state, which it updates on success.
 */
static int predict_write(struct fixture_state *state, enum file_id file,
			 const unsigned char *s, size_t n)
{
	char words[WRITE_MAX / 2 + 1][WRITE_MAX + 1];
	size_t count;
	int value = -1;

	if (file >= WRITABLE_FILES || n > WRITE_MAX ||
	    !words_of(s, n, words, &count, WRITE_MAX / 2 + 1))
		return -EINVAL;
	switch (file) {
	case PARTNER:
	case ADVERTISE:
		value = modes_of(words, count);
		break;
	case ACCESS_LOG:
		return count == 1 && !strcmp(words[0], "clear") ? 0 : -EINVAL;
	case LINK_IRQ:
		if (count == 1 && !strcmp(words[0], "mac"))
			value = 0;
		else if (count == 1 && !strcmp(words[0], "poll"))
			value = 1;
		break;
	default:
		if (count == 1 && (!strcmp(words[0], "0") || !strcmp(words[0], "1")))
			value = words[0][0] - '0';
		break;
	}
	if (value < 0)
		return -EINVAL;
	if ((file == ADVERTISE || file == RUNNING) && !state->attached)
		return -ENODEV;
	if (file == LINK_IRQ && state->attached)
		return -EBUSY;
	switch (file) {
	case CABLE:
		state->cable = value;
		break;
	case PARTNER:
		state->partner = value;
		break;
	case ATTACHED:
		/* A new attachment starts with the state machine stopped. */
		if (value != (int)state->attached)
			state->running = 0;
		state->attached = value;
		break;
	case RUNNING:
		state->running = value;
		break;
	case LINK_IRQ:
		state->polled = value;
		break;
	default:
		break;
	}
	return 0;
}

/* -------- input -------- */

static const char *const spaces[] = {
	" ", "\t", "\n", "\v", "\f", "\r", "\xc2\xa0", "\xe2\x80\x83", "\xe3\x80\x80",
	/* Not white space: U+200B zero width space, U+001C. */
	"\xe2\x80\x8b", "\x1c",
};

static size_t put(unsigned char *out, size_t at, const char *text)
{
	size_t len = strlen(text);

	if (at + len > INPUT_MAX)
		return at;
	memcpy(out + at, text, len);
	return at + len;
}

static size_t put_space(uint64_t *rng, unsigned char *out, size_t at)
{
	return put(out, at, spaces[rng_below(rng, sizeof(spaces) / sizeof(spaces[0]))]);
}

/* A value in the file's grammar, or close to it. */
static size_t put_value(uint64_t *rng, enum file_id file, unsigned char *out, size_t at)
{
	static const char *const near_bools[] = {
		"2", "-1", "00", "01", "0x1", "1 1", "true", "18446744073709551616", "+1", "٣",
	};
	static const char *const near_modes[] = {
		"100Full", "1000ful", "10 half", "10gig", "pause,", "asym-pause", "",
	};
	static const char *const near_link_irqs[] = { "Mac", "polled", "irq", "mac poll", "1" };
	unsigned int words, i;

	switch (file) {
	case PARTNER:
	case ADVERTISE:
		words = rng_below(rng, 4);
		for (i = 0; i <= words; i++) {
			if (i)
				at = put_space(rng, out, at);
			at = put(out, at, rng_below(rng, 8) ? mode_names[rng_below(rng, MODES)] :
				 near_modes[rng_below(rng, sizeof(near_modes) / sizeof(near_modes[0]))]);
		}
		return at;
	case ACCESS_LOG:
		return put(out, at, rng_below(rng, 4) ? "clear" : "Clear");
	case LINK_IRQ:
		return put(out, at, rng_below(rng, 3) ? link_irq_names[rng_below(rng, 2)] :
			   near_link_irqs[rng_below(rng, sizeof(near_link_irqs) /
						   sizeof(near_link_irqs[0]))]);
	default:
		return put(out, at, rng_below(rng, 3) ? (rng_below(rng, 2) ? "1" : "0") :
			   near_bools[rng_below(rng, sizeof(near_bools) / sizeof(near_bools[0]))]);
	}
}

/* Fills @out with a write for @file; returns its length. */
static size_t make_input(uint64_t *rng, enum file_id file, unsigned char *out)
{
	size_t at = 0, len, i;

	switch (rng_below(rng, 8)) {
	case 0:		/* random bytes */
		len = rng_below(rng, 2 * WRITE_MAX);
		for (i = 0; i < len; i++)
			out[i] = (unsigned char)rng_next(rng);
		return len;
	case 1:		/* longer than the module's buffer */
		len = WRITE_MAX + 1 + rng_below(rng, INPUT_MAX - WRITE_MAX - 1);
		memset(out, ' ', len);
		put_value(rng, file, out, 0);
		return len;
	case 2:		/* empty */
		return 0;
	default:	/* a value with white space around it, or none */
		while (rng_below(rng, 3) == 0)
			at = put_space(rng, out, at);
		at = put_value(rng, file, out, at);
		while (rng_below(rng, 2) == 0)
			at = put_space(rng, out, at);
		if (rng_below(rng, 2))
			at = put(out, at, "\n");
		return at;
	}
}

/* -------- calls -------- */

/* Opens @file of the fixture for the one call about to be counted; the fd or -errno. */
static int open_for_call(enum file_id file, int flags)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), VMDIO_DEBUGFS "/%s", file_names[file]);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	return fd;
}

/* Closes @fd and returns @result, or -errno of the call when it failed (@result < 0). */
static long close_after_call(int fd, long result)
{
	int err = errno;

	close(fd);
	return result < 0 ? -err : result;
}

/* One write(2) of @len bytes from @buf to @file; 0 or -errno. */
static int write_call(enum file_id file, const void *buf, size_t len)
{
	int fd = open_for_call(file, O_WRONLY);
	long n;

	if (fd < 0)
		return fd;
	n = close_after_call(fd, write(fd, buf, len));
	return n < 0 ? (int)n : (size_t)n == len ? 0 : -EIO;
}

/* One read(2) of up to @len bytes of @file into @buf; the length or -errno. */
static long read_call(enum file_id file, void *buf, size_t len)
{
	int fd = open_for_call(file, O_RDONLY);

	return fd < 0 ? fd : close_after_call(fd, read(fd, buf, len));
}

static long ioctl_call(enum file_id file, unsigned long request)
{
	char arg[64] = "";
	int fd = open_for_call(file, O_RDWR);

	return fd < 0 ? fd : close_after_call(fd, ioctl(fd, request, arg));
}

static const char *escaped(const unsigned char *s, size_t len, char *out, size_t size)
{
	size_t at = 0, i;

	for (i = 0; i < len && at + 8 < size; i++)
		at += snprintf(out + at, size - at, s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' ?
			       "%c" : "\\x%02x", s[i]);
	if (i < len)
		snprintf(out + at, size - at, "... (%zu bytes)", len);
	return out;
}

/* -------- reading the state back -------- */

static unsigned int modes_read(const char *text)
{
	char words[WRITE_MAX / 2 + 1][WRITE_MAX + 1];
	size_t count;
	int modes;

	if (!words_of((const unsigned char *)text, strlen(text), words, &count, WRITE_MAX / 2 + 1))
		return ~0u;
	modes = modes_of(words, count);
	return modes < 0 ? ~0u : (unsigned int)modes;
}

static bool state_read(struct fixture_state *state)
{
	static const enum file_id state_files[] = { CABLE, PARTNER, ATTACHED, RUNNING, LINK_IRQ };
	char text[5][256];
	long n;
	int i;

	for (i = 0; i < 5; i++) {
		n = read_call(state_files[i], text[i], sizeof(text[i]) - 1);
		if (n < 0)
			return false;
		text[i][n] = '\0';
	}
	state->cable = strcmp(text[0], "0\n") ? strcmp(text[0], "1\n") ? 9 : 1 : 0;
	state->partner = modes_read(text[1]);
	state->attached = strcmp(text[2], "0\n") ? strcmp(text[2], "1\n") ? 9 : 1 : 0;
	state->running = strcmp(text[3], "0\n") ? strcmp(text[3], "1\n") ? 9 : 1 : 0;
	state->polled = strcmp(text[4], "mac\n") ? strcmp(text[4], "poll\n") ? 9 : 1 : 0;
	return true;
}

static bool state_matches(const struct fixture_state *expected, const char *after)
{
	struct fixture_state seen;

	if (!state_read(&seen)) {
		ktap_diag("after %s: reading the state back: %s", after, strerror(errno));
		return false;
	}
	if (!memcmp(&seen, expected, sizeof(seen)))
		return true;
	ktap_diag("after %s: cable %u attached %u running %u partner %#x polled %u, "
		  "model: %u %u %u %#x %u", after, seen.cable, seen.attached, seen.running,
		  seen.partner, seen.polled, expected->cable, expected->attached, expected->running,
		  expected->partner, expected->polled);
	return false;
}

/* Sets a known state and makes the model hold it. */
static bool state_reset(void)
{
	static const struct { enum file_id file; const char *text; } steps[] = {
		{ ATTACHED, "0" }, { LINK_IRQ, "mac" }, { ATTACHED, "1" }, { RUNNING, "1" },
		{ CABLE, "1" },
		{ PARTNER, "10half 10full 100half 100full 1000half 1000full" },
		{ ADVERTISE, "10half 10full 100half 100full 1000half 1000full" },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		ret = write_call(steps[i].file, steps[i].text, strlen(steps[i].text));
		if (ret) {
			ktap_diag("%s <- %s: %s", file_names[steps[i].file], steps[i].text,
				  strerror(-ret));
			return false;
		}
	}
	model = (struct fixture_state){ .cable = 1, .attached = 1, .running = 1,
					.partner = BASET_MODES };
	return state_matches(&model, "setting a known state");
}

/* -------- hostile calls whose outcome does not depend on the state -------- */

/*
 * One call the model rejects whatever the state: returns false, with a
 * diagnostic, if it did not fail with the predicted error.
 */
static bool hostile_call(uint64_t *rng)
{
	enum file_id file = rng_below(rng, FILES);
	unsigned char input[INPUT_MAX];
	struct fixture_state scratch = { 0 };
	char text[64], shown[INPUT_MAX * 4 + 32];
	long expected, result;
	size_t len;

	switch (rng_below(rng, 6)) {
	case 0:		/* a buffer the kernel cannot read */
		if (file >= WRITABLE_FILES)
			file = CABLE;
		len = 1 + rng_below(rng, WRITE_MAX);
		switch (rng_below(rng, 3)) {
		case 0:
			result = write_call(file, NULL, len);
			break;
		case 1:
			result = write_call(file, unmapped, len);
			break;
		default:
			result = write_call(file, KERNEL_ADDRESS, len + rng_below(rng, 1 << 20));
			break;
		}
		snprintf(shown, sizeof(shown), "a write of %zu bytes from a bad buffer", len);
		expected = -EFAULT;
		break;
	case 1:		/* a buffer the kernel cannot write */
		file = rng_below(rng, 2) ? CABLE : ATTACHED;
		result = read_call(file, rng_below(rng, 2) ? NULL : KERNEL_ADDRESS, 64);
		snprintf(shown, sizeof(shown), "a read into a bad buffer");
		expected = -EFAULT;
		break;
	case 2:		/* a huge length: clamped by the VFS, too long for the module */
		file = rng_below(rng, WRITABLE_FILES);
		/* From the program's data, low enough that the range stays in user space. */
		result = write_call(file, mode_names, 1UL << (32 + rng_below(rng, 8)));
		snprintf(shown, sizeof(shown), "a write of 2^32 bytes or more");
		expected = -EINVAL;
		break;
	case 3:		/* the wrong direction */
		if (file < WRITABLE_FILES && file != ADVERTISE) {
			file = LINK + rng_below(rng, FILES - LINK);
			result = write_call(file, "1", 1);
			snprintf(shown, sizeof(shown), "a write to a read-only file");
		} else {
			file = ADVERTISE;
			result = read_call(file, text, sizeof(text));
			snprintf(shown, sizeof(shown), "a read of the write-only file");
		}
		expected = -EINVAL;
		break;
	case 4:		/* an ioctl */
		result = ioctl_call(file, (unsigned long)rng_next(rng) & 0xffffffffUL);
		snprintf(shown, sizeof(shown), "a random ioctl");
		expected = -ENOTTY;
		break;
	default:	/* input the grammar rejects */
		file = rng_below(rng, WRITABLE_FILES);
		do
			len = make_input(rng, file, input);
		while (predict_write(&scratch, file, input, len) != -EINVAL);
		result = write_call(file, input, len);
		escaped(input, len, shown, sizeof(shown));
		expected = -EINVAL;
		break;
	}
	if (result == expected)
		return true;
	ktap_diag("%s <- %s: %s, expected %s", file_names[file], shown,
		  result < 0 ? strerror(-result) : "accepted", strerror(-expected));
	return false;
}

/* -------- watchdog -------- */

static void watchdog_fired(int sig)
{
	static const char message[] =
		"# not finished after " TEXT(WATCHDOG_SECONDS) " s: a debugfs call hangs"
		" (the kernel log shows the blocked tasks)\n";
	int sysrq = open("/proc/sysrq-trigger", O_WRONLY);

	(void)sig;
	if (sysrq >= 0 && write(sysrq, "w", 1) < 0)
		_exit(2);
	if (write(STDOUT_FILENO, message, sizeof(message) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* -------- phase 1: sequential -------- */

static bool sequential(uint64_t seed)
{
	uint64_t rng = seed;
	unsigned char input[INPUT_MAX];
	char shown[INPUT_MAX * 4 + 32];
	struct fixture_state expected;
	int i, predicted, result, accepted = 0, rejected = 0;
	enum file_id file;
	double deadline = now() + SEQUENTIAL_SECONDS;
	size_t len;

	if (!state_reset())
		return false;
	for (i = 0; i < SEQUENTIAL_CALLS && now() < deadline; i++) {
		if (rng_below(&rng, 4) == 0) {
			if (!hostile_call(&rng))
				return false;
			rejected++;
			continue;
		}
		file = rng_below(&rng, WRITABLE_FILES);
		len = make_input(&rng, file, input);
		expected = model;
		predicted = predict_write(&expected, file, input, len);
		result = write_call(file, input, len);
		escaped(input, len, shown, sizeof(shown));
		if (result != predicted) {
			ktap_diag("call %d: %s <- \"%s\": %s, the model says %s", i,
				  file_names[file], shown, result ? strerror(-result) : "accepted",
				  predicted ? strerror(-predicted) : "accepted");
			return false;
		}
		if (!state_matches(&expected, shown))
			return false;
		model = expected;
		if (result)
			rejected++;
		else
			accepted++;
	}
	ktap_diag("sequential: %d calls, %d accepted, %d rejected as predicted", i, accepted,
		  rejected);
	return true;
}

/* -------- phase 2: concurrent -------- */

struct worker {
	pthread_t thread;
	uint64_t rng;
	void (*run)(struct worker *w);
	bool failed;
	long iterations;
};

static volatile int stop;

static void hostile_worker(struct worker *w)
{
	while (!stop && !w->failed) {
		w->failed = !hostile_call(&w->rng);
		w->iterations++;
	}
}

/*
 * Valid writes to every file; only ENODEV (detached), or EBUSY (attached)
 * for link_irq, may fail them.
 */
static void valid_writer(struct worker *w)
{
	struct fixture_state scratch;
	unsigned char input[INPUT_MAX];
	char shown[INPUT_MAX * 4 + 32];
	enum file_id file;
	size_t len;
	int ret;

	while (!stop && !w->failed) {
		file = rng_below(&w->rng, WRITABLE_FILES);
		/*
		 * Valid input for an attached PHY (a detached one for link_irq),
		 * whatever the other threads do.
		 */
		do {
			scratch = (struct fixture_state){ .attached = file != LINK_IRQ };
			len = make_input(&w->rng, file, input);
		} while (predict_write(&scratch, file, input, len) != 0);
		ret = write_call(file, input, len);
		if (ret && !(ret == -ENODEV && (file == ADVERTISE || file == RUNNING)) &&
		    !(ret == -EBUSY && file == LINK_IRQ)) {
			ktap_diag("%s <- \"%s\": %s", file_names[file],
				  escaped(input, len, shown, sizeof(shown)), strerror(-ret));
			w->failed = true;
		}
		w->iterations++;
	}
}

/* Every readable file reads in its format. */
static void reader(struct worker *w)
{
	static const enum file_id readable[] = { CABLE, PARTNER, ATTACHED, RUNNING, LINK_IRQ,
						 ACCESS_LOG, LINK, LINK_EVENTS, REGISTERS };
	char text[16384];
	enum file_id file;
	bool ok;
	long n;

	while (!stop && !w->failed) {
		file = readable[rng_below(&w->rng, sizeof(readable) / sizeof(readable[0]))];
		n = read_call(file, text, sizeof(text) - 1);
		ok = n >= 0;
		if (ok) {
			text[n] = '\0';
			if (file == CABLE || file == ATTACHED || file == RUNNING)
				ok = !strcmp(text, "0\n") || !strcmp(text, "1\n");
			else if (file == PARTNER)
				ok = modes_read(text) != ~0u;
			else if (file == LINK_IRQ)
				ok = !strcmp(text, "mac\n") || !strcmp(text, "poll\n");
			else if (file == LINK)
				ok = !strcmp(text, "down\n") || !strncmp(text, "up ", 3);
		}
		if (!ok) {
			ktap_diag("%s reads \"%s\" (%s)", file_names[file], n >= 0 ? text : "",
				  n < 0 ? strerror(-n) : "bad format");
			w->failed = true;
		}
		w->iterations++;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->run(w);
	return NULL;
}

static bool concurrent(uint64_t seed)
{
	struct worker workers[THREADS] = { 0 };
	long iterations[3] = { 0 };
	bool ok = true;
	int i;

	for (i = 0; i < THREADS; i++) {
		workers[i].rng = seed + 1 + i;
		workers[i].run = i < HOSTILE_THREADS ? hostile_worker :
				 i == HOSTILE_THREADS ? valid_writer : reader;
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i])) {
			ktap_diag("pthread_create: %s", strerror(errno));
			stop = 1;
			while (i--)
				pthread_join(workers[i].thread, NULL);
			return false;
		}
	}
	usleep(CONCURRENT_SECONDS * 1e6);
	stop = 1;
	for (i = 0; i < THREADS; i++) {
		pthread_join(workers[i].thread, NULL);
		ok = ktap_check(ok, !workers[i].failed, "worker %d failed", i);
		iterations[i < HOSTILE_THREADS ? 0 : i == HOSTILE_THREADS ? 1 : 2] +=
			workers[i].iterations;
	}
	ktap_diag("concurrent: %ld hostile, %ld valid writes, %ld reads", iterations[0],
		  iterations[1], iterations[2]);
	return ok && state_reset();
}

int main(void)
{
	int kmsg = kmsg_open();
	uint64_t seed;
	bool ok;

	ktap_plan(3);
	if (!fuzz_seed(DEFAULT_SEED, &seed))
		return 1;
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (unmapped == MAP_FAILED) {
		ktap_diag("mmap: %s", strerror(errno));
		return 1;
	}
	signal(SIGALRM, watchdog_fired);
	alarm(WATCHDOG_SECONDS);

	ktap_result(sequential(seed), "sequential hostile input matches the model");
	ktap_result(concurrent(seed), "concurrent hostile input is rejected, valid input works");
	/* The state the next test expects, whatever happened above. */
	ok = state_reset();
	ok = kmsg_clean(kmsg) && ok;
	ktap_result(ok, "kernel log clean");
	ktap_diag("stat fuzz_iterations=%ld", calls);
	return ktap_finish();
}

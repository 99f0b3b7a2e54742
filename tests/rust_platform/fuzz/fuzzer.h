/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of the rust_platform fuzzer (main.c) share: the run's
 * parameters, the attribute files it fuzzes, the registers behind them as
 * the model sees them, the two banks under test, the call counter and clock
 * every part uses, and each part's functions the others call.
 */
#ifndef RKM_TESTS_RUST_PLATFORM_FUZZ_FUZZER_H
#define RKM_TESTS_RUST_PLATFORM_FUZZ_FUZZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../bank.h"

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

/* Open files of both banks, one set per thread, so that calls run in parallel. */
struct files {
	int fd[2][ATTRS];
};

enum input_kind {
	JUNK, OVERFLOW, NEGATIVE, VALID, OUT_OF_RANGE, NON_ASCII, HUGE, EMPTY, WORD_COUNT, KINDS
};

/* The banks under test, the page size, the calls made so far (main.c). */
extern struct fuzz_bank banks[2];
extern size_t page_size;
extern long calls;

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* model.c: the documented grammar. */
long predict(const struct fuzz_bank *b, enum attr_id attr, const unsigned char *s, size_t len,
	     struct regs *regs);
void shown(const struct fuzz_bank *b, const struct regs *regs, enum attr_id attr, char *out,
	   size_t size);

/* inputs.c: the hostile inputs. */
enum attr_id pick_attr(uint64_t *rng);
size_t put(unsigned char *out, size_t at, const char *text);
size_t put_spaces(uint64_t *rng, unsigned char *out, size_t at);
size_t put_number(uint64_t *rng, unsigned char *out, size_t at, uint64_t value);
size_t make_input(uint64_t *rng, const struct fuzz_bank *b, enum attr_id attr,
		  enum input_kind kind, unsigned char *out);
const char *escaped(const unsigned char *s, size_t len, char *out, size_t size);

/* files.c: the calls on the files. */
bool files_open(struct files *f);
void files_close(struct files *f);
long file_write(struct files *f, int bank, enum attr_id attr, const unsigned char *s,
		size_t len);
bool regs_read(struct files *f, int bank, struct regs *regs);
bool bank_matches(struct files *f, int bank, const struct regs *regs, const char *after);
bool bank_setup(int index);

/* kmsg.c: the kernel log of the run. */
void kmsg_start(void);
bool kmsg_clean(void);

/* sequential.c and concurrent.c: the phases. */
bool sequential(uint64_t seed);
bool bad_buffers(void);
bool concurrent(uint64_t seed);

#endif /* RKM_TESTS_RUST_PLATFORM_FUZZ_FUZZER_H */

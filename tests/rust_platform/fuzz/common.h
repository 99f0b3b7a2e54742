/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_platform fuzzer (../fuzz.c): the run's parameters, the
 * attribute files it fuzzes, the registers behind them as the model sees
 * them, the two banks under test, and the call counter and clock every
 * piece uses.
 */
#ifndef RKM_TESTS_RUST_PLATFORM_FUZZ_COMMON_H
#define RKM_TESTS_RUST_PLATFORM_FUZZ_COMMON_H

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

static struct fuzz_bank banks[2] = { { .dev = BANK_A }, { .dev = BANK_B } };
static size_t page_size;
static long calls;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* RKM_TESTS_RUST_PLATFORM_FUZZ_COMMON_H */

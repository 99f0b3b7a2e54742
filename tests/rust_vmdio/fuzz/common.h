/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_vmdio fuzzer (../fuzz.c): the run's parameters, the
 * debugfs files it fuzzes, the mode names, the state of the fixture as the
 * model tracks it, and the call counter and clock every piece uses.
 */
#ifndef RKM_TESTS_RUST_VMDIO_FUZZ_COMMON_H
#define RKM_TESTS_RUST_VMDIO_FUZZ_COMMON_H

#include <stdint.h>
#include <time.h>

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

#endif /* RKM_TESTS_RUST_VMDIO_FUZZ_COMMON_H */

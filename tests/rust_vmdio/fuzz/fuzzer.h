/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of the rust_vmdio fuzzer (main.c) share: the run's
 * parameters, the debugfs files it fuzzes, the mode names, the state of the
 * fixture as the model tracks it, the call counter and clock every part
 * uses, and each part's functions the others call.
 */
#ifndef RKM_TESTS_RUST_VMDIO_FUZZ_FUZZER_H
#define RKM_TESTS_RUST_VMDIO_FUZZ_FUZZER_H

#include <stdbool.h>
#include <stddef.h>
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

/* The model's state, the calls made so far, a page no call may touch (main.c). */
extern struct fixture_state model;
extern long calls;
extern void *unmapped;

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* model.c: the documented grammar. */
bool words_of(const unsigned char *s, size_t n, char words[][WRITE_MAX + 1], size_t *count,
	      size_t max);
int modes_of(char words[][WRITE_MAX + 1], size_t count);
int predict_write(struct fixture_state *state, enum file_id file, const unsigned char *s,
		  size_t n);

/* inputs.c: the writes it sends. */
size_t make_input(uint64_t *rng, enum file_id file, unsigned char *out);

/* calls.c: the calls on the files. */
int write_call(enum file_id file, const void *buf, size_t len);
long read_call(enum file_id file, void *buf, size_t len);
long ioctl_call(enum file_id file, unsigned long request);
const char *escaped(const unsigned char *s, size_t len, char *out, size_t size);

/* state.c: the state read back, compared, set. */
unsigned int modes_read(const char *text);
bool state_matches(const struct fixture_state *expected, const char *after);
bool state_reset(void);

/* hostile.c: the calls rejected whatever the state. */
bool hostile_call(uint64_t *rng);

/* sequential.c and concurrent.c: the phases. */
bool sequential(uint64_t seed);
bool concurrent(uint64_t seed);

#endif /* RKM_TESTS_RUST_VMDIO_FUZZ_FUZZER_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * rust_edu against hostile input: a bounded, seeded random test of its
 * ioctls, read(2) and write(2). Requests are ours, ours with the wrong
 * number, size or direction, or random; arguments point at valid memory
 * with random contents, NULL, an unmapped page, a read-only page or kernel
 * memory. A model predicts each outcome from the ABI: the exact result of
 * a valid call (a factorial against the reference, raised bits read back),
 * the documented errno of every other, and counters unchanged by refusals.
 * Transfers take the device 100 ms each, so few valid ones are drawn.
 *
 * The seed is fixed and printed as "# seed N"; RKM_SEED=N replays another.
 */
#include "redu_test.h"

#include <sys/mman.h>

#include "fuzz.h"

#define DEFAULT_SEED		20261202
#define OPS			3000
#define MAX_DIAGS		8
#define PAGE			4096

enum target { VALID, NULL_PTR, UNMAPPED, READ_ONLY, KERNEL, TARGETS };

static uint8_t *valid_page, *unmapped_page, *readonly_page;
static unsigned int failures;

static void *pointer(enum target t)
{
	switch (t) {
	case VALID: return valid_page;
	case NULL_PTR: return NULL;
	case UNMAPPED: return unmapped_page;
	case READ_ONLY: return readonly_page;
	default: return (void *)0xffff888000000000ul;
	}
}

static void expect(int op, const char *what, int expected, int seen)
{
	if (expected == seen)
		return;
	if (failures++ < MAX_DIAGS)
		ktap_diag("op %d: %s: expected %s, saw %s", op, what,
			  expected ? strerrorname_np(expected) : "success",
			  seen ? strerrorname_np(seen) : "success");
}

static int call(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) < 0 ? errno : 0;
}

static void fuzz_factorial(int fd, int op, uint64_t *rng)
{
	enum target t = rng_below(rng, 4) ? VALID : (enum target)rng_below(rng, TARGETS);
	struct redu_factorial *f = (void *)valid_page;
	uint32_t n = rng_below(rng, 2) ? (uint32_t)rng_below(rng, REDU_FACTORIAL_MAX + 1) :
				       (uint32_t)rng_next(rng);
	int expected;

	f->n = n;
	f->result = (uint32_t)rng_next(rng);
	/*
	 * The read-only page is zero-filled: its n = 0 is valid, and the
	 * result cannot be written back.
	 */
	expected = t == VALID ? (n > REDU_FACTORIAL_MAX ? EINVAL : 0) : EFAULT;
	expect(op, "REDU_FACTORIAL", expected, call(fd, REDU_FACTORIAL, pointer(t)));
	if (t == VALID && !expected && f->result != redu_factorial_reference(n) && failures++ < MAX_DIAGS)
		ktap_diag("op %d: %u! = %#x, expected %#x", op, n, f->result, redu_factorial_reference(n));
}

static void fuzz_dma(int fd, int op, uint64_t *rng)
{
	unsigned long request = rng_below(rng, 2) ? REDU_DMA_WRITE : REDU_DMA_READ;
	struct redu_dma *d = (void *)valid_page;
	enum target data = (enum target)rng_below(rng, TARGETS);
	bool in_range = rng_below(rng, 20) == 0;
	int expected;

	/* The request itself at a valid place; the data anywhere. */
	d->addr = (uintptr_t)pointer(data) + (data == VALID ? 2048 : 0);
	if (in_range) {
		d->offset = (uint32_t)rng_below(rng, REDU_DMA_BUFFER_SIZE);
		d->len = (uint32_t)rng_below(rng, REDU_DMA_BUFFER_SIZE - d->offset + 1);
		if (data == VALID && d->len > PAGE - 2048)
			d->len = PAGE - 2048;
	} else {
		d->offset = (uint32_t)rng_next(rng);
		d->len = (uint32_t)rng_next(rng) | (REDU_DMA_BUFFER_SIZE + 1u);
	}
	if (!in_range)
		expected = EINVAL;
	else if (!d->len)
		expected = 0;
	else if (data == VALID)
		expected = 0;
	else if (data == READ_ONLY && request == REDU_DMA_WRITE)
		expected = 0; /* reading read-only memory is fine */
	else
		expected = EFAULT;
	expect(op, request == REDU_DMA_WRITE ? "REDU_DMA_WRITE" : "REDU_DMA_READ", expected,
	       call(fd, request, valid_page));
}

static void fuzz_raise(int fd, int op, uint64_t *rng)
{
	static const uint32_t interesting[] = { 0, 0x1, 0x100, 0x101, 0x2, 0x80000000u };
	uint32_t bits = rng_below(rng, 2) ? rng_pick(rng, interesting) : (uint32_t)rng_next(rng);
	bool valid = bits && !(bits & ~REDU_RAISE_BITS);
	uint32_t events = 0;

	memcpy(valid_page, &bits, sizeof(bits));
	expect(op, "REDU_RAISE", valid ? 0 : EINVAL, call(fd, REDU_RAISE, valid_page));
	if (valid) {
		ssize_t n = read(fd, &events, 4);

		if ((n != 4 || events != bits) && failures++ < MAX_DIAGS)
			ktap_diag("op %d: raised %#x, read %zd: %#x", op, bits, n, events);
	}
}

static void fuzz_other(int fd, int op, uint64_t *rng)
{
	static const unsigned long ours[] = {
		_IO(REDU_IOC_MAGIC, 1), _IOR(REDU_IOC_MAGIC, 1, struct redu_factorial),
		_IOWR(REDU_IOC_MAGIC, 2, struct redu_dma), _IOW(REDU_IOC_MAGIC, 5, struct redu_stats),
		_IOR(REDU_IOC_MAGIC, 4, uint32_t), _IO(REDU_IOC_MAGIC, 0), _IO(REDU_IOC_MAGIC, 6),
		_IOR(REDU_IOC_MAGIC, 5, uint32_t),
	};
	unsigned long request = rng_below(rng, 2) ? rng_pick(rng, ours) : (uint32_t)rng_next(rng);
	enum target t = (enum target)rng_below(rng, TARGETS);
	static const unsigned long valid[] = {
		REDU_FACTORIAL, REDU_DMA_WRITE, REDU_DMA_READ, REDU_RAISE, REDU_GET_STATS,
	};

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if ((uint32_t)request == valid[i])
			return;
	/* The VFS's own ioctls (FIONBIO and friends) are not ours to judge. */
	if (((request >> 8) & 0xff) != REDU_IOC_MAGIC)
		return;
	expect(op, "a request not ours", ENOTTY, call(fd, request, pointer(t)));
}

static void fuzz_read_write(int fd, int op, uint64_t *rng)
{
	size_t len = rng_below(rng, 9);
	enum target t = (enum target)rng_below(rng, TARGETS);
	ssize_t n;

	if (rng_below(rng, 2)) {
		n = write(fd, pointer(t), len);
		expect(op, "write", EINVAL, n < 0 ? errno : 0);
		return;
	}
	n = read(fd, pointer(t), len);
	/*
	 * The VFS refuses a kernel address before the driver sees the call.
	 * Nothing was raised without being read: EAGAIN unless the size is
	 * refused.
	 */
	expect(op, "read", t == KERNEL ? EFAULT : len < 4 ? EINVAL : EAGAIN, n < 0 ? errno : 0);
}

/* The device's file, the run's generator and the pages calls point into. */
static int fd = -1;
static uint64_t rng;

static bool setup(void)
{
	struct redu_stats before;
	uint64_t seed;

	if (!fuzz_seed(DEFAULT_SEED, &seed))
		return false;
	rng = seed;
	valid_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	readonly_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = redu_open(O_RDWR | O_NONBLOCK);
	return valid_page != MAP_FAILED && unmapped_page != MAP_FAILED &&
	       readonly_page != MAP_FAILED && !munmap(unmapped_page, PAGE) && fd >= 0 &&
	       redu_stats(fd, &before);
}

static bool hostile_calls_follow_the_model(void)
{
	for (int op = 0; op < OPS; op++) {
		switch (rng_below(&rng, 8)) {
		case 0: case 1: fuzz_factorial(fd, op, &rng); break;
		case 2: fuzz_dma(fd, op, &rng); break;
		case 3: fuzz_raise(fd, op, &rng); break;
		case 4: case 5: fuzz_other(fd, op, &rng); break;
		default: fuzz_read_write(fd, op, &rng); break;
		}
	}
	ktap_diag("stat fuzz_iterations=%d", OPS);
	return ktap_check(true, failures == 0, "%u of %d calls off the model", failures, OPS);
}

static bool device_works_afterwards(void)
{
	struct redu_stats after;
	uint32_t result = 0;
	bool ok;

	ok = redu_stats(fd, &after) && !redu_factorial(fd, 12, &result);
	ok = ktap_check(ok, result == 479001600, "12! = %u afterwards", result);
	ok = ktap_check(ok, after.fact_raised == after.fact_acked && after.dma_raised == after.dma_acked &&
			after.user_raised == after.user_acked && after.waiters == 0,
			"factorial %" PRIu64 "/%" PRIu64 ", dma %" PRIu64 "/%" PRIu64 ", raised %" PRIu64
			"/%" PRIu64, (uint64_t)after.fact_raised, (uint64_t)after.fact_acked,
			(uint64_t)after.dma_raised, (uint64_t)after.dma_acked,
			(uint64_t)after.user_raised, (uint64_t)after.user_acked);
	return ok;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("every hostile call gets the outcome the ABI documents",
				hostile_calls_follow_the_model),
		KTAP_CASE_NAMED("the device works and every interrupt was acknowledged afterwards",
				device_works_afterwards),
	};
	int status = ktap_run_after(setup, cases, ARRAY_SIZE(cases));

	if (fd >= 0)
		close(fd);
	return status;
}

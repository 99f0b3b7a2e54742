// SPDX-License-Identifier: GPL-2.0
/*
 * REDU_DMA_WRITE and REDU_DMA_READ: round trips of patterns through the
 * device buffer at the edges of its range (lengths and offsets 0, 1, 4094,
 * 4095: REDU_DMA_BUFFER_SIZE is 4095, see the UAPI header), the first
 * invalid ranges (EINVAL: a length of 4096, a range reaching byte 4095),
 * bad user memory (EFAULT), and that neither refusal transfers anything or
 * changes a counter. Bytes outside a transfer's range must stay as they
 * were in the device.
 */
#include "redu_test.h"

#include <sys/mman.h>

#define SIZE REDU_DMA_BUFFER_SIZE

/* The device, opened by setup(); the cases share it. */
static int fd = -1;

static uint8_t model[SIZE];

/* Fills the whole device buffer, and the model, with pattern @seed. */
static bool fill(int fd, uint32_t seed)
{
	uint8_t buf[SIZE];
	int err;

	for (uint32_t i = 0; i < SIZE; i++)
		buf[i] = model[i] = redu_pattern(seed, i);
	err = redu_dma(fd, REDU_DMA_WRITE, buf, 0, SIZE);
	if (err)
		ktap_diag("fill: %s", strerror(err));
	return !err;
}

/* Reads the whole device buffer back and compares it with the model. */
static bool matches_model(int fd, const char *what)
{
	uint8_t buf[SIZE];
	int err = redu_dma(fd, REDU_DMA_READ, buf, 0, SIZE);

	if (err) {
		ktap_diag("%s: read back: %s", what, strerror(err));
		return false;
	}
	for (uint32_t i = 0; i < SIZE; i++) {
		if (buf[i] != model[i]) {
			ktap_diag("%s: byte %u is %#x, expected %#x", what, i, buf[i], model[i]);
			return false;
		}
	}
	return true;
}

static bool round_trips(void)
{
	static const struct { uint32_t offset, len; } ranges[] = {
		{ 0, 1 }, { 0, 4094 }, { 0, 4095 }, { 4094, 1 }, { 1, 4094 },
		{ 4093, 2 }, { 100, 200 }, { 2047, 2048 },
	};
	struct redu_stats before, after;
	uint64_t to = 0, from = 0, transfers = 0;
	bool ok = fill(fd, 1) && redu_stats(fd, &before);
	to += SIZE;
	transfers++;

	for (size_t r = 0; ok && r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		uint32_t offset = ranges[r].offset, len = ranges[r].len;
		uint8_t out[SIZE], back[SIZE];
		char what[64];
		int err;

		for (uint32_t i = 0; i < len; i++)
			out[i] = model[offset + i] = redu_pattern(100 + r, i);
		err = redu_dma(fd, REDU_DMA_WRITE, out, offset, len);
		ok = ktap_check(ok, !err, "write %u at %u: %s", len, offset, strerror(err));
		memset(back, 0, sizeof(back));
		err = redu_dma(fd, REDU_DMA_READ, back, offset, len);
		ok = ktap_check(ok, !err, "read %u at %u: %s", len, offset, strerror(err));
		ok = ktap_check(ok, !memcmp(out, back, len), "%u bytes at %u differ", len, offset);
		snprintf(what, sizeof(what), "after %u bytes at %u", len, offset);
		ok = ok && matches_model(fd, what);
		to += len;
		from += len + SIZE;
		transfers += 3;
	}
	ok = ok && redu_stats(fd, &after);
	/* fill()'s own write happened before the first snapshot. */
	to -= SIZE;
	transfers--;
	ok = ktap_check(ok, after.dma_to_device_bytes - before.dma_to_device_bytes == to &&
			after.dma_from_device_bytes - before.dma_from_device_bytes == from,
			"bytes counted %" PRIu64 " and %" PRIu64 ", expected %" PRIu64 " and %" PRIu64,
			(uint64_t)(after.dma_to_device_bytes - before.dma_to_device_bytes),
			(uint64_t)(after.dma_from_device_bytes - before.dma_from_device_bytes),
			to, from);
	ok = ktap_check(ok, after.dma_raised - before.dma_raised == transfers &&
			after.dma_acked - before.dma_acked == transfers,
			"transfers raised %" PRIu64 ", acknowledged %" PRIu64 ", expected %" PRIu64,
			(uint64_t)(after.dma_raised - before.dma_raised),
			(uint64_t)(after.dma_acked - before.dma_acked), transfers);
	return ok;
}

static bool empty_transfers(void)
{
	struct redu_stats before, after;
	bool ok = fill(fd, 2) && redu_stats(fd, &before);

	/* A length of 0 succeeds anywhere up to the end, without a transfer. */
	ok = ktap_check(ok, !redu_dma(fd, REDU_DMA_WRITE, NULL, 0, 0), "write 0 at 0");
	ok = ktap_check(ok, !redu_dma(fd, REDU_DMA_READ, NULL, SIZE, 0), "read 0 at the end");
	ok = ok && redu_stats(fd, &after);
	ok = ktap_check(ok, !memcmp(&before, &after, sizeof(before)), "counters changed");
	return ok && matches_model(fd, "after empty transfers");
}

static bool refused(void)
{
	static const struct { uint32_t offset, len; } invalid[] = {
		{ 0, 4096 }, { 4095, 1 }, { 4094, 2 }, { 1, 4095 }, { 4096, 0 },
		{ 0, 4097 }, { UINT32_MAX, 2 }, { 2, UINT32_MAX },
	};
	uint8_t buf[SIZE] = { 0 };
	struct redu_stats before, after;
	uint8_t *readonly;
	bool ok = fill(fd, 3) && redu_stats(fd, &before);

	for (size_t r = 0; r < sizeof(invalid) / sizeof(invalid[0]); r++) {
		uint32_t offset = invalid[r].offset, len = invalid[r].len;

		ok = ktap_check(ok, redu_dma(fd, REDU_DMA_WRITE, buf, offset, len) == EINVAL,
				"write %u at %u", len, offset);
		ok = ktap_check(ok, redu_dma(fd, REDU_DMA_READ, buf, offset, len) == EINVAL,
				"read %u at %u", len, offset);
	}
	/* Memory the caller cannot read, or cannot write. */
	ok = ktap_check(ok, redu_dma(fd, REDU_DMA_WRITE, NULL, 0, 16) == EFAULT, "write from NULL");
	readonly = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok = ktap_check(ok, readonly != MAP_FAILED, "mmap");
	if (readonly != MAP_FAILED) {
		ok = ktap_check(ok, redu_dma(fd, REDU_DMA_READ, readonly, 0, 16) == EFAULT,
				"read into read-only memory");
		munmap(readonly, SIZE);
	}
	ok = ktap_check(ok, ioctl(fd, REDU_DMA_WRITE, NULL) < 0 && errno == EFAULT, "NULL argument");
	ok = ok && redu_stats(fd, &after);
	/* The EFAULT of the read comes after its transfer: it is counted. */
	after.irqs--;
	after.dma_raised--;
	after.dma_acked--;
	after.dma_from_device_bytes -= 16;
	ok = ktap_check(ok, !memcmp(&before, &after, sizeof(before)), "counters changed");
	return ok && matches_model(fd, "after refused transfers");
}

static bool setup(void)
{
	fd = redu_open(O_RDWR);
	return fd >= 0;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("patterns round-trip at the edges of the buffer, the rest untouched",
				round_trips),
		KTAP_CASE_NAMED("empty transfers succeed without a transfer", empty_transfers),
		KTAP_CASE_NAMED("invalid ranges fail with EINVAL, bad memory with EFAULT, nothing moved",
				refused),
	};
	int status = ktap_run_after(setup, cases, ARRAY_SIZE(cases));

	if (fd >= 0)
		close(fd);
	return status;
}

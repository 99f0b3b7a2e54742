/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_pipe fuzzer (main.c): the user buffers the fuzzer passes
 * to the driver. An arena of random bytes between inaccessible pages,
 * hostile segments (unmapped, read-only, kernel, misaligned, running into a
 * guard page) that record how much of them the kernel can really copy, the
 * iovec arrays built from them, and how access_ok() and import_iovec() judge
 * such arguments.
 */
#ifndef RKM_TESTS_RUST_PIPE_FUZZ_SEGS_H
#define RKM_TESTS_RUST_PIPE_FUZZ_SEGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define PAGE			4096UL
#define ARENA_SIZE		(64UL << 10)
#define MAX_SEGS		8

/* The most bytes one read or write moves: MAX_RW_COUNT, INT_MAX & PAGE_MASK. */
#define MAX_RW_COUNT		(0x7fffffffUL & ~(PAGE - 1))

/* UIO_MAXIOV: more iovecs fail with EINVAL. */
#define MAX_IOVCNT		1024

/*
 * access_ok() accepts a range that ends at or below the task's highest user
 * address, which is 2^47 - 4096 with 4-level paging and 2^56 - 4096 with
 * 5-level paging. Below the first bound every kernel accepts the range,
 * above the second none does; in between the result depends on the CPU.
 */
#define USER_END_SURE		0x00007fffffffe000UL
#define USER_END_MAX		0x00fffffffffff000UL

/* ---- the memory the pointers point into ---- */
/*
 * [arena: read-write][guard][read-only page][guard]: a buffer at the end of
 * the arena or of the read-only page runs into an inaccessible page.
 */
extern uint8_t *arena, *guard_page, *ro_page;

bool setup_memory(uint64_t *rng);

/* How access_ok() treats a range: surely accepted, surely refused, or either. */
enum reach { ACCEPTED, REFUSED, EITHER };

/* A user buffer, and how much of it the kernel can really copy from or to. */
struct seg {
	uintptr_t addr;
	size_t len;
	size_t readable;	/* bytes from addr on that can be read */
	size_t writable;	/* bytes from addr on that can be written */
};

size_t min_size(size_t a, size_t b);

size_t random_length(uint64_t *rng);

struct seg arena_seg(uint64_t *rng, size_t len);

struct seg hostile_seg(uint64_t *rng, size_t len);

/* The arguments of a read or write call; plain calls have one segment. */
struct io_args {
	struct seg seg[MAX_SEGS];
	int nsegs;			/* entries of seg[] used */
	long iovcnt;			/* passed to the call */
	struct iovec iov[MAX_SEGS];	/* the array passed, unless hostile */
	/* Room for a misaligned copy of iov[], private to the caller's thread. */
	unsigned char unaligned[sizeof(struct iovec) * MAX_SEGS + 8];
	uintptr_t array;		/* what is passed as the iovec array */
	bool array_ok;			/* array holds the segments, readable */
	bool vectored;
};

void plain_args(struct io_args *a, struct seg s);

void vector_args(uint64_t *rng, struct io_args *a);

enum reach args_reach(const struct io_args *a, int *refusal);

size_t args_total(const struct io_args *a);

size_t args_prefix(const struct io_args *a, bool reading);

void gather(const struct io_args *a, size_t n, uint8_t *out);

bool spans_overlap(const struct io_args *a, size_t n);

void describe_args(const struct io_args *a, char *buf, size_t size);

#endif /* RKM_TESTS_RUST_PIPE_FUZZ_SEGS_H */

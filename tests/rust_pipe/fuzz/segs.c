// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_pipe fuzzer (main.c): the user buffers the fuzzer passes
 * to the driver. An arena of random bytes between inaccessible pages,
 * hostile segments (unmapped, read-only, kernel, misaligned, running into a
 * guard page) that record how much of them the kernel can really copy, the
 * iovec arrays built from them, and how access_ok() and import_iovec() judge
 * such arguments.
 */
#include "../rpipe_test.h"

#include <sys/mman.h>
#include <sys/uio.h>

#include "fuzz.h"
#include "segs.h"

/* Addresses that access_ok() refuses whatever the length. */
static const uintptr_t kernel_addresses[] = {
	0xffffffff81000000UL,	/* kernel text */
	0xffff888000000000UL,	/* direct map */
	0xffffc90000000000UL,	/* vmalloc area */
	0xfffffffffffff000UL,
	0xffffffffffffffffUL,
	0x8000000000000000UL,	/* non-canonical */
	0xdead000000000000UL,	/* non-canonical */
};

/* User addresses that are never mapped: below vm.mmap_min_addr. */
static const uintptr_t unmapped_addresses[] = { 0, 1, 0x1000, 0x8001, 0xfff8 };

static const size_t huge_lengths[] = {
	SIZE_MAX, SIZE_MAX >> 1, (SIZE_MAX >> 1) + 1, 1UL << 31, MAX_RW_COUNT,
	MAX_RW_COUNT + 1, 1UL << 40, 1UL << 47, 1UL << 56,
};

uint8_t *arena, *guard_page, *ro_page;

bool setup_memory(uint64_t *rng)
{
	uint8_t *map = mmap(NULL, ARENA_SIZE + 3 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED)
		return false;
	arena = map;
	guard_page = arena + ARENA_SIZE;
	ro_page = guard_page + PAGE;
	for (size_t i = 0; i < ARENA_SIZE + 2 * PAGE; i += 8) {
		uint64_t bytes = rng_next(rng);

		memcpy(map + i, &bytes, 8);
	}
	return mprotect(guard_page, PAGE, PROT_NONE) == 0 &&
	       mprotect(ro_page, PAGE, PROT_READ) == 0 &&
	       mprotect(ro_page + PAGE, PAGE, PROT_NONE) == 0;
}

static enum reach reach_of(uintptr_t addr, size_t len)
{
	uintptr_t end = addr + len;

	if (end < addr || end > USER_END_MAX)
		return REFUSED;
	return end <= USER_END_SURE ? ACCEPTED : EITHER;
}

static enum reach worst_reach(enum reach a, enum reach b)
{
	if (a == REFUSED || b == REFUSED)
		return REFUSED;
	return a == EITHER || b == EITHER ? EITHER : ACCEPTED;
}

size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

size_t random_length(uint64_t *rng)
{
	switch (rng_below(rng, 10)) {
	case 0:
		return 0;
	case 1:
		return 1 + rng_below(rng, 16);
	case 2:
	case 3:
	case 4:
		return 1 + rng_below(rng, 4096);
	case 5:
	case 6:
		return 1 + rng_below(rng, ARENA_SIZE);
	case 7:
		return rng_pick(rng, huge_lengths);
	default:
		return 1 + rng_below(rng, 256);
	}
}

/* A buffer of @len bytes in the arena, misaligned as often as not. */
struct seg arena_seg(uint64_t *rng, size_t len)
{
	size_t off = rng_below(rng, ARENA_SIZE - len + 1);

	return (struct seg){ (uintptr_t)arena + off, len, len, len };
}

/* A buffer of @len bytes anywhere: mostly valid, often not. */
struct seg hostile_seg(uint64_t *rng, size_t len)
{
	struct seg s = { .len = len };
	size_t off;

	switch (rng_below(rng, 20)) {
	case 0 ... 9:		/* in the arena, possibly running into the guard page */
		off = rng_below(rng, ARENA_SIZE + 1);
		s.addr = (uintptr_t)arena + off;
		s.readable = s.writable = min_size(len, ARENA_SIZE - off);
		break;
	case 10:
	case 11:		/* a few bytes before the guard page */
		off = ARENA_SIZE - rng_below(rng, 64);
		s.addr = (uintptr_t)arena + off;
		s.readable = s.writable = min_size(len, ARENA_SIZE - off);
		break;
	case 12:
	case 13:		/* the read-only page, then a guard page */
		off = rng_below(rng, PAGE + 1);
		s.addr = (uintptr_t)ro_page + off;
		s.readable = min_size(len, PAGE - off);
		break;
	case 14:
		s.addr = (uintptr_t)guard_page + rng_below(rng, PAGE);
		break;
	case 15:
	case 16:
		s.addr = rng_pick(rng, unmapped_addresses);
		break;
	case 17:
	case 18:
		s.addr = rng_pick(rng, kernel_addresses) - rng_below(rng, 2) * rng_below(rng, 64);
		break;
	default:		/* anywhere in the upper half */
		s.addr = rng_next(rng) | 1UL << 63;
		break;
	}
	return s;
}

void plain_args(struct io_args *a, struct seg s)
{
	memset(a, 0, sizeof(*a));
	a->seg[0] = s;
	a->nsegs = 1;
	a->iovcnt = 1;
	a->array_ok = true;
}

void vector_args(uint64_t *rng, struct io_args *a)
{
	struct seg hostile;

	memset(a, 0, sizeof(*a));
	a->vectored = true;
	a->array_ok = true;
	switch (rng_below(rng, 20)) {
	case 0:
		a->iovcnt = 0;
		break;
	case 1:		/* above UIO_MAXIOV: EINVAL before the array is read */
		a->iovcnt = MAX_IOVCNT + 1 + (long)rng_below(rng, 1 << 20);
		break;
	case 2:
		a->iovcnt = -1 - (long)rng_below(rng, 4);
		break;
	default:
		a->iovcnt = 1 + (long)rng_below(rng, MAX_SEGS);
		break;
	}
	a->nsegs = a->iovcnt > 0 && a->iovcnt <= MAX_SEGS ? (int)a->iovcnt : 0;
	for (int i = 0; i < a->nsegs; i++) {
		a->seg[i] = hostile_seg(rng, random_length(rng));
		a->iov[i].iov_base = (void *)a->seg[i].addr;
		a->iov[i].iov_len = a->seg[i].len;
	}
	a->array = (uintptr_t)a->iov;

	switch (rng_below(rng, 20)) {
	case 0:		/* a misaligned copy */
		a->array = (uintptr_t)a->unaligned + 1 + rng_below(rng, 7);
		memcpy((void *)a->array, a->iov, sizeof(a->iov));
		break;
	case 1:		/* a copy cut short by the guard page, inside the first iovec */
		a->array = (uintptr_t)guard_page - 1 - rng_below(rng, sizeof(struct iovec) - 1);
		memcpy((void *)a->array, a->iov, (uintptr_t)guard_page - a->array);
		a->array_ok = false;
		break;
	case 2:		/* inaccessible; never memory holding random iovecs */
		do
			hostile = hostile_seg(rng, 0);
		while ((hostile.addr >= (uintptr_t)arena && hostile.addr < (uintptr_t)guard_page) ||
		       (hostile.addr >= (uintptr_t)ro_page && hostile.addr < (uintptr_t)ro_page + PAGE));
		a->array = hostile.addr;
		a->array_ok = false;
		break;
	}
}

/*
 * How the VFS treats the arguments before the driver is called: refused with
 * *@refusal (EINVAL for a bad iovec count or a length that is negative as
 * ssize_t, else EFAULT), accepted, or either. As in import_iovec(), a single
 * iovec is capped at MAX_RW_COUNT before access_ok(), several are not; a
 * plain read or write checks the whole range first.
 */
enum reach args_reach(const struct io_args *a, int *refusal)
{
	enum reach reach = ACCEPTED;

	*refusal = EINVAL;
	if (a->vectored && (a->iovcnt < 0 || a->iovcnt > MAX_IOVCNT))
		return REFUSED;
	/* Not even the first iovec can be read. */
	*refusal = EFAULT;
	if (a->nsegs && !a->array_ok)
		return REFUSED;
	*refusal = EINVAL;
	for (int i = 0; a->vectored && i < a->nsegs; i++)
		if ((ssize_t)a->seg[i].len < 0)
			return REFUSED;
	*refusal = EFAULT;
	for (int i = 0; i < a->nsegs; i++) {
		size_t len = a->seg[i].len;

		if (a->vectored && a->nsegs == 1)
			len = min_size(len, MAX_RW_COUNT);
		reach = worst_reach(reach, reach_of(a->seg[i].addr, len));
	}
	return reach;
}

/* The bytes the call may move: the total, capped at MAX_RW_COUNT. */
size_t args_total(const struct io_args *a)
{
	size_t total = 0;

	for (int i = 0; i < a->nsegs; i++)
		total = a->seg[i].len > MAX_RW_COUNT - total ? MAX_RW_COUNT :
							      total + a->seg[i].len;
	return total;
}

/* How many bytes from the start can be copied before the first fault. */
size_t args_prefix(const struct io_args *a, bool reading)
{
	size_t prefix = 0;

	for (int i = 0; i < a->nsegs; i++) {
		size_t ok = reading ? a->seg[i].writable : a->seg[i].readable;

		prefix = min_size(prefix + ok, MAX_RW_COUNT);
		if (ok < a->seg[i].len)
			break;
	}
	return prefix;
}

/* Copies the first @n bytes of the segments, which must be readable, to @out. */
void gather(const struct io_args *a, size_t n, uint8_t *out)
{
	for (int i = 0; i < a->nsegs && n; i++) {
		size_t take = min_size(n, a->seg[i].len);

		memcpy(out, (const void *)a->seg[i].addr, take);
		out += take;
		n -= take;
	}
}

/* Whether the first @n bytes of the segments overlap each other. */
bool spans_overlap(const struct io_args *a, size_t n)
{
	uintptr_t start[MAX_SEGS], end[MAX_SEGS];
	int count = 0;

	for (int i = 0; i < a->nsegs && n; i++) {
		size_t take = min_size(n, a->seg[i].len);

		for (int j = 0; j < count; j++)
			if (a->seg[i].addr < end[j] && start[j] < a->seg[i].addr + take)
				return true;
		start[count] = a->seg[i].addr;
		end[count++] = a->seg[i].addr + take;
		n -= take;
	}
	return false;
}

void describe_args(const struct io_args *a, char *buf, size_t size)
{
	int len = 0;

	buf[0] = '\0';
	if (a->vectored)
		len = snprintf(buf, size, "iovcnt %ld%s", a->iovcnt,
			       a->array_ok ? "" : " bad array");
	for (int i = 0; i < a->nsegs && i < 3 && len >= 0 && (size_t)len < size; i++)
		len += snprintf(buf + len, size - len, " %#lx+%#zx(r%#zx,w%#zx)",
				(unsigned long)a->seg[i].addr, a->seg[i].len,
				a->seg[i].readable, a->seg[i].writable);
}

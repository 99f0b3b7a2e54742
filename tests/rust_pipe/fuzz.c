// SPDX-License-Identifier: GPL-2.0
/*
 * rust_pipe against hostile input: a bounded, seeded random test of every
 * way userspace reaches the driver.
 *
 * Phase 1, one thread: read(2), readv(2), preadv2(2), pread(2), their write
 * counterparts, ioctl(2), open(2), close(2), poll(2), epoll, lseek(2),
 * mmap(2), fcntl(2) and /proc/self/fdinfo, with random arguments: ioctl
 * numbers (our type and numbers with the wrong size or direction among
 * them, and 64-bit requests whose upper half the kernel drops), NULL,
 * unmapped, read-only, kernel and misaligned pointers, buffers running into
 * an inaccessible page, zero and huge lengths, bad iovec arrays and RWF_
 * flags, files opened with every access mode. A model of the FIFO predicts
 * each call: a success must return what the model allows and move exactly
 * those bytes; a failure must give an errno that the ABI or the VFS
 * documents for that call, and RPIPE_GET_STATS must be unchanged after it.
 *
 * Phase 2: 8 threads mix the same hostile calls with valid traffic on the
 * same pipe. Without a model the oracle is weaker: documented errnos only,
 * no byte claimed copied from or to memory the caller cannot access, and the
 * counters accounting for every byte the threads moved.
 *
 * Throughout, the kernel log must stay silent, and no call may hang: a
 * watchdog ends the program with a failure. The seed is fixed and printed as
 * "# seed N"; RKM_SEED=N in the environment replays another run.
 */
#include "rpipe_test.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "fuzz.h"

#define DEFAULT_SEED		20240611
#define SINGLE_THREAD_OPS	20000
#define THREADS			8
#define OPS_PER_THREAD		4000
/* Far beyond the few seconds the program needs, even on a debug kernel. */
#define WATCHDOG_S		180
/* Diagnostics printed per test case; the failure count is always given. */
#define MAX_DIAGS		8

#define PAGE			4096UL
#define ARENA_SIZE		(64UL << 10)
#define MAX_SEGS		8
#define POOL_FIXED		6
#define POOL_DYNAMIC		6
/* A descriptor number this program never has open. */
#define CLOSED_FD		9999

/* The most bytes one read or write moves: MAX_RW_COUNT, INT_MAX & PAGE_MASK. */
#define MAX_RW_COUNT		(0x7fffffffUL & ~(PAGE - 1))
/* UIO_MAXIOV: more iovecs fail with EINVAL. */
#define MAX_IOVCNT		1024
/* More poll(2) descriptors than RLIMIT_NOFILE can allow: EINVAL. */
#define TOO_MANY_FDS		(1UL << 30)

/*
 * access_ok() accepts a range that ends at or below the task's highest user
 * address, which is 2^47 - 4096 with 4-level paging and 2^56 - 4096 with
 * 5-level paging. Below the first bound every kernel accepts the range,
 * above the second none does; in between the result depends on the CPU.
 */
#define USER_END_SURE		0x00007fffffffe000UL
#define USER_END_MAX		0x00fffffffffff000UL

/*
 * RWF_ flags of the 7.3 UAPI (newer than some libc headers).
 * kiocb_set_rw_flags() accepts HIPRI, DSYNC, SYNC, APPEND, NOAPPEND and
 * NOSIGNAL on a file without FMODE_NOWAIT, FMODE_CAN_ATOMIC_WRITE and
 * FOP_DONTCACHE: EOPNOTSUPP for NOWAIT, ATOMIC, DONTCACHE and unknown bits,
 * EINVAL for APPEND with NOAPPEND.
 */
#define RWF_V_APPEND		0x10
#define RWF_V_NOAPPEND		0x20
#define RWF_V_ACCEPTED		0x137

/*
 * The ioctls that do_vfs_ioctl() (fs/ioctl.c) answers itself before the
 * driver sees them, as (type << 8 | number): FIONCLEX, FIOCLEX, FIONBIO,
 * FIOASYNC, FIOQSIZE, FIFREEZE, FITHAW, FS_IOC_FIEMAP, FIGETBSZ, FICLONE,
 * FICLONERANGE, FIDEDUPERANGE, FS_IOC_GETFLAGS, FS_IOC_SETFLAGS,
 * FS_IOC_FSGETXATTR, FS_IOC_FSSETXATTR, FS_IOC_GETFSUUID and
 * FS_IOC_GETFSSYSFSPATH. Some change the file (FIONBIO) or even the whole
 * file system (FIFREEZE), so the fuzzer never sends them, whatever the size
 * and direction bits.
 */
static const uint16_t vfs_ioctls[] = {
	0x5450, 0x5451, 0x5421, 0x5452, 0x5460, 'X' << 8 | 119, 'X' << 8 | 120,
	'f' << 8 | 11, 0x0002, 0x9409, 0x940d, 0x9436, 'f' << 8 | 1,
	'f' << 8 | 2, 'X' << 8 | 31, 'X' << 8 | 32, 0x1500, 0x1501,
};

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

/* ---- the memory the pointers point into ---- */

/*
 * [arena: read-write][guard][read-only page][guard]: a buffer at the end of
 * the arena or of the read-only page runs into an inaccessible page.
 */
static uint8_t *arena, *guard_page, *ro_page;

static bool setup_memory(uint64_t *rng)
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

/* How access_ok() treats a range: surely accepted, surely refused, or either. */
enum reach { ACCEPTED, REFUSED, EITHER };

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

/* A user buffer, and how much of it the kernel can really copy from or to. */
struct seg {
	uintptr_t addr;
	size_t len;
	size_t readable;	/* bytes from addr on that can be read */
	size_t writable;	/* bytes from addr on that can be written */
};

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static size_t random_length(uint64_t *rng)
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
static struct seg arena_seg(uint64_t *rng, size_t len)
{
	size_t off = rng_below(rng, ARENA_SIZE - len + 1);

	return (struct seg){ (uintptr_t)arena + off, len, len, len };
}

/* A buffer of @len bytes anywhere: mostly valid, often not. */
static struct seg hostile_seg(uint64_t *rng, size_t len)
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

static void plain_args(struct io_args *a, struct seg s)
{
	memset(a, 0, sizeof(*a));
	a->seg[0] = s;
	a->nsegs = 1;
	a->iovcnt = 1;
	a->array_ok = true;
}

static void vector_args(uint64_t *rng, struct io_args *a)
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
static enum reach args_reach(const struct io_args *a, int *refusal)
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
static size_t args_total(const struct io_args *a)
{
	size_t total = 0;

	for (int i = 0; i < a->nsegs; i++)
		total = a->seg[i].len > MAX_RW_COUNT - total ? MAX_RW_COUNT :
							      total + a->seg[i].len;
	return total;
}

/* How many bytes from the start can be copied before the first fault. */
static size_t args_prefix(const struct io_args *a, bool reading)
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
static void gather(const struct io_args *a, size_t n, uint8_t *out)
{
	for (int i = 0; i < a->nsegs && n; i++) {
		size_t take = min_size(n, a->seg[i].len);

		memcpy(out, (const void *)a->seg[i].addr, take);
		out += take;
		n -= take;
	}
}

/* Whether the first @n bytes of the segments overlap each other. */
static bool spans_overlap(const struct io_args *a, size_t n)
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

static void describe_args(const struct io_args *a, char *buf, size_t size)
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

/* ---- result checking ---- */

/* The results allowed for one call. */
struct expect {
	int errs[8];		/* acceptable errnos, 0-terminated */
	bool may_succeed;
	size_t min, max;	/* the range of an acceptable return value */
};

static void allow_err(struct expect *e, int err)
{
	for (int i = 0; i < 7; i++) {
		if (e->errs[i] == err)
			return;
		if (!e->errs[i]) {
			e->errs[i] = err;
			return;
		}
	}
}

static void allow_success(struct expect *e, size_t min, size_t max)
{
	e->may_succeed = true;
	e->min = min;
	e->max = max;
}

static bool acceptable(const struct expect *e, long ret, int err)
{
	if (ret >= 0)
		return e->may_succeed && (size_t)ret >= e->min && (size_t)ret <= e->max;
	for (int i = 0; e->errs[i]; i++)
		if (e->errs[i] == err)
			return true;
	return false;
}

static void describe_expect(const struct expect *e, char *buf, size_t size)
{
	int len = 0;

	if (e->may_succeed)
		len = snprintf(buf, size, "%zu..%zu", e->min, e->max);
	for (int i = 0; e->errs[i] && len >= 0 && (size_t)len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", len ? " or " : "",
				strerrorname_np(e->errs[i]));
	if (len == 0)
		snprintf(buf, size, "nothing");
}

enum test_case { CASE_IOCTL, CASE_READ, CASE_WRITE, CASE_OTHER, CASE_THREADS, NR_CASES };

static int case_failures[NR_CASES];
static uint64_t calls;
/* How the judged calls of phase 1 ended: successes, then by errno. */
static uint64_t successes, errors[EHWPOISON + 1];

static void count_call(void)
{
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
}

static void fail(enum test_case c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(enum test_case c, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (__atomic_fetch_add(&case_failures[c], 1, __ATOMIC_RELAXED) >= MAX_DIAGS)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ktap_diag("%s", line);
}

static const char *result_name(long ret, int err, char *buf, size_t size)
{
	if (ret >= 0)
		snprintf(buf, size, "%ld", ret);
	else
		snprintf(buf, size, "%s", strerrorname_np(err));
	return buf;
}

/* Reports @ret unless @e allows it; returns whether it succeeded as allowed. */
static bool judge(enum test_case c, long op, const char *call, const struct expect *e,
		  long ret, int err)
{
	char got[32], want[128];

	if (ret >= 0)
		successes++;
	else if (err > 0 && err <= EHWPOISON)
		errors[err]++;
	if (acceptable(e, ret, err))
		return ret >= 0;
	describe_expect(e, want, sizeof(want));
	fail(c, "op %ld: %s returned %s, expected %s", op, call,
	     result_name(ret, err, got, sizeof(got)), want);
	return false;
}

/* ---- the model of the pipe, for the single-threaded phase ---- */

static struct {
	uint8_t bytes[RPIPE_CAPACITY_MAX];	/* a ring; capacity never exceeds it */
	size_t head, len;
	struct rpipe_stats stats;		/* what RPIPE_GET_STATS must say */
} model;

static uint8_t scratch[RPIPE_CAPACITY_MAX], expected[RPIPE_CAPACITY_MAX];

static void model_push(const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		model.bytes[(model.head + model.len + i) % RPIPE_CAPACITY_MAX] = bytes[i];
	model.len += n;
	model.stats.len = model.len;
	model.stats.bytes_written += n;
}

static void model_pop(uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = model.bytes[(model.head + i) % RPIPE_CAPACITY_MAX];
	model.head = (model.head + n) % RPIPE_CAPACITY_MAX;
	model.len -= n;
	model.stats.len = model.len;
	model.stats.bytes_read += n;
}

static void model_clear(void)
{
	model.head = model.len = 0;
	model.stats.len = 0;
}

static size_t model_free(void)
{
	return model.stats.capacity - model.len;
}

/* A descriptor the fuzzer uses, and what it refers to. */
struct fd_entry {
	int fd;
	bool open;		/* dynamic entries come and go */
	bool driver;		/* a file of the driver: not O_PATH, not closed */
	bool can_read, can_write, nonblock;
	uint32_t epoll_events;	/* registered with the epoll instance if nonzero */
	int flags;		/* of open(2) and fcntl(F_SETFL) */
	char name[24];		/* for diagnostics: "rw-nb", "path-ro"... */
};

/* The fixed descriptors, the dynamic ones, and one that is never open. */
static struct fd_entry pool[POOL_FIXED + POOL_DYNAMIC + 1];
static struct fd_entry *const stats_fd = &pool[0];
static struct fd_entry *const closed_fd = &pool[POOL_FIXED + POOL_DYNAMIC];
static int epoll_fd = -1;

static void name_entry(struct fd_entry *f)
{
	static const char *const modes[] = { "ro", "wo", "rw", "none" };

	snprintf(f->name, sizeof(f->name), "%s%s%s", f->flags & O_PATH ? "path-" : "",
		 modes[f->flags & O_ACCMODE], f->flags & O_NONBLOCK ? "-nb" : "");
}

static void set_entry(struct fd_entry *f, int fd, int flags)
{
	int mode = flags & O_ACCMODE;

	f->fd = fd;
	f->open = true;
	f->driver = !(flags & O_PATH);
	f->can_read = f->driver && (mode == O_RDONLY || mode == O_RDWR);
	f->can_write = f->driver && (mode == O_WRONLY || mode == O_RDWR);
	f->nonblock = flags & O_NONBLOCK;
	f->epoll_events = 0;
	f->flags = flags;
	name_entry(f);
}

static bool setup_pool(void)
{
	static const int fixed[POOL_FIXED] = {
		O_RDWR | O_NONBLOCK, O_RDWR, O_RDONLY | O_NONBLOCK, O_WRONLY | O_NONBLOCK,
		O_ACCMODE | O_NONBLOCK, O_PATH | O_RDWR,
	};

	for (int i = 0; i < POOL_FIXED; i++) {
		int fd = rpipe_open(fixed[i]);

		if (fd < 0)
			return false;
		set_entry(&pool[i], fd, fixed[i]);
	}
	closed_fd->fd = CLOSED_FD;
	closed_fd->open = true;
	snprintf(closed_fd->name, sizeof(closed_fd->name), "closed");
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	return epoll_fd >= 0;
}

/*
 * A descriptor from the pool, or the closed one. Calls that need read or
 * write access mostly get a descriptor that has it, so that they reach the
 * driver rather than stop at EBADF.
 */
enum fd_need { ANY_FD, READER_FD, WRITER_FD };

static struct fd_entry *pick_fd(uint64_t *rng, enum fd_need need)
{
	bool insist = need != ANY_FD && rng_below(rng, 8);
	struct fd_entry *f;

	if (!insist && rng_below(rng, 30) == 0)
		return closed_fd;
	do
		f = &pool[rng_below(rng, POOL_FIXED + POOL_DYNAMIC)];
	while (!f->open ||
	       (insist && !(need == READER_FD ? f->can_read : f->can_write)));
	return f;
}

/* The poll events the driver reports for @f, per the model. */
static uint32_t model_events(const struct fd_entry *f)
{
	uint32_t events = 0;

	if (f->can_read && model.len)
		events |= POLLIN | POLLRDNORM;
	if (f->can_write && model_free())
		events |= POLLOUT | POLLWRNORM;
	return events;
}

static bool get_stats(int fd, struct rpipe_stats *stats)
{
	count_call();
	return ioctl(fd, RPIPE_GET_STATS, stats) == 0;
}

static bool stats_equal(const struct rpipe_stats *a, const struct rpipe_stats *b)
{
	return a->capacity == b->capacity && a->len == b->len &&
	       a->bytes_written == b->bytes_written && a->bytes_read == b->bytes_read &&
	       a->readers == b->readers && a->writers == b->writers;
}

#define STATS_FMT "capacity %llu len %llu written %llu read %llu readers %u writers %u"
#define STATS_ARGS(s)                                                              \
	(unsigned long long)(s).capacity, (unsigned long long)(s).len,             \
		(unsigned long long)(s).bytes_written, (unsigned long long)(s).bytes_read, \
		(s).readers, (s).writers

/*
 * Compares the driver's counters with the model after op @op. On a mismatch
 * the model adopts the driver's view, and both are emptied so that later
 * content checks are meaningful again.
 */
static void check_state(enum test_case c, long op, const char *call)
{
	struct rpipe_stats now;

	if (!get_stats(stats_fd->fd, &now)) {
		fail(c, "op %ld: RPIPE_GET_STATS after %s: %s", op, call, strerror(errno));
		return;
	}
	if (stats_equal(&now, &model.stats))
		return;
	fail(c, "op %ld: after %s: " STATS_FMT ", the model says " STATS_FMT, op, call,
	     STATS_ARGS(now), STATS_ARGS(model.stats));
	count_call();
	ioctl(stats_fd->fd, RPIPE_CLEAR);
	model.stats = now;
	model_clear();
}

/* ---- phase 1: one thread, every entry point, checked against the model ---- */

/* Picks the O_NONBLOCK descriptor instead of a blocking one that would block. */
static struct fd_entry *nonblocking_if_needed(struct fd_entry *f, bool reading)
{
	if (f->driver && !f->nonblock && (reading ? model.len == 0 : model_free() == 0))
		return stats_fd;
	return f;
}

/*
 * The VFS's checks of a read or write, before it calls the driver. Returns
 * false when they settle the result.
 */
static bool expect_vfs_io(struct expect *e, const struct fd_entry *f, bool allowed,
			  const struct io_args *a, int rwf)
{
	int refusal;
	enum reach reach = args_reach(a, &refusal);

	if (!f->driver || !allowed) {
		allow_err(e, EBADF);
		return false;
	}
	if (reach != ACCEPTED) {
		allow_err(e, refusal);
		if (reach == REFUSED)
			return false;
	}
	/* Nothing to move: done before the RWF_ flags are looked at. */
	if (args_total(a) == 0) {
		allow_success(e, 0, 0);
		return false;
	}
	if (rwf & ~RWF_V_ACCEPTED) {
		allow_err(e, EOPNOTSUPP);
		return false;
	}
	if ((rwf & (RWF_V_APPEND | RWF_V_NOAPPEND)) == (RWF_V_APPEND | RWF_V_NOAPPEND)) {
		allow_err(e, EINVAL);
		return false;
	}
	return true;
}

/*
 * What the driver does with a non-empty request and @available bytes (read)
 * or free bytes (write): all of min(total, available) when they can be
 * copied, fewer or EFAULT when the copy faults, EAGAIN when nothing is
 * available.
 */
static void expect_driver_io(struct expect *e, const struct io_args *a, bool reading,
			     size_t available)
{
	size_t total = args_total(a), prefix = args_prefix(a, reading);
	size_t need = min_size(total, available);

	if (available == 0)
		allow_err(e, EAGAIN);
	else if (need <= prefix)
		allow_success(e, need, need);
	else if (prefix == 0)
		allow_err(e, EFAULT);
	else {
		allow_success(e, 1, prefix);
		allow_err(e, EFAULT);
	}
}

enum io_call { IO_PLAIN, IO_VECTOR, IO_V2, IO_POSITIONED };

static const char *const read_calls[] = { "read", "readv", "preadv2", "pread" };
static const char *const write_calls[] = { "write", "writev", "pwritev2", "pwrite" };

static int random_rwf(uint64_t *rng)
{
	switch (rng_below(rng, 6)) {
	case 0:
		return 1 << rng_below(rng, 12);
	case 1:
		return (int)rng_next(rng);
	case 2:
		return RWF_V_ACCEPTED & (int)rng_next(rng);
	default:
		return 0;
	}
}

static off_t random_offset(uint64_t *rng)
{
	switch (rng_below(rng, 4)) {
	case 0:
		return 0;
	case 1:
		return -2 - (off_t)rng_below(rng, 1000);
	case 2:
		return (off_t)(rng_next(rng) >> 1);
	default:
		return (off_t)rng_below(rng, 1 << 20);
	}
}

static void op_io(uint64_t *rng, long op, bool reading)
{
	enum io_call call = rng_below(rng, 10) < 4 ? IO_PLAIN : (enum io_call)rng_below(rng, 4);
	enum test_case c = reading ? CASE_READ : CASE_WRITE;
	struct fd_entry *f = nonblocking_if_needed(pick_fd(rng, reading ? READER_FD : WRITER_FD),
						   reading);
	struct expect e = { 0 };
	struct io_args a;
	char what[300], args[200];
	off_t pos = -1;
	int rwf = 0, err;
	ssize_t ret;

	if (call == IO_VECTOR || call == IO_V2)
		vector_args(rng, &a);
	else
		plain_args(&a, hostile_seg(rng, random_length(rng)));
	if (call == IO_V2) {
		rwf = random_rwf(rng);
		pos = rng_below(rng, 4) ? -1 : random_offset(rng);
	} else if (call == IO_POSITIONED) {
		pos = random_offset(rng);
	}

	if ((call == IO_POSITIONED || pos != -1) && pos < 0) {
		allow_err(&e, EINVAL);
	} else if (call == IO_POSITIONED || pos != -1) {
		/* A stream has no position: the VFS refuses before looking further. */
		allow_err(&e, f->driver ? ESPIPE : EBADF);
	} else if (expect_vfs_io(&e, f, reading ? f->can_read : f->can_write, &a, rwf)) {
		expect_driver_io(&e, &a, reading, reading ? model.len : model_free());
	}

	describe_args(&a, args, sizeof(args));
	snprintf(what, sizeof(what), "%s(%s,%s, rwf %#x, pos %lld) [len %zu, free %zu]",
		 reading ? read_calls[call] : write_calls[call], f->name, args, rwf,
		 (long long)pos, model.len, model_free());

	count_call();
	switch (call) {
	case IO_PLAIN:
		ret = reading ? read(f->fd, (void *)a.seg[0].addr, a.seg[0].len) :
			     write(f->fd, (const void *)a.seg[0].addr, a.seg[0].len);
		break;
	case IO_VECTOR:
		ret = reading ? readv(f->fd, (const struct iovec *)a.array, (int)a.iovcnt) :
			     writev(f->fd, (const struct iovec *)a.array, (int)a.iovcnt);
		break;
	case IO_V2:
		ret = reading ? preadv2(f->fd, (const struct iovec *)a.array, (int)a.iovcnt, pos, rwf) :
			     pwritev2(f->fd, (const struct iovec *)a.array, (int)a.iovcnt, pos, rwf);
		break;
	default:
		ret = reading ? pread(f->fd, (void *)a.seg[0].addr, a.seg[0].len, pos) :
			     pwrite(f->fd, (const void *)a.seg[0].addr, a.seg[0].len, pos);
		break;
	}
	err = errno;

	if (judge(c, op, what, &e, ret, err) && ret > 0) {
		if (reading) {
			model_pop(expected, ret);
			gather(&a, ret, scratch);
			if (!spans_overlap(&a, ret) && memcmp(scratch, expected, ret))
				fail(c, "op %ld: %s read bytes that were not next in the FIFO",
				     op, what);
		} else {
			gather(&a, ret, scratch);
			model_push(scratch, ret);
		}
	}
	check_state(c, op, what);
}

/* A request word: ours, ours mangled, or anything but the VFS's own. */
static unsigned long random_request(uint64_t *rng)
{
	static const unsigned int ours[] = { RPIPE_GET_STATS, RPIPE_SET_CAPACITY, RPIPE_CLEAR };
	static const unsigned int sizes[] = { 0, 1, 4, 8, 39, 40, 41, 0x3fff };
	unsigned int cmd;
	bool vfs;

	do {
		switch (rng_below(rng, 20)) {
		case 0 ... 5:
			cmd = rng_pick(rng, ours);
			break;
		case 6 ... 10:	/* our numbers with any direction and size */
			cmd = _IOC(rng_below(rng, 4), RPIPE_IOC_MAGIC, 1 + rng_below(rng, 3),
				   rng_pick(rng, sizes));
			break;
		case 11 ... 13:	/* other numbers of our type */
			cmd = _IOC(rng_below(rng, 4), RPIPE_IOC_MAGIC, rng_below(rng, 256),
				   rng_below(rng, 1 << 14));
			break;
		case 14 ... 17:
			cmd = (unsigned int)rng_next(rng);
			break;
		default:	/* the kernel takes the low 32 bits of the request */
			return rng_next(rng) << 32 | rng_pick(rng, ours);
		}
		vfs = false;
		for (size_t i = 0; i < sizeof(vfs_ioctls) / sizeof(vfs_ioctls[0]); i++)
			vfs = vfs || (cmd & 0xffff) == vfs_ioctls[i];
	} while (vfs);
	return cmd;
}

static uint64_t random_capacity(uint64_t *rng, uint64_t len)
{
	switch (rng_below(rng, 14)) {
	case 0:
		return 0;
	case 1:
		return RPIPE_CAPACITY_MAX + 1 + rng_below(rng, 1000);
	case 2:
		return UINT64_MAX - rng_below(rng, 3);
	case 3:
		return rng_next(rng);
	case 4:		/* fewer than buffered: EBUSY */
		return len > 1 ? 1 + rng_below(rng, len - 1) : 1;
	case 5:
		return len ? len : 1;
	case 6:
		return rng_below(rng, 8) ? 1 + rng_below(rng, 64) : RPIPE_CAPACITY_MAX;
	case 7:		/* right in the low 32 bits only */
		return 1ULL << 32 | RPIPE_CAPACITY_DEFAULT;
	default:
		return len + 1 + rng_below(rng, 8192);
	}
}

/*
 * The argument of ioctl @cmd: for our commands a buffer of the size they
 * copy (holding a capacity for RPIPE_SET_CAPACITY), else anything.
 */
static struct seg ioctl_arg(uint64_t *rng, unsigned int cmd, uint64_t len, uint64_t *capacity)
{
	struct seg arg;

	if (cmd == RPIPE_GET_STATS)
		return hostile_seg(rng, sizeof(struct rpipe_stats));
	if (cmd == RPIPE_SET_CAPACITY) {
		arg = hostile_seg(rng, sizeof(*capacity));
		*capacity = random_capacity(rng, len);
		if (arg.writable >= sizeof(*capacity))
			memcpy((void *)arg.addr, capacity, sizeof(*capacity));
		else if (arg.readable >= sizeof(*capacity))
			memcpy(capacity, (void *)arg.addr, sizeof(*capacity));
		return arg;
	}
	if (rng_below(rng, 2))
		return hostile_seg(rng, _IOC_SIZE(cmd));
	return (struct seg){ .addr = rng_next(rng) };
}

/* What ioctl @cmd does on a driver file; shared with phase 2. */
static void expect_ioctl(struct expect *e, unsigned int cmd, const struct seg *arg,
			 uint64_t capacity, uint64_t len)
{
	switch (cmd) {
	case RPIPE_GET_STATS:
		if (arg->writable >= sizeof(struct rpipe_stats))
			allow_success(e, 0, 0);
		else
			allow_err(e, EFAULT);
		break;
	case RPIPE_SET_CAPACITY:
		if (arg->readable < sizeof(capacity)) {
			allow_err(e, EFAULT);
		} else if (capacity < RPIPE_CAPACITY_MIN || capacity > RPIPE_CAPACITY_MAX) {
			allow_err(e, EINVAL);
		} else if (capacity < len) {
			allow_err(e, EBUSY);
			allow_err(e, ENOMEM);
		} else {
			allow_success(e, 0, 0);
			allow_err(e, ENOMEM);
		}
		break;
	case RPIPE_CLEAR:
		allow_success(e, 0, 0);
		break;
	default:
		allow_err(e, ENOTTY);
		break;
	}
}

static void op_ioctl(uint64_t *rng, long op)
{
	struct fd_entry *f = pick_fd(rng, ANY_FD);
	unsigned long request = random_request(rng);
	unsigned int cmd = (unsigned int)request;
	uint64_t capacity = 0;
	struct seg arg = ioctl_arg(rng, cmd, model.len, &capacity);
	struct rpipe_stats copied;
	struct expect e = { 0 };
	char what[200];
	int ret, err;

	if (f->driver)
		expect_ioctl(&e, cmd, &arg, capacity, model.len);
	else
		allow_err(&e, EBADF);
	snprintf(what, sizeof(what),
		 "ioctl(%s, %#lx, %#lx(r%#zx,w%#zx)) [capacity %llu, len %zu, value %llu]",
		 f->name, request, (unsigned long)arg.addr, arg.readable, arg.writable,
		 (unsigned long long)model.stats.capacity, model.len,
		 (unsigned long long)capacity);

	count_call();
	ret = ioctl(f->fd, request, arg.addr);
	err = errno;
	if (judge(CASE_IOCTL, op, what, &e, ret, err)) {
		switch (cmd) {
		case RPIPE_GET_STATS:
			memcpy(&copied, (void *)arg.addr, sizeof(copied));
			if (!stats_equal(&copied, &model.stats))
				fail(CASE_IOCTL, "op %ld: %s gave " STATS_FMT ", the model says " STATS_FMT,
				     op, what, STATS_ARGS(copied), STATS_ARGS(model.stats));
			break;
		case RPIPE_SET_CAPACITY:
			model.stats.capacity = capacity;
			break;
		case RPIPE_CLEAR:
			model_clear();
			break;
		}
	}
	check_state(CASE_IOCTL, op, what);
}

static void model_open(const struct fd_entry *f, int delta)
{
	model.stats.readers += delta * f->can_read;
	model.stats.writers += delta * f->can_write;
}

static void close_entry(struct fd_entry *f)
{
	count_call();
	close(f->fd);
	model_open(f, -1);
	f->open = false;
}

static void op_open(uint64_t *rng, long op)
{
	static const int extras[] = {
		O_NONBLOCK, O_APPEND, O_TRUNC, O_CREAT, O_EXCL, O_NOCTTY, O_SYNC, O_DSYNC,
		O_DIRECT, O_NOATIME, O_NOFOLLOW, O_DIRECTORY, O_PATH, O_TMPFILE, O_ASYNC,
		O_LARGEFILE,
	};
	int flags = (int)rng_below(rng, 4), fd, err;
	struct fd_entry *slot = NULL;
	bool must_fail, path;
	char what[96];

	for (int i = POOL_FIXED; i < POOL_FIXED + POOL_DYNAMIC && !slot; i++)
		if (!pool[i].open)
			slot = &pool[i];
	if (!slot) {
		slot = &pool[POOL_FIXED + rng_below(rng, POOL_DYNAMIC)];
		close_entry(slot);
	}
	for (int n = (int)rng_below(rng, 4); n > 0; n--)
		flags |= rng_below(rng, 3) ? O_NONBLOCK : rng_pick(rng, extras);

	/*
	 * O_DIRECTORY (part of O_TMPFILE): ENOTDIR or EINVAL. O_PATH ignores
	 * the rest. O_DIRECT: EINVAL, after the driver's open (the VFS then
	 * releases the file). O_CREAT | O_EXCL: EEXIST.
	 */
	path = flags & O_PATH;
	must_fail = (flags & O_DIRECTORY) ||
		    (!path && ((flags & O_DIRECT) || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)));
	snprintf(what, sizeof(what), "open(%#o)", flags);

	count_call();
	fd = open(rpipe_device(), flags | O_CLOEXEC, 0600);
	err = errno;
	if (fd >= 0) {
		set_entry(slot, fd, flags);
		model_open(slot, 1);
		if (must_fail)
			fail(CASE_OTHER, "op %ld: %s succeeded", op, what);
	} else if (!must_fail || (err != EINVAL && err != ENOTDIR && err != EEXIST &&
				  err != EISDIR)) {
		fail(CASE_OTHER, "op %ld: %s failed: %s", op, what, strerrorname_np(err));
	}
	check_state(CASE_OTHER, op, what);
}

static void op_poll(uint64_t *rng, long op)
{
	static const short event_bits[] = {
		POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLPRI, POLLRDHUP, POLLRDBAND,
	};
	struct pollfd fds[4];
	struct fd_entry *entries[4];
	nfds_t nfds = 1 + rng_below(rng, 4);
	int timeout = rng_below(rng, 10) ? 0 : 1, expected_ready = 0, ret, err;
	struct expect e = { 0 };
	struct seg hostile;
	char what[128];

	if (rng_below(rng, 6) == 0) {
		hostile = hostile_seg(rng, nfds * sizeof(struct pollfd));
		if (rng_below(rng, 4) == 0)
			nfds = rng_below(rng, 2) ? 0 : TOO_MANY_FDS;
		snprintf(what, sizeof(what), "poll(%#lx, %lu)", (unsigned long)hostile.addr,
			 (unsigned long)nfds);
		/* Random bytes as struct pollfd: random descriptors, polled harmlessly. */
		if (nfds == TOO_MANY_FDS)
			allow_err(&e, EINVAL);
		else if (hostile.writable >= nfds * sizeof(struct pollfd))
			allow_success(&e, 0, nfds);
		else
			allow_err(&e, EFAULT);
		count_call();
		ret = poll((struct pollfd *)hostile.addr, nfds, 0);
		judge(CASE_OTHER, op, what, &e, ret, errno);
		check_state(CASE_OTHER, op, what);
		return;
	}

	for (nfds_t i = 0; i < nfds; i++) {
		entries[i] = pick_fd(rng, ANY_FD);
		fds[i].fd = rng_below(rng, 20) ? entries[i]->fd : -1;
		fds[i].events = 0;
		for (int n = (int)rng_below(rng, 4); n >= 0; n--)
			fds[i].events |= rng_pick(rng, event_bits);
	}
	snprintf(what, sizeof(what), "poll(%lu fds, timeout %d)", (unsigned long)nfds, timeout);
	count_call();
	ret = poll(fds, nfds, timeout);
	err = errno;
	if (ret < 0) {
		fail(CASE_OTHER, "op %ld: %s failed: %s", op, what, strerrorname_np(err));
		return;
	}
	for (nfds_t i = 0; i < nfds; i++) {
		short want;

		if (fds[i].fd < 0)
			want = 0;
		else if (!entries[i]->driver)
			want = POLLNVAL;
		else
			want = model_events(entries[i]) & (fds[i].events | POLLERR | POLLHUP);
		expected_ready += want != 0;
		if (fds[i].revents != want)
			fail(CASE_OTHER, "op %ld: %s: %s asked %#x, got %#x, expected %#x [len %zu, free %zu]",
			     op, what, entries[i]->name, fds[i].events, fds[i].revents, want,
			     model.len, model_free());
	}
	if (ret != expected_ready)
		fail(CASE_OTHER, "op %ld: %s returned %d, expected %d", op, what, ret,
		     expected_ready);
	check_state(CASE_OTHER, op, what);
}

static void op_epoll(uint64_t *rng, long op)
{
	struct fd_entry *f = pick_fd(rng, ANY_FD);
	struct epoll_event events[POOL_FIXED + POOL_DYNAMIC];
	struct expect e = { 0 };
	char what[96];
	int ret, err;

	if (rng_below(rng, 2)) {
		bool add = !f->epoll_events || rng_below(rng, 4) == 0;
		struct epoll_event event = {
			.events = ((uint32_t)rng_below(rng, 16) & (EPOLLIN | EPOLLOUT)) |
				  (rng_below(rng, 2) ? EPOLLRDNORM | EPOLLWRNORM : 0),
			.data.ptr = f,
		};

		if (!event.events)
			event.events = EPOLLIN;
		snprintf(what, sizeof(what), "epoll_ctl(%s, %s, %#x)", add ? "ADD" : "DEL",
			 f->name, event.events);
		if (!f->driver)
			allow_err(&e, EBADF);
		else if (add && f->epoll_events)
			allow_err(&e, EEXIST);
		else if (!add && !f->epoll_events)
			allow_err(&e, ENOENT);
		else
			allow_success(&e, 0, 0);
		count_call();
		ret = epoll_ctl(epoll_fd, add ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, f->fd, &event);
		if (judge(CASE_OTHER, op, what, &e, ret, errno))
			f->epoll_events = add ? event.events : 0;
		check_state(CASE_OTHER, op, what);
		return;
	}

	/* Level-triggered: every registered file that is ready, and no other. */
	snprintf(what, sizeof(what), "epoll_wait");
	count_call();
	ret = epoll_wait(epoll_fd, events, POOL_FIXED + POOL_DYNAMIC, 0);
	err = errno;
	if (ret < 0) {
		fail(CASE_OTHER, "op %ld: epoll_wait: %s", op, strerrorname_np(err));
		return;
	}
	for (int i = 0; i < POOL_FIXED + POOL_DYNAMIC; i++) {
		struct fd_entry *g = &pool[i];
		uint32_t want = g->open ? model_events(g) & g->epoll_events : 0, got = 0;

		for (int j = 0; j < ret; j++)
			if (events[j].data.ptr == g)
				got = events[j].events;
		if (got != want)
			fail(CASE_OTHER, "op %ld: epoll_wait: %s registered for %#x reported %#x, expected %#x [len %zu, free %zu]",
			     op, g->name, g->epoll_events, got, want, model.len, model_free());
	}
	check_state(CASE_OTHER, op, what);
}

/* Checks the rpipe- lines of /proc/self/fdinfo/<fd> against the model. */
static void op_fdinfo(uint64_t *rng, long op)
{
	struct fd_entry *f;
	char path[64], line[128], access[16] = "";
	const char *want_access;
	unsigned long long len = ~0ULL, capacity = ~0ULL;
	int lines = 0;
	FILE *file;

	do
		f = pick_fd(rng, ANY_FD);
	while (f == closed_fd);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", f->fd);
	count_call();
	file = fopen(path, "re");
	if (!file) {
		fail(CASE_OTHER, "op %ld: %s: %s", op, path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), file)) {
		lines += sscanf(line, "rpipe-access: %15s", access) == 1;
		lines += sscanf(line, "rpipe-len: %llu", &len) == 1;
		lines += sscanf(line, "rpipe-capacity: %llu", &capacity) == 1;
	}
	fclose(file);
	if (!f->driver) {
		if (lines)
			fail(CASE_OTHER, "op %ld: %s of an O_PATH file has rpipe- lines", op, path);
		return;
	}
	want_access = f->can_read ? (f->can_write ? "read-write" : "read") :
				    (f->can_write ? "write" : "none");
	if (lines != 3 || strcmp(access, want_access) || len != model.len ||
	    capacity != model.stats.capacity)
		fail(CASE_OTHER, "op %ld: %s: access %s len %llu capacity %llu, expected %s %zu %llu",
		     op, path, access, len, capacity, want_access, model.len,
		     (unsigned long long)model.stats.capacity);
}

static void op_misc(uint64_t *rng, long op)
{
	struct fd_entry *f = pick_fd(rng, ANY_FD);
	struct expect e = { 0 };
	char what[128];
	long ret;
	int err;

	switch (rng_below(rng, 4)) {
	case 0: {
		int whence = (int)rng_below(rng, 7);
		off_t offset = random_offset(rng);

		snprintf(what, sizeof(what), "lseek(%s, %lld, %d)", f->name, (long long)offset,
			 whence);
		allow_err(&e, !f->driver ? EBADF : whence > SEEK_HOLE ? EINVAL : ESPIPE);
		count_call();
		ret = lseek(f->fd, offset, whence);
		err = errno;
		break;
	}
	case 1: {
		static const int prots[] = { PROT_NONE, PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE };
		size_t len = PAGE * (1 + rng_below(rng, 4));
		int prot = rng_pick(rng, prots), flags = rng_below(rng, 2) ? MAP_SHARED : MAP_PRIVATE;
		void *map;

		snprintf(what, sizeof(what), "mmap(%s, %zu, prot %d, flags %d)", f->name, len, prot,
			 flags);
		/* No mmap in the driver: ENODEV, or EACCES/EBADF for the access mode. */
		allow_err(&e, ENODEV);
		allow_err(&e, EACCES);
		allow_err(&e, EBADF);
		count_call();
		map = mmap(NULL, len, prot, flags, f->fd, (off_t)(PAGE * rng_below(rng, 4)));
		err = errno;
		ret = map == MAP_FAILED ? -1 : 0;
		if (map != MAP_FAILED)
			munmap(map, len);
		break;
	}
	case 2: {
		int set;

		if (f < &pool[POOL_FIXED] || f == closed_fd || !f->driver) {
			op_fdinfo(rng, op);
			return;
		}
		set = (f->flags & ~O_ACCMODE) ^ O_NONBLOCK;
		snprintf(what, sizeof(what), "fcntl(%s, F_SETFL, %#o)", f->name, set);
		allow_success(&e, 0, 0);
		count_call();
		ret = fcntl(f->fd, F_SETFL, set);
		err = errno;
		if (ret == 0) {
			f->flags ^= O_NONBLOCK;
			f->nonblock = f->flags & O_NONBLOCK;
			name_entry(f);
		}
		break;
	}
	default:
		op_fdinfo(rng, op);
		return;
	}
	judge(CASE_OTHER, op, what, &e, ret, err);
	check_state(CASE_OTHER, op, what);
}

static void single_thread_phase(uint64_t seed)
{
	uint64_t rng = seed;

	for (long op = 0; op < SINGLE_THREAD_OPS; op++) {
		uint64_t dice = rng_below(&rng, 100);
		struct fd_entry *f;

		if (dice < 25)
			op_ioctl(&rng, op);
		else if (dice < 48)
			op_io(&rng, op, true);
		else if (dice < 71)
			op_io(&rng, op, false);
		else if (dice < 78)
			op_open(&rng, op);
		else if (dice < 82) {
			f = &pool[POOL_FIXED + rng_below(&rng, POOL_DYNAMIC)];
			if (f->open) {
				close_entry(f);
				check_state(CASE_OTHER, op, "close");
			}
		} else if (dice < 88)
			op_poll(&rng, op);
		else if (dice < 94)
			op_epoll(&rng, op);
		else
			op_misc(&rng, op);
	}
	for (int i = POOL_FIXED; i < POOL_FIXED + POOL_DYNAMIC; i++)
		if (pool[i].open)
			close_entry(&pool[i]);
	check_state(CASE_OTHER, SINGLE_THREAD_OPS, "closing everything");
}

/* ---- phase 2: threads ---- */

struct worker {
	pthread_t thread;
	int id;
	uint64_t rng;
	int fds[3];		/* read-write, read-only, write-only; all O_NONBLOCK */
	uint64_t written, read;
	struct rpipe_stats last;	/* the last counters this thread saw */
};

static void worker_fail(int id, long op, const char *what, long ret, int err)
{
	char got[32];

	fail(CASE_THREADS, "thread %d op %ld: %s returned %s", id, op, what,
	     result_name(ret, err, got, sizeof(got)));
}

/* The counters seen by one thread never go back, and are consistent. */
static void worker_check_stats(struct worker *w, int id, long op, const struct rpipe_stats *s)
{
	if (s->capacity < RPIPE_CAPACITY_MIN || s->capacity > RPIPE_CAPACITY_MAX ||
	    s->len > s->capacity || s->bytes_read > s->bytes_written ||
	    s->bytes_written < w->last.bytes_written || s->bytes_read < w->last.bytes_read)
		fail(CASE_THREADS, "thread %d op %ld: RPIPE_GET_STATS " STATS_FMT " after " STATS_FMT,
		     id, op, STATS_ARGS(*s), STATS_ARGS(w->last));
	w->last = *s;
}

static void worker_io(struct worker *w, int id, long op, bool reading, bool hostile)
{
	/* The read-write file, or the read-only or write-only one. */
	int fd = w->fds[rng_below(&w->rng, 2) ? 0 : reading ? 1 : 2];
	struct io_args a;
	bool vector = hostile && rng_below(&w->rng, 2);
	enum reach reach;
	size_t total, prefix;
	int refusal;
	ssize_t ret;
	char what[256], args[200];
	int err;

	if (vector)
		vector_args(&w->rng, &a);
	else
		plain_args(&a, hostile ? hostile_seg(&w->rng, random_length(&w->rng)) :
					 arena_seg(&w->rng, 1 + rng_below(&w->rng, 4096)));
	count_call();
	if (vector)
		ret = reading ? readv(fd, (const struct iovec *)a.array, (int)a.iovcnt) :
			     writev(fd, (const struct iovec *)a.array, (int)a.iovcnt);
	else
		ret = reading ? read(fd, (void *)a.seg[0].addr, a.seg[0].len) :
			     write(fd, (const void *)a.seg[0].addr, a.seg[0].len);
	err = errno;

	if (ret > 0)
		*(reading ? &w->read : &w->written) += ret;

	/*
	 * Never more than could be copied, never a byte from or to memory the
	 * caller cannot access, EFAULT only if some of it is inaccessible.
	 */
	reach = args_reach(&a, &refusal);
	total = args_total(&a);
	prefix = args_prefix(&a, reading);
	if (ret >= 0 && reach != REFUSED && (size_t)ret <= min_size(total, prefix) &&
	    (ret > 0 || total == 0))
		return;
	if (ret < 0 && reach != ACCEPTED && err == refusal)
		return;
	if (ret < 0 && reach != REFUSED && total &&
	    (err == EAGAIN || (err == EFAULT && prefix < total)))
		return;
	describe_args(&a, args, sizeof(args));
	snprintf(what, sizeof(what), "%s(%s)", reading ? (vector ? "readv" : "read") :
						       (vector ? "writev" : "write"), args);
	worker_fail(id, op, what, ret, err);
}

static void worker_ioctl(struct worker *w, int id, long op)
{
	unsigned long request = random_request(&w->rng);
	unsigned int cmd = (unsigned int)request;
	uint64_t capacity = 0;
	struct seg arg = ioctl_arg(&w->rng, cmd, 0, &capacity);
	unsigned char local[sizeof(struct rpipe_stats) + 8];
	struct expect e = { 0 };
	struct rpipe_stats copied;
	char what[96];
	int ret, err;

	/*
	 * Other threads read into the arena: a valid argument of ours moves to
	 * the stack, as misaligned as it was.
	 */
	if ((cmd == RPIPE_GET_STATS || cmd == RPIPE_SET_CAPACITY) && arg.writable == arg.len) {
		arg.addr = (uintptr_t)local + (arg.addr & 7);
		memcpy((void *)arg.addr, &capacity, sizeof(capacity));
	}
	/* Any capacity in range may meet more buffered bytes: EBUSY. */
	expect_ioctl(&e, cmd, &arg, capacity, 0);
	if (cmd == RPIPE_SET_CAPACITY && e.may_succeed)
		allow_err(&e, EBUSY);
	count_call();
	ret = ioctl(w->fds[0], request, arg.addr);
	err = errno;
	if (acceptable(&e, ret, err)) {
		if (cmd == RPIPE_GET_STATS && ret == 0) {
			memcpy(&copied, (void *)arg.addr, sizeof(copied));
			worker_check_stats(w, id, op, &copied);
		}
		return;
	}
	snprintf(what, sizeof(what), "ioctl(%#lx, %#lx, capacity %llu)", request,
		 (unsigned long)arg.addr, (unsigned long long)capacity);
	worker_fail(id, op, what, ret, err);
}

static void worker_poll(struct worker *w, int id, long op)
{
	struct pollfd fds[3] = {
		{ w->fds[0], POLLIN | POLLOUT, 0 },
		{ w->fds[1], POLLIN | POLLOUT | POLLRDNORM, 0 },
		{ w->fds[2], POLLIN | POLLOUT | POLLWRNORM, 0 },
	};
	const short allowed[3] = {
		POLLIN | POLLOUT, POLLIN | POLLRDNORM, POLLOUT | POLLWRNORM,
	};
	int ret, ready = 0;

	count_call();
	ret = poll(fds, 3, (int)rng_below(&w->rng, 2));
	for (int i = 0; i < 3; i++) {
		ready += fds[i].revents != 0;
		if (fds[i].revents & ~allowed[i])
			fail(CASE_THREADS, "thread %d op %ld: poll of fd %d gave %#x", id, op, i,
			     fds[i].revents);
	}
	if (ret != ready)
		worker_fail(id, op, "poll", ret, errno);
}

/* Opens a file, looks at its fdinfo and uses it a little, then closes it. */
static void worker_open(struct worker *w, int id, long op)
{
	static const char *const access_names[] = { "read", "write", "read-write", "none" };
	int mode = (int)rng_below(&w->rng, 4), fd;
	char path[64], line[128], access[16] = "";
	unsigned long long len = ~0ULL, capacity = 0;
	FILE *file;

	count_call();
	fd = open(rpipe_device(), mode | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		worker_fail(id, op, "open", fd, errno);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	count_call();
	file = fopen(path, "re");
	if (file) {
		while (fgets(line, sizeof(line), file)) {
			sscanf(line, "rpipe-access: %15s", access);
			sscanf(line, "rpipe-len: %llu", &len);
			sscanf(line, "rpipe-capacity: %llu", &capacity);
		}
		fclose(file);
	}
	if (strcmp(access, access_names[mode]) || len > capacity || capacity > RPIPE_CAPACITY_MAX)
		fail(CASE_THREADS, "thread %d op %ld: %s: access %s len %llu capacity %llu", id, op,
		     path, access, len, capacity);
	count_call();
	if (lseek(fd, 0, SEEK_CUR) != -1 || errno != ESPIPE)
		worker_fail(id, op, "lseek", -1, errno);
	count_call();
	close(fd);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int id = w->id;

	for (long op = 0; op < OPS_PER_THREAD; op++) {
		uint64_t dice = rng_below(&w->rng, 20);

		if (dice < 5)
			worker_io(w, id, op, false, false);
		else if (dice < 10)
			worker_io(w, id, op, true, false);
		else if (dice < 12)
			worker_io(w, id, op, false, true);
		else if (dice < 14)
			worker_io(w, id, op, true, true);
		else if (dice < 17)
			worker_ioctl(w, id, op);
		else if (dice < 18)
			worker_poll(w, id, op);
		else
			worker_open(w, id, op);
	}
	return NULL;
}

/*
 * Runs the workers on fresh descriptors and checks that the counters account
 * for what they moved, that every open was matched by a release, and that
 * the pipe holds exactly what is left.
 */
static bool threads_phase(uint64_t seed)
{
	static const int modes[3] = { O_RDWR, O_RDONLY, O_WRONLY };
	static struct worker workers[THREADS];
	struct rpipe_stats before, after;
	uint64_t written = 0, read_bytes = 0, drained = 0;
	uint8_t buf[4096];
	bool ok = true;
	ssize_t n;

	ok = ktap_check(ok, get_stats(stats_fd->fd, &before), "RPIPE_GET_STATS");
	for (int i = 0; ok && i < THREADS; i++) {
		workers[i].id = i;
		workers[i].rng = seed ^ (0x1000003ULL * (i + 1));
		workers[i].last = before;
		for (int j = 0; j < 3; j++) {
			workers[i].fds[j] = rpipe_open(modes[j] | O_NONBLOCK);
			ok = ok && workers[i].fds[j] >= 0;
		}
		ok = ok && !pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
	}
	if (!ok) {
		ktap_diag("cannot start the threads");
		exit(1);
	}
	for (int i = 0; i < THREADS; i++) {
		/* The watchdog fails the program if a thread hangs. */
		pthread_join(workers[i].thread, NULL);
		for (int j = 0; j < 3; j++)
			close(workers[i].fds[j]);
		written += workers[i].written;
		read_bytes += workers[i].read;
	}

	ok = ktap_check(ok, get_stats(stats_fd->fd, &after), "RPIPE_GET_STATS");
	ktap_diag("threads wrote %llu bytes and read %llu; " STATS_FMT,
		  (unsigned long long)written, (unsigned long long)read_bytes, STATS_ARGS(after));
	ok = ktap_check(ok, after.bytes_written - before.bytes_written == written,
			"bytes_written grew by %llu, the threads wrote %llu",
			(unsigned long long)(after.bytes_written - before.bytes_written),
			(unsigned long long)written);
	ok = ktap_check(ok, after.bytes_read - before.bytes_read == read_bytes,
			"bytes_read grew by %llu, the threads read %llu",
			(unsigned long long)(after.bytes_read - before.bytes_read),
			(unsigned long long)read_bytes);
	ok = ktap_check(ok, after.readers == before.readers && after.writers == before.writers,
			"readers %u writers %u, %u and %u before", after.readers, after.writers,
			before.readers, before.writers);
	while ((n = read(stats_fd->fd, buf, sizeof(buf))) > 0)
		drained += n;
	ok = ktap_check(ok, n < 0 && errno == EAGAIN, "draining the pipe");
	ok = ktap_check(ok, drained == after.len, "drained %llu bytes, len was %llu",
			(unsigned long long)drained, (unsigned long long)after.len);
	return ok && case_failures[CASE_THREADS] == 0;
}

/* ---- the kernel log ---- */

/* Reports every record logged since kmsg_open(); true if there was none. */
static bool kmsg_silent(int fd)
{
	char record[1024];
	int records = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, record, sizeof(record) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten records: go on */
			continue;
		if (n <= 0)
			break;
		record[n] = '\0';
		record[strcspn(record, "\n")] = '\0';
		if (records++ < MAX_DIAGS)
			ktap_diag("kernel log: %s", record);
	}
	if (n < 0 && errno != EAGAIN)
		ktap_diag("reading /dev/kmsg: %s", strerror(errno));
	if (records)
		ktap_diag("%d kernel log records", records);
	return records == 0 && n < 0 && errno == EAGAIN;
}

static void watchdog(int sig)
{
	static const char message[] = "# watchdog: a call hung, giving up\n";

	(void)sig;
	/* Only async-signal-safe calls here. */
	if (write(STDOUT_FILENO, message, sizeof(message) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* Shows that the calls of phase 1 reached every outcome, not only one. */
static void print_outcomes(void)
{
	char line[512];
	int len = snprintf(line, sizeof(line), "phase 1 outcomes: %llu successes",
			   (unsigned long long)successes);

	for (int err = 1; err <= EHWPOISON && len > 0 && (size_t)len < sizeof(line); err++)
		if (errors[err])
			len += snprintf(line + len, sizeof(line) - len, ", %llu %s",
					(unsigned long long)errors[err], strerrorname_np(err));
	ktap_diag("%s", line);
}

static bool case_result(enum test_case c, const char *name)
{
	if (case_failures[c])
		ktap_diag("%d failures", case_failures[c]);
	return ktap_result(case_failures[c] == 0, name);
}

int main(void)
{
	long long start = rpipe_now_ms();
	uint64_t seed, rng;
	int kmsg;
	bool ok;

	ktap_plan(6);
	if (!fuzz_seed(DEFAULT_SEED, &seed))
		return 1;
	rng = seed;
	signal(SIGALRM, watchdog);
	alarm(WATCHDOG_S);

	kmsg = kmsg_open();
	if (kmsg < 0 || !rpipe_reset() || !setup_memory(&rng) || !setup_pool() ||
	    !get_stats(stats_fd->fd, &model.stats) || model.stats.len != 0) {
		ktap_diag("setup failed: %s", strerror(errno));
		return 1;
	}

	single_thread_phase(rng_next(&rng));
	print_outcomes();
	case_result(CASE_IOCTL, "ioctl_random_commands_and_arguments");
	case_result(CASE_READ, "read_readv_preadv2_hostile_buffers");
	case_result(CASE_WRITE, "write_writev_pwritev2_hostile_buffers");
	case_result(CASE_OTHER, "open_close_poll_epoll_lseek_mmap_fdinfo");

	ok = threads_phase(rng_next(&rng));
	if (case_failures[CASE_THREADS])
		ktap_diag("%d failures", case_failures[CASE_THREADS]);
	ktap_result(ok, "threads_mixing_hostile_and_valid_calls");

	for (int i = 0; i < POOL_FIXED; i++)
		close(pool[i].fd);
	close(epoll_fd);
	ok = rpipe_reset();
	ktap_diag("stat fuzz_iterations=%llu", (unsigned long long)calls);
	ktap_diag("%llu calls in %lld ms", (unsigned long long)calls, rpipe_now_ms() - start);
	ktap_result(kmsg_silent(kmsg) && ok, "kernel_log_stays_silent");
	return ktap_finish();
}

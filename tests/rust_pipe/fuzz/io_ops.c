// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_pipe fuzzer (main.c), phase 1: read(2), readv(2),
 * preadv2(2), pread(2) and their write counterparts with hostile buffers,
 * RWF_ flags and offsets. What the VFS refuses before the driver is called,
 * what the driver then moves per the model, and, after a success, that the
 * bytes read are the next ones in the FIFO.
 */
#include "../rpipe_test.h"

#include <sys/uio.h>

#include "fuzz.h"
#include "segs.h"
#include "expect.h"
#include "model.h"
#include "io_ops.h"

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

off_t random_offset(uint64_t *rng)
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

void op_io(uint64_t *rng, long op, bool reading)
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_pipe fuzzer (main.c): ioctl(2) with random requests
 * (ours, ours with the wrong size or direction, other numbers, 64-bit words
 * whose upper half the kernel drops) and arguments, and what the driver must
 * answer. The request and argument generators and expect_ioctl() serve phase
 * 2 too.
 */
#include "../rpipe_test.h"

#include "fuzz.h"
#include "segs.h"
#include "expect.h"
#include "model.h"
#include "ioctl_ops.h"

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

/* A request word: ours, ours mangled, or anything but the VFS's own. */
unsigned long random_request(uint64_t *rng)
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
struct seg ioctl_arg(uint64_t *rng, unsigned int cmd, uint64_t len, uint64_t *capacity)
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
void expect_ioctl(struct expect *e, unsigned int cmd, const struct seg *arg,
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

void op_ioctl(uint64_t *rng, long op)
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

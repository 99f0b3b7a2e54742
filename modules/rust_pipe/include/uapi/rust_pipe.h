/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rust_pipe: a bounded byte FIFO shared by every opener of /dev/rust-pipe.
 *
 * read(2) and write(2) move bytes in FIFO order; a write copies as many bytes
 * as fit (at least one) and never interleaves with another write. Both block
 * while the pipe is empty (read) or full (write), or fail with EAGAIN under
 * O_NONBLOCK. poll(2) reports POLLIN | POLLRDNORM on files open for reading
 * while bytes are buffered, POLLOUT | POLLWRNORM on files open for writing
 * while there is space. lseek(2) fails with ESPIPE.
 *
 * Unlike pipe(2) there is no end of file and no EPIPE: closing the last
 * writer does not wake readers, and a reader with no writer blocks until a
 * writer appears (or a signal, or O_NONBLOCK's EAGAIN). The readers and
 * writers counts of RPIPE_GET_STATS are for information only.
 *
 * While a file is open the module is in use: rmmod fails until it is closed.
 */
#ifndef _UAPI_RUST_PIPE_H
#define _UAPI_RUST_PIPE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define RPIPE_DEVICE_PATH	"/dev/rust-pipe"

/* Bounds of the capacity module parameter and of RPIPE_SET_CAPACITY. */
#define RPIPE_CAPACITY_MIN	1
#define RPIPE_CAPACITY_MAX	1048576
#define RPIPE_CAPACITY_DEFAULT	4096

/**
 * struct rpipe_stats - the pipe's state, from RPIPE_GET_STATS
 * @capacity: most bytes the pipe can hold
 * @len: bytes buffered now
 * @bytes_written: bytes written since the module was loaded
 * @bytes_read: bytes read since the module was loaded
 * @readers: open files with read access
 * @writers: open files with write access
 */
struct rpipe_stats {
	__u64 capacity;
	__u64 len;
	__u64 bytes_written;
	__u64 bytes_read;
	__u32 readers;
	__u32 writers;
};

#define RPIPE_IOC_MAGIC		0xB7

/* Fills in a struct rpipe_stats. */
#define RPIPE_GET_STATS		_IOR(RPIPE_IOC_MAGIC, 1, struct rpipe_stats)
/*
 * Resizes the pipe, keeping the buffered bytes in order, and wakes writers.
 * EINVAL outside RPIPE_CAPACITY_MIN..RPIPE_CAPACITY_MAX; EBUSY if more bytes
 * are buffered than the new capacity.
 */
#define RPIPE_SET_CAPACITY	_IOW(RPIPE_IOC_MAGIC, 2, __u64)
/* Drops the buffered bytes and wakes writers. */
#define RPIPE_CLEAR		_IO(RPIPE_IOC_MAGIC, 3)

#endif /* _UAPI_RUST_PIPE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_pipe fuzzer (main.c), phase 1: read(2), readv(2),
 * preadv2(2), pread(2) and their write counterparts with hostile buffers,
 * RWF_ flags and offsets. What the VFS refuses before the driver is called,
 * what the driver then moves per the model, and, after a success, that the
 * bytes read are the next ones in the FIFO.
 */
#ifndef RKM_TESTS_RUST_PIPE_FUZZ_IO_OPS_H
#define RKM_TESTS_RUST_PIPE_FUZZ_IO_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

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

enum io_call { IO_PLAIN, IO_VECTOR, IO_V2, IO_POSITIONED };

off_t random_offset(uint64_t *rng);

void op_io(uint64_t *rng, long op, bool reading);

#endif /* RKM_TESTS_RUST_PIPE_FUZZ_IO_OPS_H */

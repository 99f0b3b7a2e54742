/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_pipe fuzzer (main.c): ioctl(2) with random requests
 * (ours, ours with the wrong size or direction, other numbers, 64-bit words
 * whose upper half the kernel drops) and arguments, and what the driver must
 * answer. The request and argument generators and expect_ioctl() serve phase
 * 2 too.
 */
#ifndef RKM_TESTS_RUST_PIPE_FUZZ_IOCTL_OPS_H
#define RKM_TESTS_RUST_PIPE_FUZZ_IOCTL_OPS_H

#include <stdint.h>

#include "segs.h"
#include "expect.h"

unsigned long random_request(uint64_t *rng);

struct seg ioctl_arg(uint64_t *rng, unsigned int cmd, uint64_t len, uint64_t *capacity);

void expect_ioctl(struct expect *e, unsigned int cmd, const struct seg *arg,
		  uint64_t capacity, uint64_t len);

void op_ioctl(uint64_t *rng, long op);

#endif /* RKM_TESTS_RUST_PIPE_FUZZ_IOCTL_OPS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the rust_pipe fuzzer (main.c), phase 1: the calls on descriptors
 * rather than data. open(2) with random flags and close(2) of the dynamic
 * descriptors, poll(2) and epoll against the events the model implies,
 * lseek(2), mmap(2), fcntl(F_SETFL) and the rpipe- lines of
 * /proc/self/fdinfo.
 */
#ifndef RKM_TESTS_RUST_PIPE_FUZZ_FD_OPS_H
#define RKM_TESTS_RUST_PIPE_FUZZ_FD_OPS_H

#include <stdint.h>

#include "model.h"

/* More poll(2) descriptors than RLIMIT_NOFILE can allow: EINVAL. */
#define TOO_MANY_FDS		(1UL << 30)

void close_entry(struct fd_entry *f);

void op_open(uint64_t *rng, long op);

void op_poll(uint64_t *rng, long op);

void op_epoll(uint64_t *rng, long op);

void op_misc(uint64_t *rng, long op);

#endif /* RKM_TESTS_RUST_PIPE_FUZZ_FD_OPS_H */

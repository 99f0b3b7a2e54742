/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the rust_edu test programs. Include it first: it
 * defines _GNU_SOURCE. Every program expects rust_edu loaded and bound to
 * the VM's edu device, and leaves no interrupt bit pending behind it.
 */
#ifndef REDU_TEST_H
#define REDU_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <uapi/rust_edu.h>

#include "ktap.h"

static inline int redu_open(int flags)
{
	int fd = open(REDU_DEVICE_PATH, flags | O_CLOEXEC);

	if (fd < 0)
		ktap_diag("open(%s, %#x): %s", REDU_DEVICE_PATH, flags,
			  strerror(errno));
	return fd;
}

static inline bool redu_stats(int fd, struct redu_stats *stats)
{
	if (ioctl(fd, REDU_GET_STATS, stats) == 0)
		return true;
	ktap_diag("REDU_GET_STATS: %s", strerror(errno));
	return false;
}

/* n! modulo 2^32, as the device computes it. */
static inline uint32_t redu_factorial_reference(uint32_t n)
{
	uint32_t product = 1;

	for (uint32_t k = 2; k <= n; k++)
		product *= k;
	return product;
}

/* Returns 0 with *result set, or the errno of REDU_FACTORIAL. */
static inline int redu_factorial(int fd, uint32_t n, uint32_t *result)
{
	struct redu_factorial f = { .n = n, .result = 0xdeadbeef };

	if (ioctl(fd, REDU_FACTORIAL, &f) < 0)
		return errno;
	*result = f.result;
	return 0;
}

/* Returns 0, or the errno of REDU_DMA_WRITE / REDU_DMA_READ. */
static inline int redu_dma(int fd, unsigned long cmd, void *buf,
			   uint32_t offset, uint32_t len)
{
	struct redu_dma d = {
		.addr = (uintptr_t)buf, .offset = offset, .len = len,
	};

	return ioctl(fd, cmd, &d) < 0 ? errno : 0;
}

static inline uint64_t redu_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* The byte at @i of the pattern numbered @seed. */
static inline uint8_t redu_pattern(uint32_t seed, uint32_t i)
{
	uint32_t x = (seed + 1) * 2654435761u ^ (i * 40503u);

	return (uint8_t)(x ^ (x >> 13) ^ (x >> 24));
}

#endif /* REDU_TEST_H */

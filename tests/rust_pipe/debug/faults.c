// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation fault injection into the entry points of /dev/rust-pipe that
 * allocate (run by `make check-debug` with the module loaded): open(2),
 * which allocates the per-open state, and RPIPE_SET_CAPACITY, which
 * allocates the replacement ring. A failure must be ENOMEM and leave the
 * pipe's state (RPIPE_GET_STATS) as it was. See tests/lib/faultsweep.h.
 */
#include "rust_pipe/rpipe_test.h"
#include "faultsweep.h"
#include "ktap.h"

/* A ring this big comes from vmalloc: page allocations are faulted too. */
#define LARGE_CAPACITY RPIPE_CAPACITY_MAX

static void pipe_state(char *buf, size_t size)
{
	struct rpipe_stats stats;
	int fd = open(rpipe_device(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, RPIPE_GET_STATS, &stats)) {
		snprintf(buf, size, "RPIPE_GET_STATS: %s", strerror(errno));
	} else {
		/* Without this snapshot's own reader, counted the same way each time. */
		snprintf(buf, size, "capacity %llu, len %llu, %u readers, %u writers",
			 (unsigned long long)stats.capacity, (unsigned long long)stats.len,
			 stats.readers - 1, stats.writers);
	}
	if (fd >= 0)
		close(fd);
}

static int open_pipe(void)
{
	return faulty_open(rpipe_device(), O_RDWR | O_NONBLOCK);
}

static int set_capacity(uint64_t capacity)
{
	return faulty_ioctl(rpipe_device(), RPIPE_SET_CAPACITY, &capacity);
}

static int grow(void)
{
	return set_capacity(LARGE_CAPACITY);
}

static int restore_capacity(void)
{
	return rpipe_reset() ? 0 : -EIO;
}

static bool setup(void)
{
	return fault_injection_init() && rpipe_reset();
}

static bool open_sweep(void)
{
	return fault_sweep(&(struct fault_sweep){
		.name = "open",
		.run = open_pipe,
		.state = pipe_state,
	});
}

static bool set_capacity_sweep(void)
{
	return fault_sweep(&(struct fault_sweep){
		.name = "RPIPE_SET_CAPACITY",
		.setup = restore_capacity,
		.run = grow,
		.undo = restore_capacity,
		.state = pipe_state,
	});
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE_NAMED("allocation failures in open are clean", open_sweep),
		KTAP_CASE_NAMED("allocation failures in RPIPE_SET_CAPACITY are clean",
				set_capacity_sweep),
	};

	return ktap_run_after(setup, cases, ARRAY_SIZE(cases));
}

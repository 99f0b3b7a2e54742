// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_platform fuzzer (main.c): its sequential cases.
 * Phase 1 checks each write of the seed's sequence against the model and
 * reads the bank back after it; bad_buffers() hands the kernel buffers it
 * cannot copy.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "ktap.h"
#include "fuzzer.h"

/* -------- phase 1: sequential -------- */

static const char *const outcome_names[] = { "accepted", "EINVAL", "ERANGE", "EACCES", "empty" };

static int outcome(long result)
{
	switch (result) {
	case -EINVAL:
		return 1;
	case -ERANGE:
		return 2;
	case -EACCES:
		return 3;
	case 0:
		return 4;
	default:
		return 0;
	}
}

bool sequential(uint64_t seed)
{
	static unsigned char input[INPUT_MAX];
	unsigned int outcomes[5] = { 0 };
	char shown_input[400], what[600];
	struct regs model[2];
	uint64_t rng = seed;
	int i, bank, attr, kind;
	double start = now();
	struct files f;
	long expected, result;
	bool ok = true;
	size_t len;

	ok = ktap_check(ok, files_open(&f), "opening the files of both banks");
	if (!ok)
		return false;
	for (bank = 0; bank < 2; bank++)
		ok = ktap_check(ok, regs_read(&f, bank, &model[bank]), "reading bank %d", bank);

	for (i = 0; ok && i < SEQUENTIAL_WRITES && now() - start < SEQUENTIAL_SECONDS; i++) {
		bank = rng_below(&rng, 2);
		attr = pick_attr(&rng);
		kind = rng_below(&rng, KINDS);
		len = make_input(&rng, &banks[bank], attr, kind, input);

		expected = predict(&banks[bank], attr, input, len, &model[bank]);
		result = file_write(&f, bank, attr, input, len);
		outcomes[outcome(result)]++;
		escaped(input, len, shown_input, sizeof(shown_input));
		snprintf(what, sizeof(what), "write %d of \"%s\" to %s", i, shown_input,
			 attr_names[attr]);
		ok = ktap_check(ok, result == expected, "%s/%s <- \"%s\": %ld, expected %ld",
				banks[bank].dev.name, attr_names[attr], shown_input, result,
				expected);
		ok = bank_matches(&f, bank, &model[bank], what) && ok;
	}
	files_close(&f);

	ktap_diag("sequential: %d writes in %.1f s%s: %u accepted, %u EINVAL, %u ERANGE, "
		  "%u EACCES, %u empty", i, now() - start, ok ? "" : " (stopped at a failure)",
		  outcomes[0], outcomes[1], outcomes[2], outcomes[3], outcomes[4]);
	/* The generator must have reached every outcome, or it tested less than it claims. */
	for (i = 0; ok && i < 5; i++)
		ok = ktap_check(ok, outcomes[i] > 0, "no write ended %s", outcome_names[i]);
	return ok;
}

/* -------- buffers the kernel cannot copy -------- */

/*
 * Each writable file of both banks, written from and read into NULL, an
 * unmapped page and a kernel address: EFAULT every time (sysfs copies the
 * user buffer before store() sees it, and show()'s text after), and no
 * register changes.
 */
bool bad_buffers(void)
{
	void *unmapped = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *const bad[] = { NULL, unmapped, (void *)0xffff888000000000UL };
	struct regs before[2];
	struct files f;
	bool ok = true;
	int bank, attr;
	size_t i;
	ssize_t n;

	ok = ktap_check(ok, unmapped != MAP_FAILED, "mmap") &&
	     ktap_check(ok, files_open(&f), "opening the files of both banks");
	if (!ok)
		return false;
	for (bank = 0; bank < 2; bank++)
		ok = ktap_check(ok, regs_read(&f, bank, &before[bank]), "reading bank %d", bank);
	for (bank = 0; ok && bank < 2; bank++) {
		for (attr = 0; attr < WRITABLE_ATTRS; attr++) {
			for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
				__atomic_fetch_add(&calls, 2, __ATOMIC_RELAXED);
				n = pwrite(f.fd[bank][attr], bad[i], 4, 0);
				ok = ktap_check(ok, n < 0 && errno == EFAULT, "%s/%s <- %p: %zd",
						banks[bank].dev.name, attr_names[attr], bad[i], n);
				n = pread(f.fd[bank][attr], bad[i], 64, 0);
				ok = ktap_check(ok, n < 0 && errno == EFAULT, "%s/%s -> %p: %zd",
						banks[bank].dev.name, attr_names[attr], bad[i], n);
			}
		}
		ok = ok && bank_matches(&f, bank, &before[bank], "bad buffers");
	}
	files_close(&f);
	munmap(unmapped, page_size);
	return ok;
}


// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_vmdio fuzzer (main.c): the hostile calls whose
 * outcome does not depend on the state (bad buffers, huge lengths, the
 * wrong direction, ioctls, input the grammar rejects), which both phases
 * send.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "ktap.h"
#include "fuzzer.h"

/*
 * One call the model rejects whatever the state: returns false, with a
 * diagnostic, if it did not fail with the predicted error.
 */
bool hostile_call(uint64_t *rng)
{
	enum file_id file = rng_below(rng, FILES);
	unsigned char input[INPUT_MAX];
	struct fixture_state scratch = { 0 };
	char text[64], shown[INPUT_MAX * 4 + 32];
	long expected, result;
	size_t len;

	switch (rng_below(rng, 6)) {
	case 0:		/* a buffer the kernel cannot read */
		if (file >= WRITABLE_FILES)
			file = CABLE;
		len = 1 + rng_below(rng, WRITE_MAX);
		switch (rng_below(rng, 3)) {
		case 0:
			result = write_call(file, NULL, len);
			break;
		case 1:
			result = write_call(file, unmapped, len);
			break;
		default:
			result = write_call(file, KERNEL_ADDRESS, len + rng_below(rng, 1 << 20));
			break;
		}
		snprintf(shown, sizeof(shown), "a write of %zu bytes from a bad buffer", len);
		expected = -EFAULT;
		break;
	case 1:		/* a buffer the kernel cannot write */
		file = rng_below(rng, 2) ? CABLE : ATTACHED;
		result = read_call(file, rng_below(rng, 2) ? NULL : KERNEL_ADDRESS, 64);
		snprintf(shown, sizeof(shown), "a read into a bad buffer");
		expected = -EFAULT;
		break;
	case 2:		/* a huge length: clamped by the VFS, too long for the module */
		file = rng_below(rng, WRITABLE_FILES);
		/* From the program's data, low enough that the range stays in user space. */
		result = write_call(file, mode_names, 1UL << (32 + rng_below(rng, 8)));
		snprintf(shown, sizeof(shown), "a write of 2^32 bytes or more");
		expected = -EINVAL;
		break;
	case 3:		/* the wrong direction */
		if (file < WRITABLE_FILES && file != ADVERTISE) {
			file = LINK + rng_below(rng, FILES - LINK);
			result = write_call(file, "1", 1);
			snprintf(shown, sizeof(shown), "a write to a read-only file");
		} else {
			file = ADVERTISE;
			result = read_call(file, text, sizeof(text));
			snprintf(shown, sizeof(shown), "a read of the write-only file");
		}
		expected = -EINVAL;
		break;
	case 4:		/* an ioctl */
		result = ioctl_call(file, (unsigned long)rng_next(rng) & 0xffffffffUL);
		snprintf(shown, sizeof(shown), "a random ioctl");
		expected = -ENOTTY;
		break;
	default:	/* input the grammar rejects */
		file = rng_below(rng, WRITABLE_FILES);
		do
			len = make_input(rng, file, input);
		while (predict_write(&scratch, file, input, len) != -EINVAL);
		result = write_call(file, input, len);
		escaped(input, len, shown, sizeof(shown));
		expected = -EINVAL;
		break;
	}
	if (result == expected)
		return true;
	ktap_diag("%s <- %s: %s, expected %s", file_names[file], shown,
		  result < 0 ? strerror(-result) : "accepted", strerror(-expected));
	return false;
}


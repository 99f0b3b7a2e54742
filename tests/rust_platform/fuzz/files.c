// SPDX-License-Identifier: GPL-2.0
/*
 * Part of the rust_platform fuzzer (main.c): the calls on the attribute
 * files of banks A and B, each counted in calls; reading a bank's
 * registers back and comparing every file with the model; and, at the
 * start, what the firmware gave each bank (its read-only files).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "../bank.h"
#include "fuzzer.h"

/* -------- sysfs files -------- */

bool files_open(struct files *f)
{
	char path[512];
	int bank, attr;

	for (bank = 0; bank < 2; bank++) {
		for (attr = 0; attr < ATTRS; attr++) {
			attr_path(&banks[bank].dev, attr_names[attr], path, sizeof(path));
			f->fd[bank][attr] = open(path, attr < WRITABLE_ATTRS ? O_RDWR : O_RDONLY);
			if (f->fd[bank][attr] < 0)
				return false;
		}
	}
	return true;
}

void files_close(struct files *f)
{
	int bank, attr;

	for (bank = 0; bank < 2; bank++)
		for (attr = 0; attr < ATTRS; attr++)
			close(f->fd[bank][attr]);
}

/* Reads a file without its newline; length or -errno. */
static long file_read(struct files *f, int bank, enum attr_id attr, char *buf, size_t size)
{
	ssize_t n;

	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	n = pread(f->fd[bank][attr], buf, size - 1, 0);
	if (n < 0)
		return -errno;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

/* Writes s[0..len) to a file as one write(2); bytes taken or -errno. */
long file_write(struct files *f, int bank, enum attr_id attr, const unsigned char *s,
		       size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	if (attr >= WRITABLE_ATTRS) {
		/* Read-only files cannot even be opened for writing. */
		attr_path(&banks[bank].dev, attr_names[attr], path, sizeof(path));
		fd = open(path, O_WRONLY);
		if (fd < 0)
			return -errno;
		n = write(fd, s, len);
		close(fd);
		return n < 0 ? -errno : n;
	}
	n = pwrite(f->fd[bank][attr], s, len, 0);
	return n < 0 ? -errno : n;
}

/* Reads the registers of a bank through its files. */
bool regs_read(struct files *f, int bank, struct regs *regs)
{
	char text[256], *p, *end;
	unsigned int i;

	if (file_read(f, bank, SCRATCH, text, sizeof(text)) < 0 ||
	    sscanf(text, "0x%x", &regs->scratch) != 1 ||
	    file_read(f, bank, ENABLE, text, sizeof(text)) < 0 ||
	    sscanf(text, "%u", &regs->enable) != 1 ||
	    file_read(f, bank, MODE, text, sizeof(text)) < 0 ||
	    sscanf(text, "%u", &regs->mode) != 1 ||
	    file_read(f, bank, CHANNELS, text, sizeof(text)) < 0)
		return false;
	p = text;
	for (i = 0; i < banks[bank].channels; i++) {
		regs->levels[i] = strtoul(p, &end, 10);
		if (end == p)
			return false;
		p = end;
	}
	return true;
}

/* Every file of bank reads as the model says. */
bool bank_matches(struct files *f, int bank, const struct regs *regs, const char *after)
{
	char expected[256], text[256];
	bool ok = true;
	int attr;

	for (attr = 0; attr < ATTRS; attr++) {
		shown(&banks[bank], regs, attr, expected, sizeof(expected));
		if (file_read(f, bank, attr, text, sizeof(text)) < 0)
			text[0] = '\0';
		ok = ktap_check(ok, !strcmp(text, expected), "after %s: %s/%s is \"%s\", expected \"%s\"",
				after, banks[bank].dev.name, attr_names[attr], text, expected);
	}
	return ok;
}

/* -------- setup -------- */

bool bank_setup(int index)
{
	struct fuzz_bank *b = &banks[index];
	char text[256], *p, *end;
	int attr;

	if (!bank_find(&b->dev) || !bank_bound(&b->dev))
		return false;
	for (attr = WRITABLE_ATTRS; attr < ATTRS; attr++)
		if (attr_read(&b->dev, attr_names[attr], b->ro_text[attr],
			      sizeof(b->ro_text[attr])) < 0)
			return false;
	b->max_mode = strtoul(b->ro_text[MAX_MODE], NULL, 10);
	snprintf(text, sizeof(text), "%s", b->ro_text[CHANNEL_LIMITS]);
	for (p = text, b->channels = 0; b->channels < MAX_CHANNELS; b->channels++, p = end) {
		b->limits[b->channels] = strtoul(p, &end, 10);
		if (end == p)
			break;
	}
	return b->channels > 0;
}


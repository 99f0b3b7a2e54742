// SPDX-License-Identifier: GPL-2.0
/*
 * Part of modload (main.c): the module under test, its name and
 * paths, its image read once, loading and unloading it, and the errors
 * besides ENOMEM its load may fail with (tests/<name>/debug/load-errors).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktap.h"
#include "module.h"

const char *ko_path;

char module_name[256];

char exercise[512];

int load_errors[16];

/*
 * The module image, read once: loading from memory (init_module) keeps
 * injected faults out of the file system the .ko lives on (9p in the VM,
 * whose client does not survive some of them).
 */
static void *image;

static size_t image_size;

bool read_image(void)
{
	struct stat st;
	int fd = open(ko_path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0 || fstat(fd, &st))
		return false;
	image_size = st.st_size;
	image = malloc(image_size);
	ok = image && read(fd, image, image_size) == (ssize_t)image_size;
	close(fd);
	return ok;
}

int load(void)
{
	return syscall(SYS_init_module, image, image_size, "") ? -errno : 0;
}

int unload(void)
{
	return syscall(SYS_delete_module, module_name, O_NONBLOCK) ? -errno : 0;
}

bool loaded(void)
{
	char path[300];

	snprintf(path, sizeof(path), "/sys/module/%s", module_name);
	return access(path, F_OK) == 0;
}

/* The errors a load-errors file may name. */
static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "EINVAL", EINVAL }, { "ENODEV", ENODEV }, { "ENXIO", ENXIO }, { "EIO", EIO },
	{ "EBUSY", EBUSY },   { "EEXIST", EEXIST }, { "ENOSPC", ENOSPC },
};

/* Reads tests/<name>/debug/load-errors, if there is one; false on a name it does not know. */
bool read_load_errors(const char *path)
{
	char line[256], name[32];
	size_t count = 0, i;
	FILE *f = fopen(path, "re");

	if (!f)
		return true;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s", name) != 1 || name[0] == '#')
			continue;
		for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
			if (!strcmp(name, errno_names[i].name))
				break;
		if (i == sizeof(errno_names) / sizeof(errno_names[0]) ||
		    count + 1 >= sizeof(load_errors) / sizeof(load_errors[0])) {
			fprintf(stderr, "%s: unknown or one too many: %s\n", path, name);
			fclose(f);
			return false;
		}
		load_errors[count++] = errno_names[i].value;
		ktap_diag("%s may also fail the load (%s)", name, path);
	}
	fclose(f);
	return true;
}

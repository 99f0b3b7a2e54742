// SPDX-License-Identifier: GPL-2.0
/*
 * rust_pipe module lifetime and the capacity parameter: unloading is refused
 * while a file is open, and the parameter's bounds are enforced at load.
 *
 * Reloads the module with finit_module(2) and delete_module(2) (no module
 * tools needed) from $RKM_MODULES_DIR/rust_pipe/rust_pipe.ko (for another
 * module, see rpipe_module()), and leaves it loaded with default parameters
 * at exit, as it found it.
 */
#include "rpipe_test.h"

#include <sys/stat.h>

static char ko_path[4096];

static bool module_loaded(void)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", rpipe_module());
	return stat(path, &st) == 0;
}

/* Loads the module with @params; returns 0 or the errno. */
static int load(const char *params)
{
	int fd = open(ko_path, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		err = errno;
	close(fd);
	return err;
}

/* Unloads the module; returns 0 or the errno. */
static int unload(void)
{
	return syscall(SYS_delete_module, rpipe_module(), O_NONBLOCK) ? errno : 0;
}

/*
 * Counts the records logged since kmsg_open() that mention the module, and
 * copies the last one's text to @last.
 */
static int kmsg_module_lines(int fd, char *last, size_t size)
{
	char record[2048];
	int lines = 0;
	ssize_t n;

	last[0] = '\0';
	while ((n = read(fd, record, sizeof(record) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *text;

		if (n < 0)
			continue;	/* Overwritten records: skip them. */
		record[n] = '\0';
		text = strchr(record, ';');
		if (!text || !strstr(text, rpipe_module()))
			continue;
		lines++;
		snprintf(last, size, "%s", text + 1);
		last[strcspn(last, "\n")] = '\0';
	}
	return lines;
}

static bool unload_refused_while_open(void)
{
	int fd = rpipe_open(O_RDWR), err;
	char buf[4];
	bool ok = fd >= 0;

	err = unload();
	/* delete_module(2) says EWOULDBLOCK; rmmod(8) says "in use". */
	ok = ktap_check(ok, err == EWOULDBLOCK || err == EBUSY,
			"delete_module: %s", strerror(err));
	ok = ktap_check(ok, module_loaded(), "module gone");
	/* The open file still works. */
	ok = ktap_check(ok, write(fd, "ok", 2) == 2, "write");
	ok = ktap_check(ok, read(fd, buf, sizeof(buf)) == 2, "read");
	close(fd);
	return ok;
}

static bool unload_and_reload(void)
{
	int err = unload();
	bool ok = true;

	ok = ktap_check(ok, err == 0, "delete_module: %s", strerror(err));
	ok = ktap_check(ok, !module_loaded(), "still loaded");
	ok = ktap_check(ok, access(rpipe_device(), F_OK) != 0,
			"%s still exists", rpipe_device());
	err = load("");
	ok = ktap_check(ok, err == 0, "finit_module: %s", strerror(err));
	return ok;
}

static bool invalid_capacity_refused(void)
{
	const char *const params[] = {
		"capacity=0", "capacity=1048577", "capacity=4294967296",
		"capacity=-1", "capacity=abc", "capacity=18446744073709551616",
	};
	char line[512];
	bool ok = true;
	int err;

	err = unload();
	ok = ktap_check(ok, err == 0, "delete_module: %s", strerror(err));
	for (size_t i = 0; ok && i < sizeof(params) / sizeof(params[0]); i++) {
		int kmsg = kmsg_open(), lines;

		ok = ktap_check(ok, kmsg >= 0, "/dev/kmsg");
		err = load(params[i]);
		ok = ktap_check(ok, err == EINVAL, "%s: %s", params[i],
				strerror(err));
		ok = ktap_check(ok, !module_loaded(), "%s: loaded", params[i]);
		/* One clear line says why. */
		lines = kmsg_module_lines(kmsg, line, sizeof(line));
		ok = ktap_check(ok, lines == 1 && strstr(line, "capacity"),
				"%s: %d log lines, last: %s", params[i], lines,
				line);
		if (lines == 1)
			ktap_diag("%s: \"%s\"", params[i], line);
		if (kmsg >= 0)
			close(kmsg);
		if (err == 0)
			unload();
	}
	err = load("");
	ok = ktap_check(ok, err == 0, "reload: %s", strerror(err));
	return ok;
}

/* Loads with @capacity, checks it took effect with a filling write. */
static bool capacity_accepted(uint64_t capacity)
{
	static char buf[RPIPE_CAPACITY_MAX + 1];
	struct rpipe_stats stats;
	char params[64];
	int err = unload(), fd;
	bool ok = true;

	ok = ktap_check(ok, err == 0, "delete_module: %s", strerror(err));
	snprintf(params, sizeof(params), "capacity=%llu",
		 (unsigned long long)capacity);
	err = load(params);
	ok = ktap_check(ok, err == 0, "%s: %s", params, strerror(err));
	fd = rpipe_open(O_RDWR | O_NONBLOCK);
	ok = ok && fd >= 0 && rpipe_stats(fd, &stats);
	ok = ktap_check(ok, stats.capacity == capacity, "capacity %llu",
			(unsigned long long)stats.capacity);
	ok = ktap_check(ok, write(fd, buf, capacity + 1) == (ssize_t)capacity,
			"filling write");
	if (fd >= 0)
		close(fd);
	err = unload();
	ok = ktap_check(ok, err == 0, "delete_module: %s", strerror(err));
	err = load("");
	ok = ktap_check(ok, err == 0, "reload: %s", strerror(err));
	return ok;
}

static bool capacity_min_accepted(void)
{
	return capacity_accepted(RPIPE_CAPACITY_MIN);
}

static bool capacity_max_accepted(void)
{
	return capacity_accepted(RPIPE_CAPACITY_MAX);
}

static bool default_capacity_after_reload(void)
{
	struct rpipe_stats stats;
	int fd = rpipe_open(O_RDONLY);
	bool ok = fd >= 0 && rpipe_stats(fd, &stats);

	ok = ktap_check(ok, stats.capacity == RPIPE_CAPACITY_DEFAULT,
			"capacity %llu", (unsigned long long)stats.capacity);
	ok = ktap_check(ok, stats.readers == 1 && stats.writers == 0 &&
				    stats.bytes_written == 0,
			"fresh counters: readers %u writers %u written %llu",
			stats.readers, stats.writers,
			(unsigned long long)stats.bytes_written);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* The module's path, and the module loaded, as every case starts. */
static bool setup(void)
{
	const char *dir = getenv("RKM_MODULES_DIR");

	snprintf(ko_path, sizeof(ko_path), "%s/%s/%s.ko", dir ? dir : "modules",
		 rpipe_module(), rpipe_module());
	if (!module_loaded()) {
		ktap_diag("%s is not loaded: loading it", rpipe_module());
		load("");
	}
	return true;
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(unload_refused_while_open),
		KTAP_CASE(unload_and_reload),
		KTAP_CASE(invalid_capacity_refused),
		KTAP_CASE(capacity_min_accepted),
		KTAP_CASE(capacity_max_accepted),
		KTAP_CASE(default_capacity_after_reload),
	};
	int status = ktap_run_after(setup, cases, ARRAY_SIZE(cases));

	/* Leave the module loaded, whatever happened. */
	if (!module_loaded() && load(""))
		ktap_diag("could not reload %s: %s", rpipe_module(), strerror(errno));
	return status;
}

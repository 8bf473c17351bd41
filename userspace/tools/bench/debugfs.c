// SPDX-License-Identifier: MIT
/*
 * The nova device's debugfs directory and its nova_stats counters: the
 * driver's own accounting, which is where the kernel memory figures of the
 * benchmarks come from.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <nova/nova.h>

#include "debugfs.h"

/* A debugfs directory plus "/nova_stats". */
#define PATH_MAX_STATS	512

static bool has_stats(const char *dir)
{
	char path[PATH_MAX_STATS];

	if (snprintf(path, sizeof(path), "%s/nova_stats", dir) >= (int)sizeof(path))
		return false;
	return access(path, R_OK) == 0;
}

void bench_find_debugfs(struct nova_device *dev, char *dir, size_t len)
{
	int fd = nova_device_fd(dev);
	unsigned int m, count = 0;
	struct dirent *entry;
	struct stat st;
	DIR *d;

	dir[0] = '\0';
	if (getenv("NOVA_DEBUGFS_DIR")) {
		snprintf(dir, len, "%s", getenv("NOVA_DEBUGFS_DIR"));
		if (!has_stats(dir))
			dir[0] = '\0';
		return;
	}
	if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)) {
		m = minor(st.st_rdev);
		snprintf(dir, len, BENCH_DEBUGFS_DRI "/%u", m);
		if (has_stats(dir))
			return;
		snprintf(dir, len, BENCH_DEBUGFS_DRI "/%u", m >= 128 ? m - 128 : m + 128);
		if (has_stats(dir))
			return;
		dir[0] = '\0';
	}

	d = opendir(BENCH_DEBUGFS_DRI);
	if (!d)
		return;
	while ((entry = readdir(d))) {
		char path[PATH_MAX_STATS];

		if (entry->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), BENCH_DEBUGFS_DRI "/%s", entry->d_name) >=
		    (int)sizeof(path))
			continue;
		if (has_stats(path) && count++ == 0)
			snprintf(dir, len, "%s", path);
	}
	closedir(d);
	/* Several devices (or a primary and a render directory): cannot tell. */
	if (count != 1)
		dir[0] = '\0';
}

int bench_read_stat(const char *dir, const char *key, uint64_t *value)
{
	size_t klen = strlen(key);
	char path[PATH_MAX_STATS], *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;
	FILE *f;

	if (!dir[0])
		return -ENOENT;
	if (snprintf(path, sizeof(path), "%s/nova_stats", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			char *end;

			*value = strtoull(line + klen + 1, &end, 10);
			ret = end == line + klen + 1 ? -EPROTO : 0;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * nova_bad_input: the documented errno table (Documentation/uapi-errors.csv)
 * as igt tests: one subtest per ioctl, one dynamic subtest per row. The
 * rows are executed by tests/uapi/errno_walk.c, the walker nova-uapi-errors
 * uses too, so no row is written out here again. What the table cannot
 * express (an ioctl number nova does not define) follows as its own subtest.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nova_helpers.h"
#include "errno_walk.h"

IGT_TEST_DESCRIPTION("Invalid inputs of the nova ioctls and their documented errors");

/* Overridden by the environment, e.g. when the tree moved since the build. */
#ifndef NOVA_UAPI_ERRORS_CSV
#define NOVA_UAPI_ERRORS_CSV "Documentation/uapi-errors.csv"
#endif

/* File scope: see nova_basic.c. */
static int fd = -1;
static struct errno_walk_env env;
static struct errno_walk_row *rows;
static size_t row_count;

/* "GEM_MMAP_OFFSET" -> "gem-mmap-offset": igt's subtest name rules. */
static const char *subtest_name(const char *ioctl_name)
{
	static char name[32];
	size_t i;

	for (i = 0; ioctl_name[i] && i < sizeof(name) - 1; i++)
		name[i] = ioctl_name[i] == '_' ? '-' : (char)tolower((unsigned char)ioctl_name[i]);
	name[i] = 0;
	return name;
}

static void check_row(const struct errno_walk_row *row)
{
	const char *problem = errno_walk_skip(&env, row);
	int got;

	igt_require_f(!problem, "%s\n", problem);
	got = errno_walk_run(&env, row, &problem);
	igt_assert_f(got >= 0, "line %d: %s\n", row->line, problem);
	igt_assert_f(got == row->want, "line %d: %s %s: got %s, the table says %s (%s)\n",
		     row->line, row->ioctl, row->input, errno_walk_name(got), row->expected,
		     row->why);
}

igt_main
{
	igt_fixture {
		const char *path = getenv("NOVA_UAPI_ERRORS_CSV");
		int ret;

		if (!path)
			path = NOVA_UAPI_ERRORS_CSV;
		ret = errno_walk_load(path, &rows, &row_count);
		igt_assert_f(ret == 0, "%s: %s\n", path, strerror(-ret));
		/* A row no subtest below would run is a broken table. */
		for (size_t i = 0; i < row_count; i++)
			igt_assert_f(rows[i].want >= 0, "%s line %d is malformed\n", path,
				     rows[i].line);
		fd = nova_open();
		igt_assert_eq(errno_walk_setup(&env, fd), 0);
	}

	for (volatile size_t k = 0; errno_walk_ioctls[k]; k++) {
		/* The errno (or 0) each row documents, and no object left behind. */
		igt_describe("Each uapi-errors.csv row of this ioctl gives its documented errno.");
		igt_subtest_with_dynamic(subtest_name(errno_walk_ioctls[k])) {
			for (volatile size_t i = 0; i < row_count; i++) {
				if (strcmp(rows[i].ioctl, errno_walk_ioctls[k]))
					continue;
				igt_dynamic(rows[i].name)
					check_row(&rows[i]);
			}
		}
	}

	igt_describe("A driver ioctl number nova does not define fails with EINVAL.");
	igt_subtest("ioctl-unknown") {
		/* The last driver-private ioctl number DRM has. */
		struct drm_nova_getparam args = { .param = NOVA_GETPARAM_PAGE_SIZE };
		unsigned long request = DRM_IOWR(DRM_COMMAND_END - 1, struct drm_nova_getparam);

		igt_assert_eq(__nova_ioctl(fd, request, &args), -EINVAL);
	}

	igt_fixture {
		errno_walk_teardown(&env);
		free(rows);
		close(fd);
	}
}

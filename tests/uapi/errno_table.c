// SPDX-License-Identifier: GPL-2.0
/*
 * nova-uapi-errors: runs every row of Documentation/uapi-errors.csv against
 * the nova device libnova finds, one line per row, then the total. The rows
 * are executed by errno_walk.c, which igt's nova_bad_input links too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nova/nova.h>
#include "errno_walk.h"

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0, ret;
	struct errno_walk_row *rows;
	struct errno_walk_env env;
	struct nova_device *dev;
	size_t count;

	if (argc != 2 || !strcmp(argv[1], "--help")) {
		printf("usage: %s Documentation/uapi-errors.csv\n"
		       "Runs every row of the uAPI errno table against the nova device.\n", argv[0]);
		return argc == 2 ? 0 : 2;
	}
	ret = errno_walk_load(argv[1], &rows, &count);
	if (ret) {
		fprintf(stderr, "uapi-errors: %s: %s\n", argv[1], strerror(-ret));
		return 2;
	}
	ret = nova_device_open(&dev);
	if (ret) {
		fprintf(stderr, "uapi-errors: no nova device: %s\n", strerror(-ret));
		return 2;
	}
	ret = errno_walk_setup(&env, nova_device_fd(dev));
	if (ret) {
		fprintf(stderr, "uapi-errors: cannot set up the fixture: %s\n", strerror(-ret));
		return 2;
	}

	for (size_t i = 0; i < count; i++) {
		const struct errno_walk_row *row = &rows[i];
		const char *problem = errno_walk_skip(&env, row);
		int got;

		if (problem) {
			printf("skip line %d: %s %s: %s\n", row->line, row->ioctl, row->input, problem);
			skipped++;
			continue;
		}
		got = errno_walk_run(&env, row, &problem);
		if (got < 0) {
			printf("FAIL line %d: %s %s: %s\n", row->line, row->ioctl, row->input, problem);
			failed++;
		} else if (got != row->want) {
			printf("FAIL line %d: %s %s: got %s, the table says %s (%s)\n", row->line,
			       row->ioctl, row->input, errno_walk_name(got), row->expected, row->why);
			failed++;
		} else {
			printf("ok line %d: %s %s -> %s\n", row->line, row->ioctl, row->input,
			       row->expected);
			passed++;
		}
	}
	errno_walk_teardown(&env);
	nova_device_close(dev);
	free(rows);
	if (skipped)
		printf("uapi-errors: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	else
		printf("uapi-errors: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

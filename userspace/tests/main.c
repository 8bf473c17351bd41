// SPDX-License-Identifier: MIT
/*
 * nova-libtest - libnova's test suite, run against the real nova.ko.
 *
 * The cases exercise the library and, through raw ioctls on the library's
 * file descriptor, the uAPI contract of driver/uapi/nova_drm.h. Expected
 * errors come from that header's documentation, never from what a driver
 * happens to return.
 *
 * Output: one "ok NAME", "FAIL NAME: reason" or "skip NAME: reason" line per
 * case, then "libnova: N passed, N failed" (", N skipped" when some were).
 * Exit status: 0 when nothing failed, 1 when something did, 2 on usage errors.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nova/nova.h>

#include "runner.h"

static const struct test_case *const suites[] = {
	lib_tests,
	device_tests,
	param_tests,
	gem_create_tests,
	gem_info_tests,
	mmap_tests,
	vm_lib_tests,
	vm_bind_tests,
	vm_errors_tests,
	vm_lifetime_tests,
	bo_tests,
	prime_tests,
	thread_tests,
};

#define SUITE_COUNT (sizeof(suites) / sizeof(suites[0]))

#define for_each_case(tc, s)						\
	for ((s) = 0; (s) < SUITE_COUNT; (s)++)				\
		for ((tc) = suites[s]; (tc)->name; (tc)++)

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"Usage: %s [--list] [--run NAME]... [--help]\n"
		"\n"
		"Run libnova's test cases against the nova device of this system.\n"
		"\n"
		"  --list       print the names of the test cases and exit\n"
		"  --run NAME   run only the case NAME (may be repeated)\n"
		"  --help       show this help\n",
		argv0);
}

static const struct test_case *find_case(const char *name)
{
	const struct test_case *tc;
	size_t s;

	for_each_case(tc, s) {
		if (strcmp(tc->name, name) == 0)
			return tc;
	}
	return NULL;
}

/*
 * Check once, before any case runs, that a nova device exists: without one
 * every device case would fail the same way, so say why once, clearly.
 */
static const char *check_device(void)
{
	static char reason[160];
	int count = nova_device_count();

	if (count > 0)
		return NULL;

	if (count == 0)
		snprintf(reason, sizeof(reason),
			 "no nova device (no DRM node belongs to the \"nova\" driver; is nova.ko loaded?)");
	else
		snprintf(reason, sizeof(reason), "cannot search for nova devices: %s",
			 strerror(-count));
	fprintf(stderr, "libnova: %s\n", reason);
	return reason;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "run", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct test_case **selected = NULL;
	const struct test_case *tc;
	struct test_counts counts = { 0 };
	const char *no_device = NULL;
	unsigned int nselected = 0, i;
	bool list = false, need_device = false;
	size_t s;
	int opt;

	selected = calloc((size_t)argc, sizeof(*selected));
	if (!selected) {
		perror("calloc");
		return 1;
	}

	while ((opt = getopt_long(argc, argv, "lr:h", options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 'r':
			tc = find_case(optarg);
			if (!tc) {
				fprintf(stderr, "%s: unknown test case '%s' (see --list)\n",
					argv[0], optarg);
				return 2;
			}
			selected[nselected++] = tc;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		usage(stderr, argv[0]);
		return 2;
	}

	if (list) {
		for_each_case(tc, s)
			printf("%s\n", tc->name);
		return 0;
	}

	if (nselected) {
		for (i = 0; i < nselected; i++)
			need_device |= selected[i]->flags & TEST_NEEDS_DEVICE;
	} else {
		for_each_case(tc, s)
			need_device |= tc->flags & TEST_NEEDS_DEVICE;
	}
	if (need_device)
		no_device = check_device();

	if (nselected) {
		for (i = 0; i < nselected; i++)
			test_run_case(selected[i], no_device, &counts);
	} else {
		for_each_case(tc, s)
			test_run_case(tc, no_device, &counts);
	}

	if (counts.skipped)
		printf("libnova: %u passed, %u failed, %u skipped\n",
		       counts.passed, counts.failed, counts.skipped);
	else
		printf("libnova: %u passed, %u failed\n", counts.passed, counts.failed);

	free(selected);
	return counts.failed ? 1 : 0;
}

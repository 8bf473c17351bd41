// SPDX-License-Identifier: MIT
/*
 * main() of the hosted test programs: the ones that run on the build host,
 * with no nova device and no guest. Each program links this file, the runner
 * of libnova's suite (one child process per case, same "ok"/"FAIL"/"skip"
 * lines) and one table of cases, host_tests[], named by host_suite_name.
 *
 * The closing line is "<suite>: N passed, N failed", with ", N skipped"
 * added only when a case was skipped. Exit status: 0 when nothing failed,
 * 1 when something did, 2 on usage errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"Usage: %s [--list] [--run NAME]... [--help]\n"
		"\n"
		"Run the %s test cases; they need no nova device.\n"
		"\n"
		"  --list       print the names of the test cases and exit\n"
		"  --run NAME   run only the case NAME (may be repeated)\n"
		"  --help       show this help\n",
		argv0, host_suite_name);
}

static const struct test_case *find_case(const char *name)
{
	const struct test_case *tc;

	for (tc = host_tests; tc->name; tc++) {
		if (strcmp(tc->name, name) == 0)
			return tc;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "run", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct test_case *tc, *selected[64];
	struct test_counts counts = { 0 };
	unsigned int nselected = 0, i;
	int opt, list = 0;

	while ((opt = getopt_long(argc, argv, "lr:h", options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			list = 1;
			break;
		case 'r':
			tc = find_case(optarg);
			if (!tc) {
				fprintf(stderr, "%s: unknown test case '%s' (see --list)\n",
					argv[0], optarg);
				return 2;
			}
			if (nselected == sizeof(selected) / sizeof(selected[0])) {
				fprintf(stderr, "%s: too many --run options\n", argv[0]);
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
		for (tc = host_tests; tc->name; tc++)
			printf("%s\n", tc->name);
		return 0;
	}

	if (nselected) {
		for (i = 0; i < nselected; i++)
			test_run_case(selected[i], NULL, &counts);
	} else {
		for (tc = host_tests; tc->name; tc++)
			test_run_case(tc, NULL, &counts);
	}

	if (counts.skipped)
		printf("%s: %u passed, %u failed, %u skipped\n", host_suite_name,
		       counts.passed, counts.failed, counts.skipped);
	else
		printf("%s: %u passed, %u failed\n", host_suite_name,
		       counts.passed, counts.failed);
	return counts.failed ? 1 : 0;
}

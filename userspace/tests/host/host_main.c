// SPDX-License-Identifier: MIT
/*
 * main() of the hosted test programs: the ones that run on the build host,
 * with no nova device and no guest. Each program links this file, the runner
 * of libnova's suite (test_main(): one child process per case, the same
 * options, "ok"/"FAIL"/"skip" lines and closing line) and one table of
 * cases, host_tests[], named by host_suite_name.
 */
#include <stdio.h>

#include "host.h"

int main(int argc, char **argv)
{
	static const struct test_case *const suites[] = { host_tests };
	char about[96];

	snprintf(about, sizeof(about), "Run the %s test cases; they need no nova device.",
		 host_suite_name);
	return test_main(argc, argv, host_suite_name, about, suites, 1, NULL);
}

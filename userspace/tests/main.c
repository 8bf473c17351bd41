// SPDX-License-Identifier: MIT
/*
 * nova-libtest - libnova's test suite, run against the real nova.ko.
 *
 * The cases exercise the library; raw ioctls on the library's file
 * descriptor show what its calls did in the kernel (and, where only debugfs
 * can tell, VM_BIND's effects). Expected errors come from the uAPI's
 * documentation, never from what a driver happens to return; bad inputs of
 * the raw ioctls themselves are rows of Documentation/uapi-errors.csv.
 *
 * Output: one "ok NAME", "FAIL NAME: reason" or "skip NAME: reason" line per
 * case, then "libnova: N passed, N failed" (", N skipped" when some were);
 * the options and the exit status are test_main()'s (runner.c), which the
 * hosted test programs share.
 */
#include <stdio.h>
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
	vm_lifetime_tests,
	bo_tests,
	prime_tests,
	thread_tests,
	exec_tests,
	vm_async_tests,
};

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
	return test_main(argc, argv, "libnova",
			 "Run libnova's test cases against the nova device of this system.",
			 suites, sizeof(suites) / sizeof(suites[0]), check_device);
}

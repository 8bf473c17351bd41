// SPDX-License-Identifier: MIT
/*
 * igt_api_selftest: exercises every macro and function igt_nova.h declares
 * against the real libigt.so.0, one subtest per path: pass, each kind of
 * failure, each kind of skip, dynamic subtests, groups with failing
 * fixtures, logging levels, the ioctl hook and the driver masks.
 *
 * Many subtests fail or skip on purpose. check-api.sh runs each one and
 * compares the result, the exit code and the messages with what a correct
 * declaration produces: a wrong prototype shows up as a wrong file, line,
 * value or message there. Needs no device, except drm-driver-any (skips
 * unless IGT_FORCE_DRIVER=vgem and vgem is loaded). group-failed only fails
 * with NOVA_IGT_SELFTEST_FAIL_FIXTURE set in the environment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt_nova.h"

IGT_TEST_DESCRIPTION("selftest-description-marker: nova's declaration of the libigt API");

static int fixture_value;

/* Values a call through a wrong prototype could not produce by chance. */
#define BIG_A 0x123456789abcdef0ull
#define BIG_B 0x0fedcba987654321ull

/*
 * Proves that igt_install_exit_handler() takes a handler and runs it at exit
 * with the signal number (0 for exit()): check-api.sh looks for the marker.
 */
static void selftest_exit_handler(int sig)
{
	printf("exit-handler-marker sig %d\n", sig);
	fflush(stdout);
}

igt_main
{
	igt_fixture {
		fixture_value = 42;
	}

	igt_describe("describe-marker-pass: every assertion and requirement macro "
		     "on values that satisfy it");
	igt_subtest("pass") {
		igt_assert(fixture_value == 42);
		igt_assert_f(fixture_value == 42, "never printed %d\n", 1);
		igt_fail_on(fixture_value != 42);
		igt_fail_on_f(fixture_value != 42, "never printed\n");
		igt_assert_eq(3, 3);
		igt_assert_neq(3, 4);
		igt_assert_lt(3, 4);
		igt_assert_lte(4, 4);
		igt_assert_eq_u32(0xffffffffu, 0xffffffffu);
		igt_assert_neq_u32(0xffffffffu, 0);
		igt_assert_eq_s64(-1, -1);
		igt_assert_eq_u64(BIG_A, BIG_A);
		igt_assert_neq_u64(BIG_A, BIG_B);
		igt_assert_lt_u64(BIG_B, BIG_A);
		igt_assert_lte_u64(BIG_A, BIG_A);
		igt_assert_fd(STDIN_FILENO);
		igt_require(fixture_value == 42);
		igt_require_f(fixture_value == 42, "never printed\n");
		igt_skip_on(fixture_value != 42);
		igt_skip_on_f(fixture_value != 42, "never printed\n");
		igt_assert(strcmp(igt_subtest_name(), "pass") == 0);
		igt_assert(strcmp(igt_test_name(), "igt_api_selftest") == 0);
		igt_assert(!igt_only_list_subtests());
	}

	igt_subtest("fail-assert") {
		igt_assert_eq(fixture_value + 1, 3);
	}

	igt_subtest("fail-assert-f") {
		igt_assert_f(fixture_value == 0, "custom message %d %s %#llx\n", 7, "seven", BIG_A);
	}

	igt_subtest("fail-u64") {
		igt_assert_eq_u64(BIG_A, BIG_B);
	}

	igt_subtest("fail-s64") {
		igt_assert_eq_s64(-5, 5);
	}

	igt_subtest("fail-errno") {
		errno = ENOENT;
		igt_assert(fixture_value == 0);
	}

	igt_subtest("fail-direct") {
		igt_fail(IGT_EXIT_FAILURE);
	}

	igt_subtest("skip-require") {
		igt_require(fixture_value == 0);
	}

	igt_subtest("skip-require-f") {
		igt_require_f(fixture_value == 0, "skip reason %d %s\n", 77, "marker");
	}

	igt_subtest("skip-on") {
		igt_skip_on(fixture_value == 42);
	}

	igt_subtest("skip-explicit") {
		igt_skip("explicit skip %s %#llx\n", "marker", BIG_B);
	}

	igt_subtest_f("formatted-%d-%s", 7, "name") {
		igt_assert(strcmp(igt_subtest_name(), "formatted-7-name") == 0);
	}

	igt_subtest_with_dynamic("dynamic-pass") {
		igt_dynamic("one")
			igt_assert(fixture_value == 42);
		igt_dynamic_f("two-%d", 2)
			igt_assert(strcmp(igt_subtest_name(), "dynamic-pass") == 0);
	}

	igt_subtest_with_dynamic("dynamic-mixed") {
		igt_dynamic("ok")
			igt_assert_eq(fixture_value, 42);
		igt_dynamic("bad")
			igt_assert_eq(fixture_value, 43);
		igt_dynamic("skipped")
			igt_skip("dynamic skip marker\n");
		igt_dynamic("after")
			igt_assert_eq(fixture_value, 42);
	}

	igt_subtest_with_dynamic("dynamic-none") {
	}

	igt_subtest_with_dynamic("dynamic-require") {
		igt_require_f(fixture_value == 0, "dynamic container skip\n");
		igt_dynamic("never")
			igt_assert(0);
	}

	igt_subtest("log-levels") {
		igt_debug("debug-marker %d\n", 1);
		igt_info("info-marker %d %#llx\n", 2, BIG_A);
		igt_warn("warn-marker %d\n", 3);
	}

	igt_subtest("ioctl-hook") {
		struct drm_version version = { 0 };

		errno = 0;
		igt_assert_eq(igt_ioctl(-1, DRM_IOCTL_VERSION, &version), -1);
		igt_assert_eq(errno, EBADF);
	}

	igt_subtest("exit-handler") {
		/* Twice: libigt keeps one, so the marker is printed once. */
		igt_install_exit_handler(selftest_exit_handler);
		igt_install_exit_handler(selftest_exit_handler);
	}

	igt_describe("describe-marker-group");
	igt_subtest_group {
		igt_fixture
			igt_require_f(fixture_value == 0, "group fixture skip marker\n");

		igt_subtest("group-skipped")
			igt_assert(0);
	}

	/*
	 * A failure in a fixture fails the whole binary, whichever subtest was
	 * selected, so this one only fails when check-api.sh asks for it.
	 */
	igt_subtest_group {
		igt_fixture
			igt_assert_f(!getenv("NOVA_IGT_SELFTEST_FAIL_FIXTURE"),
				     "group fixture failure marker\n");

		igt_subtest("group-failed")
			igt_assert(fixture_value == 42);
	}

	igt_subtest("after-groups") {
		igt_assert_eq(fixture_value, 42);
	}

	igt_subtest("drm-driver-any") {
		const char *forced = getenv("IGT_FORCE_DRIVER");
		drmVersionPtr version;
		int fd;

		igt_require_f(forced && strcmp(forced, "vgem") == 0,
			      "needs IGT_FORCE_DRIVER=vgem and vgem loaded\n");
		/* DRIVER_ANY leaves vgem out, so it finds nothing... */
		fd = __drm_open_driver(DRIVER_ANY);
		igt_assert_eq(fd, -1);
		/* ...while DRIVER_VGEM finds it. */
		fd = __drm_open_driver(DRIVER_VGEM);
		igt_assert_fd(fd);
		version = drmGetVersion(fd);
		igt_assert(version && strcmp(version->name, "vgem") == 0);
		drmFreeVersion(version);
		close(fd);
		/* drm_open_driver() skips instead of returning -1. */
		drm_open_driver(DRIVER_ANY);
		igt_assert_f(0, "drm_open_driver() returned\n");
	}

	igt_fixture {
		fixture_value = 0;
	}
}

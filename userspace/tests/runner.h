/* SPDX-License-Identifier: MIT */
/*
 * A tiny test runner for libnova's test suite.
 *
 * A test case is a named function returning a test_result. Each case runs in
 * a child process of its own, so a case may return early on failure without
 * cleaning up: the child's exit closes its device files, which releases its
 * objects and mappings (and their share of the device's object budget) before
 * the next case starts. A crash or a hang fails only the case it happens in.
 */
#ifndef NOVA_TEST_RUNNER_H
#define NOVA_TEST_RUNNER_H

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>

enum test_result {
	TEST_PASS,
	TEST_FAIL,
	TEST_SKIP,
};

/* The case talks to a nova device: without one it fails without running. */
#define TEST_NEEDS_DEVICE	0x1

struct test_case {
	const char *name;
	enum test_result (*run)(void);
	unsigned int flags;
};

/* Each test file exports one table, ended by an entry whose name is NULL. */
extern const struct test_case lib_tests[];
extern const struct test_case device_tests[];
extern const struct test_case param_tests[];
extern const struct test_case gem_create_tests[];
extern const struct test_case gem_info_tests[];
extern const struct test_case mmap_tests[];
extern const struct test_case vm_lib_tests[];
extern const struct test_case vm_bind_tests[];
extern const struct test_case vm_lifetime_tests[];
extern const struct test_case bo_tests[];
extern const struct test_case prime_tests[];
extern const struct test_case thread_tests[];
extern const struct test_case exec_tests[];
extern const struct test_case vm_async_tests[];

/* Record why the case failed or was skipped; returns TEST_FAIL/TEST_SKIP. */
enum test_result test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum test_result test_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* "0", "-ENOENT", ...: a readable name for a 0-or-negative-errno result. */
const char *test_errname(int err);

struct test_counts {
	unsigned int passed;
	unsigned int failed;
	unsigned int skipped;
};

/*
 * Run @tc in a child process and print its "ok"/"FAIL"/"skip" line.
 * When @no_device_reason is non-NULL, a case that needs the device fails with
 * it instead of running.
 */
void test_run_case(const struct test_case *tc, const char *no_device_reason,
		   struct test_counts *counts);

/*
 * The whole main() of a suite program: --list, --run NAME (repeatable) and
 * --help; then every case (or the selected ones) of the NULL-ended tables
 * in @suites, and the closing line "<name>: N passed, N failed" (with ", N
 * skipped" only when a case was skipped). @about is --help's one-line
 * description. When any selected case needs the device, @check_device
 * (may be NULL) is asked once: it returns NULL, or the reason those cases
 * fail without running. Returns the exit status: 0 when nothing failed, 1
 * when something did, 2 on a usage error.
 */
int test_main(int argc, char **argv, const char *name, const char *about,
	      const struct test_case *const *suites, size_t nsuites,
	      const char *(*check_device)(void));

/* File names without the build's directory, where the compiler can. */
#ifdef __FILE_NAME__
#define TEST_FILE	__FILE_NAME__
#else
#define TEST_FILE	__FILE__
#endif

#define FAIL(...)	return test_fail(TEST_FILE, __LINE__, __VA_ARGS__)
#define SKIP(...)	return test_skip(__VA_ARGS__)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			FAIL("%s", #cond);				\
	} while (0)

/* @expr, an int that is 0 or a negative errno, must equal @expected. */
#define CHECK_ERR(expr, expected)					\
	do {								\
		int r_ = (expr), e_ = (expected);			\
		if (r_ != e_)						\
			FAIL("%s returned %s, expected %s", #expr,	\
			     test_errname(r_), test_errname(e_));	\
	} while (0)

#define CHECK_OK(expr)	CHECK_ERR(expr, 0)

/* Compare two 64-bit values, printing both when the comparison fails. */
#define CHECK_U64(a, op, b)						\
	do {								\
		uint64_t a_ = (a), b_ = (b);				\
		if (!(a_ op b_))					\
			FAIL("%s %s %s does not hold: %" PRIu64		\
			     " (0x%" PRIx64 ") vs %" PRIu64 " (0x%" PRIx64 ")", \
			     #a, #op, #b, a_, a_, b_, b_);		\
	} while (0)

#endif /* NOVA_TEST_RUNNER_H */

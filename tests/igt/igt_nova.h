/* SPDX-License-Identifier: MIT */
/*
 * The part of igt-gpu-tools' test API that nova's igt tests use.
 *
 * Debian 12 ships igt's runtime as libigt.so.0 (package intel-gpu-tools,
 * igt 1.27.1) but no headers. This file states, in our own words, the facts
 * about that library's interface the tests rely on: the prototypes of the
 * exported functions, the exported variables, the exit codes and driver
 * masks, and the control-flow shape each igt macro must expand to so that
 * libigt's bookkeeping (subtest selection, fixtures, skips, failures,
 * dynamic subtests) sees exactly the calls it expects.
 *
 * Every prototype and value below was checked against the 1.27.1 binary
 * (disassembly of the function's register use and of the tables behind the
 * driver masks) and every macro path is exercised by igt_api_selftest.c,
 * whose expected output check-api.sh verifies. See README.md.
 *
 * Built inside an igt source tree (meson.build defines NOVA_IGT_IN_TREE),
 * the real igt.h takes the place of all of this.
 */
#ifndef NOVA_IGT_H
#define NOVA_IGT_H

#ifdef NOVA_IGT_IN_TREE
#include "igt.h"
#else

#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct option;

/* ---- exit codes of a test binary and of each --run-subtest run ---------- */

#define IGT_EXIT_SUCCESS	0	/* every subtest that ran passed */
#define IGT_EXIT_SKIP		77	/* nothing failed and nothing passed */
#define IGT_EXIT_INVALID	79	/* unknown option or --run-subtest name */
#define IGT_EXIT_FAILURE	98	/* at least one subtest failed */
#define IGT_EXIT_ABORT		112	/* igt_abort: the machine is unusable */

/* ---- helpers for unique local names inside the macros ------------------- */

#define NOVA_IGT_CAT2(a, b)	a##b
#define NOVA_IGT_CAT(a, b)	NOVA_IGT_CAT2(a, b)
#define NOVA_IGT_UNIQUE(name)	NOVA_IGT_CAT(NOVA_IGT_CAT(nova_igt_, name), __LINE__)

/* ---- jump buffers ------------------------------------------------------- */

/*
 * A subtest (and a fixture) sigsetjmp()s into igt_subtest_jmpbuf, a dynamic
 * subtest into igt_dynamic_jmpbuf; igt_skip(), igt_fail() and failed
 * assertions siglongjmp() back there. Both are 200-byte objects in libigt,
 * glibc's sizeof(sigjmp_buf) on x86-64.
 */
extern sigjmp_buf igt_subtest_jmpbuf;
extern sigjmp_buf igt_dynamic_jmpbuf;
_Static_assert(sizeof(sigjmp_buf) == 200, "libigt.so.0's jump buffers are 200 bytes");

/* ---- start and end of a test binary ------------------------------------- */

/* Called with the option character, its index in the long options, and data. */
typedef int (*igt_opt_handler_t)(int opt, int opt_index, void *data);

/*
 * Parses igt's common options (--list-subtests, --run-subtest PATTERN,
 * --dynamic-subtest PATTERN, --describe[=PATTERN], --debug, --help, ...),
 * plus the caller's extra options, and sets the test up. @argc is updated.
 */
int igt_subtest_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);

/* Prints the summary and exits with one of the IGT_EXIT_* codes. */
__attribute__((noreturn)) void igt_exit(void);

/*
 * igt_main: replaces main() of a test with subtests. The block that follows
 * is the test body; it runs once, after option parsing, and igt_exit() ends
 * the process.
 */
#define igt_main \
	static void NOVA_IGT_UNIQUE(main_body)(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init_parse_opts(&argc, argv, NULL, NULL, NULL, NULL, NULL); \
		NOVA_IGT_UNIQUE(main_body)(); \
		igt_exit(); \
	} \
	static void NOVA_IGT_UNIQUE(main_body)(void)

/*
 * The binary's description, printed by --help-description. libigt refers to
 * this symbol weakly, so defining it in the test is optional.
 */
extern const char *__igt_test_description __attribute__((weak));
#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/* ---- fixtures, subtests, groups ----------------------------------------- */

bool __igt_fixture(void);
void __igt_fixture_complete(void);
__attribute__((noreturn)) void __igt_fixture_end(void);

/*
 * igt_fixture: setup or teardown shared by the subtests that follow. Not run
 * when only listing subtests, or when no later subtest was selected. A skip
 * or failure inside it skips or fails every later subtest of its group.
 */
#define igt_fixture \
	for (volatile int NOVA_IGT_UNIQUE(fixture_once) = 0; \
	     NOVA_IGT_UNIQUE(fixture_once) < 1 && __igt_fixture() && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     NOVA_IGT_UNIQUE(fixture_once)++, __igt_fixture_complete())

/*
 * Returns true when the subtest @name should run now (selected and not only
 * listed); @file and @line locate it for --describe.
 */
bool __igt_run_subtest(const char *name, const char *file, const int line);
bool __igt_enter_dynamic_container(void);
bool __igt_run_dynamic_subtest(const char *name);

/*
 * igt_subtest(name): the block that follows is one subtest. Names use
 * [a-zA-Z0-9_-] only. Falling off the end of the block is a pass
 * (igt_success()); igt_skip()/igt_require() and failed assertions leave the
 * block through igt_subtest_jmpbuf.
 */
#define igt_subtest(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())

/* igt_subtest_f(fmt, ...): igt_subtest() with a printf-built name. */
#define igt_subtest_f(...) \
	for (char NOVA_IGT_UNIQUE(name)[256]; \
	     snprintf(NOVA_IGT_UNIQUE(name), sizeof(NOVA_IGT_UNIQUE(name)), __VA_ARGS__), \
	     __igt_run_subtest(NOVA_IGT_UNIQUE(name), __FILE__, __LINE__) && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())

/*
 * igt_subtest_with_dynamic(name): a subtest whose results are those of the
 * igt_dynamic() blocks inside it: it passes when all that ran passed, fails
 * when any failed, and skips when none ran. Assertions belong in the
 * dynamic blocks; igt_require()/igt_skip() may also be used outside them.
 */
#define igt_subtest_with_dynamic(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       __igt_enter_dynamic_container() && \
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())

/* igt_dynamic(name): one dynamic subtest, within igt_subtest_with_dynamic. */
#define igt_dynamic(name) \
	for (; __igt_run_dynamic_subtest((name)) && \
	       sigsetjmp(igt_dynamic_jmpbuf, 1) == 0; \
	     igt_success())

/* igt_dynamic_f(fmt, ...): igt_dynamic() with a printf-built name. */
#define igt_dynamic_f(...) \
	for (char NOVA_IGT_UNIQUE(name)[256]; \
	     snprintf(NOVA_IGT_UNIQUE(name), sizeof(NOVA_IGT_UNIQUE(name)), __VA_ARGS__), \
	     __igt_run_dynamic_subtest(NOVA_IGT_UNIQUE(name)) && \
	     sigsetjmp(igt_dynamic_jmpbuf, 1) == 0; \
	     igt_success())

/*
 * igt_subtest_group: fixtures inside the block affect only the subtests
 * inside it. @save and @desc are the caller's scratch state that
 * __igt_subtest_group_save() fills and __igt_subtest_group_restore() consumes.
 */
void __igt_subtest_group_save(int *save, int *desc);
void __igt_subtest_group_restore(int save, int desc);
#define igt_subtest_group \
	for (volatile int NOVA_IGT_UNIQUE(group_once) = 0; \
	     NOVA_IGT_UNIQUE(group_once) < 1; NOVA_IGT_UNIQUE(group_once)++) \
		for (int NOVA_IGT_UNIQUE(group_save) = 0, NOVA_IGT_UNIQUE(group_desc) = 0; \
		     NOVA_IGT_UNIQUE(group_once) < 1 && \
		     (__igt_subtest_group_save(&NOVA_IGT_UNIQUE(group_save), \
					       &NOVA_IGT_UNIQUE(group_desc)), true); \
		     NOVA_IGT_UNIQUE(group_once)++, \
		     __igt_subtest_group_restore(NOVA_IGT_UNIQUE(group_save), \
						 NOVA_IGT_UNIQUE(group_desc)))

/* The running subtest's name (NULL outside one) and the binary's name. */
const char *igt_subtest_name(void);
const char *igt_test_name(void);
/* True when the binary was started with --list-subtests. */
bool igt_only_list_subtests(void);

/*
 * Attaches a description to the next igt_subtest or igt_subtest_group, shown
 * by --describe. Call it outside subtests.
 */
__attribute__((format(printf, 1, 2))) void igt_describe_f(const char *fmt, ...);
#define igt_describe(text) igt_describe_f("%s", (text))

/* ---- results ------------------------------------------------------------ */

/* Ends the current (dynamic) subtest, or in a fixture all later ones, as SKIP. */
__attribute__((noreturn, format(printf, 1, 2))) void igt_skip(const char *fmt, ...);
/* igt_skip() that names the unmet @check and where it was found. */
__attribute__((noreturn, format(printf, 5, 6)))
void __igt_skip_check(const char *file, const int line, const char *func,
		      const char *check, const char *fmt, ...);
/* Records a pass; what falling off the end of a subtest block calls. */
void igt_success(void);
/* Ends the current subtest as FAIL; the binary will exit with @exitcode. */
__attribute__((noreturn)) void igt_fail(int exitcode);
/*
 * Logs a failed @assertion (with errno, if set, and the optional printf
 * message @fmt), then igt_fail(IGT_EXIT_FAILURE).
 */
__attribute__((noreturn, format(printf, 6, 7)))
void __igt_fail_assert(const char *domain, const char *file, const int line,
		       const char *func, const char *assertion, const char *fmt, ...);

/* ---- exit handlers ------------------------------------------------------ */

/* Called with the signal that ends the process, or 0 on a normal exit. */
typedef void (*igt_exit_handler_t)(int sig);

/*
 * Registers @fn to run when the process ends, by exit() or by a fatal
 * signal (igt installs its own handlers for SIGINT, SIGTERM, SIGSEGV,
 * SIGBUS, SIGABRT and the like): the place for undoing a system-wide change
 * a test made, so that a failed or killed test leaves the machine as it
 * found it. Installing the same @fn twice registers it once; libigt keeps
 * at most ten.
 */
void igt_install_exit_handler(igt_exit_handler_t fn);

/* ---- logging ------------------------------------------------------------ */

enum igt_log_level {
	IGT_LOG_DEBUG,		/* stdout, only with --debug */
	IGT_LOG_INFO,		/* stdout */
	IGT_LOG_WARN,		/* stderr, marked WARNING */
	IGT_LOG_CRITICAL,	/* stderr, marked CRITICAL */
	IGT_LOG_NONE,
};

/* The log domain of this file's messages; NULL is the test binary itself. */
#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

__attribute__((format(printf, 3, 4)))
void igt_log(const char *domain, enum igt_log_level level, const char *fmt, ...);
#define igt_debug(...)		igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, __VA_ARGS__)
#define igt_info(...)		igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, __VA_ARGS__)
#define igt_warn(...)		igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, __VA_ARGS__)
#define igt_critical(...)	igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, __VA_ARGS__)

/* ---- requirements ------------------------------------------------------- */

#define igt_require(expr) \
	do { \
		if (!(expr)) \
			__igt_skip_check(__FILE__, __LINE__, __func__, #expr, NULL); \
		igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_require_f(expr, ...) \
	do { \
		if (!(expr)) \
			__igt_skip_check(__FILE__, __LINE__, __func__, #expr, __VA_ARGS__); \
		igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_skip_on(expr) \
	do { \
		if ((expr)) \
			__igt_skip_check(__FILE__, __LINE__, __func__, "!(" #expr ")", NULL); \
	} while (0)

#define igt_skip_on_f(expr, ...) \
	do { \
		if ((expr)) \
			__igt_skip_check(__FILE__, __LINE__, __func__, "!(" #expr ")", \
					 __VA_ARGS__); \
	} while (0)

/* ---- assertions --------------------------------------------------------- */

#define igt_assert(expr) \
	do { \
		if (!(expr)) \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
					  #expr, NULL); \
	} while (0)

#define igt_assert_f(expr, ...) \
	do { \
		if (!(expr)) \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
					  #expr, __VA_ARGS__); \
	} while (0)

#define igt_fail_on(expr)		igt_assert(!(expr))
#define igt_fail_on_f(expr, ...)	igt_assert_f(!(expr), __VA_ARGS__)

/*
 * Compares two values converted to @type; on failure, shows both with @fmt
 * (which takes two @cast arguments).
 */
#define NOVA_IGT_ASSERT_CMP(type, cast, fmt, a, op, nop, b) \
	do { \
		type nova_igt_a_ = (a), nova_igt_b_ = (b); \
		if (!(nova_igt_a_ op nova_igt_b_)) \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
					  #a " " #op " " #b, \
					  "error: " fmt " " #nop " " fmt "\n", \
					  (cast)nova_igt_a_, (cast)nova_igt_b_); \
	} while (0)

#define igt_assert_cmpint(a, op, nop, b) \
	NOVA_IGT_ASSERT_CMP(int, int, "%d", a, op, nop, b)
#define igt_assert_cmpuint(a, op, nop, b) \
	NOVA_IGT_ASSERT_CMP(uint32_t, unsigned int, "%#x", a, op, nop, b)
#define igt_assert_cmps64(a, op, nop, b) \
	NOVA_IGT_ASSERT_CMP(int64_t, long long, "%lld", a, op, nop, b)
#define igt_assert_cmpu64(a, op, nop, b) \
	NOVA_IGT_ASSERT_CMP(uint64_t, unsigned long long, "%#llx", a, op, nop, b)

#define igt_assert_eq(a, b)		igt_assert_cmpint(a, ==, !=, b)
#define igt_assert_neq(a, b)		igt_assert_cmpint(a, !=, ==, b)
#define igt_assert_lt(a, b)		igt_assert_cmpint(a, <, >=, b)
#define igt_assert_lte(a, b)		igt_assert_cmpint(a, <=, >, b)
#define igt_assert_eq_u32(a, b)		igt_assert_cmpuint(a, ==, !=, b)
#define igt_assert_neq_u32(a, b)	igt_assert_cmpuint(a, !=, ==, b)
#define igt_assert_eq_s64(a, b)		igt_assert_cmps64(a, ==, !=, b)
#define igt_assert_eq_u64(a, b)		igt_assert_cmpu64(a, ==, !=, b)
#define igt_assert_neq_u64(a, b)	igt_assert_cmpu64(a, !=, ==, b)
#define igt_assert_lt_u64(a, b)		igt_assert_cmpu64(a, <, >=, b)
#define igt_assert_lte_u64(a, b)	igt_assert_cmpu64(a, <=, >, b)

#define igt_assert_fd(fd) igt_assert_f((fd) >= 0, "file descriptor " #fd " failed\n")

/* ---- devices (drmtest) -------------------------------------------------- */

/*
 * Driver masks for drm_open_driver(). A device whose driver igt does not
 * know (nova) counts as DRIVER_ANY, which every known driver but vgem is
 * part of; with several devices, IGT_FORCE_DRIVER=<name> in the environment
 * makes DRIVER_ANY pick the one of driver <name>.
 */
#define DRIVER_INTEL		(1 << 0)
#define DRIVER_VC4		(1 << 1)
#define DRIVER_VGEM		(1 << 2)
#define DRIVER_AMDGPU		(1 << 3)
#define DRIVER_V3D		(1 << 4)
#define DRIVER_PANFROST		(1 << 5)
#define DRIVER_MSM		(1 << 6)
#define DRIVER_ANY		(~DRIVER_VGEM)

/* Opens the primary node of a matching device; skips when there is none. */
int drm_open_driver(int chipset);
/* Same for the render node. */
int drm_open_driver_render(int chipset);
/* Opens the primary node of a matching device; -1 when there is none. */
int __drm_open_driver(int chipset);

/* ---- ioctls (ioctl_wrappers) -------------------------------------------- */

/*
 * The ioctl entry point every igt library call goes through (libdrm's
 * drmIoctl() by default, which restarts on EINTR and EAGAIN): 0, or -1 with
 * errno set.
 */
extern int (*igt_ioctl)(int fd, unsigned long request, void *arg);

/* DRM_IOCTL_GEM_CLOSE of @handle; fails the subtest if the kernel refuses. */
void gem_close(int fd, uint32_t handle);

/* ---- fdinfo (igt_drm_fdinfo) -------------------------------------------- */

/*
 * What igt's parser of the drm-usage-stats keys in /proc/self/fdinfo/<fd>
 * fills in. The layout is 1.27.1's, as __igt_parse_drm_fdinfo() writes it:
 * driver at 0 and pdev at 128 (strncpy of at most 127 bytes each), the
 * client id at 256 (strtol), num_engines at 264 (incremented, so the caller
 * zeroes the struct), capacity[i] at 268 + 4i and busy[i] at 336 + 8i.
 * 1.27.1 knows only i915's engine classes: a drm-engine-<name> key counts
 * only when <name> is a prefix of render, copy, video or video-enhance
 * (index 0-3, its string table), other keys are ignored.
 */
#define DRM_CLIENT_FDINFO_MAX_ENGINES 16

struct drm_client_fdinfo {
	char driver[128];
	char pdev[128];
	unsigned long id;
	unsigned int num_engines;
	unsigned int capacity[DRM_CLIENT_FDINFO_MAX_ENGINES];
	uint64_t busy[DRM_CLIENT_FDINFO_MAX_ENGINES];
};
_Static_assert(__builtin_offsetof(struct drm_client_fdinfo, id) == 256, "igt 1.27.1 layout");
_Static_assert(__builtin_offsetof(struct drm_client_fdinfo, num_engines) == 264,
	       "igt 1.27.1 layout");
_Static_assert(__builtin_offsetof(struct drm_client_fdinfo, capacity) == 268,
	       "igt 1.27.1 layout");
_Static_assert(__builtin_offsetof(struct drm_client_fdinfo, busy) == 336, "igt 1.27.1 layout");

/*
 * Parses the fdinfo of @drm_fd into @info, which must be zeroed. Returns
 * the number of keys it took (drm-driver, drm-client-id, the engines and
 * their capacities), or 0 when fewer than two of driver and client id were
 * found or no engine was: the fields it got to are filled in either way.
 */
unsigned int igt_parse_drm_fdinfo(int drm_fd, struct drm_client_fdinfo *info);
/* The same for the file @fd (a name) in the directory open as @dir. */
unsigned int __igt_parse_drm_fdinfo(int dir, const char *fd, struct drm_client_fdinfo *info);

#endif /* NOVA_IGT_IN_TREE */
#endif /* NOVA_IGT_H */

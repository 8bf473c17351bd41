// SPDX-License-Identifier: MIT
/*
 * nova_bad_input: every invalid input of every nova ioctl fails with the
 * errno driver/uapi/nova_drm.h documents, and leaves nothing behind. One
 * dynamic subtest per case, from tables.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "nova_helpers.h"

IGT_TEST_DESCRIPTION("Invalid inputs of the nova ioctls and their documented errors");

/* File scope: see nova_basic.c. */
static int fd = -1;
static int other_fd = -1;
static struct nova_device_info info;
static uint64_t budget_free;

/* ---- GETPARAM ----------------------------------------------------------- */

static const struct {
	const char *name;
	uint64_t param;
} bad_params[] = {
	{ "zero", 0 },
	{ "below-own-range", 0x2 },
	{ "last-upstream-value", 0xff },
	{ "u32-max", 0xffffffffull },
	/* The low 32 bits name a valid parameter: the whole u64 counts. */
	{ "high-bits-vram-bar-size", (1ull << 32) | NOVA_GETPARAM_VRAM_BAR_SIZE },
	{ "high-bits-uapi-version", (1ull << 32) | NOVA_GETPARAM_UAPI_VERSION },
	{ "top-bit-page-size", (1ull << 63) | NOVA_GETPARAM_PAGE_SIZE },
	{ "u64-max", ~0ull },
};

/* ---- GEM_CREATE --------------------------------------------------------- */

enum size_kind { SIZE_ABS, SIZE_PAGES, SIZE_MAX_PLUS };

static const struct {
	const char *name;
	uint32_t pad;
	enum size_kind kind;
	uint64_t size;
	int err;
} bad_creates[] = {
	{ "size-zero", 0, SIZE_ABS, 0, -EINVAL },
	{ "pad-one", 1, SIZE_PAGES, 1, -EINVAL },
	{ "pad-top-bit", 0x80000000u, SIZE_PAGES, 1, -EINVAL },
	{ "pad-all-bits", 0xffffffffu, SIZE_PAGES, 1, -EINVAL },
	{ "pad-and-size-zero", 1, SIZE_ABS, 0, -EINVAL },
	{ "size-max-plus-one", 0, SIZE_MAX_PLUS, 1, -E2BIG },
	{ "size-max-plus-page", 0, SIZE_MAX_PLUS, 0 /* page */, -E2BIG },
	/* Would overflow when rounded up to the page size. */
	{ "size-u64-max", 0, SIZE_ABS, ~0ull, -E2BIG },
	{ "size-u64-max-minus-page", 0, SIZE_ABS, ~0ull - 4095, -E2BIG },
	{ "size-top-bit", 0, SIZE_ABS, 1ull << 63, -E2BIG },
	/* Its low 32 bits are a small valid size. */
	{ "size-u32-wrap", 0, SIZE_ABS, (1ull << 32) | 1, -E2BIG },
};

static uint64_t create_size(unsigned int i)
{
	switch (bad_creates[i].kind) {
	case SIZE_PAGES:
		return bad_creates[i].size * info.page_size;
	case SIZE_MAX_PLUS:
		return info.max_object_size +
		       (bad_creates[i].size ? bad_creates[i].size : info.page_size);
	case SIZE_ABS:
	default:
		return bad_creates[i].size;
	}
}

static void check_bad_create(unsigned int i)
{
	struct drm_nova_gem_create args = {
		.pad = bad_creates[i].pad,
		.size = create_size(i),
	};

	int ret;

	/* An E2BIG case is only one while the size is above the limit. */
	igt_require(bad_creates[i].err != -E2BIG || args.size > info.max_object_size);
	ret = __nova_ioctl_gem_create(fd, &args);
	/* Wrongly accepted: release it, so that later cases stay independent. */
	if (ret == 0)
		gem_close(fd, args.handle);
	igt_assert_eq(ret, bad_creates[i].err);
	/* Nothing was created. */
	igt_assert_eq_u64(nova_budget_available(fd, &info), budget_free);
}

/* ---- handles, for GEM_INFO and GEM_MMAP_OFFSET --------------------------- */

enum handle_kind { HANDLE_ZERO, HANDLE_UNKNOWN, HANDLE_MAX, HANDLE_CLOSED, HANDLE_OTHER_FILE };

static const struct {
	const char *name;
	enum handle_kind kind;
} bad_handles[] = {
	{ "handle-zero", HANDLE_ZERO },
	{ "handle-unknown", HANDLE_UNKNOWN },
	{ "handle-u32-max", HANDLE_MAX },
	{ "handle-closed", HANDLE_CLOSED },
	{ "handle-of-other-file", HANDLE_OTHER_FILE },
};

/* A handle that names no object of fd; *cleanup is an object to close after. */
static uint32_t bad_handle(enum handle_kind kind, uint32_t *cleanup)
{
	uint32_t handle;

	*cleanup = 0;
	switch (kind) {
	case HANDLE_ZERO:
		return 0;
	case HANDLE_UNKNOWN:
		/* One past a live handle of this file. */
		handle = nova_gem_create(fd, info.page_size);
		*cleanup = handle;
		return handle + 1;
	case HANDLE_MAX:
		return 0xffffffffu;
	case HANDLE_CLOSED:
		handle = nova_gem_create(fd, info.page_size);
		gem_close(fd, handle);
		return handle;
	case HANDLE_OTHER_FILE:
	default:
		/* An object of other_fd; fd has no object alive here. */
		return nova_gem_create(other_fd, info.page_size);
	}
}

static void check_bad_handle(unsigned long request, unsigned int i)
{
	uint32_t cleanup;
	uint32_t handle = bad_handle(bad_handles[i].kind, &cleanup);
	int ret;

	if (request == DRM_IOCTL_NOVA_GEM_INFO) {
		struct drm_nova_gem_info args = { .handle = handle };

		ret = __nova_ioctl_gem_info(fd, &args);
	} else {
		struct drm_nova_gem_mmap_offset args = { .handle = handle };

		ret = __nova_ioctl_gem_mmap_offset(fd, &args);
	}
	igt_assert_eq(ret, -ENOENT);
	if (cleanup)
		gem_close(fd, cleanup);
	if (bad_handles[i].kind == HANDLE_OTHER_FILE)
		gem_close(other_fd, handle);
}

/* ---- GEM_INFO pad, GEM_MMAP_OFFSET flags --------------------------------- */

static const struct {
	const char *name;
	uint32_t value;
} bad_u32s[] = {
	{ "one", 1 },
	{ "bit-1", 2 },
	{ "top-bit", 0x80000000u },
	{ "all-bits", 0xffffffffu },
};

static void check_info_pad(unsigned int i)
{
	uint32_t handle = nova_gem_create(fd, info.page_size);
	struct drm_nova_gem_info args = { .handle = handle, .pad = bad_u32s[i].value };

	igt_assert_eq(__nova_ioctl_gem_info(fd, &args), -EINVAL);
	gem_close(fd, handle);
}

static void check_mmap_offset_flags(unsigned int i)
{
	uint32_t handle = nova_gem_create(fd, info.page_size);
	struct drm_nova_gem_mmap_offset args = { .handle = handle, .flags = bad_u32s[i].value };

	igt_assert_eq(__nova_ioctl_gem_mmap_offset(fd, &args), -EINVAL);
	gem_close(fd, handle);
}

igt_main
{
	igt_fixture {
		fd = nova_open();
		other_fd = nova_open();
		nova_get_device_info(fd, &info);
		budget_free = nova_budget_available(fd, &info);
	}

	igt_describe("GETPARAM of a parameter the uAPI does not define fails with EINVAL.");
	igt_subtest_with_dynamic("getparam") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(bad_params); i++) {
			igt_dynamic(bad_params[i].name) {
				uint64_t value;

				igt_assert_eq(__nova_getparam(fd, bad_params[i].param, &value),
					      -EINVAL);
			}
		}
	}

	igt_describe("GEM_CREATE fails with EINVAL for a zero size or a non-zero "
		     "pad, with E2BIG above the max object size, and creates nothing.");
	igt_subtest_with_dynamic("gem-create") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(bad_creates); i++)
			igt_dynamic(bad_creates[i].name)
				check_bad_create(i);
	}

	igt_describe("GEM_INFO fails with EINVAL for a non-zero pad.");
	igt_subtest_with_dynamic("gem-info-pad") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(bad_u32s); i++)
			igt_dynamic(bad_u32s[i].name)
				check_info_pad(i);
	}

	igt_describe("GEM_INFO fails with ENOENT for a handle that names no object "
		     "of the calling file.");
	igt_subtest_with_dynamic("gem-info-handle") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(bad_handles); i++)
			igt_dynamic(bad_handles[i].name)
				check_bad_handle(DRM_IOCTL_NOVA_GEM_INFO, i);
	}

	igt_describe("GEM_MMAP_OFFSET fails with EINVAL for non-zero flags.");
	igt_subtest_with_dynamic("gem-mmap-offset-flags") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(bad_u32s); i++)
			igt_dynamic(bad_u32s[i].name)
				check_mmap_offset_flags(i);
	}

	igt_describe("GEM_MMAP_OFFSET fails with ENOENT for a handle that names no "
		     "object of the calling file.");
	igt_subtest_with_dynamic("gem-mmap-offset-handle") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(bad_handles); i++)
			igt_dynamic(bad_handles[i].name)
				check_bad_handle(DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, i);
	}

	igt_describe("A driver ioctl number nova does not define fails with EINVAL.");
	igt_subtest("ioctl-unknown") {
		/* The last driver-private ioctl number DRM has. */
		struct drm_nova_getparam args = { .param = NOVA_GETPARAM_PAGE_SIZE };
		unsigned long request = DRM_IOWR(DRM_COMMAND_END - 1, struct drm_nova_getparam);

		igt_assert_eq(__nova_ioctl(fd, request, &args), -EINVAL);
	}

	igt_describe("After all the failed calls, every byte of the budget is "
		     "still available: no failure left an object behind.");
	igt_subtest("nothing-leaked") {
		igt_assert_eq_u64(nova_budget_available(fd, &info), budget_free);
		igt_assert_eq_u64(nova_budget_available(other_fd, &info), budget_free);
	}

	igt_fixture {
		close(other_fd);
		close(fd);
	}
}

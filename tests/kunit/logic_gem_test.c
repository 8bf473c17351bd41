// SPDX-License-Identifier: GPL-2.0
/*
 * The C++ logic's GEM ioctls, called through nova_logic.h with the kernel's
 * services: argument validation of GEM_CREATE (pad, size 0, -E2BIG,
 * rounding, the -ENOSPC budget), GEM_INFO and GEM_MMAP_OFFSET, and the
 * accounting per device and per client.
 *
 * The objects are real (shmem GEM objects with handles in a real drm_file),
 * so the device comes from the fixture; the ioctl handlers are called
 * directly, without DRM's dispatch (the glue suites cover that).
 */

#include <kunit/test.h>

#include <drm/drm_gem.h>

#include "nova_kunit.h"

#define PAGE		((u64)PAGE_SIZE)
#define MAX_OBJECT	((u64)NOVA_KUNIT_MAX_OBJECT)
#define BUDGET		((u64)NOVA_KUNIT_BUDGET)

static int create(struct nova_kunit_file *file, u64 size, u32 pad, u32 *handle, u64 *rounded)
{
	struct drm_nova_gem_create args = { .pad = pad, .size = size };
	int ret = nova_logic_ioctl_gem_create(nova_kunit_logic_file(file), &args);

	if (handle)
		*handle = args.handle;
	if (rounded)
		*rounded = args.size;
	return ret;
}

static void expect_nothing_accounted(struct kunit *test, struct nova_kunit_client *ctx)
{
	struct nova_logic_device_stats stats;
	struct nova_logic_file_stats fstats;

	nova_kunit_dev_stats(ctx->dev, &stats);
	nova_kunit_file_stats(ctx->file, &fstats);
	KUNIT_EXPECT_EQ(test, stats.objects, 0ULL);
	KUNIT_EXPECT_EQ(test, stats.object_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, fstats.objects, 0ULL);
	KUNIT_EXPECT_EQ(test, fstats.object_bytes, 0ULL);
	/* No handle was published either (handles start at 1). */
	KUNIT_EXPECT_FALSE(test, nova_kunit_has_handle(ctx->file, 1));
}

static void create_rejects_nonzero_pad(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, create(ctx->file, PAGE, 1, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, create(ctx->file, PAGE, 0x80000000u, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, create(ctx->file, PAGE, ~0u, NULL, NULL), -EINVAL);
	expect_nothing_accounted(test, ctx);
}

static void create_rejects_size_zero(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, create(ctx->file, 0, 0, NULL, NULL), -EINVAL);
	expect_nothing_accounted(test, ctx);
}

static void create_rejects_oversized_objects(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	static const u64 sizes[] = {
		MAX_OBJECT + 1, MAX_OBJECT + PAGE, BUDGET + 1, 1ULL << 63, ~0ULL,
		~0ULL - PAGE + 2, /* would overflow when rounded up */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		KUNIT_EXPECT_EQ_MSG(test, create(ctx->file, sizes[i], 0, NULL, NULL), -E2BIG,
				    "size 0x%llx", sizes[i]);
	expect_nothing_accounted(test, ctx);
}

static void create_rounds_up_to_the_page_size(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	static const struct {
		u64 asked, got;
	} cases[] = {
		{ 1, PAGE },
		{ PAGE - 1, PAGE },
		{ PAGE, PAGE },
		{ PAGE + 1, 2 * PAGE },
		{ MAX_OBJECT - 1, MAX_OBJECT },
		{ MAX_OBJECT, MAX_OBJECT },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 rounded = 0;
		u32 handle = 0;

		KUNIT_ASSERT_EQ_MSG(test, create(ctx->file, cases[i].asked, 0, &handle, &rounded),
				    0, "size %llu", cases[i].asked);
		KUNIT_EXPECT_EQ_MSG(test, rounded, cases[i].got, "size %llu", cases[i].asked);
		KUNIT_EXPECT_NE(test, handle, 0U);
		KUNIT_EXPECT_EQ(test, drm_gem_handle_delete(ctx->file->file, handle), 0);
	}
	expect_nothing_accounted(test, ctx);
}

static void create_enforces_the_budget(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct nova_logic_device_stats stats;
	u32 handle, last = 0;
	u64 used;

	for (used = 0; used < BUDGET; used += MAX_OBJECT)
		KUNIT_ASSERT_EQ(test, create(ctx->file, MAX_OBJECT, 0, &last, NULL), 0);
	KUNIT_EXPECT_EQ(test, create(ctx->file, 1, 0, NULL, NULL), -ENOSPC);
	nova_kunit_dev_stats(ctx->dev, &stats);
	KUNIT_EXPECT_EQ(test, stats.object_bytes, BUDGET);
	KUNIT_EXPECT_EQ(test, stats.objects, BUDGET / MAX_OBJECT);

	/* A freed object makes room again, to the byte. */
	KUNIT_ASSERT_EQ(test, drm_gem_handle_delete(ctx->file->file, last), 0);
	KUNIT_EXPECT_EQ(test, create(ctx->file, MAX_OBJECT - PAGE, 0, &handle, NULL), 0);
	KUNIT_EXPECT_EQ(test, create(ctx->file, PAGE, 0, &handle, NULL), 0);
	KUNIT_EXPECT_EQ(test, create(ctx->file, PAGE, 0, NULL, NULL), -ENOSPC);
}

static void accounts_per_device_and_per_file(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct nova_kunit_file *other = nova_kunit_open(test, ctx->dev);
	struct nova_logic_device_stats stats;
	struct nova_logic_file_stats fstats;
	u32 h1, h2, h3;

	KUNIT_ASSERT_EQ(test, create(ctx->file, 3 * PAGE, 0, &h1, NULL), 0);
	KUNIT_ASSERT_EQ(test, create(ctx->file, 1, 0, &h2, NULL), 0);
	KUNIT_ASSERT_EQ(test, create(other, 5 * PAGE, 0, &h3, NULL), 0);

	nova_kunit_file_stats(ctx->file, &fstats);
	KUNIT_EXPECT_EQ(test, fstats.objects, 2ULL);
	KUNIT_EXPECT_EQ(test, fstats.object_bytes, 4 * PAGE);
	nova_kunit_file_stats(other, &fstats);
	KUNIT_EXPECT_EQ(test, fstats.objects, 1ULL);
	KUNIT_EXPECT_EQ(test, fstats.object_bytes, 5 * PAGE);
	nova_kunit_dev_stats(ctx->dev, &stats);
	KUNIT_EXPECT_EQ(test, stats.objects, 3ULL);
	KUNIT_EXPECT_EQ(test, stats.object_bytes, 9 * PAGE);
	KUNIT_EXPECT_EQ(test, stats.files, 2ULL);

	KUNIT_ASSERT_EQ(test, drm_gem_handle_delete(ctx->file->file, h1), 0);
	nova_kunit_file_stats(ctx->file, &fstats);
	KUNIT_EXPECT_EQ(test, fstats.objects, 1ULL);
	KUNIT_EXPECT_EQ(test, fstats.object_bytes, PAGE);
	nova_kunit_dev_stats(ctx->dev, &stats);
	KUNIT_EXPECT_EQ(test, stats.objects, 2ULL);
	KUNIT_EXPECT_EQ(test, stats.object_bytes, 6 * PAGE);
}

static void info_and_mmap_offset_validate_arguments(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct nova_logic_file *logic = nova_kunit_logic_file(ctx->file);
	struct drm_nova_gem_mmap_offset mmap;
	struct drm_nova_gem_info info;
	u32 handle;

	KUNIT_ASSERT_EQ(test, create(ctx->file, 3 * PAGE + 5, 0, &handle, NULL), 0);

	info = (struct drm_nova_gem_info){ .handle = handle, .size = 12345 };
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_gem_info(logic, &info), 0);
	KUNIT_EXPECT_EQ(test, info.size, 4 * PAGE);
	info = (struct drm_nova_gem_info){ .handle = handle, .pad = 1 };
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_gem_info(logic, &info), -EINVAL);
	info = (struct drm_nova_gem_info){ .handle = handle + 1 };
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_gem_info(logic, &info), -ENOENT);

	mmap = (struct drm_nova_gem_mmap_offset){ .handle = handle };
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_gem_mmap_offset(logic, &mmap), 0);
	KUNIT_EXPECT_NE(test, mmap.offset, 0ULL);
	mmap = (struct drm_nova_gem_mmap_offset){ .handle = handle, .flags = 1 };
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_gem_mmap_offset(logic, &mmap), -EINVAL);
	mmap = (struct drm_nova_gem_mmap_offset){ .handle = 0 };
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_gem_mmap_offset(logic, &mmap), -ENOENT);
}

static struct kunit_case nova_logic_gem_cases[] = {
	KUNIT_CASE(create_rejects_nonzero_pad),
	KUNIT_CASE(create_rejects_size_zero),
	KUNIT_CASE(create_rejects_oversized_objects),
	KUNIT_CASE(create_rounds_up_to_the_page_size),
	KUNIT_CASE(create_enforces_the_budget),
	KUNIT_CASE(accounts_per_device_and_per_file),
	KUNIT_CASE(info_and_mmap_offset_validate_arguments),
	{}
};

static struct kunit_suite nova_logic_gem_suite = {
	.name = "nova_logic_gem",
	.init = nova_kunit_client_init,
	.test_cases = nova_logic_gem_cases,
};

kunit_test_suite(nova_logic_gem_suite);

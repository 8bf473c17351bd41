// SPDX-License-Identifier: GPL-2.0
/*
 * nova's ioctls end to end on a registered drm_device: DRM's dispatch
 * (drm_ioctl_kernel() with the handler and permission flags of nova's
 * table), the glue, the logic, and the shmem objects and handles that come
 * out of it.
 */

#include <linux/dma-resv.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>

#include <kunit/test.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_vma_manager.h>

#include "nova_kunit.h"

#define PAGE		((u64)PAGE_SIZE)
#define MAX_OBJECT	((u64)NOVA_KUNIT_MAX_OBJECT)

/* The uAPI's ioctls of version 1; later ones come with their suites. */
static const unsigned int nova_v1_ioctls[] = {
	DRM_IOCTL_NOVA_GETPARAM,
	DRM_IOCTL_NOVA_GEM_CREATE,
	DRM_IOCTL_NOVA_GEM_INFO,
	DRM_IOCTL_NOVA_GEM_MMAP_OFFSET,
};

static void table_matches_the_uapi(struct kunit *test)
{
	unsigned int i;

	/* Every slot that is filled sits at the number its command carries. */
	for (i = 0; i < ARRAY_SIZE(nova_ioctls); i++) {
		const struct drm_ioctl_desc *desc = &nova_ioctls[i];

		if (!desc->func)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, DRM_IOCTL_NR(desc->cmd), DRM_COMMAND_BASE + i,
				    "slot %u holds %s", i, desc->name);
		/* Render nodes are how clients reach nova. */
		KUNIT_EXPECT_TRUE_MSG(test, desc->flags & DRM_RENDER_ALLOW, "%s", desc->name);
		KUNIT_EXPECT_FALSE_MSG(test, desc->flags & (DRM_MASTER | DRM_ROOT_ONLY), "%s",
				       desc->name);
	}

	/* Every uAPI command has its handler, with the full command word. */
	for (i = 0; i < ARRAY_SIZE(nova_v1_ioctls); i++) {
		unsigned int cmd = nova_v1_ioctls[i];
		unsigned int nr = DRM_IOCTL_NR(cmd) - DRM_COMMAND_BASE;

		KUNIT_ASSERT_LT(test, nr, (unsigned int)ARRAY_SIZE(nova_ioctls));
		KUNIT_EXPECT_NOT_NULL(test, nova_ioctls[nr].func);
		KUNIT_EXPECT_EQ(test, nova_ioctls[nr].cmd, cmd);
	}
}

static void getparam_through_drm(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct drm_nova_getparam args = { .param = NOVA_GETPARAM_MAX_OBJECT_SIZE };

	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GETPARAM, &args), 0);
	KUNIT_EXPECT_EQ(test, args.value, MAX_OBJECT);

	args = (struct drm_nova_getparam){ .param = NOVA_GETPARAM_UAPI_VERSION };
	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GETPARAM, &args), 0);
	KUNIT_EXPECT_EQ(test, args.value, (u64)NOVA_UAPI_VERSION);

	args = (struct drm_nova_getparam){ .param = 0x1000 };
	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GETPARAM, &args),
			-EINVAL);
}

/*
 * Each handler of the table refuses an unplugged device itself: an ioctl
 * that was past drm_ioctl()'s own check when the device went must not run
 * after the removal (nova_ioctl()). Zeroed arguments would give each
 * handler something other than -ENODEV (an empty VM_BIND succeeds), so a
 * handler outside drm_dev_enter() fails here.
 */
static void every_handler_refuses_an_unplugged_device(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *file = nova_kunit_open(test, dev);
	u64 args[16];
	unsigned int i;

	drm_dev_unplug(dev->drm);
	for (i = 0; i < ARRAY_SIZE(nova_ioctls); i++) {
		const struct drm_ioctl_desc *desc = &nova_ioctls[i];

		if (!desc->func)
			continue;
		KUNIT_ASSERT_LE(test, _IOC_SIZE(desc->cmd), sizeof(args));
		memset(args, 0, sizeof(args));
		KUNIT_EXPECT_EQ_MSG(test, desc->func(dev->drm, args, file->file), -ENODEV, "%s",
				    desc->name);
	}
}

static void gem_create_makes_a_shmem_object(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct drm_gem_shmem_object *shmem;
	struct drm_gem_object *obj;
	struct iosys_map map;
	u64 rounded, i;
	u32 handle;
	u8 *bytes;
	int ret;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(ctx->file, 2 * PAGE + 1, &handle, &rounded),
			0);
	KUNIT_EXPECT_EQ(test, rounded, 3 * PAGE);
	KUNIT_EXPECT_NE(test, handle, 0U);

	obj = drm_gem_object_lookup(ctx->file->file, handle);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, (u64)obj->size, 3 * PAGE);
	KUNIT_EXPECT_PTR_EQ(test, obj->dev, ctx->dev->drm);
	/* shmem-backed: a shmem file of the object's size holds the pages. */
	KUNIT_EXPECT_NOT_NULL(test, obj->filp);
	if (obj->filp)
		KUNIT_EXPECT_EQ(test, (u64)i_size_read(file_inode(obj->filp)), 3 * PAGE);

	/*
	 * Zero-filled, and what is written stays in the object's pages. The
	 * mappings are made under the object's reservation lock, as the DRM
	 * core makes them: 6.12's shmem helpers require it, 6.1's take their
	 * own locks inside it.
	 */
	shmem = to_drm_gem_shmem_obj(obj);
	dma_resv_lock(obj->resv, NULL);
	ret = drm_gem_shmem_vmap(shmem, &map);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret == 0) {
		bytes = map.vaddr;
		for (i = 0; i < 3 * PAGE && !bytes[i]; i++)
			;
		KUNIT_EXPECT_EQ(test, i, 3 * PAGE);
		memset(bytes, 0xa5, 3 * PAGE);
		drm_gem_shmem_vunmap(shmem, &map);
	}
	ret = drm_gem_shmem_vmap(shmem, &map);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret == 0) {
		bytes = map.vaddr;
		KUNIT_EXPECT_EQ(test, bytes[0], (u8)0xa5);
		KUNIT_EXPECT_EQ(test, bytes[3 * PAGE - 1], (u8)0xa5);
		drm_gem_shmem_vunmap(shmem, &map);
	}
	dma_resv_unlock(obj->resv);

	/* An assertion must not end the case while it holds the reference. */
	drm_gem_object_put(obj);
}

static void gem_create_rejects_bad_arguments(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct drm_nova_gem_create args = { .pad = 1, .size = PAGE };

	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_CREATE, &args),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nova_kunit_gem_create(ctx->file, 0, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, nova_kunit_gem_create(ctx->file, MAX_OBJECT + 1, NULL, NULL),
			-E2BIG);
	/* No handle came out of any of them. */
	KUNIT_EXPECT_FALSE(test, nova_kunit_has_handle(ctx->file, 1));
}

static void gem_info_reports_the_rounded_size(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct drm_nova_gem_info info;
	u32 handle;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(ctx->file, 3 * PAGE + 5, &handle, NULL), 0);
	info = (struct drm_nova_gem_info){ .handle = handle, .size = 77 };
	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_INFO, &info), 0);
	KUNIT_EXPECT_EQ(test, info.size, 4 * PAGE);
	KUNIT_EXPECT_EQ(test, info.handle, handle);

	info = (struct drm_nova_gem_info){ .handle = handle, .pad = 1 };
	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_INFO, &info),
			-EINVAL);
}

static void gem_mmap_offset_is_the_objects_fake_offset(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct drm_nova_gem_mmap_offset a, b, c;
	struct drm_gem_object *obj;
	u32 h1, h2;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(ctx->file, 2 * PAGE, &h1, NULL), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(ctx->file, PAGE, &h2, NULL), 0);
	a = (struct drm_nova_gem_mmap_offset){ .handle = h1, .offset = 1 };
	b = (struct drm_nova_gem_mmap_offset){ .handle = h1 };
	c = (struct drm_nova_gem_mmap_offset){ .handle = h2 };
	KUNIT_ASSERT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &a), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &b), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &c), 0);

	/* Stable per object, distinct between objects, page aligned. */
	KUNIT_EXPECT_EQ(test, a.offset, b.offset);
	KUNIT_EXPECT_NE(test, a.offset, c.offset);
	KUNIT_EXPECT_NE(test, a.offset, 0ULL);
	KUNIT_EXPECT_EQ(test, a.offset & (PAGE - 1), 0ULL);

	/* It is the offset DRM's mmap looks objects up by, granted to this file. */
	obj = drm_gem_object_lookup(ctx->file->file, h1);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, a.offset, drm_vma_node_offset_addr(&obj->vma_node));
	KUNIT_EXPECT_TRUE(test, drm_vma_node_is_allowed(&obj->vma_node, ctx->file->file));
	drm_gem_object_put(obj);

	a = (struct drm_nova_gem_mmap_offset){ .handle = h1, .flags = 1 };
	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &a),
			-EINVAL);
}

static void handle_lookups_fail_with_enoent(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct nova_kunit_file *other = nova_kunit_open(test, ctx->dev);
	struct drm_nova_gem_mmap_offset mmap;
	struct drm_nova_gem_info info;
	u32 handle, deleted, bad[5];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(ctx->file, PAGE, &handle, NULL), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(ctx->file, PAGE, &deleted, NULL), 0);
	KUNIT_ASSERT_EQ(test, drm_gem_handle_delete(ctx->file->file, deleted), 0);

	bad[0] = 0;
	bad[1] = deleted;
	bad[2] = handle + 100;
	bad[3] = 0x7fffffff;
	bad[4] = ~0u;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		info = (struct drm_nova_gem_info){ .handle = bad[i] };
		KUNIT_EXPECT_EQ_MSG(test,
				    nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_INFO, &info),
				    -ENOENT, "handle %u", bad[i]);
		mmap = (struct drm_nova_gem_mmap_offset){ .handle = bad[i] };
		KUNIT_EXPECT_EQ_MSG(test,
				    nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET,
						     &mmap),
				    -ENOENT, "handle %u", bad[i]);
	}

	/* Handles belong to the file that created them. */
	info = (struct drm_nova_gem_info){ .handle = handle };
	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(other, DRM_IOCTL_NOVA_GEM_INFO, &info), -ENOENT);
	mmap = (struct drm_nova_gem_mmap_offset){ .handle = handle };
	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(other, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &mmap),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(ctx->file, DRM_IOCTL_NOVA_GEM_INFO, &info), 0);
}

static void permissions_follow_the_table(struct kunit *test)
{
	struct nova_kunit_client *ctx = test->priv;
	struct nova_kunit_file *primary = nova_kunit_open_primary(test, ctx->dev);
	struct drm_nova_getparam param = { .param = NOVA_GETPARAM_PAGE_SIZE };
	u32 handle;

	/* An unauthenticated client of the primary node may ask, not allocate. */
	primary->file->authenticated = false;
	KUNIT_EXPECT_EQ(test, nova_kunit_ioctl(primary, DRM_IOCTL_NOVA_GETPARAM, &param), 0);
	KUNIT_EXPECT_EQ(test, nova_kunit_gem_create(primary, PAGE, NULL, NULL), -EACCES);

	/* Authenticated, it may; render clients always may. */
	primary->file->authenticated = true;
	KUNIT_EXPECT_EQ(test, nova_kunit_gem_create(primary, PAGE, &handle, NULL), 0);
	KUNIT_EXPECT_EQ(test, nova_kunit_gem_create(ctx->file, PAGE, &handle, NULL), 0);
}

static struct kunit_case nova_glue_ioctl_cases[] = {
	KUNIT_CASE(table_matches_the_uapi),
	KUNIT_CASE(getparam_through_drm),
	KUNIT_CASE(every_handler_refuses_an_unplugged_device),
	KUNIT_CASE(gem_create_makes_a_shmem_object),
	KUNIT_CASE(gem_create_rejects_bad_arguments),
	KUNIT_CASE(gem_info_reports_the_rounded_size),
	KUNIT_CASE(gem_mmap_offset_is_the_objects_fake_offset),
	KUNIT_CASE(handle_lookups_fail_with_enoent),
	KUNIT_CASE(permissions_follow_the_table),
	{}
};

static struct kunit_suite nova_glue_ioctl_suite = {
	.name = "nova_glue_ioctl",
	.init = nova_kunit_client_init,
	.test_cases = nova_glue_ioctl_cases,
};

kunit_test_suite(nova_glue_ioctl_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * VM_BIND through DRM's dispatch on a registered drm_device: the table's
 * permissions, and the lifetimes the glue has to get right around the VA
 * space: an object that outlives its handle while it is mapped, a file
 * closed with live mappings, and a client that names another client's
 * handle.
 */

#include <kunit/test.h>

#include <drm/drm_gem.h>

#include "nova_kunit.h"

#define PAGE	((u64)PAGE_SIZE)
#define VA	((u64)SZ_1M)

static struct drm_nova_vm_bind_op map_op(u32 handle, u64 va, u64 range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP, .handle = handle, .va = va, .range = range,
	};
}

static void expect_device(struct kunit *test, struct nova_kunit_dev *dev, u64 objects,
			  u64 mappings)
{
	struct nova_logic_device_stats stats;

	nova_kunit_dev_stats(dev, &stats);
	KUNIT_EXPECT_EQ(test, stats.objects, objects);
	KUNIT_EXPECT_EQ(test, stats.mappings, mappings);
	if (!mappings)
		KUNIT_EXPECT_EQ(test, stats.mapping_bytes, 0ULL);
}

static void vm_bind_follows_the_table(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *render = nova_kunit_open(test, dev);
	struct nova_kunit_file *primary = nova_kunit_open_primary(test, dev);
	struct drm_nova_vm_bind_op op;
	u32 handle;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(render, PAGE, &handle, NULL), 0);
	op = map_op(handle, VA, PAGE);
	KUNIT_EXPECT_EQ(test, nova_kunit_vm_bind(test, render, &op, 1, false), 0);

	/* DRM_AUTH: an unauthenticated primary client is refused before nova. */
	primary->file->authenticated = false;
	KUNIT_EXPECT_EQ(test, nova_kunit_vm_bind(test, primary, &op, 0, false), -EACCES);
	primary->file->authenticated = true;
	KUNIT_EXPECT_EQ(test, nova_kunit_vm_bind(test, primary, &op, 0, false), 0);
	expect_device(test, dev, 1, 1);
}

static void a_mapped_object_outlives_its_handle(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *file = nova_kunit_open(test, dev);
	struct drm_nova_vm_bind_op ops[2];
	u32 handle;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(file, 2 * PAGE, &handle, NULL), 0);
	ops[0] = map_op(handle, VA, PAGE);
	ops[1] = map_op(handle, VA + 4 * PAGE, 2 * PAGE);
	KUNIT_ASSERT_EQ(test, nova_kunit_vm_bind(test, file, ops, 2, false), 0);

	KUNIT_ASSERT_EQ(test, drm_gem_handle_delete(file->file, handle), 0);
	KUNIT_EXPECT_FALSE(test, nova_kunit_has_handle(file, handle));
	expect_device(test, dev, 1, 2);

	/* The handle is gone, so new MAPs of it fail; the mappings stay. */
	KUNIT_EXPECT_EQ(test, nova_kunit_vm_bind(test, file, ops, 1, false), -ENOENT);

	/* Unmapping all but a page of the second keeps the object alive... */
	ops[0] = (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_UNMAP, .va = VA,
					       .range = 5 * PAGE };
	KUNIT_ASSERT_EQ(test, nova_kunit_vm_bind(test, file, ops, 1, false), 0);
	expect_device(test, dev, 1, 1);
	/* ...and the last page frees it. */
	ops[0].range = 6 * PAGE;
	KUNIT_ASSERT_EQ(test, nova_kunit_vm_bind(test, file, ops, 1, false), 0);
	expect_device(test, dev, 0, 0);
}

static void closing_a_file_tears_its_va_space_down(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *file = nova_kunit_open(test, dev);
	struct drm_nova_vm_bind_op ops[3];
	u32 a, b;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(file, PAGE, &a, NULL), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(file, PAGE, &b, NULL), 0);
	ops[0] = map_op(a, VA, PAGE);
	ops[1] = map_op(b, VA + PAGE, PAGE);
	ops[2] = map_op(a, VA + 2 * PAGE, PAGE);
	KUNIT_ASSERT_EQ(test, nova_kunit_vm_bind(test, file, ops, 3, false), 0);
	KUNIT_ASSERT_EQ(test, drm_gem_handle_delete(file->file, a), 0);
	expect_device(test, dev, 2, 3);

	nova_kunit_close(file);
	expect_device(test, dev, 0, 0);
}

static void another_clients_handle_is_unknown(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *owner = nova_kunit_open(test, dev);
	struct nova_kunit_file *other = nova_kunit_open(test, dev);
	struct drm_nova_vm_bind_op op;
	u32 handle, mine;

	/* Both have handle 1 after this; each names only its own object. */
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(owner, 2 * PAGE, &handle, NULL), 0);
	op = map_op(handle + 1, VA, PAGE);
	KUNIT_EXPECT_EQ(test, nova_kunit_vm_bind(test, other, &op, 1, false), -ENOENT);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(other, PAGE, &mine, NULL), 0);
	/* Two pages fit the owner's object, not the other client's one. */
	op = map_op(mine, VA, 2 * PAGE);
	KUNIT_EXPECT_EQ(test, nova_kunit_vm_bind(test, other, &op, 1, false), -EINVAL);
	expect_device(test, dev, 2, 0);
}

static struct kunit_case nova_glue_vm_cases[] = {
	KUNIT_CASE(vm_bind_follows_the_table),
	KUNIT_CASE(a_mapped_object_outlives_its_handle),
	KUNIT_CASE(closing_a_file_tears_its_va_space_down),
	KUNIT_CASE(another_clients_handle_is_unknown),
	{}
};

static struct kunit_suite nova_glue_vm_suite = {
	.name = "nova_glue_vm",
	.test_cases = nova_glue_vm_cases,
};

kunit_test_suite(nova_glue_vm_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * The C++ logic's VA space, driven through nova_logic.h's VM_BIND handler
 * with the kernel's services: what MAP and UNMAP leave behind (splits,
 * replacement, object offsets), the atomicity of a batch, argument
 * validation, and the mapping accounting per client and per device.
 *
 * The operations are read from real user memory (nova_kunit_user_alloc)
 * and name real shmem objects; the mapping list is read back the way
 * debugfs reads it, through nova_logic_file_for_each_mapping().
 */

#include <linux/uaccess.h>

#include <kunit/test.h>

#include "nova_kunit.h"

#define PAGE		((u64)PAGE_SIZE)
#define VA		((u64)SZ_1M)	/* nova_kunit_config()'s va_start */
#define VA_END		(VA + SZ_1G)
#define MAX_MAPPINGS	16

struct vm_ctx {
	struct nova_kunit_client client;
	u32 bo;		/* a four-page object */
};

struct mapping_list {
	unsigned int count;
	struct nova_logic_mapping_info m[MAX_MAPPINGS];
};

static int vm_ctx_init(struct kunit *test)
{
	struct vm_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = nova_kunit_client_init(test);
	if (ret)
		return ret;
	ctx->client = *(struct nova_kunit_client *)test->priv;
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(ctx->client.file, 4 * PAGE, &ctx->bo, NULL),
			0);
	test->priv = ctx;
	return 0;
}

static struct drm_nova_vm_bind_op map_op(u32 handle, u64 bo_offset, u64 va, u64 range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP, .handle = handle,
		.bo_offset = bo_offset, .va = va, .range = range,
	};
}

static struct drm_nova_vm_bind_op unmap_op(u64 va, u64 range)
{
	return (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_UNMAP, .va = va, .range = range };
}

static int bind(struct kunit *test, struct vm_ctx *ctx, const struct drm_nova_vm_bind_op *ops,
		u32 count)
{
	return nova_kunit_vm_bind(test, ctx->client.file, ops, count, true);
}

static void collect(void *data, const struct nova_logic_mapping_info *info)
{
	struct mapping_list *list = data;

	if (list->count < MAX_MAPPINGS)
		list->m[list->count] = *info;
	list->count++;
}

static void read_mappings(struct vm_ctx *ctx, struct mapping_list *list)
{
	list->count = 0;
	nova_logic_file_for_each_mapping(nova_kunit_logic_file(ctx->client.file), collect, list);
}

/* Expects mapping @i of @list to be [@start, @end) at @bo_offset. */
static void expect_mapping(struct kunit *test, const struct mapping_list *list, unsigned int i,
			   u64 start, u64 end, u64 bo_offset)
{
	KUNIT_ASSERT_LT(test, i, list->count);
	KUNIT_EXPECT_EQ_MSG(test, list->m[i].va_start, start, "mapping %u", i);
	KUNIT_EXPECT_EQ_MSG(test, list->m[i].va_end, end, "mapping %u", i);
	KUNIT_EXPECT_EQ_MSG(test, list->m[i].bo_offset, bo_offset, "mapping %u", i);
}

static u64 file_mappings(struct vm_ctx *ctx)
{
	struct nova_logic_file_stats stats;

	nova_kunit_file_stats(ctx->client.file, &stats);
	return stats.mappings;
}

static void map_then_unmap_the_middle_splits(struct kunit *test)
{
	struct vm_ctx *ctx = test->priv;
	struct drm_nova_vm_bind_op op = map_op(ctx->bo, 0, VA, 4 * PAGE);
	struct mapping_list list;

	KUNIT_ASSERT_EQ(test, bind(test, ctx, &op, 1), 0);
	read_mappings(ctx, &list);
	KUNIT_ASSERT_EQ(test, list.count, 1u);
	expect_mapping(test, &list, 0, VA, VA + 4 * PAGE, 0);

	/* The two pieces left keep their own object offsets. */
	op = unmap_op(VA + PAGE, 2 * PAGE);
	KUNIT_ASSERT_EQ(test, bind(test, ctx, &op, 1), 0);
	read_mappings(ctx, &list);
	KUNIT_ASSERT_EQ(test, list.count, 2u);
	expect_mapping(test, &list, 0, VA, VA + PAGE, 0);
	expect_mapping(test, &list, 1, VA + 3 * PAGE, VA + 4 * PAGE, 3 * PAGE);
	KUNIT_EXPECT_EQ(test, file_mappings(ctx), 2ULL);
}

static void map_over_mappings_replaces_what_it_covers(struct kunit *test)
{
	struct vm_ctx *ctx = test->priv;
	struct drm_nova_vm_bind_op ops[] = {
		map_op(ctx->bo, 0, VA, 2 * PAGE),
		map_op(ctx->bo, 2 * PAGE, VA + 2 * PAGE, 2 * PAGE),
		/* Covers the end of the first and the start of the second. */
		map_op(ctx->bo, 0, VA + PAGE, 2 * PAGE),
	};
	struct mapping_list list;

	KUNIT_ASSERT_EQ(test, bind(test, ctx, ops, ARRAY_SIZE(ops)), 0);
	read_mappings(ctx, &list);
	KUNIT_ASSERT_EQ(test, list.count, 3u);
	expect_mapping(test, &list, 0, VA, VA + PAGE, 0);
	expect_mapping(test, &list, 1, VA + PAGE, VA + 3 * PAGE, 0);
	expect_mapping(test, &list, 2, VA + 3 * PAGE, VA + 4 * PAGE, 3 * PAGE);
}

static void unmapping_a_hole_is_not_an_error(struct kunit *test)
{
	struct vm_ctx *ctx = test->priv;
	struct drm_nova_vm_bind_op op = unmap_op(VA, 16 * PAGE);

	KUNIT_EXPECT_EQ(test, bind(test, ctx, &op, 1), 0);
	KUNIT_EXPECT_EQ(test, file_mappings(ctx), 0ULL);
}

static void a_failing_batch_changes_nothing(struct kunit *test)
{
	struct vm_ctx *ctx = test->priv;
	struct drm_nova_vm_bind_op first = map_op(ctx->bo, 0, VA, 4 * PAGE);
	struct drm_nova_vm_bind_op batch[] = {
		unmap_op(VA, 4 * PAGE),
		map_op(ctx->bo, 0, VA + 8 * PAGE, PAGE),
		/* The last operation is bad: nothing of the batch applies. */
		map_op(ctx->bo, 0, VA + 9 * PAGE, 5 * PAGE),
	};
	struct mapping_list list;

	KUNIT_ASSERT_EQ(test, bind(test, ctx, &first, 1), 0);
	KUNIT_EXPECT_EQ(test, bind(test, ctx, batch, ARRAY_SIZE(batch)), -EINVAL);
	read_mappings(ctx, &list);
	KUNIT_ASSERT_EQ(test, list.count, 1u);
	expect_mapping(test, &list, 0, VA, VA + 4 * PAGE, 0);

	batch[2] = map_op(ctx->bo + 100, 0, VA + 9 * PAGE, PAGE);
	KUNIT_EXPECT_EQ(test, bind(test, ctx, batch, ARRAY_SIZE(batch)), -ENOENT);
	KUNIT_EXPECT_EQ(test, file_mappings(ctx), 1ULL);
}

static void bad_operations_get_their_errno(struct kunit *test)
{
	struct vm_ctx *ctx = test->priv;
	const struct {
		const char *what;
		struct drm_nova_vm_bind_op op;
		int err;
	} cases[] = {
		{ "unknown op", { .op = 2, .handle = ctx->bo, .va = VA, .range = PAGE }, -EINVAL },
		{ "unknown flag", { .handle = ctx->bo, .flags = 1u << 2, .va = VA, .range = PAGE },
		  -EINVAL },
		{ "pad", { .handle = ctx->bo, .pad = 1, .va = VA, .range = PAGE }, -EINVAL },
		{ "unaligned va", map_op(ctx->bo, 0, VA + 1, PAGE), -EINVAL },
		{ "unaligned range", map_op(ctx->bo, 0, VA, PAGE + 1), -EINVAL },
		{ "unaligned offset", map_op(ctx->bo, 1, VA, PAGE), -EINVAL },
		{ "zero range", map_op(ctx->bo, 0, VA, 0), -EINVAL },
		{ "below va_start", map_op(ctx->bo, 0, VA - PAGE, PAGE), -EINVAL },
		{ "past va_end", map_op(ctx->bo, 0, VA_END - PAGE, 2 * PAGE), -EINVAL },
		{ "wrapping va", map_op(ctx->bo, 0, ~0ULL - PAGE + 1, 2 * PAGE), -EINVAL },
		{ "past the object", map_op(ctx->bo, PAGE, VA, 4 * PAGE), -EINVAL },
		{ "wrapping offset", map_op(ctx->bo, ~0ULL - PAGE + 1, VA, 2 * PAGE), -EINVAL },
		{ "unknown handle", map_op(ctx->bo + 100, 0, VA, PAGE), -ENOENT },
		{ "unmap with a handle", { .op = NOVA_VM_BIND_OP_UNMAP, .handle = ctx->bo,
					   .va = VA, .range = PAGE }, -EINVAL },
		{ "unmap with flags", { .op = NOVA_VM_BIND_OP_UNMAP, .flags = 1, .va = VA,
					.range = PAGE }, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, bind(test, ctx, &cases[i].op, 1), cases[i].err, "%s",
				    cases[i].what);
	KUNIT_EXPECT_EQ(test, file_mappings(ctx), 0ULL);
}

static void bad_calls_get_their_errno(struct kunit *test)
{
	struct vm_ctx *ctx = test->priv;
	struct drm_nova_vm_bind_op op = map_op(ctx->bo, 0, VA, PAGE);
	void __user *uop = nova_kunit_user_alloc(test, 2 * sizeof(op));
	struct drm_nova_vm_bind args = {
		.op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)uop,
	};
	struct nova_logic_file *logic = nova_kunit_logic_file(ctx->client.file);
	struct drm_nova_vm_bind bad;

	KUNIT_ASSERT_EQ(test, copy_to_user(uop, &op, sizeof(op)), 0UL);

	bad = args;
	bad.vm_id = 1;
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_vm_bind(logic, &bad), -EINVAL);
	bad = args;
	bad.flags = ~NOVA_VM_BIND_FLAGS;	/* ASYNC is the only flag */
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_vm_bind(logic, &bad), -EINVAL);
	bad = args;
	bad.op_stride = sizeof(op) - 8;
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_vm_bind(logic, &bad), -EINVAL);
	bad = args;
	bad.op_count = 65;	/* nova_kunit_config()'s vm_bind_max_ops + 1 */
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_vm_bind(logic, &bad), -E2BIG);
	bad = args;
	bad.ops = 0;
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_vm_bind(logic, &bad), -EFAULT);
	KUNIT_EXPECT_EQ(test, file_mappings(ctx), 0ULL);

	/* A longer stride is fine while the bytes past the op are zero... */
	bad = args;
	bad.op_stride = 2 * sizeof(op);
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_vm_bind(logic, &bad), 0);
	KUNIT_EXPECT_EQ(test, file_mappings(ctx), 1ULL);
	/* ...and refused when they are not. */
	KUNIT_ASSERT_EQ(test, put_user((u8)1, (u8 __user *)uop + sizeof(op)), 0);
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_vm_bind(logic, &bad), -EINVAL);
	/* A zeroed call is a valid no-op. */
	bad = (struct drm_nova_vm_bind){};
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_vm_bind(logic, &bad), 0);
	KUNIT_EXPECT_EQ(test, file_mappings(ctx), 1ULL);
}

static void mappings_are_counted_per_device(struct kunit *test)
{
	struct vm_ctx *ctx = test->priv;
	struct nova_kunit_file *other = nova_kunit_open(test, ctx->client.dev);
	struct drm_nova_vm_bind_op ops[] = {
		map_op(ctx->bo, 0, VA, PAGE),
		map_op(ctx->bo, 0, VA + 2 * PAGE, PAGE),
	};
	struct nova_logic_device_stats stats;
	u32 handle;

	KUNIT_ASSERT_EQ(test, bind(test, ctx, ops, ARRAY_SIZE(ops)), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(other, PAGE, &handle, NULL), 0);
	ops[0] = map_op(handle, 0, VA, PAGE);
	KUNIT_ASSERT_EQ(test, nova_kunit_vm_bind(test, other, ops, 1, true), 0);

	nova_kunit_dev_stats(ctx->client.dev, &stats);
	KUNIT_EXPECT_EQ(test, stats.mappings, 3ULL);
	KUNIT_EXPECT_GT(test, stats.mapping_bytes, 0ULL);

	/* Each client has a VA space of its own: the same VA did not clash. */
	KUNIT_EXPECT_EQ(test, file_mappings(ctx), 2ULL);
	nova_kunit_close(other);
	nova_kunit_dev_stats(ctx->client.dev, &stats);
	KUNIT_EXPECT_EQ(test, stats.mappings, 2ULL);
}

static struct kunit_case nova_logic_vm_cases[] = {
	KUNIT_CASE(map_then_unmap_the_middle_splits),
	KUNIT_CASE(map_over_mappings_replaces_what_it_covers),
	KUNIT_CASE(unmapping_a_hole_is_not_an_error),
	KUNIT_CASE(a_failing_batch_changes_nothing),
	KUNIT_CASE(bad_operations_get_their_errno),
	KUNIT_CASE(bad_calls_get_their_errno),
	KUNIT_CASE(mappings_are_counted_per_device),
	{}
};

static struct kunit_suite nova_logic_vm_suite = {
	.name = "nova_logic_vm",
	.init = vm_ctx_init,
	.test_cases = nova_logic_vm_cases,
};

kunit_test_suite(nova_logic_vm_suite);

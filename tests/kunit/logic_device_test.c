// SPDX-License-Identifier: GPL-2.0
/*
 * The C++ logic's devices, through nova_logic.h, with the kernel's services:
 * configuration checks, GETPARAM and the accounting of files.
 */

#include <kunit/test.h>

#include "nova_function.h"
#include "nova_kunit.h"

static int create_with(const struct nova_logic_device_config *config)
{
	struct nova_logic_device *device = NULL;
	int ret = nova_logic_device_create(config, &device);

	if (ret == 0)
		nova_logic_device_put(device);
	return ret;
}

static void config_rejects_inconsistent_limits(struct kunit *test)
{
	struct nova_logic_device_config config;

	nova_kunit_config(&config);
	config.page_size = 0;
	KUNIT_EXPECT_EQ(test, create_with(&config), -EINVAL);
	config.page_size = 3000;
	KUNIT_EXPECT_EQ(test, create_with(&config), -EINVAL);

	nova_kunit_config(&config);
	config.max_object_size = 0;
	KUNIT_EXPECT_EQ(test, create_with(&config), -EINVAL);
	config.max_object_size = PAGE_SIZE + 1;
	KUNIT_EXPECT_EQ(test, create_with(&config), -EINVAL);

	nova_kunit_config(&config);
	config.object_budget = config.max_object_size - PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, create_with(&config), -EINVAL);
}

static void config_accepts_consistent_limits(struct kunit *test)
{
	struct nova_logic_device_config config;
	struct nova_logic_device_stats stats;
	struct nova_logic_device *device = NULL;

	nova_kunit_config(&config);
	KUNIT_ASSERT_EQ(test, nova_logic_device_create(&config, &device), 0);
	KUNIT_ASSERT_NOT_NULL(test, device);
	nova_logic_device_get_stats(device, &stats);
	KUNIT_EXPECT_EQ(test, stats.objects, 0ULL);
	KUNIT_EXPECT_EQ(test, stats.object_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, stats.files, 0ULL);
	nova_logic_device_put(device);

	/* The budget may equal the largest object. */
	config.object_budget = config.max_object_size;
	KUNIT_EXPECT_EQ(test, create_with(&config), 0);
}

/* A device and one logic file without a DRM file (GETPARAM needs none). */
struct logic_ctx {
	struct nova_logic_device *device;
	struct nova_logic_file *file;
};

static int logic_ctx_init(struct kunit *test)
{
	struct nova_logic_device_config config;
	struct logic_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	nova_kunit_config(&config);
	config.vram_bar_size = SZ_256M;
	if (nova_logic_device_create(&config, &ctx->device))
		return -EINVAL;
	if (nova_logic_file_open(ctx->device, NULL, &ctx->file)) {
		nova_logic_device_put(ctx->device);
		return -ENOMEM;
	}
	test->priv = ctx;
	return 0;
}

static void logic_ctx_exit(struct kunit *test)
{
	struct logic_ctx *ctx = test->priv;

	nova_logic_file_close(ctx->file);
	nova_logic_device_put(ctx->device);
}

static int getparam(struct kunit *test, u64 param, u64 *value)
{
	struct logic_ctx *ctx = test->priv;
	/* @value is output only: garbage on input must not matter. */
	struct drm_nova_getparam args = { .param = param, .value = 0xdeadbeef };
	int ret = nova_logic_ioctl_getparam(ctx->file, &args);

	*value = args.value;
	return ret;
}

static void getparam_answers_every_parameter(struct kunit *test)
{
	u64 value;

	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_VRAM_BAR_SIZE, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)SZ_256M);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_UAPI_VERSION, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NOVA_UAPI_VERSION);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_MAX_OBJECT_SIZE, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NOVA_KUNIT_MAX_OBJECT);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_PAGE_SIZE, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_OBJECT_BUDGET, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NOVA_KUNIT_BUDGET);
	/* uAPI version 4: nova_kunit_config()'s engine limits. */
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_MAX_QUEUES, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NOVA_MAX_QUEUES);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_EXEC_MAX_CMDBUFS, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NOVA_EXEC_MAX_CMDBUFS);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_EXEC_MAX_SYNCS, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NOVA_EXEC_MAX_SYNCS);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_MAX_CMDBUF_SIZE, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NOVA_ENGINE_MAX_CMDBUF_SIZE);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_JOB_TIMEOUT_MS, &value), 0);
	KUNIT_EXPECT_EQ(test, value, 1000ULL);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_CALL_MAX_DEPTH, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NOVA_ENGINE_MAX_CALL_DEPTH);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_QUEUE_MAX_JOBS, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NOVA_QUEUE_MAX_JOBS);
	KUNIT_ASSERT_EQ(test, getparam(test, NOVA_GETPARAM_TIMESTAMP_FREQUENCY, &value), 0);
	KUNIT_EXPECT_EQ(test, value, (u64)NSEC_PER_SEC);
}

static void getparam_rejects_unknown_parameters(struct kunit *test)
{
	static const u64 unknown[] = {
		0, 0x2, 0xff, 0x111, 0x1000, 1ULL << 32, (1ULL << 32) | NOVA_GETPARAM_PAGE_SIZE, ~0ULL,
	};
	unsigned int i;
	u64 value;

	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		KUNIT_EXPECT_EQ_MSG(test, getparam(test, unknown[i], &value), -EINVAL,
				    "param 0x%llx", unknown[i]);
}

static void files_are_counted(struct kunit *test)
{
	struct logic_ctx *ctx = test->priv;
	struct nova_logic_device_stats stats;
	struct nova_logic_file *second;

	nova_logic_device_get_stats(ctx->device, &stats);
	KUNIT_EXPECT_EQ(test, stats.files, 1ULL);

	KUNIT_ASSERT_EQ(test, nova_logic_file_open(ctx->device, NULL, &second), 0);
	nova_logic_device_get_stats(ctx->device, &stats);
	KUNIT_EXPECT_EQ(test, stats.files, 2ULL);

	nova_logic_file_close(second);
	nova_logic_device_get_stats(ctx->device, &stats);
	KUNIT_EXPECT_EQ(test, stats.files, 1ULL);
}

static void open_file_keeps_device_alive(struct kunit *test)
{
	struct nova_logic_device_config config;
	struct nova_logic_device_stats stats;
	struct nova_logic_device *device;
	struct nova_logic_file *file;
	struct drm_nova_getparam args = { .param = NOVA_GETPARAM_PAGE_SIZE };

	nova_kunit_config(&config);
	KUNIT_ASSERT_EQ(test, nova_logic_device_create(&config, &device), 0);
	KUNIT_ASSERT_EQ(test, nova_logic_file_open(device, NULL, &file), 0);

	/* The glue lets go first (the drm_device is released)... */
	nova_logic_device_put(device);
	/* ...and the file's reference still holds the device. */
	nova_logic_device_get_stats(device, &stats);
	KUNIT_EXPECT_EQ(test, stats.files, 1ULL);
	KUNIT_EXPECT_EQ(test, nova_logic_ioctl_getparam(file, &args), 0);
	KUNIT_EXPECT_EQ(test, args.value, (u64)PAGE_SIZE);
	nova_logic_file_close(file);
}

static struct kunit_case nova_logic_device_cases[] = {
	KUNIT_CASE(config_rejects_inconsistent_limits),
	KUNIT_CASE(config_accepts_consistent_limits),
	KUNIT_CASE(getparam_answers_every_parameter),
	KUNIT_CASE(getparam_rejects_unknown_parameters),
	KUNIT_CASE(files_are_counted),
	KUNIT_CASE(open_file_keeps_device_alive),
	{}
};

static struct kunit_suite nova_logic_device_suite = {
	.name = "nova_logic_device",
	.init = logic_ctx_init,
	.exit = logic_ctx_exit,
	.test_cases = nova_logic_device_cases,
};

kunit_test_suite(nova_logic_device_suite);

// SPDX-License-Identifier: MIT
/*
 * nova_bo_create() and nova_bo_destroy() over GEM_CREATE: the size libnova
 * reports, the errors it passes on, the handle it closes. GEM_CREATE's own
 * rounding, limits and budget are igt's (nova_gem), its errors rows of
 * Documentation/uapi-errors.csv.
 */
#include <errno.h>

#include "runner.h"
#include "util.h"

/* The library reports the kernel's rounded size, never the requested one. */
static enum test_result gem_create_rounds_up(void)
{
	struct nova_device *dev;
	struct nova_limits l;
	struct nova_bo *bo;
	uint64_t size;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(get_limits(nova_device_fd(dev), &l));

	CHECK_OK(nova_bo_create(dev, 1, &bo));
	CHECK_U64(nova_bo_size(bo), ==, l.page_size);
	nova_bo_destroy(bo);
	if (2 * l.page_size <= l.max_object_size) {
		CHECK_OK(nova_bo_create(dev, l.page_size + 1, &bo));
		CHECK_U64(nova_bo_size(bo), ==, 2 * l.page_size);
		CHECK_OK(raw_gem_info(nova_device_fd(dev), nova_bo_handle(bo), &size));
		CHECK_U64(size, ==, nova_bo_size(bo));
		nova_bo_destroy(bo);
	}

	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result gem_create_size_zero(void)
{
	struct nova_device *dev;
	struct nova_bo *bo = (struct nova_bo *)&bo;

	CHECK_OK(nova_device_open(&dev));
	CHECK_ERR(nova_bo_create(dev, 0, &bo), -EINVAL);
	CHECK(bo == NULL);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result gem_create_too_big(void)
{
	struct nova_device *dev;
	struct nova_limits l;
	struct nova_bo *bo;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(get_limits(nova_device_fd(dev), &l));

	CHECK_ERR(nova_bo_create(dev, l.max_object_size + 1, &bo), -E2BIG);
	/* Would overflow if libnova rounded it up before asking the kernel. */
	CHECK_ERR(nova_bo_create(dev, ~0ull, &bo), -E2BIG);

	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result gem_create_destroy(void)
{
	struct nova_device *dev;
	struct nova_bo *bo;
	uint64_t size;
	uint32_t handle;

	CHECK_OK(nova_device_open(&dev));
	/* The buffer cache would keep the handle open for reuse (test_bo.c). */
	CHECK_OK(nova_device_set_bo_cache(dev, 0));
	CHECK_OK(nova_bo_create(dev, 4096, &bo));
	handle = nova_bo_handle(bo);
	CHECK_U64(handle, !=, 0);
	CHECK_OK(nova_bo_query_size(dev, handle, &size));
	CHECK_U64(size, ==, nova_bo_size(bo));

	/* Uncached, nova_bo_destroy() closes the handle. */
	nova_bo_destroy(bo);
	CHECK_ERR(nova_bo_query_size(dev, handle, &size), -ENOENT);

	nova_device_close(dev);
	return TEST_PASS;
}

const struct test_case gem_create_tests[] = {
	{ "gem_create_rounds_up", gem_create_rounds_up, TEST_NEEDS_DEVICE },
	{ "gem_create_size_zero", gem_create_size_zero, TEST_NEEDS_DEVICE },
	{ "gem_create_too_big", gem_create_too_big, TEST_NEEDS_DEVICE },
	{ "gem_create_destroy", gem_create_destroy, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

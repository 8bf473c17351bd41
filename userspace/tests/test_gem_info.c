// SPDX-License-Identifier: MIT
/*
 * nova_bo_query_size() over GEM_INFO, and the rule behind every handle as
 * libnova sees it: a handle names an object only in the device (file) that
 * created it, and only until it is closed. GEM_INFO's errors are rows of
 * Documentation/uapi-errors.csv (handle=closed, handle=foreign, ...).
 */
#include <errno.h>

#include "runner.h"
#include "util.h"

static enum test_result gem_info_unknown_handle(void)
{
	struct nova_device *dev;
	uint32_t handle;
	uint64_t size;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);

	CHECK_ERR(nova_bo_query_size(dev, 0, &size), -ENOENT);
	/* A handle stops naming anything once closed. */
	CHECK_OK(raw_gem_create(fd, 1, &handle, NULL));
	CHECK_OK(nova_bo_query_size(dev, handle, &size));
	CHECK_OK(raw_gem_close(fd, handle));
	CHECK_ERR(nova_bo_query_size(dev, handle, &size), -ENOENT);

	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result gem_info_size(void)
{
	struct nova_device *dev;
	struct nova_limits l;
	uint64_t size, rounded, info;
	uint32_t handle;
	unsigned int i;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);
	CHECK_OK(get_limits(fd, &l));

	/* GEM_INFO reports the rounded size, not the requested one. */
	const uint64_t sizes[] = { 1, l.page_size + 1, 3 * l.page_size };

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size = sizes[i];
		rounded = (size + l.page_size - 1) / l.page_size * l.page_size;
		if (rounded > l.max_object_size)
			break;

		CHECK_OK(raw_gem_create(fd, size, &handle, NULL));
		CHECK_OK(nova_bo_query_size(dev, handle, &info));
		CHECK_U64(info, ==, rounded);
		CHECK_OK(raw_gem_close(fd, handle));
	}

	CHECK_ERR(nova_bo_query_size(dev, 1, NULL), -EINVAL);
	nova_device_close(dev);
	return TEST_PASS;
}

/* Two opens of the device are two files with two separate handle spaces. */
static enum test_result gem_handles_per_file(void)
{
	struct nova_device *a, *b;
	struct nova_bo *bo;
	uint64_t size;

	CHECK_OK(nova_device_open(&a));
	CHECK_OK(nova_device_open(&b));

	CHECK_OK(nova_bo_create(a, 1, &bo));
	CHECK_OK(nova_bo_query_size(a, nova_bo_handle(bo), &size));
	CHECK_ERR(nova_bo_query_size(b, nova_bo_handle(bo), &size), -ENOENT);

	/* Closing the other file leaves the object alone. */
	nova_device_close(b);
	CHECK_OK(nova_bo_query_size(a, nova_bo_handle(bo), &size));

	nova_bo_destroy(bo);
	nova_device_close(a);
	return TEST_PASS;
}

const struct test_case gem_info_tests[] = {
	{ "gem_info_unknown_handle", gem_info_unknown_handle, TEST_NEEDS_DEVICE },
	{ "gem_info_size", gem_info_size, TEST_NEEDS_DEVICE },
	{ "gem_handles_per_file", gem_handles_per_file, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

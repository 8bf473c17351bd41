// SPDX-License-Identifier: MIT
/*
 * GEM_CREATE: size rounding, the documented errors, and the object budget.
 *
 * Objects are allocated lazily (pages on first CPU access), so creating
 * objects of the maximum size until the budget is full costs only the
 * bookkeeping, not the memory.
 */
#include <errno.h>
#include <stdlib.h>

#include "runner.h"
#include "util.h"

/* Beyond this many objects a full budget is too slow to build: skip. */
#define MAX_BUDGET_OBJECTS 4096

static enum test_result gem_create_rounds_up(void)
{
	struct nova_device *dev;
	struct nova_limits l;
	uint64_t size, info;
	uint32_t handle;
	struct nova_bo *bo;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);
	CHECK_OK(get_limits(fd, &l));

	const struct {
		uint64_t in, out;
	} cases[] = {
		{ 1, l.page_size },
		{ l.page_size - 1, l.page_size },
		{ l.page_size, l.page_size },
		{ l.page_size + 1, 2 * l.page_size },
		{ 3 * l.page_size + 5, 4 * l.page_size },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].in > l.max_object_size)
			continue;	/* a tiny MAX_OBJECT_SIZE: not this case's concern */
		CHECK_OK(raw_gem_create(fd, cases[i].in, 0, &handle, &size));
		CHECK_U64(handle, !=, 0);
		if (size != cases[i].out)
			FAIL("GEM_CREATE of %" PRIu64 " bytes gave %" PRIu64
			     ", expected %" PRIu64, cases[i].in, size, cases[i].out);
		CHECK_OK(raw_gem_info(fd, handle, 0, &info));
		CHECK_U64(info, ==, cases[i].out);
		CHECK_OK(raw_gem_close(fd, handle));
	}

	/* The library reports the kernel's rounded size. */
	CHECK_OK(nova_bo_create(dev, 1, &bo));
	CHECK_U64(nova_bo_size(bo), ==, l.page_size);
	nova_bo_destroy(bo);

	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result gem_create_size_zero(void)
{
	struct nova_device *dev;
	struct nova_bo *bo = (struct nova_bo *)&bo;

	CHECK_OK(nova_device_open(&dev));
	CHECK_ERR(raw_gem_create(nova_device_fd(dev), 0, 0, NULL, NULL), -EINVAL);
	CHECK_ERR(nova_bo_create(dev, 0, &bo), -EINVAL);
	CHECK(bo == NULL);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result gem_create_pad_nonzero(void)
{
	struct nova_device *dev;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);
	CHECK_ERR(raw_gem_create(fd, 1, 1, NULL, NULL), -EINVAL);
	CHECK_ERR(raw_gem_create(fd, 1, 0x80000000u, NULL, NULL), -EINVAL);
	CHECK_ERR(raw_gem_create(fd, 1, 0xffffffffu, NULL, NULL), -EINVAL);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result gem_create_too_big(void)
{
	struct nova_device *dev;
	struct nova_limits l;
	struct nova_bo *bo;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);
	CHECK_OK(get_limits(fd, &l));

	CHECK_ERR(raw_gem_create(fd, l.max_object_size + 1, 0, NULL, NULL), -E2BIG);
	CHECK_ERR(raw_gem_create(fd, l.max_object_size + l.page_size, 0, NULL, NULL),
		  -E2BIG);
	/* Would overflow if rounded up before the check. */
	CHECK_ERR(raw_gem_create(fd, ~0ull, 0, NULL, NULL), -E2BIG);
	CHECK_ERR(raw_gem_create(fd, ~0ull - l.page_size + 2, 0, NULL, NULL), -E2BIG);
	CHECK_ERR(nova_bo_create(dev, l.max_object_size + 1, &bo), -E2BIG);

	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result gem_create_max_size(void)
{
	struct nova_device *dev;
	struct nova_limits l;
	uint64_t size;
	uint32_t handle;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);
	CHECK_OK(get_limits(fd, &l));

	CHECK_OK(raw_gem_create(fd, l.max_object_size, 0, &handle, &size));
	CHECK_U64(size, ==, l.max_object_size);
	CHECK_OK(raw_gem_close(fd, handle));

	/* Just below the maximum rounds up to it, which is still allowed. */
	CHECK_OK(raw_gem_create(fd, l.max_object_size - 1, 0, &handle, &size));
	CHECK_U64(size, ==, l.max_object_size);
	CHECK_OK(raw_gem_close(fd, handle));

	nova_device_close(dev);
	return TEST_PASS;
}

/*
 * Fill the budget with maximum-size objects: exactly budget / max fit, the
 * next one fails with -ENOSPC, and freeing one makes room for one again.
 * Assumes no other client holds objects of the device while it runs.
 */
static enum test_result gem_create_budget(void)
{
	struct nova_device *dev;
	struct nova_limits l;
	uint64_t n, created = 0, rest;
	uint32_t *handles, handle;
	int fd, ret = 0;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);
	CHECK_OK(get_limits(fd, &l));

	n = l.budget / l.max_object_size;
	if (n > MAX_BUDGET_OBJECTS)
		SKIP("the budget holds %" PRIu64 " maximum-size objects, more than %d",
		     n, MAX_BUDGET_OBJECTS);

	handles = calloc(n + 1, sizeof(*handles));
	CHECK(handles != NULL);

	while (created <= n) {
		ret = raw_gem_create(fd, l.max_object_size, 0, &handles[created], NULL);
		if (ret)
			break;
		created++;
	}
	if (!ret)
		FAIL("%" PRIu64 " objects of %" PRIu64 " bytes were created, but a budget of %"
		     PRIu64 " holds only %" PRIu64, created, l.max_object_size, l.budget, n);
	if (ret != -ENOSPC)
		FAIL("creating object %" PRIu64 " returned %s, expected 0 or -ENOSPC",
		     created + 1, test_errname(ret));
	if (created != n)
		FAIL("%" PRIu64 " objects of %" PRIu64 " bytes fit a budget of %" PRIu64
		     ", expected %" PRIu64 " (does another client hold objects?)",
		     created, l.max_object_size, l.budget, n);

	/* What is left of the budget still takes an object that fits it. */
	rest = l.budget - n * l.max_object_size;
	ret = raw_gem_create(fd, l.page_size, 0, &handle, NULL);
	if (rest >= l.page_size) {
		CHECK_ERR(ret, 0);
		CHECK_OK(raw_gem_close(fd, handle));
	} else {
		CHECK_ERR(ret, -ENOSPC);
	}

	/* Freeing one object makes room for exactly one again. */
	CHECK_OK(raw_gem_close(fd, handles[0]));
	CHECK_OK(raw_gem_create(fd, l.max_object_size, 0, &handles[0], NULL));
	CHECK_ERR(raw_gem_create(fd, l.max_object_size, 0, &handle, NULL), -ENOSPC);

	for (uint64_t i = 0; i < n; i++)
		CHECK_OK(raw_gem_close(fd, handles[i]));
	free(handles);

	/* And once all are gone, the whole budget is available again. */
	CHECK_OK(raw_gem_create(fd, l.max_object_size, 0, &handle, NULL));
	CHECK_OK(raw_gem_close(fd, handle));

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
	{ "gem_create_pad_nonzero", gem_create_pad_nonzero, TEST_NEEDS_DEVICE },
	{ "gem_create_too_big", gem_create_too_big, TEST_NEEDS_DEVICE },
	{ "gem_create_max_size", gem_create_max_size, TEST_NEEDS_DEVICE },
	{ "gem_create_budget", gem_create_budget, TEST_NEEDS_DEVICE },
	{ "gem_create_destroy", gem_create_destroy, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

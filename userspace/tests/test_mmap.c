// SPDX-License-Identifier: MIT
/*
 * GEM_MMAP_OFFSET and CPU mappings: zero-filled new objects, data surviving
 * a remap, coherent concurrent mappings, and the rule that a mapping covers
 * at most the object. GEM_MMAP_OFFSET's errors are rows of
 * Documentation/uapi-errors.csv.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "runner.h"
#include "util.h"

static void *map_raw(int fd, uint64_t offset, uint64_t len)
{
	return mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)offset);
}

static enum test_result mmap_zero_filled(void)
{
	struct nova_device *dev;
	struct nova_bo *bo;
	uint64_t i, size;
	uint8_t *p;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_create(dev, 256 * 1024, &bo));
	CHECK_OK(nova_bo_map(bo, (void **)&p));

	size = nova_bo_size(bo);
	for (i = 0; i < size; i++) {
		if (p[i])
			FAIL("byte %" PRIu64 " of a new object is 0x%02x, not 0", i, p[i]);
	}

	nova_bo_destroy(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

/* Write through one mapping, drop it, and read through a new one. */
static enum test_result mmap_remap_roundtrip(void)
{
	struct nova_device *dev;
	struct nova_bo *bo;
	uint64_t size = 1 << 20, max, bad;
	void *p;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_device_get_param(dev, NOVA_GETPARAM_MAX_OBJECT_SIZE, &max));
	CHECK_OK(nova_bo_create(dev, size < max ? size : max, &bo));
	size = nova_bo_size(bo);

	CHECK_OK(nova_bo_map(bo, &p));
	fill_pattern(p, size, 1);
	CHECK_OK(nova_bo_unmap(bo));

	CHECK_OK(nova_bo_map(bo, &p));
	bad = count_mismatches(p, size, 1);
	if (bad)
		FAIL("%" PRIu64 " of %" PRIu64 " bytes differ after remapping", bad, size);

	nova_bo_destroy(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

/* Two live shared mappings of one object see each other's writes. */
static enum test_result mmap_two_mappings(void)
{
	struct nova_device *dev;
	uint64_t size, offset_a, offset_b, bad;
	uint32_t handle;
	void *a, *b;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);

	CHECK_OK(raw_gem_create(fd, 64 * 1024, &handle, &size));
	CHECK_OK(raw_mmap_offset(fd, handle, &offset_a));
	a = map_raw(fd, offset_a, size);
	if (a == MAP_FAILED)
		FAIL("first mmap: %s", strerror(errno));
	CHECK_OK(raw_mmap_offset(fd, handle, &offset_b));
	b = map_raw(fd, offset_b, size);
	if (b == MAP_FAILED)
		FAIL("second mmap: %s", strerror(errno));
	CHECK(a != b);

	fill_pattern(a, size, 2);
	bad = count_mismatches(b, size, 2);
	if (bad)
		FAIL("%" PRIu64 " of %" PRIu64 " bytes written through the first "
		     "mapping differ in the second", bad, size);

	fill_pattern(b, size, 3);
	bad = count_mismatches(a, size, 3);
	if (bad)
		FAIL("%" PRIu64 " of %" PRIu64 " bytes written through the second "
		     "mapping differ in the first", bad, size);

	munmap(a, size);
	munmap(b, size);
	nova_device_close(dev);
	return TEST_PASS;
}

/* The documentation: the mapping "covers at most the object's size". */
static enum test_result mmap_beyond_size(void)
{
	struct nova_device *dev;
	uint64_t size, offset, page;
	uint32_t handle;
	void *p;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);
	page = host_page_size();

	CHECK_OK(raw_gem_create(fd, 2 * page, &handle, &size));
	CHECK_OK(raw_mmap_offset(fd, handle, &offset));

	/* The exact size works: the failures below are about the size. */
	p = map_raw(fd, offset, size);
	if (p == MAP_FAILED)
		FAIL("mmap of the whole object: %s", strerror(errno));
	munmap(p, size);

	p = map_raw(fd, offset, size + page);
	if (p != MAP_FAILED)
		FAIL("mmap of %" PRIu64 " bytes of a %" PRIu64 "-byte object succeeded",
		     size + page, size);

	p = map_raw(fd, offset + size, page);
	if (p != MAP_FAILED)
		FAIL("mmap of the page after the end of the object succeeded");

	nova_device_close(dev);
	return TEST_PASS;
}

/* libnova keeps one mapping per object until it is unmapped. */
static enum test_result mmap_library_cache(void)
{
	struct nova_device *dev;
	struct nova_bo *bo;
	void *first, *again;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_create(dev, 4096, &bo));

	CHECK_ERR(nova_bo_map(bo, NULL), -EINVAL);
	CHECK_OK(nova_bo_unmap(bo));		/* not mapped: nothing to do */
	CHECK_OK(nova_bo_map(bo, &first));
	CHECK_OK(nova_bo_map(bo, &again));
	CHECK(first == again);
	memset(first, 0x5a, 16);

	CHECK_OK(nova_bo_unmap(bo));
	CHECK_OK(nova_bo_unmap(bo));
	CHECK_OK(nova_bo_map(bo, &again));
	CHECK(((unsigned char *)again)[15] == 0x5a);

	/* Destroying a mapped object unmaps it as well. */
	nova_bo_destroy(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

const struct test_case mmap_tests[] = {
	{ "mmap_zero_filled", mmap_zero_filled, TEST_NEEDS_DEVICE },
	{ "mmap_remap_roundtrip", mmap_remap_roundtrip, TEST_NEEDS_DEVICE },
	{ "mmap_two_mappings", mmap_two_mappings, TEST_NEEDS_DEVICE },
	{ "mmap_beyond_size", mmap_beyond_size, TEST_NEEDS_DEVICE },
	{ "mmap_library_cache", mmap_library_cache, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

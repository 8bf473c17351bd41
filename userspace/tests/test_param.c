// SPDX-License-Identifier: MIT
/*
 * GETPARAM: every parameter of the header, unknown parameters, and libnova's
 * cache of them. Values are read with the raw ioctl (with junk in the output
 * field, which the header says is ignored on input) so that the kernel, not
 * the library's cache, is what is checked.
 */
#include <errno.h>

#include "runner.h"
#include "util.h"

static enum test_result param_vram_bar_size(void)
{
	struct nova_device *dev;
	uint64_t value;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(raw_getparam(nova_device_fd(dev), NOVA_GETPARAM_VRAM_BAR_SIZE, &value));
	CHECK_U64(value, ==, 0);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result param_uapi_version(void)
{
	struct nova_device *dev;
	uint64_t value;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(raw_getparam(nova_device_fd(dev), NOVA_GETPARAM_UAPI_VERSION, &value));
	CHECK_U64(value, ==, NOVA_UAPI_VERSION);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result param_page_size(void)
{
	struct nova_device *dev;
	uint64_t value;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(raw_getparam(nova_device_fd(dev), NOVA_GETPARAM_PAGE_SIZE, &value));
	CHECK_U64(value, ==, host_page_size());
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result param_limits(void)
{
	struct nova_device *dev;
	struct nova_limits l;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(get_limits(nova_device_fd(dev), &l));

	CHECK_U64(l.page_size, !=, 0);
	CHECK_U64(l.page_size & (l.page_size - 1), ==, 0);
	CHECK_U64(l.max_object_size, !=, 0);
	CHECK_U64(l.budget, !=, 0);
	/* Documented: MAX_OBJECT_SIZE is a multiple of PAGE_SIZE. */
	CHECK_U64(l.max_object_size % l.page_size, ==, 0);
	/* A largest object that could never fit the budget would be a lie. */
	CHECK_U64(l.max_object_size, <=, l.budget);

	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result param_unknown(void)
{
	static const uint64_t unknown[] = { 0, 0x2, 0xff, 0x108, ~0ull };
	struct nova_device *dev;
	uint64_t value;
	unsigned int i;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		int ret = raw_getparam(fd, unknown[i], &value);

		if (ret != -EINVAL)
			FAIL("GETPARAM 0x%" PRIx64 " returned %s, expected -EINVAL",
			     unknown[i], test_errname(ret));

		/* The library passes unknown parameters to the kernel. */
		ret = nova_device_get_param(dev, unknown[i], &value);
		if (ret != -EINVAL)
			FAIL("nova_device_get_param(0x%" PRIx64 ") returned %s, expected -EINVAL",
			     unknown[i], test_errname(ret));
	}

	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result param_cache_matches_kernel(void)
{
	struct nova_device *dev;
	uint64_t cached, kernel, id;
	unsigned int i;

	CHECK_OK(nova_device_open(&dev));

	for (i = 0; i < nova_param_count(); i++) {
		int kret;

		id = nova_param_id(i);
		/* A parameter of a later uAPI than the kernel's: both refuse it. */
		kret = raw_getparam(nova_device_fd(dev), id, &kernel);
		if (kret) {
			CHECK_ERR(kret, -EINVAL);
			CHECK_ERR(nova_device_get_param(dev, id, &cached), -EINVAL);
			continue;
		}
		CHECK_OK(nova_device_get_param(dev, id, &cached));
		if (cached != kernel)
			FAIL("%s: libnova says %" PRIu64 ", the kernel %" PRIu64,
			     nova_param_name(id), cached, kernel);
	}

	CHECK_ERR(nova_device_get_param(dev, NOVA_GETPARAM_PAGE_SIZE, NULL), -EINVAL);
	nova_device_close(dev);
	return TEST_PASS;
}

/* The VA parameters of uAPI version 2, and what they must satisfy. */
static enum test_result param_va(void)
{
	struct nova_device *dev;
	uint64_t version, start, size, align, max_ops, page;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_UAPI_VERSION, &version));
	if (version < 2) {
		/* They are not there before version 2. */
		CHECK_ERR(raw_getparam(fd, NOVA_GETPARAM_VA_START, &start), -EINVAL);
		CHECK_ERR(raw_getparam(fd, NOVA_GETPARAM_VM_BIND_MAX_OPS, &max_ops), -EINVAL);
		nova_device_close(dev);
		SKIP("the kernel's uAPI version is %" PRIu64 ", the VA parameters need 2",
		     version);
	}

	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_VA_START, &start));
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_VA_SIZE, &size));
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_VA_ALIGNMENT, &align));
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_VM_BIND_MAX_OPS, &max_ops));
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_PAGE_SIZE, &page));

	/* Documented: the first MiB is never mapped. */
	CHECK_U64(start, >=, 1 << 20);
	CHECK_U64(size, !=, 0);
	CHECK_U64(size, <=, UINT64_MAX - start);
	CHECK_U64(align, !=, 0);
	CHECK_U64(align & (align - 1), ==, 0);
	/* Implied: the range's ends are addresses VM_BIND can use. */
	CHECK_U64(start % align, ==, 0);
	CHECK_U64(size % align, ==, 0);
	/* Objects are page multiples, so smaller units could not map them whole. */
	CHECK_U64(align % page, ==, 0);
	CHECK_U64(max_ops, >=, 1);
	CHECK_U64(max_ops, <=, UINT32_MAX);

	nova_device_close(dev);
	return TEST_PASS;
}

const struct test_case param_tests[] = {
	{ "param_vram_bar_size", param_vram_bar_size, TEST_NEEDS_DEVICE },
	{ "param_uapi_version", param_uapi_version, TEST_NEEDS_DEVICE },
	{ "param_page_size", param_page_size, TEST_NEEDS_DEVICE },
	{ "param_limits", param_limits, TEST_NEEDS_DEVICE },
	{ "param_unknown", param_unknown, TEST_NEEDS_DEVICE },
	{ "param_cache_matches_kernel", param_cache_matches_kernel, TEST_NEEDS_DEVICE },
	{ "param_va", param_va, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

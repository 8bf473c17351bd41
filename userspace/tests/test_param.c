// SPDX-License-Identifier: MIT
/*
 * libnova's parameters: the cache filled at open against the kernel's
 * answers (read with the raw ioctl, with junk in the output field), the uAPI
 * version libnova reports, and unknown parameters passed to the kernel.
 * What the values must satisfy is igt's (nova_basic getparam, nova_vm_bind
 * params); GETPARAM's errors are rows of Documentation/uapi-errors.csv.
 */
#include <errno.h>

#include "runner.h"
#include "util.h"

/* The kernel speaks the header's uAPI version, and libnova says so. */
static enum test_result param_uapi_version(void)
{
	struct nova_device *dev;
	uint64_t value;

	CHECK_OK(nova_device_open(&dev));
	CHECK_U64(nova_device_uapi_version(dev), ==, NOVA_UAPI_VERSION);
	CHECK_OK(nova_device_get_param(dev, NOVA_GETPARAM_UAPI_VERSION, &value));
	CHECK_U64(value, ==, NOVA_UAPI_VERSION);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result param_unknown(void)
{
	static const uint64_t unknown[] = { 0, 0x2, 0xff, 0x111, ~0ull };
	struct nova_device *dev;
	uint64_t value;
	unsigned int i;

	CHECK_OK(nova_device_open(&dev));

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		/* The library passes unknown parameters to the kernel. */
		int ret = nova_device_get_param(dev, unknown[i], &value);

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

const struct test_case param_tests[] = {
	{ "param_uapi_version", param_uapi_version, TEST_NEEDS_DEVICE },
	{ "param_unknown", param_unknown, TEST_NEEDS_DEVICE },
	{ "param_cache_matches_kernel", param_cache_matches_kernel, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

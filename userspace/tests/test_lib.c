// SPDX-License-Identifier: MIT
/*
 * libnova's own error paths: misuse and non-nova files. None of these cases
 * needs a nova device, so they also run (and pass) where there is none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "util.h"

static enum test_result lib_null_args(void)
{
	struct nova_device *dev = (struct nova_device *)&dev;	/* not NULL */
	struct nova_bo *bo = (struct nova_bo *)&bo;
	struct nova_vm *vm = (struct nova_vm *)&vm;
	struct nova_vm_bind_batch *batch = (struct nova_vm_bind_batch *)&batch;
	uint64_t value;
	void *ptr;
	int major;

	CHECK_ERR(nova_device_open(NULL), -EINVAL);
	CHECK_ERR(nova_device_open_index(0, NULL), -EINVAL);
	CHECK_ERR(nova_device_open_path("/dev/null", NULL), -EINVAL);
	CHECK_ERR(nova_device_open_path(NULL, &dev), -EINVAL);
	CHECK(dev == NULL);	/* outputs are cleared on failure */
	CHECK_ERR(nova_device_open_fd(0, NULL), -EINVAL);

	CHECK_ERR(nova_device_fd(NULL), -EINVAL);
	CHECK(nova_device_node_path(NULL) == NULL);
	CHECK(nova_device_driver_name(NULL) == NULL);
	CHECK(nova_device_driver_date(NULL) == NULL);
	CHECK(nova_device_driver_desc(NULL) == NULL);
	CHECK_ERR(nova_device_driver_version(NULL, &major, NULL, NULL), -EINVAL);
	CHECK_ERR(nova_device_get_param(NULL, NOVA_GETPARAM_PAGE_SIZE, &value),
		  -EINVAL);

	CHECK_ERR(nova_bo_create(NULL, 4096, &bo), -EINVAL);
	CHECK(bo == NULL);
	CHECK_ERR(nova_bo_query_size(NULL, 1, &value), -EINVAL);
	CHECK_ERR(nova_bo_map(NULL, &ptr), -EINVAL);
	CHECK_ERR(nova_bo_unmap(NULL), -EINVAL);
	CHECK(nova_bo_handle(NULL) == 0);
	CHECK(nova_bo_size(NULL) == 0);

	/* NOVA_0.2: the VM API. */
	CHECK(nova_device_uapi_version(NULL) == 0);
	CHECK_ERR(nova_device_get_vm(NULL, &vm), -EINVAL);
	CHECK(vm == NULL);
	CHECK(nova_vm_device(NULL) == NULL);
	CHECK(nova_vm_va_start(NULL) == 0);
	CHECK(nova_vm_va_size(NULL) == 0);
	CHECK(nova_vm_va_alignment(NULL) == 0);
	CHECK(nova_vm_max_ops(NULL) == 0);
	CHECK_ERR(nova_vm_va_alloc(NULL, 4096, 0, &value), -EINVAL);
	CHECK_ERR(nova_vm_va_alloc_addr(NULL, 1 << 20, 4096), -EINVAL);
	CHECK_ERR(nova_vm_va_free(NULL, 1 << 20, 4096), -EINVAL);
	CHECK_ERR(nova_vm_map(NULL, NULL, 0, 1 << 20, 4096, 0), -EINVAL);
	CHECK_ERR(nova_vm_unmap(NULL, 1 << 20, 4096), -EINVAL);
	CHECK_ERR(nova_vm_bind_begin(NULL, &batch), -EINVAL);
	CHECK(batch == NULL);
	CHECK_ERR(nova_vm_bind_add_map(NULL, NULL, 0, 1 << 20, 4096, 0), -EINVAL);
	CHECK_ERR(nova_vm_bind_add_unmap(NULL, 1 << 20, 4096), -EINVAL);
	CHECK(nova_vm_bind_count(NULL) == 0);
	CHECK_ERR(nova_vm_bind_submit(NULL), -EINVAL);

	/* NOVA_0.3: reference counts, PRIME, the buffer cache. */
	{
		struct nova_bo_cache_stats st = { .struct_size = sizeof(st) };
		int fd = 1234;

		CHECK(nova_bo_ref(NULL) == NULL);
		CHECK(nova_bo_device(NULL) == NULL);
		CHECK_ERR(nova_bo_export(NULL, &fd), -EINVAL);
		CHECK(fd == -1);
		CHECK_ERR(nova_bo_export(bo, NULL), -EINVAL);
		bo = (struct nova_bo *)&bo;
		CHECK_ERR(nova_bo_import(NULL, 0, &bo), -EINVAL);
		CHECK(bo == NULL);
		CHECK_ERR(nova_device_set_bo_cache(NULL, 0), -EINVAL);
		CHECK_ERR(nova_device_bo_cache_trim(NULL, 0), -EINVAL);
		CHECK_ERR(nova_device_bo_cache_stats(NULL, &st), -EINVAL);
	}

	/* Destructors accept NULL like free() does. */
	nova_vm_bind_abort(NULL);
	nova_bo_destroy(NULL);
	nova_bo_unref(NULL);
	nova_device_close(NULL);
	return TEST_PASS;
}

static enum test_result lib_open_fd_not_drm(void)
{
	struct nova_device *dev = (struct nova_device *)&dev;
	char tmpl[] = "/tmp/nova-libtest-XXXXXX";
	int fd;

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		FAIL("open /dev/null: %s", strerror(errno));
	CHECK_ERR(nova_device_open_fd(fd, &dev), -ENODEV);
	CHECK(dev == NULL);
	CHECK(fcntl(fd, F_GETFD) >= 0);		/* still the caller's, still open */
	close(fd);

	/* A regular file is no DRM device either. */
	fd = mkstemp(tmpl);
	if (fd < 0)
		FAIL("mkstemp: %s", strerror(errno));
	unlink(tmpl);
	CHECK_ERR(nova_device_open_fd(fd, &dev), -ENODEV);
	close(fd);
	return TEST_PASS;
}

static enum test_result lib_open_fd_bad_fd(void)
{
	struct nova_device *dev;
	int fd;

	CHECK_ERR(nova_device_open_fd(-1, &dev), -EBADF);
	CHECK(dev == NULL);

	/* A descriptor number that was valid a moment ago. */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		FAIL("open /dev/null: %s", strerror(errno));
	close(fd);
	CHECK_ERR(nova_device_open_fd(fd, &dev), -EBADF);
	return TEST_PASS;
}

static enum test_result lib_open_path_errors(void)
{
	struct nova_device *dev;

	CHECK_ERR(nova_device_open_path("/nonexistent/nova-libtest", &dev), -ENOENT);
	CHECK(dev == NULL);
	CHECK_ERR(nova_device_open_path("/dev/null", &dev), -ENODEV);
	CHECK(dev == NULL);
	return TEST_PASS;
}

static enum test_result lib_param_table(void)
{
	static const struct {
		uint64_t id;
		const char *name;
	} expected[] = {
		{ NOVA_GETPARAM_VRAM_BAR_SIZE, "VRAM_BAR_SIZE" },
		{ NOVA_GETPARAM_UAPI_VERSION, "UAPI_VERSION" },
		{ NOVA_GETPARAM_MAX_OBJECT_SIZE, "MAX_OBJECT_SIZE" },
		{ NOVA_GETPARAM_PAGE_SIZE, "PAGE_SIZE" },
		{ NOVA_GETPARAM_OBJECT_BUDGET, "OBJECT_BUDGET" },
		{ NOVA_GETPARAM_VA_START, "VA_START" },
		{ NOVA_GETPARAM_VA_SIZE, "VA_SIZE" },
		{ NOVA_GETPARAM_VA_ALIGNMENT, "VA_ALIGNMENT" },
		{ NOVA_GETPARAM_VM_BIND_MAX_OPS, "VM_BIND_MAX_OPS" },
		{ NOVA_GETPARAM_MAX_MAPPINGS, "MAX_MAPPINGS" },
		{ NOVA_GETPARAM_MAX_QUEUES, "MAX_QUEUES" },
		{ NOVA_GETPARAM_EXEC_MAX_CMDBUFS, "EXEC_MAX_CMDBUFS" },
		{ NOVA_GETPARAM_EXEC_MAX_SYNCS, "EXEC_MAX_SYNCS" },
		{ NOVA_GETPARAM_MAX_CMDBUF_SIZE, "MAX_CMDBUF_SIZE" },
		{ NOVA_GETPARAM_JOB_TIMEOUT_MS, "JOB_TIMEOUT_MS" },
		{ NOVA_GETPARAM_CALL_MAX_DEPTH, "CALL_MAX_DEPTH" },
		{ NOVA_GETPARAM_QUEUE_MAX_JOBS, "QUEUE_MAX_JOBS" },
		{ NOVA_GETPARAM_TIMESTAMP_FREQUENCY, "TIMESTAMP_FREQUENCY" },
	};
	unsigned int i, j, n = sizeof(expected) / sizeof(expected[0]);

	/* Every parameter of the header, each exactly once, and nothing else. */
	CHECK_U64(nova_param_count(), ==, n);
	for (i = 0; i < n; i++) {
		const char *name = nova_param_name(expected[i].id);

		if (!name || strcmp(name, expected[i].name) != 0)
			FAIL("parameter 0x%" PRIx64 " is named %s, expected %s",
			     expected[i].id, name ? name : "(null)", expected[i].name);
		for (j = 0; j < n && nova_param_id(j) != expected[i].id; j++)
			;
		if (j == n)
			FAIL("%s is missing from nova_param_id()", expected[i].name);
	}

	CHECK_U64(nova_param_id(n), ==, 0);
	CHECK(nova_param_name(0) == NULL);
	CHECK(nova_param_name(0x111) == NULL);	/* past uAPI 4's last */
	return TEST_PASS;
}

const struct test_case lib_tests[] = {
	{ "lib_null_args", lib_null_args, 0 },
	{ "lib_open_fd_not_drm", lib_open_fd_not_drm, 0 },
	{ "lib_open_fd_bad_fd", lib_open_fd_bad_fd, 0 },
	{ "lib_open_path_errors", lib_open_path_errors, 0 },
	{ "lib_param_table", lib_param_table, 0 },
	{ NULL, NULL, 0 },
};

// SPDX-License-Identifier: MIT
/*
 * libnova's VM API on the real kernel: the VM and its parameters, single
 * maps and unmaps, batches (one atomic call, -E2BIG past VM_BIND_MAX_OPS),
 * the kernel's errors passed through, and VA heap addresses that VM_BIND
 * accepts. The library's own logic is also covered on the host, against a
 * fake kernel (tests/host/fakedrm_test.c).
 */
#include <errno.h>

#include "vm_util.h"

#define U(n)	vm_va(&env, n)
#define R(n)	((uint64_t)(n) * env.align)

enum { A, B, C };

#define RO	NOVA_VM_BIND_MAP_READONLY
#define NX	NOVA_VM_BIND_MAP_NOEXEC

/* Below uAPI version 2 the VM is refused; from 2 on it mirrors GETPARAM. */
static enum test_result vm_lib_get_vm(void)
{
	struct nova_device *dev;
	struct nova_vm *vm, *again;
	uint64_t version, value;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	fd = nova_device_fd(dev);
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_UAPI_VERSION, &version));
	CHECK_U64(nova_device_uapi_version(dev), ==, version);

	if (version < 2) {
		CHECK_ERR(nova_device_get_vm(dev, &vm), -EOPNOTSUPP);
		CHECK(vm == NULL);
		nova_device_close(dev);
		SKIP("the kernel's uAPI version is %" PRIu64 ", VM_BIND needs version 2 "
		     "(checked only that nova_device_get_vm() says -EOPNOTSUPP)", version);
	}

	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_device_get_vm(dev, &again));
	CHECK(vm == again);
	CHECK(nova_vm_device(vm) == dev);
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_VA_START, &value));
	CHECK_U64(nova_vm_va_start(vm), ==, value);
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_VA_SIZE, &value));
	CHECK_U64(nova_vm_va_size(vm), ==, value);
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_VA_ALIGNMENT, &value));
	CHECK_U64(nova_vm_va_alignment(vm), ==, value);
	CHECK_OK(raw_getparam(fd, NOVA_GETPARAM_VM_BIND_MAX_OPS, &value));
	CHECK_U64(nova_vm_max_ops(vm), ==, value > UINT32_MAX ? UINT32_MAX : value);

	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result vm_lib_map_unmap(void)
{
	struct nova_bo *a, *b;
	struct nova_vm *vm;
	struct vm_env env;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(nova_device_get_vm(env.dev, &vm));
	CHECK_OK(nova_bo_create(env.dev, R(4), &a));
	CHECK_OK(nova_bo_create(env.dev, R(4), &b));

	CHECK_OK(nova_vm_map(vm, a, 0, U(0), R(4), RO));
	CHECK_OK(nova_vm_map(vm, b, R(2), U(1), R(2), NX));
	VM_CHECK(&env, { 0, 1, A, 0, RO }, { 1, 3, B, 2, NX }, { 3, 4, A, 3, RO });
	CHECK_OK(nova_vm_unmap(vm, U(2), R(10)));
	VM_CHECK(&env, { 0, 1, A, 0, RO }, { 1, 2, B, 2, NX });

	/* The kernel's errors come back unchanged. */
	if (env.align > 1)
		CHECK_ERR(nova_vm_map(vm, a, 0, U(0) + 1, R(1), 0), -EINVAL);
	CHECK_ERR(nova_vm_map(vm, a, 0, U(0), 0, 0), -EINVAL);
	CHECK_ERR(nova_vm_map(vm, a, R(4), U(0), R(1), 0), -EINVAL);
	CHECK_ERR(nova_vm_map(vm, a, 0, U(0), R(1), 1u << 9), -EINVAL);
	CHECK_ERR(nova_vm_unmap(vm, env.va_end, R(1)), -EINVAL);
	CHECK_ERR(nova_vm_unmap(vm, U(0), 0), -EINVAL);
	CHECK_OK(raw_gem_close(env.fd, nova_bo_handle(b)));
	CHECK_ERR(nova_vm_map(vm, b, 0, U(8), R(1), 0), -ENOENT);
	VM_CHECK(&env, { 0, 1, A, 0, RO }, { 1, 2, B, 2, NX });

	nova_bo_destroy(a);
	nova_bo_destroy(b);	/* its GEM_CLOSE fails quietly: already closed */
	nova_device_close(env.dev);
	return TEST_PASS;
}

static enum test_result vm_lib_batch(void)
{
	struct nova_vm_bind_batch *batch;
	struct vm_snapshot snap;
	struct nova_bo *a, *b;
	struct nova_vm *vm;
	struct vm_env env;
	uint32_t i;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(nova_device_get_vm(env.dev, &vm));
	CHECK_OK(nova_bo_create(env.dev, R(8), &a));
	CHECK_OK(nova_bo_create(env.dev, R(8), &b));

	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_map(batch, a, 0, U(0), R(8), 0));
	CHECK_OK(nova_vm_bind_add_unmap(batch, U(2), R(2)));
	CHECK_OK(nova_vm_bind_add_map(batch, b, R(4), U(3), R(2), RO));
	CHECK_U64(nova_vm_bind_count(batch), ==, 3);
	CHECK_OK(nova_vm_bind_submit(batch));
	VM_CHECK(&env, { 0, 2, A, 0, 0 }, { 3, 5, B, 4, RO }, { 5, 8, A, 5, 0 });

	/* A batch the kernel refuses at its last op applies nothing. */
	vm_snapshot(&env, &snap);
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, U(0), R(8)));
	CHECK_OK(nova_vm_bind_add_map(batch, b, 0, U(20), R(8), 0));
	CHECK_OK(nova_vm_bind_add_map(batch, a, R(8), U(30), R(1), 0));
	CHECK_ERR(nova_vm_bind_submit(batch), -EINVAL);
	VM_UNCHANGED(&env, &snap, "a batch with a bad last op");

	/* A batch of more than VM_BIND_MAX_OPS is refused before any call. */
	if (nova_vm_max_ops(vm) <= (1u << 20)) {
		CHECK_OK(nova_vm_bind_begin(vm, &batch));
		for (i = 0; i < nova_vm_max_ops(vm); i++)
			CHECK_OK(nova_vm_bind_add_unmap(batch, U(0), R(8)));
		CHECK_ERR(nova_vm_bind_add_map(batch, a, 0, U(40), R(1), 0), -E2BIG);
		CHECK_ERR(nova_vm_bind_submit(batch), -E2BIG);
		VM_UNCHANGED(&env, &snap, "a batch of too many ops");
	}

	/* Aborted, or empty: nothing happens. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, U(0), R(8)));
	nova_vm_bind_abort(batch);
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_submit(batch));
	VM_UNCHANGED(&env, &snap, "an aborted and an empty batch");

	nova_bo_destroy(a);
	nova_bo_destroy(b);
	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Objects of another device's file are refused, not mapped by handle. */
static enum test_result vm_lib_foreign_bo(void)
{
	struct nova_vm_bind_batch *batch;
	struct nova_device *other;
	struct nova_bo *mine, *theirs;
	struct nova_vm *vm;
	struct vm_env env;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(nova_device_get_vm(env.dev, &vm));
	CHECK_OK(nova_device_open_path(nova_device_node_path(env.dev), &other));
	CHECK_OK(nova_bo_create(env.dev, R(1), &mine));
	CHECK_OK(nova_bo_create(other, R(1), &theirs));

	CHECK_ERR(nova_vm_map(vm, theirs, 0, U(0), R(1), 0), -EXDEV);
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_map(batch, mine, 0, U(0), R(1), 0));
	CHECK_ERR(nova_vm_bind_add_map(batch, theirs, 0, U(1), R(1), 0), -EXDEV);
	CHECK_ERR(nova_vm_bind_submit(batch), -EXDEV);
	VM_CHECK_EMPTY(&env);

	nova_bo_destroy(theirs);
	nova_bo_destroy(mine);
	nova_device_close(other);
	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Addresses from the VA heap are ones VM_BIND takes. */
static enum test_result vm_lib_va_heap(void)
{
	static const unsigned int units[3] = { 1, 3, 2 };
	uint64_t va[3], asked[3], all;
	struct nova_bo *bo[3];
	struct nova_vm *vm;
	struct vm_env env;
	unsigned int i;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(nova_device_get_vm(env.dev, &vm));

	for (i = 0; i < 3; i++) {
		/* The last one asks for a byte less: the heap rounds it up. */
		asked[i] = R(units[i]) - (i == 2);
		CHECK_OK(nova_bo_create(env.dev, R(units[i]), &bo[i]));
		CHECK_OK(nova_vm_va_alloc(vm, asked[i], i == 2 ? R(16) : 0, &va[i]));
		CHECK_U64(va[i] % env.align, ==, 0);
		CHECK_U64(va[i], >=, env.va_start);
		CHECK_U64(va[i] + R(units[i]), <=, env.va_end);
		CHECK_OK(nova_vm_map(vm, bo[i], 0, va[i], R(units[i]), 0));
	}
	/* Bottom-up first fit. */
	CHECK_U64(va[0], ==, env.va_start);
	CHECK_U64(va[1], ==, env.va_start + R(1));
	CHECK_U64(va[2] % R(16), ==, 0);
	CHECK_U64(va[2], ==, (env.va_start + R(4) + R(16) - 1) / R(16) * R(16));
	VM_CHECK(&env, { 0, 1, A, 0, 0 }, { 1, 4, B, 0, 0 },
		 { (va[2] - env.va_start) / env.align, (va[2] - env.va_start) / env.align + 2,
		   C, 0, 0 });

	CHECK_ERR(nova_vm_va_alloc(vm, env.va_size, 0, &all), -ENOSPC);
	CHECK_ERR(nova_vm_va_free(vm, va[1] + R(1), R(1)), -ENOENT);
	CHECK_ERR(nova_vm_va_free(vm, va[1], R(1)), -EINVAL);
	CHECK_ERR(nova_vm_va_alloc_addr(vm, va[1], R(1)), -EBUSY);
	for (i = 0; i < 3; i++) {
		CHECK_OK(nova_vm_unmap(vm, va[i], R(units[i])));
		CHECK_OK(nova_vm_va_free(vm, va[i], asked[i]));
		nova_bo_destroy(bo[i]);
	}
	VM_CHECK_EMPTY(&env);
	CHECK_OK(nova_vm_va_alloc(vm, env.va_size, 0, &all));
	CHECK_U64(all, ==, env.va_start);

	nova_device_close(env.dev);
	return TEST_PASS;
}

const struct test_case vm_lib_tests[] = {
	{ "vm_lib_get_vm", vm_lib_get_vm, TEST_NEEDS_DEVICE },
	{ "vm_lib_map_unmap", vm_lib_map_unmap, TEST_NEEDS_DEVICE },
	{ "vm_lib_batch", vm_lib_batch, TEST_NEEDS_DEVICE },
	{ "vm_lib_foreign_bo", vm_lib_foreign_bo, TEST_NEEDS_DEVICE },
	{ "vm_lib_va_heap", vm_lib_va_heap, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

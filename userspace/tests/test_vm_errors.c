// SPDX-License-Identifier: MIT
/*
 * VM_BIND's errors that the errno table (Documentation/uapi-errors.csv, one
 * op per row) cannot express: a non-zero byte at every tail offset of the
 * first or the last of two ops at larger strides, and an ops array whose
 * second op, or a stride's zero tail, runs into an unreadable page. Every
 * single-field error is a row of the table. The calls must leave the VA
 * space and the device's counters unchanged (checked through debugfs when
 * it is there; without it only the errnos are checked).
 *
 * Each case starts from a file with one object A (4 units) mapped at units
 * 0-2, so that "unchanged" has something to lose.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm_util.h"

#define U(n)	vm_va(&env, n)
#define R(n)	((uint64_t)(n) * env.align)

static enum test_result setup(struct vm_env *env, uint32_t *a)
{
	int ret;

	ret = vm_object(env, 4, a);
	if (!ret)
		ret = vm_map(env->fd, *a, 0, vm_va(env, 0), 2 * env->align, 0);
	if (ret)
		return test_fail(TEST_FILE, __LINE__, "setting up a mapping: %s",
				 test_errname(ret));
	return TEST_PASS;
}

#define SETUP(a)							\
	do {								\
		VM_ENV_OPEN(&env, false);				\
		if (setup(&env, a) != TEST_PASS)			\
			return TEST_FAIL;				\
	} while (0)

/* A raw call must fail with @err and change nothing. */
#define CALL_FAILS(expr, err)	VM_CHECK_FAILS(&env, expr, err)

/* Two valid MAPs at @stride in @buf, which is zeroed. */
static void ops_into(char *buf, uint32_t stride, uint32_t a, const struct vm_env *e)
{
	struct drm_nova_vm_bind_op ops[2] = {
		op_map(a, 0, vm_va(e, 10), e->align, 0),
		op_map(a, 0, vm_va(e, 12), e->align, 0),
	};

	memcpy(buf, &ops[0], OP_SIZE);
	memcpy(buf + stride, &ops[1], OP_SIZE);
}

/* A larger stride whose bytes past the known 40 are not all zero. */
static enum test_result vm_err_stride_tail(void)
{
	static const uint32_t strides[] = { 48, 64, 4096 };
	struct vm_env env;
	unsigned int s, i, victim;
	uint32_t a, stride;
	char *buf;

	SETUP(&a);
	buf = malloc(2 * 4096);
	CHECK(buf != NULL);

	for (s = 0; s < sizeof(strides) / sizeof(strides[0]); s++) {
		stride = strides[s];
		for (victim = 0; victim < 2; victim++) {
			/* Each tail byte of the first op, or of the last one. */
			for (i = OP_SIZE; i < stride; i += i < OP_SIZE + 8 ? 1 : stride / 4) {
				memset(buf, 0, 2 * 4096);
				ops_into(buf, stride, a, &env);
				buf[victim * stride + i] = 1;
				if (raw_vm_bind(env.fd, 0, 0, 2, stride, buf) != -EINVAL)
					FAIL("stride %u with byte %u of op %u set: not -EINVAL",
					     stride, i, victim);
			}
			/* The very last byte of the stride, VA space checked too. */
			memset(buf, 0, 2 * 4096);
			ops_into(buf, stride, a, &env);
			buf[victim * stride + stride - 1] = (char)0x80;
			CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 2, stride, buf), -EINVAL);
		}
	}

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* An ops array the kernel cannot read, in whole or in part. */
static enum test_result vm_err_bad_ops_pointer(void)
{
	struct drm_nova_vm_bind_op op;
	struct vm_env env;
	size_t page = (size_t)host_page_size();
	char *mem;
	uint32_t a;

	SETUP(&a);
	op = op_map(a, 0, U(10), R(1), 0);

	CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 1, OP_SIZE, NULL), -EFAULT);
	CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 1, OP_SIZE, (void *)(uintptr_t)16), -EFAULT);
	CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 1, OP_SIZE,
			       (void *)(uintptr_t)0xffff800000000000ull), -EFAULT);

	/* Two pages, the second inaccessible. */
	mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		FAIL("mmap: %s", strerror(errno));
	CHECK(mprotect(mem + page, page, PROT_NONE) == 0);

	/* The first op readable, the second not: nothing applies. */
	memcpy(mem + page - OP_SIZE, &op, OP_SIZE);
	CHECK_OK(raw_vm_bind(env.fd, 0, 0, 1, OP_SIZE, mem + page - OP_SIZE));
	CHECK_OK(vm_unmap(env.fd, U(10), R(1)));
	CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 2, OP_SIZE, mem + page - OP_SIZE), -EFAULT);
	/* An op straddling the boundary. */
	memcpy(mem + page - OP_SIZE / 2, &op, OP_SIZE / 2);
	CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 1, OP_SIZE, mem + page - OP_SIZE / 2), -EFAULT);
	/* A zero tail of a large stride that runs into the bad page. */
	CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 1, OP_SIZE + 64, mem + page - OP_SIZE), -EFAULT);
	/* Wholly in the bad page; then both pages bad. */
	CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 1, OP_SIZE, mem + page), -EFAULT);
	CHECK(mprotect(mem, page, PROT_NONE) == 0);
	CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 2, OP_SIZE, mem + page - OP_SIZE), -EFAULT);
	munmap(mem, 2 * page);

	nova_device_close(env.dev);
	return TEST_PASS;
}

const struct test_case vm_errors_tests[] = {
	{ "vm_err_stride_tail", vm_err_stride_tail, TEST_NEEDS_DEVICE },
	{ "vm_err_bad_ops_pointer", vm_err_bad_ops_pointer, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

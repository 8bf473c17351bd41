// SPDX-License-Identifier: MIT
/*
 * VM_BIND's documented errors, one field at a time: every bad header field
 * and every bad operation field must fail with exactly the errno the uAPI
 * header gives, and leave the VA space and the device's counters unchanged
 * (checked through debugfs when it is there; without it only the errnos are
 * checked). Each bad value is set alone on an otherwise valid call, and the
 * valid call itself is made too, so a failure is the bad field's doing.
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

/* One operation, alone in a call, must fail with @err and change nothing. */
static enum test_result op_fails(struct vm_env *env, struct drm_nova_vm_bind_op op,
				 int err, const char *what, int line)
{
	struct vm_snapshot snap;
	int ret;

	vm_snapshot(env, &snap);
	ret = vm_bind(env->fd, &op, 1);
	if (ret != err)
		return test_fail(TEST_FILE, line, "%s: VM_BIND returned %s, expected %s "
				 "(op %u flags 0x%x handle %u pad %u bo_offset 0x%" PRIx64
				 " va 0x%" PRIx64 " range 0x%" PRIx64 ")", what,
				 test_errname(ret), test_errname(err), op.op, op.flags,
				 op.handle, op.pad, (uint64_t)op.bo_offset, (uint64_t)op.va,
				 (uint64_t)op.range);
	return vm_check_unchanged(env, &snap, what, TEST_FILE, line);
}

#define OP_FAILS(op, err, what)						\
	do {								\
		if (op_fails(&env, op, err, what, __LINE__) != TEST_PASS) \
			return TEST_FAIL;				\
	} while (0)

/* The valid form of an operation: it must work (and is then undone). */
#define OP_WORKS(op)							\
	do {								\
		struct drm_nova_vm_bind_op o_ = (op);			\
		CHECK_OK(vm_bind(env.fd, &o_, 1));			\
		CHECK_OK(vm_unmap(env.fd, o_.va, o_.range));		\
	} while (0)

/* A raw call must fail with @err and change nothing. */
#define CALL_FAILS(expr, err)	VM_CHECK_FAILS(&env, expr, err)

/* --- the header ------------------------------------------------------------- */

static enum test_result vm_err_vm_id(void)
{
	static const uint32_t bad[] = { 1, 2, 0x80000000u, 0xffffffffu };
	struct drm_nova_vm_bind_op op;
	struct vm_env env;
	unsigned int i;
	uint32_t a;

	SETUP(&a);
	op = op_map(a, 0, U(10), R(1), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CALL_FAILS(raw_vm_bind(env.fd, bad[i], 0, 1, OP_SIZE, &op), -EINVAL);
	CHECK_OK(raw_vm_bind(env.fd, 0, 0, 1, OP_SIZE, &op));

	nova_device_close(env.dev);
	return TEST_PASS;
}

static enum test_result vm_err_flags(void)
{
	static const uint32_t bad[] = { 1, 2, 0x80000000u, 0xffffffffu };
	struct drm_nova_vm_bind_op op;
	struct vm_env env;
	unsigned int i;
	uint32_t a;

	SETUP(&a);
	op = op_map(a, 0, U(10), R(1), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CALL_FAILS(raw_vm_bind(env.fd, 0, bad[i], 1, OP_SIZE, &op), -EINVAL);
	CHECK_OK(raw_vm_bind(env.fd, 0, 0, 1, OP_SIZE, &op));

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Strides below the first version of the struct (40 bytes). */
static enum test_result vm_err_stride_small(void)
{
	static const uint32_t bad[] = { 0, 1, 8, 24, 32, 36, 39 };
	struct drm_nova_vm_bind_op ops[2];
	struct vm_env env;
	unsigned int i;
	uint32_t a;

	SETUP(&a);
	ops[0] = op_map(a, 0, U(10), R(1), 0);
	ops[1] = op_map(a, 0, U(12), R(1), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 1, bad[i], ops), -EINVAL);
		CALL_FAILS(raw_vm_bind(env.fd, 0, 0, 2, bad[i], ops), -EINVAL);
	}
	CHECK_OK(raw_vm_bind(env.fd, 0, 0, 2, OP_SIZE, ops));

	nova_device_close(env.dev);
	return TEST_PASS;
}

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

/* More operations than VM_BIND_MAX_OPS (the array holds them all). */
static enum test_result vm_err_op_count(void)
{
	struct drm_nova_vm_bind_op *ops;
	struct vm_env env;
	uint64_t i, n;
	uint32_t a;

	SETUP(&a);
	if (env.max_ops > (1u << 20))
		SKIP("VM_BIND_MAX_OPS is %" PRIu64 ", too many to build here", env.max_ops);
	n = env.max_ops + 2;
	ops = calloc(n, sizeof(*ops));
	CHECK(ops != NULL);
	for (i = 0; i < n; i++)
		ops[i] = op_unmap(U(100 + i), R(1));

	CALL_FAILS(vm_bind(env.fd, ops, (uint32_t)env.max_ops + 1), -E2BIG);
	CALL_FAILS(vm_bind(env.fd, ops, (uint32_t)env.max_ops + 2), -E2BIG);
	CHECK_OK(vm_bind(env.fd, ops, (uint32_t)env.max_ops));

	free(ops);
	nova_device_close(env.dev);
	return TEST_PASS;
}

/* --- the fields of an operation ------------------------------------------------- */

static enum test_result vm_err_op_unknown(void)
{
	static const uint32_t bad[] = { 2, 3, 0x80000000u, 0xffffffffu };
	struct drm_nova_vm_bind_op op;
	struct vm_env env;
	unsigned int i;
	uint32_t a;

	SETUP(&a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* Shaped as a valid MAP, and as a valid UNMAP. */
		op = op_map(a, 0, U(10), R(1), 0);
		op.op = bad[i];
		OP_FAILS(op, -EINVAL, "unknown op, MAP-shaped");
		op = op_unmap(U(0), R(1));
		op.op = bad[i];
		OP_FAILS(op, -EINVAL, "unknown op, UNMAP-shaped");
	}
	OP_WORKS(op_map(a, 0, U(10), R(1), 0));

	nova_device_close(env.dev);
	return TEST_PASS;
}

static enum test_result vm_err_map_flags(void)
{
	static const uint32_t bad[] = {
		1u << 2, 1u << 3, 1u << 31, 0xffffffffu,
		NOVA_VM_BIND_MAP_FLAGS | (1u << 2), ~(uint32_t)NOVA_VM_BIND_MAP_FLAGS,
	};
	struct drm_nova_vm_bind_op op;
	struct vm_env env;
	unsigned int i;
	uint32_t a;

	SETUP(&a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		op = op_map(a, 0, U(10), R(1), bad[i]);
		OP_FAILS(op, -EINVAL, "unknown MAP flag");
	}
	OP_WORKS(op_map(a, 0, U(10), R(1), NOVA_VM_BIND_MAP_FLAGS));

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* UNMAP's unused fields: handle, flags and bo_offset must be zero. */
static enum test_result vm_err_unmap_fields(void)
{
	struct drm_nova_vm_bind_op op;
	struct vm_env env;
	uint32_t a;

	SETUP(&a);

	op = op_unmap(U(0), R(1));
	op.handle = a;
	OP_FAILS(op, -EINVAL, "UNMAP with the handle of an object");
	op.handle = 12345;
	OP_FAILS(op, -EINVAL, "UNMAP with an unknown handle");
	op.handle = 0xffffffffu;
	OP_FAILS(op, -EINVAL, "UNMAP with handle 0xffffffff");

	op = op_unmap(U(0), R(1));
	op.flags = NOVA_VM_BIND_MAP_READONLY;
	OP_FAILS(op, -EINVAL, "UNMAP with the READONLY flag");
	op.flags = NOVA_VM_BIND_MAP_NOEXEC;
	OP_FAILS(op, -EINVAL, "UNMAP with the NOEXEC flag");
	op.flags = 1u << 31;
	OP_FAILS(op, -EINVAL, "UNMAP with an unknown flag");

	op = op_unmap(U(0), R(1));
	op.bo_offset = R(1);
	OP_FAILS(op, -EINVAL, "UNMAP with an aligned bo_offset");
	op.bo_offset = 1;
	OP_FAILS(op, -EINVAL, "UNMAP with bo_offset 1");
	op.bo_offset = ~0ull;
	OP_FAILS(op, -EINVAL, "UNMAP with bo_offset ~0");

	CHECK_OK(vm_unmap(env.fd, U(0), R(1)));

	nova_device_close(env.dev);
	return TEST_PASS;
}

static enum test_result vm_err_pad(void)
{
	static const uint32_t bad[] = { 1, 0x80000000u, 0xffffffffu };
	struct drm_nova_vm_bind_op op;
	struct vm_env env;
	unsigned int i;
	uint32_t a;

	SETUP(&a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		op = op_map(a, 0, U(10), R(1), 0);
		op.pad = bad[i];
		OP_FAILS(op, -EINVAL, "MAP with a non-zero pad");
		op = op_unmap(U(0), R(1));
		op.pad = bad[i];
		OP_FAILS(op, -EINVAL, "UNMAP with a non-zero pad");
	}

	nova_device_close(env.dev);
	return TEST_PASS;
}

static enum test_result vm_err_unaligned(void)
{
	struct vm_env env;
	uint64_t off[3];
	unsigned int i;
	uint32_t a;

	SETUP(&a);
	if (env.align == 1)
		SKIP("VA_ALIGNMENT is 1: nothing is unaligned");

	/* One byte off, half a unit off, one byte short of the alignment. */
	off[0] = 1;
	off[1] = env.align / 2;
	off[2] = env.align - 1;

	for (i = 0; i < 3; i++) {
		OP_FAILS(op_map(a, 0, U(10) + off[i], R(1), 0), -EINVAL, "MAP at an unaligned va");
		OP_FAILS(op_map(a, 0, U(10), R(1) + off[i], 0), -EINVAL, "MAP of an unaligned range");
		OP_FAILS(op_map(a, 0, U(10), off[i], 0), -EINVAL, "MAP of less than one unit");
		OP_FAILS(op_map(a, off[i], U(10), R(1), 0), -EINVAL, "MAP at an unaligned bo_offset");
		OP_FAILS(op_unmap(U(0) + off[i], R(1)), -EINVAL, "UNMAP at an unaligned va");
		OP_FAILS(op_unmap(U(0), R(1) + off[i]), -EINVAL, "UNMAP of an unaligned range");
		OP_FAILS(op_unmap(U(0), off[i]), -EINVAL, "UNMAP of less than one unit");
	}
	OP_WORKS(op_map(a, R(1), U(10), R(1), 0));

	nova_device_close(env.dev);
	return TEST_PASS;
}

static enum test_result vm_err_range_zero(void)
{
	struct vm_env env;
	uint32_t a;

	SETUP(&a);
	OP_FAILS(op_map(a, 0, U(10), 0, 0), -EINVAL, "MAP of range 0");
	OP_FAILS(op_map(a, 0, U(0), 0, 0), -EINVAL, "MAP of range 0 in a mapping");
	OP_FAILS(op_unmap(U(0), 0), -EINVAL, "UNMAP of range 0 in a mapping");
	OP_FAILS(op_unmap(U(10), 0), -EINVAL, "UNMAP of range 0 in a hole");

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* va + range wrapping around 2^64. */
static enum test_result vm_err_overflow(void)
{
	struct vm_env env;
	uint64_t top;
	uint32_t a;

	SETUP(&a);
	top = ~0ull & ~(env.align - 1);		/* the last aligned address */

	OP_FAILS(op_map(a, 0, top, R(2), 0), -EINVAL, "MAP wrapping past 2^64");
	OP_FAILS(op_map(a, 0, top, R(1), 0), -EINVAL, "MAP ending exactly at 2^64");
	OP_FAILS(op_map(a, 0, U(0), top, 0), -EINVAL, "MAP from VA_START of a huge range");
	OP_FAILS(op_map(a, 0, env.va_end - R(1), top, 0), -EINVAL,
		 "MAP from the last unit of a range that wraps");
	OP_FAILS(op_unmap(top, R(2)), -EINVAL, "UNMAP wrapping past 2^64");
	OP_FAILS(op_unmap(U(0), top), -EINVAL, "UNMAP from VA_START of a huge range");
	OP_FAILS(op_unmap(env.va_end - R(1), top), -EINVAL,
		 "UNMAP from the last unit of a range that wraps");

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Ranges below VA_START or past VA_START + VA_SIZE, for MAP and UNMAP. */
static enum test_result vm_err_outside_va(void)
{
	struct {
		uint64_t va, range;
		const char *what;
	} bad[8];
	struct vm_env env;
	unsigned int i, n = 0;
	uint32_t a;

	SETUP(&a);

	if (env.va_start >= env.align) {
		bad[n++] = (typeof(bad[0])){ 0, R(1), "at address 0" };
		bad[n++] = (typeof(bad[0])){ env.va_start - R(1), R(1), "just below VA_START" };
		bad[n++] = (typeof(bad[0])){ env.va_start - R(1), R(2), "across VA_START" };
		bad[n++] = (typeof(bad[0])){ 0, env.va_start + R(1), "from 0 into the VA range" };
	}
	if (env.va_end <= ~0ull - R(2)) {
		bad[n++] = (typeof(bad[0])){ env.va_end, R(1), "just past the end" };
		bad[n++] = (typeof(bad[0])){ env.va_end - R(1), R(2), "across the end" };
		bad[n++] = (typeof(bad[0])){ env.va_start, env.va_size + R(1),
					     "the VA range and one unit more" };
	}
	if (!n)
		SKIP("the VA range covers the whole address space");

	/*
	 * The large ranges are also larger than the object, which is -EINVAL
	 * as well: the errno cannot tell which check failed, but no other one
	 * can be the answer.
	 */
	for (i = 0; i < n; i++) {
		char what[96];

		snprintf(what, sizeof(what), "MAP %s", bad[i].what);
		OP_FAILS(op_map(a, 0, bad[i].va, bad[i].range, 0), -EINVAL, what);
		snprintf(what, sizeof(what), "UNMAP %s", bad[i].what);
		OP_FAILS(op_unmap(bad[i].va, bad[i].range), -EINVAL, what);
	}

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* [bo_offset, bo_offset + range) must lie within the object. */
static enum test_result vm_err_object_range(void)
{
	struct vm_env env;
	uint64_t size;
	uint32_t a, b;

	SETUP(&a);
	CHECK_OK(raw_gem_create(env.fd, R(4), 0, &b, &size));
	size = size / env.align * env.align;

	OP_FAILS(op_map(b, size, U(10), R(1), 0), -EINVAL, "MAP from the object's end");
	OP_FAILS(op_map(b, size - R(1), U(10), R(2), 0), -EINVAL,
		 "MAP of the object's last unit and one more");
	OP_FAILS(op_map(b, 0, U(10), size + R(1), 0), -EINVAL, "MAP of more than the object");
	OP_FAILS(op_map(b, R(1000), U(10), R(1), 0), -EINVAL, "MAP far past the object");
	OP_FAILS(op_map(b, ~0ull & ~(env.align - 1), U(10), R(2), 0), -EINVAL,
		 "MAP at an object offset that wraps");
	OP_WORKS(op_map(b, size - R(1), U(10), R(1), 0));

	nova_device_close(env.dev);
	return TEST_PASS;
}

static enum test_result vm_err_unknown_handle(void)
{
	struct nova_device *second;
	struct vm_env env;
	uint32_t a, closed, theirs;

	SETUP(&a);
	CHECK_OK(vm_object(&env, 4, &closed));
	CHECK_OK(raw_gem_close(env.fd, closed));

	OP_FAILS(op_map(0, 0, U(10), R(1), 0), -ENOENT, "MAP of handle 0");
	OP_FAILS(op_map(12345, 0, U(10), R(1), 0), -ENOENT, "MAP of handle 12345");
	OP_FAILS(op_map(0xffffffffu, 0, U(10), R(1), 0), -ENOENT, "MAP of handle 0xffffffff");
	OP_FAILS(op_map(closed, 0, U(10), R(1), 0), -ENOENT, "MAP of a closed handle");

	/* A handle of another file that names nothing in this one. */
	CHECK_OK(nova_device_open_path(nova_device_node_path(env.dev), &second));
	do {
		CHECK_OK(raw_gem_create(nova_device_fd(second), R(1), 0, &theirs, NULL));
	} while (theirs == a);
	OP_FAILS(op_map(theirs, 0, U(10), R(1), 0), -ENOENT, "MAP of another file's handle");
	nova_device_close(second);

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
	{ "vm_err_vm_id", vm_err_vm_id, TEST_NEEDS_DEVICE },
	{ "vm_err_flags", vm_err_flags, TEST_NEEDS_DEVICE },
	{ "vm_err_stride_small", vm_err_stride_small, TEST_NEEDS_DEVICE },
	{ "vm_err_stride_tail", vm_err_stride_tail, TEST_NEEDS_DEVICE },
	{ "vm_err_op_count", vm_err_op_count, TEST_NEEDS_DEVICE },
	{ "vm_err_op_unknown", vm_err_op_unknown, TEST_NEEDS_DEVICE },
	{ "vm_err_map_flags", vm_err_map_flags, TEST_NEEDS_DEVICE },
	{ "vm_err_unmap_fields", vm_err_unmap_fields, TEST_NEEDS_DEVICE },
	{ "vm_err_pad", vm_err_pad, TEST_NEEDS_DEVICE },
	{ "vm_err_unaligned", vm_err_unaligned, TEST_NEEDS_DEVICE },
	{ "vm_err_range_zero", vm_err_range_zero, TEST_NEEDS_DEVICE },
	{ "vm_err_overflow", vm_err_overflow, TEST_NEEDS_DEVICE },
	{ "vm_err_outside_va", vm_err_outside_va, TEST_NEEDS_DEVICE },
	{ "vm_err_object_range", vm_err_object_range, TEST_NEEDS_DEVICE },
	{ "vm_err_unknown_handle", vm_err_unknown_handle, TEST_NEEDS_DEVICE },
	{ "vm_err_bad_ops_pointer", vm_err_bad_ops_pointer, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

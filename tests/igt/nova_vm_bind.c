// SPDX-License-Identifier: MIT
/*
 * nova_vm_bind: VM_BIND (uAPI version 2) against the semantics
 * driver/uapi/nova_drm.h documents. Skips on devices of an older uAPI. Its
 * errors, one input each, are rows of Documentation/uapi-errors.csv, run by
 * nova_bad_input's vm-bind subtest; what needs several calls (atomicity,
 * limits, lifetimes) is here.
 *
 * There is no ioctl to read a VA space back, but the uAPI makes one thing
 * observable: a mapping holds a reference on its object, so an object whose
 * handle was closed stays alive, and counted against the device's object
 * budget, exactly as long as some part of it is mapped. The tests map
 * objects, close their handles, and read what is still mapped from the
 * budget GEM_CREATE has left (nova_budget_available()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nova_helpers.h"

IGT_TEST_DESCRIPTION("GPU virtual address space management (VM_BIND) of the nova driver");

/* File scope: see nova_basic.c. */
static int fd = -1;
static struct nova_device_info info;
static uint64_t budget_free;
static uint64_t va_start, va_size, va_align, max_ops;
/* The step of the tests' addresses and object sizes: aligned for both. */
static uint64_t unit;

/* The n-th unit of the usable VA range. */
static uint64_t VA(uint64_t n)
{
	return va_start + n * unit;
}

static uint64_t va_end(void)
{
	return va_start + va_size;
}

static struct drm_nova_vm_bind_op op_map(uint32_t handle, uint64_t bo_offset, uint64_t va,
					 uint64_t range, uint32_t flags)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP,
		.flags = flags,
		.handle = handle,
		.bo_offset = bo_offset,
		.va = va,
		.range = range,
	};
}

static struct drm_nova_vm_bind_op op_unmap(uint64_t va, uint64_t range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_UNMAP,
		.va = va,
		.range = range,
	};
}

static int __vm_bind_stride(int file, const void *ops, uint32_t count, uint32_t stride)
{
	struct drm_nova_vm_bind args = {
		.op_count = count,
		.op_stride = stride,
		.ops = (uintptr_t)ops,
	};

	return __nova_ioctl_vm_bind(file, &args);
}

static int __vm_bind(int file, const struct drm_nova_vm_bind_op *ops, uint32_t count)
{
	return __vm_bind_stride(file, ops, count, sizeof(*ops));
}

static void vm_map(int file, uint32_t handle, uint64_t bo_offset, uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op op = op_map(handle, bo_offset, va, range, 0);

	igt_assert_eq(__vm_bind(file, &op, 1), 0);
}

static void vm_unmap(int file, uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op op = op_unmap(va, range);

	igt_assert_eq(__vm_bind(file, &op, 1), 0);
}

/* An object of @units units. */
static uint32_t create_units(int file, uint64_t units)
{
	return nova_gem_create(file, units * unit);
}

/* Bytes of objects that are alive without a handle, i.e. mapped. */
static uint64_t held(void)
{
	uint64_t available = nova_budget_available(fd, &info);

	igt_assert_lte_u64(available, budget_free);
	return budget_free - available;
}

static void assert_held_units(uint64_t units)
{
	igt_assert_eq_u64(held(), units * unit);
}

/*
 * A fresh file for each table-driven case: closing the old one releases
 * whatever a failed case left mapped or open, so cases stay independent.
 */
static void reset_file(void)
{
	close(fd);
	fd = nova_open();
}

/* ---- atomicity ---------------------------------------------------------- */

enum atomic_case { ATOMIC_ENOENT, ATOMIC_EINVAL, ATOMIC_BO_RANGE, ATOMIC_EFAULT };

static const struct {
	const char *name;
	enum atomic_case which;
	int err;
} atomic_cases[] = {
	{ "enoent", ATOMIC_ENOENT, -ENOENT },
	{ "einval", ATOMIC_EINVAL, -EINVAL },
	{ "bo-range", ATOMIC_BO_RANGE, -EINVAL },
	{ "efault", ATOMIC_EFAULT, -EFAULT },
};

/*
 * A call whose last operation fails after a MAP (of a) and an UNMAP (of
 * the existing mapping of x) that are valid: neither may take effect.
 */
static void check_atomic(unsigned int i)
{
	const size_t page = info.page_size;
	struct drm_nova_vm_bind_op ops[3];
	struct drm_nova_vm_bind_op *user = ops;
	void *pages = NULL;
	uint32_t a, x;

	reset_file();
	a = create_units(fd, 2);
	x = create_units(fd, 1);
	vm_map(fd, x, 0, VA(4), unit);
	gem_close(fd, x);

	ops[0] = op_map(a, 0, VA(0), 2 * unit, 0);
	ops[1] = op_unmap(VA(4), unit);
	ops[2] = op_map(a, 0, VA(8), unit, 0);
	switch (atomic_cases[i].which) {
	case ATOMIC_ENOENT:
		ops[2].handle = a + 1000;
		break;
	case ATOMIC_EINVAL:
		ops[2].flags = 0xffffffffu;
		break;
	case ATOMIC_BO_RANGE:
		ops[2].bo_offset = 2 * unit;
		break;
	case ATOMIC_EFAULT:
		/* The third op lies in an inaccessible page. */
		pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(pages != MAP_FAILED);
		user = (void *)((char *)pages + page - 2 * sizeof(ops[0]));
		memcpy(user, ops, 2 * sizeof(ops[0]));
		igt_assert_eq(mprotect((char *)pages + page, page, PROT_NONE), 0);
		break;
	}
	igt_assert_eq(__vm_bind(fd, user, 3), atomic_cases[i].err);
	if (pages)
		munmap(pages, 2 * page);

	/* a was not mapped: it goes with its handle; x is still mapped. */
	gem_close(fd, a);
	assert_held_units(1);
	vm_unmap(fd, VA(4), unit);
	assert_held_units(0);
}

/* ---- concurrency -------------------------------------------------------- */

#define THREADS 4
#define ROUNDS 200

static uint32_t shared_handle;
static int thread_errors[THREADS];

static void *bind_thread(void *data)
{
	int t = (int)(intptr_t)data;

	for (int i = 0; i < ROUNDS; i++) {
		/* All threads cover the same few units, so calls overlap. */
		uint64_t first = (uint64_t)((t + i) % 4);
		struct drm_nova_vm_bind_op ops[2] = {
			op_map(shared_handle, first * unit, VA(first), unit, 0),
			op_unmap(VA((first + 1) % 4), unit),
		};

		if (__vm_bind(fd, ops, 2))
			thread_errors[t]++;
	}
	return NULL;
}

igt_main
{
	igt_fixture {
		fd = nova_open();
		nova_get_device_info(fd, &info);
		igt_require_f(info.uapi_version >= 2,
			      "uAPI version %llu has no VM_BIND (needs 2)\n",
			      (unsigned long long)info.uapi_version);
		va_start = nova_getparam(fd, NOVA_GETPARAM_VA_START);
		va_size = nova_getparam(fd, NOVA_GETPARAM_VA_SIZE);
		va_align = nova_getparam(fd, NOVA_GETPARAM_VA_ALIGNMENT);
		max_ops = nova_getparam(fd, NOVA_GETPARAM_VM_BIND_MAX_OPS);
		unit = va_align > info.page_size ? va_align : info.page_size;
		/* The tests use the first 64 units of the range. */
		igt_require_f(va_align && va_size / unit >= 64, "VA range too small\n");
		igt_info("VA [%#llx, +%#llx), alignment %#llx, at most %llu ops per call\n",
			 (unsigned long long)va_start, (unsigned long long)va_size,
			 (unsigned long long)va_align, (unsigned long long)max_ops);
		budget_free = nova_budget_available(fd, &info);
	}

	igt_describe("The VA parameters describe a usable, aligned range above "
		     "the first MiB in page multiples, and a call takes at least one "
		     "and at most 2^32 - 1 operations.");
	igt_subtest("params") {
		int other = nova_open();

		igt_assert_lte_u64(1ull << 20, va_start);
		igt_assert_neq_u64(va_align, 0);
		igt_assert_eq_u64(va_align & (va_align - 1), 0);
		igt_assert_eq_u64(va_start % va_align, 0);
		igt_assert_eq_u64(va_size % va_align, 0);
		igt_assert_f(va_start + va_size > va_start, "VA range wraps\n");
		igt_assert_lte_u64(1, max_ops);
		/* op_count is a __u32: a larger limit could never be reached. */
		igt_assert_lte_u64(max_ops, UINT32_MAX);
		/* Objects are page multiples: smaller units could not map them whole. */
		igt_assert_eq_u64(va_align % info.page_size, 0);
		igt_assert_eq_u64(nova_getparam(other, NOVA_GETPARAM_VA_START), va_start);
		igt_assert_eq_u64(nova_getparam(other, NOVA_GETPARAM_VA_SIZE), va_size);
		igt_assert_eq_u64(nova_getparam(other, NOVA_GETPARAM_VA_ALIGNMENT), va_align);
		igt_assert_eq_u64(nova_getparam(other, NOVA_GETPARAM_VM_BIND_MAX_OPS), max_ops);
		close(other);
	}

	igt_describe("A call with no operations succeeds and does nothing.");
	igt_subtest("empty") {
		struct drm_nova_vm_bind_op op = op_unmap(VA(0), unit);

		igt_assert_eq(__vm_bind(fd, &op, 0), 0);
		assert_held_units(0);
	}

	igt_describe("An object can be mapped whole and unmapped.");
	igt_subtest("map-unmap") {
		uint32_t handle = create_units(fd, 4);

		vm_map(fd, handle, 0, VA(0), 4 * unit);
		vm_unmap(fd, VA(0), 4 * unit);
		gem_close(fd, handle);
		assert_held_units(0);
	}

	igt_describe("MAP accepts each documented flag and their combination.");
	igt_subtest_with_dynamic("map-flags") {
		static const struct {
			const char *name;
			uint32_t flags;
		} flags[] = {
			{ "none", 0 },
			{ "readonly", NOVA_VM_BIND_MAP_READONLY },
			{ "noexec", NOVA_VM_BIND_MAP_NOEXEC },
			{ "readonly-noexec", NOVA_VM_BIND_MAP_FLAGS },
		};

		for (volatile unsigned int i = 0; i < ARRAY_SIZE(flags); i++) {
			igt_dynamic(flags[i].name) {
				struct drm_nova_vm_bind_op op;
				uint32_t handle;

				reset_file();
				handle = create_units(fd, 1);
				op = op_map(handle, 0, VA(0), unit, flags[i].flags);
				igt_assert_eq(__vm_bind(fd, &op, 1), 0);
				gem_close(fd, handle);
				assert_held_units(1);
				vm_unmap(fd, VA(0), unit);
				assert_held_units(0);
			}
		}
	}

	igt_describe("The first and the last unit of the VA range can be mapped.");
	igt_subtest("va-range-edges") {
		uint32_t handle = create_units(fd, 1);

		vm_map(fd, handle, 0, va_start, unit);
		vm_map(fd, handle, 0, va_end() - unit, unit);
		gem_close(fd, handle);
		assert_held_units(1);
		vm_unmap(fd, va_start, unit);
		assert_held_units(1);
		vm_unmap(fd, va_end() - unit, unit);
		assert_held_units(0);
	}

	igt_describe("Unmapping a range where nothing is mapped is not an error, "
		     "up to the whole VA range.");
	igt_subtest("unmap-hole") {
		vm_unmap(fd, VA(0), 16 * unit);
		vm_unmap(fd, va_start, va_size);
		assert_held_units(0);
	}

	igt_describe("A mapping keeps its object alive after the handle is closed, "
		     "until it is unmapped.");
	igt_subtest("map-holds-object") {
		uint32_t handle = create_units(fd, 4);

		vm_map(fd, handle, unit, VA(0), unit);
		gem_close(fd, handle);
		assert_held_units(4);
		vm_unmap(fd, VA(0), unit);
		assert_held_units(0);
	}

	igt_describe("MAP over a mapping replaces it: the object it covered whole "
		     "is no longer mapped.");
	igt_subtest("map-replaces") {
		uint32_t a = create_units(fd, 2);
		uint32_t b = create_units(fd, 3);

		vm_map(fd, a, 0, VA(0), 2 * unit);
		vm_map(fd, b, 0, VA(0), 3 * unit);
		gem_close(fd, a);
		gem_close(fd, b);
		assert_held_units(3);
		vm_unmap(fd, VA(0), 3 * unit);
		assert_held_units(0);
	}

	igt_describe("MAP over the middle of a mapping cuts it: both ends stay "
		     "mapped to their object.");
	igt_subtest("map-cuts-middle") {
		uint32_t a = create_units(fd, 3);
		uint32_t b = create_units(fd, 1);

		vm_map(fd, a, 0, VA(0), 3 * unit);
		vm_map(fd, b, 0, VA(1), unit);
		gem_close(fd, a);
		gem_close(fd, b);
		assert_held_units(4);
		/* a's first unit and all of b: a's last unit remains. */
		vm_unmap(fd, VA(0), 2 * unit);
		assert_held_units(3);
		vm_unmap(fd, VA(2), unit);
		assert_held_units(0);
	}

	igt_describe("UNMAP of part of a mapping leaves the rest mapped.");
	igt_subtest("unmap-partial") {
		uint32_t handle = create_units(fd, 2);

		vm_map(fd, handle, 0, VA(0), 2 * unit);
		gem_close(fd, handle);
		vm_unmap(fd, VA(1), unit);
		assert_held_units(2);
		vm_unmap(fd, VA(0), unit);
		assert_held_units(0);
	}

	igt_describe("UNMAP across mappings cuts them at its edges.");
	igt_subtest("unmap-across-mappings") {
		uint32_t a = create_units(fd, 2);
		uint32_t b = create_units(fd, 2);

		vm_map(fd, a, 0, VA(0), 2 * unit);
		vm_map(fd, b, 0, VA(4), 2 * unit);
		gem_close(fd, a);
		gem_close(fd, b);
		vm_unmap(fd, VA(1), 4 * unit);
		assert_held_units(4);
		vm_unmap(fd, VA(5), unit);
		assert_held_units(2);
		vm_unmap(fd, VA(0), 8 * unit);
		assert_held_units(0);
	}

	igt_describe("An object can be mapped several times; it lives until its "
		     "last mapping goes.");
	igt_subtest("multiple-mappings") {
		uint32_t handle = create_units(fd, 1);

		vm_map(fd, handle, 0, VA(0), unit);
		vm_map(fd, handle, 0, VA(8), unit);
		vm_map(fd, handle, 0, VA(9), unit);
		gem_close(fd, handle);
		vm_unmap(fd, VA(0), unit);
		assert_held_units(1);
		vm_unmap(fd, VA(8), 2 * unit);
		assert_held_units(0);
	}

	igt_describe("The operations of one call apply in array order, each "
		     "seeing the ones before it.");
	igt_subtest("ops-in-order") {
		uint32_t handle = create_units(fd, 1);
		struct drm_nova_vm_bind_op map_then_unmap[] = {
			op_map(handle, 0, VA(0), unit, 0),
			op_unmap(VA(0), unit),
		};
		struct drm_nova_vm_bind_op unmap_then_map[] = {
			op_unmap(VA(0), unit),
			op_map(handle, 0, VA(0), unit, 0),
		};

		igt_assert_eq(__vm_bind(fd, map_then_unmap, 2), 0);
		igt_assert_eq(__vm_bind(fd, unmap_then_map, 2), 0);
		gem_close(fd, handle);
		assert_held_units(1);
		vm_unmap(fd, VA(0), unit);
		assert_held_units(0);
	}

	igt_describe("A call that fails changes nothing, even when operations "
		     "before the failing one were valid.");
	igt_subtest_with_dynamic("atomic") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(atomic_cases); i++)
			igt_dynamic(atomic_cases[i].name)
				check_atomic(i);
	}

	igt_describe("Each file has its own VA space.");
	igt_subtest("va-space-per-file") {
		int other = nova_open();
		uint32_t a = create_units(fd, 1);
		uint32_t b = create_units(other, 2);

		vm_map(fd, a, 0, VA(0), unit);
		vm_map(other, b, 0, VA(0), 2 * unit);
		gem_close(fd, a);
		gem_close(other, b);
		assert_held_units(3);
		vm_unmap(other, VA(0), 2 * unit);
		assert_held_units(1);
		vm_unmap(fd, VA(0), unit);
		assert_held_units(0);
		close(other);
	}

	igt_describe("Closing a file releases its mappings and their objects.");
	igt_subtest("close-releases-mappings") {
		int other = nova_open();
		uint32_t a = create_units(other, 2);
		uint32_t b = create_units(other, 1);

		vm_map(other, a, 0, VA(0), 2 * unit);
		vm_map(other, b, 0, VA(4), unit);
		vm_map(other, b, 0, VA(5), unit);
		gem_close(other, a);
		assert_held_units(2 + 1);
		close(other);
		assert_held_units(0);
	}

	igt_describe("A call takes up to VM_BIND_MAX_OPS operations, one more is E2BIG.");
	igt_subtest("max-ops") {
		struct drm_nova_vm_bind_op *ops;
		uint32_t handle = create_units(fd, 1);

		igt_require_f(max_ops < (1u << 20), "VM_BIND_MAX_OPS is %llu\n",
			      (unsigned long long)max_ops);
		ops = calloc(max_ops + 1, sizeof(*ops));
		igt_assert(ops);
		for (uint64_t i = 0; i < max_ops; i++)
			ops[i] = op_map(handle, 0, VA(i % 64), unit, 0);
		igt_assert_eq(__vm_bind(fd, ops, max_ops), 0);
		for (uint64_t i = 0; i <= max_ops; i++)
			ops[i] = op_unmap(VA(i % 64), unit);
		igt_assert_eq(__vm_bind(fd, ops, max_ops + 1), -E2BIG);
		gem_close(fd, handle);
		assert_held_units(1);
		igt_assert_eq(__vm_bind(fd, ops, max_ops), 0);
		assert_held_units(0);
		free(ops);
	}

	igt_describe("Operations are read at op_stride: a longer struct from a "
		     "newer client works while its extra bytes are zero.");
	igt_subtest_with_dynamic("op-stride") {
		static const uint32_t strides[] = { 48, 64, 4096 };

		for (volatile unsigned int i = 0; i < ARRAY_SIZE(strides); i++) {
			igt_dynamic_f("stride-%u", strides[i]) {
				const uint32_t stride = strides[i];
				unsigned char *buf = calloc(2, stride);
				struct drm_nova_vm_bind_op op;
				uint32_t handle;

				igt_assert(buf);
				reset_file();
				handle = create_units(fd, 2);
				op = op_map(handle, 0, VA(0), unit, 0);
				memcpy(buf, &op, sizeof(op));
				op = op_map(handle, unit, VA(2), unit, 0);
				memcpy(buf + stride, &op, sizeof(op));
				igt_assert_eq(__vm_bind_stride(fd, buf, 2, stride), 0);
				gem_close(fd, handle);
				assert_held_units(2);

				memset(buf, 0, 2 * (size_t)stride);
				op = op_unmap(VA(0), unit);
				memcpy(buf, &op, sizeof(op));
				op = op_unmap(VA(2), unit);
				memcpy(buf + stride, &op, sizeof(op));
				igt_assert_eq(__vm_bind_stride(fd, buf, 2, stride), 0);
				assert_held_units(0);
				free(buf);
			}
		}
	}

	igt_describe("Concurrent calls on one file are serialized: overlapping "
		     "maps and unmaps from several threads all succeed and leave "
		     "consistent object references.");
	igt_subtest("concurrent") {
		pthread_t threads[THREADS];

		shared_handle = create_units(fd, 4);
		memset(thread_errors, 0, sizeof(thread_errors));
		for (int t = 0; t < THREADS; t++)
			igt_assert_eq(pthread_create(&threads[t], NULL, bind_thread,
						     (void *)(intptr_t)t), 0);
		for (int t = 0; t < THREADS; t++) {
			igt_assert_eq(pthread_join(threads[t], NULL), 0);
			igt_assert_eq(thread_errors[t], 0);
		}
		gem_close(fd, shared_handle);
		vm_unmap(fd, VA(0), 4 * unit);
		assert_held_units(0);
	}

	igt_fixture {
		close(fd);
	}
}

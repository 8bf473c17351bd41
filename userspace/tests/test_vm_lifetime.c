// SPDX-License-Identifier: MIT
/*
 * VM_BIND atomicity and the lifetime of what mappings hold.
 *
 * A call either applies every operation or none: a batch whose last
 * operation is bad leaves the earlier ones unapplied, and keeps no reference
 * on the objects they named. A mapping holds its object: after GEM_CLOSE the
 * object stays in nova_stats' "objects" until its last mapping goes, by
 * UNMAP, by being replaced, or by its file being closed. CPU access to a
 * VA-mapped object works as before.
 *
 * The device counters are compared with their values at the start of each
 * case, which assumes that nothing else uses the device meanwhile.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "vm_util.h"

#define U(n)	vm_va(&env, n)
#define R(n)	((uint64_t)(n) * env.align)

enum { A, B, C };

struct counters {
	uint64_t objects;
	uint64_t object_bytes;
	uint64_t mappings;
	uint64_t files;
};

static int read_counters(const struct vm_env *env, struct counters *c)
{
	int ret;

	ret = vm_read_stat(env, "objects", &c->objects);
	if (!ret)
		ret = vm_read_stat(env, "object_bytes", &c->object_bytes);
	if (!ret)
		ret = vm_read_stat(env, "mappings", &c->mappings);
	if (!ret)
		ret = vm_read_stat(env, "files", &c->files);
	return ret;
}

/* The counters now must be @base plus the given differences. */
static enum test_result check_counters(const struct vm_env *env,
				       const struct counters *base, int64_t objects,
				       int64_t object_bytes, int64_t mappings,
				       const char *when, int line)
{
	struct counters now;
	int ret;

	ret = read_counters(env, &now);
	if (ret)
		return test_fail(TEST_FILE, line, "reading nova_stats: %s", test_errname(ret));
	if (now.objects != base->objects + (uint64_t)objects ||
	    now.object_bytes != base->object_bytes + (uint64_t)object_bytes ||
	    now.mappings != base->mappings + (uint64_t)mappings)
		return test_fail(TEST_FILE, line, "%s: objects %" PRIu64 ", object_bytes %" PRIu64
				 ", mappings %" PRIu64 "; expected %" PRIu64 ", %" PRIu64
				 ", %" PRIu64, when, now.objects, now.object_bytes, now.mappings,
				 base->objects + (uint64_t)objects,
				 base->object_bytes + (uint64_t)object_bytes,
				 base->mappings + (uint64_t)mappings);
	return TEST_PASS;
}

#define COUNTERS(objects, bytes, mappings, when)			\
	do {								\
		if (check_counters(&env, &base, objects, bytes, mappings, \
				   when, __LINE__) != TEST_PASS)	\
			return TEST_FAIL;				\
	} while (0)

/* --- atomicity ------------------------------------------------------------------ */

/* Valid operations, then a bad last one: none of them applies. */
static enum test_result vm_atomic_last_op_invalid(void)
{
	struct drm_nova_vm_bind_op ops[5];
	struct vm_snapshot snap;
	struct vm_env env;
	uint32_t a, b;
	unsigned int i;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 8, &a));
	CHECK_OK(vm_object(&env, 8, &b));
	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(8), 0));

	ops[0] = op_unmap(U(2), R(2));			/* splits A */
	ops[1] = op_map(b, 0, U(4), R(2), 0);		/* over A's middle */
	ops[2] = op_map(b, 0, U(20), R(4), 0);		/* into a hole */
	ops[3] = op_unmap(U(0), R(1));
	for (i = 0; i < 6; i++) {
		/* Each kind of bad last operation. */
		switch (i) {
		case 0: ops[4] = op_map(b, 0, U(30), R(1), 1u << 7); break;
		case 1: ops[4] = op_map(b, 0, U(30), 0, 0); break;
		case 2: ops[4] = op_map(b, R(8), U(30), R(1), 0); break;
		case 3: ops[4] = op_unmap(env.va_end, R(1)); break;
		case 4: ops[4] = op_map(b, 0, U(30), R(1), 0); ops[4].pad = 1; break;
		case 5: ops[4] = op_unmap(U(30), R(1)); ops[4].op = 7; break;
		}
		vm_snapshot(&env, &snap);
		CHECK_ERR(vm_bind(env.fd, ops, 5), -EINVAL);
		VM_UNCHANGED(&env, &snap, "a batch whose last op is bad");
	}
	VM_CHECK(&env, { 0, 8, A, 0, 0 });

	/* The same four valid ones alone do apply. */
	CHECK_OK(vm_bind(env.fd, ops, 4));
	VM_CHECK(&env, { 1, 2, A, 1, 0 }, { 4, 6, B, 0, 0 }, { 6, 8, A, 6, 0 },
		 { 20, 24, B, 0, 0 });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* A MAP of an unknown handle last: -ENOENT, and nothing applies. */
static enum test_result vm_atomic_unknown_handle(void)
{
	struct drm_nova_vm_bind_op ops[3];
	struct vm_snapshot snap;
	struct vm_env env;
	uint32_t a, gone;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 4, &a));
	CHECK_OK(vm_object(&env, 4, &gone));
	CHECK_OK(raw_gem_close(env.fd, gone));

	ops[0] = op_map(a, 0, U(0), R(4), 0);
	ops[1] = op_unmap(U(1), R(1));
	ops[2] = op_map(gone, 0, U(8), R(1), 0);
	vm_snapshot(&env, &snap);
	CHECK_ERR(vm_bind(env.fd, ops, 3), -ENOENT);
	VM_UNCHANGED(&env, &snap, "a batch whose last MAP names a closed handle");
	VM_CHECK_EMPTY(&env);

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* The last op unreadable: -EFAULT, and nothing applies. */
static enum test_result vm_atomic_fault(void)
{
	size_t page = (size_t)host_page_size();
	struct drm_nova_vm_bind_op ops[2];
	struct vm_snapshot snap;
	struct vm_env env;
	char *mem;
	uint32_t a;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 4, &a));
	mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		FAIL("mmap: %s", strerror(errno));

	ops[0] = op_map(a, 0, U(0), R(4), 0);
	ops[1] = op_unmap(U(1), R(1));
	memcpy(mem + page - 2 * OP_SIZE, ops, 2 * OP_SIZE);
	CHECK(mprotect(mem + page, page, PROT_NONE) == 0);

	vm_snapshot(&env, &snap);
	CHECK_ERR(vm_bind(env.fd, (void *)(mem + page - 2 * OP_SIZE), 3), -EFAULT);
	VM_UNCHANGED(&env, &snap, "a batch whose third op cannot be read");
	VM_CHECK_EMPTY(&env);

	CHECK_OK(vm_bind(env.fd, (void *)(mem + page - 2 * OP_SIZE), 2));
	VM_CHECK(&env, { 0, 1, A, 0, 0 }, { 2, 4, A, 2, 0 });

	munmap(mem, 2 * page);
	nova_device_close(env.dev);
	return TEST_PASS;
}

/*
 * A failed batch keeps no reference on the objects it named: once their
 * handles are closed they are gone.
 */
static enum test_result vm_atomic_no_reference_kept(void)
{
	struct drm_nova_vm_bind_op ops[3];
	struct counters base;
	struct vm_env env;
	uint32_t a, b;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(read_counters(&env, &base));
	CHECK_OK(vm_object(&env, 4, &a));
	CHECK_OK(vm_object(&env, 4, &b));

	ops[0] = op_map(a, 0, U(0), R(4), 0);
	ops[1] = op_map(b, 0, U(10), R(4), 0);
	ops[2] = op_map(b, 0, U(20), R(5), 0);		/* past B's end */
	CHECK_ERR(vm_bind(env.fd, ops, 3), -EINVAL);
	COUNTERS(2, (int64_t)R(8), 0, "after the failed batch");

	CHECK_OK(raw_gem_close(env.fd, a));
	CHECK_OK(raw_gem_close(env.fd, b));
	COUNTERS(0, 0, 0, "after closing both handles");

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* --- what mappings hold ------------------------------------------------------------ */

static enum test_result vm_lifetime_gem_close_while_mapped(void)
{
	struct counters base;
	struct vm_env env;
	uint64_t size;
	uint32_t a;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(read_counters(&env, &base));
	CHECK_OK(vm_object(&env, 4, &a));
	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(4), 0));
	COUNTERS(1, (int64_t)R(4), 1, "after GEM_CREATE and MAP");

	CHECK_OK(raw_gem_close(env.fd, a));
	CHECK_ERR(raw_gem_info(env.fd, a, &size), -ENOENT);	/* the handle is gone */
	COUNTERS(1, (int64_t)R(4), 1, "after GEM_CLOSE of the mapped object");
	VM_CHECK(&env, { 0, 4, A, 0, 0 });

	/* Its handle is gone: it cannot be mapped anew... */
	CHECK_ERR(vm_map(env.fd, a, 0, U(10), R(1), 0), -ENOENT);
	/* ... but what maps it can be cut, and the parts keep it. */
	CHECK_OK(vm_unmap(env.fd, U(1), R(2)));
	VM_CHECK(&env, { 0, 1, A, 0, 0 }, { 3, 4, A, 3, 0 });
	COUNTERS(1, (int64_t)R(4), 2, "after splitting the mapping");

	CHECK_OK(vm_unmap(env.fd, U(0), R(1)));
	COUNTERS(1, (int64_t)R(4), 1, "with one part of the mapping left");
	CHECK_OK(vm_unmap(env.fd, U(3), R(1)));
	COUNTERS(0, 0, 0, "after the last part of the mapping went");

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* The last mapping of an object going by replacement frees it too. */
static enum test_result vm_lifetime_replaced(void)
{
	struct counters base;
	struct vm_env env;
	uint32_t a, b;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(read_counters(&env, &base));
	CHECK_OK(vm_object(&env, 4, &a));
	CHECK_OK(vm_object(&env, 2, &b));
	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(2), 0));
	CHECK_OK(vm_map(env.fd, a, R(2), U(4), R(2), 0));
	CHECK_OK(raw_gem_close(env.fd, a));
	COUNTERS(2, (int64_t)R(6), 2, "after closing A's handle");

	CHECK_OK(vm_map(env.fd, b, 0, U(0), R(2), 0));
	COUNTERS(2, (int64_t)R(6), 2, "with one mapping of A replaced");
	CHECK_OK(vm_map(env.fd, b, 0, U(3), R(2), 0));	/* half of the other */
	COUNTERS(2, (int64_t)R(6), 3, "with half of A's other mapping replaced");
	CHECK_OK(vm_map(env.fd, b, 0, U(5), R(1), NOVA_VM_BIND_MAP_READONLY));
	COUNTERS(1, (int64_t)R(2), 3, "with every mapping of A replaced");
	VM_CHECK(&env, { 0, 2, B, 0, 0 }, { 3, 5, B, 0, 0 },
		 { 5, 6, B, 0, NOVA_VM_BIND_MAP_READONLY });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Closing a file with live mappings releases them and their objects. */
static enum test_result vm_lifetime_file_close(void)
{
	struct drm_nova_vm_bind_op ops[64];
	struct nova_device *second;
	struct counters base, now;
	struct vm_env env;
	uint32_t mine, h[4];
	unsigned int i;
	int fd2;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 2, &mine));
	CHECK_OK(vm_map(env.fd, mine, 0, U(0), R(2), 0));
	CHECK_OK(read_counters(&env, &base));

	CHECK_OK(nova_device_open_path(nova_device_node_path(env.dev), &second));
	fd2 = nova_device_fd(second);
	CHECK_OK(read_counters(&env, &now));
	CHECK_U64(now.files, ==, base.files + 1);

	for (i = 0; i < 4; i++)
		CHECK_OK(raw_gem_create(fd2, R(4), &h[i], NULL));
	for (i = 0; i < 64; i++)
		ops[i] = op_map(h[i % 4], R(i % 2), U(3 * i), R(1 + i % 3),
				i % 2 ? NOVA_VM_BIND_MAP_READONLY : 0);
	CHECK_OK(vm_bind(fd2, ops, 64));
	/* Two of the handles closed: only the mappings hold those objects. */
	CHECK_OK(raw_gem_close(fd2, h[0]));
	CHECK_OK(raw_gem_close(fd2, h[1]));
	COUNTERS(4, (int64_t)R(16), 64, "with the second file's mappings");

	nova_device_close(second);
	COUNTERS(0, 0, 0, "after closing the second file");
	CHECK_OK(read_counters(&env, &now));
	CHECK_U64(now.files, ==, base.files);

	/* The first file's VA space did not notice. */
	VM_CHECK(&env, { 0, 2, A, 0, 0 });
	nova_device_close(env.dev);
	return TEST_PASS;
}

/* The same through libnova: destroy the bo while mapped, close the device. */
static enum test_result vm_lifetime_libnova_close(void)
{
	struct nova_device *dev;
	struct counters base;
	struct nova_vm *vm;
	struct nova_bo *bo;
	struct vm_env env;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(read_counters(&env, &base));

	CHECK_OK(nova_device_open_path(nova_device_node_path(env.dev), &dev));
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_bo_create(dev, R(4), &bo));
	CHECK_OK(nova_vm_map(vm, bo, 0, U(0), R(4), 0));
	CHECK_OK(nova_vm_map(vm, bo, R(1), U(8), R(2), 0));
	nova_bo_destroy(bo);
	COUNTERS(1, (int64_t)R(4), 2, "after nova_bo_destroy() of a mapped object");

	nova_device_close(dev);
	COUNTERS(0, 0, 0, "after nova_device_close() with live mappings");

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* --- CPU access to VA-mapped objects ---------------------------------------------- */

static enum test_result vm_cpu_data_while_mapped(void)
{
	uint64_t size, offset, bad;
	struct vm_env env;
	void *p, *q;
	uint32_t a;

	VM_ENV_OPEN(&env, false);
	CHECK_OK(raw_gem_create(env.fd, R(4) > 65536 ? R(4) : 65536, &a, &size));
	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(4), 0));
	CHECK_OK(vm_map(env.fd, a, R(1), U(16), R(2), NOVA_VM_BIND_MAP_READONLY));

	/* Write through one CPU mapping while VA-mapped. */
	CHECK_OK(raw_mmap_offset(env.fd, a, &offset));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, env.fd, (off_t)offset);
	if (p == MAP_FAILED)
		FAIL("mmap: %s", strerror(errno));
	fill_pattern(p, size, 7);
	munmap(p, size);

	/* Read back through a fresh one. */
	CHECK_OK(raw_mmap_offset(env.fd, a, &offset));
	q = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, env.fd, (off_t)offset);
	if (q == MAP_FAILED)
		FAIL("second mmap: %s", strerror(errno));
	bad = count_mismatches(q, size, 7);
	if (bad)
		FAIL("%" PRIu64 " of %" PRIu64 " bytes differ while the object is VA-mapped",
		     bad, size);

	/* VA mappings coming and going do not touch the data. */
	CHECK_OK(vm_unmap(env.fd, U(1), R(1)));
	CHECK_OK(vm_map(env.fd, a, 0, U(1), R(1), 0));
	CHECK_OK(vm_unmap(env.fd, env.va_start, env.va_size));
	bad = count_mismatches(q, size, 7);
	if (bad)
		FAIL("%" PRIu64 " of %" PRIu64 " bytes differ after VA unmapping", bad, size);

	/* A CPU mapping and a VA mapping both outlive the handle. */
	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(4), 0));
	CHECK_OK(raw_gem_close(env.fd, a));
	fill_pattern(q, size, 8);
	bad = count_mismatches(q, size, 8);
	if (bad)
		FAIL("%" PRIu64 " of %" PRIu64 " bytes differ after GEM_CLOSE", bad, size);

	munmap(q, size);
	nova_device_close(env.dev);
	return TEST_PASS;
}

const struct test_case vm_lifetime_tests[] = {
	{ "vm_atomic_last_op_invalid", vm_atomic_last_op_invalid, TEST_NEEDS_DEVICE },
	{ "vm_atomic_unknown_handle", vm_atomic_unknown_handle, TEST_NEEDS_DEVICE },
	{ "vm_atomic_fault", vm_atomic_fault, TEST_NEEDS_DEVICE },
	{ "vm_atomic_no_reference_kept", vm_atomic_no_reference_kept, TEST_NEEDS_DEVICE },
	{ "vm_lifetime_gem_close_while_mapped", vm_lifetime_gem_close_while_mapped,
	  TEST_NEEDS_DEVICE },
	{ "vm_lifetime_replaced", vm_lifetime_replaced, TEST_NEEDS_DEVICE },
	{ "vm_lifetime_file_close", vm_lifetime_file_close, TEST_NEEDS_DEVICE },
	{ "vm_lifetime_libnova_close", vm_lifetime_libnova_close, TEST_NEEDS_DEVICE },
	{ "vm_cpu_data_while_mapped", vm_cpu_data_while_mapped, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

// SPDX-License-Identifier: MIT
/*
 * VM_BIND semantics, as the kernel shows them in debugfs: mapping,
 * replacing, cutting mappings at the edges of a MAP or an UNMAP (the parts
 * keeping their own object offsets), unmapping holes, flags, the order of
 * the operations of one call, and the limits of a call.
 *
 * Addresses and sizes are counted in units of NOVA_GETPARAM_VA_ALIGNMENT
 * from VA_START: U(n) is the n-th unit's address, R(n) n units' size. The
 * expected VA spaces (VM_CHECK) name objects by index: A is 0, B 1, C 2.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm_util.h"

#define U(n)	vm_va(&env, n)
#define R(n)	((uint64_t)(n) * env.align)

enum { A, B, C };

#define RO	NOVA_VM_BIND_MAP_READONLY
#define NX	NOVA_VM_BIND_MAP_NOEXEC

static enum test_result vm_bind_map_unmap(void)
{
	uint64_t before, now, bytes;
	struct vm_env env;
	uint32_t a;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 4, &a));
	CHECK_OK(vm_read_stat(&env, "mappings", &before));
	VM_CHECK_EMPTY(&env);

	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(2), 0));
	VM_CHECK(&env, { 0, 2, A, 0, 0 });
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before + 1);

	/* A second, separate mapping of the same object. */
	CHECK_OK(vm_map(env.fd, a, R(1), U(10), R(3), 0));
	VM_CHECK(&env, { 0, 2, A, 0, 0 }, { 10, 13, A, 1, 0 });
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before + 2);

	CHECK_OK(vm_unmap(env.fd, U(0), R(2)));
	VM_CHECK(&env, { 10, 13, A, 1, 0 });
	CHECK_OK(vm_unmap(env.fd, U(10), R(3)));
	VM_CHECK_EMPTY(&env);
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before);

	/* With no mapping left on the device, their kernel memory is gone too. */
	if (before == 0) {
		CHECK_OK(vm_read_stat(&env, "mapping_bytes", &bytes));
		CHECK_U64(bytes, ==, 0);
	}

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* MAP over exactly what another MAP mapped replaces it. */
static enum test_result vm_bind_map_replace(void)
{
	struct vm_env env;
	uint64_t before, now;
	uint32_t a, b;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 4, &a));
	CHECK_OK(vm_object(&env, 4, &b));
	CHECK_OK(vm_read_stat(&env, "mappings", &before));

	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(4), 0));
	CHECK_OK(vm_map(env.fd, b, 0, U(0), R(4), RO));
	VM_CHECK(&env, { 0, 4, B, 0, RO });
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before + 1);

	/* The same object again, at another offset: still one mapping. */
	CHECK_OK(vm_map(env.fd, b, 0, U(0), R(2), 0));
	CHECK_OK(vm_map(env.fd, a, R(2), U(2), R(2), 0));
	VM_CHECK(&env, { 0, 2, B, 0, 0 }, { 2, 4, A, 2, 0 });
	CHECK_OK(vm_map(env.fd, a, R(1), U(0), R(3), NX));
	VM_CHECK(&env, { 0, 3, A, 1, NX }, { 3, 4, A, 3, 0 });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* A MAP inside a mapping cuts it in two; each part keeps its offsets. */
static enum test_result vm_bind_map_split_middle(void)
{
	struct vm_env env;
	uint64_t before, now;
	uint32_t a, b;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 8, &a));
	CHECK_OK(vm_object(&env, 8, &b));
	CHECK_OK(vm_read_stat(&env, "mappings", &before));

	CHECK_OK(vm_map(env.fd, a, R(2), U(0), R(6), RO));
	CHECK_OK(vm_map(env.fd, b, R(5), U(2), R(1), 0));
	VM_CHECK(&env, { 0, 2, A, 2, RO }, { 2, 3, B, 5, 0 }, { 3, 6, A, 5, RO });
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before + 3);

	/* Cut the last part again, at its first unit. */
	CHECK_OK(vm_map(env.fd, b, 0, U(3), R(1), NX));
	VM_CHECK(&env, { 0, 2, A, 2, RO }, { 2, 3, B, 5, 0 }, { 3, 4, B, 0, NX },
		 { 4, 6, A, 6, RO });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* A MAP across the edges of mappings cuts off what it covers of each. */
static enum test_result vm_bind_map_overlap_edges(void)
{
	struct vm_env env;
	uint32_t a, b, c;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 8, &a));
	CHECK_OK(vm_object(&env, 8, &b));
	CHECK_OK(vm_object(&env, 8, &c));

	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(4), 0));
	CHECK_OK(vm_map(env.fd, b, 0, U(2), R(4), 0));	/* over A's tail */
	VM_CHECK(&env, { 0, 2, A, 0, 0 }, { 2, 6, B, 0, 0 });

	CHECK_OK(vm_map(env.fd, c, R(1), U(1), R(2), 0));	/* across A|B */
	VM_CHECK(&env, { 0, 1, A, 0, 0 }, { 1, 3, C, 1, 0 }, { 3, 6, B, 1, 0 });

	CHECK_OK(vm_map(env.fd, a, R(4), U(5), R(3), 0));	/* over B's tail, past it */
	VM_CHECK(&env, { 0, 1, A, 0, 0 }, { 1, 3, C, 1, 0 }, { 3, 5, B, 1, 0 },
		 { 5, 8, A, 4, 0 });

	CHECK_OK(vm_map(env.fd, b, 0, U(0), R(2), 0));	/* over A, into C */
	VM_CHECK(&env, { 0, 2, B, 0, 0 }, { 2, 3, C, 2, 0 }, { 3, 5, B, 1, 0 },
		 { 5, 8, A, 4, 0 });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* A MAP that covers several mappings and holes replaces them all. */
static enum test_result vm_bind_map_covers_many(void)
{
	struct vm_env env;
	uint64_t before, now;
	uint32_t a, b, c;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 8, &a));
	CHECK_OK(vm_object(&env, 8, &b));
	CHECK_OK(vm_object(&env, 8, &c));
	CHECK_OK(vm_read_stat(&env, "mappings", &before));

	CHECK_OK(vm_map(env.fd, a, 0, U(1), R(1), 0));
	CHECK_OK(vm_map(env.fd, b, 0, U(3), R(2), RO));
	CHECK_OK(vm_map(env.fd, a, R(7), U(6), R(1), NX));
	CHECK_OK(vm_map(env.fd, c, 0, U(0), R(8), 0));
	VM_CHECK(&env, { 0, 8, C, 0, 0 });
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before + 1);

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* UNMAP inside a mapping leaves two parts with their own offsets. */
static enum test_result vm_bind_unmap_split(void)
{
	struct vm_env env;
	uint64_t before, now;
	uint32_t a;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 8, &a));
	CHECK_OK(vm_read_stat(&env, "mappings", &before));

	CHECK_OK(vm_map(env.fd, a, R(1), U(0), R(6), RO | NX));
	CHECK_OK(vm_unmap(env.fd, U(2), R(1)));
	VM_CHECK(&env, { 0, 2, A, 1, RO | NX }, { 3, 6, A, 4, RO | NX });
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before + 2);

	CHECK_OK(vm_unmap(env.fd, U(4), R(1)));
	VM_CHECK(&env, { 0, 2, A, 1, RO | NX }, { 3, 4, A, 4, RO | NX },
		 { 5, 6, A, 6, RO | NX });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* UNMAP across a mapping's edge cuts off what it covers. */
static enum test_result vm_bind_unmap_edges(void)
{
	struct vm_env env;
	uint32_t a, b;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 8, &a));
	CHECK_OK(vm_object(&env, 8, &b));

	CHECK_OK(vm_map(env.fd, a, 0, U(2), R(4), 0));
	CHECK_OK(vm_map(env.fd, b, R(2), U(10), R(4), 0));

	CHECK_OK(vm_unmap(env.fd, U(0), R(3)));		/* A's head, from a hole */
	VM_CHECK(&env, { 3, 6, A, 1, 0 }, { 10, 14, B, 2, 0 });
	CHECK_OK(vm_unmap(env.fd, U(5), R(7)));		/* A's tail to B's head */
	VM_CHECK(&env, { 3, 5, A, 1, 0 }, { 12, 14, B, 4, 0 });
	CHECK_OK(vm_unmap(env.fd, U(13), R(5)));	/* B's tail, into a hole */
	VM_CHECK(&env, { 3, 5, A, 1, 0 }, { 12, 13, B, 4, 0 });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Unmapping holes is not an error, whatever their size. */
static enum test_result vm_bind_unmap_hole(void)
{
	struct vm_env env;
	uint32_t a, b;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 4, &a));
	CHECK_OK(vm_object(&env, 4, &b));

	CHECK_OK(vm_unmap(env.fd, U(0), R(1)));
	CHECK_OK(vm_unmap(env.fd, env.va_end - R(1), R(1)));
	VM_CHECK_EMPTY(&env);

	CHECK_OK(vm_map(env.fd, a, 0, U(1), R(1), 0));
	CHECK_OK(vm_map(env.fd, b, 0, U(3), R(1), 0));
	CHECK_OK(vm_unmap(env.fd, U(2), R(1)));		/* the hole between */
	CHECK_OK(vm_unmap(env.fd, U(4), R(100)));	/* the hole after */
	VM_CHECK(&env, { 1, 2, A, 0, 0 }, { 3, 4, B, 0, 0 });

	CHECK_OK(vm_unmap(env.fd, U(0), R(6)));		/* holes and mappings */
	VM_CHECK_EMPTY(&env);
	CHECK_OK(vm_unmap(env.fd, U(0), R(6)));		/* again: all hole now */

	/* The whole VA range at once. */
	CHECK_OK(vm_map(env.fd, a, 0, U(7), R(2), 0));
	CHECK_OK(vm_map(env.fd, b, 0, env.va_end - R(4), R(4), 0));
	CHECK_OK(vm_unmap(env.fd, env.va_start, env.va_size));
	VM_CHECK_EMPTY(&env);

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Each flag is kept, shown, and inherited by the parts of a cut mapping. */
static enum test_result vm_bind_flags(void)
{
	struct vm_env env;
	uint32_t a;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 4, &a));

	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(1), 0));
	CHECK_OK(vm_map(env.fd, a, 0, U(2), R(1), RO));
	CHECK_OK(vm_map(env.fd, a, 0, U(4), R(1), NX));
	CHECK_OK(vm_map(env.fd, a, 0, U(6), R(4), RO | NX));
	VM_CHECK(&env, { 0, 1, A, 0, 0 }, { 2, 3, A, 0, RO }, { 4, 5, A, 0, NX },
		 { 6, 10, A, 0, RO | NX });

	/* Remapping with other flags, and a cut that keeps them. */
	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(1), RO));
	CHECK_OK(vm_unmap(env.fd, U(7), R(1)));
	VM_CHECK(&env, { 0, 1, A, 0, RO }, { 2, 3, A, 0, RO }, { 4, 5, A, 0, NX },
		 { 6, 7, A, 0, RO | NX }, { 8, 10, A, 2, RO | NX });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* The operations of one call apply in order, each seeing the ones before. */
static enum test_result vm_bind_batch_order(void)
{
	struct drm_nova_vm_bind_op ops[6];
	struct vm_env env;
	uint32_t a, b;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 8, &a));
	CHECK_OK(vm_object(&env, 8, &b));

	ops[0] = op_map(a, 0, U(0), R(8), 0);
	ops[1] = op_unmap(U(2), R(2));
	ops[2] = op_map(b, R(3), U(3), R(2), RO);
	ops[3] = op_map(a, R(7), U(7), R(1), NX);
	ops[4] = op_unmap(U(0), R(1));
	ops[5] = op_map(b, 0, U(10), R(1), 0);
	CHECK_OK(vm_bind(env.fd, ops, 6));
	VM_CHECK(&env, { 1, 2, A, 1, 0 }, { 3, 5, B, 3, RO }, { 5, 7, A, 5, 0 },
		 { 7, 8, A, 7, NX }, { 10, 11, B, 0, 0 });

	/* Map then unmap in one call: nothing left. Unmap then map: mapped. */
	ops[0] = op_map(a, 0, U(20), R(2), 0);
	ops[1] = op_unmap(U(20), R(2));
	ops[2] = op_unmap(U(10), R(1));
	ops[3] = op_map(a, 0, U(10), R(1), RO);
	CHECK_OK(vm_bind(env.fd, ops, 4));
	VM_CHECK(&env, { 1, 2, A, 1, 0 }, { 3, 5, B, 3, RO }, { 5, 7, A, 5, 0 },
		 { 7, 8, A, 7, NX }, { 10, 11, A, 0, RO });

	/* The last of several maps of one range wins. */
	ops[0] = op_map(a, 0, U(30), R(1), 0);
	ops[1] = op_map(b, 0, U(30), R(1), 0);
	ops[2] = op_map(a, R(3), U(30), R(1), NX);
	CHECK_OK(vm_bind(env.fd, ops, 3));
	VM_CHECK(&env, { 1, 2, A, 1, 0 }, { 3, 5, B, 3, RO }, { 5, 7, A, 5, 0 },
		 { 7, 8, A, 7, NX }, { 10, 11, A, 0, RO }, { 30, 31, A, 3, NX });

	nova_device_close(env.dev);
	return TEST_PASS;
}

static enum test_result vm_bind_op_count_zero(void)
{
	struct drm_nova_vm_bind_op op;
	struct vm_env env;
	uint32_t a;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 1, &a));
	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(1), 0));

	/* Nothing to read: a NULL array, or one whose op would fail. */
	op = op_unmap(U(0), 0);
	CHECK_OK(vm_bind(env.fd, &op, 0));
	CHECK_OK(raw_vm_bind(env.fd, 0, 0, 0, OP_SIZE, NULL));
	VM_CHECK(&env, { 0, 1, A, 0, 0 });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Exactly VM_BIND_MAX_OPS operations are one valid call; one more is not. */
static enum test_result vm_bind_max_ops(void)
{
	struct drm_nova_vm_bind_op *ops;
	struct vm_snapshot snap;
	uint64_t before, now, i;
	struct vm_env env;
	uint32_t a;

	VM_ENV_OPEN(&env, true);
	if (env.max_ops > (1u << 20))
		SKIP("VM_BIND_MAX_OPS is %" PRIu64 ", too many to build here", env.max_ops);
	CHECK_OK(vm_object(&env, 1, &a));
	ops = calloc(env.max_ops + 1, sizeof(*ops));
	CHECK(ops != NULL);
	for (i = 0; i <= env.max_ops; i++)
		ops[i] = op_map(a, 0, U(2 * i), R(1), 0);

	vm_snapshot(&env, &snap);
	CHECK_ERR(vm_bind(env.fd, ops, (uint32_t)env.max_ops + 1), -E2BIG);
	VM_UNCHANGED(&env, &snap, "VM_BIND of VM_BIND_MAX_OPS + 1 operations");

	CHECK_OK(vm_read_stat(&env, "mappings", &before));
	CHECK_OK(vm_bind(env.fd, ops, (uint32_t)env.max_ops));
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before + env.max_ops);

	/* One UNMAP takes them all. */
	CHECK_OK(vm_unmap(env.fd, U(0), R(2 * env.max_ops)));
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before);

	free(ops);
	nova_device_close(env.dev);
	return TEST_PASS;
}

/* The first and the last unit of the VA range can be mapped. */
static enum test_result vm_bind_va_limits(void)
{
	struct vm_env env;
	struct vm_mapping m[4];
	uint32_t a;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 2, &a));

	CHECK_OK(vm_map(env.fd, a, 0, env.va_start, R(2), 0));
	CHECK_OK(vm_map(env.fd, a, 0, env.va_end - R(2), R(2), 0));
	CHECK_OK(vm_map(env.fd, a, R(1), env.va_end - R(1), R(1), RO));
	CHECK_ERR(vm_read_mappings(&env, m, 4), 3);
	CHECK_U64(m[0].start, ==, env.va_start);
	CHECK_U64(m[0].end, ==, env.va_start + R(2));
	CHECK_U64(m[1].start, ==, env.va_end - R(2));
	CHECK_U64(m[1].end, ==, env.va_end - R(1));
	CHECK_U64(m[2].start, ==, env.va_end - R(1));
	CHECK_U64(m[2].end, ==, env.va_end);
	CHECK_U64(m[2].offset, ==, R(1));
	CHECK_U64(m[2].flags, ==, RO);

	nova_device_close(env.dev);
	return TEST_PASS;
}

/* An object range may end exactly at the end of the object. */
static enum test_result vm_bind_object_end(void)
{
	struct vm_env env;
	uint64_t size;
	uint32_t a;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(raw_gem_create(env.fd, R(3), &a, &size));
	/* GEM_CREATE rounds to the page size, which the alignment may exceed. */
	size = size / env.align * env.align;

	CHECK_OK(vm_map(env.fd, a, 0, U(0), size, 0));
	CHECK_OK(vm_map(env.fd, a, size - R(1), U(10), R(1), 0));
	VM_CHECK(&env, { 0, 3, A, 0, 0 }, { 10, 11, A, 2, 0 });

	nova_device_close(env.dev);
	return TEST_PASS;
}

/*
 * A stride larger than the struct, as a newer client would use, with zeros
 * past the 40 bytes the kernel knows: the ops are read at the stride.
 */
static enum test_result vm_bind_stride_larger(void)
{
	static const uint32_t strides[] = { 48, 64, 4096 };
	struct vm_env env;
	unsigned int s;
	uint32_t a;
	char *buf;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_object(&env, 4, &a));
	buf = malloc(3 * 4096);
	CHECK(buf != NULL);

	for (s = 0; s < sizeof(strides) / sizeof(strides[0]); s++) {
		struct drm_nova_vm_bind_op ops[3] = {
			op_map(a, R(1), U(0), R(2), 0),
			op_map(a, 0, U(4), R(1), RO),
			op_unmap(U(1), R(1)),
		};
		unsigned int i;

		memset(buf, 0, 3 * 4096);
		for (i = 0; i < 3; i++)
			memcpy(buf + i * strides[s], &ops[i], OP_SIZE);
		CHECK_OK(raw_vm_bind(env.fd, 0, 0, 3, strides[s], buf));
		VM_CHECK(&env, { 0, 1, A, 1, 0 }, { 4, 5, A, 0, RO });
		CHECK_OK(vm_unmap(env.fd, U(0), R(8)));
	}

	free(buf);
	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Two files of the device have separate VA spaces. */
static enum test_result vm_bind_files_separate(void)
{
	struct nova_device *second;
	struct vm_env env;
	uint64_t before, now;
	uint32_t a, b;
	int fd2;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(nova_device_open_path(nova_device_node_path(env.dev), &second));
	fd2 = nova_device_fd(second);
	CHECK_OK(vm_object(&env, 2, &a));
	CHECK_OK(raw_gem_create(fd2, R(2), &b, NULL));
	CHECK_OK(vm_read_stat(&env, "mappings", &before));

	/* The same addresses in both files. */
	CHECK_OK(vm_map(env.fd, a, 0, U(0), R(2), 0));
	CHECK_OK(vm_map(fd2, b, 0, U(0), R(2), RO));
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before + 2);

	/* Unmapping in one file leaves the other's alone. */
	CHECK_OK(vm_unmap(fd2, U(0), R(2)));
	CHECK_OK(vm_read_stat(&env, "mappings", &now));
	CHECK_U64(now, ==, before + 1);
	nova_device_close(second);
	VM_CHECK(&env, { 0, 2, A, 0, 0 });

	nova_device_close(env.dev);
	return TEST_PASS;
}

const struct test_case vm_bind_tests[] = {
	{ "vm_bind_map_unmap", vm_bind_map_unmap, TEST_NEEDS_DEVICE },
	{ "vm_bind_map_replace", vm_bind_map_replace, TEST_NEEDS_DEVICE },
	{ "vm_bind_map_split_middle", vm_bind_map_split_middle, TEST_NEEDS_DEVICE },
	{ "vm_bind_map_overlap_edges", vm_bind_map_overlap_edges, TEST_NEEDS_DEVICE },
	{ "vm_bind_map_covers_many", vm_bind_map_covers_many, TEST_NEEDS_DEVICE },
	{ "vm_bind_unmap_split", vm_bind_unmap_split, TEST_NEEDS_DEVICE },
	{ "vm_bind_unmap_edges", vm_bind_unmap_edges, TEST_NEEDS_DEVICE },
	{ "vm_bind_unmap_hole", vm_bind_unmap_hole, TEST_NEEDS_DEVICE },
	{ "vm_bind_flags", vm_bind_flags, TEST_NEEDS_DEVICE },
	{ "vm_bind_batch_order", vm_bind_batch_order, TEST_NEEDS_DEVICE },
	{ "vm_bind_op_count_zero", vm_bind_op_count_zero, TEST_NEEDS_DEVICE },
	{ "vm_bind_max_ops", vm_bind_max_ops, TEST_NEEDS_DEVICE },
	{ "vm_bind_va_limits", vm_bind_va_limits, TEST_NEEDS_DEVICE },
	{ "vm_bind_object_end", vm_bind_object_end, TEST_NEEDS_DEVICE },
	{ "vm_bind_stride_larger", vm_bind_stride_larger, TEST_NEEDS_DEVICE },
	{ "vm_bind_files_separate", vm_bind_files_separate, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

// SPDX-License-Identifier: MIT
/*
 * VM_BIND: mapping buffer objects into the file's GPU VA space.
 *
 * Every request becomes exactly one VM_BIND call, which the kernel applies
 * atomically. libnova never splits a batch over several calls, since a split
 * batch could be left half applied; a batch that would exceed the kernel's
 * VM_BIND_MAX_OPS is refused with -E2BIG when the operation that would
 * exceed it is added, and the batch is then never submitted.
 *
 * Beyond misuse (NULL arguments, an object of another device) the operations
 * are left to the kernel to judge, for the reason bo.c gives for sizes.
 */
#include <stdlib.h>

#include "private.h"

/* The array the kernel reads is one of these per operation, back to back. */
_Static_assert(sizeof(struct drm_nova_vm_bind_op) == 40,
	       "struct drm_nova_vm_bind_op is 40 bytes in uAPI version 2");

/* The first allocation of a batch's array; it doubles from there. */
#define BATCH_MIN_CAPACITY	16

static int vm_bind(struct nova_vm *vm, const struct drm_nova_vm_bind_op *ops,
		   uint32_t count)
{
	struct drm_nova_vm_bind args = {
		.vm_id = 0,
		.flags = 0,
		.op_count = count,
		.op_stride = sizeof(*ops),
		.ops = (uint64_t)(uintptr_t)ops,
	};

	return libnova_ioctl(vm->dev->fd, DRM_IOCTL_NOVA_VM_BIND, &args);
}

/* A handle means nothing in another device's file: refuse foreign objects. */
static int check_bo(const struct nova_vm *vm, const struct nova_bo *bo)
{
	if (!bo)
		return -EINVAL;
	return bo->dev == vm->dev ? 0 : -EXDEV;
}

/*
 * Also marks @bo as GPU-mapped: the mapping may outlive the last reference,
 * so the object must never be reused from the buffer cache.
 */
static void fill_map(struct drm_nova_vm_bind_op *op, struct nova_bo *bo,
		     uint64_t bo_offset, uint64_t va, uint64_t range,
		     uint32_t flags)
{
	libnova_bo_mark(bo, LIBNOVA_BO_GPU_MAPPED);
	*op = (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP,
		.flags = flags,
		.handle = bo->node.handle,
		.bo_offset = bo_offset,
		.va = va,
		.range = range,
	};
}

static void fill_unmap(struct drm_nova_vm_bind_op *op, uint64_t va,
		       uint64_t range)
{
	*op = (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_UNMAP,
		.va = va,
		.range = range,
	};
}

NOVA_EXPORT int nova_vm_map(struct nova_vm *vm, struct nova_bo *bo,
			    uint64_t bo_offset, uint64_t va, uint64_t range,
			    uint32_t flags)
{
	struct drm_nova_vm_bind_op op;
	int ret;

	if (!vm)
		return -EINVAL;
	ret = check_bo(vm, bo);
	if (ret)
		return ret;

	fill_map(&op, bo, bo_offset, va, range, flags);
	return vm_bind(vm, &op, 1);
}

NOVA_EXPORT int nova_vm_unmap(struct nova_vm *vm, uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op op;

	if (!vm)
		return -EINVAL;

	fill_unmap(&op, va, range);
	return vm_bind(vm, &op, 1);
}

/* --- batches ------------------------------------------------------------------ */

NOVA_EXPORT int nova_vm_bind_begin(struct nova_vm *vm,
				   struct nova_vm_bind_batch **out)
{
	struct nova_vm_bind_batch *batch;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!vm)
		return -EINVAL;

	batch = calloc(1, sizeof(*batch));
	if (!batch)
		return -ENOMEM;
	batch->vm = vm;
	*out = batch;
	return 0;
}

/* Record the first error: the batch will never be submitted. */
static int batch_fail(struct nova_vm_bind_batch *batch, int err)
{
	batch->error = err;
	return err;
}

/* A slot for one more operation, or NULL with batch->error set. */
static struct drm_nova_vm_bind_op *batch_slot(struct nova_vm_bind_batch *batch)
{
	uint32_t max = nova_vm_max_ops(batch->vm);
	struct drm_nova_vm_bind_op *ops;
	uint64_t capacity;

	if (batch->count == max) {
		batch_fail(batch, -E2BIG);
		return NULL;
	}

	if (batch->count == batch->capacity) {
		capacity = batch->capacity ? 2 * (uint64_t)batch->capacity :
					     BATCH_MIN_CAPACITY;
		if (capacity > max)
			capacity = max;
		ops = realloc(batch->ops, (size_t)capacity * sizeof(*ops));
		if (!ops) {
			batch_fail(batch, -ENOMEM);
			return NULL;
		}
		batch->ops = ops;
		batch->capacity = (uint32_t)capacity;
	}

	return &batch->ops[batch->count++];
}

NOVA_EXPORT int nova_vm_bind_add_map(struct nova_vm_bind_batch *batch,
				     struct nova_bo *bo, uint64_t bo_offset,
				     uint64_t va, uint64_t range, uint32_t flags)
{
	struct drm_nova_vm_bind_op *op;
	int ret;

	if (!batch)
		return -EINVAL;
	if (batch->error)
		return batch->error;

	ret = check_bo(batch->vm, bo);
	if (ret)
		return batch_fail(batch, ret);

	op = batch_slot(batch);
	if (!op)
		return batch->error;
	fill_map(op, bo, bo_offset, va, range, flags);
	return 0;
}

NOVA_EXPORT int nova_vm_bind_add_unmap(struct nova_vm_bind_batch *batch,
				       uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op *op;

	if (!batch)
		return -EINVAL;
	if (batch->error)
		return batch->error;

	op = batch_slot(batch);
	if (!op)
		return batch->error;
	fill_unmap(op, va, range);
	return 0;
}

NOVA_EXPORT unsigned int nova_vm_bind_count(const struct nova_vm_bind_batch *batch)
{
	return batch ? batch->count : 0;
}

NOVA_EXPORT void nova_vm_bind_abort(struct nova_vm_bind_batch *batch)
{
	if (!batch)
		return;
	free(batch->ops);
	free(batch);
}

NOVA_EXPORT int nova_vm_bind_submit(struct nova_vm_bind_batch *batch)
{
	int ret;

	if (!batch)
		return -EINVAL;

	ret = batch->error;
	if (!ret && batch->count)
		ret = vm_bind(batch->vm, batch->ops, batch->count);

	nova_vm_bind_abort(batch);
	return ret;
}

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
 *
 * Asynchronous binds, waits, signals and the failing operation's index
 * (uAPI version 5) use the request of version 5. Below version 5 every call
 * is made with the request the kernel had then (the first 24 bytes of the
 * struct, DRM_IOW), so that libnova keeps doing on an old kernel exactly
 * what it did, and what needs version 5 is refused with -EOPNOTSUPP
 * before the kernel is asked.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "private.h"

/* The array the kernel reads is one of these per operation, back to back. */
_Static_assert(sizeof(struct drm_nova_vm_bind_op) == 40,
	       "struct drm_nova_vm_bind_op is 40 bytes in uAPI version 2");

/* The first allocation of a batch's array; it doubles from there. */
#define BATCH_MIN_CAPACITY	16

/* The uAPI version of asynchronous VM_BIND, sync elements and failed_op. */
#define VM_BIND_ASYNC_UAPI	5

/*
 * Kernels before uAPI version 5 take VM_BIND as DRM_IOCTL_NOVA_VM_BIND_V2:
 * the struct up to @sync_count, written only. The kernel copies in the size
 * the request names, so the 48-byte struct can be passed with it.
 */
_Static_assert(DRM_IOCTL_NOVA_VM_BIND_V2 == 0x40186443,
	       "the VM_BIND request of uAPI versions 2 to 4");
_Static_assert(_IOC_SIZE(DRM_IOCTL_NOVA_VM_BIND_V2) ==
	       offsetof(struct drm_nova_vm_bind, sync_count),
	       "the old request passes the struct up to @sync_count");
_Static_assert(sizeof(struct drm_nova_vm_bind) == 48,
	       "struct drm_nova_vm_bind is 48 bytes in uAPI version 5");

static bool has_async_bind(const struct nova_vm *vm)
{
	return vm->dev->params.uapi_version >= VM_BIND_ASYNC_UAPI;
}

/*
 * One VM_BIND call. *@failed_op (when not NULL) receives the kernel's
 * index of the failing operation, NOVA_VM_BIND_NO_OP when there is none or
 * the kernel is too old to say.
 */
static int vm_bind(struct nova_vm *vm, const struct drm_nova_vm_bind_op *ops,
		   uint32_t count, uint32_t flags, const struct drm_nova_sync *syncs,
		   uint32_t sync_count, uint32_t *failed_op)
{
	struct drm_nova_vm_bind args = {
		.vm_id = 0,
		.flags = flags,
		.op_count = count,
		.op_stride = sizeof(*ops),
		.ops = (uint64_t)(uintptr_t)ops,
		.sync_count = sync_count,
		.sync_stride = sync_count ? sizeof(*syncs) : 0,
		.syncs = (uint64_t)(uintptr_t)syncs,
		.failed_op = NOVA_VM_BIND_NO_OP,
	};
	int ret;

	if (!has_async_bind(vm)) {
		/* Callers refuse these first; never hand them to an old kernel. */
		if (flags || sync_count)
			return -EOPNOTSUPP;
		ret = libnova_ioctl(vm->dev->fd, DRM_IOCTL_NOVA_VM_BIND_V2, &args);
		args.failed_op = NOVA_VM_BIND_NO_OP;
	} else {
		ret = libnova_ioctl(vm->dev->fd, DRM_IOCTL_NOVA_VM_BIND, &args);
	}
	if (failed_op)
		*failed_op = ret ? args.failed_op : NOVA_VM_BIND_NO_OP;
	return ret;
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
	return vm_bind(vm, &op, 1, 0, NULL, 0, NULL);
}

NOVA_EXPORT int nova_vm_unmap(struct nova_vm *vm, uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op op;

	if (!vm)
		return -EINVAL;

	fill_unmap(&op, va, range);
	return vm_bind(vm, &op, 1, 0, NULL, 0, NULL);
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
	batch->error_op = NOVA_VM_BIND_NO_OP;
	*out = batch;
	return 0;
}

/* Record the first error: the batch will never be submitted. */
static int batch_fail(struct nova_vm_bind_batch *batch, int err)
{
	batch->error = err;
	return err;
}

/* ... when it is an operation's own: the index that operation would have had. */
static int batch_fail_op(struct nova_vm_bind_batch *batch, int err)
{
	batch->error_op = batch->count;
	return batch_fail(batch, err);
}

/* A slot for one more operation, or NULL with batch->error set. */
static struct drm_nova_vm_bind_op *batch_slot(struct nova_vm_bind_batch *batch)
{
	uint32_t max = nova_vm_max_ops(batch->vm);
	struct drm_nova_vm_bind_op *ops;
	uint64_t capacity;

	/* Limits are the whole call's, as the kernel says: no operation's. */
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
		return batch_fail_op(batch, ret);

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

/* --- waits and signals (uAPI version 5) ----------------------------------------- */

static int batch_add_sync(struct nova_vm_bind_batch *batch,
			  const struct nova_sync_point *p, uint32_t flags)
{
	struct drm_nova_sync *syncs;
	uint64_t max_syncs;
	uint32_t capacity;

	if (!batch)
		return -EINVAL;
	if (batch->error)
		return batch->error;
	if (!p || p->pad)
		return batch_fail(batch, -EINVAL);
	if (!has_async_bind(batch->vm))
		return batch_fail(batch, -EOPNOTSUPP);
	/* The kernel's limit, known at open: refused here, when it is exceeded. */
	if ((!libnova_param_cached(batch->vm->dev, NOVA_GETPARAM_EXEC_MAX_SYNCS,
				   &max_syncs) && batch->sync_count >= max_syncs) ||
	    batch->sync_count == UINT32_MAX)
		return batch_fail(batch, -E2BIG);

	if (batch->sync_count == batch->sync_capacity) {
		capacity = batch->sync_capacity ? 2 * batch->sync_capacity : 4;
		if (capacity < batch->sync_capacity)
			capacity = UINT32_MAX;
		syncs = realloc(batch->syncs, (size_t)capacity * sizeof(*syncs));
		if (!syncs)
			return batch_fail(batch, -ENOMEM);
		batch->syncs = syncs;
		batch->sync_capacity = capacity;
	}
	libnova_to_sync(&batch->syncs[batch->sync_count++], p, flags);
	return 0;
}

NOVA_EXPORT int nova_vm_bind_add_wait(struct nova_vm_bind_batch *batch,
				      const struct nova_sync_point *wait)
{
	return batch_add_sync(batch, wait, NOVA_SYNC_WAIT);
}

NOVA_EXPORT int nova_vm_bind_add_signal(struct nova_vm_bind_batch *batch,
					const struct nova_sync_point *signal)
{
	return batch_add_sync(batch, signal, NOVA_SYNC_SIGNAL);
}

NOVA_EXPORT void nova_vm_bind_abort(struct nova_vm_bind_batch *batch)
{
	if (!batch)
		return;
	free(batch->syncs);
	free(batch->ops);
	free(batch);
}

static int batch_submit(struct nova_vm_bind_batch *batch, uint32_t flags,
			uint32_t *failed_op)
{
	if (flags & ~NOVA_VM_BIND_ASYNC)
		return -EINVAL;
	if (batch->error) {
		if (failed_op)
			*failed_op = batch->error_op;
		return batch->error;
	}
	if ((flags & NOVA_VM_BIND_ASYNC) && !has_async_bind(batch->vm))
		return -EOPNOTSUPP;
	/* As the kernel says: sync elements only on the bind queue. */
	if (batch->sync_count && !(flags & NOVA_VM_BIND_ASYNC))
		return -EINVAL;
	/*
	 * An empty synchronous batch changes nothing; an empty asynchronous
	 * one is a point of order on the bind queue and goes to the kernel.
	 */
	if (!batch->count && !(flags & NOVA_VM_BIND_ASYNC))
		return 0;
	return vm_bind(batch->vm, batch->ops, batch->count, flags, batch->syncs,
		       batch->sync_count, failed_op);
}

NOVA_EXPORT int nova_vm_bind_submit_ex(struct nova_vm_bind_batch *batch,
				       uint32_t flags, uint32_t *failed_op)
{
	int ret;

	if (failed_op)
		*failed_op = NOVA_VM_BIND_NO_OP;
	if (!batch)
		return -EINVAL;

	ret = batch_submit(batch, flags, failed_op);
	nova_vm_bind_abort(batch);
	return ret;
}

NOVA_EXPORT int nova_vm_bind_submit(struct nova_vm_bind_batch *batch)
{
	return nova_vm_bind_submit_ex(batch, 0, NULL);
}

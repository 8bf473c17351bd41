// SPDX-License-Identifier: MIT
/*
 * nova_vm: the GPU virtual address space of a device's file, and its VA heap.
 *
 * From uAPI version 2 on, each open file of nova has one VA space, which
 * VM_BIND maps objects into (bind.c). libnova describes it with a nova_vm,
 * made at open when the driver has VM_BIND, and gives it a VA heap
 * (vaheap.c) over [VA_START, VA_START + VA_SIZE) for clients that want
 * libnova to choose their addresses, the way Mesa's drivers use
 * util_vma_heap. The heap is bookkeeping only: VM_BIND neither needs nor
 * checks it, and it does not know what is mapped.
 *
 * Deferred frees ("free this range once the GPU is done with it") need no
 * thread. Each one copies the caller's fence (DRM_IOCTL_SYNCOBJ_TRANSFER)
 * to the next point of a timeline syncobj private to the VM, and queues the
 * range, with that point, on a FIFO. A timeline point counts as signalled
 * only once its fence and the fences of every point below it have, and
 * DRM_IOCTL_SYNCOBJ_QUERY returns the highest such point: one ioctl tells
 * how long a prefix of the FIFO may be reclaimed. Reclaiming happens when
 * the heap allocates (and when it defers another free), so a range comes
 * back at the latest when it is needed; a fence that signals late holds
 * back the ranges deferred after it, which is early never, late at worst.
 * Copying the fence at once also means that a binary syncobj the caller
 * signals again later does not move the free.
 */
#include <stdlib.h>

#include "private.h"

/*
 * op_count is a __u32: a larger VM_BIND_MAX_OPS could never be reached.
 * Computed from the parameter cache, the limit's one copy.
 */
static uint32_t vm_max_ops(const struct nova_device *dev)
{
	uint64_t max_ops = dev->params.vm_bind_max_ops;

	return max_ops > UINT32_MAX ? UINT32_MAX : (uint32_t)max_ops;
}

/**
 * libnova_vm_create() - set up the VM of a device being opened
 * @dev: the device, with its parameters loaded
 *
 * A driver without VM_BIND (below uAPI version 2, or without an answer to
 * one of the VA parameters or VM_BIND_MAX_OPS, or a zero limit), or one
 * whose VA parameters the heap cannot describe (a zero size, an alignment
 * that is not a power of two or does not divide the range, a range past
 * 2^64 - 1), leaves dev->vm NULL: the device opens, and
 * nova_device_get_vm() says -EOPNOTSUPP.
 *
 * Return: 0, or -ENOMEM (or a pthread error) when the VM could not be made.
 */
int libnova_vm_create(struct nova_device *dev)
{
	uint64_t va_start, va_size, va_alignment, max_ops;
	struct nova_vm *vm;
	int ret;

	dev->vm = NULL;
	if (dev->params.uapi_version < 2 ||
	    libnova_param_cached(dev, NOVA_GETPARAM_VA_START, &va_start) ||
	    libnova_param_cached(dev, NOVA_GETPARAM_VA_SIZE, &va_size) ||
	    libnova_param_cached(dev, NOVA_GETPARAM_VA_ALIGNMENT, &va_alignment) ||
	    libnova_param_cached(dev, NOVA_GETPARAM_VM_BIND_MAX_OPS, &max_ops) ||
	    !max_ops)
		return 0;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->dev = dev;
	vm->deferred_tail = &vm->deferred_head;

	ret = libnova_vaheap_init(&vm->heap, va_start, va_size, va_alignment);
	if (ret) {
		free(vm);
		return ret == -EINVAL ? 0 : ret;
	}

	ret = pthread_mutex_init(&vm->heap_lock, NULL);
	if (ret) {
		libnova_vaheap_fini(&vm->heap);
		free(vm);
		return -ret;
	}

	dev->vm = vm;
	return 0;
}

/*
 * No wait for the deferred frees: the VA space goes with the file, so there
 * is nothing left to reuse their ranges for, and a close must not hang on a
 * fence that userspace may never signal.
 */
void libnova_vm_destroy(struct nova_vm *vm)
{
	struct libnova_deferred_free *d;

	if (!vm)
		return;
	while ((d = vm->deferred_head)) {
		vm->deferred_head = d->next;
		free(d);
	}
	if (vm->deferred)
		drmSyncobjDestroy(vm->dev->fd, vm->deferred);
	pthread_mutex_destroy(&vm->heap_lock);
	libnova_vaheap_fini(&vm->heap);
	free(vm);
}

NOVA_EXPORT int nova_device_get_vm(struct nova_device *dev, struct nova_vm **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;
	if (!dev->vm)
		return -EOPNOTSUPP;

	*out = dev->vm;
	return 0;
}

NOVA_EXPORT struct nova_device *nova_vm_device(const struct nova_vm *vm)
{
	return vm ? vm->dev : NULL;
}

NOVA_EXPORT uint64_t nova_vm_va_start(const struct nova_vm *vm)
{
	return vm ? vm->heap.start : 0;
}

NOVA_EXPORT uint64_t nova_vm_va_size(const struct nova_vm *vm)
{
	return vm ? vm->heap.size : 0;
}

NOVA_EXPORT uint64_t nova_vm_va_alignment(const struct nova_vm *vm)
{
	return vm ? vm->heap.granule : 0;
}

NOVA_EXPORT uint32_t nova_vm_max_ops(const struct nova_vm *vm)
{
	return vm ? vm_max_ops(vm->dev) : 0;
}

/* --- the VA heap --------------------------------------------------------- */

/* --- deferred frees (see the top of the file) ----------------------------- */

/*
 * Give back the deferred ranges whose points have signalled; heap_lock
 * held. A failed query leaves them for the next time: reclaiming is never
 * what makes an allocation fail.
 */
static void reclaim_locked(struct nova_vm *vm)
{
	struct libnova_deferred_free *d;
	uint64_t signalled;

	if (!vm->deferred_head ||
	    drmSyncobjQuery(vm->dev->fd, &vm->deferred, &signalled, 1))
		return;
	while ((d = vm->deferred_head) && d->point <= signalled) {
		vm->deferred_head = d->next;
		if (!d->next)
			vm->deferred_tail = &vm->deferred_head;
		libnova_vaheap_reclaim(&vm->heap, d->va, d->size);
		free(d);
	}
}

NOVA_EXPORT int nova_vm_va_free_deferred(struct nova_vm *vm, uint64_t va, uint64_t size,
					 const struct nova_sync_point *fence)
{
	struct libnova_deferred_free *d;
	int ret;

	if (!vm || !fence || fence->pad)
		return -EINVAL;
	/* Syncobjs came with queues and EXEC. */
	if (vm->dev->params.uapi_version < 4)
		return -EOPNOTSUPP;
	d = malloc(sizeof(*d));
	if (!d)
		return -ENOMEM;

	pthread_mutex_lock(&vm->heap_lock);
	reclaim_locked(vm);
	ret = libnova_vaheap_defer(&vm->heap, va, size);
	if (ret)
		goto err;
	if (!vm->deferred && drmSyncobjCreate(vm->dev->fd, 0, &vm->deferred)) {
		ret = -errno;
		vm->deferred = 0;
		goto err_undefer;
	}
	/* A fence that is not there yet (never submitted) is refused here. */
	if (drmSyncobjTransfer(vm->dev->fd, vm->deferred, vm->deferred_point + 1,
			       fence->syncobj, fence->point, 0)) {
		ret = -errno;
		goto err_undefer;
	}
	d->va = va;
	d->size = size;
	d->point = ++vm->deferred_point;
	d->next = NULL;
	*vm->deferred_tail = d;
	vm->deferred_tail = &d->next;
	pthread_mutex_unlock(&vm->heap_lock);
	return 0;

err_undefer:
	libnova_vaheap_undefer(&vm->heap, va, size);
err:
	pthread_mutex_unlock(&vm->heap_lock);
	free(d);
	return ret;
}

NOVA_EXPORT int nova_vm_va_reclaim(struct nova_vm *vm, int64_t timeout_ns)
{
	uint64_t last;
	int ret = 0;

	if (!vm)
		return -EINVAL;

	pthread_mutex_lock(&vm->heap_lock);
	last = vm->deferred_point;
	pthread_mutex_unlock(&vm->heap_lock);

	/*
	 * Wait unlocked, for the last point deferred so far: allocations go on
	 * meanwhile, and frees deferred during the wait are not waited for.
	 */
	if (last && timeout_ns &&
	    drmSyncobjTimelineWait(vm->dev->fd, &vm->deferred, &last, 1,
				   libnova_abs_timeout(timeout_ns), 0, NULL) &&
	    errno != ETIME)
		return -errno;

	pthread_mutex_lock(&vm->heap_lock);
	reclaim_locked(vm);
	if (vm->deferred_head)
		ret = -ETIME;
	pthread_mutex_unlock(&vm->heap_lock);
	return ret;
}

NOVA_EXPORT int nova_vm_va_alloc(struct nova_vm *vm, uint64_t size,
				 uint64_t alignment, uint64_t *va)
{
	int ret;

	if (!vm || !va)
		return -EINVAL;

	pthread_mutex_lock(&vm->heap_lock);
	reclaim_locked(vm);
	ret = libnova_vaheap_alloc(&vm->heap, size, alignment, va);
	pthread_mutex_unlock(&vm->heap_lock);
	return ret;
}

NOVA_EXPORT int nova_vm_va_alloc_addr(struct nova_vm *vm, uint64_t va,
				      uint64_t size)
{
	int ret;

	if (!vm)
		return -EINVAL;

	pthread_mutex_lock(&vm->heap_lock);
	reclaim_locked(vm);
	ret = libnova_vaheap_alloc_addr(&vm->heap, va, size);
	pthread_mutex_unlock(&vm->heap_lock);
	return ret;
}

NOVA_EXPORT int nova_vm_va_free(struct nova_vm *vm, uint64_t va, uint64_t size)
{
	int ret;

	if (!vm)
		return -EINVAL;

	pthread_mutex_lock(&vm->heap_lock);
	ret = libnova_vaheap_free(&vm->heap, va, size);
	pthread_mutex_unlock(&vm->heap_lock);
	return ret;
}

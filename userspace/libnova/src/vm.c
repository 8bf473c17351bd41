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

void libnova_vm_destroy(struct nova_vm *vm)
{
	if (!vm)
		return;
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

NOVA_EXPORT int nova_vm_va_alloc(struct nova_vm *vm, uint64_t size,
				 uint64_t alignment, uint64_t *va)
{
	int ret;

	if (!vm || !va)
		return -EINVAL;

	pthread_mutex_lock(&vm->heap_lock);
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

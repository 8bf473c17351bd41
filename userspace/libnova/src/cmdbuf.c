// SPDX-License-Identifier: MIT
/*
 * nova_cmdbuf: a command stream uploaded into a buffer object of its own,
 * mapped read-only at a VA the device's heap hands out.
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"

NOVA_EXPORT int nova_cmdstream_upload(const struct nova_cmdstream *cs,
				      struct nova_device *dev, struct nova_cmdbuf **out)
{
	uint64_t size = nova_cmdstream_size(cs);
	struct nova_cmdbuf *cb;
	void *ptr;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cs || !dev)
		return -EINVAL;
	ret = nova_cmdstream_error(cs);
	if (ret)
		return ret;
	if (!size)
		return -EINVAL;

	cb = calloc(1, sizeof(*cb));
	if (!cb)
		return -ENOMEM;
	cb->size = size;
	ret = nova_device_get_vm(dev, &cb->vm);
	if (ret)
		goto err_free;
	ret = nova_bo_create(dev, size, &cb->bo);
	if (ret)
		goto err_free;
	ret = nova_bo_map(cb->bo, &ptr);
	if (ret)
		goto err_bo;
	memcpy(ptr, nova_cmdstream_data(cs), size);

	cb->range = nova_bo_size(cb->bo);
	ret = nova_vm_va_alloc(cb->vm, cb->range, 0, &cb->va);
	if (ret)
		goto err_bo;
	ret = nova_vm_map(cb->vm, cb->bo, 0, cb->va, cb->range, NOVA_VM_BIND_MAP_READONLY);
	if (ret)
		goto err_va;
	*out = cb;
	return 0;

err_va:
	nova_vm_va_free(cb->vm, cb->va, cb->range);
err_bo:
	nova_bo_unref(cb->bo);
err_free:
	free(cb);
	return ret;
}

NOVA_EXPORT uint64_t nova_cmdbuf_va(const struct nova_cmdbuf *cb)
{
	return cb ? cb->va : 0;
}

NOVA_EXPORT uint64_t nova_cmdbuf_size(const struct nova_cmdbuf *cb)
{
	return cb ? cb->size : 0;
}

NOVA_EXPORT struct nova_bo *nova_cmdbuf_bo(const struct nova_cmdbuf *cb)
{
	return cb ? cb->bo : NULL;
}

NOVA_EXPORT void nova_cmdbuf_destroy(struct nova_cmdbuf *cb)
{
	if (!cb)
		return;
	nova_vm_unmap(cb->vm, cb->va, cb->range);
	nova_vm_va_free(cb->vm, cb->va, cb->range);
	nova_bo_unref(cb->bo);
	free(cb);
}

// SPDX-License-Identifier: MIT
/*
 * CPU mappings of buffer objects.
 *
 * A GEM object is mapped in two steps: GEM_MMAP_OFFSET gives a fake offset
 * that names the object within the device file, and mmap(2) of the device
 * file at that offset maps it. The mapping is kept in the bo so that callers
 * asking again get the same address instead of a new VMA each time.
 */
#include <sys/mman.h>

#include "private.h"

static int mmap_offset(const struct nova_bo *bo, uint64_t *offset)
{
	struct drm_nova_gem_mmap_offset args = { .handle = bo->node.handle };
	int ret;

	ret = libnova_ioctl(bo->dev->fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &args);
	if (ret)
		return ret;

	*offset = args.offset;
	return 0;
}

int libnova_bo_map_locked(struct nova_bo *bo)
{
	uint64_t offset;
	void *ptr;
	int ret;

	/* A 32-bit process cannot map an object larger than its address space. */
	if ((uint64_t)(size_t)bo->size != bo->size)
		return -EOVERFLOW;

	ret = mmap_offset(bo, &offset);
	if (ret)
		return ret;
	if (offset > INT64_MAX)		/* off_t is signed (and 64-bit: see Makefile) */
		return -EOVERFLOW;

	ptr = mmap(NULL, (size_t)bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   bo->dev->fd, (off_t)offset);
	if (ptr == MAP_FAILED)
		return -errno;

	bo->map = ptr;
	return 0;
}

NOVA_EXPORT int nova_bo_map(struct nova_bo *bo, void **ptr)
{
	int ret = 0;

	if (!bo || !ptr)
		return -EINVAL;

	pthread_mutex_lock(&bo->map_lock);
	if (!bo->map)
		ret = libnova_bo_map_locked(bo);
	if (!ret) {
		*ptr = bo->map;
		/* The caller may write: a reuse from the cache must clear it. */
		bo->cpu_mapped = 1;
	}
	pthread_mutex_unlock(&bo->map_lock);
	return ret;
}

NOVA_EXPORT int nova_bo_unmap(struct nova_bo *bo)
{
	int ret = 0;

	if (!bo)
		return -EINVAL;

	pthread_mutex_lock(&bo->map_lock);
	if (bo->map) {
		if (munmap(bo->map, (size_t)bo->size))
			ret = -errno;
		else
			bo->map = NULL;
	}
	pthread_mutex_unlock(&bo->map_lock);
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * nova_bo: creating, querying and releasing GEM buffer objects.
 *
 * Size limits (page rounding, MAX_OBJECT_SIZE, the object budget) are left
 * to the kernel on purpose: it is the only judge of them, and checking them
 * here as well would only give a second answer that can drift from the first.
 */
#include <stdlib.h>

#include "private.h"

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return libnova_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

NOVA_EXPORT int nova_bo_create(struct nova_device *dev, uint64_t size,
			       struct nova_bo **out)
{
	struct drm_nova_gem_create args = { .size = size };
	struct nova_bo *bo;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;

	/* Allocate first: undoing a malloc is simpler than undoing an ioctl. */
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;

	ret = pthread_mutex_init(&bo->map_lock, NULL);
	if (ret) {
		free(bo);
		return -ret;
	}

	ret = libnova_ioctl(dev->fd, DRM_IOCTL_NOVA_GEM_CREATE, &args);
	if (ret) {
		pthread_mutex_destroy(&bo->map_lock);
		free(bo);
		return ret;
	}

	bo->dev = dev;
	bo->handle = args.handle;
	bo->size = args.size;
	*out = bo;
	return 0;
}

NOVA_EXPORT void nova_bo_destroy(struct nova_bo *bo)
{
	if (!bo)
		return;

	/* The mapping holds its own reference on the object: drop it too. */
	nova_bo_unmap(bo);
	gem_close(bo->dev->fd, bo->handle);
	pthread_mutex_destroy(&bo->map_lock);
	free(bo);
}

NOVA_EXPORT uint32_t nova_bo_handle(const struct nova_bo *bo)
{
	return bo ? bo->handle : 0;
}

NOVA_EXPORT uint64_t nova_bo_size(const struct nova_bo *bo)
{
	return bo ? bo->size : 0;
}

NOVA_EXPORT int nova_bo_query_size(struct nova_device *dev, uint32_t handle,
				   uint64_t *size)
{
	struct drm_nova_gem_info args = { .handle = handle };
	int ret;

	if (!dev || !size)
		return -EINVAL;

	ret = libnova_ioctl(dev->fd, DRM_IOCTL_NOVA_GEM_INFO, &args);
	if (ret)
		return ret;

	*size = args.size;
	return 0;
}

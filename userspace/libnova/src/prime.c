// SPDX-License-Identifier: MIT
/*
 * PRIME: buffer objects as dma-buf file descriptors, and back.
 *
 * The kernel gives a file one GEM handle per object: importing a dma-buf
 * whose object the file already has (exported from it, or imported before)
 * returns that handle again. So the import looks the handle up in the
 * device's table and returns the nova_bo it finds, with one more reference;
 * creating a second nova_bo would close the handle under the first. The
 * lookup and the ioctl happen under dev->bo_lock, the lock under which the
 * last reference of a shared object is dropped and its handle closed (bo.c),
 * so an import never finds an object on its way out, nor gets a handle that
 * is being closed.
 *
 * The raw ioctls are used rather than libdrm's drmPrime* wrappers so that
 * errors come back as our -errno and the hosted fake kernel sees them.
 */
#include <fcntl.h>

#include "private.h"

NOVA_EXPORT int nova_bo_export(struct nova_bo *bo, int *fd)
{
	struct drm_prime_handle args = { .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1 };
	int ret;

	if (!fd)
		return -EINVAL;
	*fd = -1;
	if (!bo)
		return -EINVAL;

	/* Before the ioctl: from here on the object may be seen elsewhere. */
	libnova_bo_mark(bo, LIBNOVA_BO_SHARED);
	args.handle = bo->node.handle;
	ret = libnova_ioctl(bo->dev->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args);
	if (ret)
		return ret;

	*fd = args.fd;
	return 0;
}

static int gem_size(int fd, uint32_t handle, uint64_t *size)
{
	struct drm_nova_gem_info args = { .handle = handle };
	int ret;

	ret = libnova_ioctl(fd, DRM_IOCTL_NOVA_GEM_INFO, &args);
	if (!ret)
		*size = args.size;
	return ret;
}

NOVA_EXPORT int nova_bo_import(struct nova_device *dev, int fd,
			       struct nova_bo **out)
{
	struct drm_prime_handle args = { .fd = fd };
	struct libnova_handle_node *node;
	struct nova_bo *bo = NULL;
	uint64_t size;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;

	pthread_mutex_lock(&dev->bo_lock);
	ret = libnova_ioctl(dev->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &args);
	if (ret)
		goto out;

	node = libnova_handles_find(&dev->handles, args.handle);
	if (node) {
		/* Live objects have a reference left, which we add to. */
		bo = (struct nova_bo *)((char *)node - offsetof(struct nova_bo, node));
		__atomic_fetch_add(&bo->refcount, 1, __ATOMIC_RELAXED);
		libnova_bo_mark(bo, LIBNOVA_BO_SHARED);
		goto out;
	}

	ret = gem_size(dev->fd, args.handle, &size);
	if (!ret) {
		bo = libnova_bo_alloc_locked(dev, args.handle, size);
		if (!bo)
			ret = -ENOMEM;
	}
	if (ret) {
		/* A handle nobody else has: ours to close. */
		libnova_gem_close(dev->fd, args.handle);
		goto out;
	}
	libnova_bo_mark(bo, LIBNOVA_BO_SHARED);
out:
	pthread_mutex_unlock(&dev->bo_lock);
	*out = ret ? NULL : bo;
	return ret;
}

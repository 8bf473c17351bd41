// SPDX-License-Identifier: MIT
/*
 * nova_device: opening, closing and the properties read at open.
 *
 * Every way of opening ends in device_create(), which takes ownership of a
 * file descriptor, checks that the driver behind it is nova, caches the
 * driver's version strings and fixed parameters, sets up the file's VM
 * when the driver has VM_BIND, and the buffer objects' handle table and
 * cache. A device's properties are immutable after that (the VM's VA heap
 * and the buffer state have locks of their own), which is what makes its
 * accessors safe from any thread.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

static void device_free(struct nova_device *dev)
{
	/* Cached objects first: their GEM_CLOSE needs the fd. */
	if (dev->bo_state_ready)
		libnova_bo_state_fini(dev);
	libnova_vm_destroy(dev->vm);
	if (dev->fd >= 0)
		close(dev->fd);
	free(dev->node_path);
	free(dev->name);
	free(dev->date);
	free(dev->desc);
	free(dev);
}

/* strdup() that maps a NULL string (the kernel may omit date/desc) to "". */
static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int device_read_version(struct nova_device *dev)
{
	drmVersionPtr version;
	int ret;

	ret = libnova_get_version(dev->fd, &version);
	if (ret)
		return ret;

	if (!libnova_version_is_nova(version)) {
		ret = -ENODEV;
		goto out;
	}

	dev->version_major = version->version_major;
	dev->version_minor = version->version_minor;
	dev->version_patchlevel = version->version_patchlevel;
	dev->name = dup_or_empty(version->name);
	dev->date = dup_or_empty(version->date);
	dev->desc = dup_or_empty(version->desc);
	if (!dev->name || !dev->date || !dev->desc)
		ret = -ENOMEM;
out:
	drmFreeVersion(version);
	return ret;
}

/*
 * Build a device around @fd, which it owns from here on, even on failure.
 * @path may be NULL: it is then asked from libdrm, and stays unknown (NULL)
 * if libdrm cannot tell.
 */
static int device_create(int fd, const char *path, struct nova_device **out)
{
	struct nova_device *dev;
	int ret;

	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		close(fd);
		return -ENOMEM;
	}
	dev->fd = fd;

	ret = device_read_version(dev);
	if (ret)
		goto fail;

	if (path) {
		dev->node_path = strdup(path);
		if (!dev->node_path) {
			ret = -ENOMEM;
			goto fail;
		}
	} else {
		dev->node_path = drmGetDeviceNameFromFd2(fd);
	}

	ret = libnova_params_load(dev);
	if (ret)
		goto fail;

	ret = libnova_vm_create(dev);
	if (ret)
		goto fail;

	ret = libnova_bo_state_init(dev);
	if (ret)
		goto fail;
	dev->bo_state_ready = 1;

	*out = dev;
	return 0;

fail:
	device_free(dev);
	return ret;
}

NOVA_EXPORT int nova_device_open_fd(int fd, struct nova_device **out)
{
	int dup_fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (fd < 0)
		return -EBADF;

	/* Our own descriptor: the caller keeps theirs and may close it. */
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		return -errno;

	return device_create(dup_fd, NULL, out);
}

NOVA_EXPORT int nova_device_open_path(const char *path, struct nova_device **out)
{
	int fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!path)
		return -EINVAL;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	return device_create(fd, path, out);
}

NOVA_EXPORT int nova_device_open_index(unsigned int index, struct nova_device **out)
{
	struct libnova_node_list list;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;

	ret = libnova_discover(&list);
	if (ret)
		return ret;

	if (index < list.count)
		ret = nova_device_open_path(list.paths[index], out);
	else
		ret = -ENODEV;

	libnova_node_list_fini(&list);
	return ret;
}

NOVA_EXPORT int nova_device_open(struct nova_device **out)
{
	return nova_device_open_index(0, out);
}

NOVA_EXPORT int nova_device_count(void)
{
	struct libnova_node_list list;
	int ret;

	ret = libnova_discover(&list);
	if (ret)
		return ret;

	ret = (int)list.count;
	libnova_node_list_fini(&list);
	return ret;
}

NOVA_EXPORT void nova_device_close(struct nova_device *dev)
{
	if (dev)
		device_free(dev);
}

NOVA_EXPORT int nova_device_fd(const struct nova_device *dev)
{
	return dev ? dev->fd : -EINVAL;
}

NOVA_EXPORT const char *nova_device_node_path(const struct nova_device *dev)
{
	return dev ? dev->node_path : NULL;
}

NOVA_EXPORT const char *nova_device_driver_name(const struct nova_device *dev)
{
	return dev ? dev->name : NULL;
}

NOVA_EXPORT const char *nova_device_driver_date(const struct nova_device *dev)
{
	return dev ? dev->date : NULL;
}

NOVA_EXPORT const char *nova_device_driver_desc(const struct nova_device *dev)
{
	return dev ? dev->desc : NULL;
}

NOVA_EXPORT int nova_device_driver_version(const struct nova_device *dev,
					   int *major, int *minor,
					   int *patchlevel)
{
	if (!dev)
		return -EINVAL;

	if (major)
		*major = dev->version_major;
	if (minor)
		*minor = dev->version_minor;
	if (patchlevel)
		*patchlevel = dev->version_patchlevel;
	return 0;
}

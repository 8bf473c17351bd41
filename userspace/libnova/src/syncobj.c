// SPDX-License-Identifier: MIT
/*
 * Syncobjs and sync_files: thin wrappers of libdrm's drmSyncobj*() that
 * fold its -1/errno into a negative errno and take relative timeouts, and
 * nova_syncobj_fence_status(), which reads a fence's error through a
 * sync_file (SYNC_IOC_FILE_INFO), something libdrm has no call for.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "private.h"

/* libdrm returns either -1 with errno or a negative errno: one answer. */
static int drm_ret(int ret)
{
	if (ret == -1)
		return errno ? -errno : -EIO;
	return ret < 0 ? ret : 0;
}

NOVA_EXPORT int nova_syncobj_create(struct nova_device *dev, uint32_t flags,
				    uint32_t *handle)
{
	if (!dev || !handle)
		return -EINVAL;
	return drm_ret(drmSyncobjCreate(dev->fd, flags, handle));
}

NOVA_EXPORT int nova_syncobj_destroy(struct nova_device *dev, uint32_t handle)
{
	if (!dev)
		return -EINVAL;
	return drm_ret(drmSyncobjDestroy(dev->fd, handle));
}

NOVA_EXPORT int nova_syncobj_wait(struct nova_device *dev, const uint32_t *handles,
				  uint32_t count, int64_t timeout_ns, uint32_t flags,
				  uint32_t *first)
{
	if (!dev || !handles || !count)
		return -EINVAL;
	/* libdrm's prototype lacks the const; the ioctl only reads them. */
	return drm_ret(drmSyncobjWait(dev->fd, (uint32_t *)handles, count,
				      libnova_abs_timeout(timeout_ns), flags, first));
}

NOVA_EXPORT int nova_syncobj_timeline_wait(struct nova_device *dev, const uint32_t *handles,
					   const uint64_t *points, uint32_t count,
					   int64_t timeout_ns, uint32_t flags,
					   uint32_t *first)
{
	if (!dev || !handles || !points || !count)
		return -EINVAL;
	return drm_ret(drmSyncobjTimelineWait(dev->fd, (uint32_t *)handles,
					      (uint64_t *)points, count,
					      libnova_abs_timeout(timeout_ns), flags, first));
}

NOVA_EXPORT int nova_syncobj_query(struct nova_device *dev, const uint32_t *handles,
				   uint64_t *points, uint32_t count)
{
	if (!dev || !handles || !points || !count)
		return -EINVAL;
	return drm_ret(drmSyncobjQuery(dev->fd, (uint32_t *)handles, points, count));
}

NOVA_EXPORT int nova_syncobj_export_sync_file(struct nova_device *dev, uint32_t handle,
					      int *fd)
{
	if (!dev || !fd)
		return -EINVAL;
	return drm_ret(drmSyncobjExportSyncFile(dev->fd, handle, fd));
}

NOVA_EXPORT int nova_syncobj_import_sync_file(struct nova_device *dev, uint32_t handle,
					      int fd)
{
	if (!dev)
		return -EINVAL;
	return drm_ret(drmSyncobjImportSyncFile(dev->fd, handle, fd));
}

/*
 * The status of a sync_file's fences: the first error, else 1 when all
 * signalled, else 0. SYNC_IOC_FILE_INFO lists the fences a container
 * (array, chain) holds, each with its own status.
 */
static int sync_file_status(int fd, int *status)
{
	struct sync_file_info info = { 0 };
	struct sync_fence_info *fences;
	uint32_t i;
	int ret, s;

	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		return -errno;
	s = info.status;
	if (info.num_fences) {
		fences = calloc(info.num_fences, sizeof(*fences));
		if (!fences)
			return -ENOMEM;
		info.sync_fence_info = (uintptr_t)fences;
		ret = ioctl(fd, SYNC_IOC_FILE_INFO, &info) ? -errno : 0;
		for (i = 0; !ret && i < info.num_fences; i++) {
			if (fences[i].status < 0) {
				s = fences[i].status;
				break;
			}
			if (fences[i].status == 0 && s > 0)
				s = 0;
		}
		free(fences);
		if (ret)
			return ret;
	}
	*status = s < 0 ? s : s > 0;
	return 0;
}

NOVA_EXPORT int nova_syncobj_fence_status(struct nova_device *dev, uint32_t handle,
					  uint64_t point, int *status)
{
	uint32_t binary = handle;
	int fd = -1, ret;

	if (!dev || !status)
		return -EINVAL;
	if (point) {
		ret = drm_ret(drmSyncobjCreate(dev->fd, 0, &binary));
		if (ret)
			return ret;
		ret = drm_ret(drmSyncobjTransfer(dev->fd, binary, 0, handle, point, 0));
		if (ret)
			goto out;
	}
	ret = drm_ret(drmSyncobjExportSyncFile(dev->fd, binary, &fd));
	if (!ret) {
		ret = sync_file_status(fd, status);
		close(fd);
	}
out:
	if (point)
		drmSyncobjDestroy(dev->fd, binary);
	return ret;
}

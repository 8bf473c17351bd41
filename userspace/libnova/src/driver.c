// SPDX-License-Identifier: MIT
/*
 * Telling a nova DRM file from any other one.
 *
 * The driver name reported by DRM_IOCTL_VERSION is the only reliable
 * identity: minor numbers depend on probe order, and the guests nova runs in
 * also carry virtio_gpu (and possibly vgem) on the same /dev/dri.
 */
#include <string.h>

#include "private.h"

/**
 * libnova_get_version() - DRM_IOCTL_VERSION, with errors as -errno
 * @fd: any file descriptor
 * @out: receives the version, to be released with drmFreeVersion()
 *
 * Return: 0, -ENOMEM, or -ENODEV when @fd is not a DRM file at all (the
 * ioctl then fails with ENOTTY, EINVAL or similar, which callers need not
 * tell apart).
 */
int libnova_get_version(int fd, drmVersionPtr *out)
{
	drmVersionPtr version;

	errno = 0;
	version = drmGetVersion(fd);
	if (!version)
		return errno == ENOMEM ? -ENOMEM : -ENODEV;

	/* A driver always has a name; be defensive about a broken one. */
	if (!version->name) {
		drmFreeVersion(version);
		return -ENODEV;
	}

	*out = version;
	return 0;
}

int libnova_version_is_nova(const drmVersion *version)
{
	return version->name && strcmp(version->name, NOVA_DRIVER_NAME) == 0;
}

/**
 * libnova_fd_is_nova() - whether @fd is a DRM file of the nova driver
 * @fd: any file descriptor
 *
 * Return: 1 if it is, 0 if it is not (including files that are not DRM
 * files), or -ENOMEM.
 */
int libnova_fd_is_nova(int fd)
{
	drmVersionPtr version;
	int ret;

	ret = libnova_get_version(fd, &version);
	if (ret == -ENODEV)
		return 0;
	if (ret)
		return ret;

	ret = libnova_version_is_nova(version);
	drmFreeVersion(version);
	return ret;
}

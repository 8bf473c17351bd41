// SPDX-License-Identifier: MIT
/*
 * Finding vgem, the reference driver, among the DRM devices.
 *
 * By driver name, never by minor: the guest also has virtio-gpu, and the
 * order in which the drivers register decides the minors. libdrm's
 * drmGetDevices2() lists the devices with their nodes; it silently drops a
 * device whose bus it cannot classify from sysfs, which can be vgem's (a
 * bare platform device), so the primary nodes of /dev/dri are checked
 * directly when it lists no vgem.
 *
 * The primary node, not the render node: DRM_IOCTL_MODE_CREATE_DUMB and
 * DRM_IOCTL_MODE_MAP_DUMB lack DRM_RENDER_ALLOW in the DRM core's table.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vgem.h"

static bool fd_is_vgem(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool yes;

	if (!v)
		return false;
	yes = v->name && !strcmp(v->name, "vgem");
	drmFreeVersion(v);
	return yes;
}

static int open_if_vgem(const char *node)
{
	int fd = open(node, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fd_is_vgem(fd))
		return fd;
	close(fd);
	return -ENODEV;
}

static int from_devices2(char *path, size_t len)
{
	drmDevicePtr devices[64];
	int count, i, fd = -ENODEV;

	count = drmGetDevices2(0, devices, 64);
	if (count < 0)
		return count;
	if (count > 64)
		count = 64;
	for (i = 0; i < count && fd < 0; i++) {
		const char *node;

		if (!(devices[i]->available_nodes & (1 << DRM_NODE_PRIMARY)))
			continue;
		node = devices[i]->nodes[DRM_NODE_PRIMARY];
		fd = open_if_vgem(node);
		if (fd >= 0)
			snprintf(path, len, "%s", node);
	}
	drmFreeDevices(devices, count);
	return fd;
}

static int from_dev_dri(char *path, size_t len)
{
	DIR *dir = opendir("/dev/dri");
	struct dirent *e;
	int fd = -ENODEV;

	if (!dir)
		return -ENODEV;
	while (fd < 0 && (e = readdir(dir))) {
		char node[300];

		if (strncmp(e->d_name, "card", 4))
			continue;
		snprintf(node, sizeof(node), "/dev/dri/%s", e->d_name);
		fd = open_if_vgem(node);
		if (fd >= 0)
			snprintf(path, len, "%s", node);
	}
	closedir(dir);
	return fd;
}

int bench_open_vgem(char *path, size_t len, const char **how)
{
	int fd = from_devices2(path, len);

	*how = "drmGetDevices2";
	if (fd < 0 && fd != -ENOMEM) {
		fd = from_dev_dri(path, len);
		*how = "/dev/dri scan (drmGetDevices2 did not list it)";
	}
	return fd;
}

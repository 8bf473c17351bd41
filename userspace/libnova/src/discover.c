// SPDX-License-Identifier: MIT
/*
 * Finding the nova devices of the system.
 *
 * libdrm's drmGetDevices2() lists the DRM devices with their nodes; each
 * candidate node is opened and asked for its driver name. drmGetDevices2()
 * silently drops devices whose bus it cannot classify from sysfs (a device
 * without a parent, or on a bus libdrm 2.4.114 does not know), so when it
 * yields no nova device the nodes of the DRM directory are checked directly.
 *
 * The result is a sorted list of node paths: a device index then means the
 * same device on every call while the set of devices does not change.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

/*
 * Open a node and check its driver. Returns 1, 0, or -errno when the node
 * cannot be opened (it may be a nova node we are not allowed to use).
 */
static int node_is_nova(const char *path)
{
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	ret = libnova_fd_is_nova(fd);
	close(fd);
	return ret;
}

static int list_add(struct libnova_node_list *list, const char *path)
{
	char **paths;
	char *copy;

	copy = strdup(path);
	if (!copy)
		return -ENOMEM;

	paths = realloc(list->paths, (list->count + 1) * sizeof(*paths));
	if (!paths) {
		free(copy);
		return -ENOMEM;
	}

	paths[list->count++] = copy;
	list->paths = paths;
	return 0;
}

/*
 * Check @path and add it to @list if it is a nova node. An unopenable node
 * is remembered in @open_err and otherwise skipped: it is most likely some
 * other driver's, and must not hide the nova devices we can reach.
 */
static int consider_node(struct libnova_node_list *list, const char *path,
			 int *open_err)
{
	int ret;

	ret = node_is_nova(path);
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0) {
		if (!*open_err)
			*open_err = ret;
		return 0;
	}
	if (ret == 0)
		return 0;

	return list_add(list, path);
}

/* Prefer the render node: it needs no DRM master and no authentication. */
static const char *device_node(const drmDevice *device)
{
	if (device->available_nodes & (1 << DRM_NODE_RENDER))
		return device->nodes[DRM_NODE_RENDER];
	if (device->available_nodes & (1 << DRM_NODE_PRIMARY))
		return device->nodes[DRM_NODE_PRIMARY];
	return NULL;
}

static int discover_libdrm(struct libnova_node_list *list, int *open_err)
{
	drmDevicePtr *devices;
	int count, i, ret = 0;

	count = drmGetDevices2(0, NULL, 0);
	if (count <= 0)
		return 0;	/* nothing usable: leave it to the directory scan */

	devices = calloc(count, sizeof(*devices));
	if (!devices)
		return -ENOMEM;

	count = drmGetDevices2(0, devices, count);
	for (i = 0; i < count && !ret; i++) {
		const char *node = device_node(devices[i]);

		if (node)
			ret = consider_node(list, node, open_err);
	}

	if (count > 0)
		drmFreeDevices(devices, count);
	free(devices);
	return ret;
}

/* Check every node of the DRM directory whose name starts with @prefix. */
static int scan_dir(struct libnova_node_list *list, const char *prefix,
		    int *open_err)
{
	char path[sizeof(DRM_DIR_NAME) + 256 + 1];
	struct dirent *entry;
	DIR *dir;
	int ret = 0;

	dir = opendir(DRM_DIR_NAME);
	if (!dir)
		return 0;	/* no DRM directory: no device */

	while (!ret && (entry = readdir(dir))) {
		if (strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", DRM_DIR_NAME, entry->d_name);
		ret = consider_node(list, path, open_err);
	}

	closedir(dir);
	return ret;
}

/*
 * Render nodes first; a device of a driver without render support has only
 * a primary node, and each device is counted through one node class only.
 */
static int discover_dir(struct libnova_node_list *list, int *open_err)
{
	int ret;

	ret = scan_dir(list, DRM_RENDER_MINOR_NAME, open_err);
	if (ret || list->count)
		return ret;
	return scan_dir(list, DRM_PRIMARY_MINOR_NAME, open_err);
}

/* card2 before card10: compare the numbers in names as numbers. */
static int compare_paths(const void *a, const void *b)
{
	return strverscmp(*(char * const *)a, *(char * const *)b);
}

/**
 * libnova_discover() - list the node paths of every nova device
 * @list: filled on success; release with libnova_node_list_fini()
 *
 * Return: 0 (possibly with an empty list), -ENOMEM, or the error of opening
 * a DRM node when no nova device was found and some node could not be
 * checked, so that "permission denied" is not reported as "no device".
 */
int libnova_discover(struct libnova_node_list *list)
{
	int open_err = 0;
	int ret;

	list->paths = NULL;
	list->count = 0;

	ret = discover_libdrm(list, &open_err);
	if (!ret && !list->count)
		ret = discover_dir(list, &open_err);
	if (!ret && !list->count)
		ret = open_err;
	if (ret) {
		libnova_node_list_fini(list);
		return ret;
	}

	if (list->count > 1)
		qsort(list->paths, list->count, sizeof(*list->paths), compare_paths);
	return 0;
}

void libnova_node_list_fini(struct libnova_node_list *list)
{
	unsigned int i;

	for (i = 0; i < list->count; i++)
		free(list->paths[i]);
	free(list->paths);
	list->paths = NULL;
	list->count = 0;
}

// SPDX-License-Identifier: MIT
/*
 * Device discovery and opening.
 *
 * The reference for "which nodes are nova" is an independent scan of the
 * DRM directory asking every node for its driver name; libnova must find
 * exactly those nodes, whatever other drivers (virtio_gpu in the test guest)
 * own the other minors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "runner.h"
#include "util.h"

#define MAX_NODES 64

struct drm_node {
	char path[300];
	char driver[64];
};

/* Every node under the DRM directory whose name starts with @prefix. */
static int scan_nodes(const char *prefix, struct drm_node *nodes, int max)
{
	struct dirent *entry;
	int count = 0;
	DIR *dir;

	dir = opendir(DRM_DIR_NAME);
	if (!dir)
		return 0;

	while ((entry = readdir(dir)) && count < max) {
		struct drm_node *node = &nodes[count];
		drmVersionPtr version;
		int fd;

		if (strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(node->path, sizeof(node->path), "%s/%s", DRM_DIR_NAME,
			 entry->d_name);
		fd = open(node->path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		version = drmGetVersion(fd);
		close(fd);
		if (!version)
			continue;
		snprintf(node->driver, sizeof(node->driver), "%s",
			 version->name ? version->name : "");
		drmFreeVersion(version);
		count++;
	}

	closedir(dir);
	return count;
}

static int count_nova(const struct drm_node *nodes, int count)
{
	int i, n = 0;

	for (i = 0; i < count; i++)
		n += strcmp(nodes[i].driver, "nova") == 0;
	return n;
}

/*
 * The nova nodes as libnova should see them: render nodes, or primary nodes
 * for a driver without render support. Returns how many of @nodes are nova.
 */
static int reference_nodes(struct drm_node *nodes, int *total)
{
	int n;

	*total = scan_nodes(DRM_RENDER_MINOR_NAME, nodes, MAX_NODES);
	n = count_nova(nodes, *total);
	if (n)
		return n;
	*total = scan_nodes(DRM_PRIMARY_MINOR_NAME, nodes, MAX_NODES);
	return count_nova(nodes, *total);
}

static bool is_nova_node(const struct drm_node *nodes, int total, const char *path)
{
	int i;

	for (i = 0; i < total; i++) {
		if (strcmp(nodes[i].path, path) == 0)
			return strcmp(nodes[i].driver, "nova") == 0;
	}
	return false;
}

static enum test_result device_discovery_only_nova(void)
{
	struct drm_node nodes[MAX_NODES];
	struct nova_device *dev;
	int i, total, expected;

	expected = reference_nodes(nodes, &total);
	if (expected < 1)
		FAIL("the scan of %s found no nova node among %d nodes",
		     DRM_DIR_NAME, total);

	CHECK_ERR(nova_device_count(), expected);

	for (i = 0; i < expected; i++) {
		CHECK_OK(nova_device_open_index((unsigned int)i, &dev));
		CHECK(nova_device_node_path(dev) != NULL);
		if (!is_nova_node(nodes, total, nova_device_node_path(dev)))
			FAIL("device %d is %s, which is not a nova node", i,
			     nova_device_node_path(dev));
		CHECK(strcmp(nova_device_driver_name(dev), "nova") == 0);
		nova_device_close(dev);
	}

	CHECK_ERR(nova_device_open_index((unsigned int)expected, &dev), -ENODEV);
	CHECK(dev == NULL);
	return TEST_PASS;
}

static enum test_result device_open_is_index0(void)
{
	struct nova_device *first, *zero;

	CHECK_OK(nova_device_open(&first));
	CHECK_OK(nova_device_open_index(0, &zero));
	CHECK(strcmp(nova_device_node_path(first), nova_device_node_path(zero)) == 0);
	/* Two opens are two files: two descriptors. */
	CHECK(nova_device_fd(first) != nova_device_fd(zero));
	nova_device_close(zero);
	nova_device_close(first);
	return TEST_PASS;
}

static enum test_result device_open_fd_dups(void)
{
	struct nova_device *ref, *dev;
	struct nova_bo *bo;
	uint64_t value;
	const char *path;
	int fd;

	CHECK_OK(nova_device_open(&ref));
	path = nova_device_node_path(ref);

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		FAIL("open %s: %s", path, strerror(errno));
	CHECK_OK(nova_device_open_fd(fd, &dev));
	CHECK(nova_device_fd(dev) >= 0 && nova_device_fd(dev) != fd);
	CHECK(fcntl(nova_device_fd(dev), F_GETFD) & FD_CLOEXEC);
	/* libdrm may not know the path (no sysfs); when it does, it is right. */
	if (nova_device_node_path(dev))
		CHECK(strcmp(nova_device_node_path(dev), path) == 0);

	/* The caller's descriptor is the caller's: closing it changes nothing. */
	close(fd);
	CHECK_OK(nova_device_get_param(dev, NOVA_GETPARAM_PAGE_SIZE, &value));
	CHECK_OK(nova_bo_create(dev, 1, &bo));
	nova_bo_destroy(bo);

	nova_device_close(dev);
	nova_device_close(ref);
	return TEST_PASS;
}

static enum test_result device_rejects_other_driver(void)
{
	struct drm_node nodes[MAX_NODES];
	struct nova_device *dev;
	const char *prefixes[] = { DRM_RENDER_MINOR_NAME, DRM_PRIMARY_MINOR_NAME };
	unsigned int p;
	int i, total, fd;

	for (p = 0; p < 2; p++) {
		total = scan_nodes(prefixes[p], nodes, MAX_NODES);
		for (i = 0; i < total; i++) {
			if (strcmp(nodes[i].driver, "nova") == 0)
				continue;

			CHECK_ERR(nova_device_open_path(nodes[i].path, &dev), -ENODEV);
			fd = open(nodes[i].path, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				FAIL("open %s: %s", nodes[i].path, strerror(errno));
			CHECK_ERR(nova_device_open_fd(fd, &dev), -ENODEV);
			close(fd);
			return TEST_PASS;
		}
	}
	SKIP("no DRM node of another driver to try");
}

static enum test_result device_version(void)
{
	struct nova_device *dev;
	drmVersionPtr version;
	int major = -1, minor = -1, patch = -1;

	CHECK_OK(nova_device_open(&dev));
	CHECK(strcmp(nova_device_driver_name(dev), "nova") == 0);
	CHECK(nova_device_driver_date(dev) != NULL);
	CHECK(nova_device_driver_desc(dev) != NULL);
	CHECK_OK(nova_device_driver_version(dev, &major, &minor, &patch));
	CHECK_OK(nova_device_driver_version(dev, NULL, NULL, NULL));

	/* The cached copy must say what DRM_IOCTL_VERSION says. */
	version = drmGetVersion(nova_device_fd(dev));
	CHECK(version != NULL);
	CHECK_U64(major, ==, version->version_major);
	CHECK_U64(minor, ==, version->version_minor);
	CHECK_U64(patch, ==, version->version_patchlevel);
	CHECK(strcmp(nova_device_driver_date(dev), version->date ? version->date : "") == 0);
	CHECK(strcmp(nova_device_driver_desc(dev), version->desc ? version->desc : "") == 0);
	drmFreeVersion(version);

	nova_device_close(dev);
	return TEST_PASS;
}

const struct test_case device_tests[] = {
	{ "device_discovery_only_nova", device_discovery_only_nova, TEST_NEEDS_DEVICE },
	{ "device_open_is_index0", device_open_is_index0, TEST_NEEDS_DEVICE },
	{ "device_open_fd_dups", device_open_fd_dups, TEST_NEEDS_DEVICE },
	{ "device_rejects_other_driver", device_rejects_other_driver, TEST_NEEDS_DEVICE },
	{ "device_version", device_version, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

/* SPDX-License-Identifier: MIT */
/*
 * libnova internals: the object layouts behind the opaque public types and
 * the helpers the source files share. Nothing here is exported; internal
 * functions carry the libnova_ prefix so that the version script, which
 * exports nova_*, could never pick them up even without -fvisibility=hidden.
 */
#ifndef LIBNOVA_PRIVATE_H
#define LIBNOVA_PRIVATE_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include <xf86drm.h>

#include "nova/nova.h"
#include "nova_drm.h"

/* The library is built with -fvisibility=hidden; this marks the public API. */
#define NOVA_EXPORT __attribute__((visibility("default")))

/* The name the kernel driver reports through DRM_IOCTL_VERSION. */
#define NOVA_DRIVER_NAME "nova"

/*
 * Parameters that cannot change while the driver is loaded, read once at
 * open so that hot paths (size checks, tools) do not pay for an ioctl.
 */
struct libnova_params {
	uint64_t vram_bar_size;
	uint64_t uapi_version;
	uint64_t max_object_size;
	uint64_t page_size;
	uint64_t object_budget;
};

struct nova_device {
	int fd;			/* owned: a dup of the caller's or our open() */
	char *node_path;	/* may be NULL for nova_device_open_fd() */
	char *name;
	char *date;
	char *desc;
	int version_major;
	int version_minor;
	int version_patchlevel;
	struct libnova_params params;
};

struct nova_bo {
	struct nova_device *dev;
	uint32_t handle;
	uint64_t size;		/* rounded by the kernel */
	pthread_mutex_t map_lock;	/* serialises map and unmap */
	void *map;		/* NULL while unmapped */
};

/*
 * drmIoctl() restarts on EINTR/EAGAIN and reports failure through errno;
 * fold errno into the return value so that it never leaks to our callers.
 */
static inline int libnova_ioctl(int fd, unsigned long request, void *arg)
{
	if (drmIoctl(fd, request, arg))
		return -errno;
	return 0;
}

/* discover.c: the node paths of every nova device, sorted. */
struct libnova_node_list {
	char **paths;
	unsigned int count;
};

int libnova_discover(struct libnova_node_list *list);
void libnova_node_list_fini(struct libnova_node_list *list);

/* driver.c: who is behind a DRM file descriptor. */
int libnova_get_version(int fd, drmVersionPtr *out);
int libnova_version_is_nova(const drmVersion *version);
int libnova_fd_is_nova(int fd);

/* param.c */
int libnova_params_load(struct nova_device *dev);

#endif /* LIBNOVA_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by nova's igt tests, in igt's naming style: __nova_*()
 * returns 0 or a negative errno and never fails the test; nova_*() asserts
 * success and returns the result.
 */
#ifndef NOVA_HELPERS_H
#define NOVA_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igt_nova.h"
#include "nova_drm.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* The driver name nova registers with DRM. */
#define NOVA_DRIVER_NAME "nova"

/* Everything GETPARAM tells about a device (uAPI version 1 parameters). */
struct nova_device_info {
	uint64_t uapi_version;
	uint64_t vram_bar_size;
	uint64_t max_object_size;
	uint64_t page_size;
	uint64_t object_budget;
};

/*
 * Opens a nova device through igt (drm_open_driver(DRIVER_ANY), which
 * IGT_FORCE_DRIVER=nova steers to nova) and skips unless it is one.
 */
int nova_open(void);
/* Same on the render node. */
int nova_open_render(void);
/* True when @fd's driver is nova. */
bool nova_is_device(int fd);

/* 0, or -errno: the ioctl through igt_ioctl. */
int __nova_ioctl(int fd, unsigned long request, void *arg);
/* The same for each nova ioctl, on a struct the caller filled in. */
int __nova_ioctl_getparam(int fd, struct drm_nova_getparam *args);
int __nova_ioctl_gem_create(int fd, struct drm_nova_gem_create *args);
int __nova_ioctl_gem_info(int fd, struct drm_nova_gem_info *args);
int __nova_ioctl_gem_mmap_offset(int fd, struct drm_nova_gem_mmap_offset *args);
int __nova_ioctl_vm_bind(int fd, struct drm_nova_vm_bind *args);
/* uAPI version 4: queues and EXEC. */
int __nova_ioctl_queue_create(int fd, struct drm_nova_queue_create *args);
int __nova_ioctl_queue_destroy(int fd, struct drm_nova_queue_destroy *args);
int __nova_ioctl_exec(int fd, struct drm_nova_exec *args);
int __nova_ioctl_queue_get_state(int fd, struct drm_nova_queue_get_state *args);

int __nova_getparam(int fd, uint64_t param, uint64_t *value);
uint64_t nova_getparam(int fd, uint64_t param);
void nova_get_device_info(int fd, struct nova_device_info *info);

/* @size in: requested; out: rounded by the kernel (when it succeeds). */
int __nova_gem_create(int fd, uint64_t *size, uint32_t *handle);
uint32_t nova_gem_create(int fd, uint64_t size);
int __nova_gem_info(int fd, uint32_t handle, uint64_t *size);
uint64_t nova_gem_info(int fd, uint32_t handle);
int __nova_gem_mmap_offset(int fd, uint32_t handle, uint64_t *offset);
uint64_t nova_gem_mmap_offset(int fd, uint32_t handle);
/* A shared CPU mapping of @size bytes of the object; asserts it works. */
void *nova_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot);
/* DRM_IOCTL_GEM_CLOSE without asserting: 0 or -errno. */
int __nova_gem_close(int fd, uint32_t handle);

/*
 * How many bytes GEM_CREATE still accepts on this device: finds the budget
 * left by creating objects until -ENOSPC, then frees them. Objects are
 * backed lazily, so this costs no memory.
 */
uint64_t nova_budget_available(int fd, const struct nova_device_info *info);

/* A queue of @priority (enum drm_nova_queue_priority); its id. */
int __nova_queue_create(int fd, uint32_t priority, uint32_t *queue_id);
uint32_t nova_queue_create(int fd, uint32_t priority);
int __nova_queue_destroy(int fd, uint32_t queue_id);
void nova_queue_destroy(int fd, uint32_t queue_id);
/* QUEUE_GET_STATE of @queue_id into @state; asserts it works. */
void nova_queue_get_state(int fd, uint32_t queue_id, struct drm_nova_queue_get_state *state);

/* True when every byte of @ptr[0..len) is @value. */
bool nova_memchk(const void *ptr, int value, size_t len);

#endif /* NOVA_HELPERS_H */

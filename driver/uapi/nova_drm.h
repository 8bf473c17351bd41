/* SPDX-License-Identifier: MIT */
/*
 * nova userspace ABI.
 *
 * This header is the frozen contract between nova.ko and userspace. Once an
 * ioctl number, a struct layout or a documented behaviour has landed it never
 * changes; new ioctls, parameters and fields are appended only. Padding is
 * explicit, every reserved field and unknown flag must be zero and is rejected
 * with -EINVAL otherwise, so that it stays usable for later extensions.
 *
 * GETPARAM, GEM_CREATE and GEM_INFO (numbers, layouts, NOVA_GETPARAM_VRAM_BAR_SIZE)
 * are binary-identical to upstream Linux's nova uAPI: a client built against
 * either header works with both drivers.
 */
#ifndef __NOVA_DRM_H__
#define __NOVA_DRM_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * GETPARAM parameters.
 *
 * Values below 0x100 mirror upstream nova. Values from 0x100 on are this
 * driver's own, kept apart so that a parameter upstream adds later can never
 * collide with one of ours.
 */

/**
 * NOVA_GETPARAM_VRAM_BAR_SIZE - size of the VRAM BAR in bytes
 *
 * nova runs on a virtual device without VRAM: the value is always 0.
 */
#define NOVA_GETPARAM_VRAM_BAR_SIZE		0x1

/**
 * NOVA_GETPARAM_UAPI_VERSION - revision of this uAPI
 *
 * Starts at 1 and grows by one each time ioctls, parameters or fields are
 * appended, so userspace can test for a feature with a single comparison.
 */
#define NOVA_GETPARAM_UAPI_VERSION		0x100

/**
 * NOVA_GETPARAM_MAX_OBJECT_SIZE - largest size GEM_CREATE accepts, in bytes
 *
 * A multiple of NOVA_GETPARAM_PAGE_SIZE; set at module load time.
 */
#define NOVA_GETPARAM_MAX_OBJECT_SIZE		0x101

/**
 * NOVA_GETPARAM_PAGE_SIZE - granule of object sizes, in bytes
 *
 * GEM_CREATE rounds sizes up to a multiple of this value.
 */
#define NOVA_GETPARAM_PAGE_SIZE			0x102

/**
 * NOVA_GETPARAM_OBJECT_BUDGET - bytes all objects of the device may total
 *
 * GEM_CREATE fails with -ENOSPC once the sizes of the live objects would
 * exceed it; set at module load time.
 */
#define NOVA_GETPARAM_OBJECT_BUDGET		0x103

/**
 * NOVA_UAPI_VERSION - the revision this header describes
 */
#define NOVA_UAPI_VERSION			1

/**
 * struct drm_nova_getparam - query a device or driver parameter
 * @param: in, one of the NOVA_GETPARAM_* values
 * @value: out, the parameter's value; ignored on input
 *
 * Errors: -EINVAL for an unknown @param.
 */
struct drm_nova_getparam {
	__u64 param;
	__u64 value;
};

/**
 * struct drm_nova_gem_create - create a GEM object
 * @handle: out, the new object's handle in the calling file
 * @pad: must be zero
 * @size: in, requested size in bytes; out, the size rounded up to
 *        NOVA_GETPARAM_PAGE_SIZE
 *
 * The object is backed by shmem and zero-filled; its pages are allocated on
 * first CPU access.
 *
 * Errors: -EINVAL when @size is 0 or @pad is not zero; -E2BIG when @size is
 * above NOVA_GETPARAM_MAX_OBJECT_SIZE; -ENOSPC when the device's object budget
 * (NOVA_GETPARAM_OBJECT_BUDGET) cannot hold it; -ENOMEM when the kernel is out
 * of memory.
 */
struct drm_nova_gem_create {
	__u32 handle;
	__u32 pad;
	__u64 size;
};

/**
 * struct drm_nova_gem_info - query a GEM object
 * @handle: in, the object's handle
 * @pad: must be zero
 * @size: out, the object's size in bytes; ignored on input
 *
 * Errors: -EINVAL when @pad is not zero; -ENOENT when @handle names no object
 * of the calling file.
 */
struct drm_nova_gem_info {
	__u32 handle;
	__u32 pad;
	__u64 size;
};

/**
 * struct drm_nova_gem_mmap_offset - get the fake offset for CPU-mapping an object
 * @handle: in, the object's handle
 * @flags: must be zero; no flags are defined yet
 * @offset: out, the offset to pass to mmap(2) on the same file descriptor;
 *          ignored on input
 *
 * The mapping is shared, cached and covers at most the object's size.
 *
 * Errors: -EINVAL when @flags is not zero; -ENOENT when @handle names no
 * object of the calling file; -ENOMEM when the offset cannot be allocated.
 */
struct drm_nova_gem_mmap_offset {
	__u32 handle;
	__u32 flags;
	__u64 offset;
};

/*
 * ioctl numbers, relative to DRM_COMMAND_BASE. 0x03 is reserved for VM_BIND.
 */
#define DRM_NOVA_GETPARAM		0x00
#define DRM_NOVA_GEM_CREATE		0x01
#define DRM_NOVA_GEM_INFO		0x02
#define DRM_NOVA_GEM_MMAP_OFFSET	0x04

#define DRM_IOCTL_NOVA_GETPARAM		DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GETPARAM, \
						 struct drm_nova_getparam)
#define DRM_IOCTL_NOVA_GEM_CREATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_CREATE, \
						 struct drm_nova_gem_create)
#define DRM_IOCTL_NOVA_GEM_INFO		DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_INFO, \
						 struct drm_nova_gem_info)
#define DRM_IOCTL_NOVA_GEM_MMAP_OFFSET	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_MMAP_OFFSET, \
						 struct drm_nova_gem_mmap_offset)

#if defined(__cplusplus)
}
#endif

#endif /* __NOVA_DRM_H__ */

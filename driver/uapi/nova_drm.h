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
 * NOVA_GETPARAM_VA_START - first GPU virtual address VM_BIND may map
 *
 * Addresses below it (the first MiB) are never mapped, so that a GPU null
 * pointer always faults. Since uAPI version 2.
 */
#define NOVA_GETPARAM_VA_START			0x104

/**
 * NOVA_GETPARAM_VA_SIZE - size of the usable GPU virtual address range
 *
 * VM_BIND maps within [VA_START, VA_START + VA_SIZE). Since uAPI version 2.
 */
#define NOVA_GETPARAM_VA_SIZE			0x105

/**
 * NOVA_GETPARAM_VA_ALIGNMENT - alignment of VM_BIND addresses, ranges and
 * object offsets, in bytes
 *
 * Since uAPI version 2.
 */
#define NOVA_GETPARAM_VA_ALIGNMENT		0x106

/**
 * NOVA_GETPARAM_VM_BIND_MAX_OPS - most operations one VM_BIND call accepts
 *
 * Since uAPI version 2.
 */
#define NOVA_GETPARAM_VM_BIND_MAX_OPS		0x107

/**
 * NOVA_GETPARAM_MAX_MAPPINGS - most live mappings one file's GPU VA space
 * may hold
 *
 * VM_BIND fails with -ENOSPC when its operations would leave more mappings
 * than this in the file's VA space; unmapping, or closing the file, makes
 * room again. Set at module load time (1,048,576 by default). Since uAPI
 * version 3.
 */
#define NOVA_GETPARAM_MAX_MAPPINGS		0x108

/**
 * NOVA_UAPI_VERSION - the revision this header describes
 *
 * 1: GETPARAM, GEM_CREATE, GEM_INFO, GEM_MMAP_OFFSET.
 * 2: VM_BIND and the VA parameters.
 * 3: NOVA_GETPARAM_MAX_MAPPINGS, VM_BIND's limit on live mappings.
 */
#define NOVA_UAPI_VERSION			3

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

/**
 * enum drm_nova_vm_bind_op_type - what one VM_BIND operation does
 * @NOVA_VM_BIND_OP_MAP: map [@va, @va + @range) to the object @handle from
 *                       @bo_offset on, replacing whatever was mapped there
 * @NOVA_VM_BIND_OP_UNMAP: unmap everything in [@va, @va + @range)
 */
enum drm_nova_vm_bind_op_type {
	NOVA_VM_BIND_OP_MAP = 0,
	NOVA_VM_BIND_OP_UNMAP = 1,
};

/* MAP flags. */
/** NOVA_VM_BIND_MAP_READONLY - the GPU may read but not write the mapping */
#define NOVA_VM_BIND_MAP_READONLY	(1u << 0)
/** NOVA_VM_BIND_MAP_NOEXEC - the GPU may not execute from the mapping */
#define NOVA_VM_BIND_MAP_NOEXEC		(1u << 1)
#define NOVA_VM_BIND_MAP_FLAGS		(NOVA_VM_BIND_MAP_READONLY | NOVA_VM_BIND_MAP_NOEXEC)

/**
 * struct drm_nova_vm_bind_op - one operation of a VM_BIND call
 * @op: an enum drm_nova_vm_bind_op_type value
 * @flags: MAP: NOVA_VM_BIND_MAP_* flags; UNMAP: must be zero
 * @handle: MAP: the GEM object to map; UNMAP: must be zero
 * @pad: must be zero
 * @bo_offset: MAP: offset in the object of the first mapped byte;
 *             UNMAP: must be zero
 * @va: first GPU virtual address of the range
 * @range: size of the range in bytes
 *
 * @va, @range and @bo_offset are multiples of NOVA_GETPARAM_VA_ALIGNMENT,
 * @range is not zero, the range lies within [VA_START, VA_START + VA_SIZE)
 * and, for MAP, [@bo_offset, @bo_offset + @range) lies within the object.
 *
 * MAP replaces what it covers: a mapping that is only partly covered is cut,
 * and the parts left keep their own object offsets. UNMAP removes everything
 * in its range, cutting mappings at its edges; unmapping a hole is not an
 * error. A mapping holds a reference on its object: the object lives on
 * after its handle is closed, until its last mapping goes.
 */
struct drm_nova_vm_bind_op {
	__u32 op;
	__u32 flags;
	__u32 handle;
	__u32 pad;
	__u64 bo_offset;
	__u64 va;
	__u64 range;
};

/**
 * struct drm_nova_vm_bind - map and unmap ranges of the file's GPU VA space
 * @vm_id: must be zero: each open file has one VA space
 * @flags: must be zero; no flags are defined yet
 * @op_count: number of operations, at most NOVA_GETPARAM_VM_BIND_MAX_OPS;
 *            zero is a valid call that does nothing
 * @op_stride: distance in bytes between operations in the @ops array: at
 *             least the size of the struct drm_nova_vm_bind_op a client
 *             knows; bytes past the size the kernel knows must be zero
 * @ops: user pointer to the array of struct drm_nova_vm_bind_op
 *
 * The operations apply in array order, each seeing the effect of the ones
 * before it. A call is atomic: either every operation applies, or none does
 * and the VA space is unchanged, also when memory runs out or the mapping
 * limit is reached. Concurrent calls on one file are serialized.
 *
 * Errors: -EINVAL for a non-zero @vm_id or @flags, an @op_stride smaller
 * than the first version of struct drm_nova_vm_bind_op (40 bytes), non-zero
 * bytes past the known size of an operation, an unknown @op or flag, a
 * non-zero pad or unused field, an unaligned @va, @range or @bo_offset, a
 * zero @range, a range outside the VA range or overflowing, or an object
 * range past the end of the object; -E2BIG when @op_count exceeds
 * NOVA_GETPARAM_VM_BIND_MAX_OPS; -ENOENT when a MAP's @handle names no
 * object of the calling file; -EFAULT when @ops cannot be read; -ENOSPC when
 * the file's VA space would hold more than NOVA_GETPARAM_MAX_MAPPINGS
 * mappings after the call (uAPI version 3 on: the limit of live state, like
 * GEM_CREATE's object budget, as -E2BIG is for limits of a single request);
 * -ENOMEM when the kernel is out of memory.
 */
struct drm_nova_vm_bind {
	__u32 vm_id;
	__u32 flags;
	__u32 op_count;
	__u32 op_stride;
	__u64 ops;
};

/*
 * ioctl numbers, relative to DRM_COMMAND_BASE.
 */
#define DRM_NOVA_GETPARAM		0x00
#define DRM_NOVA_GEM_CREATE		0x01
#define DRM_NOVA_GEM_INFO		0x02
#define DRM_NOVA_VM_BIND		0x03
#define DRM_NOVA_GEM_MMAP_OFFSET	0x04

#define DRM_IOCTL_NOVA_GETPARAM		DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GETPARAM, \
						 struct drm_nova_getparam)
#define DRM_IOCTL_NOVA_GEM_CREATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_CREATE, \
						 struct drm_nova_gem_create)
#define DRM_IOCTL_NOVA_GEM_INFO		DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_INFO, \
						 struct drm_nova_gem_info)
#define DRM_IOCTL_NOVA_VM_BIND		DRM_IOW(DRM_COMMAND_BASE + DRM_NOVA_VM_BIND, \
						struct drm_nova_vm_bind)
#define DRM_IOCTL_NOVA_GEM_MMAP_OFFSET	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_MMAP_OFFSET, \
						 struct drm_nova_gem_mmap_offset)

#if defined(__cplusplus)
}
#endif

#endif /* __NOVA_DRM_H__ */

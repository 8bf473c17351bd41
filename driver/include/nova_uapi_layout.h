/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compile-time pins of the uAPI layout, C side (the C++ logic pins the same
 * facts in uapi_layout.hpp). Included by the glue's ioctl table and by the
 * header's own userspace test (tests/uapi/pins.c), never by nova_drm.h.
 */
#ifndef NOVA_UAPI_LAYOUT_H
#define NOVA_UAPI_LAYOUT_H

#if defined(__KERNEL__)
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

#include "uapi/nova_drm.h"

/* One assertion per field: a macro of two statements would need a do-while. */
#define NOVA_PIN_FIELD(type, field, offset, size)					\
	_Static_assert(offsetof(type, field) == (offset) &&				\
		       sizeof(((type *)0)->field) == (size), #type "." #field " moved or resized")
#define NOVA_PIN_SIZE(type, size)	_Static_assert(sizeof(type) == (size), #type " resized")
#define NOVA_PIN_IOCTL(request, value)	_Static_assert((request) == (value), #request " renumbered")

NOVA_PIN_SIZE(struct drm_nova_getparam, 16);
NOVA_PIN_FIELD(struct drm_nova_getparam, param, 0, 8);
NOVA_PIN_FIELD(struct drm_nova_getparam, value, 8, 8);

NOVA_PIN_SIZE(struct drm_nova_gem_create, 16);
NOVA_PIN_FIELD(struct drm_nova_gem_create, handle, 0, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_create, pad, 4, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_create, size, 8, 8);

NOVA_PIN_SIZE(struct drm_nova_gem_info, 16);
NOVA_PIN_FIELD(struct drm_nova_gem_info, handle, 0, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_info, pad, 4, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_info, size, 8, 8);

NOVA_PIN_SIZE(struct drm_nova_gem_mmap_offset, 16);
NOVA_PIN_FIELD(struct drm_nova_gem_mmap_offset, handle, 0, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_mmap_offset, flags, 4, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_mmap_offset, offset, 8, 8);

NOVA_PIN_SIZE(struct drm_nova_vm_bind_op, 40);
NOVA_PIN_FIELD(struct drm_nova_vm_bind_op, op, 0, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind_op, flags, 4, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind_op, handle, 8, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind_op, pad, 12, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind_op, bo_offset, 16, 8);
NOVA_PIN_FIELD(struct drm_nova_vm_bind_op, va, 24, 8);
NOVA_PIN_FIELD(struct drm_nova_vm_bind_op, range, 32, 8);

NOVA_PIN_SIZE(struct drm_nova_vm_bind, 48);
NOVA_PIN_FIELD(struct drm_nova_vm_bind, vm_id, 0, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind, flags, 4, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind, op_count, 8, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind, op_stride, 12, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind, ops, 16, 8);
/* uAPI version 5 appended these; older clients pass the first 24 bytes. */
NOVA_PIN_FIELD(struct drm_nova_vm_bind, sync_count, 24, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind, sync_stride, 28, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind, syncs, 32, 8);
NOVA_PIN_FIELD(struct drm_nova_vm_bind, failed_op, 40, 4);
NOVA_PIN_FIELD(struct drm_nova_vm_bind, pad, 44, 4);

/* The full request values: direction, size, type 'd' and number. */
NOVA_PIN_IOCTL(DRM_IOCTL_NOVA_GETPARAM, 0xc0106440u);
NOVA_PIN_IOCTL(DRM_IOCTL_NOVA_GEM_CREATE, 0xc0106441u);
NOVA_PIN_IOCTL(DRM_IOCTL_NOVA_GEM_INFO, 0xc0106442u);
NOVA_PIN_IOCTL(DRM_IOCTL_NOVA_VM_BIND, 0xc0306443u);
NOVA_PIN_IOCTL(DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, 0xc0106444u);

#undef NOVA_PIN_FIELD
#undef NOVA_PIN_SIZE
#undef NOVA_PIN_IOCTL

#endif /* NOVA_UAPI_LAYOUT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compile-time pins of the uAPI layout, C side (the C++ core pins the same
 * facts in uapi_layout.hpp). Included by the glue's ioctl table only.
 */
#ifndef NOVA_UAPI_LAYOUT_H
#define NOVA_UAPI_LAYOUT_H

#include <linux/build_bug.h>
#include <linux/stddef.h>

#include "uapi/nova_drm.h"

#define NOVA_PIN_FIELD(type, field, offset, size)				\
	static_assert(offsetof(type, field) == (offset), #type "." #field " moved");	\
	static_assert(sizeof_field(type, field) == (size), #type "." #field " resized")

static_assert(sizeof(struct drm_nova_getparam) == 16);
NOVA_PIN_FIELD(struct drm_nova_getparam, param, 0, 8);
NOVA_PIN_FIELD(struct drm_nova_getparam, value, 8, 8);

static_assert(sizeof(struct drm_nova_gem_create) == 16);
NOVA_PIN_FIELD(struct drm_nova_gem_create, handle, 0, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_create, pad, 4, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_create, size, 8, 8);

static_assert(sizeof(struct drm_nova_gem_info) == 16);
NOVA_PIN_FIELD(struct drm_nova_gem_info, handle, 0, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_info, pad, 4, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_info, size, 8, 8);

static_assert(sizeof(struct drm_nova_gem_mmap_offset) == 16);
NOVA_PIN_FIELD(struct drm_nova_gem_mmap_offset, handle, 0, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_mmap_offset, flags, 4, 4);
NOVA_PIN_FIELD(struct drm_nova_gem_mmap_offset, offset, 8, 8);

/* The full request values: direction, size, type 'd' and number. */
static_assert(DRM_IOCTL_NOVA_GETPARAM == 0xc0106440u);
static_assert(DRM_IOCTL_NOVA_GEM_CREATE == 0xc0106441u);
static_assert(DRM_IOCTL_NOVA_GEM_INFO == 0xc0106442u);
static_assert(DRM_IOCTL_NOVA_GEM_MMAP_OFFSET == 0xc0106444u);

#undef NOVA_PIN_FIELD

#endif /* NOVA_UAPI_LAYOUT_H */

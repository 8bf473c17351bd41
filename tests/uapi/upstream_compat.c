// SPDX-License-Identifier: GPL-2.0
/*
 * nova's uAPI against upstream Linux's nova uAPI (include/uapi/drm/nova_drm.h,
 * Linux 6.15 and later), for the part both share: GETPARAM, GEM_CREATE and
 * GEM_INFO. Upstream's numbers and layouts are written here as facts, so
 * that the day ours drift from them this file stops compiling.
 */
#include <stddef.h>

#include "nova_drm.h"

#define UPSTREAM(expr, what) _Static_assert(expr, "differs from upstream nova: " what)

/* Parameter and ioctl numbers. */
UPSTREAM(NOVA_GETPARAM_VRAM_BAR_SIZE == 0x1, "NOVA_GETPARAM_VRAM_BAR_SIZE");
UPSTREAM(DRM_NOVA_GETPARAM == 0x00, "DRM_NOVA_GETPARAM");
UPSTREAM(DRM_NOVA_GEM_CREATE == 0x01, "DRM_NOVA_GEM_CREATE");
UPSTREAM(DRM_NOVA_GEM_INFO == 0x02, "DRM_NOVA_GEM_INFO");

/* Full request values: _IOWR('d', 0x40 + nr, 16 bytes). */
UPSTREAM(DRM_IOCTL_NOVA_GETPARAM == 0xc0106440u, "DRM_IOCTL_NOVA_GETPARAM");
UPSTREAM(DRM_IOCTL_NOVA_GEM_CREATE == 0xc0106441u, "DRM_IOCTL_NOVA_GEM_CREATE");
UPSTREAM(DRM_IOCTL_NOVA_GEM_INFO == 0xc0106442u, "DRM_IOCTL_NOVA_GEM_INFO");

/* struct drm_nova_getparam { __u64 param; __u64 value; } */
UPSTREAM(sizeof(struct drm_nova_getparam) == 16, "sizeof drm_nova_getparam");
UPSTREAM(offsetof(struct drm_nova_getparam, param) == 0, "drm_nova_getparam.param");
UPSTREAM(sizeof(((struct drm_nova_getparam *)0)->param) == 8, "drm_nova_getparam.param size");
UPSTREAM(offsetof(struct drm_nova_getparam, value) == 8, "drm_nova_getparam.value");
UPSTREAM(sizeof(((struct drm_nova_getparam *)0)->value) == 8, "drm_nova_getparam.value size");

/* struct drm_nova_gem_create { __u32 handle; __u32 pad; __u64 size; } */
UPSTREAM(sizeof(struct drm_nova_gem_create) == 16, "sizeof drm_nova_gem_create");
UPSTREAM(offsetof(struct drm_nova_gem_create, handle) == 0, "drm_nova_gem_create.handle");
UPSTREAM(sizeof(((struct drm_nova_gem_create *)0)->handle) == 4, "drm_nova_gem_create.handle size");
UPSTREAM(offsetof(struct drm_nova_gem_create, pad) == 4, "drm_nova_gem_create.pad");
UPSTREAM(offsetof(struct drm_nova_gem_create, size) == 8, "drm_nova_gem_create.size");
UPSTREAM(sizeof(((struct drm_nova_gem_create *)0)->size) == 8, "drm_nova_gem_create.size size");

/* struct drm_nova_gem_info { __u32 handle; __u32 pad; __u64 size; } */
UPSTREAM(sizeof(struct drm_nova_gem_info) == 16, "sizeof drm_nova_gem_info");
UPSTREAM(offsetof(struct drm_nova_gem_info, handle) == 0, "drm_nova_gem_info.handle");
UPSTREAM(sizeof(((struct drm_nova_gem_info *)0)->handle) == 4, "drm_nova_gem_info.handle size");
UPSTREAM(offsetof(struct drm_nova_gem_info, pad) == 4, "drm_nova_gem_info.pad");
UPSTREAM(offsetof(struct drm_nova_gem_info, size) == 8, "drm_nova_gem_info.size");
UPSTREAM(sizeof(((struct drm_nova_gem_info *)0)->size) == 8, "drm_nova_gem_info.size size");

int main(void)
{
	return 0;
}

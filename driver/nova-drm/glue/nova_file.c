// SPDX-License-Identifier: GPL-2.0
/*
 * Per-client entry points: file open and close, and the ioctl table.
 *
 * DRM copies each ioctl's struct in and out and checks the table's flags; the
 * handlers below only hand the kernel copy to the C++ logic, which owns the
 * semantics.
 */

#include "nova_drv.h"
#include "nova_uapi_layout.h"

int nova_open(struct drm_device *drm, struct drm_file *file)
{
	struct nova_logic_file *logic;
	int ret;

	ret = nova_logic_file_open(to_nova_device(drm)->logic, nova_svc_file_of(file), &logic);
	if (ret)
		return ret;
	file->driver_priv = logic;
	return 0;
}

/* Runs after DRM released the file's handles. */
void nova_postclose(struct drm_device *drm, struct drm_file *file)
{
	nova_logic_file_close(file->driver_priv);
	file->driver_priv = NULL;
}

static int nova_ioctl_getparam(struct drm_device *drm, void *data, struct drm_file *file)
{
	return nova_logic_ioctl_getparam(file->driver_priv, data);
}

static int nova_ioctl_gem_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	return nova_logic_ioctl_gem_create(file->driver_priv, data);
}

static int nova_ioctl_gem_info(struct drm_device *drm, void *data, struct drm_file *file)
{
	return nova_logic_ioctl_gem_info(file->driver_priv, data);
}

static int nova_ioctl_vm_bind(struct drm_device *drm, void *data, struct drm_file *file)
{
	return nova_logic_ioctl_vm_bind(file->driver_priv, data);
}

static int nova_ioctl_gem_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file)
{
	return nova_logic_ioctl_gem_mmap_offset(file->driver_priv, data);
}

/* The flags match upstream nova for the ioctls both share. */
const struct drm_ioctl_desc nova_ioctls[NOVA_NUM_IOCTLS] = {
	DRM_IOCTL_DEF_DRV(NOVA_GETPARAM, nova_ioctl_getparam, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_GEM_CREATE, nova_ioctl_gem_create, DRM_AUTH | DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_GEM_INFO, nova_ioctl_gem_info, DRM_AUTH | DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_VM_BIND, nova_ioctl_vm_bind, DRM_AUTH | DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_GEM_MMAP_OFFSET, nova_ioctl_gem_mmap_offset,
			  DRM_AUTH | DRM_RENDER_ALLOW),
};

// SPDX-License-Identifier: GPL-2.0
/*
 * Per-client entry points: file open and close, and the ioctl table.
 *
 * DRM copies each ioctl's struct in and out and checks the table's flags; the
 * handlers below only hand the kernel copy to the C++ logic, which owns the
 * semantics, inside drm_dev_enter() (nova_ioctl()).
 */

#include <linux/delay.h>

#include <drm/drm_drv.h>

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

/* The logic's handler of nova ioctl @nr (DRM_NOVA_*). */
static int nova_ioctl_logic(struct nova_logic_file *logic, unsigned int nr, void *data)
{
	switch (nr) {
	case DRM_NOVA_GETPARAM:
		return nova_logic_ioctl_getparam(logic, data);
	case DRM_NOVA_GEM_CREATE:
		return nova_logic_ioctl_gem_create(logic, data);
	case DRM_NOVA_GEM_INFO:
		return nova_logic_ioctl_gem_info(logic, data);
	case DRM_NOVA_VM_BIND:
		return nova_logic_ioctl_vm_bind(logic, data);
	case DRM_NOVA_GEM_MMAP_OFFSET:
		return nova_logic_ioctl_gem_mmap_offset(logic, data);
	case DRM_NOVA_QUEUE_CREATE:
		return nova_logic_ioctl_queue_create(logic, data);
	case DRM_NOVA_QUEUE_DESTROY:
		return nova_logic_ioctl_queue_destroy(logic, data);
	case DRM_NOVA_EXEC:
		return nova_logic_ioctl_exec(logic, data);
	case DRM_NOVA_QUEUE_GET_STATE:
		return nova_logic_ioctl_queue_get_state(logic, data);
	}
	/* Only the table below calls in, with its own numbers. */
	return -EINVAL;
}

/*
 * The test hook of nova_ioctl_delay_us: it holds the ioctl where a handler
 * would reach the function, so that a test can remove the device while
 * ioctls are surely in flight (tests/reliability/nova-unplug.c).
 */
static void nova_ioctl_test_delay(struct nova_device *ndev)
{
	unsigned int us = READ_ONCE(ndev->ioctl_delay_us);

	if (us)
		fsleep(us);
}

/*
 * Every nova ioctl runs here, inside drm_dev_enter(). The DRM core refuses
 * an ioctl on an unplugged device before it starts, but one that started
 * before drm_dev_unplug() would otherwise go on running after nova_remove()
 * returned and the function was gone. Inside the section, drm_dev_unplug()
 * waits for the ioctl, so a handler may reach the function, and nothing of
 * nova's runs in an ioctl once remove returned. One that loses the race
 * gets the same -ENODEV the DRM core gives later ones.
 */
static int nova_ioctl(struct drm_device *drm, struct drm_file *file, void *data,
		      unsigned int nr)
{
	int idx, ret;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	nova_ioctl_test_delay(to_nova_device(drm));
	ret = nova_ioctl_logic(file->driver_priv, nr, data);
	drm_dev_exit(idx);
	return ret;
}

/*
 * The table's handlers only say which ioctl they are: drm_ioctl_t carries
 * no number, and a handler of its own for each is how DRM tells them apart.
 */
#define NOVA_IOCTL_HANDLER(NAME, name)						\
static int nova_ioctl_##name(struct drm_device *drm, void *data, struct drm_file *file) \
{										\
	return nova_ioctl(drm, file, data, DRM_NOVA_##NAME);			\
}

NOVA_IOCTL_HANDLER(GETPARAM, getparam)
NOVA_IOCTL_HANDLER(GEM_CREATE, gem_create)
NOVA_IOCTL_HANDLER(GEM_INFO, gem_info)
NOVA_IOCTL_HANDLER(VM_BIND, vm_bind)
NOVA_IOCTL_HANDLER(GEM_MMAP_OFFSET, gem_mmap_offset)
NOVA_IOCTL_HANDLER(QUEUE_CREATE, queue_create)
NOVA_IOCTL_HANDLER(QUEUE_DESTROY, queue_destroy)
NOVA_IOCTL_HANDLER(EXEC, exec)
NOVA_IOCTL_HANDLER(QUEUE_GET_STATE, queue_get_state)

/*
 * The flags match upstream nova for the ioctls both share. Every handler
 * is a NOVA_IOCTL_HANDLER(), so every entry goes through nova_ioctl().
 */
const struct drm_ioctl_desc nova_ioctls[NOVA_NUM_IOCTLS] = {
	DRM_IOCTL_DEF_DRV(NOVA_GETPARAM, nova_ioctl_getparam, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_GEM_CREATE, nova_ioctl_gem_create, DRM_AUTH | DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_GEM_INFO, nova_ioctl_gem_info, DRM_AUTH | DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_VM_BIND, nova_ioctl_vm_bind, DRM_AUTH | DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_GEM_MMAP_OFFSET, nova_ioctl_gem_mmap_offset,
			  DRM_AUTH | DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_QUEUE_CREATE, nova_ioctl_queue_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_QUEUE_DESTROY, nova_ioctl_queue_destroy, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_EXEC, nova_ioctl_exec, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOVA_QUEUE_GET_STATE, nova_ioctl_queue_get_state, DRM_RENDER_ALLOW),
};

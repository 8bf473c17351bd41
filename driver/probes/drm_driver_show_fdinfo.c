// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: the DRM core prints a file's fdinfo (drm_show_fdinfo(): the driver
 * name, the core's client id) and calls drm_driver.show_fdinfo for the
 * rest, with drm_print_memory_stats() for the memory keys. Since 6.5; on
 * 6.1 a driver prints every key itself from file_operations.show_fdinfo.
 */
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>

void nova_probe_show(struct drm_printer *p, struct drm_file *file);
void nova_probe_show(struct drm_printer *p, struct drm_file *file)
{
	struct drm_memory_stats stats = {};

	drm_print_memory_stats(p, &stats, DRM_GEM_OBJECT_RESIDENT, "system");
}

const struct drm_driver nova_probe_driver = {
	.show_fdinfo = nova_probe_show,
};

const void *nova_probe_fops_show = drm_show_fdinfo;

// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/<pid>/fdinfo/<fd> of a nova file: the kernel's drm-usage-stats
 * format (Documentation/gpu/drm-usage-stats.rst), which gputop, igt's
 * parser and nvtop read.
 *
 * Where the DRM core prints fdinfo (probe drm_driver_show_fdinfo), it
 * prints drm-driver and its own drm-client-id and calls
 * nova_show_fdinfo() for the rest; the memory keys then come from
 * drm_print_memory_stats(). Linux 6.1 has neither, so there nova prints
 * every key itself: the client id is the logic's (unique per device, never
 * reused). Either way the engine's busy time is what the engine spent
 * running the file's jobs, and the memory keys are summed over the file's
 * handles when read (objects shared by handle or dma-buf count in every
 * file that has a handle, as drm_show_memory_stats() does).
 */

#include <linux/idr.h>
#include <linux/seq_file.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>

#include "nova_drv.h"

struct nova_fdinfo_memory {
	u64 total;
	u64 shared;
	u64 resident;
};

static void nova_fdinfo_memory(struct drm_file *file, struct nova_fdinfo_memory *mem)
{
	struct drm_gem_object *obj;
	int id;

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, id) {
		struct drm_gem_shmem_object *shmem = to_drm_gem_shmem_obj(obj);

		mem->total += obj->size;
		if (obj->handle_count > 1)
			mem->shared += obj->size;
		/* Pages of its own, or the exporter's, are resident. */
		if (READ_ONCE(shmem->pages) || obj->import_attach)
			mem->resident += obj->size;
	}
	spin_unlock(&file->table_lock);
}

/*
 * The engine's one class, named "render": the class name is the driver's
 * to choose, and igt 1.27.1's parser knows only render, copy, video and
 * video-enhance.
 */
#define NOVA_FDINFO_ENGINE "render"

#if NOVA_HAVE_DRM_DRIVER_SHOW_FDINFO
void nova_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct nova_logic_file_stats stats;
	struct nova_fdinfo_memory mem = {};
	struct drm_memory_stats status;

	if (!file->driver_priv)
		return;
	nova_logic_file_get_stats(file->driver_priv, &stats);
	nova_fdinfo_memory(file, &mem);

	drm_printf(p, "drm-engine-%s:\t%llu ns\n", NOVA_FDINFO_ENGINE, stats.engine_busy_ns);
	drm_printf(p, "drm-engine-capacity-%s:\t%u\n", NOVA_FDINFO_ENGINE, 1);
	status = (struct drm_memory_stats){
		.shared = mem.shared,
		.private = mem.total - mem.shared,
		.resident = mem.resident,
	};
	drm_print_memory_stats(p, &status, DRM_GEM_OBJECT_RESIDENT, "system");
	/* The older spelling of drm-resident-*, which nova printed first. */
	drm_printf(p, "drm-memory-system:\t%llu KiB\n", mem.resident >> 10);
}
#else
void nova_show_fdinfo(struct seq_file *m, struct file *f)
{
	struct drm_file *file = f->private_data;
	struct nova_logic_file_stats stats;
	struct nova_fdinfo_memory mem = {};

	if (!file->driver_priv)
		return;
	nova_logic_file_get_stats(file->driver_priv, &stats);
	nova_fdinfo_memory(file, &mem);

	seq_printf(m, "drm-driver:\t%s\n", NOVA_DRIVER_NAME);
	seq_printf(m, "drm-client-id:\t%llu\n", stats.client_id);
	seq_printf(m, "drm-engine-%s:\t%llu ns\n", NOVA_FDINFO_ENGINE, stats.engine_busy_ns);
	seq_printf(m, "drm-engine-capacity-%s:\t%u\n", NOVA_FDINFO_ENGINE, 1);
	/* drm-memory-* is the older spelling of drm-resident-*. */
	seq_printf(m, "drm-memory-system:\t%llu KiB\n", mem.resident >> 10);
	seq_printf(m, "drm-total-system:\t%llu KiB\n", mem.total >> 10);
	seq_printf(m, "drm-shared-system:\t%llu KiB\n", mem.shared >> 10);
	seq_printf(m, "drm-resident-system:\t%llu KiB\n", mem.resident >> 10);
}
#endif

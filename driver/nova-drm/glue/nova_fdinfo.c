// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/<pid>/fdinfo/<fd> of a nova file: the kernel's drm-usage-stats
 * format (Documentation/gpu/drm-usage-stats.rst), which gputop, igt's
 * parser and nvtop read.
 *
 * Linux 6.1 has neither drm_show_fdinfo() nor the DRM core's client ids, so
 * nova prints the keys itself: the client id is the logic's (unique per
 * device, never reused), the engine's busy time is what the engine spent
 * running the file's jobs, and the memory keys are summed over the file's
 * handles when read (objects shared by handle or dma-buf count in every
 * file that has a handle, as drm_show_memory_stats() does on later
 * kernels).
 */

#include <linux/idr.h>
#include <linux/seq_file.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>

#include "nova_drv.h"

struct nova_fdinfo_memory {
	u64 total;
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
		/* Pages of its own, or the exporter's, are resident. */
		if (READ_ONCE(shmem->pages) || obj->import_attach)
			mem->resident += obj->size;
	}
	spin_unlock(&file->table_lock);
}

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
	/*
	 * The engine's one class, named "render": the class name is the
	 * driver's to choose, and igt 1.27.1's parser knows only render,
	 * copy, video and video-enhance.
	 */
	seq_printf(m, "drm-engine-render:\t%llu ns\n", stats.engine_busy_ns);
	seq_printf(m, "drm-engine-capacity-render:\t%u\n", 1);
	/* drm-memory-* is the older spelling of drm-resident-*. */
	seq_printf(m, "drm-memory-system:\t%llu KiB\n", mem.resident >> 10);
	seq_printf(m, "drm-total-system:\t%llu KiB\n", mem.total >> 10);
	seq_printf(m, "drm-resident-system:\t%llu KiB\n", mem.resident >> 10);
}

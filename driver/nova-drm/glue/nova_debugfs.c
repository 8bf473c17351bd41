// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: the logic's accounting, so tests and developers can see that
 * objects and bytes return to zero once clients are gone.
 *
 * /sys/kernel/debug/dri/<minor>/nova_stats  device and per-client counters
 * /sys/kernel/debug/dri/<minor>/nova_queues every queue, its state and first fault
 * /sys/kernel/debug/dri/<minor>/nova_vm     every client's GPU VA mappings
 * /sys/kernel/debug/dri/<minor>/nova_function  the function the device
 *                                            drives: kind and revision
 * /sys/kernel/debug/dri/<minor>/nova_ioctl_delay_us  a test hook, not uAPI:
 *                                            how long every nova ioctl sleeps
 *                                            inside drm_dev_enter()
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/pid.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>

#include "nova_drv.h"
#include "nova_function.h"

static int nova_stats_show(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct drm_device *drm = node->minor->dev;
	struct nova_logic_device_stats stats;
	struct drm_file *file;

	nova_logic_device_get_stats(to_nova_device(drm)->logic, &stats);
	seq_printf(m, "objects: %llu\n", stats.objects);
	seq_printf(m, "object_bytes: %llu\n", stats.object_bytes);
	seq_printf(m, "files: %llu\n", stats.files);
	seq_printf(m, "mappings: %llu\n", stats.mappings);
	seq_printf(m, "mapping_bytes: %llu\n", stats.mapping_bytes);

	seq_puts(m, "clients:\n");
	mutex_lock(&drm->filelist_mutex);
	list_for_each_entry(file, &drm->filelist, lhead) {
		struct nova_logic_file_stats fstats;

		if (!file->driver_priv)
			continue;
		nova_logic_file_get_stats(file->driver_priv, &fstats);
		seq_printf(m, "  pid %d objects %llu bytes %llu mappings %llu\n", pid_nr(file->pid),
			   fstats.objects, fstats.object_bytes, fstats.mappings);
	}
	mutex_unlock(&drm->filelist_mutex);
	return 0;
}

struct nova_vm_show_ctx {
	struct seq_file *m;
	pid_t pid;
};

static void nova_vm_show_mapping(void *data, const struct nova_logic_mapping_info *info)
{
	struct nova_vm_show_ctx *ctx = data;

	seq_printf(ctx->m, "client %d va 0x%llx-0x%llx object %llu offset 0x%llx flags 0x%x\n",
		   ctx->pid, info->va_start, info->va_end, info->object_id, info->bo_offset,
		   info->flags);
}

static int nova_vm_show(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct drm_device *drm = node->minor->dev;
	struct drm_file *file;

	mutex_lock(&drm->filelist_mutex);
	list_for_each_entry(file, &drm->filelist, lhead) {
		struct nova_vm_show_ctx ctx = { .m = m, .pid = pid_nr(file->pid) };

		if (file->driver_priv)
			nova_logic_file_for_each_mapping(file->driver_priv, nova_vm_show_mapping, &ctx);
	}
	mutex_unlock(&drm->filelist_mutex);
	return 0;
}

/*
 * Reads the function, so only while it is there: a reader that raced with
 * the function's removal gets -ENODEV (see nova_drv.c's list of the paths
 * that touch the function).
 */
static int nova_function_show(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct drm_device *drm = node->minor->dev;
	struct nova_device *ndev = to_nova_device(drm);
	const struct nova_function_info *info;
	struct device *bus_dev;
	int idx;

	if (!ndev->fn)
		return -ENODEV;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	info = nova_function_get_info(ndev->fn);
	bus_dev = nova_function_bus_device(ndev->fn);
	seq_printf(m, "kind: %s\n", info->name);
	seq_printf(m, "revision: %u.%u\n", info->major, info->minor);
	seq_printf(m, "virtual: %s\n", info->is_virtual ? "yes" : "no");
	seq_printf(m, "bus: %s %s\n", dev_bus_name(bus_dev), dev_name(bus_dev));
	drm_dev_exit(idx);
	return 0;
}

static int nova_queues_debugfs_show(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;

	nova_queues_show(m, to_nova_device(node->minor->dev));
	return 0;
}

static int nova_ioctl_delay_get(void *data, u64 *val)
{
	struct nova_device *ndev = data;

	*val = READ_ONCE(ndev->ioctl_delay_us);
	return 0;
}

/* Bounded, since every ioctl in flight holds off the device's unplug. */
static int nova_ioctl_delay_set(void *data, u64 val)
{
	struct nova_device *ndev = data;

	if (val > NOVA_IOCTL_DELAY_MAX_US)
		return -EINVAL;
	WRITE_ONCE(ndev->ioctl_delay_us, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(nova_ioctl_delay_fops, nova_ioctl_delay_get, nova_ioctl_delay_set,
			 "%llu\n");

static const struct drm_info_list nova_debugfs_list[] = {
	{ "nova_stats", nova_stats_show, 0, NULL },
	{ "nova_vm", nova_vm_show, 0, NULL },
	{ "nova_function", nova_function_show, 0, NULL },
	{ "nova_queues", nova_queues_debugfs_show, 0, NULL },
};

void nova_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(nova_debugfs_list, ARRAY_SIZE(nova_debugfs_list),
				 minor->debugfs_root, minor);
	/*
	 * Root only: a delay slows every client of the device. The file
	 * goes before the drm_device (drm_dev_unregister()), and the
	 * attribute's own guard keeps a write from outliving it.
	 */
	debugfs_create_file_unsafe("nova_ioctl_delay_us", 0600, minor->debugfs_root,
				   to_nova_device(minor->dev), &nova_ioctl_delay_fops);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * nova: a DRM GPU driver skeleton whose logic lives in freestanding C++
 * (driver/nova-drm/logic/) behind this C glue.
 *
 * This file reads in the order of the driver's life: module parameters, the
 * drm_driver, the auxiliary driver's probe and remove, module init and exit.
 *
 * nova.ko is the auxiliary driver of nova_core.ko's functions
 * (nova_function.h): one DRM device per function, made when nova_core's
 * auxiliary device nova_core.drm.<id> binds and unplugged when it goes.
 * Loaded without nova_core functions, nova simply has no device.
 */

#include <linux/auxiliary_bus.h>
#include <linux/dma-mapping.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sizes.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>

#include "nova_drv.h"
#include "nova_function.h"

/*
 * Module parameters: each has a range, checked at load (nova_check_params());
 * a value outside it refuses the load with -EINVAL and a message naming the
 * parameter and its range. Documentation/limits.rst explains the choices.
 */
#define NOVA_BUDGET_MIB_DEFAULT		1024
#define NOVA_MAX_MAPPINGS_CAP		(1u << 24)

static unsigned int max_object_mib = 256;
module_param(max_object_mib, uint, 0444);
MODULE_PARM_DESC(max_object_mib,
		 "Largest GEM object in MiB: 1 to object_budget_mib (default 256)");

static unsigned int object_budget_mib = NOVA_BUDGET_MIB_DEFAULT;
module_param(object_budget_mib, uint, 0444);
MODULE_PARM_DESC(object_budget_mib,
		 "MiB all live GEM objects of the device may total: 1 to the larger of 1024 and the system's RAM in MiB, at least max_object_mib (default 1024)");

static unsigned int max_mappings = 1u << 20;
module_param(max_mappings, uint, 0444);
MODULE_PARM_DESC(max_mappings,
		 "Most live GPU VA mappings of one open file: 1 to 16777216 (default 1048576)");

static unsigned int job_timeout_ms = 1000;
module_param(job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "How long a job may run before the engine's watchdog ends it, in ms: 10 to 60000 (default 1000)");

/*
 * The GEM driver's file operations, plus fdinfo (nova_fdinfo.c): the DRM
 * core's where it has one, which calls back nova_show_fdinfo().
 */
static const struct file_operations nova_fops = {
	.owner = THIS_MODULE,
	DRM_GEM_FOPS,
#if NOVA_HAVE_DRM_DRIVER_SHOW_FDINFO
	.show_fdinfo = drm_show_fdinfo,
#else
	.show_fdinfo = nova_show_fdinfo,
#endif
};

static const struct drm_driver nova_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open = nova_open,
	.postclose = nova_postclose,
	.gem_create_object = nova_gem_create_object,
	/*
	 * PRIME through the DRM core's ioctls: the shmem helper's hooks,
	 * spelled out rather than DRM_GEM_SHMEM_DRIVER_OPS, which would also
	 * add dumb buffers, objects outside the logic's accounting. An imported
	 * foreign dma-buf becomes a nova_gem_object without a record of the logic
	 * (see nova_gem.c); a nova dma-buf imported back resolves to the
	 * original object.
	 */
	.gem_prime_import = nova_gem_prime_import,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
#if NOVA_HAVE_DRM_DRIVER_GEM_PRIME_MMAP
	/* Kernels that do not default them yet (drm_driver_gem_prime_mmap.c). */
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_mmap = drm_gem_prime_mmap,
#endif
#if NOVA_HAVE_DRM_DRIVER_SHOW_FDINFO
	.show_fdinfo = nova_show_fdinfo,
#endif
	.ioctls = nova_ioctls,
	.num_ioctls = ARRAY_SIZE(nova_ioctls),
#if defined(CONFIG_DEBUG_FS)
	.debugfs_init = nova_debugfs_init,
#endif
	.fops = &nova_fops,
	.name = NOVA_DRIVER_NAME,
	.desc = NOVA_DRIVER_DESC,
	.date = NOVA_DRIVER_DATE,
	.major = NOVA_DRIVER_MAJOR,
	.minor = NOVA_DRIVER_MINOR,
	.patchlevel = NOVA_DRIVER_PATCHLEVEL,
};

/* Drops the glue's reference when the last user of the drm_device is gone. */
static void nova_logic_release(struct drm_device *drm, void *logic)
{
	nova_logic_device_put(logic);
}

/* The DMA device outlives the function while imported buffers need it. */
static void nova_dma_dev_put(struct drm_device *drm, void *dma_dev)
{
	put_device(dma_dev);
}

/*
 * The GPU VA space every client gets: 47 bits like common GPUs, minus the
 * first MiB so that a GPU null pointer always faults.
 */
#define NOVA_VA_START		SZ_1M
#define NOVA_VA_END		BIT_ULL(47)
#define NOVA_VM_BIND_MAX_OPS	4096

static int nova_check_param(const char *name, unsigned int value, unsigned int min,
			    unsigned int max, const char *max_name)
{
	if (value >= min && value <= max)
		return 0;
	pr_err("nova: %s=%u is out of range: %u to %u%s%s%s\n", name, value, min, max,
	       max_name ? " (" : "", max_name ?: "", max_name ? ")" : "");
	return -EINVAL;
}

/*
 * The budget's cap: the system's RAM, so that the budget is something the
 * machine could actually hold, but never below the default, so that the
 * default loads everywhere (objects get their pages only when touched, and
 * those pages are charged to the toucher's memory cgroup).
 */
static unsigned int nova_budget_cap_mib(void)
{
	unsigned long ram_mib = totalram_pages() >> (20 - PAGE_SHIFT);

	return max_t(unsigned long, NOVA_BUDGET_MIB_DEFAULT, min_t(unsigned long, ram_mib, UINT_MAX));
}

/* The largest object follows the budget, so the budget is checked first. */
static int nova_check_params(void)
{
	return nova_check_param("object_budget_mib", object_budget_mib, 1,
				nova_budget_cap_mib(), "the larger of 1024 and RAM in MiB") ?:
	       nova_check_param("max_object_mib", max_object_mib, 1, object_budget_mib,
				"object_budget_mib") ?:
	       nova_check_param("max_mappings", max_mappings, 1, NOVA_MAX_MAPPINGS_CAP, NULL) ?:
	       nova_check_param("job_timeout_ms", job_timeout_ms, 10, 60000, NULL);
}

static int nova_logic_config(struct nova_logic_device_config *config)
{
	config->page_size = PAGE_SIZE;
	config->vram_bar_size = 0;
	config->va_start = NOVA_VA_START;
	config->va_size = NOVA_VA_END - NOVA_VA_START;
	config->va_alignment = PAGE_SIZE;
	config->vm_bind_max_ops = NOVA_VM_BIND_MAX_OPS;
	config->max_mappings = max_mappings;
	config->max_cmdbuf_size = NOVA_ENGINE_MAX_CMDBUF_SIZE;
	config->call_max_depth = NOVA_ENGINE_MAX_CALL_DEPTH;
	config->max_queues = NOVA_MAX_QUEUES;
	config->exec_max_cmdbufs = NOVA_EXEC_MAX_CMDBUFS;
	config->exec_max_syncs = NOVA_EXEC_MAX_SYNCS;
	config->queue_max_jobs = NOVA_QUEUE_MAX_JOBS;
	config->job_timeout_ms = job_timeout_ms;
	config->timestamp_frequency = NSEC_PER_SEC;
	if (check_shl_overflow((u64)max_object_mib, 20, &config->max_object_size) ||
	    check_shl_overflow((u64)object_budget_mib, 20, &config->object_budget))
		return -EINVAL;
	return 0;
}

/*
 * What touches the function (struct nova_function, nova_function.h), and
 * how each path knows it is still there:
 *  - nova_probe(): before drm_dev_register(), the function is valid (the
 *    auxiliary driver's probe is within its lifetime);
 *  - nova_remove(): likewise until it returns; drm_dev_unplug() there
 *    waits for every drm_dev_enter() section to end first;
 *  - debugfs nova_function (nova_debugfs.c): inside drm_dev_enter(), so it
 *    never reads a function whose remove has run;
 *  - nova's ioctls (nova_file.c): QUEUE_CREATE makes an engine channel on
 *    the function; every one runs inside drm_dev_enter() (nova_ioctl()),
 *    and none runs once remove returned. The DRM core refuses those that
 *    start after drm_dev_unplug() with -ENODEV; one already running when it
 *    came is waited for;
 *  - the queues' engine channels and the interrupt callback (nova_queue.c):
 *    nova_queues_unplug() in remove destroys every channel and unregisters
 *    the callback, under the lock queue creation and destruction take,
 *    and marks the function gone so that none is made again; a queue
 *    destroyed later (its file closing) finds its channel gone.
 * Nothing else does: the DRM core's ioctls (GEM_CLOSE, PRIME) and the
 * objects' callbacks serve the logic and the shmem helpers, which know no
 * function. A new path that reaches the function goes inside
 * drm_dev_enter() and joins this list.
 */

static int nova_probe(struct auxiliary_device *adev, const struct auxiliary_device_id *id)
{
	struct nova_logic_device_config config = {};
	const struct nova_function_info *info;
	struct nova_logic_device *logic;
	struct nova_function *fn;
	struct nova_device *ndev;
	struct drm_device *drm;
	struct device *bus_dev;
	int ret;

	fn = nova_function_from_auxdev(adev);
	if (!fn)
		return -ENODEV;
	bus_dev = nova_function_bus_device(fn);
	info = nova_function_get_info(fn);

	ret = nova_logic_config(&config);
	if (ret)
		return ret;

	/*
	 * nova's objects are only ever touched by the CPU (the GPU is
	 * virtual), so what it DMA-maps, another driver's dma-buf it imports,
	 * must be reachable by the CPU, nothing more. The function's bus device
	 * carries the function's own DMA limit (edu: 28 bits) and the guest has
	 * no swiotlb, so mapping for it refuses pages above 256 MiB. The
	 * auxiliary device, which is bound to nova.ko and to nothing else, is
	 * nova's DMA device instead, with a mask that reaches everything.
	 */
	ret = dma_coerce_mask_and_coherent(&adev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	/*
	 * The parent is the bus device (PCI or platform), which libdrm's
	 * drmGetDevices2() knows; it skips a DRM device whose parent is on the
	 * auxiliary bus. The drm_device is not managed on the parent's devres:
	 * that is nova_core's and is released only when nova_core unbinds, so
	 * every rebind of nova would add one. nova_remove() drops it instead.
	 */
	drm = drm_dev_alloc(&nova_drm_driver, bus_dev);
	if (IS_ERR(drm))
		return PTR_ERR(drm);

	ndev = drmm_kzalloc(drm, sizeof(*ndev), GFP_KERNEL);
	if (!ndev) {
		ret = -ENOMEM;
		goto err_put;
	}
	ndev->drm = drm;
	ndev->fn = fn;
	ndev->job_timeout_ms = job_timeout_ms;
	drm->dev_private = ndev;
	ret = nova_queues_init(ndev);
	if (ret)
		goto err_put;

	/*
	 * An imported buffer's attachment keeps the DMA device until the
	 * buffer is freed, which may be after remove: hold it as long as the
	 * drm_device. The reference keeps the struct device, never the function.
	 */
	ndev->dma_dev = get_device(&adev->dev);
	ret = drmm_add_action_or_reset(drm, nova_dma_dev_put, ndev->dma_dev);
	if (ret)
		goto err_put;

	ret = nova_logic_device_create(&config, &logic);
	if (ret)
		goto err_put;
	ret = drmm_add_action_or_reset(drm, nova_logic_release, logic);
	if (ret)
		goto err_put;
	ndev->logic = logic;

	auxiliary_set_drvdata(adev, ndev);
	ret = drm_dev_register(drm, 0);
	if (ret)
		goto err_unplug;

	dev_info(&adev->dev, "DRM device on %s %s (%s function %u.%u), minor %d\n",
		 dev_bus_name(bus_dev), dev_name(bus_dev), info->name, info->major,
		 info->minor, drm->primary->index);
	return 0;

err_unplug:
	nova_queues_unplug(ndev);
err_put:
	drm_dev_put(drm);
	return ret;
}

/*
 * The function goes when this returns. drm_dev_unplug() makes every later
 * ioctl, open and drm_dev_enter() fail with -ENODEV, waits for those already
 * inside drm_dev_enter() (every nova ioctl in flight among them), unregisters
 * the minors and zaps the clients' CPU mappings. Open files keep the
 * drm_device (and the logic) until the last one closes; the reference
 * dropped here is the probe's.
 */
static void nova_remove(struct auxiliary_device *adev)
{
	struct nova_device *ndev = auxiliary_get_drvdata(adev);

	/*
	 * First the VM_BINDs waiting inside drm_dev_enter() for binds, which
	 * may wait for a job only nova_queues_unplug() ends, or for a fence
	 * nobody signals: drm_dev_unplug() would wait for them.
	 */
	nova_binds_unplug(ndev);
	drm_dev_unplug(ndev->drm);
	/* The engine's channels and the interrupt callback go with the function. */
	nova_queues_unplug(ndev);
	drm_dev_put(ndev->drm);
}

static const struct auxiliary_device_id nova_auxdev_ids[] = {
	{ .name = NOVA_FUNCTION_AUXDEV_ID },
	{}
};
MODULE_DEVICE_TABLE(auxiliary, nova_auxdev_ids);

/* Without a .name, the auxiliary bus names the driver after the module: nova. */
static struct auxiliary_driver nova_auxdrv = {
	.id_table = nova_auxdev_ids,
	.probe = nova_probe,
	.remove = nova_remove,
};

/*
 * The parameters are the module's, so they are checked once, at load: a
 * value out of range refuses the load rather than every probe.
 */
static int __init nova_init(void)
{
	int ret;

	ret = nova_check_params();
	if (ret)
		return ret;
	return auxiliary_driver_register(&nova_auxdrv);
}

static void __exit nova_exit(void)
{
	auxiliary_driver_unregister(&nova_auxdrv);
	nova_sched_pool_free();
}

module_init(nova_init);
module_exit(nova_exit);

MODULE_DESCRIPTION(NOVA_DRIVER_DESC);
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(NOVA_CORE);

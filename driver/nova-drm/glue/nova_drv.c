// SPDX-License-Identifier: GPL-2.0
/*
 * nova: a DRM GPU driver skeleton whose logic lives in freestanding C++
 * (driver/nova-drm/logic/) behind this C glue.
 *
 * This file reads in the order of the driver's life: module parameters, the
 * drm_driver, and module init and exit, which create and destroy one virtual
 * device.
 *
 * The device is a platform device of nova's own ("nova"), so the module loads
 * without hardware and never binds to another driver's device: a virtio-gpu or
 * any real GPU in the same machine keeps its driver.
 */

#include <linux/dma-mapping.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>

#include "nova_drv.h"

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

DEFINE_DRM_GEM_FOPS(nova_fops);

static const struct drm_driver nova_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
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
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.gem_prime_mmap = drm_gem_prime_mmap,
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

static struct platform_device *nova_pdev;
static struct nova_device *nova_dev;

/* Drops the glue's reference when the last user of the drm_device is gone. */
static void nova_logic_release(struct drm_device *drm, void *logic)
{
	nova_logic_device_put(logic);
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
	       nova_check_param("max_mappings", max_mappings, 1, NOVA_MAX_MAPPINGS_CAP, NULL);
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
	if (check_shl_overflow((u64)max_object_mib, 20, &config->max_object_size) ||
	    check_shl_overflow((u64)object_budget_mib, 20, &config->object_budget))
		return -EINVAL;
	return 0;
}

static int nova_device_create(struct device *parent)
{
	struct nova_logic_device_config config = {};
	struct nova_logic_device *logic;
	struct nova_device *ndev;
	int ret;

	ret = nova_logic_config(&config);
	if (ret)
		return ret;

	ndev = devm_drm_dev_alloc(parent, &nova_drm_driver, struct nova_device, drm);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);

	ret = nova_logic_device_create(&config, &logic);
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(&ndev->drm, nova_logic_release, logic);
	if (ret)
		return ret;
	ndev->logic = logic;

	ret = drm_dev_register(&ndev->drm, 0);
	if (ret)
		return ret;
	nova_dev = ndev;
	return 0;
}

static int __init nova_init(void)
{
	int ret;

	ret = nova_check_params();
	if (ret)
		return ret;

	nova_pdev = platform_device_register_simple(NOVA_DRIVER_NAME, -1, NULL, 0);
	if (IS_ERR(nova_pdev))
		return PTR_ERR(nova_pdev);

	/* A devres group ties the drm_device's managed resources to this init. */
	if (!devres_open_group(&nova_pdev->dev, NULL, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto err_unregister;
	}
	/* Objects are plain shmem pages; a 64-bit mask lets importers map them. */
	dma_coerce_mask_and_coherent(&nova_pdev->dev, DMA_BIT_MASK(64));

	ret = nova_device_create(&nova_pdev->dev);
	if (ret)
		goto err_release;
	return 0;

err_release:
	devres_release_group(&nova_pdev->dev, NULL);
err_unregister:
	platform_device_unregister(nova_pdev);
	return ret;
}

static void __exit nova_exit(void)
{
	drm_dev_unregister(&nova_dev->drm);
	devres_release_group(&nova_pdev->dev, NULL);
	platform_device_unregister(nova_pdev);
}

module_init(nova_init);
module_exit(nova_exit);

MODULE_DESCRIPTION(NOVA_DRIVER_DESC);
MODULE_LICENSE("GPL");

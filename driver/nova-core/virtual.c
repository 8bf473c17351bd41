// SPDX-License-Identifier: GPL-2.0
/*
 * nova_core's virtual functions: functions made in software, so that nova
 * loads on a machine without QEMU's edu device (module parameter
 * virtual_functions).
 *
 * Each is a platform device of nova_core's own, nova_core_vf.N, bound by a
 * platform driver of the same name as the PCI driver. The platform bus is
 * one libdrm's device enumeration knows, so a DRM device parented on it is
 * found like one on a PCI function; and going through a driver's probe and
 * remove gives a virtual function the same life as a PCI one, sysfs unbind
 * and bind included. There are no registers; an interrupt is an irq_work,
 * which runs its handler in hard interrupt context like edu's MSI.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/dma-mapping.h>
#include <linux/irq_work.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "core.h"

#define NOVA_VF_NAME		"nova_core_vf"

/* The revision a virtual function reports: the edu revision it mimics. */
#define NOVA_VF_MAJOR		1
#define NOVA_VF_MINOR		0

struct nova_vf {
	struct nova_function *fn;
	struct irq_work irq_work;
	/* Raised bits not yet handled, merged like edu's status register. */
	atomic_t status;
};

static struct platform_device **nova_vf_devs;
static unsigned int nova_vf_count;

static void nova_vf_irq(struct irq_work *work)
{
	struct nova_vf *vf = container_of(work, struct nova_vf, irq_work);
	u32 status = atomic_xchg(&vf->status, 0);

	if (status)
		nova_function_dispatch(vf->fn, status);
}

static void nova_vf_raise(struct nova_function *fn, u32 status)
{
	struct nova_vf *vf = fn->priv;

	atomic_or(status, &vf->status);
	irq_work_queue(&vf->irq_work);
}

static void nova_vf_sync_irq(struct nova_function *fn)
{
	struct nova_vf *vf = fn->priv;

	irq_work_sync(&vf->irq_work);
}

static const struct nova_function_ops nova_vf_ops = {
	.raise = nova_vf_raise,
	.sync_irq = nova_vf_sync_irq,
};

static void nova_vf_stop_irq(void *data)
{
	struct nova_vf *vf = data;

	irq_work_sync(&vf->irq_work);
}

static const struct nova_function_info nova_vf_info = {
	.name = "virtual",
	.major = NOVA_VF_MAJOR,
	.minor = NOVA_VF_MINOR,
	.is_virtual = true,
};

/* As pci.c's probe: every undo is devres, the auxiliary device goes first. */
static int nova_vf_probe(struct platform_device *pdev)
{
	struct nova_function *fn;
	struct nova_vf *vf;
	int ret;

	vf = devm_kzalloc(&pdev->dev, sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return -ENOMEM;
	init_irq_work(&vf->irq_work, nova_vf_irq);

	/* No DMA engine limits it: buffers are plain pages, map them all. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	fn = nova_function_create(&pdev->dev, &nova_vf_info, &nova_vf_ops, vf);
	if (IS_ERR(fn))
		return PTR_ERR(fn);
	vf->fn = fn;

	/* A raise the DRM side made just before its remove ends before @fn. */
	ret = devm_add_action_or_reset(&pdev->dev, nova_vf_stop_irq, vf);
	if (ret)
		return ret;

	ret = nova_function_check_irq(fn, "irq_work");
	if (ret)
		return ret;

	ret = nova_function_publish(fn);
	if (ret)
		return ret;
	/* Tells nova_virtual_register() that the probe succeeded. */
	platform_set_drvdata(pdev, fn);
	return 0;
}

static const struct platform_device_id nova_vf_ids[] = {
	{ .name = NOVA_VF_NAME },
	{ }
};

static struct platform_driver nova_vf_driver = {
	.driver = {
		.name = NOVA_CORE_NAME,
		/* nova_virtual_register() checks the result right after. */
		.probe_type = PROBE_FORCE_SYNCHRONOUS,
	},
	.id_table = nova_vf_ids,
	.probe = nova_vf_probe,
};

static void nova_vf_destroy(void)
{
	while (nova_vf_count)
		platform_device_unregister(nova_vf_devs[--nova_vf_count]);
	kfree(nova_vf_devs);
	nova_vf_devs = NULL;
}

/**
 * nova_virtual_register() - register the platform driver and make functions
 * @count: how many virtual functions to make
 *
 * Return: 0 if all @count were made and probed, else a negative errno with
 * nothing left behind.
 */
int nova_virtual_register(unsigned int count)
{
	struct platform_device *pdev;
	int ret;

	ret = platform_driver_register(&nova_vf_driver);
	if (ret)
		return ret;
	if (!count)
		return 0;

	nova_vf_devs = kcalloc(count, sizeof(*nova_vf_devs), GFP_KERNEL);
	if (!nova_vf_devs) {
		ret = -ENOMEM;
		goto err_driver;
	}
	while (nova_vf_count < count) {
		pdev = platform_device_register_simple(NOVA_VF_NAME, nova_vf_count, NULL, 0);
		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			pr_err("cannot create virtual function %u: %d\n", nova_vf_count, ret);
			goto err_devs;
		}
		nova_vf_devs[nova_vf_count++] = pdev;
		/* The probe ran synchronously; its failure has said why. */
		if (!platform_get_drvdata(pdev)) {
			ret = -ENODEV;
			goto err_devs;
		}
	}
	return 0;

err_devs:
	nova_vf_destroy();
err_driver:
	platform_driver_unregister(&nova_vf_driver);
	return ret;
}

/* Removes the virtual functions (their remove first), then the driver. */
void nova_virtual_unregister(void)
{
	nova_vf_destroy();
	platform_driver_unregister(&nova_vf_driver);
}

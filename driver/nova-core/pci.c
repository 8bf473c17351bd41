// SPDX-License-Identifier: GPL-2.0
/*
 * nova_core's PCI driver: QEMU's edu device (1234:11e8) as the stand-in for
 * a GPU's PCI function.
 *
 * edu is a teaching device, but it has what the skeleton needs of a GPU
 * function: an identification register to check at probe, a register BAR,
 * and interrupts (MSI or INTx) that software can trigger. Its registers, all
 * 32 bits wide, as QEMU's hw/misc/edu.c implements them:
 *
 *   0x00  identification, 0xRRrr00ed: major RR, minor rr (QEMU: 0x010000ed)
 *   0x04  liveness: reads back the bitwise inverse of what was written
 *   0x24  interrupt status
 *   0x60  interrupt raise: the value written is ORed into the status, and
 *         the device interrupts while the status is not 0
 *   0x64  interrupt acknowledge: the bits written are cleared from the status
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "core.h"
#include "probes/nova_compat.h"

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8

#define EDU_REG_ID		0x00
#define EDU_REG_LIVENESS	0x04
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_RAISE	0x60
#define EDU_REG_IRQ_ACK		0x64
#define EDU_REGS_SIZE		0x80

/* edu's DMA engine masks addresses to 28 bits unless told otherwise. */
#define EDU_DMA_BITS		28

/* A pattern whose inverse is neither 0 nor all ones (a missing device). */
#define EDU_LIVENESS_PATTERN	0x6e6f7661

struct nova_pci {
	void __iomem *regs;
	int irq;
	bool msi;
};

static void nova_pci_raise(struct nova_function *fn, u32 status)
{
	struct nova_pci *np = fn->priv;

	writel(status, np->regs + EDU_REG_IRQ_RAISE);
}

static void nova_pci_sync_irq(struct nova_function *fn)
{
	struct nova_pci *np = fn->priv;

	synchronize_irq(np->irq);
}

static const struct nova_function_ops nova_pci_ops = {
	.raise = nova_pci_raise,
	.sync_irq = nova_pci_sync_irq,
};

static irqreturn_t nova_pci_irq(int irq, void *data)
{
	struct nova_function *fn = data;
	struct nova_pci *np = fn->priv;
	u32 status;

	status = readl(np->regs + EDU_REG_IRQ_STATUS);
	/*
	 * Zero: a shared INTx line raised by another device, or a second MSI
	 * for bits an earlier run already handled; only the first is not ours.
	 */
	if (!status)
		return np->msi ? IRQ_HANDLED : IRQ_NONE;
	/* All ones can also be a device gone by surprise, whose reads float. */
	if (status == U32_MAX && readl(np->regs + EDU_REG_ID) == U32_MAX)
		return IRQ_NONE;
	/* Acknowledge first: a raise from here on interrupts again. */
	writel(status, np->regs + EDU_REG_IRQ_ACK);
	nova_function_dispatch(fn, status);
	return IRQ_HANDLED;
}

/* edu must identify itself and answer, or it is not what we drive. */
static int nova_pci_identify(struct pci_dev *pdev, void __iomem *regs,
			     struct nova_function_info *info)
{
	u32 live;
	int ret;

	ret = nova_edu_identify(&pdev->dev, readl(regs + EDU_REG_ID), info);
	if (ret)
		return ret;

	writel(EDU_LIVENESS_PATTERN, regs + EDU_REG_LIVENESS);
	live = readl(regs + EDU_REG_LIVENESS);
	if (live != (u32)~EDU_LIVENESS_PATTERN) {
		dev_err(&pdev->dev,
			"liveness check failed: wrote 0x%08x, read 0x%08x instead of its inverse, refused\n",
			EDU_LIVENESS_PATTERN, live);
		return -ENODEV;
	}
	return 0;
}

static int nova_pci_setup_irq(struct pci_dev *pdev, struct nova_function *fn)
{
	struct nova_pci *np = fn->priv;
	int ret;

	/* Vectors are undone by pcim's devres, after devm_request_irq's. */
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX);
	if (ret < 0) {
		dev_err(&pdev->dev, "no MSI or INTx interrupt: %d\n", ret);
		return ret;
	}
	np->irq = pci_irq_vector(pdev, 0);
	np->msi = pdev->msi_enabled;

	/* A status left by an earlier driver must not fire at request_irq. */
	writel(U32_MAX, np->regs + EDU_REG_IRQ_ACK);

	ret = devm_request_irq(&pdev->dev, np->irq, nova_pci_irq,
			       np->msi ? 0 : IRQF_SHARED, NOVA_CORE_NAME, fn);
	if (ret) {
		dev_err(&pdev->dev, "cannot request IRQ %d: %d\n", np->irq, ret);
		return ret;
	}
	return 0;
}

/*
 * Every step's undo is devres, so that a failure at any step and a later
 * unbind both undo exactly what was done, in reverse: the auxiliary device
 * (published last) goes first, then the interrupt, the vectors, the
 * function, the mapping, the device enable.
 */
static int nova_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct nova_function_info info;
	struct nova_function *fn;
	struct nova_pci *np;
	char how[32];
	int ret;

	np = devm_kzalloc(&pdev->dev, sizeof(*np), GFP_KERNEL);
	if (!np)
		return -ENOMEM;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;

	if (pci_resource_len(pdev, 0) < EDU_REGS_SIZE) {
		dev_err(&pdev->dev, "BAR0 is %llu bytes, smaller than edu's registers, refused\n",
			(unsigned long long)pci_resource_len(pdev, 0));
		return -ENODEV;
	}
	ret = pcim_iomap_regions(pdev, BIT(0), NOVA_CORE_NAME);
	if (ret) {
		dev_err(&pdev->dev, "cannot map BAR0: %d\n", ret);
		return ret;
	}
	np->regs = pcim_iomap_table(pdev)[0];

	ret = nova_pci_identify(pdev, np->regs, &info);
	if (ret)
		return ret;

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(EDU_DMA_BITS));
	if (ret) {
		dev_err(&pdev->dev, "no %u-bit DMA: %d\n", EDU_DMA_BITS, ret);
		return ret;
	}
	/* MSI is a memory write by the device: it needs bus mastering. */
	pci_set_master(pdev);

	fn = nova_function_create(&pdev->dev, &info, &nova_pci_ops, np);
	if (IS_ERR(fn))
		return PTR_ERR(fn);

	ret = nova_pci_setup_irq(pdev, fn);
	if (ret)
		return ret;
	if (np->msi)
		snprintf(how, sizeof(how), "MSI, IRQ %d", np->irq);
	else
		snprintf(how, sizeof(how), "INTx, IRQ %d", np->irq);
	ret = nova_function_check_irq(fn, how);
	if (ret)
		return ret;

	return nova_function_publish(fn);
}

static const struct pci_device_id nova_pci_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, nova_pci_ids);

static struct pci_driver nova_pci_driver = {
	.name = NOVA_CORE_NAME,
	.id_table = nova_pci_ids,
	.probe = nova_pci_probe,
};

int nova_pci_register(void)
{
	return pci_register_driver(&nova_pci_driver);
}

void nova_pci_unregister(void)
{
	pci_unregister_driver(&nova_pci_driver);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * nova_core: what edu's identification register must read for the PCI probe
 * to accept the function.
 *
 * Apart from pci.c, and with no PCI or MMIO in it, so that the decision is a
 * function of the value read alone: KUnit checks it (tests/kunit/
 * core_edu_test.c) on UML, where there is no edu device to read from.
 */

#include <linux/device.h>

#include "core.h"

#define EDU_ID_MAGIC_MASK	0xffff
#define EDU_ID_MAGIC		0x00ed
#define EDU_ID_MAJOR(id)	((id) >> 24)
#define EDU_ID_MINOR(id)	(((id) >> 16) & 0xff)
/* The revision this driver knows; a new major may change the registers. */
#define EDU_MAJOR		1

/**
 * nova_edu_identify() - accept or refuse an edu identification register
 * @dev: the device the register was read from, for the message
 * @id: the value read, 0xRRrr00ed for edu revision RR.rr
 * @info: filled in with the function's kind and revision when accepted
 *
 * Return: 0; -ENODEV, with a message naming @id, for a value without edu's
 * form or a major revision other than the one this driver knows.
 */
int nova_edu_identify(struct device *dev, u32 id, struct nova_function_info *info)
{
	if ((id & EDU_ID_MAGIC_MASK) != EDU_ID_MAGIC) {
		dev_err(dev,
			"identification register reads 0x%08x, not an edu function (0xRRrr00ed), refused\n",
			id);
		return -ENODEV;
	}
	if (EDU_ID_MAJOR(id) != EDU_MAJOR) {
		dev_err(dev,
			"identification register reads 0x%08x: edu revision %u.%u, this driver knows only %u.x, refused\n",
			id, EDU_ID_MAJOR(id), EDU_ID_MINOR(id), EDU_MAJOR);
		return -ENODEV;
	}

	info->name = "edu";
	info->major = EDU_ID_MAJOR(id);
	info->minor = EDU_ID_MINOR(id);
	info->is_virtual = false;
	return 0;
}

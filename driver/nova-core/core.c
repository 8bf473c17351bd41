// SPDX-License-Identifier: GPL-2.0
/*
 * nova_core: the hardware module of nova. It binds the GPU functions, QEMU's
 * edu PCI device (pci.c) or functions made in software (virtual.c), and
 * gives each an auxiliary device, nova_core.drm.<id>, through which the DRM
 * driver uses the function (function.c, driver/include/nova_function.h).
 *
 * This file is the module: its parameter, init and exit.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "core.h"

/*
 * Each virtual function is a DRM device with its own minors and memory
 * accounting; a handful covers every multi-device test, more would only
 * exhaust DRM minors for nothing.
 */
#define NOVA_CORE_MAX_VIRTUAL_FUNCTIONS	8

static unsigned int virtual_functions;
module_param(virtual_functions, uint, 0444);
MODULE_PARM_DESC(virtual_functions,
		 "Virtual functions (software only, no MMIO) to create besides the PCI ones: 0 to 8 (default 0)");

static int __init nova_core_init(void)
{
	int ret;

	if (virtual_functions > NOVA_CORE_MAX_VIRTUAL_FUNCTIONS) {
		pr_err("virtual_functions=%u is out of range: 0 to %u\n",
		       virtual_functions, NOVA_CORE_MAX_VIRTUAL_FUNCTIONS);
		return -EINVAL;
	}

	ret = nova_pci_register();
	if (ret)
		return ret;
	ret = nova_virtual_register(virtual_functions);
	if (ret) {
		nova_pci_unregister();
		return ret;
	}
	return 0;
}

/* Unbinding each function deletes its auxiliary device before the rest. */
static void __exit nova_core_exit(void)
{
	nova_virtual_unregister();
	nova_pci_unregister();
}

module_init(nova_core_init);
module_exit(nova_core_exit);

MODULE_DESCRIPTION("nova core: GPU functions (QEMU edu or virtual) for the nova DRM driver");
MODULE_LICENSE("GPL");

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nova_function.h: the interface between nova_core.ko, which owns a GPU
 * function, and the DRM driver bound to that function's auxiliary device.
 *
 * A function is either QEMU's edu PCI device (the stand-in for a GPU's PCI
 * function) or a virtual function made in software. nova_core creates one
 * auxiliary device per function, nova_core.drm.<id>; the DRM side binds it
 * with an auxiliary_driver matching NOVA_FUNCTION_AUXDEV_ID and asks the
 * function only what this header offers. Nothing else of nova_core is
 * visible to it, so that the hardware can change behind this header.
 *
 * The symbols are in the NOVA_CORE namespace: a user says
 * MODULE_IMPORT_NS(NOVA_CORE).
 *
 * Lifetime: everything nova_function_from_auxdev() leads to is valid from
 * the auxiliary driver's probe until its remove returns, and no longer. The
 * function can go at any moment after that (sysfs unbind of nova_core, PCI
 * removal, hot unplug, module exit): nova_core first deletes the auxiliary
 * device, which runs the DRM side's remove, and only then frees the
 * function's interrupt and register mappings. So the DRM side must have
 * stopped using the function when its remove returns; a DRM device that
 * outlives the function (clients holding files) must not reach the function
 * from then on (drm_dev_unplug(), drm_dev_enter()).
 */

#ifndef NOVA_FUNCTION_H
#define NOVA_FUNCTION_H

#include <linux/types.h>

struct auxiliary_device;
struct device;
struct nova_function;

/* The name nova_core gives each function's auxiliary device. */
#define NOVA_FUNCTION_AUXDEV_NAME	"drm"

/*
 * What the DRM side's auxiliary_device_id table matches: the auxiliary bus
 * prefixes the creating module's name.
 */
#define NOVA_FUNCTION_AUXDEV_ID		"nova_core." NOVA_FUNCTION_AUXDEV_NAME

/**
 * struct nova_function_info - what a function is
 * @name: the kind of function: "edu" for QEMU's PCI device, "virtual" for
 *	one made in software
 * @major: major revision; for edu, read from its identification register
 * @minor: minor revision, likewise
 * @is_virtual: the function is software only: it has no registers, its
 *	interrupts are emulated, and its bus device is a platform device
 *
 * Constant for the function's lifetime.
 */
struct nova_function_info {
	const char *name;
	u8 major;
	u8 minor;
	bool is_virtual;
};

/**
 * typedef nova_function_irq_fn - interrupt callback of the DRM side
 * @fn: the function that interrupted
 * @status: the interrupt status bits raised, never 0; raises that arrive
 *	before the callback ran are merged into one call (the bits are ORed)
 * @data: the pointer given to nova_function_irq_register()
 *
 * Called in hard interrupt context with interrupts disabled, from the PCI
 * interrupt handler or, for a virtual function, from an irq_work: it must
 * not sleep, should be short (hand work to a workqueue), and must not call
 * nova_function_irq_unregister(). It may call nova_function_irq_raise().
 */
typedef void (*nova_function_irq_fn)(struct nova_function *fn, u32 status,
				     void *data);

/**
 * nova_function_from_auxdev() - the function behind an auxiliary device
 * @adev: the auxiliary device the DRM side's probe was given
 *
 * Return: the function, valid until the auxiliary driver's remove returns;
 * NULL (with a warning) if @adev was not created by nova_core.
 */
struct nova_function *nova_function_from_auxdev(struct auxiliary_device *adev);

/**
 * nova_function_bus_device() - the device to parent the DRM device on
 * @fn: the function
 *
 * The function's device on a real bus: the PCI device, or for a virtual
 * function a platform device of nova_core's. Userspace (libdrm's
 * drmGetDevices2()) knows these buses and not the auxiliary bus, so this,
 * not the auxiliary device, is the DRM device's parent. It is also the
 * device to DMA-map for what the function's hardware accesses: nova_core
 * has set its DMA mask to what the function can address (edu: 28 bits,
 * like the real device). Memory only the CPU touches needs no such limit.
 *
 * Managed resources (devm_*) of the DRM side belong on the auxiliary
 * device: the bus device's are nova_core's and are released only when
 * nova_core unbinds, not when the DRM side does.
 *
 * Return: the bus device. A reference taken with get_device() keeps the
 * struct device, not the function, alive.
 */
struct device *nova_function_bus_device(struct nova_function *fn);

/**
 * nova_function_get_info() - what the function is
 * @fn: the function
 *
 * Return: the function's constant description, valid as long as @fn.
 */
const struct nova_function_info *nova_function_get_info(const struct nova_function *fn);

/**
 * nova_function_irq_register() - route the function's interrupts to a callback
 * @fn: the function
 * @handler: called for each interrupt from now on, see nova_function_irq_fn
 * @data: passed to @handler
 *
 * A function has one callback. Interrupts raised before the callback is
 * registered are acknowledged and dropped.
 *
 * Return: 0; -EINVAL if @handler is NULL; -EBUSY if a callback is already
 * registered.
 */
int nova_function_irq_register(struct nova_function *fn,
			       nova_function_irq_fn handler, void *data);

/**
 * nova_function_irq_unregister() - stop calling the interrupt callback
 * @fn: the function
 *
 * When it returns, the callback is not running on any CPU and is never
 * called again, so its data may be freed. The DRM side must call it before
 * its remove returns. Process context: it waits for a running callback.
 */
void nova_function_irq_unregister(struct nova_function *fn);

/**
 * nova_function_irq_raise() - make the function raise an interrupt
 * @fn: the function
 * @status: the status bits the interrupt will carry, not 0
 *
 * edu raises a real interrupt (MSI, or INTx where MSI is unavailable) when
 * written its interrupt-raise register; a virtual function queues an
 * irq_work. Either way the callback runs later, asynchronously, in hard
 * interrupt context. Any context, including the callback itself.
 *
 * Return: 0; -EINVAL if @status is 0.
 */
int nova_function_irq_raise(struct nova_function *fn, u32 status);

#endif /* NOVA_FUNCTION_H */

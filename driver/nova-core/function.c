// SPDX-License-Identifier: GPL-2.0
/*
 * nova_core: a function's life, and the interface the DRM side calls
 * (driver/include/nova_function.h).
 *
 * The bus glue (pci.c, virtual.c) creates a function in its probe, checks
 * that the function's interrupts arrive, then publishes it as an auxiliary
 * device. Every step registers its undo with devres on the bus device, so
 * unbinding undoes them in the reverse order: the auxiliary device goes
 * first, taking the DRM side with it, and only then the interrupt and the
 * register mappings that the DRM side could have been using.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "core.h"

/* Long enough for an interrupt round trip in a loaded TCG guest. */
#define NOVA_FUNCTION_IRQ_TIMEOUT_MS	1000

/* Auxiliary device ids, unique among all functions of every kind. */
static DEFINE_IDA(nova_function_ida);

static void nova_function_release(struct device *dev)
{
	struct nova_function *fn = container_of(dev, struct nova_function, adev.dev);

	ida_free(&nova_function_ida, fn->adev.id);
	kfree(fn);
}

static void nova_function_put(void *data)
{
	struct nova_function *fn = data;

	auxiliary_device_uninit(&fn->adev);
}

static void nova_function_engine_fini(void *data)
{
	nova_engine_fini(data);
}

/**
 * nova_function_create() - make a function on a bus device being probed
 * @bus_dev: the PCI or platform device
 * @info: what the function is (copied)
 * @ops: its kind's operations
 * @priv: the bus glue's state, for @ops
 *
 * The function is dropped by devres when @bus_dev unbinds; undo actions
 * added after this call run before that, so they may use the function.
 *
 * Return: the function, or an ERR_PTR().
 */
struct nova_function *nova_function_create(struct device *bus_dev,
					   const struct nova_function_info *info,
					   const struct nova_function_ops *ops,
					   void *priv)
{
	struct nova_function *fn;
	int ret;

	fn = kzalloc(sizeof(*fn), GFP_KERNEL);
	if (!fn)
		return ERR_PTR(-ENOMEM);

	ret = ida_alloc(&nova_function_ida, GFP_KERNEL);
	if (ret < 0) {
		kfree(fn);
		return ERR_PTR(ret);
	}
	fn->adev.id = ret;
	fn->adev.name = NOVA_FUNCTION_AUXDEV_NAME;
	fn->adev.dev.parent = bus_dev;
	fn->adev.dev.release = nova_function_release;
	fn->bus_dev = bus_dev;
	fn->info = *info;
	fn->ops = ops;
	fn->priv = priv;
	spin_lock_init(&fn->irq_lock);

	/* Until the device is initialized, its release cannot free it. */
	ret = auxiliary_device_init(&fn->adev);
	if (ret) {
		ida_free(&nova_function_ida, fn->adev.id);
		kfree(fn);
		return ERR_PTR(ret);
	}

	ret = devm_add_action_or_reset(bus_dev, nova_function_put, fn);
	if (ret)
		return ERR_PTR(ret);

	/*
	 * Undone before the function is dropped and after everything added
	 * later: the auxiliary device (and with it the DRM side and its
	 * channels) is gone by then.
	 */
	ret = nova_engine_init(fn);
	if (ret)
		return ERR_PTR(ret);
	ret = devm_add_action_or_reset(bus_dev, nova_function_engine_fini, fn);
	if (ret)
		return ERR_PTR(ret);
	return fn;
}

static void nova_function_irq_seen(struct nova_function *fn, u32 status, void *data)
{
	complete(data);
}

/**
 * nova_function_check_irq() - check that the function's interrupts arrive
 * @fn: the function, not yet published
 * @how: how its interrupts are delivered, for the error message
 *
 * Goes through the interface the DRM side will use, so a function that
 * passes has a working raise, handler and dispatch.
 *
 * Return: 0, or -EIO with a message if no interrupt arrived in time.
 */
int nova_function_check_irq(struct nova_function *fn, const char *how)
{
	DECLARE_COMPLETION_ONSTACK(seen);
	unsigned long left;
	int ret;

	ret = nova_function_irq_register(fn, nova_function_irq_seen, &seen);
	if (ret)
		return ret;
	nova_function_irq_raise(fn, BIT(0));
	left = wait_for_completion_timeout(&seen,
					   msecs_to_jiffies(NOVA_FUNCTION_IRQ_TIMEOUT_MS));
	/* Waits for a late callback, which must not find @seen gone. */
	nova_function_irq_unregister(fn);
	if (!left) {
		dev_err(fn->bus_dev,
			"interrupt test failed: raised one, none arrived within %u ms (%s)\n",
			NOVA_FUNCTION_IRQ_TIMEOUT_MS, how);
		return -EIO;
	}
	return 0;
}

static void nova_function_unpublish(void *data)
{
	struct nova_function *fn = data;

	/* Unbinds the DRM side, whose remove unregisters its callback. */
	auxiliary_device_delete(&fn->adev);

	/*
	 * A DRM side that broke the rule must not be called into after this:
	 * its module may be on its way out.
	 */
	if (READ_ONCE(fn->irq_handler)) {
		dev_warn(fn->bus_dev, "interrupt callback still registered after remove, dropped\n");
		nova_function_irq_unregister(fn);
	}
}

/**
 * nova_function_publish() - create the function's auxiliary device
 * @fn: the function, ready for the DRM side
 *
 * The last step of a probe: the DRM side can bind from here on, and devres
 * deletes the auxiliary device first when the bus device unbinds.
 *
 * Return: 0 or a negative errno.
 */
int nova_function_publish(struct nova_function *fn)
{
	int ret;

	ret = auxiliary_device_add(&fn->adev);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(fn->bus_dev, nova_function_unpublish, fn);
	if (ret)
		return ret;
	dev_info(fn->bus_dev, "%s function %u.%u is %s\n", fn->info.name,
		 fn->info.major, fn->info.minor, dev_name(&fn->adev.dev));
	return 0;
}

/**
 * nova_function_dispatch() - hand an interrupt to the registered callback
 * @fn: the function that interrupted
 * @status: its status bits, not 0
 *
 * Called by the bus glue's interrupt handler, in hard interrupt context.
 * The callback runs outside @fn->irq_lock so that it may raise again and
 * so that its own locks never nest inside ours; unregistering waits for it
 * with @fn->ops->sync_irq instead.
 */
void nova_function_dispatch(struct nova_function *fn, u32 status)
{
	nova_function_irq_fn handler;
	unsigned long flags;
	void *data;

	spin_lock_irqsave(&fn->irq_lock, flags);
	handler = fn->irq_handler;
	data = fn->irq_data;
	spin_unlock_irqrestore(&fn->irq_lock, flags);
	if (handler)
		handler(fn, status, data);
}

/* --- the interface, see nova_function.h ------------------------------------ */

struct nova_function *nova_function_from_auxdev(struct auxiliary_device *adev)
{
	/* An auxiliary driver matching the wrong name must not get garbage. */
	if (WARN_ON(adev->dev.release != nova_function_release))
		return NULL;
	return container_of(adev, struct nova_function, adev);
}
EXPORT_SYMBOL_NS_GPL(nova_function_from_auxdev, NOVA_CORE);

struct device *nova_function_bus_device(struct nova_function *fn)
{
	return fn->bus_dev;
}
EXPORT_SYMBOL_NS_GPL(nova_function_bus_device, NOVA_CORE);

const struct nova_function_info *nova_function_get_info(const struct nova_function *fn)
{
	return &fn->info;
}
EXPORT_SYMBOL_NS_GPL(nova_function_get_info, NOVA_CORE);

int nova_function_irq_register(struct nova_function *fn,
			       nova_function_irq_fn handler, void *data)
{
	int ret = 0;

	if (!handler)
		return -EINVAL;
	spin_lock_irq(&fn->irq_lock);
	if (fn->irq_handler) {
		ret = -EBUSY;
	} else {
		fn->irq_handler = handler;
		fn->irq_data = data;
	}
	spin_unlock_irq(&fn->irq_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(nova_function_irq_register, NOVA_CORE);

void nova_function_irq_unregister(struct nova_function *fn)
{
	might_sleep();
	spin_lock_irq(&fn->irq_lock);
	fn->irq_handler = NULL;
	fn->irq_data = NULL;
	spin_unlock_irq(&fn->irq_lock);
	/* A dispatch that read the old callback has finished calling it. */
	fn->ops->sync_irq(fn);
}
EXPORT_SYMBOL_NS_GPL(nova_function_irq_unregister, NOVA_CORE);

int nova_function_irq_raise(struct nova_function *fn, u32 status)
{
	if (!status)
		return -EINVAL;
	fn->ops->raise(fn, status);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(nova_function_irq_raise, NOVA_CORE);

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

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/types.h>

#include "nova_engine.h"

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

/*
 * The command engine.
 *
 * Every function has one engine (its C++ decoder and executor are
 * nova_engine.h) with any number of channels: a channel runs the jobs given
 * to it one after the other, in submission order, and channels run
 * independently of each other, so a job waiting for a semaphore on one
 * channel never holds up another. A job reaches memory only through the
 * translation its submitter supplies (struct nova_engine_ops, the
 * submitter's MMU).
 *
 * When a job ends, the engine puts it on the function's completion list and
 * raises NOVA_FUNCTION_IRQ_ENGINE: the DRM side's interrupt callback then
 * takes the ended jobs with nova_function_engine_reap() and signals their
 * fences from there, in interrupt context, as with real hardware.
 */

/*
 * The engine's fixed limits (struct nova_engine_limits), which nova.ko
 * reports as NOVA_GETPARAM_MAX_CMDBUF_SIZE and NOVA_GETPARAM_CALL_MAX_DEPTH
 * and checks EXEC's command buffers against.
 */
#define NOVA_ENGINE_MAX_CMDBUF_SIZE	(1u << 20)
#define NOVA_ENGINE_MAX_CALL_DEPTH	4

/* The interrupt status bit of the engine's completions. */
#define NOVA_FUNCTION_IRQ_ENGINE	BIT(0)

struct nova_engine_channel;

/**
 * struct nova_engine_job - one job for the engine
 * @bufs: the command buffers, checked (nova_engine.h), valid until the job
 *	has been reaped
 * @buf_count: how many
 * @ops: the submitter's MMU, clock and watchdog (nova_engine.h); called
 *	from the engine's worker, in process context, while the job runs
 * @ctx: passed to @ops
 * @fault: out, valid once reaped: why the job ended (type NOVA_FAULT_NONE:
 *	it ran to the end; NOVA_ENGINE_STOPPED: the channel was destroyed or
 *	the job was cancelled before or while it ran)
 * @link: the engine's, from submission until the job is reaped
 *
 * The submitter owns the job; the engine uses it from
 * nova_function_engine_submit() until it hands it back through
 * nova_function_engine_reap().
 */
struct nova_engine_job {
	const struct nova_engine_cmdbuf *bufs;
	u32 buf_count;
	const struct nova_engine_ops *ops;
	void *ctx;
	struct nova_engine_fault fault;
	struct list_head link;
};

/**
 * nova_function_engine_channel_create() - make a channel on the engine
 * @fn: the function
 * @high_priority: run the channel's jobs on the engine's high-priority
 *	workers
 *
 * Return: the channel, or an ERR_PTR: -ENOMEM. Process context.
 */
struct nova_engine_channel *nova_function_engine_channel_create(struct nova_function *fn,
								 bool high_priority);

/**
 * nova_function_engine_submit() - queue a job on a channel
 * @ch: the channel
 * @job: the job, whose @bufs, @buf_count, @ops and @ctx are set
 *
 * Never fails and never sleeps: any context. The job runs after every job
 * submitted to @ch before it has ended.
 */
void nova_function_engine_submit(struct nova_engine_channel *ch, struct nova_engine_job *job);

/**
 * nova_function_engine_channel_destroy() - stop a channel and free it
 * @ch: the channel
 *
 * Its jobs that have not started end with NOVA_ENGINE_STOPPED without
 * running; the running one is told to stop (its ops->check() and the
 * engine's own checks between commands end it with NOVA_ENGINE_STOPPED),
 * and the call waits for that. When it returns, every job submitted to
 * @ch is on the completion list: the caller reaps them
 * (nova_function_engine_reap()), since interrupts may have been
 * unregistered by then. Process context.
 */
void nova_function_engine_channel_destroy(struct nova_engine_channel *ch);

/**
 * typedef nova_engine_reap_fn - receives one ended job
 * @job: the job, handed back to its submitter
 * @data: the pointer given to nova_function_engine_reap()
 */
typedef void (*nova_engine_reap_fn)(struct nova_engine_job *job, void *data);

/**
 * nova_function_engine_reap() - take the ended jobs
 * @fn: the function
 * @reap: called for each ended job, in the order the jobs ended; with a
 *	spinlock of the engine's released: it may submit again
 * @data: passed to @reap
 *
 * Any context: from the interrupt callback, or in process context after
 * nova_function_engine_channel_destroy(). Jobs of one channel are handed
 * back in submission order.
 */
void nova_function_engine_reap(struct nova_function *fn, nova_engine_reap_fn reap, void *data);

#endif /* NOVA_FUNCTION_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nova_core's private declarations, shared by the function layer
 * (function.c) and the bus glue that makes functions (pci.c, virtual.c).
 * What the DRM side sees is driver/include/nova_function.h, never this.
 */

#ifndef NOVA_CORE_PRIV_H
#define NOVA_CORE_PRIV_H

#include <linux/atomic.h>
#include <linux/auxiliary_bus.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include "nova_function.h"

#define NOVA_CORE_NAME		"nova_core"

/**
 * struct nova_function_ops - what differs between kinds of function
 * @raise: make the function interrupt with @status (not 0)
 * @sync_irq: wait until no interrupt of the function is being handled
 */
struct nova_function_ops {
	void (*raise)(struct nova_function *fn, u32 status);
	void (*sync_irq)(struct nova_function *fn);
};

struct workqueue_struct;

/**
 * struct nova_engine - a function's command engine (engine.c)
 * @wq: the workers of normal and low priority channels
 * @wq_high: those of high-priority channels
 * @done_lock: guards @done and @reaping; taken in any context
 * @done: ended jobs, in the order they ended, until reaped
 * @reaping: someone is in nova_function_engine_reap()
 * @channels: channels made and not yet destroyed
 *
 * Its limits are NOVA_ENGINE_MAX_CMDBUF_SIZE and NOVA_ENGINE_MAX_CALL_DEPTH
 * (nova_function.h), which nova.ko reports as GETPARAMs.
 */
struct nova_engine {
	struct workqueue_struct *wq;
	struct workqueue_struct *wq_high;
	spinlock_t done_lock;
	struct list_head done;
	bool reaping;
	atomic_t channels;
};

/**
 * struct nova_function - one function and its auxiliary device
 * @adev: the auxiliary device; its release frees the function
 * @bus_dev: the PCI or platform device the function lives on
 * @info: what the function is
 * @ops: its kind's operations
 * @priv: its bus glue's state, valid while the bus device is bound
 * @irq_lock: guards @irq_handler and @irq_data
 * @irq_handler: the registered interrupt callback, or NULL
 * @irq_data: its argument
 * @engine: its command engine, from its creation until its auxiliary
 *	device has been deleted
 *
 * Lives in its auxiliary device's reference count rather than in devres,
 * so that a reference someone took on the auxiliary device never points
 * at freed memory.
 */
struct nova_function {
	struct auxiliary_device adev;
	struct device *bus_dev;
	struct nova_function_info info;
	const struct nova_function_ops *ops;
	void *priv;

	/* Only swaps the callback; never held while it runs. */
	spinlock_t irq_lock;
	nova_function_irq_fn irq_handler;
	void *irq_data;

	struct nova_engine engine;
};

struct nova_function *nova_function_create(struct device *bus_dev,
					   const struct nova_function_info *info,
					   const struct nova_function_ops *ops,
					   void *priv);
int nova_function_check_irq(struct nova_function *fn, const char *how);
int nova_function_publish(struct nova_function *fn);
void nova_function_dispatch(struct nova_function *fn, u32 status);

int nova_engine_init(struct nova_function *fn);
void nova_engine_fini(struct nova_function *fn);

int nova_edu_identify(struct device *dev, u32 id, struct nova_function_info *info);

/* pci.c, built only with CONFIG_PCI: without it there are virtual functions. */
#if IS_ENABLED(CONFIG_PCI)
int nova_pci_register(void);
void nova_pci_unregister(void);
#else
static inline int nova_pci_register(void)
{
	return 0;
}

static inline void nova_pci_unregister(void)
{
}
#endif

int nova_virtual_register(unsigned int count);
void nova_virtual_unregister(void);

#endif /* NOVA_CORE_PRIV_H */

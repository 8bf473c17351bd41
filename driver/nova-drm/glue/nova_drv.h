/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared declarations of nova's C glue.
 *
 * The glue is the only code that includes kernel headers. Its files follow the
 * DRM concepts: nova_drv.c registers the driver, nova_file.c holds the
 * per-client entry points and the ioctl table, nova_gem.c the objects,
 * nova_services.c what the C++ logic may ask of the kernel.
 */
#ifndef NOVA_DRV_H
#define NOVA_DRV_H

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/time64.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>

#include "nova_logic.h"
#include "nova_services.h"
#include "uapi/nova_drm.h"
#include "probes/nova_compat.h"

#define NOVA_DRIVER_NAME	"nova"
#define NOVA_DRIVER_DESC	"nova GPU driver skeleton (C++ logic)"
#define NOVA_DRIVER_DATE	"20261123"
#define NOVA_DRIVER_MAJOR	0
#define NOVA_DRIVER_MINOR	1
#define NOVA_DRIVER_PATCHLEVEL	0

/*
 * Allocations a client causes: every one the logic makes (nova_svc_zalloc()
 * and the locks it creates) and the glue's per-object ones. Clients cause
 * them at will, in numbers only nova's limits bound, so:
 *  - __GFP_ACCOUNT (GFP_KERNEL_ACCOUNT): charged to the memory cgroup of the
 *    calling process, as io_uring, BPF and the fd table charge theirs, so a
 *    client cannot pin kernel memory past its cgroup's limit;
 *  - __GFP_RETRY_MAYFAIL: after reclaim the allocation fails instead of
 *    calling the OOM killer, so the ioctl returns the documented -ENOMEM and
 *    the client decides what to give up;
 *  - __GFP_NOWARN: a client at its limit is no kernel problem, and must not
 *    be able to fill the log with allocation-failure reports.
 * The device's own allocations at module load go through the same services
 * and are charged to the loading process, which is harmless.
 */
#define NOVA_GFP_CLIENT		(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

struct nova_function;

/*
 * One per function (nova_drv.c). It lives in the drm_device's managed memory
 * (drmm) and is its dev_private: the drm_device comes from drm_dev_alloc(),
 * which gives a bare one, since it is parented on a device whose devres is
 * not nova's.
 */
struct nova_device {
	struct drm_device *drm;
	struct nova_logic_device *logic;
	/*
	 * The function: valid until nova_remove() returns, so reached only
	 * inside drm_dev_enter() once the device is registered. NULL for the
	 * KUnit suites' devices, which have none.
	 */
	struct nova_function *fn;
	/* What imported dma-bufs are attached to (nova_gem_prime_import()). */
	struct device *dma_dev;
	/*
	 * A test hook, not uAPI: how long every nova ioctl sleeps inside its
	 * drm_dev_enter() section, in microseconds (debugfs
	 * nova_ioctl_delay_us, nova_debugfs.c); 0 unless a test sets it.
	 */
	unsigned int ioctl_delay_us;
	/*
	 * Every queue of every file (nova_queue.c), so that nova_remove() can
	 * stop their engine channels before the function goes. Under
	 * queues_lock, which is also held while a queue stops, so that a
	 * queue never stops half way while the function goes.
	 */
	struct mutex queues_lock;
	struct list_head queues;
	/* Set by nova_remove() under queues_lock: no channel may be made. */
	bool function_gone;
	/*
	 * Every bind queue of every file (nova_bind.c), under queues_lock, so
	 * that nova_remove() can end the waits of VM_BINDs in flight before
	 * drm_dev_unplug() waits for them; binds_gone, set then, ends them and
	 * refuses new ones.
	 */
	struct list_head bind_queues;
	bool binds_gone;
	/* The job timeout of its queues, from the module parameter. */
	unsigned int job_timeout_ms;
};

/*
 * The queues' limits (NOVA_GETPARAM_*, Documentation/limits.rst): each
 * bounds what one file can make the kernel hold.
 */
#define NOVA_MAX_QUEUES		16
#define NOVA_EXEC_MAX_CMDBUFS	64
#define NOVA_EXEC_MAX_SYNCS	64
#define NOVA_QUEUE_MAX_JOBS	256

/* The hook's bound, so that a slip cannot hold off an unplug for long. */
#define NOVA_IOCTL_DELAY_MAX_US	USEC_PER_SEC

static inline struct nova_device *to_nova_device(struct drm_device *drm)
{
	return drm->dev_private;
}

/*
 * The logic knows files and objects only as opaque service handles; these are
 * the only places where a handle is turned back into a DRM type.
 */
static inline struct nova_svc_file *nova_svc_file_of(struct drm_file *file)
{
	return (struct nova_svc_file *)file;
}

static inline struct drm_file *nova_drm_file(struct nova_svc_file *file)
{
	return (struct drm_file *)file;
}

/* nova_services.c */
int nova_helper_alloc_errno(int err);

/* nova_file.c */
/* One slot per ioctl number up to the highest one defined. */
#define NOVA_NUM_IOCTLS		(DRM_NOVA_QUEUE_GET_STATE + 1)
extern const struct drm_ioctl_desc nova_ioctls[NOVA_NUM_IOCTLS];
int nova_open(struct drm_device *drm, struct drm_file *file);
void nova_postclose(struct drm_device *drm, struct drm_file *file);

/* nova_gem.c */
struct drm_gem_object *nova_gem_create_object(struct drm_device *drm, size_t size);
struct dma_buf;
struct drm_gem_object *nova_gem_prime_import(struct drm_device *drm, struct dma_buf *dma_buf);

/*
 * nova_gem.c: a mapped object's resident pages, mapped contiguously into
 * the kernel, for the engine's MMU; NULL before VM_BIND mapped it.
 */
void *nova_gem_resident_vaddr(struct nova_svc_gem *gem);

/* nova_queue.c */
int nova_queues_init(struct nova_device *ndev);
void nova_queues_unplug(struct nova_device *ndev);
/* nova_bind.c */
void nova_binds_unplug(struct nova_device *ndev);
void nova_sched_pool_free(void);
struct seq_file;
void nova_queues_show(struct seq_file *m, struct nova_device *ndev);

/* nova_mmu.c */
struct nova_engine_ops;
extern const struct nova_engine_ops nova_mmu_ops;

/*
 * nova_fdinfo.c: the driver's part of fdinfo, called by the DRM core's
 * drm_show_fdinfo() where it has one, else the whole of it.
 */
#if NOVA_HAVE_DRM_DRIVER_SHOW_FDINFO
struct drm_printer;
void nova_show_fdinfo(struct drm_printer *p, struct drm_file *file);
#else
struct seq_file;
struct file;
void nova_show_fdinfo(struct seq_file *m, struct file *f);
#endif

/* nova_debugfs.c */
void nova_debugfs_init(struct drm_minor *minor);

#endif /* NOVA_DRV_H */

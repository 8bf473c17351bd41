/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel interfaces that differ between the kernels nova builds for,
 * as the C glue uses them: one section per probe of this directory, each
 * reading the probe's answer from nova_probes.h (generated in the build
 * directory by scripts/kernel-probes.sh, see Kbuild) and giving the glue
 * one spelling that builds on either answer. Only the glue includes it;
 * the C++ logic and the uAPI never change with the kernel.
 *
 * A missing answer is an error naming its probe, never a silent 0: a
 * header from an older probe run, or a probe deleted by mistake, must not
 * build a driver for the wrong interface. Documentation/kernels.rst says
 * how to add a probe.
 */
#ifndef NOVA_COMPAT_H
#define NOVA_COMPAT_H

#include <linux/pci.h>

#include <drm/gpu_scheduler.h>

#include "nova_probes.h"

/* --- drm_sched_init_args, drm_sched_init_args_num_rqs --------------------- */

#ifndef NOVA_HAVE_DRM_SCHED_INIT_ARGS
#error "nova_probes.h has no answer for probe drm_sched_init_args (driver/probes/drm_sched_init_args.c)"
#endif
#ifndef NOVA_HAVE_DRM_SCHED_INIT_ARGS_NUM_RQS
#error "nova_probes.h has no answer for probe drm_sched_init_args_num_rqs (driver/probes/drm_sched_init_args_num_rqs.c)"
#endif

/*
 * A scheduler as nova's queues and bind queues want it: its own submit
 * workqueue or thread, every priority's run queue, no timeout (the
 * engine's watchdog ends jobs), credits counted in jobs.
 */
static inline int nova_sched_init(struct drm_gpu_scheduler *sched,
				  const struct drm_sched_backend_ops *ops, u32 credit_limit,
				  const char *name, struct device *dev)
{
#if NOVA_HAVE_DRM_SCHED_INIT_ARGS
	const struct drm_sched_init_args args = {
		.ops = ops,
#if NOVA_HAVE_DRM_SCHED_INIT_ARGS_NUM_RQS
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
#endif
		.credit_limit = credit_limit,
		.timeout = MAX_SCHEDULE_TIMEOUT,
		.name = name,
		.dev = dev,
	};

	return drm_sched_init(sched, &args);
#else
	return drm_sched_init(sched, ops, NULL, DRM_SCHED_PRIORITY_COUNT, credit_limit, 0,
			      MAX_SCHEDULE_TIMEOUT, NULL, NULL, name, dev);
#endif
}

/* --- drm_sched_job_init_credits ------------------------------------------- */

#ifndef NOVA_HAVE_DRM_SCHED_JOB_INIT_CREDITS
#error "nova_probes.h has no answer for probe drm_sched_job_init_credits (driver/probes/drm_sched_job_init_credits.c)"
#endif

/* A job of one credit: nova's schedulers count jobs. */
static inline int nova_sched_job_init(struct drm_sched_job *job, struct drm_sched_entity *entity,
				      void *owner)
{
#if NOVA_HAVE_DRM_SCHED_JOB_INIT_CREDITS
	return drm_sched_job_init(job, entity, 1, owner);
#else
	return drm_sched_job_init(job, entity, owner);
#endif
}

/* --- drm_sched_prepare_job ------------------------------------------------ */

#ifndef NOVA_HAVE_DRM_SCHED_PREPARE_JOB
#error "nova_probes.h has no answer for probe drm_sched_prepare_job (driver/probes/drm_sched_prepare_job.c)"
#endif

/* The member of drm_sched_backend_ops that hands out a job's waits. */
#if NOVA_HAVE_DRM_SCHED_PREPARE_JOB
#define nova_sched_next_wait prepare_job
#else
#define nova_sched_next_wait dependency
#endif

/* --- drm_sched_kthread ---------------------------------------------------- */

#ifndef NOVA_HAVE_DRM_SCHED_KTHREAD
#error "nova_probes.h has no answer for probe drm_sched_kthread (driver/probes/drm_sched_kthread.c)"
#endif

#if NOVA_HAVE_DRM_SCHED_KTHREAD
#include <linux/kthread.h>
#endif

/* Stops the scheduler from picking jobs, between two jobs, and restarts it. */
static inline void nova_sched_pause(struct drm_gpu_scheduler *sched)
{
#if NOVA_HAVE_DRM_SCHED_KTHREAD
	kthread_park(sched->thread);
#else
	drm_sched_wqueue_stop(sched);
#endif
}

static inline void nova_sched_resume(struct drm_gpu_scheduler *sched)
{
#if NOVA_HAVE_DRM_SCHED_KTHREAD
	kthread_unpark(sched->thread);
#else
	drm_sched_wqueue_start(sched);
#endif
}

/* --- drm_driver_gem_prime_mmap -------------------------------------------- */

#ifndef NOVA_HAVE_DRM_DRIVER_GEM_PRIME_MMAP
#error "nova_probes.h has no answer for probe drm_driver_gem_prime_mmap (driver/probes/drm_driver_gem_prime_mmap.c)"
#endif

/* --- drm_driver_show_fdinfo ----------------------------------------------- */

#ifndef NOVA_HAVE_DRM_DRIVER_SHOW_FDINFO
#error "nova_probes.h has no answer for probe drm_driver_show_fdinfo (driver/probes/drm_driver_show_fdinfo.c)"
#endif

/* --- pci_irq_intx --------------------------------------------------------- */

#ifndef NOVA_HAVE_PCI_IRQ_INTX
#error "nova_probes.h has no answer for probe pci_irq_intx (driver/probes/pci_irq_intx.c)"
#endif

#if !NOVA_HAVE_PCI_IRQ_INTX
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

#endif /* NOVA_COMPAT_H */

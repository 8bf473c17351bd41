// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: a drm_gpu_scheduler runs on a kthread of its own (sched->thread),
 * which can be parked. 6.1's design; since 6.8 the scheduler runs on a
 * submit workqueue, paused with drm_sched_wqueue_stop()/start().
 */
#include <linux/kthread.h>

#include <drm/gpu_scheduler.h>

void nova_probe(struct drm_gpu_scheduler *sched);
void nova_probe(struct drm_gpu_scheduler *sched)
{
	kthread_park(sched->thread);
}

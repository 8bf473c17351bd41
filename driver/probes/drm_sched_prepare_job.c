// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: the scheduler asks a job for the next fence to wait for through
 * drm_sched_backend_ops.prepare_job, the name 6.2 gave to 6.1's
 * .dependency (same signature). nova hands its waits out through this
 * callback rather than drm_sched_job_add_dependency(): the callback can stop
 * handing them out when a queue dies, whereas the scheduler makes a killed
 * job wait for every dependency added up front, which may be a fence
 * userspace never signals.
 */
#include <drm/gpu_scheduler.h>

struct dma_fence *nova_probe_next(struct drm_sched_job *job, struct drm_sched_entity *entity);

const struct drm_sched_backend_ops nova_probe_ops = {
	.prepare_job = nova_probe_next,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: drm_sched_job_init() takes the job's credits (its share of the
 * scheduler's credit_limit) before the owner. Since 6.8; 6.1 counts jobs,
 * not credits, and takes (job, entity, owner).
 */
#include <drm/gpu_scheduler.h>

int nova_probe(struct drm_sched_job *job, struct drm_sched_entity *entity, void *owner);
int nova_probe(struct drm_sched_job *job, struct drm_sched_entity *entity, void *owner)
{
	return drm_sched_job_init(job, entity, 1, owner);
}

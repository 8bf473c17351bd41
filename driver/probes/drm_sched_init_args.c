// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: drm_sched_init() takes its arguments in a struct drm_sched_init_args.
 * Upstream since 6.15; Debian's 6.1.192 has it backported, while 6.12.95
 * still takes them one by one (with a submit workqueue and a run-queue
 * count). Which of the two a kernel of a given version has cannot be told
 * from its version number.
 */
#include <drm/gpu_scheduler.h>

int nova_probe(struct drm_gpu_scheduler *sched, const struct drm_sched_backend_ops *ops);
int nova_probe(struct drm_gpu_scheduler *sched, const struct drm_sched_backend_ops *ops)
{
	const struct drm_sched_init_args args = { .ops = ops, .credit_limit = 1 };

	return drm_sched_init(sched, &args);
}

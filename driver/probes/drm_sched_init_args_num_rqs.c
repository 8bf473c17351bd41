// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: struct drm_sched_init_args has num_rqs, the number of run queues
 * (priorities) the scheduler allocates. The struct as upstream 6.15 has it
 * does; the one backported to Debian's 6.1 does not, as 6.1's scheduler has
 * a fixed set. Where the member exists, zero run queues would be taken at
 * its word: nova must fill it in.
 */
#include <drm/gpu_scheduler.h>

u32 nova_probe(const struct drm_sched_init_args *args);
u32 nova_probe(const struct drm_sched_init_args *args)
{
	return args->num_rqs;
}

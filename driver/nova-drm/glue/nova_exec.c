// SPDX-License-Identifier: GPL-2.0
/*
 * EXEC's kernel half: the logic has checked every argument; this resolves
 * the syncobjs, allocates everything the job needs and queues it, whole or
 * not at all.
 *
 * Waits become the job's dependencies (handed to drm_sched one by one,
 * nova_queue.c); signals get the job's finished fence once the job is
 * pushed (nova_sync.c resolves both). Everything that can fail (the lookups, the allocations, a
 * timeline's chain node) happens before drm_sched_job_arm(): after it the
 * job must be pushed, and installing a fence in a syncobj cannot fail.
 */

#include <linux/slab.h>

#include "nova_queue.h"

static struct nova_job *nova_job_alloc(struct nova_queue *q, const struct nova_svc_exec *exec)
{
	struct nova_job *job;
	u32 i;

	job = kzalloc(struct_size(job, bufs, exec->cmdbuf_count), NOVA_GFP_CLIENT);
	if (!job)
		return NULL;
	job->queue = q;
	job->buf_count = exec->cmdbuf_count;
	for (i = 0; i < exec->cmdbuf_count; i++) {
		job->bufs[i].va = exec->cmdbufs[i].va;
		job->bufs[i].size = exec->cmdbufs[i].size;
	}
	job->engine.bufs = job->bufs;
	job->engine.buf_count = job->buf_count;
	job->engine.ops = &nova_mmu_ops;
	job->engine.ctx = job;
	job->hw = kzalloc(sizeof(*job->hw), NOVA_GFP_CLIENT);
	if (!job->hw) {
		kfree(job);
		return NULL;
	}
	spin_lock_init(&job->hw->lock);
	return job;
}

/* Before the job is armed: everything it holds goes back. */
static void nova_job_discard(struct nova_job *job)
{
	nova_waits_fini(&job->waits);
	kfree(job->hw);
	kfree(job);
}

/* Room for one more unfinished job; the queue's limit bounds the memory. */
static int nova_exec_wait_room(struct nova_queue *q)
{
	if (wait_event_interruptible(q->jobs_wq, atomic_read(&q->jobs) < q->max_jobs))
		return -ERESTARTSYS;
	return 0;
}

struct nova_svc_status nova_svc_queue_exec(struct nova_svc_queue *svc,
					   const struct nova_svc_exec *exec, __u64 *seqno)
{
	struct nova_queue *q = (struct nova_queue *)svc;
	struct nova_signals signals = {};
	struct dma_fence *finished;
	struct nova_job *job;
	int ret;

	if (READ_ONCE(q->lost))
		return nova_svc_errno(-EIO);
	ret = nova_exec_wait_room(q);
	if (ret)
		return nova_svc_errno(ret);

	job = nova_job_alloc(q, exec);
	if (!job)
		return nova_svc_errno(-ENOMEM);
	ret = nova_syncs_resolve(q->file, exec->syncs, exec->sync_count, &job->waits, &signals);
	if (ret)
		goto err_free;
	ret = nova_sched_job_init(&job->base, &q->entity, q);
	if (ret) {
		ret = -ENOMEM;
		goto err_free;
	}

	/* Counted before it can be freed: free_job() uncounts it. */
	atomic_inc(&q->jobs);
	mutex_lock(&q->submit_lock);
	drm_sched_job_arm(&job->base);
	job->seqno = ++q->submitted;
	dma_fence_init(&job->hw->base, &nova_hw_fence_ops, &job->hw->lock, q->fence_context,
		       job->seqno);
	*seqno = job->seqno;
	finished = dma_fence_get(&job->base.s_fence->finished);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&q->submit_lock);
	/* The job may be running, or even gone, from here on: not touched again. */

	nova_signals_install(&signals, finished);
	dma_fence_put(finished);
	nova_signals_fini(&signals);
	return nova_svc_errno(0);

err_free:
	nova_job_discard(job);
	nova_signals_fini(&signals);
	return nova_svc_errno(ret);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * EXEC's kernel half: the logic has checked every argument; this resolves
 * the syncobjs, allocates everything the job needs and queues it, whole or
 * not at all.
 *
 * Waits become the job's dependencies (handed to drm_sched one by one,
 * nova_queue.c); signals get the job's finished fence once the job is
 * pushed. Everything that can fail (the lookups, the allocations, a
 * timeline's chain node) happens before drm_sched_job_arm(): after it the
 * job must be pushed, and installing a fence in a syncobj cannot fail.
 */

#include <linux/dma-fence-chain.h>
#include <linux/slab.h>

#include <drm/drm_syncobj.h>

#include "nova_queue.h"

/* A signal element, resolved: the syncobj and, for a timeline, its node. */
struct nova_signal {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

static void nova_signals_free(struct nova_signal *signals, u32 count)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (signals[i].syncobj)
			drm_syncobj_put(signals[i].syncobj);
		dma_fence_chain_free(signals[i].chain);
	}
	kfree(signals);
}

/*
 * Resolves the sync elements: each wait's fence into @job->deps, each
 * signal's syncobj (and chain node) into @signals.
 */
static int nova_exec_resolve(struct drm_file *file, const struct nova_svc_exec *exec,
			     struct nova_job *job, struct nova_signal *signals)
{
	u32 i, s = 0;
	int ret;

	for (i = 0; i < exec->sync_count; i++) {
		const struct drm_nova_sync *sync = &exec->syncs[i];

		if (sync->flags & NOVA_SYNC_WAIT) {
			/* -ENOENT without a syncobj, -EINVAL without a fence. */
			ret = drm_syncobj_find_fence(file, sync->handle, sync->point, 0,
						     &job->deps[job->dep_count]);
			if (ret)
				return ret;
			job->dep_count++;
			continue;
		}
		signals[s].syncobj = drm_syncobj_find(file, sync->handle);
		if (!signals[s].syncobj)
			return -ENOENT;
		signals[s].point = sync->point;
		if (sync->flags & NOVA_SYNC_TIMELINE) {
			signals[s].chain = dma_fence_chain_alloc();
			if (!signals[s].chain)
				return -ENOMEM;
		}
		s++;
	}
	return 0;
}

static void nova_exec_signal(struct nova_signal *signals, u32 count, struct dma_fence *fence)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (signals[i].chain) {
			drm_syncobj_add_point(signals[i].syncobj, signals[i].chain, fence,
					      signals[i].point);
			/* The timeline owns the node now. */
			signals[i].chain = NULL;
		} else {
			drm_syncobj_replace_fence(signals[i].syncobj, fence);
		}
	}
}

static struct nova_job *nova_job_alloc(struct nova_queue *q, const struct nova_svc_exec *exec,
				       u32 waits)
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
	job->deps = kcalloc(waits, sizeof(*job->deps), NOVA_GFP_CLIENT);
	job->hw = kzalloc(sizeof(*job->hw), NOVA_GFP_CLIENT);
	if ((waits && !job->deps) || !job->hw) {
		kfree(job->deps);
		kfree(job->hw);
		kfree(job);
		return NULL;
	}
	spin_lock_init(&job->hw->lock);
	return job;
}

/* Before the job is armed: everything it holds goes back. */
static void nova_job_discard(struct nova_job *job)
{
	u32 i;

	for (i = 0; i < job->dep_count; i++)
		dma_fence_put(job->deps[i]);
	kfree(job->deps);
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
	struct drm_file *file = NULL;
	struct nova_signal *signals;
	struct dma_fence *finished;
	u32 i, waits = 0, nsignals;
	struct nova_job *job;
	int ret;

	if (READ_ONCE(q->lost))
		return nova_svc_errno(-EIO);
	ret = nova_exec_wait_room(q);
	if (ret)
		return nova_svc_errno(ret);

	for (i = 0; i < exec->sync_count; i++)
		waits += !!(exec->syncs[i].flags & NOVA_SYNC_WAIT);
	nsignals = exec->sync_count - waits;
	signals = kcalloc(nsignals, sizeof(*signals), NOVA_GFP_CLIENT);
	job = nova_job_alloc(q, exec, waits);
	if ((nsignals && !signals) || !job) {
		ret = -ENOMEM;
		goto err_free;
	}

	file = q->file;
	ret = nova_exec_resolve(file, exec, job, signals);
	if (ret)
		goto err_free;
	ret = drm_sched_job_init(&job->base, &q->entity, q);
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

	nova_exec_signal(signals, nsignals, finished);
	dma_fence_put(finished);
	nova_signals_free(signals, nsignals);
	return nova_svc_errno(0);

err_free:
	if (job)
		nova_job_discard(job);
	nova_signals_free(signals, signals ? nsignals : 0);
	return nova_svc_errno(ret);
}

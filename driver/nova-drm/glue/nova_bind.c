// SPDX-License-Identifier: GPL-2.0
/*
 * Bind queues: where a file's asynchronous VM_BINDs wait (nova_services.h).
 *
 * A bind queue is a drm_gpu_scheduler (from the scheduler pool, like a
 * queue's) with one entity, so binds leave it in the order they were
 * pushed, each once its waits have signalled and the one before it has
 * run: an entity hands the scheduler its jobs first to last, and its head
 * blocks the rest. run_job() applies the batch (nova_logic_bind_run()) and
 * returns no hardware fence, so drm_sched signals the bind's finished fence,
 * which the signal syncobjs got, as soon as it returns, with the batch's
 * error if it had one. free_job() releases the batch, in the scheduler's
 * process context, away from the fence path: dropping a mapping's object
 * reference may free the object.
 *
 * A synchronous VM_BIND waits for the finished fence of the last bind
 * pushed (nova_svc_bind_queue_wait_idle()) before it applies; binds are
 * pushed under the queue's submit lock, which is what makes "last" well
 * defined.
 *
 * Both waits of a VM_BIND, for room on the queue and (synchronous) for
 * the binds pending, happen inside the ioctl's drm_dev_enter() section,
 * and what they wait for may be a job that only the unplug ends, after
 * drm_dev_unplug() waited for the section, or a fence nobody signals. So
 * they wait on the queue's jobs_wq, which free_job() wakes after a bind's
 * fence signalled and nova_binds_unplug() wakes at remove, before
 * drm_dev_unplug(): they end with -ENODEV then.
 *
 * Destroying the queue (the file closes, before its queues) drops the
 * binds still queued: the dependency callback hands out no more fences
 * once the queue is dying, so drm_sched_entity_fini() never waits for a
 * fence userspace holds, and run_job() applies nothing once it is dying,
 * so each dropped bind's fence signals with -ESRCH (drm_sched's, for the
 * ones it kills) without the batch being applied.
 */

#include <linux/slab.h>
#include <linux/wait.h>

#include <drm/drm_drv.h>
#include <drm/gpu_scheduler.h>

#include "nova_queue.h"

struct nova_bind_queue {
	struct drm_file *file;
	struct nova_device *ndev;
	/* In ndev->bind_queues, under its queues_lock. */
	struct list_head link;
	struct nova_sched_slot *slot;
	struct drm_sched_entity entity;
	/* Orders pushing with @last. */
	struct mutex submit_lock;
	/* The finished fence of the bind pushed last, under submit_lock. */
	struct dma_fence *last;
	/* Binds not freed yet: from submit until free_job(); wakes jobs_wq. */
	atomic_t jobs;
	wait_queue_head_t jobs_wq;
	bool dying;
};

struct nova_bind_job {
	struct drm_sched_job base;
	struct nova_bind_queue *queue;
	struct nova_logic_bind *bind;
	struct nova_waits waits;
};

static struct nova_bind_queue *to_nova_bind_queue(struct nova_svc_bind_queue *svc)
{
	return (struct nova_bind_queue *)svc;
}

static struct nova_bind_job *to_nova_bind_job(struct drm_sched_job *job)
{
	return container_of(job, struct nova_bind_job, base);
}

static struct dma_fence *nova_bind_dependency(struct drm_sched_job *sched_job,
					      struct drm_sched_entity *entity)
{
	struct nova_bind_job *job = to_nova_bind_job(sched_job);

	if (READ_ONCE(job->queue->dying))
		return NULL;
	return nova_waits_next(&job->waits);
}

/*
 * The bind's turn: applied whatever its waits signalled with (an unmap
 * that waited for a faulted job must still unmap). Not once the queue is
 * dying: drm_sched_entity_fini() first lets the scheduler pull every
 * queued job (the dependency callback hands out no more fences), and what
 * is pulled then is dropped, its fence signalling -ESRCH like a killed one.
 */
static struct dma_fence *nova_bind_run(struct drm_sched_job *sched_job)
{
	struct nova_bind_job *job = to_nova_bind_job(sched_job);
	int err;

	if (READ_ONCE(job->queue->dying))
		return ERR_PTR(-ESRCH);
	err = nova_logic_bind_run(job->bind);
	return err ? ERR_PTR(err) : NULL;
}

/* Never called: a bind has no hardware part (the timeout is infinite). */
static enum drm_gpu_sched_stat nova_bind_timedout(struct drm_sched_job *sched_job)
{
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void nova_bind_free(struct drm_sched_job *sched_job)
{
	struct nova_bind_job *job = to_nova_bind_job(sched_job);
	struct nova_bind_queue *q = job->queue;
	unsigned long flags;

	drm_sched_job_cleanup(sched_job);
	nova_waits_fini(&job->waits);
	nova_logic_bind_free(job->bind);
	kfree(job);

	/* Under the wait queue's lock: the destroyer takes it before freeing. */
	spin_lock_irqsave(&q->jobs_wq.lock, flags);
	atomic_dec(&q->jobs);
	wake_up_locked(&q->jobs_wq);
	spin_unlock_irqrestore(&q->jobs_wq.lock, flags);
}

static const struct drm_sched_backend_ops nova_bind_sched_ops = {
	.nova_sched_next_wait = nova_bind_dependency,
	.run_job = nova_bind_run,
	.timedout_job = nova_bind_timedout,
	.free_job = nova_bind_free,
};

struct nova_svc_status nova_svc_bind_queue_create(struct nova_svc_file *file,
						  struct nova_svc_bind_queue **out)
{
	struct drm_file *drm_file = nova_drm_file(file);
	struct drm_gpu_scheduler *sched;
	struct nova_bind_queue *q;
	int ret;

	q = kzalloc(sizeof(*q), NOVA_GFP_CLIENT);
	if (!q)
		return nova_svc_errno(-ENOMEM);
	q->slot = nova_sched_get();
	if (!q->slot)
		goto err_free;
	q->file = drm_file;
	q->ndev = to_nova_device(drm_file->minor->dev);
	mutex_init(&q->submit_lock);
	atomic_set(&q->jobs, 0);
	init_waitqueue_head(&q->jobs_wq);

	sched = &q->slot->sched;
	ret = nova_sched_init(sched, &nova_bind_sched_ops, 1, NOVA_SCHED_NAME,
			      drm_file->minor->dev->dev);
	if (ret)
		goto err_slot;
	ret = drm_sched_entity_init(&q->entity, DRM_SCHED_PRIORITY_NORMAL, &sched, 1, NULL);
	if (ret)
		goto err_sched;
	mutex_lock(&q->ndev->queues_lock);
	if (q->ndev->binds_gone) {
		mutex_unlock(&q->ndev->queues_lock);
		drm_sched_entity_fini(&q->entity);
		drm_sched_fini(sched);
		nova_sched_put(q->slot);
		mutex_destroy(&q->submit_lock);
		kfree(q);
		return nova_svc_errno(-ENODEV);
	}
	list_add_tail(&q->link, &q->ndev->bind_queues);
	mutex_unlock(&q->ndev->queues_lock);
	*out = (struct nova_svc_bind_queue *)q;
	return nova_svc_errno(0);

err_sched:
	drm_sched_fini(sched);
err_slot:
	nova_sched_put(q->slot);
	mutex_destroy(&q->submit_lock);
err_free:
	kfree(q);
	return nova_svc_errno(-ENOMEM);
}

void nova_svc_bind_queue_destroy(struct nova_svc_bind_queue *svc)
{
	struct nova_bind_queue *q = to_nova_bind_queue(svc);

	mutex_lock(&q->ndev->queues_lock);
	list_del(&q->link);
	mutex_unlock(&q->ndev->queues_lock);
	WRITE_ONCE(q->dying, true);
	/* Kills what has not run, without waiting for its fences. */
	nova_sched_entity_kill(&q->slot->sched, &q->entity);
	wait_event(q->jobs_wq, atomic_read(&q->jobs) == 0);
	/* The last nova_bind_free() has left the lock. */
	spin_lock_irq(&q->jobs_wq.lock);
	spin_unlock_irq(&q->jobs_wq.lock);
	drm_sched_fini(&q->slot->sched);
	nova_sched_put(q->slot);
	dma_fence_put(q->last);
	mutex_destroy(&q->submit_lock);
	kfree(q);
}

struct nova_svc_status nova_svc_bind_queue_submit(struct nova_svc_bind_queue *svc,
						  const struct drm_nova_sync *syncs, __u32 sync_count,
						  struct nova_logic_bind *bind)
{
	struct nova_bind_queue *q = to_nova_bind_queue(svc);
	struct nova_signals signals = {};
	struct dma_fence *finished, *prev;
	struct nova_bind_job *job;
	int ret;

	/* As many pending binds as a queue may have jobs: bounded memory. */
	if (wait_event_interruptible(q->jobs_wq, atomic_read(&q->jobs) < NOVA_QUEUE_MAX_JOBS ||
				     READ_ONCE(q->ndev->binds_gone)))
		return nova_svc_errno(-ERESTARTSYS);
	if (READ_ONCE(q->ndev->binds_gone))
		return nova_svc_errno(-ENODEV);
	job = kzalloc(sizeof(*job), NOVA_GFP_CLIENT);
	if (!job)
		return nova_svc_errno(-ENOMEM);
	job->queue = q;
	job->bind = bind;
	ret = nova_syncs_resolve(q->file, syncs, sync_count, &job->waits, &signals);
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
	finished = dma_fence_get(&job->base.s_fence->finished);
	prev = q->last;
	q->last = dma_fence_get(finished);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&q->submit_lock);
	/* The bind may have been applied and freed already: not touched again. */

	dma_fence_put(prev);
	nova_signals_install(&signals, finished);
	dma_fence_put(finished);
	nova_signals_fini(&signals);
	return nova_svc_errno(0);

err_free:
	nova_waits_fini(&job->waits);
	nova_signals_fini(&signals);
	kfree(job);
	return nova_svc_errno(ret);
}

struct nova_svc_status nova_svc_bind_queue_wait_idle(struct nova_svc_bind_queue *svc)
{
	struct nova_bind_queue *q = to_nova_bind_queue(svc);
	struct dma_fence *last;
	int ret;

	mutex_lock(&q->submit_lock);
	last = dma_fence_get(q->last);
	mutex_unlock(&q->submit_lock);
	if (!last)
		return nova_svc_errno(0);
	/*
	 * 0, -ERESTARTSYS or -ENODEV: nothing of the caller's was applied
	 * yet. The bind's free_job() wakes jobs_wq after its fence signalled.
	 */
	ret = wait_event_interruptible(q->jobs_wq, dma_fence_is_signaled(last) ||
				       READ_ONCE(q->ndev->binds_gone));
	if (!ret && !dma_fence_is_signaled(last))
		ret = -ENODEV;
	dma_fence_put(last);
	return nova_svc_errno(ret);
}

/* At remove, before drm_dev_unplug(): the waits above end, none starts. */
void nova_binds_unplug(struct nova_device *ndev)
{
	struct nova_bind_queue *q;

	mutex_lock(&ndev->queues_lock);
	ndev->binds_gone = true;
	list_for_each_entry(q, &ndev->bind_queues, link)
		wake_up_all(&q->jobs_wq);
	mutex_unlock(&ndev->queues_lock);
}

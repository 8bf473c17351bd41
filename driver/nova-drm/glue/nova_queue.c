// SPDX-License-Identifier: GPL-2.0
/*
 * Queues: their life, drm_sched's callbacks, and the interrupt path that
 * ends jobs (nova_queue.h says how a job travels).
 *
 * Lifetimes. The logic's Queue owns a nova_queue from
 * nova_svc_queue_create() until nova_svc_queue_destroy(), which stops it and
 * returns only once every job is freed: nothing of the queue outlives the
 * call but the fences, which are refcounted and hold nothing of it (the
 * hardware fence has its own lock and names no queue). The logic destroys
 * a file's queues before it tears its VA space down, so a job never reads
 * a VA space that is gone.
 *
 * Stopping (destroy, or the function going away in nova_remove()) destroys
 * the engine channel, which ends the running job and those queued on the
 * channel, and reaps them here; jobs still waiting for their fences are
 * killed by drm_sched_entity_fini() without waiting for those fences (the
 * dependency callback hands out no more once the queue is dying), so a
 * stop never waits on a fence userspace holds.
 */

#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>

#include "nova_queue.h"

static const char *nova_hw_fence_driver_name(struct dma_fence *fence)
{
	return NOVA_DRIVER_NAME;
}

static const char *nova_hw_fence_timeline_name(struct dma_fence *fence)
{
	return "engine";
}

const struct dma_fence_ops nova_hw_fence_ops = {
	.get_driver_name = nova_hw_fence_driver_name,
	.get_timeline_name = nova_hw_fence_timeline_name,
};

/* The errno a job's fences carry for why it ended (uapi/nova_drm.h). */
static int nova_fault_errno(const struct nova_queue *q, u32 type)
{
	switch (type) {
	case NOVA_FAULT_NONE:
		return 0;
	case NOVA_FAULT_UNMAPPED:
		return -EFAULT;
	case NOVA_FAULT_READONLY:
	case NOVA_FAULT_NOEXEC:
		return -EACCES;
	case NOVA_FAULT_INVALID_COMMAND:
		return -EILSEQ;
	case NOVA_FAULT_TIMEOUT:
		return -ETIMEDOUT;
	default:
		/* NOVA_ENGINE_STOPPED */
		return q->stop_error ?: -ECANCELED;
	}
}

/*
 * A job has ended: called from the function's interrupt callback, or in
 * process context right after a channel was destroyed. This is the fence
 * signalling path: it takes only the queue's spinlock and allocates
 * nothing. The first fault makes the queue lost, before the fence signals,
 * so that run_job() of the next job already sees it.
 */
static void nova_job_ended(struct nova_engine_job *engine_job, void *data)
{
	struct nova_job *job = container_of(engine_job, struct nova_job, engine);
	struct nova_queue *q = job->queue;
	u32 type = engine_job->fault.type;
	unsigned long flags;
	bool cookie;
	int err;

	spin_lock_irqsave(&q->lock, flags);
	err = nova_fault_errno(q, type);
	if (type != NOVA_FAULT_NONE && type != NOVA_ENGINE_STOPPED && !q->lost) {
		q->lost = true;
		q->fault = engine_job->fault;
		q->fault_seqno = job->seqno;
	}
	q->completed = job->seqno;
	spin_unlock_irqrestore(&q->lock, flags);

	if (job->started)
		nova_logic_file_add_busy(q->owner, ktime_to_ns(ktime_sub(ktime_get(), job->start)));

	cookie = dma_fence_begin_signalling();
	/*
	 * The finished fence too, which is what syncobjs hold: 6.1's
	 * scheduler signals it without looking at the hardware fence's error.
	 */
	if (err) {
		dma_fence_set_error(&job->hw->base, err);
		dma_fence_set_error(&job->base.s_fence->finished, err);
	}
	/* A job ends once: a second end would be a bug of the engine's. */
	WARN_ON_ONCE(dma_fence_signal(&job->hw->base));
	dma_fence_end_signalling(cookie);
}

static void nova_irq(struct nova_function *fn, u32 status, void *data)
{
	if (status & NOVA_FUNCTION_IRQ_ENGINE)
		nova_function_engine_reap(fn, nova_job_ended, data);
}

/* drm_sched asks for the job's dependencies one at a time. */
static struct dma_fence *nova_job_dependency(struct drm_sched_job *sched_job,
					     struct drm_sched_entity *entity)
{
	struct nova_job *job = to_nova_job(sched_job);

	/*
	 * A dying queue's jobs never run: drm_sched_entity_fini() would wait
	 * for each dependency it is given before it kills the job, and the
	 * dependency may be a fence userspace never signals.
	 */
	if (READ_ONCE(job->queue->dying))
		return NULL;
	return nova_waits_next(&job->waits);
}

static struct dma_fence *nova_job_run(struct drm_sched_job *sched_job)
{
	struct nova_job *job = to_nova_job(sched_job);
	struct nova_queue *q = job->queue;
	struct dma_fence *fence;
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&q->lock, flags);
	/*
	 * A dying queue's dependency callback hands out no more waits, so a
	 * job that gets here then may have waits that never signalled: it
	 * must not run, and ends as one the destroyer killed (-ESRCH, the
	 * uAPI's word for a job still waiting), whether it came before or
	 * after nova_queue_stop() took the channel.
	 */
	if (READ_ONCE(q->dying))
		err = -ESRCH;
	else if (!q->channel)
		err = q->stop_error;
	else if (q->lost || sched_job->s_fence->finished.error)
		/* Behind a fault, or a dependency failed: never runs. */
		err = -ECANCELED;
	if (err) {
		q->completed = job->seqno;
		spin_unlock_irqrestore(&q->lock, flags);
		return ERR_PTR(err);
	}
	/* The scheduler's reference; the job keeps its own until freed. */
	fence = dma_fence_get(&job->hw->base);
	nova_function_engine_submit(q->channel, &job->engine);
	spin_unlock_irqrestore(&q->lock, flags);
	return fence;
}

/* Never called: the engine's own watchdog ends jobs (timeout is infinite). */
static enum drm_gpu_sched_stat nova_job_timedout(struct drm_sched_job *sched_job)
{
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

/*
 * A job is gone: wakes an EXEC waiting for room and the destroyer waiting
 * for the last job. Under the wait queue's lock, which the destroyer takes
 * once more before it frees the queue, so this never touches a freed one.
 */
static void nova_queue_job_gone(struct nova_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->jobs_wq.lock, flags);
	atomic_dec(&q->jobs);
	wake_up_locked(&q->jobs_wq);
	spin_unlock_irqrestore(&q->jobs_wq.lock, flags);
}

static void nova_job_free(struct drm_sched_job *sched_job)
{
	struct nova_job *job = to_nova_job(sched_job);
	struct nova_queue *q = job->queue;

	drm_sched_job_cleanup(sched_job);
	nova_waits_fini(&job->waits);
	dma_fence_put(&job->hw->base);
	kfree(job);
	nova_queue_job_gone(q);
}

static const struct drm_sched_backend_ops nova_sched_ops = {
	.nova_sched_next_wait = nova_job_dependency,
	.run_job = nova_job_run,
	.timedout_job = nova_job_timedout,
	.free_job = nova_job_free,
};

/*
 * One job in flight on the engine per queue: the next one is handed over
 * only once the previous one ended, so that a job behind a fault never
 * starts (run_job() sees the queue lost).
 */
#define NOVA_QUEUE_HW_JOBS	1

/*
 * The scheduler pool. drm_sched's fences name their timeline through their
 * scheduler (drm_sched_fence_get_timeline_name() reads fence->sched->name)
 * for as long as anyone holds them: a sync_file or another process's
 * syncobj may keep a job's fence long after its queue is gone. So a
 * scheduler's memory is never freed while nova is loaded: a destroyed
 * queue's scheduler, finished with drm_sched_fini(), waits here for the
 * next queue or bind queue (drm_sched_init() sets all it uses; the name
 * is the same constant throughout), and module exit frees the pool. The pool holds at
 * most as many schedulers as there were queues at once.
 */
static LIST_HEAD(nova_sched_pool);
static DEFINE_MUTEX(nova_sched_pool_lock);

struct nova_sched_slot *nova_sched_get(void)
{
	struct nova_sched_slot *slot;

	mutex_lock(&nova_sched_pool_lock);
	slot = list_first_entry_or_null(&nova_sched_pool, struct nova_sched_slot, link);
	if (slot)
		list_del(&slot->link);
	mutex_unlock(&nova_sched_pool_lock);
	return slot ?: kzalloc(sizeof(*slot), NOVA_GFP_CLIENT);
}

void nova_sched_put(struct nova_sched_slot *slot)
{
	mutex_lock(&nova_sched_pool_lock);
	list_add(&slot->link, &nova_sched_pool);
	mutex_unlock(&nova_sched_pool_lock);
}

/*
 * Linux 6.1's drm_sched_entity_kill_jobs() chains each job it kills behind
 * the entity's last scheduled fence and takes a reference on that fence
 * for it, which it never drops when the fence has already signalled (the
 * callback is then called by hand, without the fence): every killed job
 * leaks the fence of the job scheduled last, and with it that job's
 * hardware fence. So the entity forgets that fence before it is finished,
 * with the scheduler paused (its thread parked, or its submit workqueue
 * stopped) so that nothing schedules from the entity meanwhile (it pauses
 * between two jobs: the last one it scheduled has been handed over and,
 * for the callers here, has ended, so nothing is left to chain the killed
 * jobs behind). 6.12's scheduler drops that reference itself; a fixed bug
 * shows in no compile probe, and forgetting the fence first is as correct
 * there, so every kernel takes this path.
 */
void nova_sched_entity_kill(struct drm_gpu_scheduler *sched, struct drm_sched_entity *entity)
{
	nova_sched_pause(sched);
	/* An __rcu pointer on later kernels; nothing reads it while paused. */
	dma_fence_put(rcu_dereference_protected(entity->last_scheduled, true));
	RCU_INIT_POINTER(entity->last_scheduled, NULL);
	drm_sched_entity_fini(entity);
	nova_sched_resume(sched);
}

/* At module exit: no queue is left, and no scheduler runs. */
void nova_sched_pool_free(void)
{
	struct nova_sched_slot *slot, *next;

	list_for_each_entry_safe(slot, next, &nova_sched_pool, link)
		kfree(slot);
	INIT_LIST_HEAD(&nova_sched_pool);
}

static struct nova_queue *to_nova_queue(struct nova_svc_queue *svc)
{
	return (struct nova_queue *)svc;
}

struct nova_svc_status nova_svc_queue_create(struct nova_svc_file *file,
					     struct nova_logic_file *owner, __u32 priority,
					     struct nova_svc_queue **out)
{
	struct nova_device *ndev = to_nova_device(nova_drm_file(file)->minor->dev);
	struct drm_gpu_scheduler *sched;
	struct nova_queue *q;
	int ret;

	if (!ndev->fn)
		return nova_svc_errno(-ENODEV);
	q = kzalloc(sizeof(*q), NOVA_GFP_CLIENT);
	if (!q)
		return nova_svc_errno(-ENOMEM);
	q->slot = nova_sched_get();
	if (!q->slot) {
		kfree(q);
		return nova_svc_errno(-ENOMEM);
	}
	q->ndev = ndev;
	q->file = nova_drm_file(file);
	q->owner = owner;
	q->high_priority = priority == NOVA_QUEUE_PRIORITY_HIGH;
	q->max_jobs = NOVA_QUEUE_MAX_JOBS;
	q->timeout_ns = (u64)ndev->job_timeout_ms * NSEC_PER_MSEC;
	q->fence_context = dma_fence_context_alloc(1);
	mutex_init(&q->submit_lock);
	atomic_set(&q->jobs, 0);
	init_waitqueue_head(&q->jobs_wq);
	spin_lock_init(&q->lock);

	sched = &q->slot->sched;
	ret = nova_sched_init(sched, &nova_sched_ops, NOVA_QUEUE_HW_JOBS, NOVA_SCHED_NAME,
			      ndev->drm->dev);
	if (ret)
		goto err_free;
	ret = drm_sched_entity_init(&q->entity, DRM_SCHED_PRIORITY_NORMAL, &sched, 1, NULL);
	if (ret)
		goto err_sched;

	mutex_lock(&ndev->queues_lock);
	if (ndev->function_gone) {
		ret = -ENODEV;
	} else {
		q->channel = nova_function_engine_channel_create(ndev->fn, q->high_priority);
		ret = PTR_ERR_OR_ZERO(q->channel);
	}
	if (ret) {
		q->channel = NULL;
		mutex_unlock(&ndev->queues_lock);
		goto err_entity;
	}
	list_add_tail(&q->link, &ndev->queues);
	mutex_unlock(&ndev->queues_lock);
	*out = (struct nova_svc_queue *)q;
	return nova_svc_errno(0);

err_entity:
	drm_sched_entity_destroy(&q->entity);
err_sched:
	drm_sched_fini(sched);
err_free:
	nova_sched_put(q->slot);
	kfree(q);
	return nova_svc_errno(ret == -ENODEV ? ret : -ENOMEM);
}

/*
 * Ends the queue's engine work: the channel's jobs end, the running one is
 * stopped, and all are reaped here, since interrupts may be gone. Later
 * run_job()s find no channel and fail with @error. Under queues_lock.
 */
static void nova_queue_stop(struct nova_queue *q, int error)
{
	struct nova_device *ndev = q->ndev;
	struct nova_engine_channel *ch;
	unsigned long flags;

	lockdep_assert_held(&ndev->queues_lock);
	spin_lock_irqsave(&q->lock, flags);
	ch = q->channel;
	q->channel = NULL;
	q->stop_error = error;
	spin_unlock_irqrestore(&q->lock, flags);
	if (!ch)
		return;
	nova_function_engine_channel_destroy(ch);
	nova_function_engine_reap(ndev->fn, nova_job_ended, ndev);
}

void nova_svc_queue_destroy(struct nova_svc_queue *svc)
{
	struct nova_queue *q = to_nova_queue(svc);
	struct nova_device *ndev = q->ndev;

	WRITE_ONCE(q->dying, true);
	mutex_lock(&ndev->queues_lock);
	nova_queue_stop(q, -ECANCELED);
	list_del(&q->link);
	mutex_unlock(&ndev->queues_lock);

	/* Kills what never ran, without waiting for its dependencies. */
	nova_sched_entity_kill(&q->slot->sched, &q->entity);
	/*
	 * Every job is on its way to free_job(): the ended ones through the
	 * scheduler's cleanup, the killed ones through its kill work. Both
	 * are bounded, so this wait is.
	 */
	wait_event(q->jobs_wq, atomic_read(&q->jobs) == 0);
	/* The last nova_queue_job_gone() has left the lock. */
	spin_lock_irq(&q->jobs_wq.lock);
	spin_unlock_irq(&q->jobs_wq.lock);
	drm_sched_fini(&q->slot->sched);
	nova_sched_put(q->slot);
	mutex_destroy(&q->submit_lock);
	kfree(q);
}

void nova_svc_queue_get_state(struct nova_svc_queue *svc, struct drm_nova_queue_get_state *state)
{
	struct nova_queue *q = to_nova_queue(svc);
	unsigned long flags;

	state->submitted = READ_ONCE(q->submitted);
	spin_lock_irqsave(&q->lock, flags);
	state->state = q->lost ? NOVA_QUEUE_STATE_LOST : NOVA_QUEUE_STATE_ACTIVE;
	state->fault_type = q->lost ? q->fault.type : NOVA_FAULT_NONE;
	state->fault_access = q->lost ? q->fault.access : NOVA_ACCESS_NONE;
	state->fault_va = q->lost ? q->fault.va : 0;
	state->fault_seqno = q->lost ? q->fault_seqno : 0;
	state->completed = q->completed;
	spin_unlock_irqrestore(&q->lock, flags);
}

/* debugfs nova_queues: every queue of the device, and its first fault. */
void nova_queues_show(struct seq_file *m, struct nova_device *ndev)
{
	struct drm_nova_queue_get_state state;
	struct nova_queue *q;

	mutex_lock(&ndev->queues_lock);
	list_for_each_entry(q, &ndev->queues, link) {
		nova_svc_queue_get_state((struct nova_svc_queue *)q, &state);
		seq_printf(m, "client %d queue %llx %s submitted %llu completed %llu",
			   pid_nr(q->file->pid), q->fence_context,
			   state.state == NOVA_QUEUE_STATE_LOST ? "lost" : "active",
			   state.submitted, state.completed);
		if (state.state == NOVA_QUEUE_STATE_LOST)
			seq_printf(m, " fault %u access %u va 0x%llx job %llu", state.fault_type,
				   state.fault_access, state.fault_va, state.fault_seqno);
		seq_putc(m, '\n');
	}
	mutex_unlock(&ndev->queues_lock);
}

/* At probe: the queue list and the interrupt callback that ends jobs. */
int nova_queues_init(struct nova_device *ndev)
{
	int ret;

	INIT_LIST_HEAD(&ndev->queues);
	INIT_LIST_HEAD(&ndev->bind_queues);
	ret = drmm_mutex_init(ndev->drm, &ndev->queues_lock);
	if (ret || !ndev->fn)
		return ret;
	return nova_function_irq_register(ndev->fn, nova_irq, ndev);
}

/*
 * At remove, after drm_dev_unplug(): no ioctl runs any more, but files
 * and their queues live on. Every queue's channel goes (its jobs' fences
 * signal with -ENODEV), and then the interrupt callback, before the
 * function does.
 */
void nova_queues_unplug(struct nova_device *ndev)
{
	struct nova_queue *q;

	mutex_lock(&ndev->queues_lock);
	ndev->function_gone = true;
	list_for_each_entry(q, &ndev->queues, link)
		nova_queue_stop(q, -ENODEV);
	mutex_unlock(&ndev->queues_lock);
	if (ndev->fn)
		nova_function_irq_unregister(ndev->fn);
}

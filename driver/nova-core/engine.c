// SPDX-License-Identifier: GPL-2.0
/*
 * nova_core: the function's command engine, the part of
 * driver/include/nova_function.h that runs jobs. The decoder and executor
 * are C++ (driver/nova-core/engine/, nova_engine.h); this file gives them
 * their workers.
 *
 * Every function has one engine: two workqueues (normal and high priority)
 * made with the function and destroyed after its auxiliary device is
 * deleted, and the completion list. A channel is one work item with its
 * own list of submitted jobs: the work drains that list in submission
 * order, so a channel never runs two jobs at once and channels never wait
 * for each other. An ended job goes to the completion list and the function
 * raises NOVA_FUNCTION_IRQ_ENGINE; the DRM side reaps from its interrupt
 * callback. Everything a job needs is allocated when its channel is made,
 * so submitting, running and completing never allocate.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/dma-fence.h>
#include <linux/list.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "uapi/nova_drm.h"

#include "core.h"

/*
 * struct nova_engine_channel - a channel, see nova_function.h
 * @fn: its function
 * @wq: the engine's workqueue it runs on (normal or high priority)
 * @work: drains @queue
 * @lock: guards @queue and @stopping; taken in any context
 * @queue: submitted jobs that have not started, in submission order
 * @stopping: set by nova_function_engine_channel_destroy(): the running
 *	job stops at its next check, the queued ones end without running
 * @job: the job being run, only touched by @work
 */
struct nova_engine_channel {
	struct nova_function *fn;
	struct workqueue_struct *wq;
	struct work_struct work;
	spinlock_t lock;
	struct list_head queue;
	bool stopping;
	struct nova_engine_job *job;
};

static const struct nova_engine_limits nova_engine_limits = {
	.max_cmdbuf_size = NOVA_ENGINE_MAX_CMDBUF_SIZE,
	.max_call_depth = NOVA_ENGINE_MAX_CALL_DEPTH,
};

/*
 * The ops the executor runs with: the job's own, behind a check that lets
 * the channel's stop flag win over whatever the job's check answers.
 */
static void nova_engine_begin_access(void *ctx)
{
	struct nova_engine_job *job = ((struct nova_engine_channel *)ctx)->job;

	job->ops->begin_access(job->ctx);
}

static void nova_engine_end_access(void *ctx)
{
	struct nova_engine_job *job = ((struct nova_engine_channel *)ctx)->job;

	job->ops->end_access(job->ctx);
}

static u32 nova_engine_translate(void *ctx, u64 va, u32 access, void **ptr, u64 *len)
{
	struct nova_engine_job *job = ((struct nova_engine_channel *)ctx)->job;

	return job->ops->translate(job->ctx, va, access, ptr, len);
}

static u64 nova_engine_timestamp(void *ctx)
{
	struct nova_engine_job *job = ((struct nova_engine_channel *)ctx)->job;

	return job->ops->timestamp(job->ctx);
}

static u32 nova_engine_check(void *ctx, int waiting)
{
	struct nova_engine_channel *ch = ctx;
	u32 ret;

	if (READ_ONCE(ch->stopping))
		return NOVA_ENGINE_STOPPED;
	ret = ch->job->ops->check(ch->job->ctx, waiting);
	/* The job's check may have slept while the channel was destroyed. */
	if (READ_ONCE(ch->stopping))
		return NOVA_ENGINE_STOPPED;
	return ret;
}

static const struct nova_engine_ops nova_engine_channel_ops = {
	.begin_access = nova_engine_begin_access,
	.end_access = nova_engine_end_access,
	.translate = nova_engine_translate,
	.timestamp = nova_engine_timestamp,
	.check = nova_engine_check,
};

/* Hands @job back: the completion list, then the interrupt. */
static void nova_engine_complete(struct nova_function *fn, struct nova_engine_job *job)
{
	struct nova_engine *engine = &fn->engine;
	unsigned long flags;

	spin_lock_irqsave(&engine->done_lock, flags);
	list_add_tail(&job->link, &engine->done);
	spin_unlock_irqrestore(&engine->done_lock, flags);
	nova_function_irq_raise(fn, NOVA_FUNCTION_IRQ_ENGINE);
}

static void nova_engine_channel_work(struct work_struct *work)
{
	struct nova_engine_channel *ch = container_of(work, struct nova_engine_channel, work);
	struct nova_engine_job *job;
	bool stopping, cookie;

	for (;;) {
		spin_lock_irq(&ch->lock);
		job = list_first_entry_or_null(&ch->queue, struct nova_engine_job, link);
		if (job)
			list_del_init(&job->link);
		stopping = ch->stopping;
		spin_unlock_irq(&ch->lock);
		if (!job)
			return;

		if (stopping) {
			job->fault.type = NOVA_ENGINE_STOPPED;
			job->fault.access = NOVA_ACCESS_NONE;
			job->fault.va = 0;
		} else {
			/*
			 * The job's end signals fences: lockdep must see all
			 * it does, its ops included, as signalling them.
			 */
			cookie = dma_fence_begin_signalling();
			ch->job = job;
			nova_engine_execute(&nova_engine_limits, job->bufs, job->buf_count,
					    &nova_engine_channel_ops, ch, &job->fault);
			ch->job = NULL;
			dma_fence_end_signalling(cookie);
		}
		nova_engine_complete(ch->fn, job);
		cond_resched();
	}
}

/**
 * nova_engine_init() - give a function being created its engine
 * @fn: the function
 *
 * Return: 0 or -ENOMEM.
 */
int nova_engine_init(struct nova_function *fn)
{
	struct nova_engine *engine = &fn->engine;

	spin_lock_init(&engine->done_lock);
	INIT_LIST_HEAD(&engine->done);
	atomic_set(&engine->channels, 0);
	engine->wq = alloc_workqueue("nova_engine.%d", WQ_UNBOUND | WQ_MEM_RECLAIM, 0,
				     fn->adev.id);
	if (!engine->wq)
		return -ENOMEM;
	engine->wq_high = alloc_workqueue("nova_engine_hi.%d",
					  WQ_UNBOUND | WQ_MEM_RECLAIM | WQ_HIGHPRI, 0,
					  fn->adev.id);
	if (!engine->wq_high) {
		destroy_workqueue(engine->wq);
		engine->wq = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * nova_engine_fini() - take a function's engine down
 * @fn: the function, whose auxiliary device has been deleted
 *
 * The DRM side has destroyed its channels and reaped their jobs in its
 * remove; what it left is reported, not freed (the jobs are its memory).
 */
void nova_engine_fini(struct nova_function *fn)
{
	struct nova_engine *engine = &fn->engine;

	if (!engine->wq)
		return;
	WARN(atomic_read(&engine->channels), "%d engine channels left after remove\n",
	     atomic_read(&engine->channels));
	destroy_workqueue(engine->wq_high);
	destroy_workqueue(engine->wq);
	engine->wq = NULL;
	engine->wq_high = NULL;
	WARN(!list_empty(&engine->done), "ended engine jobs not reaped after remove\n");
}

/* --- the interface, see nova_function.h ------------------------------------ */

struct nova_engine_channel *nova_function_engine_channel_create(struct nova_function *fn,
								 bool high_priority)
{
	struct nova_engine_channel *ch;

	might_sleep();
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	ch->fn = fn;
	ch->wq = high_priority ? fn->engine.wq_high : fn->engine.wq;
	INIT_WORK(&ch->work, nova_engine_channel_work);
	spin_lock_init(&ch->lock);
	INIT_LIST_HEAD(&ch->queue);
	atomic_inc(&fn->engine.channels);
	return ch;
}
EXPORT_SYMBOL_NS_GPL(nova_function_engine_channel_create, NOVA_CORE);

void nova_function_engine_submit(struct nova_engine_channel *ch, struct nova_engine_job *job)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	WARN_ON_ONCE(ch->stopping);
	list_add_tail(&job->link, &ch->queue);
	spin_unlock_irqrestore(&ch->lock, flags);
	/* A running work item is queued again, so it sees @job. */
	queue_work(ch->wq, &ch->work);
}
EXPORT_SYMBOL_NS_GPL(nova_function_engine_submit, NOVA_CORE);

void nova_function_engine_channel_destroy(struct nova_engine_channel *ch)
{
	struct nova_function *fn = ch->fn;

	might_sleep();
	spin_lock_irq(&ch->lock);
	WRITE_ONCE(ch->stopping, true);
	spin_unlock_irq(&ch->lock);
	/*
	 * The work ends the running job at its next check and the queued
	 * ones without running them, in order; queueing it once more makes
	 * sure it drains even when idle.
	 */
	queue_work(ch->wq, &ch->work);
	flush_work(&ch->work);
	WARN_ON(!list_empty(&ch->queue));
	atomic_dec(&fn->engine.channels);
	kfree(ch);
}
EXPORT_SYMBOL_NS_GPL(nova_function_engine_channel_destroy, NOVA_CORE);

/*
 * One reaper at a time, so that jobs are handed back in the order they
 * ended even when the interrupt callback and a process-context caller reap
 * together: a reaper in interrupt context that finds another at work
 * leaves the list to it (it loops until the list is empty); one in process
 * context waits for it, so that every job has been handed back when it
 * returns. So @reap must not reap itself.
 */
void nova_function_engine_reap(struct nova_function *fn, nova_engine_reap_fn reap, void *data)
{
	struct nova_engine *engine = &fn->engine;
	struct nova_engine_job *job;
	unsigned long flags;

	spin_lock_irqsave(&engine->done_lock, flags);
	while (engine->reaping) {
		spin_unlock_irqrestore(&engine->done_lock, flags);
		if (!in_task())
			return;
		if (!irqs_disabled())
			cond_resched();
		cpu_relax();
		spin_lock_irqsave(&engine->done_lock, flags);
	}
	engine->reaping = true;
	while ((job = list_first_entry_or_null(&engine->done, struct nova_engine_job, link))) {
		list_del_init(&job->link);
		spin_unlock_irqrestore(&engine->done_lock, flags);
		reap(job, data);
		spin_lock_irqsave(&engine->done_lock, flags);
	}
	engine->reaping = false;
	spin_unlock_irqrestore(&engine->done_lock, flags);
}
EXPORT_SYMBOL_NS_GPL(nova_function_engine_reap, NOVA_CORE);

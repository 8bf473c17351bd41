/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A queue and its jobs, as the glue keeps them: shared by nova_queue.c (the
 * queue's life, the scheduler's callbacks, the interrupt path), nova_exec.c
 * (EXEC: syncobjs in and out) and nova_mmu.c (what the engine sees); and
 * the scheduler pool, which nova_bind.c's bind queues draw on too.
 *
 * A queue is a drm_gpu_scheduler with one entity (the 1:1 model of
 * firmware-scheduled GPUs: queues never wait for each other) and a channel
 * of the function's engine. A job goes from EXEC to the entity, from there,
 * once its waits have signalled, to run_job(), which hands it to the
 * channel; the engine runs it and raises the function's interrupt, whose
 * callback signals the job's hardware fence, and drm_sched signals the
 * job's finished fence (what the syncobjs got) in turn.
 */
#ifndef NOVA_QUEUE_H
#define NOVA_QUEUE_H

#include <linux/dma-fence.h>
#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include <drm/gpu_scheduler.h>

#include "nova_drv.h"
#include "nova_function.h"
#include "nova_sync.h"

struct nova_queue {
	struct nova_device *ndev;
	/*
	 * The client: its syncobjs (EXEC) and the logic's file, whose VA
	 * space is what the jobs see. Both outlive the queue: the logic
	 * destroys its queues when the file closes.
	 */
	struct drm_file *file;
	struct nova_logic_file *owner;
	/* From the scheduler pool (nova_queue.c): it outlives the queue. */
	struct nova_sched_slot *slot;
	struct drm_sched_entity entity;
	/* On ndev->queues, under ndev->queues_lock. */
	struct list_head link;
	u64 fence_context;
	bool high_priority;
	unsigned int max_jobs;
	u64 timeout_ns;

	/* Orders arming with the sequence numbers (EXEC). */
	struct mutex submit_lock;
	u64 submitted;

	/* Unfinished jobs: from EXEC until free_job(); wakes jobs_wq. */
	atomic_t jobs;
	wait_queue_head_t jobs_wq;
	/* The queue is being destroyed: the dependencies left are dropped. */
	bool dying;

	/* Taken in the interrupt path: irqsave. */
	spinlock_t lock;
	/* NULL once stopped (destroyed or unplugged). */
	struct nova_engine_channel *channel;
	/* What a job the stop ended gets on its fence. */
	int stop_error;
	bool lost;
	u64 completed;
	struct nova_engine_fault fault;
	u64 fault_seqno;
};

/* The hardware fence: its own lock, since it may outlive the queue. */
struct nova_hw_fence {
	struct dma_fence base;
	spinlock_t lock;
};

struct nova_job {
	struct drm_sched_job base;
	struct nova_queue *queue;
	struct nova_engine_job engine;
	struct nova_hw_fence *hw;
	u64 seqno;
	/* The watchdog: set when the engine first calls back (nova_mmu.c). */
	bool started;
	ktime_t start;
	ktime_t deadline;
	/* The fences it waits for, handed to drm_sched one by one. */
	struct nova_waits waits;
	u32 buf_count;
	struct nova_engine_cmdbuf bufs[];
};

static inline struct nova_job *to_nova_job(struct drm_sched_job *job)
{
	return container_of(job, struct nova_job, base);
}

extern const struct dma_fence_ops nova_hw_fence_ops;

/* A scheduler from the pool (nova_queue.c says why there is one). */
struct nova_sched_slot {
	struct drm_gpu_scheduler sched;
	struct list_head link;
};

struct nova_sched_slot *nova_sched_get(void);
void nova_sched_put(struct nova_sched_slot *slot);
/*
 * drm_sched_entity_fini() for an entity whose jobs that ran have all
 * ended: the jobs still queued end at once (-ESRCH), and nothing leaks.
 */
void nova_sched_entity_kill(struct drm_gpu_scheduler *sched, struct drm_sched_entity *entity);
/* Every scheduler of nova's has this name, which its fences report. */
#define NOVA_SCHED_NAME		"nova"

#endif /* NOVA_QUEUE_H */

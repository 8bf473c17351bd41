// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's MMU, clock and watchdog for nova's jobs (struct
 * nova_engine_ops, nova_engine.h): what a job sees when it runs.
 *
 * Every address goes through the file's VA space when the engine uses it,
 * under the VA lock for the length of one command: a mapping can neither
 * change nor go while a command reads or writes through it, and the pages
 * behind it are the object's resident pages (made resident and mapped
 * into the kernel whole when it was first mapped, kept until the object
 * is freed, which its mapping prevents), so one translation reaches to
 * the end of the mapping.
 * So a job that runs while userspace unmaps, closes handles or closes the
 * file sees, for each command, either the old mapping or none (a fault),
 * never freed memory. Closing the file destroys its queues first.
 *
 * This runs on the fence-signalling path (the engine's worker annotates
 * it): it takes the VA lock, which is never held while memory is
 * allocated, and allocates nothing.
 */

#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/timekeeping.h>

#include "nova_queue.h"

static struct nova_job *nova_mmu_job(void *ctx)
{
	return ctx;
}

/* The watchdog runs from the job's first callback: when the engine starts it. */
static void nova_mmu_start(struct nova_job *job)
{
	if (!job->started) {
		job->started = true;
		job->start = ktime_get();
		job->deadline = ktime_add_ns(job->start, job->queue->timeout_ns);
	}
}

static void nova_mmu_begin_access(void *ctx)
{
	struct nova_job *job = nova_mmu_job(ctx);

	nova_mmu_start(job);
	nova_logic_file_va_lock(job->queue->owner);
}

static void nova_mmu_end_access(void *ctx)
{
	nova_logic_file_va_unlock(nova_mmu_job(ctx)->queue->owner);
}

static __u32 nova_mmu_translate(void *ctx, __u64 va, __u32 access, void **ptr, __u64 *len)
{
	struct nova_job *job = nova_mmu_job(ctx);
	struct nova_svc_gem *gem;
	u64 offset, left;
	u8 *base;
	u32 flags;

	if (nova_logic_file_va_translate(job->queue->owner, va, &gem, &offset, &left, &flags))
		return NOVA_FAULT_UNMAPPED;
	if (access == NOVA_ACCESS_WRITE && (flags & NOVA_VM_BIND_MAP_READONLY))
		return NOVA_FAULT_READONLY;
	if (access == NOVA_ACCESS_EXEC && (flags & NOVA_VM_BIND_MAP_NOEXEC))
		return NOVA_FAULT_NOEXEC;
	base = nova_gem_resident_vaddr(gem);
	/* VM_BIND made every mapped object resident. */
	if (WARN_ON_ONCE(!base))
		return NOVA_FAULT_UNMAPPED;
	/* The object is mapped whole: the rest of the mapping is contiguous. */
	*ptr = base + offset;
	*len = left;
	return NOVA_FAULT_NONE;
}

static __u64 nova_mmu_timestamp(void *ctx)
{
	return ktime_get_raw_ns();
}

/*
 * Between commands, and while a semaphore wait is not satisfied: the
 * watchdog. A waiting job polls memory every 20-50 us, cheap next to
 * what a job costs to submit, and far below the timeout.
 */
static __u32 nova_mmu_check(void *ctx, int waiting)
{
	struct nova_job *job = nova_mmu_job(ctx);

	nova_mmu_start(job);
	if (ktime_after(ktime_get(), job->deadline))
		return NOVA_FAULT_TIMEOUT;
	if (waiting)
		usleep_range(20, 50);
	return NOVA_FAULT_NONE;
}

const struct nova_engine_ops nova_mmu_ops = {
	.begin_access = nova_mmu_begin_access,
	.end_access = nova_mmu_end_access,
	.translate = nova_mmu_translate,
	.timestamp = nova_mmu_timestamp,
	.check = nova_mmu_check,
};


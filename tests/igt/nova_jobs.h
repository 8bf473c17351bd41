/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the igt tests that run jobs (nova_exec, nova_vm_bind_async):
 * CPU-mapped objects mapped in the GPU VA space, command streams written
 * into them, sync elements, EXEC, and syncobjs waited for and read back.
 * Naming as in nova_helpers.h: __nova_*() returns 0 or -errno, the others
 * assert.
 */
#ifndef NOVA_JOBS_H
#define NOVA_JOBS_H

#include "nova_helpers.h"

/* An object, CPU-mapped, and where it is mapped in the GPU VA space. */
struct nova_bo {
	uint32_t handle;
	uint64_t size;
	uint64_t va;
	void *map;
};

/* A command stream being written into a bo. */
struct nova_cs {
	struct nova_bo *bo;
	uint64_t *q;
	uint32_t start;		/* first qword of the current buffer */
	uint32_t n;		/* qwords written */
};

/* A synchronous VM_BIND of one operation (flags only for MAP). */
int __nova_vm_bind_op(int fd, uint32_t op, uint32_t flags, uint32_t handle, uint64_t va,
		      uint64_t range);

/* An object of @size bytes, zeroed, mapped at @va with MAP @flags and on the CPU. */
struct nova_bo nova_bo_new(int fd, uint64_t size, uint64_t va, uint32_t flags);
/* Unmaps, CPU-unmaps and closes it. */
void nova_bo_free(int fd, struct nova_bo *bo);
volatile uint64_t *nova_bo_qword(struct nova_bo *bo, uint64_t offset);
volatile uint32_t *nova_bo_dword(struct nova_bo *bo, uint64_t offset);

void nova_cs_init(struct nova_cs *cs, struct nova_bo *bo);
void nova_cs_emit(struct nova_cs *cs, uint64_t value);
/* Starts a new buffer at the next qword. */
void nova_cs_begin(struct nova_cs *cs);
/* The buffer written since nova_cs_begin() (or nova_cs_init()). */
struct drm_nova_exec_cmdbuf nova_cs_end(struct nova_cs *cs);
void nova_cs_store64(struct nova_cs *cs, uint64_t va, uint64_t value);
void nova_cs_store32(struct nova_cs *cs, uint64_t va, uint32_t value);
void nova_cs_fill(struct nova_cs *cs, uint64_t va, uint64_t size, uint32_t pattern);
void nova_cs_copy(struct nova_cs *cs, uint64_t dst, uint64_t src, uint64_t size);
/* Waits until the 32-bit semaphore at @va is at least @value. */
void nova_cs_wait32(struct nova_cs *cs, uint64_t va, uint32_t value);
/* Waits until the 64-bit semaphore at @va equals @value. */
void nova_cs_wait64_eq(struct nova_cs *cs, uint64_t va, uint64_t value);

struct drm_nova_sync nova_sync_wait(uint32_t handle);
struct drm_nova_sync nova_sync_signal(uint32_t handle);
/* A timeline element: @flags NOVA_SYNC_WAIT or NOVA_SYNC_SIGNAL. */
struct drm_nova_sync nova_sync_point(uint32_t handle, uint32_t flags, uint64_t point);

/* EXEC on @queue; *@seqno (when given) the job's. */
int __nova_exec(int fd, uint32_t queue, const struct drm_nova_exec_cmdbuf *bufs, uint32_t nbufs,
		const struct drm_nova_sync *syncs, uint32_t nsyncs, uint64_t *seqno);
uint64_t nova_exec(int fd, uint32_t queue, const struct drm_nova_exec_cmdbuf *bufs,
		   uint32_t nbufs, const struct drm_nova_sync *syncs, uint32_t nsyncs);
/* One buffer, signalling @out (0: none). */
uint64_t nova_exec1(int fd, uint32_t queue, struct drm_nova_exec_cmdbuf buf, uint32_t out);

uint32_t nova_syncobj_create(int fd, uint32_t flags);
int64_t nova_now_ns(void);
void nova_sleep_ms(unsigned int ms);
/* drmSyncobjWait for @handle for at most @ms: 0, or -ETIME when it did not signal. */
int nova_syncobj_wait_ms(int fd, uint32_t handle, int64_t ms);
/*
 * The status of the fence @handle holds, read from a sync_file export
 * (SYNC_IOC_FILE_INFO): 1 signalled, 0 pending, a negative errno for a
 * fence that signalled with an error.
 */
int nova_syncobj_status(int fd, uint32_t handle);

#endif /* NOVA_JOBS_H */

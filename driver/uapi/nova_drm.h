/* SPDX-License-Identifier: MIT */
/*
 * nova userspace ABI.
 *
 * This header is the frozen contract between nova.ko and userspace. Once an
 * ioctl number, a struct layout or a documented behaviour has landed it never
 * changes; new ioctls, parameters and fields are appended only. Padding is
 * explicit, every reserved field and unknown flag must be zero and is rejected
 * with -EINVAL otherwise, so that it stays usable for later extensions.
 *
 * GETPARAM, GEM_CREATE and GEM_INFO (numbers, layouts, NOVA_GETPARAM_VRAM_BAR_SIZE)
 * are binary-identical to upstream Linux's nova uAPI: a client built against
 * either header works with both drivers.
 */
#ifndef __NOVA_DRM_H__
#define __NOVA_DRM_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * GETPARAM parameters.
 *
 * Values below 0x100 mirror upstream nova. Values from 0x100 on are this
 * driver's own, kept apart so that a parameter upstream adds later can never
 * collide with one of ours.
 */

/**
 * NOVA_GETPARAM_VRAM_BAR_SIZE - size of the VRAM BAR in bytes
 *
 * nova runs on a virtual device without VRAM: the value is always 0.
 */
#define NOVA_GETPARAM_VRAM_BAR_SIZE		0x1

/**
 * NOVA_GETPARAM_UAPI_VERSION - revision of this uAPI
 *
 * Starts at 1 and grows by one each time ioctls, parameters or fields are
 * appended, so userspace can test for a feature with a single comparison.
 */
#define NOVA_GETPARAM_UAPI_VERSION		0x100

/**
 * NOVA_GETPARAM_MAX_OBJECT_SIZE - largest size GEM_CREATE accepts, in bytes
 *
 * A multiple of NOVA_GETPARAM_PAGE_SIZE; set at module load time.
 */
#define NOVA_GETPARAM_MAX_OBJECT_SIZE		0x101

/**
 * NOVA_GETPARAM_PAGE_SIZE - granule of object sizes, in bytes
 *
 * GEM_CREATE rounds sizes up to a multiple of this value.
 */
#define NOVA_GETPARAM_PAGE_SIZE			0x102

/**
 * NOVA_GETPARAM_OBJECT_BUDGET - bytes all objects of the device may total
 *
 * GEM_CREATE fails with -ENOSPC once the sizes of the live objects would
 * exceed it; set at module load time.
 */
#define NOVA_GETPARAM_OBJECT_BUDGET		0x103

/**
 * NOVA_GETPARAM_VA_START - first GPU virtual address VM_BIND may map
 *
 * Addresses below it (the first MiB) are never mapped, so that a GPU null
 * pointer always faults. Since uAPI version 2.
 */
#define NOVA_GETPARAM_VA_START			0x104

/**
 * NOVA_GETPARAM_VA_SIZE - size of the usable GPU virtual address range
 *
 * VM_BIND maps within [VA_START, VA_START + VA_SIZE). Since uAPI version 2.
 */
#define NOVA_GETPARAM_VA_SIZE			0x105

/**
 * NOVA_GETPARAM_VA_ALIGNMENT - alignment of VM_BIND addresses, ranges and
 * object offsets, in bytes
 *
 * Since uAPI version 2.
 */
#define NOVA_GETPARAM_VA_ALIGNMENT		0x106

/**
 * NOVA_GETPARAM_VM_BIND_MAX_OPS - most operations one VM_BIND call accepts
 *
 * Since uAPI version 2.
 */
#define NOVA_GETPARAM_VM_BIND_MAX_OPS		0x107

/**
 * NOVA_GETPARAM_MAX_MAPPINGS - most live mappings one file's GPU VA space
 * may hold
 *
 * VM_BIND fails with -ENOSPC when its operations would leave more mappings
 * than this in the file's VA space; unmapping, or closing the file, makes
 * room again. Set at module load time (1,048,576 by default). Since uAPI
 * version 3.
 */
#define NOVA_GETPARAM_MAX_MAPPINGS		0x108

/**
 * NOVA_GETPARAM_MAX_QUEUES - most queues one file may have at once
 *
 * QUEUE_CREATE fails with -ENOSPC beyond it. Since uAPI version 4.
 */
#define NOVA_GETPARAM_MAX_QUEUES		0x109

/**
 * NOVA_GETPARAM_EXEC_MAX_CMDBUFS - most command buffers one EXEC names
 *
 * Since uAPI version 4.
 */
#define NOVA_GETPARAM_EXEC_MAX_CMDBUFS		0x10a

/**
 * NOVA_GETPARAM_EXEC_MAX_SYNCS - most sync elements (waits and signals
 * together) one EXEC names
 *
 * Since uAPI version 4.
 */
#define NOVA_GETPARAM_EXEC_MAX_SYNCS		0x10b

/**
 * NOVA_GETPARAM_MAX_CMDBUF_SIZE - largest command buffer, in bytes
 *
 * Applies to each buffer EXEC names and to each NOVA_CMD_CALL target.
 * Since uAPI version 4.
 */
#define NOVA_GETPARAM_MAX_CMDBUF_SIZE		0x10c

/**
 * NOVA_GETPARAM_JOB_TIMEOUT_MS - how long a job may run, in milliseconds
 *
 * The engine's watchdog ends a job that runs longer (a NOVA_CMD_WAIT that is
 * never satisfied, say) with NOVA_FAULT_TIMEOUT. Counted from the moment the
 * engine starts the job, not from EXEC. Set at module load time. Since uAPI
 * version 4.
 */
#define NOVA_GETPARAM_JOB_TIMEOUT_MS		0x10d

/**
 * NOVA_GETPARAM_CALL_MAX_DEPTH - how deeply NOVA_CMD_CALL may nest
 *
 * The buffers EXEC names are at depth 0; a CALL from depth
 * NOVA_GETPARAM_CALL_MAX_DEPTH is an invalid command. Since uAPI version 4.
 */
#define NOVA_GETPARAM_CALL_MAX_DEPTH		0x10e

/**
 * NOVA_GETPARAM_QUEUE_MAX_JOBS - most unfinished jobs one queue holds
 *
 * An EXEC on a queue that holds this many jobs not yet finished waits
 * (interruptibly) until one finishes. Since uAPI version 4.
 */
#define NOVA_GETPARAM_QUEUE_MAX_JOBS		0x10f

/**
 * NOVA_GETPARAM_TIMESTAMP_FREQUENCY - ticks per second of NOVA_CMD_TIMESTAMP
 *
 * The engine's clock is the kernel's CLOCK_MONOTONIC_RAW in nanoseconds, so
 * this is 1000000000. Since uAPI version 4.
 */
#define NOVA_GETPARAM_TIMESTAMP_FREQUENCY	0x110

/**
 * NOVA_UAPI_VERSION - the revision this header describes
 *
 * 1: GETPARAM, GEM_CREATE, GEM_INFO, GEM_MMAP_OFFSET.
 * 2: VM_BIND and the VA parameters.
 * 3: NOVA_GETPARAM_MAX_MAPPINGS, VM_BIND's limit on live mappings.
 * 4: queues, EXEC, QUEUE_GET_STATE, the engine's parameters and instruction set, syncobjs.
 * 5: asynchronous VM_BIND (NOVA_VM_BIND_ASYNC, sync elements, failed_op, SYNC_ONLY ops).
 */
#define NOVA_UAPI_VERSION			5

/**
 * struct drm_nova_getparam - query a device or driver parameter
 * @param: in, one of the NOVA_GETPARAM_* values
 * @value: out, the parameter's value; ignored on input
 *
 * Errors: -EINVAL for an unknown @param.
 */
struct drm_nova_getparam {
	__u64 param;
	__u64 value;
};

/**
 * struct drm_nova_gem_create - create a GEM object
 * @handle: out, the new object's handle in the calling file
 * @pad: must be zero
 * @size: in, requested size in bytes; out, the size rounded up to
 *        NOVA_GETPARAM_PAGE_SIZE
 *
 * The object is backed by shmem and zero-filled; its pages are allocated on
 * first CPU access.
 *
 * Errors: -EINVAL when @size is 0 or @pad is not zero; -E2BIG when @size is
 * above NOVA_GETPARAM_MAX_OBJECT_SIZE; -ENOSPC when the device's object budget
 * (NOVA_GETPARAM_OBJECT_BUDGET) cannot hold it; -ENOMEM when the kernel is out
 * of memory.
 */
struct drm_nova_gem_create {
	__u32 handle;
	__u32 pad;
	__u64 size;
};

/**
 * struct drm_nova_gem_info - query a GEM object
 * @handle: in, the object's handle
 * @pad: must be zero
 * @size: out, the object's size in bytes; ignored on input
 *
 * Errors: -EINVAL when @pad is not zero; -ENOENT when @handle names no object
 * of the calling file.
 */
struct drm_nova_gem_info {
	__u32 handle;
	__u32 pad;
	__u64 size;
};

/**
 * struct drm_nova_gem_mmap_offset - get the fake offset for CPU-mapping an object
 * @handle: in, the object's handle
 * @flags: must be zero; no flags are defined yet
 * @offset: out, the offset to pass to mmap(2) on the same file descriptor;
 *          ignored on input
 *
 * The mapping is shared, cached and covers at most the object's size.
 *
 * Errors: -EINVAL when @flags is not zero; -ENOENT when @handle names no
 * object of the calling file; -ENOMEM when the offset cannot be allocated.
 */
struct drm_nova_gem_mmap_offset {
	__u32 handle;
	__u32 flags;
	__u64 offset;
};

/**
 * enum drm_nova_vm_bind_op_type - what one VM_BIND operation does
 * @NOVA_VM_BIND_OP_MAP: map [@va, @va + @range) to the object @handle from
 *                       @bo_offset on, replacing whatever was mapped there
 * @NOVA_VM_BIND_OP_UNMAP: unmap everything in [@va, @va + @range)
 * @NOVA_VM_BIND_OP_SYNC_ONLY: change no mapping; every other field of the
 *                             operation must be zero. The call's waits and
 *                             signals apply as for any other: an ASYNC call
 *                             of such operations is a point of order on the
 *                             VA space's bind queue. Since uAPI version 5.
 */
enum drm_nova_vm_bind_op_type {
	NOVA_VM_BIND_OP_MAP = 0,
	NOVA_VM_BIND_OP_UNMAP = 1,
	NOVA_VM_BIND_OP_SYNC_ONLY = 2,
};

/* MAP flags. */
/** NOVA_VM_BIND_MAP_READONLY - the GPU may read but not write the mapping */
#define NOVA_VM_BIND_MAP_READONLY	(1u << 0)
/** NOVA_VM_BIND_MAP_NOEXEC - the GPU may not execute from the mapping */
#define NOVA_VM_BIND_MAP_NOEXEC		(1u << 1)
#define NOVA_VM_BIND_MAP_FLAGS		(NOVA_VM_BIND_MAP_READONLY | NOVA_VM_BIND_MAP_NOEXEC)

/**
 * struct drm_nova_vm_bind_op - one operation of a VM_BIND call
 * @op: an enum drm_nova_vm_bind_op_type value
 * @flags: MAP: NOVA_VM_BIND_MAP_* flags; UNMAP: must be zero
 * @handle: MAP: the GEM object to map; UNMAP: must be zero
 * @pad: must be zero
 * @bo_offset: MAP: offset in the object of the first mapped byte;
 *             UNMAP: must be zero
 * @va: first GPU virtual address of the range
 * @range: size of the range in bytes
 *
 * For MAP and UNMAP, @va, @range and @bo_offset are multiples of
 * NOVA_GETPARAM_VA_ALIGNMENT, @range is not zero, the range lies within [VA_START, VA_START + VA_SIZE)
 * and, for MAP, [@bo_offset, @bo_offset + @range) lies within the object.
 *
 * MAP replaces what it covers: a mapping that is only partly covered is cut,
 * and the parts left keep their own object offsets. UNMAP removes everything
 * in its range, cutting mappings at its edges; unmapping a hole is not an
 * error. A mapping holds a reference on its object: the object lives on
 * after its handle is closed, until its last mapping goes.
 */
struct drm_nova_vm_bind_op {
	__u32 op;
	__u32 flags;
	__u32 handle;
	__u32 pad;
	__u64 bo_offset;
	__u64 va;
	__u64 range;
};

/* VM_BIND flags. */
/** NOVA_VM_BIND_ASYNC - queue the call on the VA space's bind queue (uAPI version 5) */
#define NOVA_VM_BIND_ASYNC		(1u << 0)
#define NOVA_VM_BIND_FLAGS		NOVA_VM_BIND_ASYNC

/** NOVA_VM_BIND_NO_OP - @failed_op when no single operation made the call fail */
#define NOVA_VM_BIND_NO_OP		0xffffffffu

/**
 * struct drm_nova_vm_bind - map and unmap ranges of the file's GPU VA space
 * @vm_id: must be zero: each open file has one VA space
 * @flags: NOVA_VM_BIND_* flags
 * @op_count: number of operations, at most NOVA_GETPARAM_VM_BIND_MAX_OPS;
 *            zero is a valid call that changes no mapping
 * @op_stride: distance in bytes between operations in the @ops array: at
 *             least the size of the struct drm_nova_vm_bind_op a client
 *             knows; bytes past the size the kernel knows must be zero
 * @ops: user pointer to the array of struct drm_nova_vm_bind_op
 * @sync_count: number of sync elements (struct drm_nova_sync, as for EXEC),
 *              at most NOVA_GETPARAM_EXEC_MAX_SYNCS; only with
 *              NOVA_VM_BIND_ASYNC. Since uAPI version 5, like every field
 *              below.
 * @sync_stride: distance in bytes between the elements of @syncs, at least
 *               16; not looked at when @sync_count is zero
 * @syncs: user pointer to the array of struct drm_nova_sync
 * @failed_op: out, on failure the index in @ops of the operation that made
 *             the call fail (the first whose checks failed, in array
 *             order), or NOVA_VM_BIND_NO_OP when no single operation did (a
 *             header field, a sync element, -ENOSPC, -ENOMEM for the batch)
 *             and on success; ignored on input
 * @pad: must be zero
 *
 * The operations apply in array order, each seeing the effect of the ones
 * before it. A call is atomic: either every operation applies, or none does
 * and the VA space is unchanged, also when memory runs out or the mapping
 * limit is reached. Concurrent calls on one file are serialized.
 *
 * Asynchronous binds. With NOVA_VM_BIND_ASYNC the call checks every
 * argument (each errno below is returned by the call), takes its object
 * references, resolves its syncobjs and allocates all the batch needs,
 * then queues the batch on the VA space's bind queue and returns. The
 * batch takes effect once every WAIT element's fence has signalled and
 * every bind queued on the VA space before it has taken effect (binds take
 * effect in the order of their calls, also a bind that waits for nothing
 * behind one that waits); then its SIGNAL elements signal. When the batch
 * would leave more than NOVA_GETPARAM_MAX_MAPPINGS mappings, none of it
 * applies and its fences signal with -ENOSPC; later binds go on. Up to
 * NOVA_GETPARAM_QUEUE_MAX_JOBS asynchronous binds may be pending; a call
 * beyond that waits for room. An ASYNC call with no operations only waits
 * and signals, in order. Closing the file drops the binds still pending
 * without applying them (their fences signal with an error) and releases
 * all they held.
 *
 * A synchronous call (no NOVA_VM_BIND_ASYNC) on a VA space with
 * asynchronous binds pending is ordered after them: once its arguments
 * passed their checks, it waits (interruptibly) until they have taken
 * effect, then applies.
 *
 * What a running job sees: the engine translates every address of a
 * command when it executes the command, so a job that runs while a bind
 * changes its mappings sees, for each command, either the mappings from
 * before the bind or those from after it, never memory that was freed (a
 * mapping's object lives until the last mapping of it is gone and the
 * command using it is done). To keep a job on the old mappings, make the
 * bind wait for the job's fence.
 *
 * Old clients: a client built before uAPI version 5 passes the first 24
 * bytes of this struct with DRM_IOW and gets what it always got; the
 * kernel reads the fields it did not pass as zero.
 *
 * Errors: -EINVAL for a non-zero @vm_id or @pad, unknown @flags, sync
 * elements without NOVA_VM_BIND_ASYNC, an @op_stride smaller than the first
 * version of struct drm_nova_vm_bind_op (40 bytes) or a @sync_stride below
 * 16, non-zero bytes past the known size of an operation or sync element,
 * an unknown @op or flag, a non-zero pad or unused field, an unaligned
 * @va, @range or @bo_offset, a zero @range, a range outside the VA range
 * or overflowing, an object range past the end of the object, a sync
 * element that EXEC would refuse (see struct drm_nova_exec), or a WAIT on
 * a syncobj (or timeline point) that holds no fence; -E2BIG when @op_count
 * exceeds NOVA_GETPARAM_VM_BIND_MAX_OPS or @sync_count
 * NOVA_GETPARAM_EXEC_MAX_SYNCS; -ENOENT when a MAP's @handle names no
 * object of the calling file or a sync handle no syncobj; -EFAULT when
 * @ops or @syncs cannot be read; -ENOSPC when the file's VA space would
 * hold more than NOVA_GETPARAM_MAX_MAPPINGS mappings after a synchronous
 * call (uAPI version 3 on: the limit of live state, like GEM_CREATE's
 * object budget, as -E2BIG is for limits of a single request); -EINTR when
 * a signal arrived while the call waited (for room on the bind queue, or,
 * synchronous, for the pending binds); -ENOMEM when the kernel is out of
 * memory.
 */
struct drm_nova_vm_bind {
	__u32 vm_id;
	__u32 flags;
	__u32 op_count;
	__u32 op_stride;
	__u64 ops;
	__u32 sync_count;
	__u32 sync_stride;
	__u64 syncs;
	__u32 failed_op;
	__u32 pad;
};

/*
 * Queues and EXEC (uAPI version 4).
 *
 * A queue is a file's channel to the command engine: EXEC appends a job (a
 * list of command buffers in the file's GPU VA space) to a queue, and the
 * engine runs the jobs of one queue one after the other, in EXEC order,
 * while the jobs of different queues (of the same file or of others) run
 * independently of each other. A job starts once every fence it waits for
 * has signalled, and when it ends, the fences it signals signal, with an
 * error if the job faulted (see enum drm_nova_fault_type). Synchronization
 * uses the DRM core's syncobjs (DRM_IOCTL_SYNCOBJ_*, binary and timeline),
 * named by handle in struct drm_nova_sync.
 *
 * The engine reads the command buffers and every address they name through
 * the queue's VA space at the time it executes them, page by page, like an
 * MMU: an address that is not mapped, a write through a READONLY mapping or
 * a command fetch from a NOEXEC mapping is a fault. A fault ends the job
 * (the rest of its commands do not run), is recorded (QUEUE_GET_STATE) and
 * makes the queue lost: its later EXECs fail with -EIO, and jobs already
 * queued behind the faulting one end with -ECANCELED without running.
 * Other queues go on unaffected. A lost queue is destroyed like any other.
 */

/**
 * enum drm_nova_queue_priority - the priority of a queue
 * @NOVA_QUEUE_PRIORITY_LOW: background work
 * @NOVA_QUEUE_PRIORITY_NORMAL: the default
 * @NOVA_QUEUE_PRIORITY_HIGH: latency-sensitive work; its jobs run on the
 *                            engine's high-priority workers
 */
enum drm_nova_queue_priority {
	NOVA_QUEUE_PRIORITY_LOW = 0,
	NOVA_QUEUE_PRIORITY_NORMAL = 1,
	NOVA_QUEUE_PRIORITY_HIGH = 2,
};

/**
 * struct drm_nova_queue_create - create a queue on the file's VA space
 * @vm_id: must be zero: each open file has one VA space
 * @priority: an enum drm_nova_queue_priority value
 * @flags: must be zero; no flags are defined yet
 * @queue_id: out, the new queue's id, never 0; ignored on input
 *
 * Errors: -EINVAL for a non-zero @vm_id or @flags or an unknown @priority;
 * -ENOSPC when the file already has NOVA_GETPARAM_MAX_QUEUES queues;
 * -ENOMEM when the kernel is out of memory.
 */
struct drm_nova_queue_create {
	__u32 vm_id;
	__u32 priority;
	__u32 flags;
	__u32 queue_id;
};

/**
 * struct drm_nova_queue_destroy - destroy a queue
 * @queue_id: the queue
 * @pad: must be zero
 *
 * The queue's id is free for reuse when the call returns. A running job is
 * stopped and jobs handed to the engine end without running, their fences
 * signalling -ECANCELED; jobs still waiting for their fences end without
 * running too, with the scheduler's -ESRCH. The call waits for all of that,
 * which is bounded: it never waits for a fence another queue or userspace
 * signals. Closing the file destroys its queues the same way. When the
 * device goes away (unplug), every job of every queue ends likewise, with
 * -ENODEV.
 *
 * Errors: -EINVAL for a non-zero @pad; -ENOENT when @queue_id names no queue
 * of the calling file.
 */
struct drm_nova_queue_destroy {
	__u32 queue_id;
	__u32 pad;
};

/**
 * struct drm_nova_exec_cmdbuf - one command buffer of an EXEC
 * @va: GPU virtual address of the first command, 8-byte aligned
 * @size: size in bytes: not zero, a multiple of 8, at most
 *        NOVA_GETPARAM_MAX_CMDBUF_SIZE
 *
 * The buffer holds commands of the engine's instruction set (NOVA_CMD_*).
 * Mapping and permissions are checked when the engine fetches the commands,
 * not at EXEC time.
 */
struct drm_nova_exec_cmdbuf {
	__u64 va;
	__u64 size;
};

/* Sync element flags: exactly one of WAIT and SIGNAL, TIMELINE optional. */
/** NOVA_SYNC_WAIT - the job starts only once the fence has signalled */
#define NOVA_SYNC_WAIT			(1u << 0)
/** NOVA_SYNC_SIGNAL - the job's fence is installed in the syncobj */
#define NOVA_SYNC_SIGNAL		(1u << 1)
/** NOVA_SYNC_TIMELINE - the syncobj is a timeline, @point names its point */
#define NOVA_SYNC_TIMELINE		(1u << 2)
#define NOVA_SYNC_FLAGS			(NOVA_SYNC_WAIT | NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE)

/**
 * struct drm_nova_sync - one wait or signal of an EXEC
 * @handle: a syncobj of the calling file (DRM_IOCTL_SYNCOBJ_CREATE)
 * @flags: NOVA_SYNC_* flags
 * @point: with NOVA_SYNC_TIMELINE, the timeline point, not zero; without
 *         it, must be zero
 *
 * A WAIT on a binary syncobj waits for the fence it holds at EXEC time; a
 * WAIT on a timeline point waits for the fence of that point, which must
 * have been submitted already. A SIGNAL on a binary syncobj replaces its
 * fence with the job's; on a timeline it adds the job's fence as @point,
 * which should be above the timeline's last point.
 */
struct drm_nova_sync {
	__u32 handle;
	__u32 flags;
	__u64 point;
};

/**
 * struct drm_nova_exec - submit a job to a queue
 * @queue_id: the queue, of the calling file
 * @flags: must be zero; no flags are defined yet
 * @cmdbuf_count: number of command buffers, at most
 *                NOVA_GETPARAM_EXEC_MAX_CMDBUFS; zero makes a job that only
 *                waits and signals
 * @cmdbuf_stride: distance in bytes between the elements of @cmdbufs: at
 *                 least 16 (the first struct drm_nova_exec_cmdbuf); bytes
 *                 past the size the kernel knows must be zero
 * @cmdbufs: user pointer to the array of struct drm_nova_exec_cmdbuf,
 *           run in array order
 * @sync_count: number of sync elements, at most NOVA_GETPARAM_EXEC_MAX_SYNCS
 * @sync_stride: likewise for @syncs (at least 16)
 * @syncs: user pointer to the array of struct drm_nova_sync
 * @seqno: out, the job's sequence number on the queue (1 for its first
 *         job), which QUEUE_GET_STATE names in its reports; ignored on input
 *
 * The call validates everything, looks up every syncobj and allocates all
 * it needs before the job is queued, so that a job is queued whole or not
 * at all. A stride is not looked at when its count is zero.
 *
 * Errors: -EINVAL for non-zero @flags, a stride below 16, non-zero bytes
 * past the known size of an element, a command buffer that is empty, not a
 * multiple of 8 bytes, unaligned or wrapping around, a sync element with no
 * or both of WAIT and SIGNAL, unknown flags, a non-zero @point without
 * TIMELINE or a zero one with it, or a WAIT on a syncobj (or timeline point)
 * that holds no fence; -E2BIG when a count is above its parameter or a
 * command buffer is larger than NOVA_GETPARAM_MAX_CMDBUF_SIZE; -ENOENT
 * when @queue_id names no queue of the calling file or a sync @handle no
 * syncobj; -EIO when the queue is lost; -EFAULT when an array cannot be
 * read; -EINTR when a signal arrived while the queue was full
 * (NOVA_GETPARAM_QUEUE_MAX_JOBS); -ENOMEM when the kernel is out of memory.
 */
struct drm_nova_exec {
	__u32 queue_id;
	__u32 flags;
	__u32 cmdbuf_count;
	__u32 cmdbuf_stride;
	__u64 cmdbufs;
	__u32 sync_count;
	__u32 sync_stride;
	__u64 syncs;
	__u64 seqno;
};

/**
 * enum drm_nova_queue_state - what state a queue is in
 * @NOVA_QUEUE_STATE_ACTIVE: the queue accepts and runs jobs
 * @NOVA_QUEUE_STATE_LOST: a job of the queue faulted or timed out; EXEC on
 *                         it fails with -EIO
 */
enum drm_nova_queue_state {
	NOVA_QUEUE_STATE_ACTIVE = 0,
	NOVA_QUEUE_STATE_LOST = 1,
};

/**
 * enum drm_nova_fault_type - why the engine ended a job
 * @NOVA_FAULT_NONE: no fault
 * @NOVA_FAULT_UNMAPPED: an access to an address no mapping covers; the
 *                       job's fence signals with -EFAULT
 * @NOVA_FAULT_READONLY: a write through a NOVA_VM_BIND_MAP_READONLY
 *                       mapping; -EACCES
 * @NOVA_FAULT_NOEXEC: a command fetched from a NOVA_VM_BIND_MAP_NOEXEC
 *                     mapping; -EACCES
 * @NOVA_FAULT_INVALID_COMMAND: an unknown opcode, a non-zero reserved bit,
 *                              an unaligned or out-of-range operand, a
 *                              command that runs past the end of its
 *                              buffer, or a CALL nested too deeply; -EILSEQ
 * @NOVA_FAULT_TIMEOUT: the job ran longer than NOVA_GETPARAM_JOB_TIMEOUT_MS;
 *                      -ETIMEDOUT
 */
enum drm_nova_fault_type {
	NOVA_FAULT_NONE = 0,
	NOVA_FAULT_UNMAPPED = 1,
	NOVA_FAULT_READONLY = 2,
	NOVA_FAULT_NOEXEC = 3,
	NOVA_FAULT_INVALID_COMMAND = 4,
	NOVA_FAULT_TIMEOUT = 5,
};

/**
 * enum drm_nova_access - what kind of access faulted
 * @NOVA_ACCESS_NONE: none (no fault, or a fault of no access: an invalid
 *                    command's opcode, a timeout)
 * @NOVA_ACCESS_READ: a data read (COPY's source, WAIT's semaphore)
 * @NOVA_ACCESS_WRITE: a data write (STORE, TIMESTAMP, FILL, COPY's
 *                     destination)
 * @NOVA_ACCESS_EXEC: a command fetch
 */
enum drm_nova_access {
	NOVA_ACCESS_NONE = 0,
	NOVA_ACCESS_READ = 1,
	NOVA_ACCESS_WRITE = 2,
	NOVA_ACCESS_EXEC = 3,
};

/**
 * struct drm_nova_queue_get_state - query a queue
 * @queue_id: in, the queue
 * @flags: in, must be zero; no flags are defined yet
 * @state: out, an enum drm_nova_queue_state value
 * @fault_type: out, the first fault of the queue (enum
 *              drm_nova_fault_type), NOVA_FAULT_NONE while it has none
 * @fault_access: out, what kind of access faulted (enum drm_nova_access)
 * @pad: must be zero
 * @fault_va: out, the GPU virtual address that faulted (for a fault of a
 *            command, the address of the command); 0 for a timeout
 * @fault_seqno: out, the EXEC @seqno of the job that faulted; 0 for none
 * @submitted: out, the @seqno of the queue's last job
 * @completed: out, the @seqno of the last job that ended (also with an
 *             error): jobs end in @seqno order
 *
 * The first fault is kept: a queue faults once, then it is lost.
 *
 * Errors: -EINVAL for non-zero @flags or @pad; -ENOENT when @queue_id names
 * no queue of the calling file.
 */
struct drm_nova_queue_get_state {
	__u32 queue_id;
	__u32 flags;
	__u32 state;
	__u32 fault_type;
	__u32 fault_access;
	__u32 pad;
	__u64 fault_va;
	__u64 fault_seqno;
	__u64 submitted;
	__u64 completed;
};

/*
 * The command engine's instruction set (uAPI version 4).
 *
 * A command buffer is an array of little-endian 64-bit words (qwords). Each
 * command starts with a header qword, followed by operand qwords whose
 * number the opcode fixes:
 *
 *   bits  0..7   opcode (enum drm_nova_cmd_opcode)
 *   bits  8..15  the opcode's flags (NOVA_CMD_WAIT_*; zero for the others)
 *   bits 16..31  reserved, must be zero
 *   bits 32..63  the opcode's 32-bit immediate (zero where unused)
 *
 * Addresses are GPU virtual addresses in the queue's VA space. A command
 * whose operands run past the end of its buffer, an unknown opcode or a
 * non-zero reserved field is NOVA_FAULT_INVALID_COMMAND. Documentation/
 * engine.rst gives every command with examples.
 */

/* Builds a header qword. */
#define NOVA_CMD_HEADER(opcode, flags, imm)				\
	((__u64)(opcode) | ((__u64)(flags) << 8) | ((__u64)(__u32)(imm) << 32))
#define NOVA_CMD_OPCODE(header)		((__u32)((header) & 0xff))
#define NOVA_CMD_FLAGS(header)		((__u32)(((header) >> 8) & 0xff))
#define NOVA_CMD_RESERVED(header)	((__u32)(((header) >> 16) & 0xffff))
#define NOVA_CMD_IMM(header)		((__u32)((header) >> 32))

/**
 * enum drm_nova_cmd_opcode - the engine's commands
 * @NOVA_CMD_NOP: 1 qword: does nothing
 * @NOVA_CMD_STORE32: 2 qwords: header (immediate: the value), address (4-byte
 *                    aligned): writes the 32-bit value, a semaphore release
 * @NOVA_CMD_STORE64: 3 qwords: header, address (8-byte aligned), value:
 *                    writes the 64-bit value
 * @NOVA_CMD_TIMESTAMP: 2 qwords: header, address (8-byte aligned): writes the
 *                      engine's clock (NOVA_GETPARAM_TIMESTAMP_FREQUENCY) as
 *                      a 64-bit value
 * @NOVA_CMD_FILL: 3 qwords: header (immediate: the pattern), address (4-byte
 *                 aligned), size (a multiple of 4): writes the 32-bit
 *                 pattern over [address, address + size)
 * @NOVA_CMD_COPY: 4 qwords: header, destination, source, size: copies size
 *                 bytes, any alignment; if the ranges overlap in memory the
 *                 result is undefined (but only ever the queue's own
 *                 mappings are touched)
 * @NOVA_CMD_WAIT: 3 qwords: header (flags: NOVA_CMD_WAIT_*), address (4- or
 *                 8-byte aligned by width), value: waits until the semaphore
 *                 at address compares to value as the flags say (32-bit
 *                 waits compare the low 32 bits, whose upper half must be
 *                 zero); the job's timeout bounds the wait
 * @NOVA_CMD_CALL: 3 qwords: header, address (8-byte aligned), size (as for
 *                 an EXEC command buffer): runs that command buffer, then
 *                 goes on after the CALL; nests at most
 *                 NOVA_GETPARAM_CALL_MAX_DEPTH deep
 */
enum drm_nova_cmd_opcode {
	NOVA_CMD_NOP = 0x00,
	NOVA_CMD_STORE32 = 0x01,
	NOVA_CMD_STORE64 = 0x02,
	NOVA_CMD_TIMESTAMP = 0x03,
	NOVA_CMD_FILL = 0x04,
	NOVA_CMD_COPY = 0x05,
	NOVA_CMD_WAIT = 0x06,
	NOVA_CMD_CALL = 0x07,
};

/* NOVA_CMD_WAIT flags. */
/** NOVA_CMD_WAIT_64BIT - the semaphore is 64 bits wide (else 32) */
#define NOVA_CMD_WAIT_64BIT		(1u << 0)
/** NOVA_CMD_WAIT_EQUAL - wait for equality (else unsigned greater-or-equal) */
#define NOVA_CMD_WAIT_EQUAL		(1u << 1)
#define NOVA_CMD_WAIT_FLAGS		(NOVA_CMD_WAIT_64BIT | NOVA_CMD_WAIT_EQUAL)

/*
 * ioctl numbers, relative to DRM_COMMAND_BASE.
 */
#define DRM_NOVA_GETPARAM		0x00
#define DRM_NOVA_GEM_CREATE		0x01
#define DRM_NOVA_GEM_INFO		0x02
#define DRM_NOVA_VM_BIND		0x03
#define DRM_NOVA_GEM_MMAP_OFFSET	0x04
#define DRM_NOVA_QUEUE_CREATE		0x05
#define DRM_NOVA_QUEUE_DESTROY		0x06
#define DRM_NOVA_EXEC			0x07
#define DRM_NOVA_QUEUE_GET_STATE	0x08

#define DRM_IOCTL_NOVA_GETPARAM		DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GETPARAM, \
						 struct drm_nova_getparam)
#define DRM_IOCTL_NOVA_GEM_CREATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_CREATE, \
						 struct drm_nova_gem_create)
#define DRM_IOCTL_NOVA_GEM_INFO		DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_INFO, \
						 struct drm_nova_gem_info)
/*
 * VM_BIND is DRM_IOWR since uAPI version 5 (@failed_op is an output); the
 * request of older clients, DRM_IOW with the 24-byte struct, is the same
 * ioctl (DRM looks it up by number and copies back only what both sides
 * declare as output).
 */
#define DRM_IOCTL_NOVA_VM_BIND		DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_VM_BIND, \
						 struct drm_nova_vm_bind)
/*
 * DRM_IOCTL_NOVA_VM_BIND as uAPI versions 2 to 4 defined it, 0x40186443:
 * DRM_IOW of the struct's first 24 bytes (up to @ops). The kernel takes it
 * for ever; a client that must also run on kernels before version 5 sends
 * it for its synchronous binds.
 */
#define DRM_IOCTL_NOVA_VM_BIND_V2	DRM_IOW(DRM_COMMAND_BASE + DRM_NOVA_VM_BIND, __u8[24])
#define DRM_IOCTL_NOVA_GEM_MMAP_OFFSET	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_MMAP_OFFSET, \
						 struct drm_nova_gem_mmap_offset)
#define DRM_IOCTL_NOVA_QUEUE_CREATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_QUEUE_CREATE, \
						 struct drm_nova_queue_create)
#define DRM_IOCTL_NOVA_QUEUE_DESTROY	DRM_IOW(DRM_COMMAND_BASE + DRM_NOVA_QUEUE_DESTROY, \
						struct drm_nova_queue_destroy)
#define DRM_IOCTL_NOVA_EXEC		DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_EXEC, \
						 struct drm_nova_exec)
#define DRM_IOCTL_NOVA_QUEUE_GET_STATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_QUEUE_GET_STATE, \
						 struct drm_nova_queue_get_state)

#if defined(__cplusplus)
}
#endif

#endif /* __NOVA_DRM_H__ */

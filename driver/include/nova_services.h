/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel services the C++ logic may use.
 *
 * This is one of the two headers that form the whole boundary between the C
 * glue (driver/nova-drm/glue/) and the C++ logic (driver/nova-drm/logic/ and
 * its support library driver/cxx/); the other is nova_logic.h, and both live
 * in driver/include/. The logic cannot include kernel headers, so everything
 * it needs from the kernel arrives through the functions below. The glue
 * implements them in nova_services.c and nova_gem.c; tests/hosted/ implements
 * them in userspace so that the same logic runs under GoogleTest and the
 * sanitizers.
 *
 * Rules for both sides:
 *  - Every function may sleep unless it says otherwise; none may be called
 *    with a spinlock held.
 *  - Allocation can fail and says so by returning NULL.
 *  - Every other call that can fail returns a struct nova_svc_status (0 or a
 *    negative errno, wrapped), and its results go through out-parameters
 *    that are only written on success. The wrapper is what lets the logic
 *    propagate a failure with NOVA_TRY(nova_svc_...(...)) directly, while a
 *    plain int result can never be mistaken for one; NOVA_SVC_MUST_CHECK
 *    makes both compilers insist that it is looked at.
 *  - Only <linux/types.h> types cross: it resolves to the full kernel header in
 *    the glue and to the uapi one in the logic and in userspace.
 */
#ifndef NOVA_SERVICES_H
#define NOVA_SERVICES_H

#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* The answer of a service that can fail: 0, or a negative errno. */
struct nova_svc_status {
	int error;
};

#define NOVA_SVC_MUST_CHECK __attribute__((warn_unused_result))

static inline struct nova_svc_status nova_svc_errno(int error)
{
	struct nova_svc_status status = { .error = error };

	return status;
}

/*
 * Memory: zeroed, may sleep, may fail (NULL). Free accepts NULL. Every
 * allocation is charged to the calling process's memory cgroup and fails
 * rather than calling the OOM killer: the logic allocates only on behalf of
 * its clients (see Documentation/limits.rst).
 */
void *nova_svc_zalloc(unsigned long size);
void nova_svc_free(void *ptr);

/*
 * Sleeping locks. Each lock names its class so that lockdep can tell a device
 * lock from a file lock when one is taken under the other.
 */
enum nova_svc_lock_class {
	NOVA_LOCK_DEVICE = 0,
	NOVA_LOCK_FILE = 1,
	NOVA_LOCK_QUEUES = 2,
	/* A client's list of objects: a leaf, nothing is taken under it. */
	NOVA_LOCK_GEM_ACCOUNT = 3,
	NOVA_LOCK_CLASS_COUNT
};

struct nova_svc_mutex;

struct nova_svc_mutex *nova_svc_mutex_create(enum nova_svc_lock_class lock_class);
void nova_svc_mutex_destroy(struct nova_svc_mutex *mutex);
void nova_svc_mutex_lock(struct nova_svc_mutex *mutex);
void nova_svc_mutex_unlock(struct nova_svc_mutex *mutex);

/*
 * Reference counts with the kernel's refcount_t semantics: saturating, and a
 * warning on underflow or on an increment from zero. The storage belongs to
 * the caller; the glue checks that it matches refcount_t.
 */
struct nova_svc_refcount {
	int count;
};

void nova_svc_refcount_set(struct nova_svc_refcount *ref, unsigned int value);
void nova_svc_refcount_inc(struct nova_svc_refcount *ref);
/* Returns non-zero when the count dropped to zero. */
int nova_svc_refcount_dec_and_test(struct nova_svc_refcount *ref);

/*
 * Reports a broken invariant of the logic (a bug, never bad user input): a
 * kernel WARN with a backtrace in the glue, a test failure when hosted.
 */
void nova_svc_invariant_failed(const char *file, int line, const char *expr);

/*
 * GEM objects, as the glue keeps them (shmem-backed drm_gem_object).
 *
 * A struct nova_svc_file is the glue's per-client file (a drm_file); a struct
 * nova_svc_gem is one GEM object. The logic never looks inside either.
 */
struct nova_svc_file;
struct nova_svc_gem;
struct nova_logic_gem;
struct nova_logic_gem_storage;

/*
 * GEM_CREATE in two steps, so that the logic's record can live inside the
 * object. nova_svc_gem_alloc() creates a shmem-backed object of @size bytes
 * (a multiple of the page size) with no handle, gives the caller its only
 * reference and the storage for the record. The caller builds its record
 * there and hands it to nova_svc_gem_publish(), which attaches it (from then
 * on nova_logic_gem_release() is called when the object is freed) and
 * creates a handle for the object in @file. publish takes over the caller's
 * reference whatever it returns: on failure the object is freed, the record
 * released with it.
 */
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_gem_alloc(struct nova_svc_file *file, __u64 size, struct nova_svc_gem **gem,
		   struct nova_logic_gem_storage **storage);
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_gem_publish(struct nova_svc_file *file, struct nova_svc_gem *gem,
		     struct nova_logic_gem *logic, __u32 *handle);

/*
 * Reads an extensible struct from the user address @user_ptr (a uapi __u64
 * pointer), where the user's version is @usize bytes and the kernel's
 * @ksize: copy_struct_from_user() semantics. The common prefix is copied
 * into @dst and the rest of @dst zeroed; bytes the user has past @ksize
 * (a newer client's fields) must be zero, else -E2BIG. One rule on top:
 * -EFAULT when any of the @usize bytes cannot be read, even if a non-zero
 * byte comes before the fault, so that a struct is read whole before it is
 * judged.
 */
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_copy_struct_from_user(void *dst, unsigned long ksize, __u64 user_ptr,
			       unsigned long usize);

/* Takes a reference on the object behind @handle; -ENOENT when there is none. */
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_gem_lookup(struct nova_svc_file *file, __u32 handle, struct nova_svc_gem **gem);
/* Takes another reference on an object the caller already holds. */
void nova_svc_gem_get(struct nova_svc_gem *gem);
void nova_svc_gem_put(struct nova_svc_gem *gem);
__u64 nova_svc_gem_size(const struct nova_svc_gem *gem);
/* The logic's record of the object; NULL for objects the logic did not create. */
struct nova_logic_gem *nova_svc_gem_logic(const struct nova_svc_gem *gem);
/* The fake offset userspace passes to mmap(2) to map the object. */
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_gem_mmap_offset(struct nova_svc_gem *gem, __u64 *offset);

/*
 * Makes the object's memory resident for the engine: allocates its pages
 * (an imported object: looks up the exporter's) and keeps them until the
 * object is freed. Idempotent; VM_BIND calls it for every MAP, before it
 * takes the VA lock, so that the engine never allocates.
 */
NOVA_SVC_MUST_CHECK struct nova_svc_status nova_svc_gem_make_resident(struct nova_svc_gem *gem);

/*
 * Queues: the glue's scheduler entity, engine channel and fences behind one
 * queue of the logic's (uapi/nova_drm.h has the semantics). The logic keeps
 * the queue table, validates every argument and owns the references; the
 * glue does everything that touches drm_sched, syncobjs and the function.
 */
struct nova_svc_queue;
struct drm_nova_exec_cmdbuf;
struct drm_nova_sync;

/*
 * Creates a queue of @file (whose logic is @owner: its VA space is what the
 * queue's jobs see) with @priority (checked). -ENOMEM; -ENODEV when the
 * function is gone.
 */
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_queue_create(struct nova_svc_file *file, struct nova_logic_file *owner, __u32 priority,
		      struct nova_svc_queue **queue);
/*
 * Stops the queue (jobs not started end with -ECANCELED, a running one is
 * stopped), waits for that, and frees it. Bounded: it never waits for a
 * fence of anyone else's.
 */
void nova_svc_queue_destroy(struct nova_svc_queue *queue);

/* What QUEUE_GET_STATE reports: fills the output fields of @state. */
void nova_svc_queue_get_state(struct nova_svc_queue *queue, struct drm_nova_queue_get_state *state);

/*
 * A job for EXEC, checked by the logic: command buffers (checked against
 * the device's limits) and sync elements (flags and points checked; the
 * handles are the glue's to resolve). The glue copies what it keeps.
 */
struct nova_svc_exec {
	const struct drm_nova_exec_cmdbuf *cmdbufs;
	__u32 cmdbuf_count;
	__u32 sync_count;
	const struct drm_nova_sync *syncs;
};

/*
 * Queues the job whole or not at all, and returns its sequence number.
 * -EIO when the queue is lost; -ENOENT for a handle that names no syncobj;
 * -EINVAL for a WAIT on one that holds no fence; -EINTR (restartable) when
 * a signal arrived while it waited for room; -ENOMEM.
 */
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_queue_exec(struct nova_svc_queue *queue, const struct nova_svc_exec *exec, __u64 *seqno);

/*
 * The bind queue of a file's VA space: asynchronous VM_BINDs, taking effect
 * one after the other in the order they were queued (uapi/nova_drm.h). The
 * logic checks and prepares each batch (struct nova_logic_bind) and applies
 * it when the glue says; the glue owns the order, the waits and the
 * signals (drm_sched and syncobjs, like a queue's). The logic makes a
 * file's bind queue on its first asynchronous bind and destroys it when
 * the file closes, before the VA space.
 */
struct nova_svc_bind_queue;
struct nova_logic_bind;

/* -ENOMEM. */
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_bind_queue_create(struct nova_svc_file *file, struct nova_svc_bind_queue **queue);
/*
 * Drops the binds not applied yet (nova_logic_bind_free() without
 * nova_logic_bind_run(); their fences signal with an error), waits for
 * the one being applied, and frees the queue. Bounded: it never waits for
 * a fence of anyone else's.
 */
void nova_svc_bind_queue_destroy(struct nova_svc_bind_queue *queue);
/*
 * Queues @bind behind every bind queued before it, with its sync elements
 * (checked by the logic; the handles are the glue's to resolve). Once the
 * waits have signalled and the binds before it have been applied, the glue
 * calls nova_logic_bind_run(@bind) and signals the signal elements with
 * its result; nova_logic_bind_free(@bind) follows, in a context that may
 * sleep and allocate, also for a bind that never ran. On failure nothing
 * is queued and @bind stays the caller's: -ENOENT for a handle that names
 * no syncobj; -EINVAL for a WAIT on one that holds no fence; -EINTR
 * (restartable) when a signal arrived while it waited for room (at most
 * NOVA_GETPARAM_QUEUE_MAX_JOBS binds pending); -ENOMEM.
 */
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_bind_queue_submit(struct nova_svc_bind_queue *queue, const struct drm_nova_sync *syncs,
			   __u32 sync_count, struct nova_logic_bind *bind);
/*
 * Waits until every bind queued so far has been applied (or dropped).
 * -EINTR (restartable) when a signal arrived first.
 */
NOVA_SVC_MUST_CHECK struct nova_svc_status
nova_svc_bind_queue_wait_idle(struct nova_svc_bind_queue *queue);

#if defined(__cplusplus)
}
#endif

#endif /* NOVA_SERVICES_H */

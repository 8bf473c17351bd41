/* SPDX-License-Identifier: MIT */
/*
 * libnova internals: the object layouts behind the opaque public types and
 * the helpers the source files share. Nothing here is exported; internal
 * functions carry the libnova_ prefix so that the version script, which
 * exports nova_*, could never pick them up even without -fvisibility=hidden.
 */
#ifndef LIBNOVA_PRIVATE_H
#define LIBNOVA_PRIVATE_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <xf86drm.h>

#include "nova/nova.h"
#include "nova_drm.h"
#include "bocache.h"
#include "handles.h"
#include "vaheap.h"

/* The library is built with -fvisibility=hidden; this marks the public API. */
#define NOVA_EXPORT __attribute__((visibility("default")))

/* The name the kernel driver reports through DRM_IOCTL_VERSION. */
#define NOVA_DRIVER_NAME "nova"

/*
 * Parameters that cannot change while the driver is loaded, read once at
 * open so that hot paths (size checks, tools) do not pay for an ioctl.
 * A field is valid only when its bit in @known is set (see param.c);
 * uapi_version is always valid, 0 for a driver without the parameter.
 */
struct libnova_params {
	uint64_t vram_bar_size;
	uint64_t uapi_version;
	uint64_t max_object_size;
	uint64_t page_size;
	uint64_t object_budget;
	uint64_t va_start;
	uint64_t va_size;
	uint64_t va_alignment;
	uint64_t vm_bind_max_ops;
	uint64_t max_mappings;
	uint64_t max_queues;
	uint64_t exec_max_cmdbufs;
	uint64_t exec_max_syncs;
	uint64_t max_cmdbuf_size;
	uint64_t job_timeout_ms;
	uint64_t call_max_depth;
	uint64_t queue_max_jobs;
	uint64_t timestamp_frequency;
	uint32_t known;		/* bit i: param.c's table entry i was read */
};

struct nova_device {
	int fd;			/* owned: a dup of the caller's or our open() */
	char *node_path;	/* may be NULL for nova_device_open_fd() */
	char *name;
	char *date;
	char *desc;
	int version_major;
	int version_minor;
	int version_patchlevel;
	struct libnova_params params;
	struct nova_vm *vm;	/* NULL when the driver has no usable VM_BIND */
	/*
	 * bo_lock guards the handle table, the cache and cache_enabled, and
	 * is held across the ioctls that make a handle appear or go away
	 * (PRIME import, GEM_CLOSE of a shared object), so that an import
	 * cannot find a nova_bo whose handle is being closed.
	 */
	pthread_mutex_t bo_lock;
	struct libnova_handle_table handles;	/* live objects (refcount > 0) */
	struct libnova_bocache cache;
	int cache_enabled;
	int bo_state_ready;	/* the above are initialised */
};

/* A deferred VA free: the range goes back once @point of the VM's timeline has. */
struct libnova_deferred_free {
	struct libnova_deferred_free *next;
	uint64_t va;
	uint64_t size;
	uint64_t point;
};

/*
 * The file's GPU VA space. The heap owns the range (start, size, granule =
 * VA_ALIGNMENT) and the device's parameters the VM_BIND limit, so nothing
 * here repeats them. heap_lock guards the heap's allocations (its range
 * never changes after open) and the deferred frees: the FIFO of them, in
 * the order of their points on the private timeline syncobj @deferred
 * (0 until the first deferred free makes it), whose last point is
 * @deferred_point (see vm.c).
 */
struct nova_vm {
	struct nova_device *dev;
	pthread_mutex_t heap_lock;
	struct libnova_vaheap heap;
	uint32_t deferred;
	uint64_t deferred_point;
	struct libnova_deferred_free *deferred_head;
	struct libnova_deferred_free **deferred_tail;
};

/* Operations collected for one VM_BIND call; owned by one thread at a time. */
struct nova_vm_bind_batch {
	struct nova_vm *vm;
	struct drm_nova_vm_bind_op *ops;
	uint32_t count;
	uint32_t capacity;
	struct drm_nova_sync *syncs;	/* waits and signals, in add order */
	uint32_t sync_count;
	uint32_t sync_capacity;
	int error;		/* the first failed add's error, then sticky */
	uint32_t error_op;	/* its operation's index, or NOVA_VM_BIND_NO_OP */
};

struct nova_bo {
	struct nova_device *dev;
	uint64_t size;		/* rounded by the kernel */
	/*
	 * Atomic. Drops to 0 only under dev->bo_lock, so an object found in
	 * the handle table always has a reference left to add to.
	 */
	uint32_t refcount;
	/* Atomic flags (LIBNOVA_BO_*): once set, they stay set. */
	uint32_t flags;
	pthread_mutex_t map_lock;	/* serialises map and unmap */
	void *map;		/* NULL while unmapped */
	int cpu_mapped;		/* mapped since created or cleared; map_lock */
	/*
	 * In dev->handles while live. node.handle is the object's GEM handle
	 * for its whole life, cached or not: the one copy of it.
	 */
	struct libnova_handle_node node;
	struct libnova_bocache_entry cache_entry;	/* while cached */
};

/*
 * A queue of the device's file. The kernel's id and the private timeline
 * never change after creation; exec_lock serializes EXEC on the queue so
 * that the timeline point libnova adds to each job is its seqno, in order.
 */
struct nova_queue {
	struct nova_device *dev;
	uint32_t id;
	uint32_t timeline;	/* syncobj: point N signals with job N */
	uint32_t refcount;	/* atomic */
	pthread_mutex_t exec_lock;
	uint64_t submitted;	/* last seqno EXEC gave; atomic reads, exec_lock writes */
};

/* An uploaded command stream: its object, its VA range and mapping. */
struct nova_cmdbuf {
	struct nova_bo *bo;
	struct nova_vm *vm;
	uint64_t va;
	uint64_t size;		/* the stream's */
	uint64_t range;		/* mapped and allocated: the object's size */
};

/* Someone outside this device's file may see the object: never cache it. */
#define LIBNOVA_BO_SHARED	0x1u
/* A GPU VA mapping may still refer to the object: never cache it. */
#define LIBNOVA_BO_GPU_MAPPED	0x2u

static inline void libnova_bo_mark(struct nova_bo *bo, uint32_t flag)
{
	__atomic_fetch_or(&bo->flags, flag, __ATOMIC_RELAXED);
}

/*
 * drmIoctl() restarts on EINTR/EAGAIN and reports failure through errno;
 * fold errno into the return value so that it never leaks to our callers.
 */
static inline int libnova_ioctl(int fd, unsigned long request, void *arg)
{
	if (drmIoctl(fd, request, arg))
		return -errno;
	return 0;
}

/* discover.c: the node paths of every nova device, sorted. */
struct libnova_node_list {
	char **paths;
	unsigned int count;
};

int libnova_discover(struct libnova_node_list *list);
void libnova_node_list_fini(struct libnova_node_list *list);

/* driver.c: who is behind a DRM file descriptor. */
int libnova_get_version(int fd, drmVersionPtr *out);
int libnova_version_is_nova(const drmVersion *version);
int libnova_fd_is_nova(int fd);

/* param.c */
int libnova_params_load(struct nova_device *dev);
int libnova_param_cached(const struct nova_device *dev, uint64_t param,
			 uint64_t *value);

/* bo.c: the device's buffer objects, handle table and cache. */
int libnova_bo_state_init(struct nova_device *dev);
void libnova_bo_state_fini(struct nova_device *dev);
/* A new nova_bo for @handle of @size, one reference; dev->bo_lock held. */
struct nova_bo *libnova_bo_alloc_locked(struct nova_device *dev, uint32_t handle,
					uint64_t size);
int libnova_gem_close(int fd, uint32_t handle);

/* map.c: map @bo into bo->map; bo->map_lock held, bo->map NULL. */
int libnova_bo_map_locked(struct nova_bo *bo);

/* vm.c: set up dev->vm at open (left NULL when unsupported), tear it down. */
int libnova_vm_create(struct nova_device *dev);
void libnova_vm_destroy(struct nova_vm *vm);

/* queue.c: a relative timeout (negative: none) as an absolute CLOCK_MONOTONIC. */
int64_t libnova_abs_timeout(int64_t timeout_ns);
/* queue.c: @p as a sync element with NOVA_SYNC_WAIT or _SIGNAL (@flags). */
void libnova_to_sync(struct drm_nova_sync *s, const struct nova_sync_point *p,
		     uint32_t flags);

#endif /* LIBNOVA_PRIVATE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the C glue calls in the C++ logic.
 *
 * The logic owns argument validation, ioctl semantics and the bookkeeping of
 * objects; the glue owns everything that touches the kernel and DRM (see
 * nova_services.h for that direction). Every function returns 0 or a negative
 * errno, never throws, and may sleep.
 *
 * This header and nova_services.h (both in driver/include/) are the whole
 * boundary: the glue (driver/nova-drm/glue/) includes them and never a
 * logic header (.hpp); the logic (driver/nova-drm/logic/, driver/cxx/)
 * includes them, the uapi headers and its own, never a kernel header.
 */
#ifndef NOVA_LOGIC_H
#define NOVA_LOGIC_H

#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

struct drm_nova_getparam;
struct drm_nova_gem_create;
struct drm_nova_gem_info;
struct drm_nova_gem_mmap_offset;
struct drm_nova_vm_bind;
struct drm_nova_queue_create;
struct drm_nova_queue_destroy;
struct drm_nova_exec;
struct drm_nova_queue_get_state;
struct nova_svc_gem;

struct nova_svc_file;
struct nova_logic_device;
struct nova_logic_file;
struct nova_logic_gem;
struct nova_logic_bind;

/* Limits and properties of a device, fixed for its lifetime. */
struct nova_logic_device_config {
	__u64 page_size;	/* power of two */
	__u64 max_object_size;	/* multiple of page_size, non-zero */
	__u64 object_budget;	/* bytes all live objects may total */
	__u64 vram_bar_size;	/* 0 on the virtual device */
	__u64 va_start;		/* usable GPU VA range: [va_start, va_start + va_size) */
	__u64 va_size;
	__u64 va_alignment;	/* power of two, at least page_size */
	__u32 vm_bind_max_ops;	/* most operations per VM_BIND call */
	__u32 max_mappings;	/* most live mappings of one file's VA space */
	/* The engine and its queues (NOVA_GETPARAM_* of uAPI version 4). */
	__u64 max_cmdbuf_size;	/* bytes, a non-zero multiple of 8 */
	__u32 max_queues;	/* per file */
	__u32 exec_max_cmdbufs;
	__u32 exec_max_syncs;
	__u32 job_timeout_ms;
	__u32 call_max_depth;
	__u32 queue_max_jobs;	/* unfinished jobs per queue */
	__u64 timestamp_frequency; /* Hz */
};

/* A snapshot of a device's accounting, for debugfs and tests. */
struct nova_logic_device_stats {
	__u64 objects;		/* live objects created through GEM_CREATE */
	__u64 object_bytes;	/* their total size */
	__u64 files;		/* open files */
	__u64 mappings;		/* live GPU VA mappings of all files */
	__u64 mapping_bytes;	/* kernel memory those mappings use */
};

/* A snapshot of one client's accounting. */
struct nova_logic_file_stats {
	__u64 objects;		/* live objects this file created */
	__u64 object_bytes;
	__u64 mappings;		/* live mappings of its VA space */
	__u64 client_id;	/* unique among the device's files, never reused */
	__u64 engine_busy_ns;	/* time the engine spent running its jobs */
};

/* One mapping of a VA space, as debugfs shows it. */
struct nova_logic_mapping_info {
	__u64 va_start;
	__u64 va_end;		/* exclusive */
	__u64 object_id;	/* device-unique id of the object, 0 if foreign */
	__u64 bo_offset;
	__u32 flags;		/* NOVA_VM_BIND_MAP_* */
	__u32 pad;
};

typedef void (*nova_logic_mapping_fn)(void *ctx, const struct nova_logic_mapping_info *info);

/*
 * The device is reference counted: the glue holds one reference, and each
 * open file and each live object holds one, so an object that outlives the
 * DRM device (a dma-buf another driver still holds) finds its accounting
 * intact.
 */
int nova_logic_device_create(const struct nova_logic_device_config *config,
			     struct nova_logic_device **device);
void nova_logic_device_put(struct nova_logic_device *device);
void nova_logic_device_get_stats(struct nova_logic_device *device,
				 struct nova_logic_device_stats *stats);

int nova_logic_file_open(struct nova_logic_device *device, struct nova_svc_file *svc_file,
			 struct nova_logic_file **file);
void nova_logic_file_close(struct nova_logic_file *file);
void nova_logic_file_get_stats(struct nova_logic_file *file, struct nova_logic_file_stats *stats);
/* A job of the file's ran for @ns. Any context: it never sleeps or locks. */
void nova_logic_file_add_busy(struct nova_logic_file *file, __u64 ns);
/*
 * Calls @fn for each mapping of the file's VA space in address order, with
 * the VA space locked: @fn must not call back into nova.
 */
void nova_logic_file_for_each_mapping(struct nova_logic_file *file, nova_logic_mapping_fn fn,
				      void *ctx);

/*
 * The engine's view of a file's VA space (the glue's MMU, nova_mmu.c).
 * Between lock and unlock no mapping of the file changes, so a translation
 * stays valid, and the objects it names stay alive (each mapping holds a
 * reference). The lock is never held while memory is allocated, so the
 * engine may take it on its fence-signalling path.
 */
void nova_logic_file_va_lock(struct nova_logic_file *file);
void nova_logic_file_va_unlock(struct nova_logic_file *file);
/*
 * With the VA lock held: the mapping that covers @va, as its object, the
 * offset of @va in the object, the bytes of the mapping from @va on and its
 * NOVA_VM_BIND_MAP_* flags. -EFAULT when no mapping covers @va.
 */
int nova_logic_file_va_translate(struct nova_logic_file *file, __u64 va, struct nova_svc_gem **gem,
				 __u64 *offset, __u64 *len, __u32 *flags);

/*
 * An asynchronous VM_BIND the logic queued (nova_svc_bind_queue_submit()).
 * run applies it, under the VA lock and without allocating, and returns
 * what its fences carry: 0, or -ENOSPC when it would have left more
 * mappings than the file may have (then nothing applied). free releases
 * it, run or not: object references, unused nodes, removed mappings.
 */
int nova_logic_bind_run(struct nova_logic_bind *bind);
void nova_logic_bind_free(struct nova_logic_bind *bind);

/*
 * Room for the logic's record of a GEM object it creates, which the glue
 * embeds in its object (nova_svc_gem_alloc()), so that a GEM_CREATE
 * allocates nothing more than the object itself. The logic checks at
 * compile time that its record fits.
 */
struct nova_logic_gem_storage {
	__u64 words[5];
};

/*
 * Called by the glue when the GEM object carrying @gem is freed, before its
 * memory (and the record's storage in it) goes.
 */
void nova_logic_gem_release(struct nova_logic_gem *gem);

/* ioctl handlers: @args is the kernel copy DRM made of the user's struct. */
int nova_logic_ioctl_getparam(struct nova_logic_file *file, struct drm_nova_getparam *args);
int nova_logic_ioctl_gem_create(struct nova_logic_file *file, struct drm_nova_gem_create *args);
int nova_logic_ioctl_gem_info(struct nova_logic_file *file, struct drm_nova_gem_info *args);
int nova_logic_ioctl_gem_mmap_offset(struct nova_logic_file *file,
				     struct drm_nova_gem_mmap_offset *args);
int nova_logic_ioctl_vm_bind(struct nova_logic_file *file, struct drm_nova_vm_bind *args);
int nova_logic_ioctl_queue_create(struct nova_logic_file *file, struct drm_nova_queue_create *args);
int nova_logic_ioctl_queue_destroy(struct nova_logic_file *file,
				   struct drm_nova_queue_destroy *args);
int nova_logic_ioctl_exec(struct nova_logic_file *file, struct drm_nova_exec *args);
int nova_logic_ioctl_queue_get_state(struct nova_logic_file *file,
				     struct drm_nova_queue_get_state *args);

#if defined(__cplusplus)
}
#endif

#endif /* NOVA_LOGIC_H */

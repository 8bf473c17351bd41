/* SPDX-License-Identifier: MIT */
/*
 * libnova - userspace client library for the nova DRM driver.
 *
 * The API is C, the types are opaque and every function reports failure as
 * a negative errno value (errno itself carries nothing the caller needs).
 * Passing NULL where an object or an output pointer is required is a misuse
 * that returns -EINVAL instead of crashing.
 *
 * The parameter numbers taken by nova_device_get_param() are the
 * NOVA_GETPARAM_* values of the kernel uAPI header, installed next to this
 * one as <nova/nova_drm.h>. This header does not include it, so that callers
 * that never query parameters do not need libdrm's headers.
 *
 * Thread-safety, in general: a nova_device may be used from several threads
 * at once, except that nova_device_close() must not race any other use of the
 * device or of its buffer objects. Discovery functions keep no global state.
 * Each function's note, or the note of its section, says whether it is
 * thread-safe and what it must not race.
 *
 * Lifetime: a nova_bo refers to the nova_device it was created on; release
 * every reference to every buffer object before closing its device. The same
 * holds for a device's nova_vm and for its unsubmitted VM_BIND batches.
 *
 * ABI: every type is opaque except struct nova_bo_cache_stats and struct
 * nova_queue_state, which carry their own size (see there), and the plain
 * arrays of EXEC (struct nova_exec_cmdbuf, struct nova_sync_point), whose
 * layouts are frozen. Symbols are versioned: the functions marked
 * "Since NOVA_0.2" are in the NOVA_0.2 node, those marked "Since
 * NOVA_0.3" in the NOVA_0.3 node, those marked "Since NOVA_0.4" in the
 * NOVA_0.4 node and those marked "Since NOVA_0.5" in the NOVA_0.5 node;
 * each node inherits the one before, and
 * NOVA_0.1 holds all the others. The SONAME is libnova.so.0.
 * <nova/nova.hpp> wraps this API in header-only C++ RAII types.
 */
#ifndef NOVA_NOVA_H
#define NOVA_NOVA_H

#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

/** struct nova_device - an open nova DRM device (one open file of it) */
struct nova_device;

/** struct nova_bo - a GEM buffer object of a nova_device */
struct nova_bo;

/** struct nova_vm - the GPU virtual address space of a nova_device */
struct nova_vm;

/** struct nova_vm_bind_batch - VM_BIND operations collected for one call */
struct nova_vm_bind_batch;

/** struct nova_queue - a queue of the command engine (since NOVA_0.4) */
struct nova_queue;

/** struct nova_cmdstream - a command stream being built (since NOVA_0.4) */
struct nova_cmdstream;

/** struct nova_cmdbuf - a command stream uploaded for the GPU (NOVA_0.4) */
struct nova_cmdbuf;

/* A syncobj or timeline point; defined with the queues, used by the VM too. */
struct nova_sync_point;

/*
 * Discovery
 *
 * nova devices are found by the name of their driver ("nova"), never by the
 * number of their DRM minor: other drivers (virtio_gpu, vgem, ...) may own
 * any minor, including the first one. The render node is used when the device
 * has one, otherwise its primary node. Devices are numbered in the order of
 * their node paths, so an index is stable while the set of devices is.
 *
 * The discovery and open functions are thread-safe: each call works on its
 * own file descriptors and keeps nothing global.
 */

/**
 * nova_device_count() - count the nova devices of the system
 *
 * Thread-safe.
 *
 * Return: the number of nova devices (0 when there is none), or a negative
 * errno: -ENOMEM; -EACCES (or another open(2) error) when no nova device was
 * found but a DRM node could not be opened to check its driver.
 */
int nova_device_count(void);

/**
 * nova_device_open_index() - open the index-th nova device
 * @index: 0-based, in the order described above
 * @out: receives the device; set to NULL on failure
 *
 * Thread-safe.
 *
 * Return: 0, or -EINVAL when @out is NULL; -ENODEV when there are not more
 * than @index nova devices; -ENOMEM; any error of open(2) on the node; any
 * error of nova_device_open_fd() other than -EBADF.
 */
int nova_device_open_index(unsigned int index, struct nova_device **out);

/**
 * nova_device_open() - open the first nova device
 * @out: receives the device; set to NULL on failure
 *
 * Same as nova_device_open_index(0, @out).
 *
 * Thread-safe.
 *
 * Return: as nova_device_open_index(); -ENODEV when there is no nova device.
 */
int nova_device_open(struct nova_device **out);

/**
 * nova_device_open_path() - open a nova device by its node path
 * @path: a DRM node, for example "/dev/dri/renderD129"
 * @out: receives the device; set to NULL on failure
 *
 * Each call opens a new file of the device: GEM handles are private to that
 * file, so two devices opened from the same path do not share objects.
 *
 * Thread-safe.
 *
 * Return: 0, or -EINVAL when @path or @out is NULL; any error of open(2);
 * -ENODEV when the node does not belong to the nova driver; the errors of
 * nova_device_open_fd().
 */
int nova_device_open_path(const char *path, struct nova_device **out);

/**
 * nova_device_open_fd() - wrap an already open DRM file descriptor
 * @fd: an open file descriptor of a nova DRM node; it stays the caller's
 * @out: receives the device; set to NULL on failure
 *
 * The device works on a duplicate of @fd (close-on-exec), so the caller may
 * close @fd at any time. Objects created through the device live in the open
 * file description @fd refers to, and are shared with @fd.
 *
 * A driver named "nova" that does not know the UAPI_VERSION parameter, such
 * as upstream Linux's nova (which answers only VRAM_BAR_SIZE), is accepted:
 * its uAPI version is taken as 0 (see nova_device_uapi_version()) and the
 * parameters it lacks are unknown (see nova_device_get_param()). Only what
 * needs a feature fails on such a device, the way nova_device_get_vm()
 * does.
 *
 * Thread-safe.
 *
 * Return: 0, or -EINVAL when @out is NULL; -EBADF when @fd is negative or not
 * open; -ENODEV when @fd is not a DRM device or its driver is not "nova";
 * -EPROTO when the driver reports a uAPI version of 0 (a driver that answers
 * UAPI_VERSION starts at 1); -ENOMEM; any error of the GETPARAM ioctl for
 * UAPI_VERSION other than -EINVAL.
 */
int nova_device_open_fd(int fd, struct nova_device **out);

/**
 * nova_device_close() - close a device
 * @dev: the device, or NULL (then nothing happens)
 *
 * Every reference to every buffer object of @dev must have been dropped
 * before; the objects in the buffer cache are released here.
 * Not thread-safe: nothing else may use @dev or its objects concurrently.
 */
void nova_device_close(struct nova_device *dev);

/*
 * Device properties. Each is read once at open and never changes; the
 * accessors only read the device and are safe from any thread.
 */

/**
 * nova_device_fd() - the device's DRM file descriptor
 * @dev: the device
 *
 * The descriptor belongs to @dev: use it for ioctls or mmap(2), do not close
 * it. It is valid until nova_device_close().
 *
 * Thread-safe.
 *
 * Return: the file descriptor, or -EINVAL when @dev is NULL.
 */
int nova_device_fd(const struct nova_device *dev);

/**
 * nova_device_node_path() - the path of the device's DRM node
 * @dev: the device
 *
 * Thread-safe.
 *
 * Return: a string owned by @dev, such as "/dev/dri/renderD129"; NULL when
 * @dev is NULL or when the path of a device opened with
 * nova_device_open_fd() could not be determined.
 */
const char *nova_device_node_path(const struct nova_device *dev);

/**
 * nova_device_driver_name() - the kernel driver's name, always "nova"
 * @dev: the device
 *
 * Thread-safe.
 *
 * Return: a string owned by @dev, or NULL when @dev is NULL.
 */
const char *nova_device_driver_name(const struct nova_device *dev);

/**
 * nova_device_driver_date() - the kernel driver's date string
 * @dev: the device
 *
 * Thread-safe.
 *
 * Return: a string owned by @dev (possibly empty), or NULL when @dev is NULL.
 */
const char *nova_device_driver_date(const struct nova_device *dev);

/**
 * nova_device_driver_desc() - the kernel driver's description
 * @dev: the device
 *
 * Thread-safe.
 *
 * Return: a string owned by @dev (possibly empty), or NULL when @dev is NULL.
 */
const char *nova_device_driver_desc(const struct nova_device *dev);

/**
 * nova_device_driver_version() - the kernel driver's version
 * @dev: the device
 * @major: receives the major version; may be NULL
 * @minor: receives the minor version; may be NULL
 * @patchlevel: receives the patch level; may be NULL
 *
 * Thread-safe.
 *
 * Return: 0, or -EINVAL when @dev is NULL.
 */
int nova_device_driver_version(const struct nova_device *dev, int *major,
			       int *minor, int *patchlevel);

/*
 * Parameters. All thread-safe: nova_device_get_param() reads the copy made at
 * open or makes an ioctl; the nova_param_*() functions read a static table.
 */

/**
 * nova_device_get_param() - read a GETPARAM parameter
 * @dev: the device
 * @param: a NOVA_GETPARAM_* value from <nova/nova_drm.h>
 * @value: receives the value
 *
 * The parameters this library knows (see nova_param_id()) are fixed while
 * the driver is loaded: each is read once at open, if the driver's uAPI
 * version has it, and answered from that copy. Any other @param, and one the
 * driver did not answer at open, is passed to the kernel on each call.
 *
 * Thread-safe.
 *
 * Return: 0, or -EINVAL when @dev or @value is NULL or when the kernel does
 * not know @param; any other error of the GETPARAM ioctl.
 */
int nova_device_get_param(struct nova_device *dev, uint64_t param,
			  uint64_t *value);

/**
 * nova_device_uapi_version() - the driver's uAPI version, as read at open
 * @dev: the device
 *
 * The NOVA_UAPI_VERSION revision the driver implements: 1 for GEM objects
 * only, 2 with VM_BIND. 0 for a driver without the UAPI_VERSION parameter
 * (upstream Linux's nova), where nova_device_get_param() says -EINVAL.
 *
 * Since NOVA_0.2.
 *
 * Thread-safe.
 *
 * Return: the version, or 0 when @dev is NULL.
 */
uint64_t nova_device_uapi_version(const struct nova_device *dev);

/**
 * nova_param_count() - number of parameters known to this library
 *
 * Together with nova_param_id() this lets tools list every parameter.
 *
 * Thread-safe.
 *
 * Return: the count.
 */
unsigned int nova_param_count(void);

/**
 * nova_param_id() - the index-th parameter known to this library
 * @index: 0 to nova_param_count() - 1
 *
 * Thread-safe.
 *
 * Return: the NOVA_GETPARAM_* value, or 0 (never a valid parameter) when
 * @index is out of range.
 */
uint64_t nova_param_id(unsigned int index);

/**
 * nova_param_name() - the name of a parameter
 * @param: a NOVA_GETPARAM_* value
 *
 * Thread-safe.
 *
 * Return: a static string such as "PAGE_SIZE" (the macro name without the
 * NOVA_GETPARAM_ prefix), or NULL when the library does not know @param.
 */
const char *nova_param_name(uint64_t param);

/*
 * Buffer objects
 *
 * A nova_bo is reference counted (since NOVA_0.3): nova_bo_create() and
 * nova_bo_import() return a reference, nova_bo_ref() takes another, and
 * nova_bo_unref() (or its older name nova_bo_destroy()) drops one. The last
 * one releases the object: into the device's buffer cache when the object
 * can be reused, else its CPU mapping is removed and its GEM handle closed.
 * Objects that were exported or imported (shared with other files or
 * drivers) or mapped into the GPU VA space (nova_vm_map(), a batch's MAP)
 * are never cached: someone else may still see them.
 *
 * Different buffer objects may be used from different threads at once, and
 * any function may be called on one object from several threads at once as
 * long as each thread holds a reference: nova_bo_map() and nova_bo_unmap()
 * are serialised per object, nova_bo_ref() and nova_bo_unref() are atomic.
 * Only the reference a thread drops must not be used by it afterwards; an
 * unmap racing a use of the mapping's address is the caller's problem, as
 * with munmap(2).
 */

/**
 * nova_bo_create() - create a GEM buffer object
 * @dev: the device
 * @size: requested size in bytes; the kernel rounds it up to the page size
 * @out: receives the object; set to NULL on failure
 *
 * The object is zero-filled; its memory is allocated on first CPU access.
 * With the device's buffer cache on (see nova_device_set_bo_cache()), a
 * cached object of exactly the page-rounded @size is reused when there is
 * one: it keeps its GEM handle and CPU mapping, and is cleared if it was
 * ever CPU-mapped, so it cannot be told from a new one. When the kernel
 * refuses a new object with -ENOSPC or -ENOMEM, the cache is emptied and
 * the creation tried once more. Thread-safe.
 *
 * Return: 0, or -EINVAL when @dev or @out is NULL or @size is 0; -E2BIG when
 * @size is above the MAX_OBJECT_SIZE parameter; -ENOSPC when the device's
 * OBJECT_BUDGET cannot hold the object; -ENOMEM; the errors of nova_bo_map()
 * when a reused object had to be mapped to be cleared.
 */
int nova_bo_create(struct nova_device *dev, uint64_t size, struct nova_bo **out);

/**
 * nova_bo_destroy() - drop a reference to a buffer object
 * @bo: the object, or NULL (then nothing happens)
 *
 * The same as nova_bo_unref(), its newer name. With the only reference (the
 * case of every caller that never takes another), the object is released:
 * cached for reuse, or unmapped and its GEM handle closed. GPU VA mappings
 * of the object (nova_vm_map()) are not touched: they keep the object alive
 * in the kernel until they are unmapped or the device is closed.
 * Thread-safe (see the section note).
 */
void nova_bo_destroy(struct nova_bo *bo);

/**
 * nova_bo_handle() - the object's GEM handle in its device's file
 * @bo: the object
 *
 * Thread-safe.
 *
 * Return: the handle, or 0 (never a valid handle) when @bo is NULL.
 */
uint32_t nova_bo_handle(const struct nova_bo *bo);

/**
 * nova_bo_size() - the object's size, as rounded up by the kernel
 * @bo: the object
 *
 * Thread-safe.
 *
 * Return: the size in bytes, or 0 when @bo is NULL.
 */
uint64_t nova_bo_size(const struct nova_bo *bo);

/**
 * nova_bo_query_size() - ask the kernel for the size of an object (GEM_INFO)
 * @dev: the device whose file owns @handle
 * @handle: a GEM handle
 * @size: receives the size in bytes
 *
 * Thread-safe.
 *
 * Return: 0, or -EINVAL when @dev or @size is NULL; -ENOENT when @handle
 * names no object of @dev's file.
 */
int nova_bo_query_size(struct nova_device *dev, uint32_t handle,
		       uint64_t *size);

/**
 * nova_bo_map() - map the whole object for CPU access
 * @bo: the object
 * @ptr: receives the address of the mapping
 *
 * The mapping is shared (MAP_SHARED), readable and writable, and stays cached
 * in @bo: later calls return the same address until nova_bo_unmap(). A call
 * after nova_bo_unmap() creates a new mapping, possibly at another address.
 * The mapping survives a trip through the buffer cache. Thread-safe.
 *
 * Return: 0, or -EINVAL when @bo or @ptr is NULL; -ENOENT when the object is
 * gone; -ENOMEM; -EOVERFLOW when the object does not fit the address space;
 * any other error of the GEM_MMAP_OFFSET ioctl or mmap(2).
 */
int nova_bo_map(struct nova_bo *bo, void **ptr);

/**
 * nova_bo_unmap() - remove the object's CPU mapping
 * @bo: the object
 *
 * Every address returned by nova_bo_map() becomes invalid. Unmapping an
 * object that is not mapped does nothing. Thread-safe.
 *
 * Return: 0, or -EINVAL when @bo is NULL; any error of munmap(2).
 */
int nova_bo_unmap(struct nova_bo *bo);

/**
 * nova_bo_ref() - take another reference to a buffer object
 * @bo: the object, or NULL
 *
 * Thread-safe; the caller must already hold a reference to @bo.
 *
 * Since NOVA_0.3.
 *
 * Return: @bo (NULL when @bo is NULL).
 */
struct nova_bo *nova_bo_ref(struct nova_bo *bo);

/**
 * nova_bo_unref() - drop a reference to a buffer object
 * @bo: the object, or NULL (then nothing happens)
 *
 * The last reference releases the object as the section note describes.
 * Thread-safe.
 *
 * Since NOVA_0.3.
 */
void nova_bo_unref(struct nova_bo *bo);

/**
 * nova_bo_device() - the device a buffer object belongs to
 * @bo: the object
 *
 * Thread-safe. Since NOVA_0.3.
 *
 * Return: the device, or NULL when @bo is NULL.
 */
struct nova_device *nova_bo_device(const struct nova_bo *bo);

/*
 * Sharing buffers through PRIME (dma-buf). Since NOVA_0.3.
 *
 * nova_bo_export() gives a dma-buf file descriptor of an object, which any
 * DRM driver (vgem, another nova file, a display driver) can import, and
 * nova_bo_import() turns a dma-buf, nova's or another driver's, into a
 * nova_bo. The kernel hands out one GEM handle per object and file, so
 * importing a dma-buf whose object the device already has returns the
 * nova_bo the device already has for it, with one more reference, instead
 * of a second nova_bo whose release would close the handle under the
 * first: "handle de-duplication". An object's contents are the same through
 * every file and driver that has it; the CPU mapping of an imported object
 * maps the exporter's memory.
 *
 * An imported object of another driver is not nova's memory: the kernel's
 * OBJECT_BUDGET and debugfs object counts do not include it. Its
 * nova_bo_size() is the dma-buf's size rounded up to the page size.
 *
 * A dma-buf fd exported with raw ioctls on nova_device_fd() bypasses this
 * bookkeeping: the object is then not known to be shared, and may be
 * cached and reused while the dma-buf lives. Use nova_bo_export().
 */

/**
 * nova_bo_export() - export a buffer object as a dma-buf file descriptor
 * @bo: the object
 * @fd: receives the file descriptor (close-on-exec, read-write), which the
 *      caller owns and closes; set to -1 on failure
 *
 * The dma-buf keeps the object alive after the last nova_bo reference is
 * dropped; exporting the same object again gives another descriptor of the
 * same dma-buf. The object will never go into the buffer cache.
 * Thread-safe.
 *
 * Since NOVA_0.3.
 *
 * Return: 0, or -EINVAL when @bo or @fd is NULL; -EMFILE and the other
 * errors of DRM_IOCTL_PRIME_HANDLE_TO_FD (-ENOENT when the handle is gone).
 */
int nova_bo_export(struct nova_bo *bo, int *fd);

/**
 * nova_bo_import() - import a dma-buf file descriptor as a buffer object
 * @dev: the device to import into
 * @fd: a dma-buf file descriptor; it stays the caller's, who may close it
 *      right after
 * @out: receives a reference to the object; set to NULL on failure
 *
 * Returns the nova_bo @dev already has for the dma-buf's object when there
 * is one (its reference count goes up), else a new one. Thread-safe: two
 * threads importing the same dma-buf get the same nova_bo, and an import
 * racing the release of the last reference to that object gets either the
 * old nova_bo, still valid, or a new one of a fresh handle.
 *
 * Since NOVA_0.3.
 *
 * Return: 0, or -EINVAL when @dev or @out is NULL, or when the kernel finds
 * no dma-buf behind @fd (any other kind of file); -EBADF when @fd is
 * negative or not open; -ENOMEM; the other errors of
 * DRM_IOCTL_PRIME_FD_TO_HANDLE, such as the exporter's refusal to attach.
 */
int nova_bo_import(struct nova_device *dev, int fd, struct nova_bo **out);

/*
 * The buffer cache. Since NOVA_0.3.
 *
 * Creating and freeing GEM objects costs two ioctls, a mapping and page
 * faults; drivers allocate and free many short-lived buffers. A device
 * therefore keeps the objects released by their last reference (when they
 * were never shared nor GPU-mapped) in size buckets, four per power of two,
 * and nova_bo_create() reuses one of exactly the requested page-rounded
 * size. Objects up to 64 MiB are cached, 256 MiB at most in all (the oldest
 * go first beyond that), and an object cached for more than one second is
 * released at the device's next create or release. The cache is on by
 * default; the environment variable NOVA_BO_CACHE=0, read at open, turns it
 * off for every device a process opens, and nova_device_set_bo_cache()
 * switches it per device. Cached objects count against the kernel's
 * OBJECT_BUDGET and show in its debugfs object counts.
 */

/**
 * nova_device_set_bo_cache() - turn a device's buffer cache on or off
 * @dev: the device
 * @enable: non-zero to cache released objects, 0 not to
 *
 * Turning it off releases every cached object. Thread-safe.
 *
 * Since NOVA_0.3.
 *
 * Return: 0, or -EINVAL when @dev is NULL.
 */
int nova_device_set_bo_cache(struct nova_device *dev, int enable);

/**
 * nova_device_bo_cache_trim() - release cached objects by age
 * @dev: the device
 * @max_age_ns: release the objects cached for longer than this many
 *              nanoseconds; 0 releases them all
 *
 * Thread-safe.
 *
 * Since NOVA_0.3.
 *
 * Return: the number of objects released (at most INT_MAX), or -EINVAL when
 * @dev is NULL.
 */
int nova_device_bo_cache_trim(struct nova_device *dev, uint64_t max_age_ns);

/**
 * struct nova_bo_cache_stats - the state of a device's buffer cache
 * @struct_size: set by the caller to sizeof(struct nova_bo_cache_stats);
 *               set by the library to the number of bytes it filled
 * @enabled: 1 when the cache is on, 0 when off
 * @cached_objects: objects in the cache now
 * @cached_bytes: their total size
 * @hits: nova_bo_create() calls served from the cache since open
 * @misses: nova_bo_create() calls that looked in the cache and created a
 *          new object
 * @evictions: objects released from the cache since open (by age, by the
 *             size limit, by a trim, by turning the cache off)
 *
 * Fields are only ever appended. A caller built against an older header
 * passes a smaller @struct_size and gets the fields it knows; a newer
 * caller on an older library sees a smaller @struct_size come back and
 * must not read beyond it.
 */
struct nova_bo_cache_stats {
	uint32_t struct_size;
	uint32_t enabled;
	uint64_t cached_objects;
	uint64_t cached_bytes;
	uint64_t hits;
	uint64_t misses;
	uint64_t evictions;
};

/**
 * nova_device_bo_cache_stats() - read the state of a device's buffer cache
 * @dev: the device
 * @stats: filled up to @stats->struct_size bytes, see the struct
 *
 * Thread-safe: the figures are one consistent snapshot.
 *
 * Since NOVA_0.3.
 *
 * Return: 0, or -EINVAL when @dev or @stats is NULL or @stats->struct_size
 * is smaller than 8 (the size of the first two fields).
 */
int nova_device_bo_cache_stats(struct nova_device *dev,
			       struct nova_bo_cache_stats *stats);

/*
 * GPU virtual address space (uAPI version 2, VM_BIND). Since NOVA_0.2.
 *
 * Each open file of a nova device has one GPU VA space, which libnova
 * represents by a nova_vm owned by the nova_device: there is one per device,
 * made at open and freed by nova_device_close(). Objects are mapped into it
 * with VM_BIND, either one operation per call (nova_vm_map(),
 * nova_vm_unmap()) or as a batch of operations that the kernel applies
 * atomically in one call (nova_vm_bind_begin() ... nova_vm_bind_submit()).
 * The kernel's rules apply as <nova/nova_drm.h> documents them: addresses,
 * ranges and object offsets are multiples of nova_vm_va_alignment(); a MAP
 * replaces whatever it covers, cutting mappings at its edges; an UNMAP may
 * cover holes; a mapping keeps its object alive after nova_bo_destroy()
 * until the last mapping of it goes, and closing the device drops every
 * mapping. libnova does not check these rules itself: the kernel does, and
 * its errors are returned as they are.
 *
 * The VA heap (nova_vm_va_alloc() and friends) hands out ranges of
 * [nova_vm_va_start(), nova_vm_va_start() + nova_vm_va_size()) for clients
 * that let libnova choose their GPU addresses, as Mesa's drivers do with
 * util_vma_heap. It is bookkeeping in the process only: VM_BIND neither
 * needs nor checks heap allocations, and the heap does not know what is
 * mapped. Policy: the lowest suitably aligned free address (bottom-up first
 * fit), sizes rounded up to nova_vm_va_alignment(), adjacent free ranges
 * coalesced. Allocations and frees cost O(log n) in the number of ranges
 * (see nova_vm_va_alloc() for large alignments).
 *
 * Thread-safety: nova_device_get_vm() and the nova_vm accessors only read
 * and are safe from any thread. The VA heap functions take the VM's lock and
 * may be called from any thread at once. nova_vm_map(), nova_vm_unmap() and
 * nova_vm_bind_submit() may be called from any thread at once: the kernel
 * serializes the VM_BIND calls of a file, each call seeing the whole effect
 * of the ones before it (with concurrent callers the order among them is
 * whatever the kernel's serialization gives). A nova_vm_bind_batch is used
 * by one thread at a time; different batches may be built concurrently.
 *
 * Asynchronous binds (uAPI version 5, since NOVA_0.5): a batch may wait for
 * fences and signal syncobjs (nova_vm_bind_add_wait(),
 * nova_vm_bind_add_signal()) and be submitted with NOVA_VM_BIND_ASYNC
 * (nova_vm_bind_submit_ex()): checked and allocated at the call, applied
 * later on the VA space's bind queue, in submission order, after its waits.
 * <nova/nova_drm.h> (struct drm_nova_vm_bind) gives the kernel's rules. On
 * an older kernel these are refused with -EOPNOTSUPP, and libnova makes
 * every other VM_BIND call the way that kernel knows. The VA heap's free
 * may be deferred until a fence signals (nova_vm_va_free_deferred()).
 */

/**
 * nova_device_get_vm() - the GPU VA space of a device
 * @dev: the device
 * @out: receives the VM, owned by @dev; set to NULL on failure
 *
 * Every call returns the same VM, valid until nova_device_close(@dev).
 *
 * Since NOVA_0.2.
 *
 * Thread-safe.
 *
 * Return: 0, or -EINVAL when @dev or @out is NULL; -EOPNOTSUPP when the
 * driver's uAPI version is below 2, when it did not answer the VA_START,
 * VA_SIZE, VA_ALIGNMENT or VM_BIND_MAX_OPS parameters at open, or when it
 * answered values libnova cannot use (a zero size or operation limit, an
 * alignment that is not a power of two or does not divide the range, a range
 * that ends past 2^64 - 1).
 */
int nova_device_get_vm(struct nova_device *dev, struct nova_vm **out);

/**
 * nova_vm_device() - the device a VM belongs to
 * @vm: the VM
 *
 * Since NOVA_0.2.
 *
 * Thread-safe.
 *
 * Return: the device, or NULL when @vm is NULL.
 */
struct nova_device *nova_vm_device(const struct nova_vm *vm);

/**
 * nova_vm_va_start() - first GPU virtual address VM_BIND may map
 * @vm: the VM
 *
 * The VA_START parameter. Since NOVA_0.2.
 *
 * Thread-safe.
 *
 * Return: the address, or 0 when @vm is NULL.
 */
uint64_t nova_vm_va_start(const struct nova_vm *vm);

/**
 * nova_vm_va_size() - size of the usable GPU VA range, in bytes
 * @vm: the VM
 *
 * The VA_SIZE parameter: VM_BIND maps within [start, start + size).
 * Since NOVA_0.2.
 *
 * Thread-safe.
 *
 * Return: the size, or 0 when @vm is NULL.
 */
uint64_t nova_vm_va_size(const struct nova_vm *vm);

/**
 * nova_vm_va_alignment() - alignment of VM_BIND addresses, ranges and offsets
 * @vm: the VM
 *
 * The VA_ALIGNMENT parameter, a power of two. Since NOVA_0.2.
 *
 * Thread-safe.
 *
 * Return: the alignment in bytes, or 0 when @vm is NULL.
 */
uint64_t nova_vm_va_alignment(const struct nova_vm *vm);

/**
 * nova_vm_max_ops() - most operations one VM_BIND call (one batch) may hold
 * @vm: the VM
 *
 * The VM_BIND_MAX_OPS parameter (capped at UINT32_MAX, the most a call can
 * carry). Since NOVA_0.2.
 *
 * Thread-safe.
 *
 * Return: the limit, or 0 when @vm is NULL.
 */
uint32_t nova_vm_max_ops(const struct nova_vm *vm);

/**
 * nova_vm_va_alloc() - allocate a range of GPU virtual addresses
 * @vm: the VM
 * @size: bytes to allocate, rounded up to nova_vm_va_alignment()
 * @alignment: the address is a multiple of it; a power of two, or 0 for
 *             nova_vm_va_alignment(), which smaller values are raised to
 * @va: receives the first address of the range
 *
 * Returns the lowest free address that satisfies @alignment. This costs
 * O(log n) in the number of free and allocated ranges when @alignment is at
 * most nova_vm_va_alignment(); a larger one may also visit each free range
 * that is large enough but not suitably aligned. Thread-safe.
 *
 * Since NOVA_0.2.
 *
 * Return: 0, or -EINVAL when @vm or @va is NULL, @size is 0 or @alignment is
 * not a power of two (nor 0); -ENOSPC when no free range can hold the
 * request; -ENOMEM.
 */
int nova_vm_va_alloc(struct nova_vm *vm, uint64_t size, uint64_t alignment,
		     uint64_t *va);

/**
 * nova_vm_va_alloc_addr() - allocate a given range of GPU virtual addresses
 * @vm: the VM
 * @va: first address; a multiple of nova_vm_va_alignment()
 * @size: bytes, rounded up to nova_vm_va_alignment()
 *
 * For clients that need fixed addresses (replay, shared layouts). The range
 * is freed with nova_vm_va_free() like any other. Thread-safe.
 *
 * Since NOVA_0.2.
 *
 * Return: 0, or -EINVAL when @vm is NULL, @size is 0, @va is not aligned or
 * the range is not inside the VA range; -EBUSY when part of it is allocated;
 * -ENOMEM.
 */
int nova_vm_va_alloc_addr(struct nova_vm *vm, uint64_t va, uint64_t size);

/**
 * nova_vm_va_free() - return an allocated range to the VA heap
 * @vm: the VM
 * @va: the first address of an allocation
 * @size: its size, as passed when it was allocated (the same rounding
 *        applies, so the rounded size does too)
 *
 * Only whole allocations are freed: a range that is not exactly one live
 * allocation is refused and the heap is left unchanged. Freeing does not
 * unmap anything. Thread-safe.
 *
 * Since NOVA_0.2.
 *
 * Return: 0, or -EINVAL when @vm is NULL, @size is 0 or is not the
 * allocation's size; -ENOENT when no allocation starts at @va.
 */
int nova_vm_va_free(struct nova_vm *vm, uint64_t va, uint64_t size);

/**
 * nova_vm_va_free_deferred() - free a range of the VA heap once a fence has
 *                              signalled
 * @vm: the VM
 * @va: the first address of an allocation
 * @size: its size, as for nova_vm_va_free()
 * @fence: a binary syncobj (@point 0: the fence it holds now) or a timeline
 *         point, which must have been submitted already, for example
 *         { nova_queue_timeline(q), seqno } for a job of a queue, or a
 *         bind's signal
 *
 * The classic winsys need: "this range may be reused once the GPU is done
 * with it". The fence is copied at the call, so signalling the syncobj
 * again later does not move the free. Until the fence has signalled (with
 * or without an error), the range stays allocated: no allocation is given
 * any of it, nova_vm_va_free() of it says -EBUSY and so does another
 * deferred free of it. Then it goes back to the heap, without a thread:
 * nova_vm_va_alloc(), nova_vm_va_alloc_addr(), nova_vm_va_free_deferred()
 * and nova_vm_va_reclaim() first reclaim the deferred ranges whose fences
 * have signalled, with one non-blocking syncobj query, never waiting.
 * Ranges come back in the order their frees were deferred: a range whose
 * fence signals early may wait for one deferred before it (never the other
 * way round). nova_device_close() drops the deferred frees without waiting
 * (the VA space goes with the file). Like nova_vm_va_free(), this unmaps
 * nothing: unmap before, or with a bind that the fence follows.
 * Thread-safe.
 *
 * Since NOVA_0.5.
 *
 * Return: 0, or -EINVAL when @vm or @fence is NULL, @fence's pad is not
 * zero, @size is 0 or is not the allocation's size, or the syncobj (or
 * point) holds no fence yet; -ENOENT when no allocation starts at @va or
 * the syncobj does not exist; -EBUSY when the range's free is already
 * deferred; -EOPNOTSUPP when the driver's uAPI version is below 4 (no
 * syncobjs); -ENOMEM; any error of DRM_IOCTL_SYNCOBJ_CREATE or _TRANSFER.
 */
int nova_vm_va_free_deferred(struct nova_vm *vm, uint64_t va, uint64_t size,
			     const struct nova_sync_point *fence);

/**
 * nova_vm_va_reclaim() - take back the deferred ranges whose fences have
 *                        signalled
 * @vm: the VM
 * @timeout_ns: how long to wait for the frees deferred so far, in
 *              nanoseconds; 0 only polls, a negative value waits without
 *              limit
 *
 * Allocating reclaims on its own; this is for a caller that wants the
 * ranges back now (say, before giving up on -ENOSPC) or wants to know that
 * none is pending. Waits without holding the heap's lock. Thread-safe.
 *
 * Since NOVA_0.5.
 *
 * Return: 0 when no free is deferred any more; -ETIME when some still are
 * (@timeout_ns passed, or was 0); -EINVAL when @vm is NULL; -EINTR; any
 * other error of DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT.
 */
int nova_vm_va_reclaim(struct nova_vm *vm, int64_t timeout_ns);

/**
 * nova_vm_map() - map part of an object into the VA space (one VM_BIND call)
 * @vm: the VM
 * @bo: the object, created on @vm's device
 * @bo_offset: offset in @bo of the first mapped byte
 * @va: first GPU virtual address of the mapping
 * @range: size of the mapping in bytes
 * @flags: NOVA_VM_BIND_MAP_* flags of <nova/nova_drm.h>
 *
 * Replaces whatever was mapped in [@va, @va + @range). Thread-safe.
 *
 * Since NOVA_0.2.
 *
 * Return: 0, or -EINVAL when @vm or @bo is NULL; -EXDEV when @bo belongs to
 * another device; the kernel's errors: -EINVAL for an unknown flag, an
 * unaligned @va, @range or @bo_offset, a zero @range, a range outside the VA
 * range or overflowing, or a range past the end of @bo; -ENOENT when @bo's
 * handle is closed; -ENOMEM.
 */
int nova_vm_map(struct nova_vm *vm, struct nova_bo *bo, uint64_t bo_offset,
		uint64_t va, uint64_t range, uint32_t flags);

/**
 * nova_vm_unmap() - unmap everything in a range (one VM_BIND call)
 * @vm: the VM
 * @va: first GPU virtual address of the range
 * @range: size of the range in bytes
 *
 * Mappings that cross the range's edges are cut; holes are not an error.
 * Thread-safe.
 *
 * Since NOVA_0.2.
 *
 * Return: 0, or -EINVAL when @vm is NULL; the kernel's errors: -EINVAL for
 * an unaligned @va or @range, a zero @range, or a range outside the VA range
 * or overflowing; -ENOMEM.
 */
int nova_vm_unmap(struct nova_vm *vm, uint64_t va, uint64_t range);

/**
 * nova_vm_bind_begin() - start a batch of VM_BIND operations
 * @vm: the VM the batch will apply to
 * @out: receives the batch; set to NULL on failure
 *
 * Operations are added with nova_vm_bind_add_map() and
 * nova_vm_bind_add_unmap(), then nova_vm_bind_submit() applies them all in
 * one VM_BIND call, in the order they were added, or none of them: a batch
 * is never split over several calls. Every batch ends with exactly one
 * nova_vm_bind_submit() or nova_vm_bind_abort(), which frees it.
 *
 * Since NOVA_0.2.
 *
 * Thread-safe; the batch it gives is then used by one thread at a time.
 *
 * Return: 0, or -EINVAL when @vm or @out is NULL; -ENOMEM.
 */
int nova_vm_bind_begin(struct nova_vm *vm, struct nova_vm_bind_batch **out);

/**
 * nova_vm_bind_add_map() - add a MAP operation to a batch
 * @batch: the batch
 * @bo: the object, created on the batch's device
 * @bo_offset: offset in @bo of the first mapped byte
 * @va: first GPU virtual address of the mapping
 * @range: size of the mapping in bytes
 * @flags: NOVA_VM_BIND_MAP_* flags
 *
 * Only @bo's handle is recorded: @bo must not be destroyed before the batch
 * is submitted, but may be right after, the mapping keeping the object.
 *
 * A failed add poisons the batch: the error is kept, later adds do nothing
 * and return it, and nova_vm_bind_submit() returns it without calling the
 * kernel. So a batch that could not be built as the caller meant is never
 * applied, in whole or in part.
 *
 * Since NOVA_0.2.
 *
 * Not thread-safe on one batch: a batch is used by one thread at a time
 * (different batches may be used at once).
 *
 * Return: 0, or -EINVAL when @batch is NULL (nothing is recorded then) or
 * @bo is NULL; -EXDEV when @bo belongs to another device; -E2BIG when the
 * batch already holds nova_vm_max_ops() operations; -ENOMEM; the error of an
 * earlier failed add.
 */
int nova_vm_bind_add_map(struct nova_vm_bind_batch *batch, struct nova_bo *bo,
			 uint64_t bo_offset, uint64_t va, uint64_t range,
			 uint32_t flags);

/**
 * nova_vm_bind_add_unmap() - add an UNMAP operation to a batch
 * @batch: the batch
 * @va: first GPU virtual address of the range
 * @range: size of the range in bytes
 *
 * Failures poison the batch as nova_vm_bind_add_map() describes.
 *
 * Since NOVA_0.2.
 *
 * Not thread-safe on one batch: a batch is used by one thread at a time
 * (different batches may be used at once).
 *
 * Return: 0, or -EINVAL when @batch is NULL; -E2BIG when the batch already
 * holds nova_vm_max_ops() operations; -ENOMEM; the error of an earlier
 * failed add.
 */
int nova_vm_bind_add_unmap(struct nova_vm_bind_batch *batch, uint64_t va,
			   uint64_t range);

/**
 * nova_vm_bind_count() - number of operations in a batch
 * @batch: the batch
 *
 * Since NOVA_0.2.
 *
 * Not thread-safe on one batch: a batch is used by one thread at a time
 * (different batches may be used at once).
 *
 * Return: the count, or 0 when @batch is NULL.
 */
unsigned int nova_vm_bind_count(const struct nova_vm_bind_batch *batch);

/**
 * nova_vm_bind_submit() - apply a batch in one VM_BIND call, and free it
 * @batch: the batch; freed in every case, success or not
 *
 * The kernel applies the operations in order, each seeing the effect of the
 * ones before it, atomically: on failure the VA space is unchanged. An empty
 * batch succeeds without calling the kernel. Thread-safe with respect to
 * other VM_BIND calls (see above).
 *
 * Since NOVA_0.2.
 *
 * Return: 0, or -EINVAL when @batch is NULL; the error of a failed add (the
 * kernel is not called then); the kernel's errors, as nova_vm_map() and
 * nova_vm_unmap() list them, for whichever operation failed.
 */
int nova_vm_bind_submit(struct nova_vm_bind_batch *batch);

/**
 * nova_vm_bind_add_wait() - make an asynchronous batch wait for a fence
 * @batch: the batch
 * @wait: a binary syncobj (@point 0: the fence it holds when the batch is
 *        submitted) or a timeline point, which must have been submitted
 *        by then; as for nova_queue_exec()'s waits
 *
 * The batch takes effect only once every fence it waits for has signalled
 * (and every bind submitted before it has taken effect). Only a batch
 * submitted with NOVA_VM_BIND_ASYNC may wait (nova_vm_bind_submit_ex()).
 * Failures poison the batch as nova_vm_bind_add_map() describes.
 *
 * Since NOVA_0.5.
 *
 * Not thread-safe on one batch: a batch is used by one thread at a time
 * (different batches may be used at once).
 *
 * Return: 0, or -EINVAL when @batch or @wait is NULL or @wait's pad is not
 * zero; -EOPNOTSUPP when the driver's uAPI version is below 5; -E2BIG
 * when the batch already holds the EXEC_MAX_SYNCS parameter's number of
 * waits and signals; -ENOMEM; the error of an earlier failed add.
 */
int nova_vm_bind_add_wait(struct nova_vm_bind_batch *batch,
			  const struct nova_sync_point *wait);

/**
 * nova_vm_bind_add_signal() - signal a syncobj when an asynchronous batch has
 *                             taken effect
 * @batch: the batch
 * @signal: a binary syncobj, whose fence is replaced, or a timeline point
 *          to add (above the timeline's last); as for nova_queue_exec()'s
 *          signals
 *
 * The fence signals once the batch's operations have taken effect, or with
 * an error when they never will: -ENOSPC when the mapping limit would have
 * been exceeded (nothing applied), another error when the device's file
 * was closed with the batch pending. Rules as nova_vm_bind_add_wait().
 *
 * Since NOVA_0.5.
 *
 * Not thread-safe on one batch.
 *
 * Return: as nova_vm_bind_add_wait().
 */
int nova_vm_bind_add_signal(struct nova_vm_bind_batch *batch,
			    const struct nova_sync_point *signal);

/**
 * nova_vm_bind_submit_ex() - submit a batch, possibly asynchronously, and
 *                            free it
 * @batch: the batch; freed in every case, success or not
 * @flags: 0, or NOVA_VM_BIND_ASYNC of <nova/nova_drm.h>
 * @failed_op: receives, on failure, the index in the batch (in add order)
 *             of the operation that made it fail, and NOVA_VM_BIND_NO_OP
 *             (0xffffffff) on success or when no single operation did;
 *             may be NULL
 *
 * Without flags, as nova_vm_bind_submit(), plus @failed_op (which the
 * kernel reports from uAPI version 5 on; below, NOVA_VM_BIND_NO_OP unless
 * a failed add is the cause). With NOVA_VM_BIND_ASYNC (uAPI version 5),
 * the kernel checks every operation and sync element and allocates what
 * the batch needs before the call returns, so every error the synchronous
 * call has is returned here; then the batch waits on the VA space's bind
 * queue for its waits, takes effect, atomically, after every bind
 * submitted before it (asynchronous or not), and signals its signals. An
 * empty asynchronous batch only waits and signals, in that order. A later
 * synchronous submission waits for the pending asynchronous ones first.
 * When a failed add poisoned the batch, its error is returned without
 * calling the kernel; @failed_op is then the index the failed operation
 * would have had when the operation itself was wrong (a NULL or foreign
 * object), and NOVA_VM_BIND_NO_OP for limits of the whole call (-E2BIG,
 * -ENOMEM) and for a failed wait or signal, as the kernel counts them.
 * Thread-safe with respect to other VM_BIND calls.
 *
 * Since NOVA_0.5.
 *
 * Return: 0, or -EINVAL when @batch is NULL, @flags has another bit, or the
 * batch has waits or signals without NOVA_VM_BIND_ASYNC (the kernel is not
 * called then); -EOPNOTSUPP for NOVA_VM_BIND_ASYNC when the driver's uAPI
 * version is below 5; the error of a failed add; the kernel's errors, as
 * nova_vm_map() and nova_vm_unmap() list them, and for the sync elements
 * as nova_queue_exec() lists them (-EINVAL for a wait on a syncobj or point
 * that holds no fence, -ENOENT for an unknown syncobj); -ENOSPC when a
 * synchronous batch would exceed the mapping limit; -EINTR when a signal
 * arrived while the call waited (for room on the bind queue, or for the
 * pending binds).
 */
int nova_vm_bind_submit_ex(struct nova_vm_bind_batch *batch, uint32_t flags,
			   uint32_t *failed_op);

/**
 * nova_vm_bind_abort() - free a batch without applying it
 * @batch: the batch, or NULL (then nothing happens)
 *
 * Since NOVA_0.2.
 *
 * Not thread-safe on one batch: a batch is used by one thread at a time
 * (different batches may be used at once).
 */
void nova_vm_bind_abort(struct nova_vm_bind_batch *batch);

/*
 * Queues and submission (uAPI version 4). Since NOVA_0.4.
 *
 * A nova_queue is one of the device file's queues of the command engine
 * (QUEUE_CREATE). Jobs are submitted to it with nova_queue_exec() (EXEC):
 * a list of command buffers in the file's GPU VA space, plus fences to wait
 * for before the job starts and syncobj points to signal when it ends. The
 * engine runs the jobs of one queue in submission order and those of
 * different queues independently. A job that faults makes its queue lost:
 * the fault is kept (nova_queue_get_state()), the jobs behind it end with
 * -ECANCELED, and later submissions fail with -EIO; other queues go on.
 *
 * libnova gives every queue a private timeline syncobj and adds one signal
 * to every job it submits: the job's seqno as a point of that timeline.
 * nova_queue_wait() waits on it, so waiting for a job needs no syncobj of
 * the caller's. This costs one of the EXEC_MAX_SYNCS sync elements of each
 * job. Jobs submitted on the queue's id with the raw ioctl are not tracked.
 *
 * A nova_queue is reference counted like a nova_bo: nova_queue_create()
 * returns a reference, nova_queue_ref() adds one, nova_queue_unref() drops
 * one, and the last one destroys the kernel's queue (QUEUE_DESTROY): its
 * jobs that have not finished end without running (a running one is
 * stopped), their fences signalling -ECANCELED, or the scheduler's -ESRCH
 * for jobs still waiting for their fences, and the call waits (boundedly)
 * for that. Release every queue reference before nova_device_close().
 *
 * Thread-safety: every queue function may be called from any thread at
 * once, on one queue or on several, as long as each thread holds a
 * reference. nova_queue_exec() calls on one queue are serialized by the
 * queue's lock, so their seqnos follow the order in which they took it;
 * submissions to different queues do not contend.
 *
 * Syncobjs are the DRM core's (DRM_IOCTL_SYNCOBJ_*), used through libdrm:
 * the nova_syncobj_*() functions are thin wrappers that report errors as
 * negative errno values and take relative timeouts; a caller may as well
 * call libdrm's drmSyncobj*() on nova_device_fd(), for example
 * drmSyncobjTimelineSignal(), drmSyncobjReset() or drmSyncobjTransfer(),
 * which libnova does not wrap.
 */

/**
 * struct nova_exec_cmdbuf - one command buffer of a job
 * @va: GPU virtual address of the first command, 8-byte aligned
 * @size: size in bytes: not zero, a multiple of 8, at most the
 *        MAX_CMDBUF_SIZE parameter
 *
 * The layout of the uAPI's struct drm_nova_exec_cmdbuf; frozen.
 */
struct nova_exec_cmdbuf {
	uint64_t va;
	uint64_t size;
};

/**
 * struct nova_sync_point - a syncobj, or a point of a timeline syncobj
 * @syncobj: a syncobj handle of the device's file
 * @pad: must be zero
 * @point: 0 for a binary syncobj, else the timeline point (not zero)
 *
 * Frozen. nova_queue_exec() turns each into a struct drm_nova_sync with
 * NOVA_SYNC_WAIT or NOVA_SYNC_SIGNAL, and NOVA_SYNC_TIMELINE when @point
 * is not zero.
 */
struct nova_sync_point {
	uint32_t syncobj;
	uint32_t pad;
	uint64_t point;
};

/**
 * nova_queue_create() - create a queue on the device's VA space
 * @dev: the device
 * @priority: an enum drm_nova_queue_priority value of <nova/nova_drm.h>
 *            (NOVA_QUEUE_PRIORITY_LOW, _NORMAL or _HIGH)
 * @out: receives the queue, with one reference; set to NULL on failure
 *
 * Also creates the queue's private timeline syncobj (see the section note).
 * Thread-safe.
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @dev or @out is NULL or @priority is unknown;
 * -EOPNOTSUPP when the driver's uAPI version is below 4; -ENOSPC when the
 * file already has the MAX_QUEUES parameter's number of queues; -ENOMEM;
 * any error of DRM_IOCTL_SYNCOBJ_CREATE.
 */
int nova_queue_create(struct nova_device *dev, uint32_t priority,
		      struct nova_queue **out);

/**
 * nova_queue_ref() - take another reference to a queue
 * @q: the queue, or NULL
 *
 * Thread-safe; the caller must already hold a reference to @q.
 *
 * Since NOVA_0.4.
 *
 * Return: @q.
 */
struct nova_queue *nova_queue_ref(struct nova_queue *q);

/**
 * nova_queue_unref() - drop a reference to a queue
 * @q: the queue, or NULL (then nothing happens)
 *
 * The last reference destroys the queue as the section note says: its
 * unfinished jobs end with -ECANCELED (or -ESRCH). Command buffers and objects the jobs
 * used are not touched. Thread-safe; @q must not be used afterwards by the
 * caller.
 *
 * Since NOVA_0.4.
 */
void nova_queue_unref(struct nova_queue *q);

/**
 * nova_queue_id() - the kernel's id of the queue (never 0)
 * @q: the queue
 *
 * Thread-safe.
 *
 * Since NOVA_0.4.
 *
 * Return: the id, or 0 when @q is NULL.
 */
uint32_t nova_queue_id(const struct nova_queue *q);

/**
 * nova_queue_device() - the device a queue belongs to
 * @q: the queue
 *
 * Thread-safe.
 *
 * Since NOVA_0.4.
 *
 * Return: the device, or NULL when @q is NULL.
 */
struct nova_device *nova_queue_device(const struct nova_queue *q);

/**
 * nova_queue_timeline() - the queue's private timeline syncobj
 * @q: the queue
 *
 * Point N of it signals when the queue's job N (its seqno) ends (see the
 * section note), so { nova_queue_timeline(q), seqno } is a struct
 * nova_sync_point that another job, a bind or nova_vm_va_free_deferred()
 * may wait for. Wait on it only: libnova signals it, and a signal from
 * elsewhere would make nova_queue_wait() lie. Valid while @q is.
 * Thread-safe.
 *
 * Since NOVA_0.5.
 *
 * Return: the syncobj handle, or 0 when @q is NULL.
 */
uint32_t nova_queue_timeline(const struct nova_queue *q);

/**
 * nova_queue_exec() - submit a job to a queue (EXEC)
 * @q: the queue
 * @cmdbufs: the job's command buffers, run in array order; may be NULL
 *           when @cmdbuf_count is 0
 * @cmdbuf_count: their number, at most the EXEC_MAX_CMDBUFS parameter; 0
 *                makes a job that only waits and signals
 * @waits: fences the job waits for before it starts: binary syncobjs (the
 *         fence they hold now) or timeline points, which must have been
 *         submitted already; may be NULL when @wait_count is 0
 * @wait_count: their number
 * @signals: syncobjs or timeline points that receive the job's fence: a
 *           binary syncobj's fence is replaced, a timeline gets @point,
 *           which should be above its last point; may be NULL when
 *           @signal_count is 0
 * @signal_count: their number
 * @seqno: receives the job's sequence number on the queue (1 for the first
 *         job), which nova_queue_wait() and struct nova_queue_state name;
 *         may be NULL
 *
 * @wait_count + @signal_count + 1 (the queue's own signal) must not exceed
 * the EXEC_MAX_SYNCS parameter. The job is queued whole or not at all; the
 * command buffers are read when the engine runs them, so they must stay
 * mapped until the job has ended. Thread-safe (see the section note).
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @q is NULL, an array is NULL with a non-zero
 * count, a @pad is not zero; -E2BIG when the sync elements would exceed
 * EXEC_MAX_SYNCS (the kernel is not called then); -ENOMEM; the kernel's
 * errors: -EINVAL for an empty, unaligned, wrapping or not 8-byte sized
 * command buffer, or a wait on a syncobj or point that holds no fence yet;
 * -E2BIG when @cmdbuf_count is above EXEC_MAX_CMDBUFS or a buffer is larger
 * than MAX_CMDBUF_SIZE; -ENOENT when a syncobj handle names no syncobj;
 * -EIO when the queue is lost; -EINTR when a signal arrived while the queue
 * held QUEUE_MAX_JOBS unfinished jobs.
 */
int nova_queue_exec(struct nova_queue *q,
		    const struct nova_exec_cmdbuf *cmdbufs, uint32_t cmdbuf_count,
		    const struct nova_sync_point *waits, uint32_t wait_count,
		    const struct nova_sync_point *signals, uint32_t signal_count,
		    uint64_t *seqno);

/**
 * nova_queue_wait() - wait until a job of the queue has ended
 * @q: the queue
 * @seqno: the job's seqno, as nova_queue_exec() gave it; 0 waits for
 *         nothing
 * @timeout_ns: how long to wait, in nanoseconds; 0 only polls, a negative
 *              value waits without limit
 *
 * Waits on the queue's private timeline (the section note); jobs end in
 * seqno order, so the job and every job before it have ended when this
 * returns 0 or a job's error. The job's outcome is then read from the
 * queue's state: a job at or after the queue's fault did not complete.
 * Thread-safe.
 *
 * Since NOVA_0.4.
 *
 * Return: 0 when the job ended without error; the job's error when it did
 * not: -EFAULT, -EACCES, -EILSEQ or -ETIMEDOUT (the fault types of
 * enum drm_nova_fault_type) for the job that faulted, -ECANCELED for the
 * jobs behind it; -ETIME when @timeout_ns passed first; -EINVAL when @q is
 * NULL or @seqno was never submitted through libnova; -EINTR; any other
 * error of DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT or of nova_queue_get_state().
 */
int nova_queue_wait(struct nova_queue *q, uint64_t seqno, int64_t timeout_ns);

/**
 * struct nova_queue_state - what QUEUE_GET_STATE reports of a queue
 * @struct_size: set by the caller to sizeof(struct nova_queue_state); set
 *               by the library to the number of bytes it filled
 * @state: an enum drm_nova_queue_state value (NOVA_QUEUE_STATE_ACTIVE or
 *         NOVA_QUEUE_STATE_LOST)
 * @fault_type: the queue's first fault, an enum drm_nova_fault_type value
 *              (NOVA_FAULT_NONE while it has none)
 * @fault_access: an enum drm_nova_access value: what kind of access faulted
 * @fault_errno: the error the faulting job's fences signalled with (for
 *               example -EFAULT for NOVA_FAULT_UNMAPPED), 0 without a fault
 * @fault_va: the GPU address that faulted (for a command, its address);
 *            0 for a timeout or without a fault
 * @fault_seqno: the seqno of the job that faulted, 0 for none
 * @submitted: the seqno of the queue's last job
 * @completed: the seqno of the last job that ended (also with an error)
 *
 * Fields are only ever appended, as for struct nova_bo_cache_stats.
 */
struct nova_queue_state {
	uint32_t struct_size;
	uint32_t state;
	uint32_t fault_type;
	uint32_t fault_access;
	int32_t fault_errno;
	uint32_t pad;
	uint64_t fault_va;
	uint64_t fault_seqno;
	uint64_t submitted;
	uint64_t completed;
};

/**
 * nova_queue_get_state() - read a queue's state (QUEUE_GET_STATE)
 * @q: the queue
 * @st: filled up to @st->struct_size bytes, see the struct
 *
 * Thread-safe.
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @q or @st is NULL or @st->struct_size is
 * smaller than 8; any error of the QUEUE_GET_STATE ioctl.
 */
int nova_queue_get_state(struct nova_queue *q, struct nova_queue_state *st);

/**
 * nova_fault_errno() - the error a fault type makes a job's fences carry
 * @fault_type: an enum drm_nova_fault_type value
 *
 * Thread-safe.
 *
 * Since NOVA_0.4.
 *
 * Return: 0 for NOVA_FAULT_NONE, -EFAULT, -EACCES, -EILSEQ or -ETIMEDOUT as
 * <nova/nova_drm.h> documents, -EIO for a type this library does not know.
 */
int nova_fault_errno(uint32_t fault_type);

/**
 * nova_fault_name() - a fault type's name, without the NOVA_FAULT_ prefix
 * @fault_type: an enum drm_nova_fault_type value
 *
 * Thread-safe.
 *
 * Since NOVA_0.4.
 *
 * Return: a static string such as "UNMAPPED", or NULL for an unknown type.
 */
const char *nova_fault_name(uint32_t fault_type);

/*
 * Command streams. Since NOVA_0.4.
 *
 * A nova_cmdstream is a growable CPU-side array of qwords with one emit
 * function per command of the engine's instruction set (NOVA_CMD_* of
 * <nova/nova_drm.h>), each writing exactly that command's documented
 * encoding: the header qword (NOVA_CMD_HEADER(opcode, flags, immediate))
 * and the operand qwords in order. The emit functions check what the
 * header documents for each operand (alignment, sizes, flags) and refuse a
 * command that would break it; nova_cmdstream_emit_raw() writes anything,
 * for commands of a later uAPI and for tests of invalid commands.
 *
 * A failed emit poisons the stream, as a failed add poisons a VM_BIND
 * batch: nothing is written, the error is kept, later emits return it
 * without writing, and nova_cmdstream_upload() refuses the stream. So a
 * stream that could not be built as the caller meant is never run.
 *
 * The stream is used where the caller likes: nova_cmdstream_data() and
 * nova_cmdstream_size() give the qwords to copy into a mapped buffer the
 * caller placed, or nova_cmdstream_upload() puts them into a new buffer
 * object mapped read-only into the device's VA space.
 *
 * The builder keeps no device state. Thread-safety: a stream is used by one
 * thread at a time; different streams may be used at once.
 */

/**
 * nova_cmdstream_create() - start an empty command stream
 * @out: receives the stream; set to NULL on failure
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @out is NULL; -ENOMEM.
 */
int nova_cmdstream_create(struct nova_cmdstream **out);

/**
 * nova_cmdstream_destroy() - free a command stream
 * @cs: the stream, or NULL (then nothing happens)
 *
 * Buffers uploaded from it are not affected.
 *
 * Since NOVA_0.4.
 */
void nova_cmdstream_destroy(struct nova_cmdstream *cs);

/**
 * nova_cmdstream_reset() - empty a stream and clear its error, for reuse
 * @cs: the stream
 *
 * Keeps the memory already allocated.
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @cs is NULL.
 */
int nova_cmdstream_reset(struct nova_cmdstream *cs);

/**
 * nova_cmdstream_data() - the stream's qwords
 * @cs: the stream
 *
 * Valid until the next emit, reset or destroy.
 *
 * Since NOVA_0.4.
 *
 * Return: the first qword (NULL while the stream is empty or @cs is NULL).
 */
const uint64_t *nova_cmdstream_data(const struct nova_cmdstream *cs);

/**
 * nova_cmdstream_size() - the stream's size in bytes (8 per qword)
 * @cs: the stream
 *
 * Since NOVA_0.4.
 *
 * Return: the size, or 0 when @cs is NULL.
 */
uint64_t nova_cmdstream_size(const struct nova_cmdstream *cs);

/**
 * nova_cmdstream_error() - the error of the emit that poisoned the stream
 * @cs: the stream
 *
 * Since NOVA_0.4.
 *
 * Return: 0 while no emit failed, the first failed emit's error after,
 * -EINVAL when @cs is NULL.
 */
int nova_cmdstream_error(const struct nova_cmdstream *cs);

/*
 * The emit functions. Each appends one command and returns 0, or the error
 * the stream is poisoned with: -EINVAL when @cs is NULL (nothing is
 * recorded then) or an operand breaks the rule the command's note gives;
 * -ENOMEM; the error of an earlier failed emit. All Since NOVA_0.4.
 */

/** nova_cmdstream_emit_nop() - NOVA_CMD_NOP: 1 qword, does nothing */
int nova_cmdstream_emit_nop(struct nova_cmdstream *cs);

/**
 * nova_cmdstream_emit_store32() - NOVA_CMD_STORE32: write a 32-bit value
 * @cs: the stream
 * @va: the address, 4-byte aligned
 * @value: the value (the header's immediate): a semaphore release
 */
int nova_cmdstream_emit_store32(struct nova_cmdstream *cs, uint64_t va,
				uint32_t value);

/**
 * nova_cmdstream_emit_store64() - NOVA_CMD_STORE64: write a 64-bit value
 * @cs: the stream
 * @va: the address, 8-byte aligned
 * @value: the value (the third qword)
 */
int nova_cmdstream_emit_store64(struct nova_cmdstream *cs, uint64_t va,
				uint64_t value);

/**
 * nova_cmdstream_emit_timestamp() - NOVA_CMD_TIMESTAMP: write the clock
 * @cs: the stream
 * @va: where the 64-bit time goes (TIMESTAMP_FREQUENCY ticks per second),
 *      8-byte aligned
 */
int nova_cmdstream_emit_timestamp(struct nova_cmdstream *cs, uint64_t va);

/**
 * nova_cmdstream_emit_fill() - NOVA_CMD_FILL: write a 32-bit pattern
 * @cs: the stream
 * @va: the first address, 4-byte aligned
 * @size: bytes to fill, a multiple of 4
 * @pattern: the pattern (the header's immediate)
 */
int nova_cmdstream_emit_fill(struct nova_cmdstream *cs, uint64_t va,
			     uint64_t size, uint32_t pattern);

/**
 * nova_cmdstream_emit_copy() - NOVA_CMD_COPY: copy bytes, any alignment
 * @cs: the stream
 * @dst: the destination address
 * @src: the source address
 * @size: bytes to copy; the ranges should not overlap (the result is
 *        undefined then)
 */
int nova_cmdstream_emit_copy(struct nova_cmdstream *cs, uint64_t dst,
			     uint64_t src, uint64_t size);

/**
 * nova_cmdstream_emit_wait() - NOVA_CMD_WAIT: wait on a semaphore
 * @cs: the stream
 * @va: the semaphore, 4-byte aligned (8-byte with NOVA_CMD_WAIT_64BIT)
 * @value: what it is compared with; below 2^32 for a 32-bit wait
 * @flags: NOVA_CMD_WAIT_* flags: NOVA_CMD_WAIT_64BIT for a 64-bit
 *         semaphore, NOVA_CMD_WAIT_EQUAL to wait for equality (else for an
 *         unsigned greater-or-equal)
 *
 * The job's timeout (JOB_TIMEOUT_MS) bounds the wait.
 */
int nova_cmdstream_emit_wait(struct nova_cmdstream *cs, uint64_t va,
			     uint64_t value, uint32_t flags);

/**
 * nova_cmdstream_emit_call() - NOVA_CMD_CALL: run another command buffer
 * @cs: the stream
 * @va: its address, 8-byte aligned
 * @size: its size: not zero and a multiple of 8 (at most MAX_CMDBUF_SIZE,
 *        which the engine checks)
 *
 * Nests at most CALL_MAX_DEPTH deep.
 */
int nova_cmdstream_emit_call(struct nova_cmdstream *cs, uint64_t va,
			     uint64_t size);

/**
 * nova_cmdstream_emit_raw() - append qwords as they are
 * @cs: the stream
 * @qwords: the qwords
 * @count: their number; 0 does nothing
 *
 * Nothing is checked: for commands this library does not know and for
 * tests of invalid commands.
 */
int nova_cmdstream_emit_raw(struct nova_cmdstream *cs, const uint64_t *qwords,
			    uint32_t count);

/**
 * nova_cmdstream_upload() - put a stream into a new buffer for the GPU
 * @cs: the stream, not empty and not poisoned
 * @dev: the device whose VA space the buffer is mapped into
 * @out: receives the uploaded buffer; set to NULL on failure
 *
 * Creates a buffer object of the stream's size (page-rounded), copies the
 * qwords in through its CPU mapping, allocates a VA range from the VM's
 * heap and maps the object there with NOVA_VM_BIND_MAP_READONLY (the
 * engine fetches commands, it never writes them). The stream may be
 * changed or freed afterwards. Thread-safe with respect to the device (the
 * stream is the caller's).
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @cs, @dev or @out is NULL or the stream is
 * empty; the stream's error when it is poisoned; the errors of
 * nova_device_get_vm(), nova_bo_create(), nova_bo_map(),
 * nova_vm_va_alloc() and nova_vm_map().
 */
int nova_cmdstream_upload(const struct nova_cmdstream *cs,
			  struct nova_device *dev, struct nova_cmdbuf **out);

/**
 * nova_cmdbuf_va() - GPU address of an uploaded stream's first command
 * @cb: the buffer
 *
 * Since NOVA_0.4.
 *
 * Return: the address, or 0 when @cb is NULL.
 */
uint64_t nova_cmdbuf_va(const struct nova_cmdbuf *cb);

/**
 * nova_cmdbuf_size() - the uploaded stream's size in bytes
 * @cb: the buffer
 *
 * The size to submit (struct nova_exec_cmdbuf's @size): the stream's, not
 * the page-rounded object's.
 *
 * Since NOVA_0.4.
 *
 * Return: the size, or 0 when @cb is NULL.
 */
uint64_t nova_cmdbuf_size(const struct nova_cmdbuf *cb);

/**
 * nova_cmdbuf_bo() - the buffer object an uploaded stream lives in
 * @cb: the buffer
 *
 * Owned by @cb (take a reference with nova_bo_ref() to keep it longer).
 *
 * Since NOVA_0.4.
 *
 * Return: the object, or NULL when @cb is NULL.
 */
struct nova_bo *nova_cmdbuf_bo(const struct nova_cmdbuf *cb);

/**
 * nova_cmdbuf_destroy() - unmap and free an uploaded stream
 * @cb: the buffer, or NULL (then nothing happens)
 *
 * Unmaps its VA range, returns it to the heap and drops the object. Only
 * after every job that runs it has ended: the engine fetches commands
 * while it runs them, and an unmapped command is a fault. Thread-safe with
 * respect to the device.
 *
 * Since NOVA_0.4.
 */
void nova_cmdbuf_destroy(struct nova_cmdbuf *cb);

/*
 * Syncobjs and sync_files. Since NOVA_0.4. Each is one libdrm call (or two)
 * on nova_device_fd(), its -1/errno folded into a negative errno. All
 * thread-safe: the kernel serializes what needs serializing.
 */

/**
 * nova_syncobj_create() - create a syncobj (drmSyncobjCreate())
 * @dev: the device
 * @flags: 0, or DRM_SYNCOBJ_CREATE_SIGNALED for one that holds a signalled
 *         fence; a syncobj serves as binary or timeline by how it is used
 * @handle: receives its handle
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @dev or @handle is NULL or for an unknown
 * flag; -EOPNOTSUPP when the driver has no syncobjs; -ENOMEM.
 */
int nova_syncobj_create(struct nova_device *dev, uint32_t flags,
			uint32_t *handle);

/**
 * nova_syncobj_destroy() - destroy a syncobj (drmSyncobjDestroy())
 * @dev: the device
 * @handle: the syncobj
 *
 * Jobs already submitted keep the fences they wait for and signal.
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @dev is NULL or @handle names no syncobj.
 */
int nova_syncobj_destroy(struct nova_device *dev, uint32_t handle);

/**
 * nova_syncobj_wait() - wait for binary syncobjs (drmSyncobjWait())
 * @dev: the device
 * @handles: the syncobjs
 * @count: their number, not zero
 * @timeout_ns: relative, in nanoseconds; 0 polls, negative waits forever
 * @flags: DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL (else any one suffices),
 *         DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT (else a syncobj without a
 *         fence is an error)
 * @first: receives the index of a signalled syncobj; may be NULL
 *
 * A fence that signalled with an error counts as signalled: the error is
 * read with nova_syncobj_fence_status().
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @dev or @handles is NULL, @count is 0, or a
 * syncobj holds no fence (without WAIT_FOR_SUBMIT); -ETIME when the
 * timeout passed; -ENOENT when a handle names no syncobj; -EINTR.
 */
int nova_syncobj_wait(struct nova_device *dev, const uint32_t *handles,
		      uint32_t count, int64_t timeout_ns, uint32_t flags,
		      uint32_t *first);

/**
 * nova_syncobj_timeline_wait() - wait for timeline points
 *                                (drmSyncobjTimelineWait())
 * @dev: the device
 * @handles: the syncobjs
 * @points: one point per syncobj (0 for a binary syncobj)
 * @count: their number, not zero
 * @timeout_ns: relative, in nanoseconds; 0 polls, negative waits forever
 * @flags: as for nova_syncobj_wait(), plus
 *         DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE (wait only until the point
 *         has a fence)
 * @first: receives the index of a signalled point; may be NULL
 *
 * Since NOVA_0.4.
 *
 * Return: as nova_syncobj_wait(); -EINVAL also when @points is NULL.
 */
int nova_syncobj_timeline_wait(struct nova_device *dev, const uint32_t *handles,
			       const uint64_t *points, uint32_t count,
			       int64_t timeout_ns, uint32_t flags,
			       uint32_t *first);

/**
 * nova_syncobj_query() - the last signalled points of timelines
 *                        (drmSyncobjQuery())
 * @dev: the device
 * @handles: the syncobjs
 * @points: receives one point per syncobj (0 for a binary one)
 * @count: their number, not zero
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when an argument is NULL or @count is 0; -ENOENT
 * when a handle names no syncobj.
 */
int nova_syncobj_query(struct nova_device *dev, const uint32_t *handles,
		       uint64_t *points, uint32_t count);

/**
 * nova_syncobj_fence_status() - whether a syncobj's fence signalled, and how
 * @dev: the device
 * @handle: the syncobj
 * @point: 0 for the fence a binary syncobj holds, else a timeline point
 *         (its fence, which must have been submitted)
 * @status: receives 0 while the fence is pending, 1 when it signalled
 *          without error, the negative errno it signalled with otherwise
 *          (a faulted or cancelled job's)
 *
 * Exports the fence as a sync_file (a timeline point through a temporary
 * binary syncobj, drmSyncobjTransfer()) and reads SYNC_IOC_FILE_INFO: of a
 * point, the fences of the point and the unsignalled ones before it count,
 * the first error wins.
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @dev or @status is NULL or the syncobj (or
 * point) holds no fence; -ENOENT when @handle names no syncobj; -ENOMEM;
 * -EMFILE.
 */
int nova_syncobj_fence_status(struct nova_device *dev, uint32_t handle,
			      uint64_t point, int *status);

/**
 * nova_syncobj_export_sync_file() - the fence of a binary syncobj as a
 *                                   sync_file (drmSyncobjExportSyncFile())
 * @dev: the device
 * @handle: the syncobj; it must hold a fence
 * @fd: receives the sync_file's file descriptor (close-on-exec), the
 *      caller's to close
 *
 * For interop: a sync_file can be polled, merged, passed to another driver
 * or another process. For a timeline point, transfer it to a binary
 * syncobj first (drmSyncobjTransfer()).
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @dev or @fd is NULL or the syncobj holds no
 * fence; -ENOENT when @handle names no syncobj; -EMFILE; -ENOMEM.
 */
int nova_syncobj_export_sync_file(struct nova_device *dev, uint32_t handle,
				  int *fd);

/**
 * nova_syncobj_import_sync_file() - put a sync_file's fence into a binary
 *                                   syncobj (drmSyncobjImportSyncFile())
 * @dev: the device
 * @handle: the syncobj, whose fence is replaced
 * @fd: a sync_file, from another driver (a dma-buf's
 *      DMA_BUF_IOCTL_EXPORT_SYNC_FILE, sw_sync) or from
 *      nova_syncobj_export_sync_file(); stays the caller's
 *
 * A job may then wait for that fence (a struct nova_sync_point with point
 * 0 in nova_queue_exec()'s waits).
 *
 * Since NOVA_0.4.
 *
 * Return: 0, or -EINVAL when @dev is NULL or @fd is not a sync_file;
 * -ENOENT when @handle names no syncobj.
 */
int nova_syncobj_import_sync_file(struct nova_device *dev, uint32_t handle,
				  int fd);

#if defined(__cplusplus)
}
#endif

#endif /* NOVA_NOVA_H */

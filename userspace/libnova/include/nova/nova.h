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
 * The per-function notes below say where a function differs.
 *
 * Lifetime: a nova_bo refers to the nova_device it was created on; destroy
 * every buffer object before closing its device.
 *
 * Symbols are versioned (NOVA_0.1); the SONAME is libnova.so.0.
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

/*
 * Discovery
 *
 * nova devices are found by the name of their driver ("nova"), never by the
 * number of their DRM minor: other drivers (virtio_gpu, vgem, ...) may own
 * any minor, including the first one. The render node is used when the device
 * has one, otherwise its primary node. Devices are numbered in the order of
 * their node paths, so an index is stable while the set of devices is.
 */

/**
 * nova_device_count() - count the nova devices of the system
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
 * Return: 0, or -EINVAL when @out is NULL; -EBADF when @fd is negative or not
 * open; -ENODEV when @fd is not a DRM device or its driver is not "nova";
 * -EPROTO when the driver reports a uAPI version below 1; -ENOMEM; any error
 * of the GETPARAM ioctl for the parameters cached at open (see
 * nova_device_get_param()).
 */
int nova_device_open_fd(int fd, struct nova_device **out);

/**
 * nova_device_close() - close a device
 * @dev: the device, or NULL (then nothing happens)
 *
 * All buffer objects of @dev must have been destroyed before.
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
 * Return: the file descriptor, or -EINVAL when @dev is NULL.
 */
int nova_device_fd(const struct nova_device *dev);

/**
 * nova_device_node_path() - the path of the device's DRM node
 * @dev: the device
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
 * Return: a string owned by @dev, or NULL when @dev is NULL.
 */
const char *nova_device_driver_name(const struct nova_device *dev);

/**
 * nova_device_driver_date() - the kernel driver's date string
 * @dev: the device
 *
 * Return: a string owned by @dev (possibly empty), or NULL when @dev is NULL.
 */
const char *nova_device_driver_date(const struct nova_device *dev);

/**
 * nova_device_driver_desc() - the kernel driver's description
 * @dev: the device
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
 * Return: 0, or -EINVAL when @dev is NULL.
 */
int nova_device_driver_version(const struct nova_device *dev, int *major,
			       int *minor, int *patchlevel);

/*
 * Parameters
 */

/**
 * nova_device_get_param() - read a GETPARAM parameter
 * @dev: the device
 * @param: a NOVA_GETPARAM_* value from <nova/nova_drm.h>
 * @value: receives the value
 *
 * The parameters of uAPI version 1 (VRAM_BAR_SIZE, UAPI_VERSION,
 * MAX_OBJECT_SIZE, PAGE_SIZE, OBJECT_BUDGET) are fixed while the driver is
 * loaded: they are read once at open and answered from that copy. Any other
 * @param is passed to the kernel on each call.
 *
 * Return: 0, or -EINVAL when @dev or @value is NULL or when the kernel does
 * not know @param; any other error of the GETPARAM ioctl.
 */
int nova_device_get_param(struct nova_device *dev, uint64_t param,
			  uint64_t *value);

/**
 * nova_param_count() - number of parameters known to this library
 *
 * Together with nova_param_id() this lets tools list every parameter.
 *
 * Return: the count.
 */
unsigned int nova_param_count(void);

/**
 * nova_param_id() - the index-th parameter known to this library
 * @index: 0 to nova_param_count() - 1
 *
 * Return: the NOVA_GETPARAM_* value, or 0 (never a valid parameter) when
 * @index is out of range.
 */
uint64_t nova_param_id(unsigned int index);

/**
 * nova_param_name() - the name of a parameter
 * @param: a NOVA_GETPARAM_* value
 *
 * Return: a static string such as "PAGE_SIZE" (the macro name without the
 * NOVA_GETPARAM_ prefix), or NULL when the library does not know @param.
 */
const char *nova_param_name(uint64_t param);

/*
 * Buffer objects
 *
 * Different buffer objects may be used from different threads at once. On one
 * buffer object, nova_bo_map() and nova_bo_unmap() may be called
 * concurrently; nova_bo_destroy() must not race anything else on it.
 */

/**
 * nova_bo_create() - create a GEM buffer object
 * @dev: the device
 * @size: requested size in bytes; the kernel rounds it up to the page size
 * @out: receives the object; set to NULL on failure
 *
 * The object is zero-filled; its memory is allocated on first CPU access.
 *
 * Return: 0, or -EINVAL when @dev or @out is NULL or @size is 0; -E2BIG when
 * @size is above the MAX_OBJECT_SIZE parameter; -ENOSPC when the device's
 * OBJECT_BUDGET cannot hold the object; -ENOMEM.
 */
int nova_bo_create(struct nova_device *dev, uint64_t size, struct nova_bo **out);

/**
 * nova_bo_destroy() - unmap and release a buffer object
 * @bo: the object, or NULL (then nothing happens)
 *
 * Unmaps the CPU mapping, if any, and closes the GEM handle.
 */
void nova_bo_destroy(struct nova_bo *bo);

/**
 * nova_bo_handle() - the object's GEM handle in its device's file
 * @bo: the object
 *
 * Return: the handle, or 0 (never a valid handle) when @bo is NULL.
 */
uint32_t nova_bo_handle(const struct nova_bo *bo);

/**
 * nova_bo_size() - the object's size, as rounded up by the kernel
 * @bo: the object
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
 * object that is not mapped does nothing.
 *
 * Return: 0, or -EINVAL when @bo is NULL; any error of munmap(2).
 */
int nova_bo_unmap(struct nova_bo *bo);

#if defined(__cplusplus)
}
#endif

#endif /* NOVA_NOVA_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixtures shared by nova's KUnit suites.
 *
 * Linux 6.1 has no drm_kunit_helpers, so the suites build their own nova
 * device: a root device as parent, a drm_device allocated and registered
 * the way nova_drv.c's probe does it (drm_dev_alloc, nova's struct in drmm
 * memory as dev_private, the logic device released by a drmm action,
 * drm_dev_register), and clients opened with DRM's own
 * drm_file_alloc() on the render (or primary) minor, so nova_open() and
 * nova_postclose() run exactly as for a real open(2) and close(2).
 *
 * Everything a fixture creates is a KUnit resource: it is torn down at the
 * end of the case even when an assertion aborted it, files first, then the
 * device (unregister, release of the devres group, parent unregister: what
 * rmmod does).
 */
#ifndef NOVA_KUNIT_H
#define NOVA_KUNIT_H

#include <kunit/test.h>

#include <drm/drm_file.h>

#include "nova-drm/glue/nova_drv.h"

/* The limits every suite uses unless it needs others (see nova_kunit.c). */
#define NOVA_KUNIT_MAX_OBJECT	(16 * PAGE_SIZE)
#define NOVA_KUNIT_BUDGET	(4 * NOVA_KUNIT_MAX_OBJECT)

struct nova_kunit_dev {
	struct device *parent;
	void *devres_group;
	struct drm_device *drm;
	struct nova_logic_device *logic;
	/* How often the drmm action dropped the glue's reference to the logic. */
	unsigned int releases;
	bool unregistered;
};

struct nova_kunit_file {
	struct nova_kunit_dev *dev;
	struct drm_minor *minor;
	struct drm_file *file;
	/* The struct file drm_ioctl_kernel() reads the drm_file from. */
	struct file *filp;
	bool closed;
};

/* The fixture most cases start from: one device, one render client. */
struct nova_kunit_client {
	struct nova_kunit_dev *dev;
	struct nova_kunit_file *file;
};

/*
 * A suite's .init: creates a struct nova_kunit_client in test->priv.
 * Suites that need more call it first from their own .init.
 */
int nova_kunit_client_init(struct kunit *test);

/* A valid configuration with small limits: NOVA_KUNIT_MAX_OBJECT, _BUDGET. */
void nova_kunit_config(struct nova_logic_device_config *config);

/*
 * Creates a registered nova device with @config (NULL: nova_kunit_config()).
 * Fails the case (assertion) when anything goes wrong.
 */
struct nova_kunit_dev *nova_kunit_dev_create(struct kunit *test,
					     const struct nova_logic_device_config *config);

/*
 * What rmmod does: unregister the drm_device, release the devres group that
 * holds it (the last drm_dev_put unless someone else holds a reference) and
 * unregister the parent. Runs at most once; the case's cleanup calls it too.
 */
void nova_kunit_dev_remove(struct nova_kunit_dev *dev);

/* Opens a client on the render minor (or @primary), as open(2) would. */
struct nova_kunit_file *nova_kunit_open(struct kunit *test, struct nova_kunit_dev *dev);
struct nova_kunit_file *nova_kunit_open_primary(struct kunit *test, struct nova_kunit_dev *dev);

/* Closes the client, as the last close(2) would. Runs at most once. */
void nova_kunit_close(struct nova_kunit_file *file);

/* The logic's file behind a client (what nova_open() stored). */
struct nova_logic_file *nova_kunit_logic_file(struct nova_kunit_file *file);

/*
 * Issues the nova ioctl @cmd (DRM_IOCTL_NOVA_*) through DRM's
 * drm_ioctl_kernel() with the handler and flags of nova's ioctl table, as
 * drm_ioctl() does once it has copied @data in.
 */
int nova_kunit_ioctl(struct nova_kunit_file *file, unsigned int cmd, void *data);

/* GEM_CREATE through the ioctl path; returns the errno, fills @handle/@size. */
int nova_kunit_gem_create(struct nova_kunit_file *file, u64 size, u32 *handle, u64 *rounded);

/* Whether @handle names an object of the client (no reference is kept). */
bool nova_kunit_has_handle(struct nova_kunit_file *file, u32 handle);

/*
 * @size bytes of user memory (zeroed, read-write) in an address space of
 * the case's own: VM_BIND reads its operations with
 * copy_struct_from_user(), and a KUnit case runs in a kernel thread, which
 * has none. The mm is attached to
 * the case's thread on first use and goes away when that thread exits.
 * Returns NULL (after failing the case) when it cannot be set up.
 */
void __user *nova_kunit_user_alloc(struct kunit *test, size_t size);

/*
 * VM_BIND of @count operations, copied to user memory first, through DRM's
 * dispatch (or, with @direct, the logic's handler without DRM around it).
 */
int nova_kunit_vm_bind(struct kunit *test, struct nova_kunit_file *file,
		       const struct drm_nova_vm_bind_op *ops, u32 count, bool direct);

void nova_kunit_dev_stats(struct nova_kunit_dev *dev, struct nova_logic_device_stats *stats);
void nova_kunit_file_stats(struct nova_kunit_file *file, struct nova_logic_file_stats *stats);

#endif /* NOVA_KUNIT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel services the C++ logic may use (see nova_services.h), except the
 * GEM ones, which live with the objects in nova_gem.c.
 */

#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "nova_drv.h"

void *nova_svc_zalloc(unsigned long size)
{
	/* kvzalloc: large tables fall back to vmalloc instead of failing. */
	return kvzalloc(size, NOVA_GFP_CLIENT);
}

void nova_svc_free(void *ptr)
{
	kvfree(ptr);
}

/*
 * The one place where an error of a kernel helper that allocates becomes
 * the uAPI's errno. Such helpers report a failed allocation in their own
 * words: shmem_file_setup() (under drm_gem_shmem_create()) returns -ENOSPC
 * when it cannot allocate the inode, also when the memory cgroup refused the
 * charge; drm_mm (mmap offsets) and the idr (handles) return -ENOSPC when
 * they cannot place a node. The uAPI keeps -ENOSPC for nova's own budgets,
 * which only the logic decides, and documents -ENOMEM for "the kernel is out
 * of memory": a client told -ENOSPC would wrongly free objects to make room
 * in the budget. The logic has validated the arguments before any helper
 * runs, so these helpers fail for want of memory only, whatever code they
 * use for it.
 */
int nova_helper_alloc_errno(int err)
{
	return err ? -ENOMEM : 0;
}

struct nova_svc_status nova_svc_copy_struct_from_user(void *dst, unsigned long ksize,
						      __u64 user_ptr, unsigned long usize)
{
	const char __user *src = u64_to_user_ptr(user_ptr);
	int ret = copy_struct_from_user(dst, ksize, src, usize);

	/*
	 * copy_struct_from_user() stops at the first non-zero byte of the
	 * tail; a struct that cannot be read whole is -EFAULT all the same.
	 * Faults are per page, and so is fault_in_readable()'s probe.
	 */
	if (ret == -E2BIG && fault_in_readable(src, usize))
		ret = -EFAULT;
	return nova_svc_errno(ret);
}

struct nova_svc_mutex {
	struct mutex lock;
};

/* One lockdep class per kind of lock, so nesting device and file locks is legal. */
static struct lock_class_key nova_lock_keys[NOVA_LOCK_CLASS_COUNT];
static const char *const nova_lock_names[NOVA_LOCK_CLASS_COUNT] = {
	[NOVA_LOCK_DEVICE] = "nova_device_lock",
	[NOVA_LOCK_FILE] = "nova_file_lock",
	[NOVA_LOCK_QUEUES] = "nova_queues_lock",
	[NOVA_LOCK_GEM_ACCOUNT] = "nova_gem_account_lock",
};

struct nova_svc_mutex *nova_svc_mutex_create(enum nova_svc_lock_class lock_class)
{
	struct nova_svc_mutex *mutex;

	if (WARN_ON(lock_class >= NOVA_LOCK_CLASS_COUNT))
		return NULL;
	mutex = kzalloc(sizeof(*mutex), NOVA_GFP_CLIENT);
	if (!mutex)
		return NULL;
	__mutex_init(&mutex->lock, nova_lock_names[lock_class], &nova_lock_keys[lock_class]);
	return mutex;
}

void nova_svc_mutex_destroy(struct nova_svc_mutex *mutex)
{
	if (!mutex)
		return;
	mutex_destroy(&mutex->lock);
	kfree(mutex);
}

void nova_svc_mutex_lock(struct nova_svc_mutex *mutex)
{
	mutex_lock(&mutex->lock);
}

void nova_svc_mutex_unlock(struct nova_svc_mutex *mutex)
{
	mutex_unlock(&mutex->lock);
}

static_assert(sizeof(struct nova_svc_refcount) == sizeof(refcount_t));
static_assert(__alignof__(struct nova_svc_refcount) == __alignof__(refcount_t));

static refcount_t *nova_refcount(struct nova_svc_refcount *ref)
{
	return (refcount_t *)ref;
}

void nova_svc_refcount_set(struct nova_svc_refcount *ref, unsigned int value)
{
	refcount_set(nova_refcount(ref), value);
}

void nova_svc_refcount_inc(struct nova_svc_refcount *ref)
{
	refcount_inc(nova_refcount(ref));
}

int nova_svc_refcount_dec_and_test(struct nova_svc_refcount *ref)
{
	return refcount_dec_and_test(nova_refcount(ref));
}

void nova_svc_invariant_failed(const char *file, int line, const char *expr)
{
	WARN(1, "nova: logic invariant broken at %s:%d: %s\n", file, line, expr);
}

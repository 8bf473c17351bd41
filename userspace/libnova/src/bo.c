// SPDX-License-Identifier: MIT
/*
 * nova_bo: creating, querying, reference counting and releasing GEM buffer
 * objects, and the device's buffer cache.
 *
 * Size limits (page rounding, MAX_OBJECT_SIZE, the object budget) are left
 * to the kernel on purpose: it is the only judge of them, and checking them
 * here as well would only give a second answer that can drift from the first.
 * The cache only ever hands out an object of a size the kernel made before.
 *
 * Locking: dev->bo_lock guards the handle table and the cache. The last
 * reference is dropped under it, and a shared object's GEM handle is closed
 * under it, which is what PRIME import (prime.c) relies on. Objects evicted
 * from the cache are unmapped and closed after the lock is dropped: no one
 * else can know their handles.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "private.h"

/* The cache's limits: see "The buffer cache" in nova.h. */
#define CACHE_MAX_SIZE		(64ull << 20)
#define CACHE_MAX_BYTES		(256ull << 20)
#define CACHE_MAX_AGE_NS	1000000000ull

#define bo_of_entry(e)	((struct nova_bo *)((char *)(e) - offsetof(struct nova_bo, cache_entry)))
#define bo_of_node(n)	((struct nova_bo *)((char *)(n) - offsetof(struct nova_bo, node)))

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int libnova_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return libnova_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

/* NOVA_BO_CACHE=0 in the environment turns the cache off by default. */
static int cache_default(void)
{
	const char *value = getenv("NOVA_BO_CACHE");

	return !(value && strcmp(value, "0") == 0);
}

int libnova_bo_state_init(struct nova_device *dev)
{
	int ret;

	ret = pthread_mutex_init(&dev->bo_lock, NULL);
	if (ret)
		return -ret;
	ret = libnova_handles_init(&dev->handles);
	if (ret) {
		pthread_mutex_destroy(&dev->bo_lock);
		return ret;
	}
	libnova_bocache_init(&dev->cache, CACHE_MAX_SIZE, CACHE_MAX_BYTES,
			     CACHE_MAX_AGE_NS);
	dev->cache_enabled = cache_default();
	return 0;
}

static struct nova_bo *bo_new(struct nova_device *dev)
{
	struct nova_bo *bo = calloc(1, sizeof(*bo));

	if (!bo)
		return NULL;
	if (pthread_mutex_init(&bo->map_lock, NULL)) {
		free(bo);
		return NULL;
	}
	bo->dev = dev;
	bo->refcount = 1;
	return bo;
}

/* The memory side of a release: the mapping and the struct. */
static void bo_free(struct nova_bo *bo)
{
	if (bo->map)
		munmap(bo->map, (size_t)bo->size);
	pthread_mutex_destroy(&bo->map_lock);
	free(bo);
}

struct nova_bo *libnova_bo_alloc_locked(struct nova_device *dev, uint32_t handle,
					uint64_t size)
{
	struct nova_bo *bo = bo_new(dev);

	if (!bo)
		return NULL;
	bo->node.handle = handle;
	bo->size = size;
	libnova_handles_insert(&dev->handles, &bo->node);
	return bo;
}

/*
 * Objects taken out of the cache to be released, chained through their
 * (unused while cached) handle-table nodes.
 */
struct release_list {
	struct libnova_handle_node *head;
	int count;
};

static void release_list_add(struct release_list *list,
			     struct libnova_bocache_entry *entry)
{
	struct nova_bo *bo = bo_of_entry(entry);

	bo->node.next = list->head;
	list->head = &bo->node;
	list->count++;
}

/* Without dev->bo_lock: no one else knows these handles. */
static void release_list_run(struct nova_device *dev, struct release_list *list)
{
	struct libnova_handle_node *node = list->head, *next;

	for (; node; node = next) {
		struct nova_bo *bo = bo_of_node(node);

		next = node->next;
		libnova_gem_close(dev->fd, bo->node.handle);
		bo_free(bo);
	}
	list->head = NULL;
}

static void collect_expired_locked(struct nova_device *dev, uint64_t now,
				   struct release_list *list)
{
	struct libnova_bocache_entry *entry;

	while ((entry = libnova_bocache_evict(&dev->cache, now)))
		release_list_add(list, entry);
}

static void collect_older_locked(struct nova_device *dev, uint64_t now,
				 uint64_t age_ns, struct release_list *list)
{
	struct libnova_bocache_entry *entry;

	while ((entry = libnova_bocache_trim(&dev->cache, now, age_ns)))
		release_list_add(list, entry);
}

void libnova_bo_state_fini(struct nova_device *dev)
{
	struct release_list list = { 0 };

	collect_older_locked(dev, now_ns(), 0, &list);
	release_list_run(dev, &list);
	libnova_handles_fini(&dev->handles);
	pthread_mutex_destroy(&dev->bo_lock);
}

/*
 * A reused object must read as zeroes, as a new one does. One that was never
 * CPU-mapped cannot have been written: it was neither shared nor GPU-mapped,
 * or it would not have been cached.
 */
static int bo_clear(struct nova_bo *bo)
{
	int ret = 0;

	pthread_mutex_lock(&bo->map_lock);
	if (bo->cpu_mapped) {
		if (!bo->map)
			ret = libnova_bo_map_locked(bo);
		if (!ret) {
			memset(bo->map, 0, (size_t)bo->size);
			bo->cpu_mapped = 0;
		}
	}
	pthread_mutex_unlock(&bo->map_lock);
	return ret;
}

/* The size the kernel will give a request of @size, or 0 when not cacheable. */
static uint64_t cache_size_of(const struct nova_device *dev, uint64_t size)
{
	uint64_t page;

	if (!size || size > CACHE_MAX_SIZE)
		return 0;
	if (libnova_param_cached(dev, NOVA_GETPARAM_PAGE_SIZE, &page) || !page ||
	    (page & (page - 1)))
		return 0;
	return (size + page - 1) & ~(page - 1);
}

static struct nova_bo *cache_take(struct nova_device *dev, uint64_t size)
{
	struct release_list expired = { 0 };
	struct libnova_bocache_entry *entry = NULL;
	uint64_t cached_size = cache_size_of(dev, size);
	struct nova_bo *bo = NULL;

	pthread_mutex_lock(&dev->bo_lock);
	if (dev->cache_enabled && cached_size) {
		uint64_t now = now_ns();

		entry = libnova_bocache_take(&dev->cache, cached_size);
		collect_expired_locked(dev, now, &expired);
	}
	if (entry) {
		bo = bo_of_entry(entry);
		bo->refcount = 1;
		libnova_handles_insert(&dev->handles, &bo->node);
	}
	pthread_mutex_unlock(&dev->bo_lock);

	release_list_run(dev, &expired);
	return bo;
}

static int bo_create_new(struct nova_device *dev, uint64_t size,
			 struct nova_bo **out)
{
	struct drm_nova_gem_create args = { .size = size };
	struct nova_bo *bo;
	int ret;

	/* Allocate first: undoing a malloc is simpler than undoing an ioctl. */
	bo = bo_new(dev);
	if (!bo)
		return -ENOMEM;

	ret = libnova_ioctl(dev->fd, DRM_IOCTL_NOVA_GEM_CREATE, &args);
	if (ret) {
		bo_free(bo);
		return ret;
	}

	bo->node.handle = args.handle;
	bo->size = args.size;

	pthread_mutex_lock(&dev->bo_lock);
	libnova_handles_insert(&dev->handles, &bo->node);
	pthread_mutex_unlock(&dev->bo_lock);
	*out = bo;
	return 0;
}

NOVA_EXPORT int nova_bo_create(struct nova_device *dev, uint64_t size,
			       struct nova_bo **out)
{
	struct nova_bo *bo;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;

	bo = cache_take(dev, size);
	if (bo) {
		ret = bo_clear(bo);
		if (ret) {
			/* Not cleared: never hand it out, nor cache it again. */
			libnova_bo_mark(bo, LIBNOVA_BO_SHARED);
			nova_bo_unref(bo);
			return ret;
		}
		*out = bo;
		return 0;
	}

	ret = bo_create_new(dev, size, out);
	/* Cached objects count against the budget: give them back, try again. */
	if ((ret == -ENOSPC || ret == -ENOMEM) && nova_device_bo_cache_trim(dev, 0) > 0)
		ret = bo_create_new(dev, size, out);
	return ret;
}

NOVA_EXPORT struct nova_bo *nova_bo_ref(struct nova_bo *bo)
{
	if (bo)
		__atomic_fetch_add(&bo->refcount, 1, __ATOMIC_RELAXED);
	return bo;
}

NOVA_EXPORT void nova_bo_unref(struct nova_bo *bo)
{
	struct release_list expired = { 0 };
	struct nova_device *dev;
	uint32_t refs, flags;
	int cached = 0;

	if (!bo)
		return;

	/* Not the last reference: no lock needed. */
	refs = __atomic_load_n(&bo->refcount, __ATOMIC_RELAXED);
	while (refs > 1) {
		if (__atomic_compare_exchange_n(&bo->refcount, &refs, refs - 1, 0,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return;
	}

	dev = bo->dev;
	pthread_mutex_lock(&dev->bo_lock);
	/* An import may have found the object and taken a reference meanwhile. */
	if (__atomic_sub_fetch(&bo->refcount, 1, __ATOMIC_ACQ_REL)) {
		pthread_mutex_unlock(&dev->bo_lock);
		return;
	}
	libnova_handles_remove(&dev->handles, &bo->node);

	flags = __atomic_load_n(&bo->flags, __ATOMIC_RELAXED);
	if (dev->cache_enabled &&
	    !(flags & (LIBNOVA_BO_SHARED | LIBNOVA_BO_GPU_MAPPED)) &&
	    cache_size_of(dev, bo->size) == bo->size) {
		uint64_t now = now_ns();

		cached = libnova_bocache_put(&dev->cache, &bo->cache_entry,
					     bo->size, now);
		collect_expired_locked(dev, now, &expired);
	}
	/* Under the lock: an import must not get this handle while it closes. */
	if (!cached)
		libnova_gem_close(dev->fd, bo->node.handle);
	pthread_mutex_unlock(&dev->bo_lock);

	release_list_run(dev, &expired);
	if (!cached)
		bo_free(bo);
}

NOVA_EXPORT void nova_bo_destroy(struct nova_bo *bo)
{
	nova_bo_unref(bo);
}

NOVA_EXPORT struct nova_device *nova_bo_device(const struct nova_bo *bo)
{
	return bo ? bo->dev : NULL;
}

NOVA_EXPORT uint32_t nova_bo_handle(const struct nova_bo *bo)
{
	return bo ? bo->node.handle : 0;
}

NOVA_EXPORT uint64_t nova_bo_size(const struct nova_bo *bo)
{
	return bo ? bo->size : 0;
}

NOVA_EXPORT int nova_bo_query_size(struct nova_device *dev, uint32_t handle,
				   uint64_t *size)
{
	struct drm_nova_gem_info args = { .handle = handle };
	int ret;

	if (!dev || !size)
		return -EINVAL;

	ret = libnova_ioctl(dev->fd, DRM_IOCTL_NOVA_GEM_INFO, &args);
	if (ret)
		return ret;

	*size = args.size;
	return 0;
}

/* --- the cache's public controls -------------------------------------------- */

NOVA_EXPORT int nova_device_set_bo_cache(struct nova_device *dev, int enable)
{
	struct release_list list = { 0 };

	if (!dev)
		return -EINVAL;

	pthread_mutex_lock(&dev->bo_lock);
	dev->cache_enabled = !!enable;
	if (!enable)
		collect_older_locked(dev, now_ns(), 0, &list);
	pthread_mutex_unlock(&dev->bo_lock);

	release_list_run(dev, &list);
	return 0;
}

NOVA_EXPORT int nova_device_bo_cache_trim(struct nova_device *dev,
					  uint64_t max_age_ns)
{
	struct release_list list = { 0 };

	if (!dev)
		return -EINVAL;

	pthread_mutex_lock(&dev->bo_lock);
	collect_older_locked(dev, now_ns(), max_age_ns, &list);
	pthread_mutex_unlock(&dev->bo_lock);

	release_list_run(dev, &list);
	return list.count;
}

NOVA_EXPORT int nova_device_bo_cache_stats(struct nova_device *dev,
					   struct nova_bo_cache_stats *stats)
{
	struct nova_bo_cache_stats now;
	size_t size;

	if (!dev || !stats || stats->struct_size < 8)
		return -EINVAL;

	pthread_mutex_lock(&dev->bo_lock);
	now = (struct nova_bo_cache_stats){
		.enabled = (uint32_t)dev->cache_enabled,
		.cached_objects = dev->cache.count,
		.cached_bytes = dev->cache.bytes,
		.hits = dev->cache.hits,
		.misses = dev->cache.misses,
		.evictions = dev->cache.evictions,
	};
	pthread_mutex_unlock(&dev->bo_lock);

	/* Only the fields the caller's struct has room for. */
	size = stats->struct_size < sizeof(now) ? stats->struct_size : sizeof(now);
	now.struct_size = (uint32_t)size;
	memcpy(stats, &now, size);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Buffer objects of NOVA_0.3 through the real driver: reference counting,
 * and the buffer cache (reuse of the same GEM handle, zeroed contents,
 * trimming by age, the switch and the environment variable, giving cached
 * objects back when the kernel's budget runs out, and what is never cached).
 *
 * Whether a handle is still open is asked from the kernel (GEM_INFO on the
 * device's fd), never from libnova.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"
#include "util.h"
#include "vm_util.h"

#define KIB	1024ull
#define MIB	(1024ull * 1024)

static int handle_open(struct nova_device *dev, uint32_t handle)
{
	uint64_t size;

	return raw_gem_info(nova_device_fd(dev), handle, &size) == 0;
}

static int cache_stats(struct nova_device *dev, struct nova_bo_cache_stats *stats)
{
	memset(stats, 0xa5, sizeof(*stats));
	stats->struct_size = sizeof(*stats);
	return nova_device_bo_cache_stats(dev, stats);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static enum test_result bo_refcount(void)
{
	struct nova_device *dev;
	struct nova_bo *bo;
	uint32_t handle;
	uint64_t size;
	void *p;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_device_set_bo_cache(dev, 0));
	CHECK_OK(nova_bo_create(dev, 8 * KIB, &bo));
	handle = nova_bo_handle(bo);
	CHECK(nova_bo_device(bo) == dev);
	CHECK(nova_bo_ref(bo) == bo);
	CHECK(nova_bo_ref(bo) == bo);

	/* Three references: two drops leave a working object. */
	nova_bo_unref(bo);
	nova_bo_destroy(bo);
	CHECK(handle_open(dev, handle));
	CHECK_OK(nova_bo_map(bo, &p));
	memset(p, 0x5a, 8 * KIB);
	CHECK_OK(nova_bo_query_size(dev, handle, &size));
	CHECK_U64(size, ==, 8 * KIB);

	nova_bo_unref(bo);
	CHECK(!handle_open(dev, handle));

	CHECK(nova_bo_ref(NULL) == NULL);
	nova_bo_unref(NULL);
	CHECK(nova_bo_device(NULL) == NULL);
	nova_device_close(dev);
	return TEST_PASS;
}

/* A released object comes back for the same size: same handle, zeroed. */
static enum test_result bo_cache_reuse(void)
{
	struct nova_bo_cache_stats st;
	struct nova_device *dev;
	struct nova_bo *bo, *again, *other;
	uint32_t handle;
	uint8_t *p, *q;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.struct_size, ==, sizeof(st));
	CHECK_U64(st.enabled, ==, 1);		/* on by default */
	CHECK_U64(st.cached_objects, ==, 0);

	CHECK_OK(nova_bo_create(dev, 60 * KIB + 1, &bo));	/* 64 KiB */
	handle = nova_bo_handle(bo);
	CHECK_OK(nova_bo_map(bo, (void **)&p));
	fill_pattern(p, nova_bo_size(bo), 7);
	nova_bo_unref(bo);

	CHECK(handle_open(dev, handle));	/* kept for reuse */
	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.cached_objects, ==, 1);
	CHECK_U64(st.cached_bytes, ==, 64 * KIB);

	/* Another size misses; the same page-rounded size hits. */
	CHECK_OK(nova_bo_create(dev, 128 * KIB, &other));
	CHECK(nova_bo_handle(other) != handle);
	CHECK_OK(nova_bo_create(dev, 64 * KIB, &again));
	CHECK_U64(nova_bo_handle(again), ==, handle);
	CHECK_U64(nova_bo_size(again), ==, 64 * KIB);
	CHECK_OK(nova_bo_map(again, (void **)&q));
	CHECK(q == p);				/* the mapping was kept */
	for (uint64_t i = 0; i < 64 * KIB; i++) {
		if (q[i])
			FAIL("byte %" PRIu64 " of a reused object is 0x%02x", i, q[i]);
	}

	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.hits, ==, 1);
	CHECK_U64(st.misses, ==, 2);
	CHECK_U64(st.cached_objects, ==, 0);

	nova_bo_unref(again);
	nova_bo_unref(other);
	nova_device_close(dev);
	return TEST_PASS;
}

/* An object reused after its mapping was dropped is cleared all the same. */
static enum test_result bo_cache_reuse_unmapped(void)
{
	struct nova_device *dev;
	struct nova_bo *bo;
	uint8_t *p;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_create(dev, 16 * KIB, &bo));
	CHECK_OK(nova_bo_map(bo, (void **)&p));
	fill_pattern(p, 16 * KIB, 3);
	CHECK_OK(nova_bo_unmap(bo));
	nova_bo_unref(bo);

	CHECK_OK(nova_bo_create(dev, 16 * KIB, &bo));
	CHECK_OK(nova_bo_map(bo, (void **)&p));
	for (uint64_t i = 0; i < 16 * KIB; i++) {
		if (p[i])
			FAIL("byte %" PRIu64 " is 0x%02x after reuse", i, p[i]);
	}
	nova_bo_unref(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result bo_cache_switch(void)
{
	struct nova_bo_cache_stats st;
	struct nova_device *dev;
	struct nova_bo *a, *b;
	uint32_t ha, hb;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_create(dev, 4 * KIB, &a));
	CHECK_OK(nova_bo_create(dev, 8 * KIB, &b));
	ha = nova_bo_handle(a);
	hb = nova_bo_handle(b);
	nova_bo_unref(a);
	nova_bo_unref(b);
	CHECK(handle_open(dev, ha) && handle_open(dev, hb));

	/* Off: what is cached goes, and releases close at once. */
	CHECK_OK(nova_device_set_bo_cache(dev, 0));
	CHECK(!handle_open(dev, ha) && !handle_open(dev, hb));
	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.enabled, ==, 0);
	CHECK_U64(st.cached_objects, ==, 0);
	CHECK_U64(st.evictions, ==, 2);

	CHECK_OK(nova_bo_create(dev, 4 * KIB, &a));
	ha = nova_bo_handle(a);
	nova_bo_unref(a);
	CHECK(!handle_open(dev, ha));

	/* On again. */
	CHECK_OK(nova_device_set_bo_cache(dev, 2));
	CHECK_OK(nova_bo_create(dev, 4 * KIB, &a));
	ha = nova_bo_handle(a);
	nova_bo_unref(a);
	CHECK(handle_open(dev, ha));
	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.enabled, ==, 1);
	CHECK_U64(st.cached_objects, ==, 1);

	CHECK_ERR(nova_device_set_bo_cache(NULL, 1), -EINVAL);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result bo_cache_env(void)
{
	struct nova_bo_cache_stats st;
	struct nova_device *dev;

	/* Each case is a child process of its own: the environment is ours. */
	CHECK(setenv("NOVA_BO_CACHE", "0", 1) == 0);
	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.enabled, ==, 0);
	nova_device_close(dev);

	CHECK(setenv("NOVA_BO_CACHE", "1", 1) == 0);
	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.enabled, ==, 1);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result bo_cache_trim(void)
{
	struct nova_device *dev;
	struct nova_bo *bo;
	uint32_t old_handle, new_handle;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_create(dev, 4 * KIB, &bo));
	old_handle = nova_bo_handle(bo);
	nova_bo_unref(bo);
	sleep_ms(50);
	CHECK_OK(nova_bo_create(dev, 8 * KIB, &bo));
	new_handle = nova_bo_handle(bo);
	nova_bo_unref(bo);

	/* Nothing is an hour old; only the first is older than 25 ms. */
	CHECK_ERR(nova_device_bo_cache_trim(dev, 3600ull * 1000000000ull), 0);
	CHECK_ERR(nova_device_bo_cache_trim(dev, 25000000ull), 1);
	CHECK(!handle_open(dev, old_handle));
	CHECK(handle_open(dev, new_handle));
	/* 0 empties the cache. */
	CHECK_ERR(nova_device_bo_cache_trim(dev, 0), 1);
	CHECK(!handle_open(dev, new_handle));
	CHECK_ERR(nova_device_bo_cache_trim(dev, 0), 0);

	CHECK_ERR(nova_device_bo_cache_trim(NULL, 0), -EINVAL);
	nova_device_close(dev);
	return TEST_PASS;
}

/* Past the maximum age an object goes at the device's next create or release. */
static enum test_result bo_cache_expires(void)
{
	struct nova_bo_cache_stats st;
	struct nova_device *dev;
	struct nova_bo *bo;
	uint32_t handle;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_create(dev, 4 * KIB, &bo));
	handle = nova_bo_handle(bo);
	nova_bo_unref(bo);
	sleep_ms(1200);
	CHECK(handle_open(dev, handle));	/* nothing ran meanwhile */

	CHECK_OK(nova_bo_create(dev, 8 * KIB, &bo));
	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.evictions, ==, 1);
	CHECK_U64(st.hits, ==, 0);
	CHECK_U64(st.cached_objects, ==, 0);
	/* The kernel may give the new object the number the old one freed. */
	if (nova_bo_handle(bo) != handle)
		CHECK(!handle_open(dev, handle));
	nova_bo_unref(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result bo_cache_stats_sizes(void)
{
	struct nova_bo_cache_stats st;
	struct nova_device *dev;

	CHECK_OK(nova_device_open(&dev));

	/* An old caller's smaller struct: only what it has room for is written. */
	memset(&st, 0xa5, sizeof(st));
	st.struct_size = 8;
	CHECK_OK(nova_device_bo_cache_stats(dev, &st));
	CHECK_U64(st.struct_size, ==, 8);
	CHECK_U64(st.enabled, ==, 1);
	CHECK_U64(st.cached_objects, ==, 0xa5a5a5a5a5a5a5a5ull);

	/* A newer caller's larger struct: the library says how much it filled. */
	{
		unsigned char big[sizeof(st) + 16];
		struct nova_bo_cache_stats *bigst = (struct nova_bo_cache_stats *)big;

		memset(big, 0xa5, sizeof(big));
		bigst->struct_size = sizeof(big);
		CHECK_OK(nova_device_bo_cache_stats(dev, bigst));
		CHECK_U64(bigst->struct_size, ==, sizeof(st));
		CHECK_U64(big[sizeof(st)], ==, 0xa5);
	}

	st.struct_size = 7;
	CHECK_ERR(nova_device_bo_cache_stats(dev, &st), -EINVAL);
	CHECK_ERR(nova_device_bo_cache_stats(dev, NULL), -EINVAL);
	st.struct_size = sizeof(st);
	CHECK_ERR(nova_device_bo_cache_stats(NULL, &st), -EINVAL);
	nova_device_close(dev);
	return TEST_PASS;
}

/*
 * Cached objects count against OBJECT_BUDGET: when the kernel says -ENOSPC,
 * nova_bo_create() gives them back and tries again.
 */
static enum test_result bo_cache_budget_retry(void)
{
	struct nova_bo *bos[64], *bo;
	struct nova_bo_cache_stats st;
	struct nova_device *dev;
	struct nova_limits l;
	unsigned int n = 0, i;
	uint64_t chunk = 32 * MIB;
	int ret = 0;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(get_limits(nova_device_fd(dev), &l));
	if (l.max_object_size < chunk)
		chunk = l.max_object_size;
	if (l.budget / chunk >= 64)
		SKIP("OBJECT_BUDGET %" PRIu64 " needs more than 64 objects", l.budget);

	/* Fill the budget (pages are never touched: this costs no memory). */
	while (n < 64 && !(ret = nova_bo_create(dev, chunk, &bos[n])))
		n++;
	CHECK_ERR(ret, -ENOSPC);
	CHECK(n >= 2);

	/* Two into the cache: still counted by the kernel. */
	nova_bo_unref(bos[--n]);
	nova_bo_unref(bos[--n]);
	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.cached_objects, ==, 2);

	/* A size the cache does not have: the kernel's -ENOSPC, then a retry. */
	CHECK_OK(nova_bo_create(dev, chunk + 4 * KIB, &bo));
	CHECK_OK(cache_stats(dev, &st));
	CHECK_U64(st.cached_objects, ==, 0);
	CHECK_U64(st.evictions, ==, 2);

	nova_bo_unref(bo);
	for (i = 0; i < n; i++)
		nova_bo_unref(bos[i]);
	nova_device_close(dev);
	return TEST_PASS;
}

/* Objects that someone else may still see are never reused. */
static enum test_result bo_cache_not_shared(void)
{
	struct nova_bo_cache_stats st;
	struct vm_env env;
	struct nova_vm *vm;
	struct nova_bo *bo;
	uint32_t handle;
	int fd;

	VM_ENV_OPEN(&env, false);
	CHECK_OK(nova_device_get_vm(env.dev, &vm));

	/* Exported: the dma-buf lives on. */
	CHECK_OK(nova_bo_create(env.dev, 4 * KIB, &bo));
	handle = nova_bo_handle(bo);
	CHECK_OK(nova_bo_export(bo, &fd));
	nova_bo_unref(bo);
	CHECK(!handle_open(env.dev, handle));
	close(fd);

	/* GPU-mapped: the mapping keeps the object. */
	CHECK_OK(nova_bo_create(env.dev, 4 * KIB, &bo));
	handle = nova_bo_handle(bo);
	CHECK_OK(nova_vm_map(vm, bo, 0, vm_va(&env, 0), env.align, 0));
	nova_bo_unref(bo);
	CHECK(!handle_open(env.dev, handle));
	CHECK_OK(nova_vm_unmap(vm, vm_va(&env, 0), env.align));

	/* Added to a batch counts too, even if the batch is never submitted. */
	{
		struct nova_vm_bind_batch *batch;

		CHECK_OK(nova_bo_create(env.dev, 4 * KIB, &bo));
		handle = nova_bo_handle(bo);
		CHECK_OK(nova_vm_bind_begin(vm, &batch));
		CHECK_OK(nova_vm_bind_add_map(batch, bo, 0, vm_va(&env, 0), env.align, 0));
		nova_vm_bind_abort(batch);
		nova_bo_unref(bo);
		CHECK(!handle_open(env.dev, handle));
	}

	CHECK_OK(cache_stats(env.dev, &st));
	CHECK_U64(st.cached_objects, ==, 0);
	nova_device_close(env.dev);
	return TEST_PASS;
}

/* Closing the device releases what it cached: seen through a shared file. */
static enum test_result bo_cache_close_releases(void)
{
	struct nova_device *dev, *view;
	struct nova_bo *bo;
	uint32_t handle;
	uint64_t size;

	CHECK_OK(nova_device_open(&view));
	/* Same open file description, so the same handles. */
	CHECK_OK(nova_device_open_fd(nova_device_fd(view), &dev));
	CHECK_OK(nova_device_set_bo_cache(view, 0));
	CHECK_OK(nova_bo_create(dev, 4 * KIB, &bo));
	handle = nova_bo_handle(bo);
	nova_bo_unref(bo);
	CHECK_OK(nova_bo_query_size(view, handle, &size));

	nova_device_close(dev);
	CHECK_ERR(nova_bo_query_size(view, handle, &size), -ENOENT);
	nova_device_close(view);
	return TEST_PASS;
}

/* Sizes above the cache's largest are never kept. */
static enum test_result bo_cache_large_uncached(void)
{
	struct nova_device *dev;
	struct nova_limits l;
	struct nova_bo *bo;
	uint32_t handle;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(get_limits(nova_device_fd(dev), &l));
	if (l.max_object_size <= 64 * MIB)
		SKIP("MAX_OBJECT_SIZE is not above the cache's 64 MiB");
	CHECK_OK(nova_bo_create(dev, 64 * MIB + 4 * KIB, &bo));
	handle = nova_bo_handle(bo);
	nova_bo_unref(bo);
	CHECK(!handle_open(dev, handle));
	nova_device_close(dev);
	return TEST_PASS;
}

const struct test_case bo_tests[] = {
	{ "bo_refcount", bo_refcount, TEST_NEEDS_DEVICE },
	{ "bo_cache_reuse", bo_cache_reuse, TEST_NEEDS_DEVICE },
	{ "bo_cache_reuse_unmapped", bo_cache_reuse_unmapped, TEST_NEEDS_DEVICE },
	{ "bo_cache_switch", bo_cache_switch, TEST_NEEDS_DEVICE },
	{ "bo_cache_env", bo_cache_env, TEST_NEEDS_DEVICE },
	{ "bo_cache_trim", bo_cache_trim, TEST_NEEDS_DEVICE },
	{ "bo_cache_expires", bo_cache_expires, TEST_NEEDS_DEVICE },
	{ "bo_cache_stats_sizes", bo_cache_stats_sizes, TEST_NEEDS_DEVICE },
	{ "bo_cache_budget_retry", bo_cache_budget_retry, TEST_NEEDS_DEVICE },
	{ "bo_cache_not_shared", bo_cache_not_shared, TEST_NEEDS_DEVICE },
	{ "bo_cache_close_releases", bo_cache_close_releases, TEST_NEEDS_DEVICE },
	{ "bo_cache_large_uncached", bo_cache_large_uncached, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

// SPDX-License-Identifier: MIT
/*
 * Many threads on one device, as nova.h's thread-safety notes promise:
 * creating (through the buffer cache), importing, mapping and releasing at
 * once. Each worker churns private objects (checking that each one reads
 * as zeroes when new and keeps what the worker wrote), and all of them
 * import, map and release the same exported objects concurrently, which
 * must always come back as the one nova_bo the device has for it. At the
 * end the device's object count (debugfs) must be what it was: nothing
 * leaked, nothing closed twice (a double GEM_CLOSE would fail a later
 * check of a live handle).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "util.h"
#include "vm_util.h"

#define THREADS		8
#define ROUNDS		300
#define SHARED		4
#define KIB		1024ull

/* What the workers may pass: counts of objects served wrong, first error. */
struct shared_state {
	struct nova_device *dev;
	struct nova_bo *shared[SHARED];
	int shared_fd[SHARED];
	pthread_barrier_t start;
	unsigned int failures;
	int first_error;
	const char *first_what;
	pthread_mutex_t lock;
};

static void report(struct shared_state *st, const char *what, int err)
{
	pthread_mutex_lock(&st->lock);
	if (!st->failures++) {
		st->first_what = what;
		st->first_error = err;
	}
	pthread_mutex_unlock(&st->lock);
}

static int all_zero(const uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++) {
		if (p[i])
			return 0;
	}
	return 1;
}

static void churn_private(struct shared_state *st, unsigned int seed)
{
	static const uint64_t sizes[] = { 4 * KIB, 12 * KIB, 64 * KIB, 4 * KIB + 1 };
	struct nova_bo *bo;
	uint8_t *p;
	uint64_t size;
	int ret;

	size = sizes[seed % 4];
	ret = nova_bo_create(st->dev, size, &bo);
	if (ret) {
		report(st, "nova_bo_create", ret);
		return;
	}
	ret = nova_bo_map(bo, (void **)&p);
	if (ret) {
		report(st, "nova_bo_map", ret);
	} else {
		if (!all_zero(p, nova_bo_size(bo)))
			report(st, "a new or reused object is not zero", 0);
		fill_pattern(p, nova_bo_size(bo), seed);
		/* A second reference and map give the same mapping. */
		nova_bo_ref(bo);
		if (nova_bo_map(bo, (void **)&p) || count_mismatches(p, nova_bo_size(bo), seed))
			report(st, "own data changed under the worker", 0);
		nova_bo_unref(bo);
		if (seed % 8 == 0 && nova_bo_unmap(bo))
			report(st, "nova_bo_unmap", -1);
	}
	nova_bo_unref(bo);
}

static void churn_shared(struct shared_state *st, unsigned int seed)
{
	unsigned int i = seed % SHARED;
	struct nova_bo *bo;
	uint32_t *p;
	int ret;

	ret = nova_bo_import(st->dev, st->shared_fd[i], &bo);
	if (ret) {
		report(st, "nova_bo_import", ret);
		return;
	}
	if (bo != st->shared[i])
		report(st, "import gave another nova_bo than the device's", 0);
	ret = nova_bo_map(bo, (void **)&p);
	if (ret)
		report(st, "nova_bo_map of an import", ret);
	else if (p[0] != 0xc0de0000u + i)
		report(st, "shared object lost its contents", 0);
	nova_bo_unref(bo);
}

static void *worker(void *data)
{
	struct shared_state *st = data;
	unsigned int seed = (unsigned int)(uintptr_t)pthread_self();

	pthread_barrier_wait(&st->start);
	for (unsigned int r = 0; r < ROUNDS; r++) {
		seed = seed * 1103515245u + 12345u;
		churn_private(st, seed >> 8);
		churn_shared(st, seed >> 16);
	}
	return NULL;
}

static enum test_result threads_create_import_map_free(void)
{
	struct nova_bo_cache_stats cs = { .struct_size = sizeof(cs) };
	uint64_t objects_before, objects;
	struct shared_state st = { 0 };
	pthread_t threads[THREADS];
	struct vm_env env;
	unsigned int i;

	VM_ENV_OPEN(&env, true);
	CHECK_OK(vm_read_stat(&env, "objects", &objects_before));
	st.dev = env.dev;
	CHECK(pthread_mutex_init(&st.lock, NULL) == 0);
	CHECK(pthread_barrier_init(&st.start, NULL, THREADS) == 0);

	for (i = 0; i < SHARED; i++) {
		uint32_t *p;

		CHECK_OK(nova_bo_create(st.dev, 8 * KIB, &st.shared[i]));
		CHECK_OK(nova_bo_map(st.shared[i], (void **)&p));
		p[0] = 0xc0de0000u + i;
		CHECK_OK(nova_bo_export(st.shared[i], &st.shared_fd[i]));
	}

	for (i = 0; i < THREADS; i++)
		CHECK(pthread_create(&threads[i], NULL, worker, &st) == 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);

	if (st.failures)
		FAIL("%u failures in %u threads x %u rounds; first: %s (%s)",
		     st.failures, THREADS, ROUNDS, st.first_what,
		     test_errname(st.first_error));

	CHECK_OK(nova_device_bo_cache_stats(st.dev, &cs));
	CHECK_U64(cs.hits + cs.misses, ==, (uint64_t)THREADS * ROUNDS + SHARED);
	CHECK_U64(cs.hits, >, 0);

	/* The shared objects kept exactly the creator's reference. */
	for (i = 0; i < SHARED; i++) {
		CHECK_OK(raw_gem_info(env.fd, nova_bo_handle(st.shared[i]), NULL));
		nova_bo_unref(st.shared[i]);
		close(st.shared_fd[i]);
	}
	CHECK_OK(nova_device_bo_cache_trim(st.dev, 0) >= 0 ? 0 : -EIO);
	CHECK_OK(vm_read_stat(&env, "objects", &objects));
	CHECK_U64(objects, ==, objects_before);

	nova_device_close(st.dev);
	return TEST_PASS;
}

const struct test_case thread_tests[] = {
	{ "threads_create_import_map_free", threads_create_import_map_free, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

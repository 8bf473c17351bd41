// SPDX-License-Identifier: MIT
/*
 * nova-bocache-test - the buffer cache's bookkeeping (libnova/src/bocache.c)
 * and the handle table (handles.c) on the host, with a clock the cases
 * drive themselves. Every case checks the cache's invariants
 * (libnova_bocache_check()) after what it does; the randomized case compares
 * every result with a plain array model of the documented policy: exact
 * size, newest first; evict the oldest past max_bytes or max_age.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "bocache.h"
#include "handles.h"

const char host_suite_name[] = "bocache";

#define KIB	1024ull
#define MIB	(1024ull * 1024)
#define SEC	1000000000ull

#define CHECK_CACHE(c)							\
	do {								\
		const char *e_ = libnova_bocache_check(c);		\
		if (e_)							\
			FAIL("cache inconsistent: %s", e_);		\
	} while (0)

static enum test_result bocache_buckets(void)
{
	/* Four per power of two, monotonic in the size. */
	CHECK_U64(libnova_bocache_bucket(1), ==, 0);
	CHECK_U64(libnova_bocache_bucket(4 * KIB), ==, 12 * 4);
	CHECK_U64(libnova_bocache_bucket(5 * KIB), ==, 12 * 4 + 1);
	CHECK_U64(libnova_bocache_bucket(6 * KIB), ==, 12 * 4 + 2);
	CHECK_U64(libnova_bocache_bucket(7 * KIB), ==, 12 * 4 + 3);
	CHECK_U64(libnova_bocache_bucket(8 * KIB), ==, 13 * 4);
	CHECK_U64(libnova_bocache_bucket(8 * KIB - 1), ==, 12 * 4 + 3);
	CHECK_U64(libnova_bocache_bucket(UINT64_MAX), ==, 63 * 4 + 3);
	for (uint64_t s = 1; s < (1u << 20); s += 97)
		CHECK(libnova_bocache_bucket(s) <= libnova_bocache_bucket(s + 97));
	return TEST_PASS;
}

static enum test_result bocache_exact_size_newest_first(void)
{
	struct libnova_bocache_entry e[4];
	struct libnova_bocache c;

	libnova_bocache_init(&c, 64 * MIB, 256 * MIB, SEC);
	/* 20 KiB and 24 KiB share a bucket; 20 KiB twice. */
	CHECK(libnova_bocache_put(&c, &e[0], 20 * KIB, 1));
	CHECK(libnova_bocache_put(&c, &e[1], 24 * KIB, 2));
	CHECK(libnova_bocache_put(&c, &e[2], 20 * KIB, 3));
	CHECK_CACHE(&c);
	CHECK_U64(c.count, ==, 3);
	CHECK_U64(c.bytes, ==, 64 * KIB);

	CHECK(libnova_bocache_take(&c, 16 * KIB) == NULL);
	CHECK(libnova_bocache_take(&c, 20 * KIB) == &e[2]);
	CHECK(libnova_bocache_take(&c, 20 * KIB) == &e[0]);
	CHECK(libnova_bocache_take(&c, 20 * KIB) == NULL);
	CHECK(libnova_bocache_take(&c, 24 * KIB) == &e[1]);
	CHECK_CACHE(&c);
	CHECK_U64(c.hits, ==, 3);
	CHECK_U64(c.misses, ==, 2);
	CHECK_U64(c.count, ==, 0);
	CHECK_U64(c.bytes, ==, 0);
	return TEST_PASS;
}

static enum test_result bocache_refuses(void)
{
	struct libnova_bocache_entry e;
	struct libnova_bocache c;

	libnova_bocache_init(&c, 1 * MIB, 512 * KIB, SEC);
	CHECK(!libnova_bocache_put(&c, &e, 0, 1));
	CHECK(!libnova_bocache_put(&c, &e, 1 * MIB + 4 * KIB, 1));	/* > max_size */
	CHECK(!libnova_bocache_put(&c, &e, 1 * MIB, 1));		/* > max_bytes */
	CHECK(libnova_bocache_take(&c, 0) == NULL);
	CHECK(libnova_bocache_take(&c, UINT64_MAX) == NULL);
	CHECK_U64(c.count, ==, 0);
	CHECK_CACHE(&c);
	return TEST_PASS;
}

static enum test_result bocache_evicts_by_age(void)
{
	struct libnova_bocache_entry e[3];
	struct libnova_bocache c;

	libnova_bocache_init(&c, 64 * MIB, 256 * MIB, SEC);
	CHECK(libnova_bocache_put(&c, &e[0], 4 * KIB, 0));
	CHECK(libnova_bocache_put(&c, &e[1], 8 * KIB, SEC / 2));
	CHECK(libnova_bocache_put(&c, &e[2], 4 * KIB, SEC));

	/* Exactly max_age old is not older than max_age. */
	CHECK(libnova_bocache_evict(&c, SEC) == NULL);
	CHECK(libnova_bocache_evict(&c, SEC + 1) == &e[0]);
	CHECK(libnova_bocache_evict(&c, SEC + 1) == NULL);
	CHECK(libnova_bocache_evict(&c, 3 * SEC) == &e[1]);
	CHECK(libnova_bocache_evict(&c, 3 * SEC) == &e[2]);
	CHECK(libnova_bocache_evict(&c, 3 * SEC) == NULL);
	CHECK_U64(c.evictions, ==, 3);
	/* A clock that went backwards ages nothing. */
	CHECK(libnova_bocache_put(&c, &e[0], 4 * KIB, 10 * SEC));
	CHECK(libnova_bocache_evict(&c, 0) == NULL);
	CHECK_CACHE(&c);
	return TEST_PASS;
}

static enum test_result bocache_evicts_by_bytes(void)
{
	struct libnova_bocache_entry e[3];
	struct libnova_bocache c;

	libnova_bocache_init(&c, 64 * MIB, 1 * MIB, 100 * SEC);
	CHECK(libnova_bocache_put(&c, &e[0], 512 * KIB, 1));
	CHECK(libnova_bocache_put(&c, &e[1], 256 * KIB, 2));
	CHECK(libnova_bocache_evict(&c, 3) == NULL);		/* 768 KiB: fits */
	CHECK(libnova_bocache_put(&c, &e[2], 512 * KIB, 3));	/* 1.25 MiB */
	CHECK(libnova_bocache_evict(&c, 3) == &e[0]);		/* oldest first */
	CHECK(libnova_bocache_evict(&c, 3) == NULL);
	CHECK_U64(c.bytes, ==, 768 * KIB);
	CHECK_CACHE(&c);
	return TEST_PASS;
}

static enum test_result bocache_trim(void)
{
	struct libnova_bocache_entry e[3];
	struct libnova_bocache c;

	libnova_bocache_init(&c, 64 * MIB, 256 * MIB, 100 * SEC);
	CHECK(libnova_bocache_put(&c, &e[0], 4 * KIB, 1 * SEC));
	CHECK(libnova_bocache_put(&c, &e[1], 4 * KIB, 2 * SEC));
	CHECK(libnova_bocache_put(&c, &e[2], 4 * KIB, 3 * SEC));
	CHECK(libnova_bocache_trim(&c, 4 * SEC, 5 * SEC) == NULL);
	CHECK(libnova_bocache_trim(&c, 4 * SEC, 2 * SEC) == &e[0]);
	CHECK(libnova_bocache_trim(&c, 4 * SEC, 2 * SEC) == NULL);
	CHECK(libnova_bocache_trim(&c, 4 * SEC, 0) == &e[1]);
	CHECK(libnova_bocache_trim(&c, 4 * SEC, 0) == &e[2]);
	CHECK(libnova_bocache_trim(&c, 4 * SEC, 0) == NULL);
	CHECK_U64(c.count, ==, 0);
	CHECK_CACHE(&c);
	return TEST_PASS;
}

/* The model: entries in put order, each with its size and time. */
#define MODEL_MAX	512

struct model {
	struct libnova_bocache_entry *entry[MODEL_MAX];
	unsigned int count;
	uint64_t bytes;
};

static void model_remove(struct model *m, unsigned int i)
{
	m->bytes -= m->entry[i]->size;
	memmove(&m->entry[i], &m->entry[i + 1], (m->count - i - 1) * sizeof(m->entry[0]));
	m->count--;
}

static enum test_result bocache_random_vs_model(void)
{
	static struct libnova_bocache_entry pool[MODEL_MAX];
	static const uint64_t sizes[] = { 4 * KIB, 8 * KIB, 12 * KIB, 20 * KIB, 24 * KIB, 1 * MIB };
	struct libnova_bocache_entry *free_list[MODEL_MAX];
	unsigned int nfree = MODEL_MAX, step;
	const uint64_t max_bytes = 4 * MIB, max_age = 1000;
	struct libnova_bocache c;
	struct model m = { 0 };
	uint64_t now = 1;

	for (unsigned int i = 0; i < MODEL_MAX; i++)
		free_list[i] = &pool[i];
	srand(5);
	libnova_bocache_init(&c, 64 * MIB, max_bytes, max_age);

	for (step = 0; step < 200000; step++) {
		uint64_t size = sizes[rand() % 6];
		struct libnova_bocache_entry *got, *want;

		now += (uint64_t)(rand() % 20);
		if (rand() % 2 && nfree) {
			got = free_list[--nfree];
			CHECK(libnova_bocache_put(&c, got, size, now));
			m.entry[m.count++] = got;
			m.bytes += size;
		} else {
			int i;

			want = NULL;
			for (i = (int)m.count - 1; i >= 0; i--) {
				if (m.entry[i]->size == size) {
					want = m.entry[i];
					model_remove(&m, (unsigned int)i);
					break;
				}
			}
			got = libnova_bocache_take(&c, size);
			if (got != want)
				FAIL("step %u: take(%" PRIu64 ") gave entry %ld, the model %ld", step,
				     size, got ? (long)(got - pool) : -1L,
				     want ? (long)(want - pool) : -1L);
			if (got)
				free_list[nfree++] = got;
		}
		/* What must go, oldest first. */
		while ((got = libnova_bocache_evict(&c, now))) {
			CHECK(m.count > 0);
			CHECK(got == m.entry[0]);
			CHECK(m.bytes > max_bytes || now - got->freed_ns > max_age);
			model_remove(&m, 0);
			free_list[nfree++] = got;
		}
		CHECK(m.count == 0 || (m.bytes <= max_bytes && now - m.entry[0]->freed_ns <= max_age));
		CHECK_U64(c.count, ==, m.count);
		CHECK_U64(c.bytes, ==, m.bytes);
		if (step % 1000 == 0)
			CHECK_CACHE(&c);
	}
	CHECK_CACHE(&c);
	return TEST_PASS;
}

static enum test_result handles_table(void)
{
	static struct libnova_handle_node nodes[5000];
	struct libnova_handle_table t;
	unsigned int i;

	CHECK_OK(libnova_handles_init(&t));
	CHECK(libnova_handles_find(&t, 1) == NULL);
	for (i = 0; i < 5000; i++) {
		nodes[i].handle = i * 3 + 1;
		libnova_handles_insert(&t, &nodes[i]);
	}
	CHECK_U64(t.count, ==, 5000);
	CHECK_U64(t.mask + 1, >=, 4096);	/* it grew */
	for (i = 0; i < 5000; i++) {
		CHECK(libnova_handles_find(&t, i * 3 + 1) == &nodes[i]);
		CHECK(libnova_handles_find(&t, i * 3 + 2) == NULL);
	}
	for (i = 0; i < 5000; i += 2)
		libnova_handles_remove(&t, &nodes[i]);
	CHECK_U64(t.count, ==, 2500);
	for (i = 0; i < 5000; i++)
		CHECK(libnova_handles_find(&t, i * 3 + 1) == (i % 2 ? &nodes[i] : NULL));
	libnova_handles_fini(&t);
	return TEST_PASS;
}

const struct test_case host_tests[] = {
	{ "bocache_buckets", bocache_buckets, 0 },
	{ "bocache_exact_size_newest_first", bocache_exact_size_newest_first, 0 },
	{ "bocache_refuses", bocache_refuses, 0 },
	{ "bocache_evicts_by_age", bocache_evicts_by_age, 0 },
	{ "bocache_evicts_by_bytes", bocache_evicts_by_bytes, 0 },
	{ "bocache_trim", bocache_trim, 0 },
	{ "bocache_random_vs_model", bocache_random_vs_model, 0 },
	{ "handles_table", handles_table, 0 },
	{ NULL, NULL, 0 },
};

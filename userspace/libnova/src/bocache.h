/* SPDX-License-Identifier: MIT */
/*
 * libnova's buffer cache: the bookkeeping of buffer objects that were freed
 * but whose GEM handles are kept open for reuse, the way Mesa's winsys
 * layers (libdrm_intel's bo cache, iris's bucket cache) avoid a GEM_CREATE
 * and GEM_CLOSE pair per short-lived buffer.
 *
 * This header does not depend on libdrm: the cache only sorts entries, and
 * the caller (bo.c) owns the objects behind them, so the cache can be tested
 * on its own on the host (userspace/tests/host/bocache_test.c).
 *
 * Policy:
 * - Entries sit in size buckets, four per power of two (1 MiB, 1.25 MiB,
 *   1.5 MiB, 1.75 MiB, 2 MiB, ...), newest first. A request is served by the
 *   newest entry of exactly the requested size (already rounded to the page
 *   size by the caller), so a reused buffer cannot be told from a new one
 *   by its size; the buckets only keep the search short.
 * - Objects above max_size are never cached; the cache holds at most
 *   max_bytes; past that the oldest entries are evicted.
 * - An entry older than max_age is evicted: the caller asks for expired
 *   entries (libnova_bocache_evict()) whenever it puts or takes one, so an
 *   idle cache keeps its entries until the next call (or an explicit trim).
 *
 * Costs: put and evict are O(1); take is O(k), k being the number of cached
 * entries of the same bucket with another exact size.
 *
 * Not thread-safe: the caller locks (nova_device does).
 */
#ifndef LIBNOVA_BOCACHE_H
#define LIBNOVA_BOCACHE_H

#include <stdbool.h>
#include <stdint.h>

/* Four buckets per power of two of a 64-bit size. */
#define LIBNOVA_BOCACHE_BUCKETS	(64 * 4)

/* Embedded in the cached object. */
struct libnova_bocache_entry {
	struct libnova_bocache_entry *bucket_prev, *bucket_next; /* newest first */
	struct libnova_bocache_entry *age_prev, *age_next;	  /* oldest first */
	uint64_t size;
	uint64_t freed_ns;
};

struct libnova_bocache {
	struct libnova_bocache_entry *buckets[LIBNOVA_BOCACHE_BUCKETS];
	struct libnova_bocache_entry *oldest, *newest;
	uint64_t max_size;	/* largest object kept */
	uint64_t max_bytes;	/* most bytes kept in all */
	uint64_t max_age_ns;	/* entries older than this are evicted */
	uint64_t count;
	uint64_t bytes;
	/* Counters since init, for nova_device_bo_cache_stats(). */
	uint64_t hits;
	uint64_t misses;
	uint64_t evictions;
};

void libnova_bocache_init(struct libnova_bocache *cache, uint64_t max_size,
			  uint64_t max_bytes, uint64_t max_age_ns);

/* The bucket of @size (non-zero): floor(log2) * 4 + the next two bits. */
unsigned int libnova_bocache_bucket(uint64_t size);

/*
 * Take the newest entry of exactly @size out of the cache and count a hit,
 * or count a miss and return NULL.
 */
struct libnova_bocache_entry *libnova_bocache_take(struct libnova_bocache *cache,
						   uint64_t size);

/*
 * Keep @entry, of @size bytes, freed at @now_ns. Return: false (and keep
 * nothing) when @size is 0, above max_size or above max_bytes; the caller
 * then releases the object itself.
 */
bool libnova_bocache_put(struct libnova_bocache *cache,
			 struct libnova_bocache_entry *entry, uint64_t size,
			 uint64_t now_ns);

/*
 * Remove and return the oldest entry if it must go: the cache holds more
 * than max_bytes, or the entry was freed more than max_age_ns before
 * @now_ns. NULL when nothing must go. Counted as an eviction.
 */
struct libnova_bocache_entry *libnova_bocache_evict(struct libnova_bocache *cache,
						    uint64_t now_ns);

/*
 * Remove and return the oldest entry if it was freed more than @age_ns
 * before @now_ns (any entry when @age_ns is 0), for explicit trims and
 * flushes; NULL otherwise. Counted as an eviction.
 */
struct libnova_bocache_entry *libnova_bocache_trim(struct libnova_bocache *cache,
						   uint64_t now_ns, uint64_t age_ns);

/* NULL when the lists, counts and bytes agree, else what is wrong. */
const char *libnova_bocache_check(const struct libnova_bocache *cache);

#endif /* LIBNOVA_BOCACHE_H */

// SPDX-License-Identifier: MIT
/*
 * The buffer cache's bookkeeping: see bocache.h for the policy. Two
 * intrusive doubly linked lists per entry: its bucket's (newest first, so
 * that reuse picks the buffer most likely still in the CPU's caches) and
 * the age list of all entries (oldest first, so that eviction is O(1)).
 */
#include <stddef.h>
#include <string.h>

#include "bocache.h"

void libnova_bocache_init(struct libnova_bocache *cache, uint64_t max_size,
			  uint64_t max_bytes, uint64_t max_age_ns)
{
	memset(cache, 0, sizeof(*cache));
	cache->max_size = max_size;
	cache->max_bytes = max_bytes;
	cache->max_age_ns = max_age_ns;
}

unsigned int libnova_bocache_bucket(uint64_t size)
{
	unsigned int log2 = 63 - (unsigned int)__builtin_clzll(size);
	unsigned int quarter;

	/* The two bits below the leading one; sizes below 4 have fewer. */
	if (log2 >= 2)
		quarter = (unsigned int)(size >> (log2 - 2)) & 3;
	else
		quarter = (unsigned int)(size << (2 - log2)) & 3;
	return log2 * 4 + quarter;
}

static void unlink_entry(struct libnova_bocache *cache,
			 struct libnova_bocache_entry *entry)
{
	unsigned int bucket = libnova_bocache_bucket(entry->size);

	if (entry->bucket_prev)
		entry->bucket_prev->bucket_next = entry->bucket_next;
	else
		cache->buckets[bucket] = entry->bucket_next;
	if (entry->bucket_next)
		entry->bucket_next->bucket_prev = entry->bucket_prev;

	if (entry->age_prev)
		entry->age_prev->age_next = entry->age_next;
	else
		cache->oldest = entry->age_next;
	if (entry->age_next)
		entry->age_next->age_prev = entry->age_prev;
	else
		cache->newest = entry->age_prev;

	entry->bucket_prev = entry->bucket_next = NULL;
	entry->age_prev = entry->age_next = NULL;
	cache->count--;
	cache->bytes -= entry->size;
}

struct libnova_bocache_entry *libnova_bocache_take(struct libnova_bocache *cache,
						   uint64_t size)
{
	struct libnova_bocache_entry *entry = NULL;

	if (size && size <= cache->max_size)
		entry = cache->buckets[libnova_bocache_bucket(size)];
	while (entry && entry->size != size)
		entry = entry->bucket_next;

	if (!entry) {
		cache->misses++;
		return NULL;
	}
	unlink_entry(cache, entry);
	cache->hits++;
	return entry;
}

bool libnova_bocache_put(struct libnova_bocache *cache,
			 struct libnova_bocache_entry *entry, uint64_t size,
			 uint64_t now_ns)
{
	unsigned int bucket;

	if (!size || size > cache->max_size || size > cache->max_bytes)
		return false;

	bucket = libnova_bocache_bucket(size);
	entry->size = size;
	entry->freed_ns = now_ns;

	entry->bucket_prev = NULL;
	entry->bucket_next = cache->buckets[bucket];
	if (entry->bucket_next)
		entry->bucket_next->bucket_prev = entry;
	cache->buckets[bucket] = entry;

	entry->age_next = NULL;
	entry->age_prev = cache->newest;
	if (cache->newest)
		cache->newest->age_next = entry;
	else
		cache->oldest = entry;
	cache->newest = entry;

	cache->count++;
	cache->bytes += size;
	return true;
}

/* Whether @entry, freed at entry->freed_ns, is more than @age_ns old. */
static bool older_than(const struct libnova_bocache_entry *entry,
		       uint64_t now_ns, uint64_t age_ns)
{
	/* A clock that went backwards (it should not: CLOCK_MONOTONIC) ages nothing. */
	return now_ns > entry->freed_ns && now_ns - entry->freed_ns > age_ns;
}

static struct libnova_bocache_entry *evict_oldest(struct libnova_bocache *cache)
{
	struct libnova_bocache_entry *entry = cache->oldest;

	unlink_entry(cache, entry);
	cache->evictions++;
	return entry;
}

struct libnova_bocache_entry *libnova_bocache_evict(struct libnova_bocache *cache,
						    uint64_t now_ns)
{
	if (!cache->oldest)
		return NULL;
	if (cache->bytes > cache->max_bytes ||
	    older_than(cache->oldest, now_ns, cache->max_age_ns))
		return evict_oldest(cache);
	return NULL;
}

struct libnova_bocache_entry *libnova_bocache_trim(struct libnova_bocache *cache,
						   uint64_t now_ns, uint64_t age_ns)
{
	if (!cache->oldest)
		return NULL;
	if (age_ns == 0 || older_than(cache->oldest, now_ns, age_ns))
		return evict_oldest(cache);
	return NULL;
}

const char *libnova_bocache_check(const struct libnova_bocache *cache)
{
	const struct libnova_bocache_entry *entry, *prev = NULL;
	uint64_t count = 0, bytes = 0, bucket_count = 0;
	unsigned int b;

	for (entry = cache->oldest; entry; prev = entry, entry = entry->age_next) {
		if (entry->age_prev != prev)
			return "age list: broken back link";
		if (prev && prev->freed_ns > entry->freed_ns)
			return "age list: not oldest first";
		count++;
		bytes += entry->size;
	}
	if (cache->newest != prev)
		return "age list: newest is not the last entry";
	if (count != cache->count || bytes != cache->bytes)
		return "age list: count or bytes disagree with the totals";

	for (b = 0; b < LIBNOVA_BOCACHE_BUCKETS; b++) {
		prev = NULL;
		for (entry = cache->buckets[b]; entry; prev = entry, entry = entry->bucket_next) {
			if (entry->bucket_prev != prev)
				return "bucket list: broken back link";
			if (libnova_bocache_bucket(entry->size) != b)
				return "bucket list: entry in the wrong bucket";
			if (entry->size > cache->max_size)
				return "bucket list: entry above max_size";
			bucket_count++;
		}
	}
	if (bucket_count != cache->count)
		return "bucket lists: count disagrees with the total";
	return NULL;
}

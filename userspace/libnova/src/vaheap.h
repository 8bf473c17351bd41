/* SPDX-License-Identifier: MIT */
/*
 * libnova's GPU virtual address heap: what Mesa's util_vma_heap is to Mesa's
 * drivers. It hands out ranges of a fixed address range and takes them back;
 * it knows nothing of the kernel, and the kernel nothing of it.
 *
 * This header does not depend on libdrm, so that the heap can be built and
 * tested on its own on the host (userspace/tests/host/vaheap_test.c).
 *
 * Policy: address-ordered first fit, bottom-up. An allocation gets the lowest
 * suitably aligned address that has room for it. Sizes are rounded up to the
 * heap's granule, so every free range and allocation is a granule multiple.
 *
 * Structure: two treaps keyed by start address. The free treap holds the
 * free ranges, maximally coalesced (no two free ranges touch), and each node
 * caches the largest free size of its subtree so that the search skips
 * subtrees that cannot hold the request. The allocation treap holds the live
 * allocations, so that freeing a range that is not exactly one allocation is
 * refused instead of corrupting the heap. Expected costs, with n ranges:
 * free is O(log n); alloc_addr is O(log n); alloc is O(log n) when the
 * alignment is the granule (every free range large enough then fits), and
 * O(log n + k) for larger alignments, k being the number of free ranges large
 * enough but misaligned for the request.
 *
 * Not thread-safe: the caller locks (nova_vm does).
 */
#ifndef LIBNOVA_VAHEAP_H
#define LIBNOVA_VAHEAP_H

#include <stdint.h>

struct libnova_vaheap_node;

struct libnova_vaheap {
	struct libnova_vaheap_node *free_root;	/* free ranges, by address */
	struct libnova_vaheap_node *used_root;	/* allocations, by address */
	struct libnova_vaheap_node *spares;	/* unused nodes, kept for reuse */
	unsigned int spare_count;
	uint32_t seed;				/* treap priorities (xorshift32) */
	uint64_t start;
	uint64_t size;
	uint64_t granule;			/* power of two */
	uint64_t free_bytes;
	uint64_t free_ranges;
	uint64_t allocations;
	uint64_t deferred;			/* allocations marked deferred */
};

/*
 * Set up a heap over [start, start + size). @granule is a power of two that
 * divides @start and @size; start + size must not exceed UINT64_MAX.
 * Return: 0, -EINVAL for parameters that break these rules, -ENOMEM.
 */
int libnova_vaheap_init(struct libnova_vaheap *heap, uint64_t start,
			uint64_t size, uint64_t granule);
/* Release every node: allocations still live are forgotten. */
void libnova_vaheap_fini(struct libnova_vaheap *heap);

/*
 * Allocate @size bytes (rounded up to the granule) at an address that is a
 * multiple of @alignment (0 means the granule; smaller than the granule is
 * raised to it). Return: 0 and *@va, -EINVAL for a zero @size or an
 * @alignment that is not a power of two, -ENOSPC when no free range can hold
 * the request, -ENOMEM.
 */
int libnova_vaheap_alloc(struct libnova_vaheap *heap, uint64_t size,
			 uint64_t alignment, uint64_t *va);

/*
 * Allocate exactly [@va, @va + @size) (@size rounded up to the granule).
 * Return: 0, -EINVAL for a zero @size, an @va that is not a granule multiple
 * or a range not inside the heap, -EBUSY when part of the range is
 * allocated, -ENOMEM.
 */
int libnova_vaheap_alloc_addr(struct libnova_vaheap *heap, uint64_t va,
			      uint64_t size);

/*
 * Free the allocation at @va, whose size (rounded up to the granule like the
 * allocation's) must be @size. Free neighbours are coalesced. Never fails for
 * lack of memory. Return: 0, -ENOENT when no allocation starts at @va,
 * -EINVAL when @size is 0 or is not the allocation's size, -EBUSY when the
 * allocation is marked deferred (only libnova_vaheap_reclaim() frees it).
 */
int libnova_vaheap_free(struct libnova_vaheap *heap, uint64_t va, uint64_t size);

/*
 * Deferred frees. The heap only keeps the mark; what the free waits for (a
 * fence) is the caller's business (vm.c). A marked allocation stays
 * allocated, so nothing else can be given its range, and can no longer be
 * freed with libnova_vaheap_free() nor marked again: the one free it will
 * get is libnova_vaheap_reclaim()'s.
 *
 * libnova_vaheap_defer() marks the allocation at @va of @size. Return: 0,
 * libnova_vaheap_free()'s -ENOENT and -EINVAL, -EBUSY when already marked.
 *
 * libnova_vaheap_reclaim() frees a marked allocation, and
 * libnova_vaheap_undefer() takes the mark back (the free that was to come
 * is not going to). Return: 0, libnova_vaheap_free()'s -ENOENT and
 * -EINVAL, also -EINVAL when the allocation is not marked.
 */
int libnova_vaheap_defer(struct libnova_vaheap *heap, uint64_t va, uint64_t size);
int libnova_vaheap_undefer(struct libnova_vaheap *heap, uint64_t va, uint64_t size);
int libnova_vaheap_reclaim(struct libnova_vaheap *heap, uint64_t va, uint64_t size);

/*
 * Verify every invariant of the heap (tree order, treap priorities, cached
 * maxima, coalescing, free and allocated ranges tiling the heap exactly,
 * counters, deferred marks only on allocations). Return: NULL when the
 * heap is consistent, otherwise a static description of the first broken
 * invariant. O(n) time and memory: for tests.
 */
const char *libnova_vaheap_check(const struct libnova_vaheap *heap);

#endif /* LIBNOVA_VAHEAP_H */

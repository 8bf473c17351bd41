// SPDX-License-Identifier: MIT
/*
 * nova-vaheap-test - libnova's GPU VA heap (libnova/src/vaheap.c) on the
 * host: no device, no kernel. The heap is compiled into this program
 * directly, so its internal interface is what is tested.
 *
 * Every case checks the heap's invariants (libnova_vaheap_check()) after the
 * operations it makes, so a corrupted tree fails the case where it happens.
 * The randomized case compares every result, addresses included, with a
 * bitmap model of the documented policy (lowest aligned fit).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "vaheap.h"

const char host_suite_name[] = "vaheap";

#define G	4096ull			/* the granule of most cases */
#define MIB	(1ull << 20)

#define CHECK_HEAP(heap)						\
	do {								\
		const char *e_ = libnova_vaheap_check(heap);		\
		if (e_)							\
			FAIL("heap inconsistent: %s", e_);		\
	} while (0)

static enum test_result vaheap_init_rejects(void)
{
	struct libnova_vaheap heap;

	CHECK_ERR(libnova_vaheap_init(&heap, MIB, 16 * G, 0), -EINVAL);
	CHECK_ERR(libnova_vaheap_init(&heap, MIB, 16 * G, 3 * G), -EINVAL);
	CHECK_ERR(libnova_vaheap_init(&heap, MIB, 0, G), -EINVAL);
	CHECK_ERR(libnova_vaheap_init(&heap, MIB + 1, 16 * G, G), -EINVAL);
	CHECK_ERR(libnova_vaheap_init(&heap, MIB, 16 * G + 1, G), -EINVAL);
	/* start + size past UINT64_MAX. */
	CHECK_ERR(libnova_vaheap_init(&heap, ~(G - 1), G, G), -EINVAL);
	CHECK_ERR(libnova_vaheap_init(&heap, G, ~(G - 1), G), -EINVAL);

	/* The largest heap that fits: [0, 2^64 - G). */
	CHECK_OK(libnova_vaheap_init(&heap, 0, ~(G - 1), G));
	CHECK_HEAP(&heap);
	libnova_vaheap_fini(&heap);

	/* A granule of 1 works too. */
	CHECK_OK(libnova_vaheap_init(&heap, 3, 5, 1));
	CHECK_HEAP(&heap);
	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

/* Bottom-up first fit, and sizes rounded up to the granule. */
static enum test_result vaheap_alloc_bottom_up(void)
{
	struct libnova_vaheap heap;
	uint64_t a, b, c;

	CHECK_OK(libnova_vaheap_init(&heap, MIB, 64 * G, G));

	CHECK_OK(libnova_vaheap_alloc(&heap, 1, 0, &a));
	CHECK_U64(a, ==, MIB);
	CHECK_OK(libnova_vaheap_alloc(&heap, G + 1, 0, &b));
	CHECK_U64(b, ==, MIB + G);
	CHECK_OK(libnova_vaheap_alloc(&heap, 3 * G, 0, &c));
	CHECK_U64(c, ==, MIB + 3 * G);
	CHECK_U64(heap.free_bytes, ==, 58 * G);
	CHECK_U64(heap.allocations, ==, 3);
	CHECK_HEAP(&heap);

	/* The hole left by b is the lowest fit for what fits it. */
	CHECK_OK(libnova_vaheap_free(&heap, b, G + 1));
	CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &b));
	CHECK_U64(b, ==, MIB + G);
	CHECK_OK(libnova_vaheap_alloc(&heap, 2 * G, 0, &b));
	CHECK_U64(b, ==, MIB + 6 * G);	/* the hole has one granule left */
	CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &b));
	CHECK_U64(b, ==, MIB + 2 * G);
	CHECK_HEAP(&heap);

	CHECK_ERR(libnova_vaheap_alloc(&heap, 0, 0, &a), -EINVAL);
	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

static enum test_result vaheap_alignment(void)
{
	struct libnova_vaheap heap;
	uint64_t va, align;

	/* A start aligned to the granule only: larger alignments must pad. */
	CHECK_OK(libnova_vaheap_init(&heap, MIB + G, 1024 * G, G));

	CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &va));
	CHECK_U64(va, ==, MIB + G);
	CHECK_OK(libnova_vaheap_alloc(&heap, G, 64 * 1024, &va));
	CHECK_U64(va, ==, MIB + 64 * 1024);
	/* Below the granule is raised to it. */
	CHECK_OK(libnova_vaheap_alloc(&heap, G, 16, &va));
	CHECK_U64(va, ==, MIB + 2 * G);
	CHECK_OK(libnova_vaheap_alloc(&heap, G, 1, &va));
	CHECK_U64(va, ==, MIB + 3 * G);

	for (align = G; align <= MIB; align <<= 1) {
		CHECK_OK(libnova_vaheap_alloc(&heap, G, align, &va));
		CHECK_U64(va % align, ==, 0);
		CHECK_U64(va, >=, MIB + G);
		CHECK_U64(va + G, <=, MIB + G + 1024 * G);
	}
	CHECK_HEAP(&heap);

	CHECK_ERR(libnova_vaheap_alloc(&heap, G, 3 * G, &va), -EINVAL);
	CHECK_ERR(libnova_vaheap_alloc(&heap, G, G + 1, &va), -EINVAL);
	CHECK_ERR(libnova_vaheap_alloc(&heap, G, 1ull << 63 | 1, &va), -EINVAL);
	/* No address of the heap is a multiple of 2^63. */
	CHECK_ERR(libnova_vaheap_alloc(&heap, G, 1ull << 63, &va), -ENOSPC);
	/* 8 MiB alignment: 8 MiB itself is past the end of this heap. */
	CHECK_ERR(libnova_vaheap_alloc(&heap, G, 8 * MIB, &va), -ENOSPC);
	CHECK_HEAP(&heap);
	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

static enum test_result vaheap_exhaustion(void)
{
	struct libnova_vaheap heap;
	uint64_t va[16], extra;
	unsigned int i;

	CHECK_OK(libnova_vaheap_init(&heap, MIB, 16 * G, G));

	CHECK_ERR(libnova_vaheap_alloc(&heap, 17 * G, 0, &extra), -ENOSPC);
	CHECK_ERR(libnova_vaheap_alloc(&heap, ~0ull, 0, &extra), -ENOSPC);
	CHECK_ERR(libnova_vaheap_alloc(&heap, ~0ull - G, 0, &extra), -ENOSPC);

	for (i = 0; i < 16; i++)
		CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &va[i]));
	CHECK_U64(heap.free_bytes, ==, 0);
	CHECK_U64(heap.free_ranges, ==, 0);
	CHECK_ERR(libnova_vaheap_alloc(&heap, 1, 0, &extra), -ENOSPC);
	CHECK_HEAP(&heap);

	/* Freed space is usable again, at the freed address. */
	CHECK_OK(libnova_vaheap_free(&heap, va[7], G));
	CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &extra));
	CHECK_U64(extra, ==, va[7]);

	/* Fragmentation: 8 free granules, but never two in a row. */
	for (i = 0; i < 16; i += 2)
		CHECK_OK(libnova_vaheap_free(&heap, va[i], G));
	CHECK_U64(heap.free_bytes, ==, 8 * G);
	CHECK_U64(heap.free_ranges, ==, 8);
	CHECK_ERR(libnova_vaheap_alloc(&heap, 2 * G, 0, &extra), -ENOSPC);
	CHECK_HEAP(&heap);

	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

/* Every order of freeing three neighbours ends in one free range. */
static enum test_result vaheap_coalescing(void)
{
	static const unsigned int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	struct libnova_vaheap heap;
	uint64_t va[5], full;
	unsigned int o, i;

	CHECK_OK(libnova_vaheap_init(&heap, MIB, 5 * G, G));

	for (o = 0; o < 6; o++) {
		/* 0 and 4 stay allocated: the middle three coalesce between them. */
		for (i = 0; i < 5; i++)
			CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &va[i]));
		CHECK_U64(heap.free_ranges, ==, 0);

		for (i = 0; i < 3; i++) {
			CHECK_OK(libnova_vaheap_free(&heap, va[1 + orders[o][i]], G));
			CHECK_HEAP(&heap);
		}
		CHECK_U64(heap.free_ranges, ==, 1);
		CHECK_U64(heap.free_bytes, ==, 3 * G);
		CHECK_OK(libnova_vaheap_alloc(&heap, 3 * G, 0, &full));
		CHECK_U64(full, ==, va[1]);

		CHECK_OK(libnova_vaheap_free(&heap, va[0], G));
		CHECK_OK(libnova_vaheap_free(&heap, va[4], G));
		CHECK_OK(libnova_vaheap_free(&heap, full, 3 * G));
		CHECK_U64(heap.free_ranges, ==, 1);
		CHECK_U64(heap.allocations, ==, 0);
		CHECK_HEAP(&heap);
	}

	/* Back to one range: the whole heap is one allocation again. */
	CHECK_OK(libnova_vaheap_alloc(&heap, 5 * G, 0, &full));
	CHECK_U64(full, ==, MIB);
	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

static enum test_result vaheap_free_unknown(void)
{
	struct libnova_vaheap heap;
	uint64_t a, b, free_bytes;

	CHECK_OK(libnova_vaheap_init(&heap, MIB, 64 * G, G));
	CHECK_OK(libnova_vaheap_alloc(&heap, 4 * G, 0, &a));
	CHECK_OK(libnova_vaheap_alloc(&heap, 2 * G, 0, &b));
	free_bytes = heap.free_bytes;

	/* Never allocated: in the free part, below and above the heap. */
	CHECK_ERR(libnova_vaheap_free(&heap, MIB + 32 * G, G), -ENOENT);
	CHECK_ERR(libnova_vaheap_free(&heap, 0, G), -ENOENT);
	CHECK_ERR(libnova_vaheap_free(&heap, ~0ull - G + 1, G), -ENOENT);
	/* Inside an allocation, or a free range's start. */
	CHECK_ERR(libnova_vaheap_free(&heap, a + G, G), -ENOENT);
	CHECK_ERR(libnova_vaheap_free(&heap, b + 2 * G, G), -ENOENT);
	/* The right start, the wrong size. */
	CHECK_ERR(libnova_vaheap_free(&heap, a, 2 * G), -EINVAL);
	CHECK_ERR(libnova_vaheap_free(&heap, a, 5 * G), -EINVAL);
	CHECK_ERR(libnova_vaheap_free(&heap, a, 0), -EINVAL);
	CHECK_ERR(libnova_vaheap_free(&heap, a, ~0ull), -EINVAL);
	CHECK_U64(heap.free_bytes, ==, free_bytes);
	CHECK_U64(heap.allocations, ==, 2);
	CHECK_HEAP(&heap);

	/* The size is rounded like the allocation's was. */
	CHECK_OK(libnova_vaheap_free(&heap, a, 3 * G + 1));
	/* Double free. */
	CHECK_ERR(libnova_vaheap_free(&heap, a, 4 * G), -ENOENT);
	CHECK_OK(libnova_vaheap_free(&heap, b, 2 * G));
	CHECK_ERR(libnova_vaheap_free(&heap, b, 2 * G), -ENOENT);
	CHECK_U64(heap.free_ranges, ==, 1);
	CHECK_HEAP(&heap);

	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

static enum test_result vaheap_alloc_addr(void)
{
	struct libnova_vaheap heap;
	uint64_t end = MIB + 64 * G, va;

	CHECK_OK(libnova_vaheap_init(&heap, MIB, 64 * G, G));

	CHECK_OK(libnova_vaheap_alloc_addr(&heap, MIB + 8 * G, 4 * G));
	CHECK_OK(libnova_vaheap_alloc_addr(&heap, MIB, G));
	CHECK_OK(libnova_vaheap_alloc_addr(&heap, end - G, G));
	CHECK_U64(heap.free_ranges, ==, 2);
	CHECK_HEAP(&heap);

	/* Overlaps: the same range, its head, its tail, around it. */
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB + 8 * G, 4 * G), -EBUSY);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB + 7 * G, 2 * G), -EBUSY);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB + 11 * G, 2 * G), -EBUSY);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB + 2 * G, 20 * G), -EBUSY);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB + 9 * G, G), -EBUSY);

	/* Not a granule multiple, empty, outside or across the heap's ends. */
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB + 20 * G + 1, G), -EINVAL);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB + 20 * G, 0), -EINVAL);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB - G, G), -EINVAL);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB - G, 2 * G), -EINVAL);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, end, G), -EINVAL);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, end - 2 * G, 3 * G), -EINVAL);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, MIB + 20 * G, ~0ull), -EINVAL);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, ~(G - 1), G), -EINVAL);
	CHECK_HEAP(&heap);

	/* Allocation goes around the fixed ranges. */
	CHECK_OK(libnova_vaheap_alloc(&heap, 7 * G, 0, &va));
	CHECK_U64(va, ==, MIB + G);
	CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &va));
	CHECK_U64(va, ==, MIB + 12 * G);

	/* A fixed range frees like any other. */
	CHECK_OK(libnova_vaheap_free(&heap, MIB + 8 * G, 4 * G));
	CHECK_OK(libnova_vaheap_alloc(&heap, 4 * G, 0, &va));
	CHECK_U64(va, ==, MIB + 8 * G);
	CHECK_HEAP(&heap);

	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

/* A heap that ends just below 2^64: no address computation may wrap. */
static enum test_result vaheap_top_of_address_space(void)
{
	struct libnova_vaheap heap;
	uint64_t start = ~(MIB - 1) - MIB, size = MIB, va;

	CHECK_OK(libnova_vaheap_init(&heap, start, size, G));
	CHECK_OK(libnova_vaheap_alloc(&heap, G, MIB, &va));
	CHECK_U64(va, ==, start);
	CHECK_ERR(libnova_vaheap_alloc(&heap, G, 1ull << 63, &va), -ENOSPC);
	CHECK_OK(libnova_vaheap_alloc(&heap, size - G, 0, &va));
	CHECK_U64(va, ==, start + G);
	CHECK_ERR(libnova_vaheap_alloc(&heap, G, 0, &va), -ENOSPC);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, start + size - G, 2 * G), -EINVAL);
	CHECK_OK(libnova_vaheap_free(&heap, start + G, size - G));
	CHECK_OK(libnova_vaheap_alloc_addr(&heap, start + size - G, G));
	CHECK_HEAP(&heap);
	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

/* --- randomized, against a bitmap model ------------------------------------ */

#define MODEL_GRANULES	512
#define MODEL_START	(MIB + 3 * G)	/* only granule-aligned: alignment matters */
#define MODEL_OPS	40000

struct model {
	bool used[MODEL_GRANULES];
	uint64_t alloc_va[MODEL_GRANULES];	/* the live allocations */
	uint64_t alloc_size[MODEL_GRANULES];
	unsigned int allocs;
	uint64_t free_bytes;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool model_range_free(const struct model *m, uint64_t first, uint64_t count)
{
	uint64_t i;

	if (first + count > MODEL_GRANULES)
		return false;
	for (i = first; i < first + count; i++) {
		if (m->used[i])
			return false;
	}
	return true;
}

static void model_mark(struct model *m, uint64_t va, uint64_t size, bool used)
{
	uint64_t i, first = (va - MODEL_START) / G;

	for (i = first; i < first + size / G; i++)
		m->used[i] = used;
	if (used) {
		m->alloc_va[m->allocs] = va;
		m->alloc_size[m->allocs] = size;
		m->allocs++;
		m->free_bytes -= size;
	} else {
		m->free_bytes += size;
	}
}

/* The documented policy: the lowest address that is aligned and free. */
static int model_alloc(const struct model *m, uint64_t size, uint64_t align,
		       uint64_t *va)
{
	uint64_t first, count = (size + G - 1) / G;

	if (align < G)
		align = G;
	for (first = 0; first < MODEL_GRANULES; first++) {
		uint64_t addr = MODEL_START + first * G;

		if (addr % align == 0 && model_range_free(m, first, count)) {
			*va = addr;
			return 0;
		}
	}
	return -ENOSPC;
}

static enum test_result run_model(uint64_t seed)
{
	struct libnova_vaheap heap;
	struct model m = { .free_bytes = MODEL_GRANULES * G };
	uint64_t op, va, expected_va, size, align;
	int ret, expected;
	unsigned int k;

	rng_state = seed;
	CHECK_OK(libnova_vaheap_init(&heap, MODEL_START, MODEL_GRANULES * G, G));

	for (op = 0; op < MODEL_OPS; op++) {
		uint64_t r = rng() % 100;

		if (r < 45) {
			/* Mostly small, sometimes large; odd byte sizes too. */
			size = rng() % 8 ? 1 + rng() % (8 * G) : 1 + rng() % (128 * G);
			align = rng() % 3 ? 0 : 1ull << (rng() % 20);
			expected = model_alloc(&m, size, align, &expected_va);
			ret = libnova_vaheap_alloc(&heap, size, align, &va);
			if (ret != expected)
				FAIL("seed %" PRIu64 " op %" PRIu64 ": alloc(%" PRIu64 ", %" PRIu64
				     ") returned %s, the model %s", seed, op, size, align,
				     test_errname(ret), test_errname(expected));
			if (!ret) {
				if (va != expected_va)
					FAIL("seed %" PRIu64 " op %" PRIu64 ": alloc(%" PRIu64
					     ", %" PRIu64 ") gave 0x%" PRIx64 ", the model 0x%" PRIx64,
					     seed, op, size, align, va, expected_va);
				model_mark(&m, va, (size + G - 1) / G * G, true);
			}
		} else if (r < 55) {
			/* A fixed range, free or not, sometimes outside the heap. */
			uint64_t first = rng() % (MODEL_GRANULES + 8);

			size = (1 + rng() % 16) * G;
			va = MODEL_START + first * G - 4 * G;
			if (va < MODEL_START || va + size > MODEL_START + MODEL_GRANULES * G)
				expected = -EINVAL;
			else if (!model_range_free(&m, (va - MODEL_START) / G, size / G))
				expected = -EBUSY;
			else
				expected = 0;
			ret = libnova_vaheap_alloc_addr(&heap, va, size);
			if (ret != expected)
				FAIL("seed %" PRIu64 " op %" PRIu64 ": alloc_addr(0x%" PRIx64
				     ", %" PRIu64 ") returned %s, the model %s", seed, op, va,
				     size, test_errname(ret), test_errname(expected));
			if (!ret)
				model_mark(&m, va, size, true);
		} else if (m.allocs) {
			k = (unsigned int)(rng() % m.allocs);
			va = m.alloc_va[k];
			size = m.alloc_size[k];

			/* Now and then bad frees first: they must change nothing. */
			if (rng() % 8 == 0) {
				if (size > G)	/* inside the allocation */
					CHECK_ERR(libnova_vaheap_free(&heap, va + G, G), -ENOENT);
				CHECK_ERR(libnova_vaheap_free(&heap, va, size + G), -EINVAL);
			}

			CHECK_OK(libnova_vaheap_free(&heap, va, size));
			model_mark(&m, va, size, false);
			m.allocs--;
			m.alloc_va[k] = m.alloc_va[m.allocs];
			m.alloc_size[k] = m.alloc_size[m.allocs];
		}

		if (heap.free_bytes != m.free_bytes)
			FAIL("seed %" PRIu64 " op %" PRIu64 ": %" PRIu64 " free bytes, the model %"
			     PRIu64, seed, op, heap.free_bytes, m.free_bytes);
		if (heap.allocations != m.allocs)
			FAIL("seed %" PRIu64 " op %" PRIu64 ": %" PRIu64 " allocations, the model %u",
			     seed, op, heap.allocations, m.allocs);
		if (op % 16 == 0)
			CHECK_HEAP(&heap);
	}

	/* Free everything: one free range covering the heap must remain. */
	while (m.allocs) {
		m.allocs--;
		CHECK_OK(libnova_vaheap_free(&heap, m.alloc_va[m.allocs],
					     m.alloc_size[m.allocs]));
	}
	CHECK_HEAP(&heap);
	CHECK_U64(heap.free_ranges, ==, 1);
	CHECK_U64(heap.free_bytes, ==, MODEL_GRANULES * G);

	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

static enum test_result vaheap_random_vs_model(void)
{
	static const uint64_t seeds[] = { 1, 2, 3, 0xdeadbeef, 0x123456789abcdefull };
	enum test_result r;
	unsigned int i;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		r = run_model(seeds[i]);
		if (r != TEST_PASS)
			return r;
	}
	return TEST_PASS;
}

/* --- scale: a million ranges ---------------------------------------------------- */

#define SCALE_N		(1u << 20)

/*
 * A million allocations, every other one freed (half a million holes too
 * small for what follows), then allocations that fit only past them: the
 * subtree maxima must keep each of those logarithmic, or this case times out.
 */
static enum test_result vaheap_million_ranges(void)
{
	struct libnova_vaheap heap;
	uint64_t *va, i, big;

	va = malloc(SCALE_N * sizeof(*va));
	CHECK(va != NULL);
	CHECK_OK(libnova_vaheap_init(&heap, MIB, 1ull << 46, G));

	for (i = 0; i < SCALE_N; i++) {
		CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &va[i]));
		if (va[i] != MIB + i * G)
			FAIL("allocation %" PRIu64 " at 0x%" PRIx64, i, va[i]);
	}
	for (i = 0; i < SCALE_N; i += 2)
		CHECK_OK(libnova_vaheap_free(&heap, va[i], G));
	CHECK_U64(heap.free_ranges, ==, SCALE_N / 2 + 1);

	for (i = 0; i < 100000; i++) {
		CHECK_OK(libnova_vaheap_alloc(&heap, 2 * G, 0, &big));
		CHECK_U64(big, ==, MIB + (SCALE_N + 2 * i) * G);
	}
	CHECK_HEAP(&heap);

	/* Random-order frees of the rest coalesce everything back. */
	rng_state = 42;
	for (i = SCALE_N / 2 - 1; i > 0; i--) {
		uint64_t j = rng() % (i + 1), t = va[2 * i + 1];

		va[2 * i + 1] = va[2 * j + 1];
		va[2 * j + 1] = t;
	}
	for (i = 1; i < SCALE_N; i += 2)
		CHECK_OK(libnova_vaheap_free(&heap, va[i], G));
	for (i = 0; i < 100000; i++)
		CHECK_OK(libnova_vaheap_free(&heap, MIB + (SCALE_N + 2 * i) * G, 2 * G));
	CHECK_HEAP(&heap);
	CHECK_U64(heap.free_ranges, ==, 1);
	CHECK_U64(heap.allocations, ==, 0);

	libnova_vaheap_fini(&heap);
	free(va);
	return TEST_PASS;
}

/* A deferred free's mark: the range stays taken until reclaimed, and only then. */
static enum test_result vaheap_deferred(void)
{
	struct libnova_vaheap heap;
	uint64_t a, b, c;

	CHECK_OK(libnova_vaheap_init(&heap, MIB, 8 * G, G));
	CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &a));
	CHECK_OK(libnova_vaheap_alloc(&heap, 2 * G, 0, &b));

	/* The rules of free apply to the mark. */
	CHECK_ERR(libnova_vaheap_defer(&heap, a + G * 7, G), -ENOENT);
	CHECK_ERR(libnova_vaheap_defer(&heap, b, G), -EINVAL);
	CHECK_ERR(libnova_vaheap_defer(&heap, b, 0), -EINVAL);
	CHECK_ERR(libnova_vaheap_reclaim(&heap, b, 2 * G), -EINVAL);	/* not marked */

	CHECK_OK(libnova_vaheap_defer(&heap, b, 2 * G - 1));	/* rounded, like free */
	CHECK_U64(heap.deferred, ==, 1);
	CHECK_HEAP(&heap);
	CHECK_ERR(libnova_vaheap_defer(&heap, b, 2 * G), -EBUSY);
	CHECK_ERR(libnova_vaheap_free(&heap, b, 2 * G), -EBUSY);
	CHECK_ERR(libnova_vaheap_alloc_addr(&heap, b, G), -EBUSY);

	/* Still allocated: the next fit is past it. */
	CHECK_OK(libnova_vaheap_alloc(&heap, 2 * G, 0, &c));
	CHECK_U64(c, ==, b + 2 * G);
	CHECK_U64(heap.allocations, ==, 3);

	/* Taken back, it is an allocation like the others; then marked again. */
	CHECK_OK(libnova_vaheap_undefer(&heap, b, 2 * G));
	CHECK_ERR(libnova_vaheap_undefer(&heap, b, 2 * G), -EINVAL);
	CHECK_U64(heap.deferred, ==, 0);
	CHECK_HEAP(&heap);
	CHECK_OK(libnova_vaheap_defer(&heap, b, 2 * G));

	CHECK_OK(libnova_vaheap_reclaim(&heap, b, 2 * G));
	CHECK_U64(heap.deferred, ==, 0);
	CHECK_U64(heap.allocations, ==, 2);
	CHECK_HEAP(&heap);
	CHECK_ERR(libnova_vaheap_reclaim(&heap, b, 2 * G), -ENOENT);
	CHECK_OK(libnova_vaheap_alloc_addr(&heap, b, 2 * G));

	/* The mark goes with the node: a node reused for a new allocation is clean. */
	CHECK_OK(libnova_vaheap_defer(&heap, a, G));
	CHECK_OK(libnova_vaheap_reclaim(&heap, a, G));
	CHECK_OK(libnova_vaheap_alloc(&heap, G, 0, &a));
	CHECK_OK(libnova_vaheap_free(&heap, a, G));
	CHECK_HEAP(&heap);

	/* fini forgets marked allocations like any other. */
	CHECK_OK(libnova_vaheap_defer(&heap, c, 2 * G));
	libnova_vaheap_fini(&heap);
	return TEST_PASS;
}

const struct test_case host_tests[] = {
	{ "vaheap_init_rejects", vaheap_init_rejects, 0 },
	{ "vaheap_alloc_bottom_up", vaheap_alloc_bottom_up, 0 },
	{ "vaheap_alignment", vaheap_alignment, 0 },
	{ "vaheap_exhaustion", vaheap_exhaustion, 0 },
	{ "vaheap_coalescing", vaheap_coalescing, 0 },
	{ "vaheap_free_unknown", vaheap_free_unknown, 0 },
	{ "vaheap_alloc_addr", vaheap_alloc_addr, 0 },
	{ "vaheap_deferred", vaheap_deferred, 0 },
	{ "vaheap_top_of_address_space", vaheap_top_of_address_space, 0 },
	{ "vaheap_random_vs_model", vaheap_random_vs_model, 0 },
	{ "vaheap_million_ranges", vaheap_million_ranges, 0 },
	{ NULL, NULL, 0 },
};

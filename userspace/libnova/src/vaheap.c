// SPDX-License-Identifier: MIT
/*
 * The GPU virtual address heap: policy and structure are described in
 * vaheap.h.
 *
 * Both trees are treaps (binary search trees on the start address that are
 * heaps on a random priority) built from two primitives, split and merge;
 * their expected depth is O(log n) whatever the order of the operations.
 * Every change of a node's range goes through erase and insert, so that the
 * cached subtree maxima are recomputed on the way back up and never go stale.
 *
 * Operations that need new nodes take them before changing anything, so a
 * failed allocation leaves the heap exactly as it was.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "vaheap.h"

/* How many unused nodes a heap keeps instead of returning them to malloc. */
#define VAHEAP_MAX_SPARES	64

struct libnova_vaheap_node {
	struct libnova_vaheap_node *left;
	struct libnova_vaheap_node *right;
	uint64_t start;
	uint64_t size;
	uint64_t max_size;	/* largest size in this subtree */
	uint32_t prio;
	bool deferred;		/* allocation: its free is deferred (vaheap.h) */
};

typedef struct libnova_vaheap_node node_t;

static bool is_power_of_two(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* Round @size up to the granule; false when that overflows. */
static bool round_size(const struct libnova_vaheap *heap, uint64_t size,
		       uint64_t *rounded)
{
	uint64_t mask = heap->granule - 1;

	if (size > UINT64_MAX - mask)
		return false;
	*rounded = (size + mask) & ~mask;
	return true;
}

static uint32_t next_prio(struct libnova_vaheap *heap)
{
	uint32_t x = heap->seed;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	heap->seed = x;
	return x;
}

/* --- nodes ---------------------------------------------------------------- */

/* Make sure @count nodes can be taken without failing. */
static int reserve_nodes(struct libnova_vaheap *heap, unsigned int count)
{
	while (heap->spare_count < count) {
		node_t *node = malloc(sizeof(*node));

		if (!node)
			return -ENOMEM;
		node->left = heap->spares;
		heap->spares = node;
		heap->spare_count++;
	}
	return 0;
}

/* Take a reserved node. */
static node_t *take_node(struct libnova_vaheap *heap, uint64_t start,
			 uint64_t size)
{
	node_t *node = heap->spares;

	heap->spares = node->left;
	heap->spare_count--;
	node->left = NULL;
	node->right = NULL;
	node->start = start;
	node->size = size;
	node->max_size = size;
	node->prio = next_prio(heap);
	node->deferred = false;
	return node;
}

static void put_node(struct libnova_vaheap *heap, node_t *node)
{
	if (heap->spare_count >= VAHEAP_MAX_SPARES) {
		free(node);
		return;
	}
	node->left = heap->spares;
	heap->spares = node;
	heap->spare_count++;
}

/* --- treap primitives ------------------------------------------------------ */

static void update(node_t *t)
{
	uint64_t max = t->size;

	if (t->left && t->left->max_size > max)
		max = t->left->max_size;
	if (t->right && t->right->max_size > max)
		max = t->right->max_size;
	t->max_size = max;
}

/* Split @t into the nodes that start below @key (*@l) and the rest (*@r). */
static void split(node_t *t, uint64_t key, node_t **l, node_t **r)
{
	if (!t) {
		*l = NULL;
		*r = NULL;
		return;
	}
	if (t->start < key) {
		split(t->right, key, &t->right, r);
		*l = t;
	} else {
		split(t->left, key, l, &t->left);
		*r = t;
	}
	update(t);
}

/* Join two treaps; every start in @l is below every start in @r. */
static node_t *merge(node_t *l, node_t *r)
{
	if (!l)
		return r;
	if (!r)
		return l;
	if (l->prio > r->prio) {
		l->right = merge(l->right, r);
		update(l);
		return l;
	}
	r->left = merge(l, r->left);
	update(r);
	return r;
}

static void insert(node_t **root, node_t *node)
{
	node_t *l, *r;

	split(*root, node->start, &l, &r);
	*root = merge(merge(l, node), r);
}

/* Unlink and return the node starting at @key, or NULL. */
static node_t *erase(node_t **root, uint64_t key)
{
	node_t *l, *m, *r;

	/* key + 1 cannot wrap: a range starting at UINT64_MAX would end past it. */
	split(*root, key, &l, &r);
	split(r, key + 1, &m, &r);
	*root = merge(l, r);
	return m;
}

static node_t *find(node_t *t, uint64_t key)
{
	while (t && t->start != key)
		t = key < t->start ? t->left : t->right;
	return t;
}

/* The node with the largest start not above @key, or NULL. */
static node_t *find_le(node_t *t, uint64_t key)
{
	node_t *best = NULL;

	while (t) {
		if (t->start <= key) {
			best = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	return best;
}

/* The node with the smallest start not below @key, or NULL. */
static node_t *find_ge(node_t *t, uint64_t key)
{
	node_t *best = NULL;

	while (t) {
		if (t->start >= key) {
			best = t;
			t = t->left;
		} else {
			t = t->right;
		}
	}
	return best;
}

/*
 * The lowest free range with room for @size bytes at a multiple of @align;
 * *@va receives that address. Subtrees whose largest range is too small are
 * never entered.
 */
static node_t *find_fit(node_t *t, uint64_t size, uint64_t align, uint64_t *va)
{
	node_t *found;
	uint64_t pad;

	if (!t || t->max_size < size)
		return NULL;

	found = find_fit(t->left, size, align, va);
	if (found)
		return found;

	if (t->size >= size) {
		pad = (align - (t->start & (align - 1))) & (align - 1);
		if (pad <= t->size - size) {
			*va = t->start + pad;
			return t;
		}
	}

	return find_fit(t->right, size, align, va);
}

static void free_tree(node_t *t)
{
	while (t) {
		node_t *right = t->right;

		free_tree(t->left);
		free(t);
		t = right;
	}
}

/* --- the heap ---------------------------------------------------------------- */

int libnova_vaheap_init(struct libnova_vaheap *heap, uint64_t start,
			uint64_t size, uint64_t granule)
{
	*heap = (struct libnova_vaheap){ 0 };

	if (!is_power_of_two(granule) || !size || size > UINT64_MAX - start ||
	    (start & (granule - 1)) || (size & (granule - 1)))
		return -EINVAL;

	heap->start = start;
	heap->size = size;
	heap->granule = granule;
	/* Any non-zero seed will do; a fixed one keeps runs reproducible. */
	heap->seed = 0x9e3779b9u;

	if (reserve_nodes(heap, 1))
		return -ENOMEM;
	heap->free_root = take_node(heap, start, size);
	heap->free_bytes = size;
	heap->free_ranges = 1;
	return 0;
}

void libnova_vaheap_fini(struct libnova_vaheap *heap)
{
	node_t *node;

	free_tree(heap->free_root);
	free_tree(heap->used_root);
	while ((node = heap->spares)) {
		heap->spares = node->left;
		free(node);
	}
	*heap = (struct libnova_vaheap){ 0 };
}

/*
 * Take [@va, @va + @size) out of the free range @n, which contains it, and
 * record it as an allocation. Needs two reserved nodes.
 */
static void carve(struct libnova_vaheap *heap, node_t *n, uint64_t va,
		  uint64_t size)
{
	uint64_t n_start = n->start, n_end = n->start + n->size;
	uint64_t head = va - n_start, tail = n_end - (va + size);

	erase(&heap->free_root, n_start);
	heap->free_ranges--;

	if (head) {
		n->size = head;
		n->left = n->right = NULL;
		update(n);
		insert(&heap->free_root, n);
		heap->free_ranges++;
		n = NULL;
	}
	if (tail) {
		if (n) {
			n->start = va + size;
			n->size = tail;
			n->left = n->right = NULL;
			update(n);
		} else {
			n = take_node(heap, va + size, tail);
		}
		insert(&heap->free_root, n);
		heap->free_ranges++;
		n = NULL;
	}
	if (n)
		put_node(heap, n);

	insert(&heap->used_root, take_node(heap, va, size));
	heap->allocations++;
	heap->free_bytes -= size;
}

int libnova_vaheap_alloc(struct libnova_vaheap *heap, uint64_t size,
			 uint64_t alignment, uint64_t *va)
{
	uint64_t rounded, addr = 0;
	node_t *n;
	int ret;

	if (!size || (alignment && !is_power_of_two(alignment)))
		return -EINVAL;
	if (alignment < heap->granule)
		alignment = heap->granule;
	if (!round_size(heap, size, &rounded) || rounded > heap->free_bytes)
		return -ENOSPC;

	n = find_fit(heap->free_root, rounded, alignment, &addr);
	if (!n)
		return -ENOSPC;

	ret = reserve_nodes(heap, 2);
	if (ret)
		return ret;

	carve(heap, n, addr, rounded);
	*va = addr;
	return 0;
}

int libnova_vaheap_alloc_addr(struct libnova_vaheap *heap, uint64_t va,
			      uint64_t size)
{
	uint64_t rounded;
	node_t *n;
	int ret;

	if (!size || (va & (heap->granule - 1)))
		return -EINVAL;
	if (!round_size(heap, size, &rounded) || va < heap->start ||
	    va - heap->start > heap->size || rounded > heap->size - (va - heap->start))
		return -EINVAL;

	/* The free range that could contain it starts at or below @va. */
	n = find_le(heap->free_root, va);
	if (!n || va - n->start > n->size || rounded > n->size - (va - n->start))
		return -EBUSY;

	ret = reserve_nodes(heap, 2);
	if (ret)
		return ret;

	carve(heap, n, va, rounded);
	return 0;
}

/* The allocation at @va of @size, or NULL with *@err set as free() says. */
static node_t *find_allocation(const struct libnova_vaheap *heap, uint64_t va,
			       uint64_t size, int *err)
{
	uint64_t rounded;
	node_t *u;

	*err = -EINVAL;
	if (!size)
		return NULL;
	u = find(heap->used_root, va);
	if (!u) {
		*err = -ENOENT;
		return NULL;
	}
	if (!round_size(heap, size, &rounded) || rounded != u->size)
		return NULL;
	*err = 0;
	return u;
}

/* Return the allocation @u to the free ranges, coalescing its neighbours. */
static void release(struct libnova_vaheap *heap, node_t *u)
{
	uint64_t start, end;
	node_t *pred, *succ;

	erase(&heap->used_root, u->start);
	heap->allocations--;
	heap->free_bytes += u->size;
	if (u->deferred) {
		u->deferred = false;
		heap->deferred--;
	}

	start = u->start;
	end = u->start + u->size;

	/* Coalesce with the free ranges that end at @start and begin at @end. */
	pred = find_le(heap->free_root, start);
	if (pred && pred->start + pred->size == start) {
		erase(&heap->free_root, pred->start);
		heap->free_ranges--;
		start = pred->start;
		put_node(heap, pred);
	}
	succ = find_ge(heap->free_root, end);
	if (succ && succ->start == end) {
		erase(&heap->free_root, succ->start);
		heap->free_ranges--;
		end = succ->start + succ->size;
		put_node(heap, succ);
	}

	u->start = start;
	u->size = end - start;
	u->left = u->right = NULL;
	update(u);
	insert(&heap->free_root, u);
	heap->free_ranges++;
}

int libnova_vaheap_free(struct libnova_vaheap *heap, uint64_t va, uint64_t size)
{
	node_t *u;
	int err;

	u = find_allocation(heap, va, size, &err);
	if (!u)
		return err;
	/* Its deferred free owns it now: freeing it twice would free a successor. */
	if (u->deferred)
		return -EBUSY;
	release(heap, u);
	return 0;
}

int libnova_vaheap_defer(struct libnova_vaheap *heap, uint64_t va, uint64_t size)
{
	node_t *u;
	int err;

	u = find_allocation(heap, va, size, &err);
	if (!u)
		return err;
	if (u->deferred)
		return -EBUSY;
	u->deferred = true;
	heap->deferred++;
	return 0;
}

int libnova_vaheap_undefer(struct libnova_vaheap *heap, uint64_t va, uint64_t size)
{
	node_t *u;
	int err;

	u = find_allocation(heap, va, size, &err);
	if (!u)
		return err;
	if (!u->deferred)
		return -EINVAL;
	u->deferred = false;
	heap->deferred--;
	return 0;
}

int libnova_vaheap_reclaim(struct libnova_vaheap *heap, uint64_t va, uint64_t size)
{
	node_t *u;
	int err;

	u = find_allocation(heap, va, size, &err);
	if (!u)
		return err;
	if (!u->deferred)
		return -EINVAL;
	release(heap, u);
	return 0;
}

/* --- consistency check --------------------------------------------------------- */

struct check_walk {
	const node_t **nodes;
	uint64_t count;
	uint64_t capacity;
	const char *error;
};

static uint64_t tree_count(const node_t *t)
{
	return t ? 1 + tree_count(t->left) + tree_count(t->right) : 0;
}

/* In-order walk checking the treap and the cached maxima. */
static void check_tree(const node_t *t, struct check_walk *w)
{
	uint64_t max;

	if (!t || w->error)
		return;

	if ((t->left && t->left->prio > t->prio) ||
	    (t->right && t->right->prio > t->prio))
		w->error = "a child has a higher priority than its parent";

	max = t->size;
	if (t->left && t->left->max_size > max)
		max = t->left->max_size;
	if (t->right && t->right->max_size > max)
		max = t->right->max_size;
	if (max != t->max_size)
		w->error = "a cached subtree maximum is stale";

	check_tree(t->left, w);
	if (w->count < w->capacity)
		w->nodes[w->count++] = t;
	check_tree(t->right, w);
}

static const char *collect(const node_t *root, struct check_walk *w)
{
	w->capacity = tree_count(root);
	w->count = 0;
	w->error = NULL;
	w->nodes = malloc((w->capacity ? w->capacity : 1) * sizeof(*w->nodes));
	if (!w->nodes)
		return "out of memory while checking";
	check_tree(root, w);
	return w->error;
}

static const char *check_ranges(const struct libnova_vaheap *heap,
				const struct check_walk *fw,
				const struct check_walk *uw)
{
	uint64_t pos = heap->start, end = heap->start + heap->size;
	uint64_t fi = 0, ui = 0, free_bytes = 0, deferred = 0;
	bool prev_free = false;

	/* Walk both sorted lists together: they must tile the heap exactly. */
	while (fi < fw->count || ui < uw->count) {
		const node_t *f = fi < fw->count ? fw->nodes[fi] : NULL;
		const node_t *u = ui < uw->count ? uw->nodes[ui] : NULL;
		bool is_free = f && (!u || f->start < u->start);
		const node_t *n = is_free ? f : u;

		if (!n->size || (n->start | n->size) & (heap->granule - 1))
			return "a range is empty or not a granule multiple";
		if (n->start != pos)
			return n->start < pos ? "ranges overlap or are out of order" :
						"part of the heap is neither free nor allocated";
		if (n->size > end - pos)
			return "a range extends past the end of the heap";
		if (is_free && prev_free)
			return "two free ranges touch: they were not coalesced";

		if (is_free && n->deferred)
			return "a free range is marked deferred";

		pos += n->size;
		prev_free = is_free;
		if (is_free) {
			free_bytes += n->size;
			fi++;
		} else {
			deferred += n->deferred;
			ui++;
		}
	}

	if (pos != end)
		return "the end of the heap is neither free nor allocated";
	if (free_bytes != heap->free_bytes)
		return "free_bytes does not match the free ranges";
	if (fw->count != heap->free_ranges)
		return "free_ranges does not match the free tree";
	if (uw->count != heap->allocations)
		return "allocations does not match the allocation tree";
	if (deferred != heap->deferred)
		return "deferred does not match the allocations marked deferred";
	return NULL;
}

const char *libnova_vaheap_check(const struct libnova_vaheap *heap)
{
	struct check_walk fw = { 0 }, uw = { 0 };
	const char *error;

	error = collect(heap->free_root, &fw);
	if (!error)
		error = collect(heap->used_root, &uw);
	if (!error)
		error = check_ranges(heap, &fw, &uw);

	free(fw.nodes);
	free(uw.nodes);
	return error;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * nova's VA space next to the kernel's own VA manager, drm_gpuvm: the same
 * operation sequences, in one run, through nova's VM_BIND handler and
 * through drm_gpuvm's split/merge steps with a VA structure of the test's
 * own, at each live set of nova.gpuvm_bench_live (a list; 1024 unless the
 * kernel command line says otherwise, as make bench-gpuvm does).
 *
 * A case is a benchmark and a differential test at once. Its figures (time
 * per operation of each side, the per-round ratio's median and spread, the
 * bytes per live mapping) are "bench:" lines of the log, never assertions;
 * what it asserts is that the two VA managers end every phase with the
 * same mappings: the same ranges with the same object offsets, in order.
 *
 * Layout: slot i is [VA + 8i pages, +4 pages), mapping object pages 0-3.
 * Each step of a round is a pair of operations that leaves the live set as
 * it found it, on a slot a PRNG picks:
 *  - UNMAP the slot, MAP it again;
 *  - MAP pages 1-2 of the slot over it (a split: the slot becomes three
 *    mappings, the outer two keeping their object offsets), then MAP the
 *    whole slot (a replace of those three).
 * nova runs each operation as one synchronous VM_BIND through the logic's
 * handler (the argument checks, the copy of the operation from user
 * memory, the handle lookup, the node allocation, the lock and the commit:
 * everything of the ioctl but DRM's dispatch); drm_gpuvm runs it as one
 * drm_gpuvm_sm_map() or drm_gpuvm_sm_unmap() under the VM's reservation
 * lock, its steps allocating and freeing the VA structures as they go, as
 * a driver that updates its VA space from the callbacks does.
 *
 * drm_gpuvm exists from Linux 6.6 on; where the kernel has none
 * (CONFIG_DRM_GPUVM, which the suite's Kconfig selects where it exists),
 * the cases are skipped.
 */

#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include <kunit/test.h>

#if IS_ENABLED(CONFIG_DRM_GPUVM)
#include <drm/drm_gpuvm.h>
#endif

#include "nova_kunit.h"

#define PAGE		((u64)PAGE_SIZE)
#define VA		((u64)SZ_1M)
#define SLOT_SPAN	(8 * PAGE)
#define SLOT_SIZE	(4 * PAGE)
#define ROUNDS		7
#define STEPS		2048		/* pairs of operations per round */
#define FILL_BATCH	256		/* MAPs per VM_BIND while filling */
#define MAX_LIVE_SETS	4

static unsigned int bench_live[MAX_LIVE_SETS] = { 1024 };
static int bench_live_count = 1;
module_param_array_named(gpuvm_bench_live, bench_live, uint, &bench_live_count, 0444);
MODULE_PARM_DESC(gpuvm_bench_live,
		 "live mappings at which the KUnit suite nova_vm_gpuvm_bench compares nova with drm_gpuvm");

/* One operation of a sequence, as both sides run it. */
struct bench_op {
	bool map;
	u64 va;
	u64 range;
	u64 bo_offset;
};

#if IS_ENABLED(CONFIG_DRM_GPUVM)

/* --- drm_gpuvm's side ------------------------------------------------------ */

/* The driver's VA structure: drm_gpuva and nothing of its own. */
struct bench_va {
	struct drm_gpuva base;
};

struct bench_gpuvm {
	struct drm_gpuvm vm;
	u64 live;
	int alloc_failed;
};

static struct bench_va *bench_va_new(struct bench_gpuvm *g)
{
	struct bench_va *va = kzalloc(sizeof(*va), GFP_KERNEL);

	if (!va)
		g->alloc_failed = -ENOMEM;
	return va;
}

static void bench_vm_free(struct drm_gpuvm *vm)
{
	/* Embedded in the case's context, which KUnit frees. */
}

static int bench_step_map(struct drm_gpuva_op *op, void *priv)
{
	struct bench_gpuvm *g = priv;
	struct bench_va *va = bench_va_new(g);

	if (!va)
		return -ENOMEM;
	drm_gpuva_map(&g->vm, &va->base, &op->map);
	g->live++;
	return 0;
}

static int bench_step_remap(struct drm_gpuva_op *op, void *priv)
{
	struct bench_gpuvm *g = priv;
	struct drm_gpuva *old = op->remap.unmap->va;
	struct bench_va *prev = NULL, *next = NULL;

	if (op->remap.prev) {
		prev = bench_va_new(g);
		if (!prev)
			return -ENOMEM;
	}
	if (op->remap.next) {
		next = bench_va_new(g);
		if (!next) {
			kfree(prev);
			return -ENOMEM;
		}
	}
	drm_gpuva_remap(prev ? &prev->base : NULL, next ? &next->base : NULL, &op->remap);
	g->live += !!prev + !!next - 1;
	kfree(container_of(old, struct bench_va, base));
	return 0;
}

static int bench_step_unmap(struct drm_gpuva_op *op, void *priv)
{
	struct bench_gpuvm *g = priv;
	struct drm_gpuva *va = op->unmap.va;

	drm_gpuva_unmap(&op->unmap);
	g->live--;
	kfree(container_of(va, struct bench_va, base));
	return 0;
}

static const struct drm_gpuvm_ops bench_gpuvm_ops = {
	.vm_free = bench_vm_free,
	.sm_step_map = bench_step_map,
	.sm_step_remap = bench_step_remap,
	.sm_step_unmap = bench_step_unmap,
};

static int gpuvm_run(struct bench_gpuvm *g, const struct bench_op *op)
{
	struct dma_resv *resv = drm_gpuvm_resv(&g->vm);
	int ret;

	dma_resv_lock(resv, NULL);
	if (op->map)
		ret = drm_gpuvm_sm_map(&g->vm, g, op->va, op->range, NULL, op->bo_offset);
	else
		ret = drm_gpuvm_sm_unmap(&g->vm, g, op->va, op->range);
	dma_resv_unlock(resv);
	return ret ?: g->alloc_failed;
}

/* --- nova's side ----------------------------------------------------------- */

struct bench_nova {
	struct nova_kunit_file *file;
	u32 bo;
	/* Operations in the uAPI's layout, in user memory VM_BIND reads. */
	struct drm_nova_vm_bind_op __user *uops;
	u32 uops_len;
};

static int nova_put_ops(struct bench_nova *n, const struct bench_op *ops, u32 count)
{
	u32 i;

	for (i = 0; i < count; i++) {
		struct drm_nova_vm_bind_op uop = {
			.op = ops[i].map ? NOVA_VM_BIND_OP_MAP : NOVA_VM_BIND_OP_UNMAP,
			.handle = ops[i].map ? n->bo : 0,
			.bo_offset = ops[i].bo_offset,
			.va = ops[i].va,
			.range = ops[i].range,
		};

		if (copy_to_user(&n->uops[i], &uop, sizeof(uop)))
			return -EFAULT;
	}
	return 0;
}

/* @count operations written by nova_put_ops(), from the @first, in one call. */
static int nova_bind(struct bench_nova *n, u32 first, u32 count)
{
	struct drm_nova_vm_bind args = {
		.op_count = count,
		.op_stride = sizeof(struct drm_nova_vm_bind_op),
		.ops = (uintptr_t)&n->uops[first],
	};

	return nova_logic_ioctl_vm_bind(nova_kunit_logic_file(n->file), &args);
}

/* --- both ------------------------------------------------------------------ */

struct bench_ctx {
	struct nova_kunit_dev *dev;
	struct bench_nova nova;
	struct bench_gpuvm gpuvm;
	bool gpuvm_live;
	struct bench_op *ops;	/* the round's sequence */
	u32 live;
};

/* nova's mappings walked beside drm_gpuvm's list (both in address order). */
struct compare_ctx {
	struct drm_gpuvm *vm;
	struct drm_gpuva *va;	/* drm_gpuvm's mapping at the same position */
	u64 seen;
	u64 mismatches;
	struct nova_logic_mapping_info first_bad;
};

static struct drm_gpuva *next_va(struct drm_gpuvm *vm, struct drm_gpuva *va)
{
	if (!va || list_is_last(&va->rb.entry, &vm->rb.list))
		return NULL;
	return list_next_entry(va, rb.entry);
}

static void compare_one(void *data, const struct nova_logic_mapping_info *info)
{
	struct compare_ctx *c = data;
	struct drm_gpuva *va = c->va;

	if (!va || va->va.addr != info->va_start || va->va.addr + va->va.range != info->va_end ||
	    va->gem.offset != info->bo_offset) {
		if (!c->mismatches++)
			c->first_bad = *info;
	}
	c->va = next_va(c->vm, va);
	c->seen++;
}

static void expect_same_mappings(struct kunit *test, struct bench_ctx *ctx, const char *when)
{
	struct drm_gpuvm *vm = &ctx->gpuvm.vm;
	struct compare_ctx c = {
		.vm = vm,
		.va = list_first_entry_or_null(&vm->rb.list, struct drm_gpuva, rb.entry),
	};

	nova_logic_file_for_each_mapping(nova_kunit_logic_file(ctx->nova.file), compare_one, &c);
	KUNIT_EXPECT_EQ_MSG(test, c.mismatches, 0ULL,
			    "%s: first mapping that differs: nova [%#llx, %#llx) offset %#llx",
			    when, c.first_bad.va_start, c.first_bad.va_end, c.first_bad.bo_offset);
	KUNIT_EXPECT_EQ_MSG(test, c.seen, ctx->gpuvm.live, "%s: mapping counts differ", when);
	KUNIT_EXPECT_PTR_EQ_MSG(test, c.va, NULL, "%s: drm_gpuvm has more mappings", when);
}

static u64 slot_va(u32 slot)
{
	return VA + (u64)slot * SLOT_SPAN;
}

static void make_round(struct bench_ctx *ctx, u32 live)
{
	struct rnd_state rnd;
	u32 i;

	prandom_seed_state(&rnd, 0x6e6f7661ULL ^ live);
	for (i = 0; i < STEPS; i++) {
		u32 r = prandom_u32_state(&rnd);
		u64 va = slot_va(r % live);
		struct bench_op *pair = &ctx->ops[2 * i];

		if (r & BIT(31))
			pair[0] = (struct bench_op){ .va = va, .range = SLOT_SIZE };
		else
			pair[0] = (struct bench_op){ .map = true, .va = va + PAGE,
						     .range = 2 * PAGE, .bo_offset = PAGE };
		pair[1] = (struct bench_op){ .map = true, .va = va, .range = SLOT_SIZE };
	}
}

static int bench_init(struct kunit *test)
{
	struct nova_logic_device_config config;
	struct bench_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct drm_gem_object *r_obj;
	u32 max_live = 0;
	int i;

	if (!ctx)
		return -ENOMEM;
	for (i = 0; i < bench_live_count; i++)
		max_live = max(max_live, bench_live[i]);
	nova_kunit_config(&config);
	config.va_size = (u64)max_live * SLOT_SPAN;
	config.vm_bind_max_ops = FILL_BATCH;
	/* A split step holds two mappings more than the live set. */
	config.max_mappings = max_live + 2;
	ctx->dev = nova_kunit_dev_create(test, &config);
	ctx->nova.file = nova_kunit_open(test, ctx->dev);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(ctx->nova.file, SLOT_SIZE, &ctx->nova.bo, NULL),
			0);
	ctx->nova.uops_len = max_t(u32, 2 * STEPS, FILL_BATCH);
	ctx->nova.uops = nova_kunit_user_alloc(test, ctx->nova.uops_len *
					       sizeof(struct drm_nova_vm_bind_op));
	KUNIT_ASSERT_NOT_NULL(test, ctx->nova.uops);
	ctx->ops = kunit_kcalloc(test, ctx->nova.uops_len, sizeof(*ctx->ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->ops);

	r_obj = drm_gpuvm_resv_object_alloc(ctx->dev->drm);
	KUNIT_ASSERT_NOT_NULL(test, r_obj);
	drm_gpuvm_init(&ctx->gpuvm.vm, "nova-kunit-bench", 0, ctx->dev->drm, r_obj,
		       VA, config.va_size, 0, 0, &bench_gpuvm_ops);
	/* The VM holds its own reference. */
	drm_gem_object_put(r_obj);
	ctx->gpuvm_live = true;
	test->priv = ctx;
	return 0;
}

static void bench_exit(struct kunit *test)
{
	struct bench_ctx *ctx = test->priv;
	struct bench_op all = { .va = VA };

	if (!ctx || !ctx->gpuvm_live)
		return;
	all.range = ctx->gpuvm.vm.mm_range;
	/* Empty, or drm_gpuvm_put() warns of the VAs it would leak. */
	KUNIT_EXPECT_EQ(test, gpuvm_run(&ctx->gpuvm, &all), 0);
	drm_gpuvm_put(&ctx->gpuvm.vm);
}

/* Maps slots [live, to) on both sides, nova in batches. */
static void fill_to(struct kunit *test, struct bench_ctx *ctx, u32 to)
{
	while (ctx->live < to) {
		u32 count = min_t(u32, to - ctx->live, FILL_BATCH);
		u32 i;

		for (i = 0; i < count; i++) {
			ctx->ops[i] = (struct bench_op){ .map = true, .va = slot_va(ctx->live + i),
							 .range = SLOT_SIZE };
			KUNIT_ASSERT_EQ(test, gpuvm_run(&ctx->gpuvm, &ctx->ops[i]), 0);
		}
		KUNIT_ASSERT_EQ(test, nova_put_ops(&ctx->nova, ctx->ops, count), 0);
		KUNIT_ASSERT_EQ(test, nova_bind(&ctx->nova, 0, count), 0);
		ctx->live += count;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/* Thousandths, for printing ratios without floating point. */
static u64 permille(u64 num, u64 den)
{
	return den ? div64_u64(num * 1000, den) : 0;
}

static void bench_live_set(struct kunit *test, struct bench_ctx *ctx, u32 live)
{
	u64 nova_ns[ROUNDS], gpuvm_ns[ROUNDS], ratio[ROUNDS];
	u32 nops = 2 * STEPS;
	struct nova_logic_device_stats stats;
	int round;
	u64 r;
	u32 i;

	kunit_info(test, "filling both VA spaces to %u mappings\n", live);
	fill_to(test, ctx, live);
	expect_same_mappings(test, ctx, "after filling");
	make_round(ctx, live);
	KUNIT_ASSERT_EQ(test, nova_put_ops(&ctx->nova, ctx->ops, nops), 0);

	/* One untimed round each: caches, and the first allocations. */
	for (round = -1; round < ROUNDS; round++) {
		u64 t0, t1, t2;

		t0 = ktime_get_ns();
		for (i = 0; i < nops; i++)
			KUNIT_ASSERT_EQ(test, nova_bind(&ctx->nova, i, 1), 0);
		t1 = ktime_get_ns();
		for (i = 0; i < nops; i++)
			KUNIT_ASSERT_EQ(test, gpuvm_run(&ctx->gpuvm, &ctx->ops[i]), 0);
		t2 = ktime_get_ns();
		if (round < 0)
			continue;
		nova_ns[round] = t1 - t0;
		gpuvm_ns[round] = t2 - t1;
		ratio[round] = permille(t1 - t0, t2 - t1);
	}
	expect_same_mappings(test, ctx, "after the rounds");

	nova_kunit_dev_stats(ctx->dev, &stats);
	KUNIT_EXPECT_EQ(test, stats.mappings, (u64)live);
	/* Sorted by median(): the lowest and the highest round. */
	r = median(ratio, ROUNDS);
	kunit_info(test,
		   "bench: %u live, %u ops x %d rounds: nova %llu ns/op, drm_gpuvm %llu ns/op, nova/drm_gpuvm %llu.%03llux (rounds %llu.%03llu-%llu.%03llu)\n",
		   live, nops, ROUNDS, div_u64(median(nova_ns, ROUNDS), nops),
		   div_u64(median(gpuvm_ns, ROUNDS), nops), r / 1000, r % 1000,
		   ratio[0] / 1000, ratio[0] % 1000, ratio[ROUNDS - 1] / 1000, ratio[ROUNDS - 1] % 1000);
	kunit_info(test,
		   "bench: %u live: bytes per mapping: nova %llu, drm_gpuvm %zu (struct drm_gpuva: %zu)\n",
		   live, div_u64(stats.mapping_bytes, stats.mappings ?: 1),
		   kmalloc_size_roundup(sizeof(struct bench_va)), sizeof(struct drm_gpuva));
}

/* The live sets in turn, each filling up from the last: they must ascend. */
static void bench_all_live_sets(struct kunit *test)
{
	struct bench_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < bench_live_count; i++) {
		KUNIT_ASSERT_GT_MSG(test, bench_live[i], i ? bench_live[i - 1] : 0,
				    "nova.gpuvm_bench_live must be positive and ascending");
		bench_live_set(test, ctx, bench_live[i]);
	}
}

#else /* !CONFIG_DRM_GPUVM */

static int bench_init(struct kunit *test)
{
	return 0;
}

static void bench_exit(struct kunit *test)
{
}

static void bench_all_live_sets(struct kunit *test)
{
	kunit_skip(test, "this kernel has no drm_gpuvm (CONFIG_DRM_GPUVM)");
}

#endif

static struct kunit_case vm_gpuvm_bench_cases[] = {
	KUNIT_CASE(bench_all_live_sets),
	{}
};

static struct kunit_suite vm_gpuvm_bench_suite = {
	.name = "nova_vm_gpuvm_bench",
	.init = bench_init,
	.exit = bench_exit,
	.test_cases = vm_gpuvm_bench_cases,
};

kunit_test_suite(vm_gpuvm_bench_suite);

// SPDX-License-Identifier: MIT
/*
 * What VM_BIND costs as the VA space fills up.
 *
 * One small object (one VA_ALIGNMENT unit) is mapped at many distinct
 * addresses to build a live set of 1 thousand, 64 thousand and 1 million
 * mappings, with batched calls of VM_BIND_MAX_OPS maps. At each size, MAP +
 * UNMAP pairs are timed in two ways: one operation per call, and batches of
 * maps followed by batches of unmaps (opt.batch pairs per call). The timed
 * addresses lie between the live ones, spread over the whole live range, so
 * each operation lands inside a populated tree rather than at its end.
 *
 * The two ways alternate round by round, so that a drift of the machine
 * touches both alike. With opt.ref_live, a second VA space (another open
 * file of the device) holds a fixed live set, and every round times it
 * right after the measured one, in both ways: the growth with the live set
 * is then a paired ratio, A B A B, rather than two figures taken minutes
 * apart on a machine whose load changes. On uAPI version 5 a third way runs
 * in the same rounds: single operations with NOVA_VM_BIND_ASYNC (raw ioctls,
 * no waits), the round ending when the last one has signalled its timeline
 * point, so the ratio to the single synchronous way is what queueing a bind
 * costs or saves per operation. The kernel memory per mapping comes from debugfs
 * (nova_stats: "mapping_bytes" divided by "mappings"), when it can be read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/ioctl.h>

#include <xf86drm.h>
#include <nova/nova.h>

#include "debugfs.h"
#include "nova_drm.h"
#include "vm_bind.h"

static const uint64_t standard_levels[VM_BENCH_MAX_LEVELS] = { 1000, 64000, 1000000 };

static int fail(const struct vm_bench *b, const char *what, int err)
{
	fprintf(stderr, "%s: %s failed: %s\n", b->prog, what, strerror(-err));
	return err;
}

/* --- building the live set --------------------------------------------------- */

/* The live mappings sit at even units, the timed ones at odd units. */
static uint64_t live_va(const struct vm_bench *b, uint64_t i)
{
	return nova_vm_va_start(b->vm) + 2 * i * b->unit;
}

static int grow_live_set(struct vm_bench *b, struct vm_bench_level *lv)
{
	uint32_t max_ops = nova_vm_max_ops(b->vm);
	double start = bench_now_ns(), last = start, t;
	uint64_t target = lv->live, first = b->live;
	struct nova_vm_bind_batch *batch;
	int ret;

	fprintf(stderr, "%s: building %" PRIu64 " live mappings (%" PRIu32
		" maps per call)...\n", b->prog, target, max_ops);
	while (b->live < target) {
		uint64_t n = target - b->live, i;

		if (n > max_ops)
			n = max_ops;
		ret = nova_vm_bind_begin(b->vm, &batch);
		if (ret)
			return fail(b, "nova_vm_bind_begin()", ret);
		for (i = 0; i < n; i++)
			nova_vm_bind_add_map(batch, b->bo, 0, live_va(b, b->live + i), b->unit, 0);
		ret = nova_vm_bind_submit(batch);	/* reports a failed add too */
		if (ret) {
			fprintf(stderr, "%s: mapping live set entries %" PRIu64 "-%" PRIu64
				" failed: %s\n", b->prog, b->live, b->live + n - 1, strerror(-ret));
			return ret;
		}
		b->live += n;

		t = bench_now_ns();
		if (t - last >= 1e9 || b->live == target) {
			fprintf(stderr, "%s:   %" PRIu64 " / %" PRIu64 " mappings (%.0f%%), %.1f s\n",
				b->prog, b->live, target, 100.0 * (double)b->live / (double)target,
				(t - start) / 1e9);
			last = t;
		}
	}

	lv->build_seconds = (bench_now_ns() - start) / 1e9;
	lv->build_ns_per_map = b->live > first ?
		lv->build_seconds * 1e9 / (double)(b->live - first) : 0;
	lv->have_kernel_bytes = !bench_read_stat(b->debugfs, "mappings", &lv->kernel_mappings) &&
				!bench_read_stat(b->debugfs, "mapping_bytes",
						 &lv->kernel_mapping_bytes) &&
				lv->kernel_mappings;
	return 0;
}

/* --- timing ------------------------------------------------------------------- */

/* The @j-th timed address of a level: odd units spread over the live range. */
static uint64_t timed_va(const struct vm_bench *b, uint64_t j, uint64_t slots)
{
	uint64_t spot = j * b->live / slots;

	return nova_vm_va_start(b->vm) + (2 * spot + 1) * b->unit;
}

/* One round of single-operation calls; ns per operation, or < 0. */
static double round_single(struct vm_bench *b)
{
	unsigned int pairs = b->opt.pairs, slots = b->opt.batch, j;
	double start;
	int ret;

	start = bench_now_ns();
	for (j = 0; j < pairs; j++) {
		uint64_t va = timed_va(b, j % slots, slots);

		ret = nova_vm_map(b->vm, b->bo, 0, va, b->unit, 0);
		if (!ret)
			ret = nova_vm_unmap(b->vm, va, b->unit);
		if (ret) {
			fail(b, "a single MAP or UNMAP", ret);
			return -1;
		}
	}
	return (bench_now_ns() - start) / (2.0 * pairs);
}

/* One asynchronous call of one operation; the last of a round signals. */
static int async_one(struct vm_bench *b, uint64_t va, bool map, bool signal)
{
	struct drm_nova_vm_bind_op op = {
		.op = map ? NOVA_VM_BIND_OP_MAP : NOVA_VM_BIND_OP_UNMAP,
		.handle = map ? nova_bo_handle(b->bo) : 0,
		.va = va,
		.range = b->unit,
	};
	struct drm_nova_sync s = {
		.handle = b->timeline,
		.flags = NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE,
		.point = b->point + 1,
	};
	struct drm_nova_vm_bind args = {
		.flags = NOVA_VM_BIND_ASYNC,
		.op_count = 1,
		.op_stride = sizeof(op),
		.ops = (uintptr_t)&op,
		.sync_count = signal ? 1 : 0,
		.sync_stride = sizeof(s),
		.syncs = (uintptr_t)&s,
	};

	if (ioctl(b->fd, DRM_IOCTL_NOVA_VM_BIND, &args))
		return -errno;
	if (signal)
		b->point++;
	return 0;
}

/* One round of asynchronous single-operation calls, to the last signalled. */
static double round_async(struct vm_bench *b)
{
	unsigned int pairs = b->opt.pairs, slots = b->opt.batch, j;
	double start;
	int ret = 0;

	start = bench_now_ns();
	for (j = 0; j < pairs && !ret; j++) {
		uint64_t va = timed_va(b, j % slots, slots);

		ret = async_one(b, va, true, false);
		if (!ret)
			ret = async_one(b, va, false, j == pairs - 1);
	}
	if (!ret && drmSyncobjTimelineWait(b->fd, &b->timeline, &b->point, 1, INT64_MAX, 0, NULL))
		ret = -errno;
	if (ret) {
		fail(b, "an asynchronous MAP or UNMAP", ret);
		return -1;
	}
	return (bench_now_ns() - start) / (2.0 * pairs);
}

static int submit_batch(struct vm_bench *b, unsigned int n, bool map)
{
	struct nova_vm_bind_batch *batch;
	unsigned int j;
	int ret;

	ret = nova_vm_bind_begin(b->vm, &batch);
	if (ret)
		return ret;
	for (j = 0; j < n; j++) {
		uint64_t va = timed_va(b, j, n);

		if (map)
			nova_vm_bind_add_map(batch, b->bo, 0, va, b->unit, 0);
		else
			nova_vm_bind_add_unmap(batch, va, b->unit);
	}
	return nova_vm_bind_submit(batch);
}

/* One round of batched calls: @batch maps, then @batch unmaps, per step. */
static double round_batched(struct vm_bench *b, unsigned int batch)
{
	unsigned int done = 0, n;
	double start;
	int ret;

	start = bench_now_ns();
	while (done < b->opt.pairs) {
		n = b->opt.pairs - done < batch ? b->opt.pairs - done : batch;
		ret = submit_batch(b, n, true);
		if (!ret)
			ret = submit_batch(b, n, false);
		if (ret) {
			fail(b, "a batched MAP or UNMAP call", ret);
			return -1;
		}
		done += n;
	}
	return (bench_now_ns() - start) / (2.0 * b->opt.pairs);
}

static int measure(struct vm_bench *b, struct vm_bench_level *lv)
{
	unsigned int r, batch = b->opt.batch;
	uint32_t max_ops = nova_vm_max_ops(b->vm);

	if (batch > max_ops)
		batch = max_ops;
	if (batch > b->opt.pairs)	/* a call never carries more than a round has */
		batch = b->opt.pairs;
	lv->batch_ops = batch;
	if (bench_stats_init(&lv->single, b->opt.rounds) ||
	    bench_stats_init(&lv->batched, b->opt.rounds))
		return fail(b, "allocating the results", -ENOMEM);
	if (b->timeline && bench_stats_init(&lv->async_single, b->opt.rounds))
		return fail(b, "allocating the results", -ENOMEM);
	if (b->ref && (bench_stats_init(&lv->ref_single, b->opt.rounds) ||
		       bench_stats_init(&lv->ref_batched, b->opt.rounds)))
		return fail(b, "allocating the results", -ENOMEM);

	fprintf(stderr, "%s: timing %u rounds of %u MAP+UNMAP pairs with %" PRIu64
		" live mappings...\n", b->prog, b->opt.rounds, b->opt.pairs, lv->live);
	/* Alternate the ways and the spaces, so that drifts touch all alike. */
	for (r = 0; r < b->opt.rounds; r++) {
		lv->single.rounds[r] = round_single(b);
		if (lv->single.rounds[r] < 0)
			return -EIO;
		if (b->ref) {
			lv->ref_single.rounds[r] = round_single(b->ref);
			if (lv->ref_single.rounds[r] < 0)
				return -EIO;
		}
		if (b->timeline) {
			lv->async_single.rounds[r] = round_async(b);
			if (lv->async_single.rounds[r] < 0)
				return -EIO;
		}
		lv->batched.rounds[r] = round_batched(b, batch);
		if (lv->batched.rounds[r] < 0)
			return -EIO;
		if (b->ref) {
			lv->ref_batched.rounds[r] = round_batched(b->ref, batch);
			if (lv->ref_batched.rounds[r] < 0)
				return -EIO;
		}
	}
	bench_stats_summarize(&lv->single);
	bench_stats_summarize(&lv->batched);
	if (b->timeline)
		bench_stats_summarize(&lv->async_single);
	if (b->ref) {
		bench_stats_summarize(&lv->ref_single);
		bench_stats_summarize(&lv->ref_batched);
	}
	return 0;
}

/* --- the whole run ------------------------------------------------------------ */

void vm_bench_plan(struct vm_bench *b)
{
	unsigned int i;

	b->nlevels = 0;
	for (i = 0; i < VM_BENCH_MAX_LEVELS; i++) {
		uint64_t live = standard_levels[i];

		if (live > b->opt.max_live)
			live = b->opt.max_live;
		if (b->nlevels && b->levels[b->nlevels - 1].live == live)
			break;
		b->levels[b->nlevels++].live = live;
	}
}

/* The reference space: its own file of the same device, its live set built. */
static int open_reference(struct vm_bench *b)
{
	struct vm_bench *ref = calloc(1, sizeof(*ref));
	const char *path = nova_device_node_path(b->dev);
	int ret;

	if (!ref)
		return fail(b, "allocating the reference space", -ENOMEM);
	b->ref = ref;
	ref->prog = b->prog;
	ref->opt = b->opt;
	ref->opt.ref_live = 0;
	ret = path ? nova_device_open_path(path, &ref->dev) : -ENODEV;
	if (ret)
		return fail(b, "opening the device again for the reference space", ret);
	ret = nova_device_get_vm(ref->dev, &ref->vm);
	if (ret)
		return fail(b, "the reference space's nova_device_get_vm()", ret);
	ref->unit = nova_vm_va_alignment(ref->vm);
	ret = nova_bo_create(ref->dev, ref->unit, &ref->bo);
	if (ret)
		return fail(b, "creating the reference space's object", ret);
	ref->levels[0].live = b->opt.ref_live;
	ref->nlevels = 1;
	fprintf(stderr, "%s: reference VA space (a second open file):\n", b->prog);
	return grow_live_set(ref, &ref->levels[0]);
}

static void close_reference(struct vm_bench *b)
{
	struct vm_bench *ref = b->ref;

	if (!ref)
		return;
	if (ref->bo) {
		if (nova_vm_unmap(ref->vm, nova_vm_va_start(ref->vm), nova_vm_va_size(ref->vm)))
			fprintf(stderr, "%s: unmapping the reference space failed; closing will\n",
				b->prog);
		nova_bo_destroy(ref->bo);
	}
	if (ref->dev)
		nova_device_close(ref->dev);
	free(ref);
	b->ref = NULL;
}

int vm_bench_run(struct vm_bench *b)
{
	uint64_t highest = b->levels[b->nlevels - 1].live;
	unsigned int i;
	int ret;

	ret = nova_device_get_vm(b->dev, &b->vm);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "%s: the nova driver has no VM_BIND (uAPI version %" PRIu64
			", VM_BIND needs 2)\n", b->prog, nova_device_uapi_version(b->dev));
		b->nlevels = 0;
		return ret;
	}
	if (ret) {
		b->nlevels = 0;
		return fail(b, "nova_device_get_vm()", ret);
	}

	b->unit = nova_vm_va_alignment(b->vm);
	/* Live and timed mappings take two units per live mapping. */
	if (highest > nova_vm_va_size(b->vm) / b->unit / 2) {
		fprintf(stderr, "%s: %" PRIu64 " live mappings do not fit the VA range\n",
			b->prog, highest);
		b->nlevels = 0;
		return -ENOSPC;
	}

	ret = nova_bo_create(b->dev, b->unit, &b->bo);
	if (ret) {
		b->nlevels = 0;
		return fail(b, "creating the object", ret);
	}
	bench_find_debugfs(b->dev, b->debugfs, sizeof(b->debugfs));
	if (!b->debugfs[0])
		fprintf(stderr, "%s: no nova_stats in " BENCH_DEBUGFS_DRI " (debugfs needs root): "
			"no kernel memory figures\n", b->prog);

	/* The asynchronous way needs uAPI 5 and a timeline of its own. */
	b->fd = nova_device_fd(b->dev);
	b->timeline = 0;
	b->point = 0;
	if (nova_device_uapi_version(b->dev) >= 5 && drmSyncobjCreate(b->fd, 0, &b->timeline)) {
		fail(b, "creating the asynchronous rounds' syncobj", -errno);
		b->timeline = 0;
	}

	ret = b->opt.ref_live ? open_reference(b) : 0;
	for (i = 0; i < b->nlevels && !ret; i++) {
		ret = grow_live_set(b, &b->levels[i]);
		if (!ret)
			ret = measure(b, &b->levels[i]);
		if (ret) {
			b->nlevels = i;		/* report what was measured */
			break;
		}
	}

	if (ret && !i)
		b->nlevels = 0;
	close_reference(b);
	fprintf(stderr, "%s: releasing %" PRIu64 " mappings...\n", b->prog, b->live);
	if (!ret && nova_vm_unmap(b->vm, nova_vm_va_start(b->vm), nova_vm_va_size(b->vm)))
		fprintf(stderr, "%s: unmapping everything failed; closing will\n", b->prog);
	b->live = 0;
	if (b->timeline)
		drmSyncobjDestroy(b->fd, b->timeline);
	b->timeline = 0;
	nova_bo_destroy(b->bo);
	b->bo = NULL;
	return ret;
}

void vm_bench_fini(struct vm_bench *b)
{
	unsigned int i;

	for (i = 0; i < VM_BENCH_MAX_LEVELS; i++) {
		bench_stats_free(&b->levels[i].single);
		bench_stats_free(&b->levels[i].batched);
		bench_stats_free(&b->levels[i].async_single);
		bench_stats_free(&b->levels[i].ref_single);
		bench_stats_free(&b->levels[i].ref_batched);
	}
}

double vm_bench_bytes_per_mapping(const struct vm_bench_level *lv)
{
	return (double)lv->kernel_mapping_bytes / (double)lv->kernel_mappings;
}

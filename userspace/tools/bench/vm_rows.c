// SPDX-License-Identifier: MIT
/*
 * VM_BIND rows: the measurement of nova-bench --vm-scaling (vm_bind.c), shown as
 * ratios against a 1 thousand mapping VA space. No other driver has the
 * same VM_BIND to compare with, so the question these rows answer is how
 * the cost grows with the VA space: a 1 million mapping row at 1.0x would
 * mean no growth at all.
 *
 * The reference is a second VA space (a second open file of the device)
 * with 1 thousand live mappings, timed in every round right after the
 * measured space, so every ratio is paired. The 1k row against it is the
 * group's A/A check; the batched 1k row against the single 1k row of the
 * same rounds shows what batching saves, and the asynchronous single rows
 * against the synchronous single rows of the same rounds what queueing a
 * bind on the bind queue costs (uAPI version 5).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <nova/nova.h>

#include "rows.h"

#define REFERENCE_LIVE	1000u

static void live_name(uint64_t live, char *buf, size_t len)
{
	if (live >= 1000000 && live % 1000000 == 0)
		snprintf(buf, len, "%" PRIu64 "M", live / 1000000);
	else if (live >= 1000 && live % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 "k", live / 1000);
	else
		snprintf(buf, len, "%" PRIu64, live);
}

/* A row of copies; paired when @ref was timed in the same rounds as @value. */
static int add_row(struct bench_ctx *c, const char *name, const char *unit, uint64_t ops,
		   const struct bench_stats *value, const char *reference,
		   const struct bench_stats *ref, bool paired)
{
	struct bench_row *row = bench_report_add(c->report, "vm");

	if (!row)
		return -ENOSPC;
	snprintf(row->name, sizeof(row->name), "%s", name);
	row->unit = unit;
	row->ops = ops;
	if (bench_stats_copy(&row->value, value))
		return -ENOMEM;
	if (!ref)
		return 0;
	snprintf(row->reference, sizeof(row->reference), "%s", reference);
	if (bench_stats_copy(&row->ref, ref))
		return -ENOMEM;
	return paired ? bench_row_pair(row) : 0;
}

/* A figure measured once (kernel bytes): one "round". */
static int single_value(struct bench_stats *s, double v)
{
	if (bench_stats_init(s, 1))
		return -ENOMEM;
	s->rounds[0] = s->median = s->min = s->max = v;
	return 0;
}

static int timing_rows(struct bench_ctx *c, const struct vm_bench *b)
{
	char name[64], ref[64], live[24], ref_live[24];
	unsigned int i;
	int ret = 0;

	live_name(b->opt.ref_live, ref_live, sizeof(ref_live));
	for (i = 0; i < b->nlevels && !ret; i++) {
		const struct vm_bench_level *lv = &b->levels[i];
		uint64_t ops = 2ull * b->opt.pairs;

		live_name(lv->live, live, sizeof(live));
		snprintf(name, sizeof(name), "MAP+UNMAP single, %s live", live);
		snprintf(ref, sizeof(ref), "same, %s live (2nd VA space)", ref_live);
		ret = add_row(c, name, "ns/op", ops, &lv->single, ref, &lv->ref_single, true);
	}
	/* Queueing instead of applying: the same space, the same rounds. */
	for (i = 0; i < b->nlevels && !ret; i++) {
		const struct vm_bench_level *lv = &b->levels[i];
		uint64_t ops = 2ull * b->opt.pairs;

		if (!lv->async_single.count)
			continue;
		live_name(lv->live, live, sizeof(live));
		snprintf(name, sizeof(name), "MAP+UNMAP async single, %s live", live);
		snprintf(ref, sizeof(ref), "MAP+UNMAP single, %s live", live);
		ret = add_row(c, name, "ns/op", ops, &lv->async_single, ref, &lv->single, true);
	}
	for (i = 0; i < b->nlevels && !ret; i++) {
		const struct vm_bench_level *lv = &b->levels[i];
		uint64_t ops = 2ull * b->opt.pairs;

		live_name(lv->live, live, sizeof(live));
		snprintf(name, sizeof(name), "MAP+UNMAP batched x%u, %s live", lv->batch_ops, live);
		snprintf(ref, sizeof(ref), "same, %s live (2nd VA space)", ref_live);
		ret = add_row(c, name, "ns/op", ops, &lv->batched, ref, &lv->ref_batched, true);
		if (ret || i)
			continue;
		/* What batching saves: the same rounds, the same space. */
		snprintf(ref, sizeof(ref), "MAP+UNMAP single, %s live", live);
		ret = add_row(c, name, "ns/op", ops, &lv->batched, ref, &lv->single, true);
	}
	return ret;
}

static int memory_rows(struct bench_ctx *c, const struct vm_bench *b)
{
	struct bench_stats bytes[VM_BENCH_MAX_LEVELS] = { 0 };
	char name[64], ref[64], live[24], base_live[24];
	unsigned int i;
	int ret = 0;

	live_name(b->levels[0].live, base_live, sizeof(base_live));
	for (i = 0; i < b->nlevels && !ret; i++) {
		const struct vm_bench_level *lv = &b->levels[i];

		if (!lv->have_kernel_bytes) {
			bench_report_skip(c->report, "vm", "kernel bytes per mapping: no nova_stats "
					  "in debugfs (needs root and debugfs)");
			break;
		}
		ret = single_value(&bytes[i], vm_bench_bytes_per_mapping(lv));
		if (ret)
			break;
		live_name(lv->live, live, sizeof(live));
		snprintf(name, sizeof(name), "kernel bytes per mapping, %s live", live);
		snprintf(ref, sizeof(ref), "same, %s live", base_live);
		/* The device's counters also hold the reference space's mappings. */
		ret = add_row(c, name, "bytes", lv->live, &bytes[i], ref, i ? &bytes[0] : NULL,
			      false);
	}
	for (i = 0; i < VM_BENCH_MAX_LEVELS; i++)
		bench_stats_free(&bytes[i]);
	return ret;
}

int bench_vm_rows(struct bench_ctx *c)
{
	struct vm_bench b = { .prog = c->prog, .opt = c->vm, .dev = c->dev };
	int ret, err;

	b.opt.rounds = c->rounds;
	b.opt.ref_live = REFERENCE_LIVE;
	vm_bench_plan(&b);
	err = vm_bench_run(&b);
	if (!b.nlevels) {
		bench_report_skip(c->report, "vm", "VM_BIND could not be measured (%s)",
				  err == -EOPNOTSUPP ? "no VM_BIND in this driver" : "see stderr");
		vm_bench_fini(&b);
		return err == -EOPNOTSUPP ? 0 : err;
	}
	if (b.nlevels && !b.levels[0].async_single.count)
		bench_report_skip(c->report, "vm", "asynchronous VM_BIND: uAPI version %llu "
				  "(needs 5)", (unsigned long long)nova_device_uapi_version(c->dev));
	ret = timing_rows(c, &b);
	if (!ret)
		ret = memory_rows(c, &b);
	vm_bench_fini(&b);
	return ret ? ret : err;
}

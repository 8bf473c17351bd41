// SPDX-License-Identifier: MIT
/*
 * VM_BIND rows: the measurement of nova-vm-bench (vm_bind.c), shown as
 * ratios against the smallest live set. There is no other driver with the
 * same VM_BIND to compare with, so the question these rows answer is how
 * the cost grows with the VA space: a 1 million mapping row at 1.0x the 1
 * thousand row would mean no growth at all. The batched 1k row takes the
 * single 1k row as reference, which shows what batching saves.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "rows.h"

static void live_name(uint64_t live, char *buf, size_t len)
{
	if (live >= 1000000 && live % 1000000 == 0)
		snprintf(buf, len, "%" PRIu64 "M", live / 1000000);
	else if (live >= 1000 && live % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 "k", live / 1000);
	else
		snprintf(buf, len, "%" PRIu64, live);
}

static int add_row(struct bench_ctx *c, const char *name, const char *unit, uint64_t ops,
		   const struct bench_stats *value, const char *reference,
		   const struct bench_stats *ref)
{
	struct bench_row *row = bench_report_add(c->report, "vm");

	if (!row)
		return -ENOSPC;
	snprintf(row->name, sizeof(row->name), "%s", name);
	row->unit = unit;
	row->ops = ops;
	if (bench_stats_copy(&row->value, value))
		return -ENOMEM;
	if (ref) {
		snprintf(row->reference, sizeof(row->reference), "%s", reference);
		if (bench_stats_copy(&row->ref, ref))
			return -ENOMEM;
	}
	return 0;
}

/* A figure measured once (kernel bytes): one "round". */
static int single_value(struct bench_stats *s, double v)
{
	if (bench_stats_init(s, 1))
		return -ENOMEM;
	s->rounds[0] = s->median = s->min = s->max = v;
	return 0;
}

int bench_vm_rows(struct bench_ctx *c)
{
	struct vm_bench b = { .prog = c->prog, .opt = c->vm, .dev = c->dev };
	struct bench_stats bytes[VM_BENCH_MAX_LEVELS] = { 0 };
	const struct vm_bench_level *base = &b.levels[0];
	char name[64], ref[64], live[24], base_live[24];
	unsigned int i;
	int ret, err;

	b.opt.rounds = c->rounds;
	vm_bench_plan(&b);
	err = vm_bench_run(&b);
	if (!b.nlevels) {
		bench_report_skip(c->report, "vm", "VM_BIND could not be measured (%s)",
				  err == -EOPNOTSUPP ? "no VM_BIND in this driver" : "see stderr");
		vm_bench_fini(&b);
		return err == -EOPNOTSUPP ? 0 : err;
	}

	live_name(base->live, base_live, sizeof(base_live));
	ret = 0;
	for (i = 0; i < b.nlevels && !ret; i++) {
		const struct vm_bench_level *lv = &b.levels[i];
		uint64_t ops = 2ull * b.opt.pairs;

		live_name(lv->live, live, sizeof(live));
		snprintf(name, sizeof(name), "MAP+UNMAP single, %s live", live);
		snprintf(ref, sizeof(ref), "same, %s live", base_live);
		ret = add_row(c, name, "ns/op", ops, &lv->single, ref, i ? &base->single : NULL);
		if (ret)
			break;
		snprintf(name, sizeof(name), "MAP+UNMAP batched x%u, %s live", lv->batch_ops, live);
		if (i)
			snprintf(ref, sizeof(ref), "same, %s live", base_live);
		else
			snprintf(ref, sizeof(ref), "MAP+UNMAP single, %s live", base_live);
		ret = add_row(c, name, "ns/op", ops, &lv->batched, ref,
			      i ? &base->batched : &base->single);
	}
	for (i = 0; i < b.nlevels && !ret; i++) {
		const struct vm_bench_level *lv = &b.levels[i];

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
		ret = add_row(c, name, "bytes", lv->kernel_mappings, &bytes[i], ref,
			      i ? &bytes[0] : NULL);
	}
	for (i = 0; i < VM_BENCH_MAX_LEVELS; i++)
		bench_stats_free(&bytes[i]);
	vm_bench_fini(&b);
	return ret ? ret : err;
}

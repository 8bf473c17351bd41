// SPDX-License-Identifier: MIT
/*
 * nova-bench --vm-scaling: what VM_BIND costs as the VA space fills up.
 *
 * The measurement lives in vm_bind.c (nova-bench's vm rows show the same
 * figures next to a reference VA space); this mode runs it alone, with the
 * finer options and the build and kernel memory columns.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include <nova/nova.h>

#include "../cli.h"
#include "modes.h"
#include "vm_bind.h"

static void print_table(const struct vm_bench *b)
{
	unsigned int i;

	printf("nova-bench --vm-scaling: %s, VA alignment %" PRIu64 ", VM_BIND_MAX_OPS %" PRIu32 "\n",
	       nova_device_node_path(b->dev) ? nova_device_node_path(b->dev) : "nova device",
	       b->unit, nova_vm_max_ops(b->vm));
	printf("%u rounds of %u MAP+UNMAP pairs; ns per operation (a MAP or an UNMAP)\n\n",
	       b->opt.rounds, b->opt.pairs);
	printf("%10s  %-8s %8s %12s %12s %12s %8s\n", "live", "calls", "ops/call",
	       "median ns", "min ns", "max ns", "spread");

	for (i = 0; i < b->nlevels; i++) {
		const struct vm_bench_level *lv = &b->levels[i];

		printf("%10" PRIu64 "  %-8s %8u %12.0f %12.0f %12.0f %7.1f%%\n", lv->live,
		       "single", 1u, lv->single.median, lv->single.min, lv->single.max,
		       bench_stats_spread(&lv->single));
		if (lv->async_single.count)
			printf("%10s  %-8s %8u %12.0f %12.0f %12.0f %7.1f%%\n", "", "async",
			       1u, lv->async_single.median, lv->async_single.min,
			       lv->async_single.max, bench_stats_spread(&lv->async_single));
		printf("%10s  %-8s %8u %12.0f %12.0f %12.0f %7.1f%%\n", "", "batched",
		       lv->batch_ops, lv->batched.median, lv->batched.min, lv->batched.max,
		       bench_stats_spread(&lv->batched));
	}

	printf("\n%10s  %14s %16s %18s\n", "live", "build ns/map", "kernel mappings",
	       "kernel bytes/map");
	for (i = 0; i < b->nlevels; i++) {
		const struct vm_bench_level *lv = &b->levels[i];

		if (lv->have_kernel_bytes)
			printf("%10" PRIu64 "  %14.0f %16" PRIu64 " %18.1f\n", lv->live,
			       lv->build_ns_per_map, lv->kernel_mappings,
			       vm_bench_bytes_per_mapping(lv));
		else
			printf("%10" PRIu64 "  %14.0f %16s %18s\n", lv->live,
			       lv->build_ns_per_map, "n/a", "n/a (no debugfs)");
	}
}

static void print_stats_json(const char *name, const struct bench_stats *s,
			     unsigned int ops_per_call, unsigned int rounds, bool last)
{
	unsigned int r;

	printf("        \"%s\": {\n          \"ops_per_call\": %u,\n"
	       "          \"median_ns_per_op\": %.1f,\n          \"min_ns_per_op\": %.1f,\n"
	       "          \"max_ns_per_op\": %.1f,\n          \"spread_percent\": %.1f,\n"
	       "          \"rounds_ns_per_op\": [", name, ops_per_call, s->median, s->min,
	       s->max, bench_stats_spread(s));
	for (r = 0; r < rounds; r++)
		printf("%s%.1f", r ? ", " : "", s->rounds[r]);
	printf("]\n        }%s\n", last ? "" : ",");
}

static void print_json(const struct vm_bench *b)
{
	const char *path = nova_device_node_path(b->dev);
	unsigned int i;

	printf("{\n  \"device\": ");
	if (path)
		cli_print_json_string(path);
	else
		printf("null");
	printf(",\n  \"va_alignment\": %" PRIu64 ",\n  \"vm_bind_max_ops\": %" PRIu32
	       ",\n  \"rounds\": %u,\n  \"pairs_per_round\": %u,\n  \"levels\": [",
	       b->unit, nova_vm_max_ops(b->vm), b->opt.rounds, b->opt.pairs);

	for (i = 0; i < b->nlevels; i++) {
		const struct vm_bench_level *lv = &b->levels[i];

		printf("%s\n    {\n      \"live\": %" PRIu64 ",\n      \"build_seconds\": %.3f,\n"
		       "      \"build_ns_per_map\": %.1f,\n", i ? "," : "", lv->live,
		       lv->build_seconds, lv->build_ns_per_map);
		if (lv->have_kernel_bytes)
			printf("      \"kernel_mappings\": %" PRIu64 ",\n      \"kernel_mapping_bytes\": %"
			       PRIu64 ",\n      \"kernel_bytes_per_mapping\": %.1f,\n",
			       lv->kernel_mappings, lv->kernel_mapping_bytes,
			       vm_bench_bytes_per_mapping(lv));
		else
			printf("      \"kernel_mappings\": null,\n      \"kernel_mapping_bytes\": null,\n"
			       "      \"kernel_bytes_per_mapping\": null,\n");
		printf("      \"results\": {\n");
		print_stats_json("single", &lv->single, 1, b->opt.rounds, false);
		if (lv->async_single.count)	/* uAPI 5 */
			print_stats_json("async_single", &lv->async_single, 1, b->opt.rounds,
					 false);
		print_stats_json("batched", &lv->batched, lv->batch_ops, b->opt.rounds, true);
		printf("      }\n    }");
	}
	printf("\n  ]\n}\n");
}

int bench_scaling_main(const char *prog, const struct vm_bench_options *opt, bool json)
{
	struct vm_bench b = { .prog = prog, .opt = *opt };
	int ret;

	vm_bench_plan(&b);
	if (cli_open_nova(prog, &b.dev))
		return 1;

	ret = vm_bench_run(&b);
	if (b.nlevels) {
		if (json)
			print_json(&b);
		else
			print_table(&b);
	}

	nova_device_close(b.dev);
	vm_bench_fini(&b);
	return ret ? 1 : 0;
}

// SPDX-License-Identifier: MIT
/*
 * nova-vm-bench - what VM_BIND costs as the VA space fills up.
 *
 * The measurement lives in bench/vm_bind.c (nova-bench shows the same rows
 * next to its other figures); this tool runs it alone, with the finer
 * options and the build and kernel memory columns.
 *
 * Progress goes to stderr, the table (or the JSON) to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nova/nova.h>

#include "bench/cli.h"
#include "bench/debugfs.h"
#include "bench/vm_bind.h"

#define DEFAULT_MAX_LIVE	1000000u
#define DEFAULT_ROUNDS		7u
#define DEFAULT_PAIRS		1024u
#define DEFAULT_BATCH		256u

static const char *prog;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [--max-live N] [--rounds N] [--pairs N] [--batch N] [--json] [--help]\n"
		"\n"
		"Time VM_BIND MAP+UNMAP on the first nova device with 1 thousand,\n"
		"64 thousand and 1 million live mappings, one operation per call and\n"
		"in batches, and show the kernel memory each mapping takes.\n"
		"\n"
		"  --max-live N  cap the live mappings (default %u): larger sizes are\n"
		"                replaced by N; k and M suffixes mean 1000 and 1000000\n"
		"  --rounds N    timed rounds per measurement (default %u)\n"
		"  --pairs N     MAP+UNMAP pairs per round (default %u)\n"
		"  --batch N     batched mode: one call maps N addresses, the next one\n"
		"                unmaps them (default %u, at most VM_BIND_MAX_OPS)\n"
		"  --json        print one JSON object instead of the table\n"
		"  --help        show this help\n"
		"\n"
		"The kernel memory per mapping needs debugfs (nova_stats), which needs\n"
		"root; NOVA_DEBUGFS_DIR may name the device's debugfs directory when\n"
		"it cannot be found under " BENCH_DEBUGFS_DRI ". Progress lines go to stderr.\n"
		"\n"
		"Exit status: 0 when every measurement was made, 1 otherwise, 2 on a\n"
		"usage error.\n",
		prog, DEFAULT_MAX_LIVE, DEFAULT_ROUNDS, DEFAULT_PAIRS, DEFAULT_BATCH);
}

/* --- output ---------------------------------------------------------------- */

static void print_table(const struct vm_bench *b)
{
	unsigned int i;

	printf("nova-vm-bench: %s, VA alignment %" PRIu64 ", VM_BIND_MAX_OPS %" PRIu32 "\n",
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
		printf("\"%s\"", path);	/* a /dev path: nothing to escape */
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
		print_stats_json("batched", &lv->batched, lv->batch_ops, b->opt.rounds, true);
		printf("      }\n    }");
	}
	printf("\n  ]\n}\n");
}

/* --- main -------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "max-live", required_argument, NULL, 'm' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vm_bench b = {
		.opt = {
			.max_live = DEFAULT_MAX_LIVE,
			.rounds = DEFAULT_ROUNDS,
			.pairs = DEFAULT_PAIRS,
			.batch = DEFAULT_BATCH,
		},
	};
	bool json = false;
	uint64_t value;
	int opt, ret;

	prog = argv[0];
	b.prog = prog;
	while ((opt = getopt_long(argc, argv, "m:r:p:b:jh", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (bench_parse_count(optarg, UINT64_MAX / 4, &b.opt.max_live))
				goto bad_value;
			break;
		case 'r':
		case 'p':
		case 'b':
			if (bench_parse_count(optarg, 1u << 24, &value))
				goto bad_value;
			if (opt == 'r')
				b.opt.rounds = (unsigned int)value;
			else if (opt == 'p')
				b.opt.pairs = (unsigned int)value;
			else
				b.opt.batch = (unsigned int)value;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(stderr);
		return 2;
	}
	vm_bench_plan(&b);

	ret = nova_device_open(&b.dev);
	if (ret == -ENODEV) {
		fprintf(stderr, "%s: no nova device found: no DRM node under /dev/dri "
			"belongs to the \"nova\" driver (is nova.ko loaded?)\n", prog);
		return 1;
	}
	if (ret) {
		fprintf(stderr, "%s: opening the nova device failed: %s\n", prog, strerror(-ret));
		return 1;
	}

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

bad_value:
	fprintf(stderr, "%s: invalid value '%s' for --%s\n", prog, optarg,
		opt == 'm' ? "max-live" : opt == 'r' ? "rounds" : opt == 'p' ? "pairs" : "batch");
	return 2;
}

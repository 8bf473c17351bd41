// SPDX-License-Identifier: MIT
/*
 * nova-bench - what the nova driver costs its users, each figure next to a
 * reference measured in the same run: vgem (the kernel's own shmem GEM
 * driver) for buffers, the cheapest DRM rejection for the ioctl path, the
 * a second VA space of 1k mappings for VM_BIND, the raw ioctls for libnova.
 *
 * The groups of rows live in bench/ (one file per concern); this file
 * reads the options, opens the devices and prints the report. Progress
 * goes to stderr, the table (or the JSON) to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nova/nova.h>

#include "bench/cli.h"
#include "bench/machine.h"
#include "bench/report.h"
#include "bench/rows.h"
#include "bench/vgem.h"

#define DEFAULT_ROUNDS		7u
#define DEFAULT_MAX_LIVE	1000000u
#define DEFAULT_PAIRS		1024u
#define DEFAULT_BATCH		256u

static const char *prog;

struct group {
	const char *name;
	int (*run)(struct bench_ctx *c);
	const char *what;
};

static const struct group groups[] = {
	{ "ioctl", bench_ioctl_rows, "GETPARAM round trip vs the DRM ioctl floor" },
	{ "gem", bench_gem_rows, "GEM_CREATE+GEM_CLOSE 4 KiB, 64 KiB, 2 MiB vs vgem dumb buffers" },
	{ "touch", bench_touch_rows, "first CPU write of a new 2 MiB mapping vs vgem" },
	{ "vm", bench_vm_rows, "VM_BIND MAP+UNMAP at 1k/64k/1M live mappings, kernel bytes" },
	{ "libnova", bench_libnova_rows, "libnova buffer churn: cache off vs raw ioctls, on vs off" },
};
#define NGROUPS	(sizeof(groups) / sizeof(groups[0]))

static void usage(FILE *out)
{
	unsigned int i;

	fprintf(out,
		"Usage: %s [--rounds N] [--quick] [--only GROUP[,GROUP...]] [--max-live N]\n"
		"       [--pairs N] [--batch N] [--json] [--help]\n"
		"\n"
		"Measure the nova driver's costs, each row next to a reference measured\n"
		"in the same run, rounds alternating row and reference (A B A B), and\n"
		"print per row the operations per round, median and spread over the\n"
		"rounds, and the ratio to the reference. Needs nova.ko and vgem loaded;\n"
		"run it as root for the kernel memory figures (debugfs).\n"
		"\n"
		"Groups (all by default):\n",
		prog);
	for (i = 0; i < NGROUPS; i++)
		fprintf(out, "  %-8s %s\n", groups[i].name, groups[i].what);
	fprintf(out,
		"\n"
		"  --rounds N    timed rounds per row, after one warm-up (default %u)\n"
		"  --quick       a hundredth of the operations per round, VM_BIND up to\n"
		"                1000 live mappings and 16 pairs: a smoke run, not figures\n"
		"  --only LIST   run only these groups (comma-separated)\n"
		"  --max-live N  cap the VM_BIND live sets (default %u; k and M suffixes)\n"
		"  --pairs N     VM_BIND MAP+UNMAP pairs per round (default %u)\n"
		"  --batch N     VM_BIND pairs per batched call (default %u)\n"
		"  --json        print one JSON object instead of the table\n"
		"  --help        show this help\n"
		"\n"
		"The machine (TCG, KVM, bare metal) comes from CPUID; NOVA_BENCH_ACCEL\n"
		"overrides it. Under TCG absolute times are emulated: compare ratios.\n"
		"\n"
		"Exit status: 0 when every row was measured, 1 when a measurement\n"
		"failed or a device is missing, 2 on a usage error.\n",
		DEFAULT_ROUNDS, DEFAULT_MAX_LIVE, DEFAULT_PAIRS, DEFAULT_BATCH);
}

/* --only: a bit per group; 0 with an error message on an unknown name. */
static unsigned int parse_groups(const char *list)
{
	unsigned int mask = 0, i;
	char *copy = strdup(list), *name, *save = NULL;

	if (!copy)
		return 0;
	for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NGROUPS; i++)
			if (!strcmp(name, groups[i].name))
				break;
		if (i == NGROUPS) {
			fprintf(stderr, "%s: unknown group '%s' for --only (see --help)\n", prog, name);
			free(copy);
			return 0;
		}
		mask |= 1u << i;
	}
	free(copy);
	return mask;
}

static int open_devices(struct bench_ctx *c, struct bench_report *r)
{
	const char *how, *path;
	int ret;

	ret = nova_device_open(&c->dev);
	if (ret == -ENODEV) {
		fprintf(stderr, "%s: no nova device found: no DRM node under /dev/dri "
			"belongs to the \"nova\" driver (is nova.ko loaded?)\n", prog);
		return ret;
	}
	if (ret) {
		fprintf(stderr, "%s: opening the nova device failed: %s\n", prog, strerror(-ret));
		return ret;
	}
	c->nova_fd = nova_device_fd(c->dev);
	/*
	 * libnova's buffer cache (on by default) would turn GEM_CREATE into a
	 * reuse: the libnova rows switch it on where they measure it.
	 */
	ret = nova_device_set_bo_cache(c->dev, 0);
	if (ret) {
		fprintf(stderr, "%s: turning the buffer cache off failed: %s\n", prog,
			strerror(-ret));
		return ret;
	}
	path = nova_device_node_path(c->dev);
	snprintf(r->nova_node, sizeof(r->nova_node), "%s", path ? path : "");

	c->vgem_fd = bench_open_vgem(r->vgem_node, sizeof(r->vgem_node), &how);
	if (c->vgem_fd < 0) {
		r->vgem_node[0] = '\0';
		fprintf(stderr, "%s: no vgem device (%s): the GEM rows have no reference "
			"(modprobe vgem)\n", prog, strerror(-c->vgem_fd));
	} else {
		fprintf(stderr, "%s: nova %s, vgem %s (found by %s)\n", prog, r->nova_node,
			r->vgem_node, how);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "quick", no_argument, NULL, 'q' },
		{ "only", required_argument, NULL, 'o' },
		{ "max-live", required_argument, NULL, 'm' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bench_report report;
	struct bench_ctx c = {
		.report = &report,
		.rounds = DEFAULT_ROUNDS,
		.vgem_fd = -1,
		.vm = { DEFAULT_MAX_LIVE, DEFAULT_ROUNDS, DEFAULT_PAIRS, DEFAULT_BATCH },
	};
	bool json = false, vm_sized = false;
	unsigned int only = (1u << NGROUPS) - 1, i;
	uint64_t value;
	int opt, ret, failed = 0;

	prog = argv[0];
	c.prog = prog;
	while ((opt = getopt_long(argc, argv, "r:qo:m:p:b:jh", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (bench_parse_count(optarg, 1u << 16, &value))
				goto bad_value;
			c.rounds = (unsigned int)value;
			break;
		case 'q':
			c.quick = 1;
			break;
		case 'o':
			only = parse_groups(optarg);
			if (!only)
				return 2;
			break;
		case 'm':
			if (bench_parse_count(optarg, UINT64_MAX / 4, &c.vm.max_live))
				goto bad_value;
			vm_sized = true;
			break;
		case 'p':
		case 'b':
			if (bench_parse_count(optarg, 1u << 24, &value))
				goto bad_value;
			if (opt == 'p')
				c.vm.pairs = (unsigned int)value;
			else
				c.vm.batch = (unsigned int)value;
			vm_sized = true;
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
	c.chunks = c.quick ? 1 : BENCH_CHUNKS;
	if (c.quick && !vm_sized) {
		c.vm.max_live = 1000;
		c.vm.pairs = 16;
		c.vm.batch = 16;
	}

	bench_detect_machine(&report.machine);
	report.rounds = c.rounds;
	report.chunks = c.chunks;
	fprintf(stderr, "%s: machine %s (%s)%s\n", prog, report.machine.accel, report.machine.how,
		report.machine.emulated ? ": absolute times are emulated, compare ratios" : "");
	if (open_devices(&c, &report))
		return 1;

	for (i = 0; i < NGROUPS; i++) {
		if (!(only & (1u << i)))
			continue;
		ret = groups[i].run(&c);
		if (ret) {
			fprintf(stderr, "%s: the %s group failed: %s\n", prog, groups[i].name,
				strerror(-ret));
			bench_report_skip(&report, groups[i].name, "failed: %s (see stderr)",
					  strerror(-ret));
			failed = 1;
		}
	}
	if (c.vgem_fd < 0 && (only & 6u))
		failed = 1;	/* rows without their reference are not the benchmark */

	if (json)
		bench_report_print_json(&report);
	else
		bench_report_print_table(&report);

	bench_report_free(&report);
	if (c.vgem_fd >= 0)
		close(c.vgem_fd);
	nova_device_close(c.dev);
	return failed;

bad_value:
	fprintf(stderr, "%s: invalid value '%s' for --%s\n", prog, optarg,
		opt == 'r' ? "rounds" : opt == 'm' ? "max-live" : opt == 'p' ? "pairs" : "batch");
	return 2;
}

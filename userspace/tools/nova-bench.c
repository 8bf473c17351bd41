// SPDX-License-Identifier: MIT
/*
 * nova-bench - what the nova driver costs its users, each figure next to a
 * reference measured in the same run: vgem (the kernel's own shmem GEM
 * driver) for buffers, the cheapest DRM rejection for the ioctl path, the
 * a second VA space of 1k mappings for VM_BIND, the raw ioctls for libnova.
 *
 * The groups of rows live in bench/ (one file per concern); this file
 * reads the options, opens the devices and prints the report. Two single
 * measurements run instead of the rows when asked: --bo-churn (libnova's
 * buffer churn with the cache off and on, bench/churn_mode.c) and
 * --vm-scaling (VM_BIND as the VA space fills up, bench/scaling_mode.c).
 * One option table serves all three. Progress goes to stderr, the table
 * (or the JSON) to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nova/nova.h>

#include "cli.h"
#include "bench/debugfs.h"
#include "bench/machine.h"
#include "bench/modes.h"
#include "bench/report.h"
#include "bench/rows.h"
#include "bench/vgem.h"

#define DEFAULT_ROUNDS		7u
#define DEFAULT_MAX_LIVE	1000000u
#define DEFAULT_PAIRS		1024u
#define DEFAULT_BATCH		256u
#define DEFAULT_CHURN_ROUNDS	5u
#define DEFAULT_CHURN_PAIRS	2000u

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
	{ "exec", bench_exec_rows, "empty-job EXEC round trip, pipelined jobs, COPY/FILL vs CPU" },
};
#define NGROUPS	(sizeof(groups) / sizeof(groups[0]))

static void usage(FILE *out)
{
	unsigned int i;

	fprintf(out,
		"Usage: %s [--rounds N] [--quick] [--only GROUP[,GROUP...]] [--max-live N]\n"
		"       [--pairs N] [--batch N] [--json]\n"
		"       %s --bo-churn [--size N]... [--iterations N] [--rounds N] [--touch] [--json]\n"
		"       %s --vm-scaling [--max-live N] [--rounds N] [--pairs N] [--batch N] [--json]\n"
		"       %s --help\n"
		"\n"
		"Measure the nova driver's costs, each row next to a reference measured\n"
		"in the same run, rounds alternating row and reference (A B A B), and\n"
		"print per row the operations per round, median and spread over the\n"
		"rounds, and the ratio to the reference. Needs nova.ko and vgem loaded;\n"
		"run it as root for the kernel memory figures (debugfs).\n"
		"\n"
		"Groups (all by default):\n",
		prog, prog, prog, prog);
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
		"  --batch N     VM_BIND pairs per batched call (default %u, at most\n"
		"                VM_BIND_MAX_OPS)\n"
		"  --json        print one JSON object instead of the table\n"
		"  --help        show this help\n"
		"\n"
		"--bo-churn: time nova_bo_create() + nova_bo_unref() pairs with libnova's\n"
		"buffer cache off and on, per size, and print the cost per pair:\n"
		"  --size N        a buffer size (K, M, G suffixes); may be repeated;\n"
		"                  default 4K, 64K, 1M and 8M\n"
		"  --iterations N  create + release pairs per round (default %u)\n"
		"  --rounds N      timed rounds per configuration, odd (default %u)\n"
		"  --touch         write one byte per page through the CPU mapping of\n"
		"                  every buffer before releasing it\n"
		"\n"
		"--vm-scaling: time VM_BIND MAP+UNMAP with 1 thousand, 64 thousand and\n"
		"1 million live mappings (capped by --max-live), one operation per call\n"
		"and in batches, with the build cost and the kernel memory per mapping\n"
		"(debugfs; NOVA_DEBUGFS_DIR may name the device's directory when it is\n"
		"not under " BENCH_DEBUGFS_DRI ").\n"
		"\n"
		"The machine (TCG, KVM, bare metal) comes from CPUID; NOVA_BENCH_ACCEL\n"
		"overrides it. Under TCG absolute times are emulated: compare ratios.\n"
		"\n"
		"Exit status: 0 when every row was measured, 1 when a measurement\n"
		"failed or a device is missing, 2 on a usage error.\n",
		DEFAULT_ROUNDS, DEFAULT_MAX_LIVE, DEFAULT_PAIRS, DEFAULT_BATCH,
		DEFAULT_CHURN_PAIRS, DEFAULT_CHURN_ROUNDS);
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

	ret = cli_open_nova(prog, &c->dev);
	if (ret)
		return ret;
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

/* What a run measures: the rows, or one of the two single measurements. */
enum mode {
	MODE_ROWS = 1u << 0,
	MODE_BO_CHURN = 1u << 1,
	MODE_VM_SCALING = 1u << 2,
};

static const struct option options[] = {
	{ "rounds", required_argument, NULL, 'r' },
	{ "quick", no_argument, NULL, 'q' },
	{ "only", required_argument, NULL, 'o' },
	{ "max-live", required_argument, NULL, 'm' },
	{ "pairs", required_argument, NULL, 'p' },
	{ "batch", required_argument, NULL, 'b' },
	{ "json", no_argument, NULL, 'j' },
	{ "bo-churn", no_argument, NULL, 'C' },
	{ "vm-scaling", no_argument, NULL, 'V' },
	{ "size", required_argument, NULL, 's' },
	{ "iterations", required_argument, NULL, 'i' },
	{ "touch", no_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The modes each option belongs to, by its short letter. */
static unsigned int option_modes(int opt)
{
	switch (opt) {
	case 'q':
	case 'o':
		return MODE_ROWS;
	case 'm':
	case 'p':
	case 'b':
		return MODE_ROWS | MODE_VM_SCALING;
	case 's':
	case 'i':
	case 't':
		return MODE_BO_CHURN;
	default:
		return MODE_ROWS | MODE_BO_CHURN | MODE_VM_SCALING;
	}
}

static const char *option_name(int opt)
{
	for (const struct option *o = options; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

/* Everything the command line sets, for whichever mode runs. */
struct args {
	enum mode mode;
	bool json, quick, vm_sized, rounds_set;
	unsigned int rounds, only;
	struct vm_bench_options vm;
	struct bench_churn_options churn;
};

/* One option into @a; 0, or 2 (the exit status) on a bad value. */
static int parse_option(struct args *a, int opt, const char *arg)
{
	uint64_t value;

	switch (opt) {
	case 'r':
		if (cli_parse_count(arg, 1u << 16, &value))
			goto bad_value;
		a->rounds = (unsigned int)value;
		a->rounds_set = true;
		break;
	case 'q':
		a->quick = true;
		break;
	case 'o':
		a->only = parse_groups(arg);
		if (!a->only)
			return 2;
		break;
	case 'm':
		if (cli_parse_count(arg, UINT64_MAX / 4, &a->vm.max_live))
			goto bad_value;
		a->vm_sized = true;
		break;
	case 'p':
	case 'b':
		if (cli_parse_count(arg, 1u << 24, &value))
			goto bad_value;
		if (opt == 'p')
			a->vm.pairs = (unsigned int)value;
		else
			a->vm.batch = (unsigned int)value;
		a->vm_sized = true;
		break;
	case 'j':
		a->json = true;
		break;
	case 's':
		if (a->churn.nsizes == BENCH_CHURN_MAX_SIZES ||
		    cli_parse_size(arg, &a->churn.sizes[a->churn.nsizes]))
			goto bad_value;
		a->churn.nsizes++;
		break;
	case 'i':
		if (cli_parse_count(arg, UINT64_MAX, &a->churn.iterations))
			goto bad_value;
		break;
	case 't':
		a->churn.touch = true;
		break;
	}
	return 0;

bad_value:
	fprintf(stderr, "%s: invalid value '%s' for --%s\n", prog, arg, option_name(opt));
	return 2;
}

/* Parses the whole command line; -1 to go on, else the exit status. */
static int parse_args(struct args *a, int argc, char **argv)
{
	unsigned int seen = 0;
	int opt, ret, i;

	while ((opt = getopt_long(argc, argv, "r:qo:m:p:b:jh", options, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == '?' || opt == ':') {
			usage(stderr);
			return 2;
		}
		if (opt == 'C' || opt == 'V') {
			if (a->mode != MODE_ROWS) {
				fprintf(stderr, "%s: --bo-churn and --vm-scaling exclude each other\n",
					prog);
				return 2;
			}
			a->mode = opt == 'C' ? MODE_BO_CHURN : MODE_VM_SCALING;
			continue;
		}
		ret = parse_option(a, opt, optarg);
		if (ret)
			return ret;
		for (i = 0; options[i].name; i++)
			if (options[i].val == opt)
				seen |= 1u << i;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(stderr);
		return 2;
	}
	for (i = 0; options[i].name; i++) {
		if ((seen & (1u << i)) && !(option_modes(options[i].val) & a->mode)) {
			fprintf(stderr, "%s: --%s does not apply %s (see --help)\n", prog,
				options[i].name, a->mode == MODE_ROWS ? "without --bo-churn" :
				a->mode == MODE_BO_CHURN ? "to --bo-churn" : "to --vm-scaling");
			return 2;
		}
	}
	if (a->mode == MODE_BO_CHURN && a->rounds_set &&
	    (a->rounds > BENCH_CHURN_MAX_ROUNDS || !(a->rounds & 1))) {
		fprintf(stderr, "%s: --bo-churn --rounds must be odd, 1 to %u\n", prog,
			BENCH_CHURN_MAX_ROUNDS);
		return 2;
	}
	return -1;
}

static int run_rows(const struct args *a)
{
	static struct bench_report report;
	struct bench_ctx c = {
		.report = &report,
		.rounds = a->rounds,
		.quick = a->quick,
		.vgem_fd = -1,
		.vm = a->vm,
	};
	unsigned int i;
	int ret, failed = 0;

	c.prog = prog;
	c.chunks = c.quick ? 1 : BENCH_CHUNKS;
	if (c.quick && !a->vm_sized) {
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
		if (!(a->only & (1u << i)))
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
	if (c.vgem_fd < 0 && (a->only & 6u))
		failed = 1;	/* rows without their reference are not the benchmark */

	if (a->json)
		bench_report_print_json(&report);
	else
		bench_report_print_table(&report);

	bench_report_free(&report);
	if (c.vgem_fd >= 0)
		close(c.vgem_fd);
	nova_device_close(c.dev);
	return failed;
}

int main(int argc, char **argv)
{
	struct args a = {
		.mode = MODE_ROWS,
		.rounds = DEFAULT_ROUNDS,
		.only = (1u << NGROUPS) - 1,
		.vm = { DEFAULT_MAX_LIVE, DEFAULT_ROUNDS, DEFAULT_PAIRS, DEFAULT_BATCH, 0 },
		.churn = {
			.sizes = { 4 << 10, 64 << 10, 1 << 20, 8 << 20 },
			.iterations = DEFAULT_CHURN_PAIRS,
			.rounds = DEFAULT_CHURN_ROUNDS,
		},
	};
	int ret;

	prog = argv[0];
	ret = parse_args(&a, argc, argv);
	if (ret >= 0)
		return ret;

	switch (a.mode) {
	case MODE_BO_CHURN:
		if (!a.churn.nsizes)
			a.churn.nsizes = 4;	/* the defaults above */
		if (a.rounds_set)
			a.churn.rounds = a.rounds;
		a.churn.json = a.json;
		return bench_churn_main(prog, &a.churn);
	case MODE_VM_SCALING:
		a.vm.rounds = a.rounds;
		return bench_scaling_main(prog, &a.vm, a.json);
	default:
		return run_rows(&a);
	}
}

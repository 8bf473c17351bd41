// SPDX-License-Identifier: MIT
/*
 * nova-vm-bench - what VM_BIND costs as the VA space fills up.
 *
 * One small object (one VA_ALIGNMENT unit) is mapped at many distinct
 * addresses to build a live set of 1 thousand, 64 thousand and 1 million
 * mappings, with batched calls of VM_BIND_MAX_OPS maps. At each size, MAP +
 * UNMAP pairs are timed in two ways: one operation per call, and batches of
 * maps followed by batches of unmaps (--batch pairs per call). The timed
 * addresses lie between the live ones, spread over the whole live range, so
 * each operation lands inside a populated tree rather than at its end.
 *
 * Each measurement is repeated (--rounds) and reported as its median, with
 * the minimum, the maximum and the spread ((max - min) / median). The
 * kernel memory per mapping comes from debugfs (nova_stats: "mapping_bytes"
 * divided by "mappings"), when debugfs can be read.
 *
 * Progress goes to stderr, the table (or the JSON) to stdout.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <nova/nova.h>

#define DEFAULT_MAX_LIVE	1000000u
#define DEFAULT_ROUNDS		7u
#define DEFAULT_PAIRS		1024u
#define DEFAULT_BATCH		256u
#define DEBUGFS_DRI		"/sys/kernel/debug/dri"

static const uint64_t standard_levels[] = { 1000, 64000, 1000000 };
#define MAX_LEVELS	(sizeof(standard_levels) / sizeof(standard_levels[0]))

static const char *prog;

struct options {
	uint64_t max_live;
	unsigned int rounds;
	unsigned int pairs;
	unsigned int batch;
	bool json;
};

struct stats {
	double median;
	double min;
	double max;
	double *rounds;		/* ns per operation of each round */
};

struct level {
	uint64_t live;
	double build_seconds;
	double build_ns_per_map;
	bool have_kernel_bytes;
	uint64_t kernel_mappings;
	uint64_t kernel_mapping_bytes;
	struct stats single;
	struct stats batched;
	unsigned int batch_ops;	/* operations per batched call */
};

struct bench {
	struct options opt;
	struct nova_device *dev;
	struct nova_vm *vm;
	struct nova_bo *bo;
	uint64_t unit;		/* VA_ALIGNMENT */
	uint64_t live;		/* mappings built so far */
	char debugfs[320];	/* "" when unknown */
	struct level levels[MAX_LEVELS];
	unsigned int nlevels;
};

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
		"it cannot be found under " DEBUGFS_DRI ". Progress lines go to stderr.\n"
		"\n"
		"Exit status: 0 when every measurement was made, 1 otherwise, 2 on a\n"
		"usage error.\n",
		prog, DEFAULT_MAX_LIVE, DEFAULT_ROUNDS, DEFAULT_PAIRS, DEFAULT_BATCH);
}

static int parse_count(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long value;
	uint64_t scale = 1;
	char *end;

	if (*s == '-' || *s == '\0')
		return -EINVAL;
	errno = 0;
	value = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (*end == 'k' || *end == 'K')
		scale = 1000;
	else if (*end == 'm' || *end == 'M')
		scale = 1000000;
	if (scale != 1)
		end++;
	if (*end != '\0' || !value || value > max / scale)
		return -EINVAL;
	*out = value * scale;
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s failed: %s\n", prog, what, strerror(-err));
	return err;
}

/* --- debugfs ---------------------------------------------------------------- */

static bool has_stats(const char *dir)
{
	char path[352];

	snprintf(path, sizeof(path), "%s/nova_stats", dir);
	return access(path, R_OK) == 0;
}

/*
 * As the test suite does: $NOVA_DEBUGFS_DIR, else the node's minor, its
 * twin, or the only directory with nova_stats.
 */
static void find_debugfs(struct bench *b)
{
	int fd = nova_device_fd(b->dev);
	unsigned int m, count = 0;
	struct dirent *entry;
	struct stat st;
	DIR *dir;

	b->debugfs[0] = '\0';
	if (getenv("NOVA_DEBUGFS_DIR")) {
		snprintf(b->debugfs, sizeof(b->debugfs), "%s", getenv("NOVA_DEBUGFS_DIR"));
		if (!has_stats(b->debugfs))
			b->debugfs[0] = '\0';
		return;
	}
	if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)) {
		m = minor(st.st_rdev);
		snprintf(b->debugfs, sizeof(b->debugfs), DEBUGFS_DRI "/%u", m);
		if (has_stats(b->debugfs))
			return;
		snprintf(b->debugfs, sizeof(b->debugfs), DEBUGFS_DRI "/%u",
			 m >= 128 ? m - 128 : m + 128);
		if (has_stats(b->debugfs))
			return;
		b->debugfs[0] = '\0';
	}

	dir = opendir(DEBUGFS_DRI);
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		char path[320];

		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), DEBUGFS_DRI "/%s", entry->d_name);
		if (has_stats(path) && count++ == 0)
			snprintf(b->debugfs, sizeof(b->debugfs), "%s", path);
	}
	closedir(dir);
	/* Several devices (or a primary and a render directory): cannot tell. */
	if (count != 1)
		b->debugfs[0] = '\0';
}

static int read_stat(const struct bench *b, const char *key, uint64_t *value)
{
	size_t len = strlen(key);
	char path[352], *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;
	FILE *f;

	if (!b->debugfs[0])
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/nova_stats", b->debugfs);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, key, len) == 0 && line[len] == ':') {
			char *end;

			*value = strtoull(line + len + 1, &end, 10);
			ret = end == line + len + 1 ? -EPROTO : 0;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

/* --- building the live set --------------------------------------------------- */

/* The live mappings sit at even units, the timed ones at odd units. */
static uint64_t live_va(const struct bench *b, uint64_t i)
{
	return nova_vm_va_start(b->vm) + 2 * i * b->unit;
}

static int grow_live_set(struct bench *b, struct level *lv)
{
	uint32_t max_ops = nova_vm_max_ops(b->vm);
	double start = now_ns(), last = start, t;
	uint64_t target = lv->live, first = b->live;
	struct nova_vm_bind_batch *batch;
	int ret;

	fprintf(stderr, "%s: building %" PRIu64 " live mappings (%" PRIu32
		" maps per call)...\n", prog, target, max_ops);
	while (b->live < target) {
		uint64_t n = target - b->live, i;

		if (n > max_ops)
			n = max_ops;
		ret = nova_vm_bind_begin(b->vm, &batch);
		if (ret)
			return fail("nova_vm_bind_begin()", ret);
		for (i = 0; i < n; i++)
			nova_vm_bind_add_map(batch, b->bo, 0, live_va(b, b->live + i), b->unit, 0);
		ret = nova_vm_bind_submit(batch);	/* reports a failed add too */
		if (ret) {
			fprintf(stderr, "%s: mapping live set entries %" PRIu64 "-%" PRIu64
				" failed: %s\n", prog, b->live, b->live + n - 1, strerror(-ret));
			return ret;
		}
		b->live += n;

		t = now_ns();
		if (t - last >= 1e9 || b->live == target) {
			fprintf(stderr, "%s:   %" PRIu64 " / %" PRIu64 " mappings (%.0f%%), %.1f s\n",
				prog, b->live, target, 100.0 * (double)b->live / (double)target,
				(t - start) / 1e9);
			last = t;
		}
	}

	lv->build_seconds = (now_ns() - start) / 1e9;
	lv->build_ns_per_map = b->live > first ?
		lv->build_seconds * 1e9 / (double)(b->live - first) : 0;
	lv->have_kernel_bytes = !read_stat(b, "mappings", &lv->kernel_mappings) &&
				!read_stat(b, "mapping_bytes", &lv->kernel_mapping_bytes) &&
				lv->kernel_mappings;
	return 0;
}

/* --- timing ------------------------------------------------------------------- */

/* The @j-th timed address of a level: odd units spread over the live range. */
static uint64_t timed_va(const struct bench *b, uint64_t j, uint64_t slots)
{
	uint64_t spot = j * b->live / slots;

	return nova_vm_va_start(b->vm) + (2 * spot + 1) * b->unit;
}

/* One round of single-operation calls; ns per operation, or < 0. */
static double round_single(struct bench *b)
{
	unsigned int pairs = b->opt.pairs, slots = b->opt.batch, j;
	double start;
	int ret;

	start = now_ns();
	for (j = 0; j < pairs; j++) {
		uint64_t va = timed_va(b, j % slots, slots);

		ret = nova_vm_map(b->vm, b->bo, 0, va, b->unit, 0);
		if (!ret)
			ret = nova_vm_unmap(b->vm, va, b->unit);
		if (ret) {
			fail("a single MAP or UNMAP", ret);
			return -1;
		}
	}
	return (now_ns() - start) / (2.0 * pairs);
}

static int submit_batch(struct bench *b, unsigned int n, bool map)
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
static double round_batched(struct bench *b, unsigned int batch)
{
	unsigned int done = 0, n;
	double start;
	int ret;

	start = now_ns();
	while (done < b->opt.pairs) {
		n = b->opt.pairs - done < batch ? b->opt.pairs - done : batch;
		ret = submit_batch(b, n, true);
		if (!ret)
			ret = submit_batch(b, n, false);
		if (ret) {
			fail("a batched MAP or UNMAP call", ret);
			return -1;
		}
		done += n;
	}
	return (now_ns() - start) / (2.0 * b->opt.pairs);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void summarize(struct stats *s, unsigned int rounds)
{
	double *sorted = malloc(rounds * sizeof(*sorted));
	unsigned int n = rounds;

	if (!sorted) {
		s->median = s->min = s->max = s->rounds[0];
		return;
	}
	memcpy(sorted, s->rounds, rounds * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), compare_double);
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	free(sorted);
}

static int measure(struct bench *b, struct level *lv)
{
	unsigned int r, batch = b->opt.batch;
	uint32_t max_ops = nova_vm_max_ops(b->vm);

	if (batch > max_ops)
		batch = max_ops;
	lv->batch_ops = batch;
	lv->single.rounds = calloc(b->opt.rounds, sizeof(double));
	lv->batched.rounds = calloc(b->opt.rounds, sizeof(double));
	if (!lv->single.rounds || !lv->batched.rounds)
		return fail("allocating the results", -ENOMEM);

	fprintf(stderr, "%s: timing %u rounds of %u MAP+UNMAP pairs with %" PRIu64
		" live mappings...\n", prog, b->opt.rounds, b->opt.pairs, lv->live);
	/* Alternate the two ways, so that drifts touch both alike. */
	for (r = 0; r < b->opt.rounds; r++) {
		lv->single.rounds[r] = round_single(b);
		if (lv->single.rounds[r] < 0)
			return -EIO;
		lv->batched.rounds[r] = round_batched(b, batch);
		if (lv->batched.rounds[r] < 0)
			return -EIO;
	}
	summarize(&lv->single, b->opt.rounds);
	summarize(&lv->batched, b->opt.rounds);
	return 0;
}

/* --- output ---------------------------------------------------------------- */

static double spread(const struct stats *s)
{
	return s->median > 0 ? 100.0 * (s->max - s->min) / s->median : 0;
}

static void print_table(const struct bench *b)
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
		const struct level *lv = &b->levels[i];

		printf("%10" PRIu64 "  %-8s %8u %12.0f %12.0f %12.0f %7.1f%%\n", lv->live,
		       "single", 1u, lv->single.median, lv->single.min, lv->single.max,
		       spread(&lv->single));
		printf("%10s  %-8s %8u %12.0f %12.0f %12.0f %7.1f%%\n", "", "batched",
		       lv->batch_ops, lv->batched.median, lv->batched.min, lv->batched.max,
		       spread(&lv->batched));
	}

	printf("\n%10s  %14s %16s %18s\n", "live", "build ns/map", "kernel mappings",
	       "kernel bytes/map");
	for (i = 0; i < b->nlevels; i++) {
		const struct level *lv = &b->levels[i];

		if (lv->have_kernel_bytes)
			printf("%10" PRIu64 "  %14.0f %16" PRIu64 " %18.1f\n", lv->live,
			       lv->build_ns_per_map, lv->kernel_mappings,
			       (double)lv->kernel_mapping_bytes / (double)lv->kernel_mappings);
		else
			printf("%10" PRIu64 "  %14.0f %16s %18s\n", lv->live,
			       lv->build_ns_per_map, "n/a", "n/a (no debugfs)");
	}
}

static void print_stats_json(const char *name, const struct stats *s,
			     unsigned int ops_per_call, unsigned int rounds, bool last)
{
	unsigned int r;

	printf("        \"%s\": {\n          \"ops_per_call\": %u,\n"
	       "          \"median_ns_per_op\": %.1f,\n          \"min_ns_per_op\": %.1f,\n"
	       "          \"max_ns_per_op\": %.1f,\n          \"spread_percent\": %.1f,\n"
	       "          \"rounds_ns_per_op\": [", name, ops_per_call, s->median, s->min,
	       s->max, spread(s));
	for (r = 0; r < rounds; r++)
		printf("%s%.1f", r ? ", " : "", s->rounds[r]);
	printf("]\n        }%s\n", last ? "" : ",");
}

static void print_json(const struct bench *b)
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
		const struct level *lv = &b->levels[i];

		printf("%s\n    {\n      \"live\": %" PRIu64 ",\n      \"build_seconds\": %.3f,\n"
		       "      \"build_ns_per_map\": %.1f,\n", i ? "," : "", lv->live,
		       lv->build_seconds, lv->build_ns_per_map);
		if (lv->have_kernel_bytes)
			printf("      \"kernel_mappings\": %" PRIu64 ",\n      \"kernel_mapping_bytes\": %"
			       PRIu64 ",\n      \"kernel_bytes_per_mapping\": %.1f,\n",
			       lv->kernel_mappings, lv->kernel_mapping_bytes,
			       (double)lv->kernel_mapping_bytes / (double)lv->kernel_mappings);
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

static void plan_levels(struct bench *b)
{
	unsigned int i;

	b->nlevels = 0;
	for (i = 0; i < MAX_LEVELS; i++) {
		uint64_t live = standard_levels[i];

		if (live > b->opt.max_live)
			live = b->opt.max_live;
		if (b->nlevels && b->levels[b->nlevels - 1].live == live)
			break;
		b->levels[b->nlevels++].live = live;
	}
}

static int run(struct bench *b)
{
	uint64_t highest = b->levels[b->nlevels - 1].live;
	unsigned int i;
	int ret;

	ret = nova_device_get_vm(b->dev, &b->vm);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "%s: the nova driver has no VM_BIND (uAPI version %" PRIu64
			", VM_BIND needs 2)\n", prog, nova_device_uapi_version(b->dev));
		return ret;
	}
	if (ret)
		return fail("nova_device_get_vm()", ret);

	b->unit = nova_vm_va_alignment(b->vm);
	/* Live and timed mappings take two units per live mapping. */
	if (highest > nova_vm_va_size(b->vm) / b->unit / 2) {
		fprintf(stderr, "%s: %" PRIu64 " live mappings do not fit the VA range\n",
			prog, highest);
		return -ENOSPC;
	}

	ret = nova_bo_create(b->dev, b->unit, &b->bo);
	if (ret)
		return fail("creating the object", ret);
	find_debugfs(b);
	if (!b->debugfs[0])
		fprintf(stderr, "%s: no nova_stats in " DEBUGFS_DRI " (debugfs needs root): "
			"no kernel memory figures\n", prog);

	for (i = 0; i < b->nlevels; i++) {
		ret = grow_live_set(b, &b->levels[i]);
		if (!ret)
			ret = measure(b, &b->levels[i]);
		if (ret) {
			b->nlevels = i;		/* report what was measured */
			break;
		}
	}

	fprintf(stderr, "%s: releasing %" PRIu64 " mappings...\n", prog, b->live);
	if (!ret && nova_vm_unmap(b->vm, nova_vm_va_start(b->vm), nova_vm_va_size(b->vm)))
		fprintf(stderr, "%s: unmapping everything failed; closing will\n", prog);
	nova_bo_destroy(b->bo);
	return ret;
}

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
	struct bench b = {
		.opt = {
			.max_live = DEFAULT_MAX_LIVE,
			.rounds = DEFAULT_ROUNDS,
			.pairs = DEFAULT_PAIRS,
			.batch = DEFAULT_BATCH,
		},
	};
	uint64_t value;
	unsigned int i;
	int opt, ret;

	prog = argv[0];
	while ((opt = getopt_long(argc, argv, "m:r:p:b:jh", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (parse_count(optarg, UINT64_MAX / 4, &b.opt.max_live))
				goto bad_value;
			break;
		case 'r':
		case 'p':
		case 'b':
			if (parse_count(optarg, 1u << 24, &value))
				goto bad_value;
			if (opt == 'r')
				b.opt.rounds = (unsigned int)value;
			else if (opt == 'p')
				b.opt.pairs = (unsigned int)value;
			else
				b.opt.batch = (unsigned int)value;
			break;
		case 'j':
			b.opt.json = true;
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
	plan_levels(&b);

	ret = nova_device_open(&b.dev);
	if (ret == -ENODEV) {
		fprintf(stderr, "%s: no nova device found: no DRM node under /dev/dri "
			"belongs to the \"nova\" driver (is nova.ko loaded?)\n", prog);
		return 1;
	}
	if (ret) {
		fail("opening the nova device", ret);
		return 1;
	}

	ret = run(&b);
	if (b.nlevels) {
		if (b.opt.json)
			print_json(&b);
		else
			print_table(&b);
	}

	nova_device_close(b.dev);
	for (i = 0; i < MAX_LEVELS; i++) {
		free(b.levels[i].single.rounds);
		free(b.levels[i].batched.rounds);
	}
	return ret ? 1 : 0;

bad_value:
	fprintf(stderr, "%s: invalid value '%s' for --%s\n", prog, optarg,
		opt == 'm' ? "max-live" : opt == 'r' ? "rounds" : opt == 'p' ? "pairs" : "batch");
	return 2;
}

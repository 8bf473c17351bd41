// SPDX-License-Identifier: MIT
/*
 * nova-bo-bench - buffer object churn with and without libnova's cache.
 *
 * A driver allocates and frees many short-lived buffers (uploads,
 * staging, command streams). This measures what one create + release pair
 * costs through nova_bo_create() and nova_bo_unref() on one device, for a
 * few sizes, with the buffer cache off (a GEM_CREATE and a GEM_CLOSE each
 * time) and on (reused handles), optionally touching every page through
 * the CPU mapping as a real user would (--touch: first-touch page faults
 * without the cache, a clear of the reused buffer with it).
 *
 * Each configuration runs --rounds rounds of --iterations pairs after a
 * warm-up round; the figures are the median and the minimum over rounds of
 * the time per pair, and the cache's hit rate. Timings are figures, never
 * pass/fail criteria.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nova/nova.h>
#include "nova_drm.h"	/* NOVA_GETPARAM_PAGE_SIZE; installed as <nova/nova_drm.h> */

#include "bench/bo_churn.h"	/* the loop, shared with nova-bench */

#define MAX_SIZES	16
#define MAX_ROUNDS	101

static const char *prog;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [--size N]... [--iterations N] [--rounds N] [--touch] [--json] [--help]\n"
		"\n"
		"Time buffer object create + release pairs on the first nova device,\n"
		"with libnova's buffer cache off and on, and print the cost per pair.\n"
		"\n"
		"  --size N         a buffer size (K, M suffixes); may be repeated;\n"
		"                   default 4K, 64K, 1M and 8M\n"
		"  --iterations N   create + release pairs per round (default 2000)\n"
		"  --rounds N       timed rounds per configuration, odd (default 5)\n"
		"  --touch          write one byte per page through the CPU mapping\n"
		"                   of every buffer before releasing it\n"
		"  --json           one JSON object on stdout instead of a table\n"
		"  --help           show this help\n"
		"\n"
		"Progress goes to stderr. Exit status: 0, 1 when a call failed, 2 on a\n"
		"usage error.\n",
		prog);
}

static int parse_u64(const char *s, uint64_t *out, bool suffix)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (*s == '-' || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -errno;
	if (suffix) {
		if (*end == 'K' || *end == 'k')
			shift = 10, end++;
		else if (*end == 'M' || *end == 'm')
			shift = 20, end++;
		else if (*end == 'G' || *end == 'g')
			shift = 30, end++;
	}
	if (*end || !v || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct config {
	uint64_t iterations;
	unsigned int rounds;
	bool touch;
	uint64_t page_size;
};

struct result {
	double median_ns;
	double min_ns;
	double hit_rate;
};

static int churn(struct nova_device *dev, const struct config *cfg, uint64_t size)
{
	return bench_bo_churn(dev, size, cfg->iterations, cfg->touch, cfg->page_size);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int measure(struct nova_device *dev, const struct config *cfg, uint64_t size,
		   bool cached, struct result *res)
{
	struct nova_bo_cache_stats before = { .struct_size = sizeof(before) };
	struct nova_bo_cache_stats after = { .struct_size = sizeof(after) };
	double per_pair[MAX_ROUNDS];
	uint64_t lookups;
	int ret;

	ret = nova_device_set_bo_cache(dev, cached);
	if (!ret)
		ret = churn(dev, cfg, size);		/* warm-up */
	if (!ret)
		ret = nova_device_bo_cache_stats(dev, &before);
	for (unsigned int r = 0; !ret && r < cfg->rounds; r++) {
		uint64_t t0 = now_ns();

		ret = churn(dev, cfg, size);
		per_pair[r] = (double)(now_ns() - t0) / (double)cfg->iterations;
	}
	if (!ret)
		ret = nova_device_bo_cache_stats(dev, &after);
	nova_device_bo_cache_trim(dev, 0);
	if (ret)
		return ret;

	qsort(per_pair, cfg->rounds, sizeof(per_pair[0]), cmp_double);
	res->median_ns = per_pair[cfg->rounds / 2];
	res->min_ns = per_pair[0];
	lookups = (after.hits - before.hits) + (after.misses - before.misses);
	res->hit_rate = lookups ? (double)(after.hits - before.hits) / (double)lookups : 0.0;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "size", required_argument, NULL, 's' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "touch", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t sizes[MAX_SIZES] = { 4 << 10, 64 << 10, 1 << 20, 8 << 20 };
	struct config cfg = { .iterations = 2000, .rounds = 5 };
	unsigned int nsizes = 0, default_sizes = 4;
	struct nova_device *dev;
	bool json = false;
	uint64_t v;
	int opt, ret;

	prog = argv[0];
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (nsizes == MAX_SIZES || parse_u64(optarg, &sizes[nsizes], true)) {
				fprintf(stderr, "%s: bad or too many --size: %s\n", prog, optarg);
				return 2;
			}
			nsizes++;
			break;
		case 'i':
			if (parse_u64(optarg, &cfg.iterations, false)) {
				fprintf(stderr, "%s: bad --iterations: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'r':
			if (parse_u64(optarg, &v, false) || v > MAX_ROUNDS || !(v & 1)) {
				fprintf(stderr, "%s: --rounds must be odd, 1 to %d\n", prog, MAX_ROUNDS);
				return 2;
			}
			cfg.rounds = (unsigned int)v;
			break;
		case 't':
			cfg.touch = true;
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
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!nsizes)
		nsizes = default_sizes;

	ret = nova_device_open(&dev);
	if (ret) {
		fprintf(stderr, "%s: no nova device: %s\n", prog, strerror(-ret));
		return 1;
	}
	ret = nova_device_get_param(dev, NOVA_GETPARAM_PAGE_SIZE, &cfg.page_size);
	if (ret || !cfg.page_size)
		cfg.page_size = 4096;

	if (json)
		printf("{\"iterations\": %" PRIu64 ", \"rounds\": %u, \"touch\": %s, \"results\": [",
		       cfg.iterations, cfg.rounds, cfg.touch ? "true" : "false");
	else
		printf("%-10s %16s %16s %16s %16s %9s %8s\n", "size", "uncached med ns",
		       "uncached min ns", "cached med ns", "cached min ns", "speedup", "hits");

	for (unsigned int i = 0; i < nsizes; i++) {
		struct result off, on;

		fprintf(stderr, "%s: size %" PRIu64 ": %" PRIu64 " pairs x %u rounds, cache off, then on\n",
			prog, sizes[i], cfg.iterations, cfg.rounds);
		ret = measure(dev, &cfg, sizes[i], false, &off);
		if (!ret)
			ret = measure(dev, &cfg, sizes[i], true, &on);
		if (ret) {
			fprintf(stderr, "%s: size %" PRIu64 ": %s\n", prog, sizes[i], strerror(-ret));
			nova_device_close(dev);
			return 1;
		}
		if (json)
			printf("%s{\"size\": %" PRIu64 ", \"uncached_median_ns\": %.0f, "
			       "\"uncached_min_ns\": %.0f, \"cached_median_ns\": %.0f, "
			       "\"cached_min_ns\": %.0f, \"cached_hit_rate\": %.4f}",
			       i ? ", " : "", sizes[i], off.median_ns, off.min_ns, on.median_ns,
			       on.min_ns, on.hit_rate);
		else
			printf("%-10" PRIu64 " %16.0f %16.0f %16.0f %16.0f %8.1fx %7.1f%%\n",
			       sizes[i], off.median_ns, off.min_ns, on.median_ns, on.min_ns,
			       on.median_ns > 0 ? off.median_ns / on.median_ns : 0.0,
			       100.0 * on.hit_rate);
	}
	if (json)
		printf("]}\n");
	nova_device_close(dev);
	return 0;
}

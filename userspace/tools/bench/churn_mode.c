// SPDX-License-Identifier: MIT
/*
 * nova-bench --bo-churn: buffer object churn with and without libnova's
 * cache.
 *
 * A driver allocates and frees many short-lived buffers (uploads,
 * staging, command streams). This measures what one create + release pair
 * costs through nova_bo_create() and nova_bo_unref() on one device, for a
 * few sizes, with the buffer cache off (a GEM_CREATE and a GEM_CLOSE each
 * time) and on (reused handles), optionally touching every page through
 * the CPU mapping as a real user would (--touch: first-touch page faults
 * without the cache, a clear of the reused buffer with it). The loop is
 * bo_churn.c's, which nova-bench's libnova rows run too.
 *
 * Each configuration runs --rounds rounds of --iterations pairs after a
 * warm-up round; the figures are the median and the minimum over rounds of
 * the time per pair, and the cache's hit rate. Timings are figures, never
 * pass/fail criteria.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nova/nova.h>
#include "nova_drm.h"	/* NOVA_GETPARAM_PAGE_SIZE; installed as <nova/nova_drm.h> */

#include "bo_churn.h"
#include "../cli.h"
#include "modes.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct result {
	double median_ns;
	double min_ns;
	double hit_rate;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int measure(struct nova_device *dev, const struct bench_churn_options *cfg,
		   uint64_t page_size, uint64_t size, bool cached, struct result *res)
{
	struct nova_bo_cache_stats before = { .struct_size = sizeof(before) };
	struct nova_bo_cache_stats after = { .struct_size = sizeof(after) };
	double per_pair[BENCH_CHURN_MAX_ROUNDS];
	uint64_t lookups;
	int ret;

	ret = nova_device_set_bo_cache(dev, cached);
	if (!ret)
		ret = bench_bo_churn(dev, size, cfg->iterations, cfg->touch, page_size);		/* warm-up */
	if (!ret)
		ret = nova_device_bo_cache_stats(dev, &before);
	for (unsigned int r = 0; !ret && r < cfg->rounds; r++) {
		uint64_t t0 = now_ns();

		ret = bench_bo_churn(dev, size, cfg->iterations, cfg->touch, page_size);
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

int bench_churn_main(const char *prog, const struct bench_churn_options *cfg)
{
	struct nova_device *dev;
	uint64_t page_size;
	int ret;

	if (cli_open_nova(prog, &dev))
		return 1;
	ret = nova_device_get_param(dev, NOVA_GETPARAM_PAGE_SIZE, &page_size);
	if (ret || !page_size)
		page_size = 4096;

	if (cfg->json)
		printf("{\"iterations\": %" PRIu64 ", \"rounds\": %u, \"touch\": %s, \"results\": [",
		       cfg->iterations, cfg->rounds, cfg->touch ? "true" : "false");
	else
		printf("%-10s %16s %16s %16s %16s %9s %8s\n", "size", "uncached med ns",
		       "uncached min ns", "cached med ns", "cached min ns", "speedup", "hits");

	for (unsigned int i = 0; i < cfg->nsizes; i++) {
		struct result off, on;

		fprintf(stderr, "%s: size %" PRIu64 ": %" PRIu64 " pairs x %u rounds, cache off, then on\n",
			prog, cfg->sizes[i], cfg->iterations, cfg->rounds);
		ret = measure(dev, cfg, page_size, cfg->sizes[i], false, &off);
		if (!ret)
			ret = measure(dev, cfg, page_size, cfg->sizes[i], true, &on);
		if (ret) {
			fprintf(stderr, "%s: size %" PRIu64 ": %s\n", prog, cfg->sizes[i], strerror(-ret));
			nova_device_close(dev);
			return 1;
		}
		if (cfg->json)
			printf("%s{\"size\": %" PRIu64 ", \"uncached_median_ns\": %.0f, "
			       "\"uncached_min_ns\": %.0f, \"cached_median_ns\": %.0f, "
			       "\"cached_min_ns\": %.0f, \"cached_hit_rate\": %.4f}",
			       i ? ", " : "", cfg->sizes[i], off.median_ns, off.min_ns, on.median_ns,
			       on.min_ns, on.hit_rate);
		else
			printf("%-10" PRIu64 " %16.0f %16.0f %16.0f %16.0f %8.1fx %7.1f%%\n",
			       cfg->sizes[i], off.median_ns, off.min_ns, on.median_ns, on.min_ns,
			       on.median_ns > 0 ? off.median_ns / on.median_ns : 0.0,
			       100.0 * on.hit_rate);
	}
	if (cfg->json)
		printf("]}\n");
	nova_device_close(dev);
	return 0;
}

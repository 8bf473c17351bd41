// SPDX-License-Identifier: MIT
/*
 * Timing and round statistics shared by the benchmark tools.
 *
 * The median, not the mean, is the figure: on a shared or emulated machine
 * one round now and then is hit by something else (another guest, a host
 * job), and a mean would carry that round into the result.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats.h"

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int bench_stats_init(struct bench_stats *s, unsigned int count)
{
	memset(s, 0, sizeof(*s));
	s->rounds = calloc(count, sizeof(*s->rounds));
	if (!s->rounds)
		return -ENOMEM;
	s->count = count;
	return 0;
}

void bench_stats_free(struct bench_stats *s)
{
	free(s->rounds);
	s->rounds = NULL;
	s->count = 0;
}

int bench_stats_copy(struct bench_stats *to, const struct bench_stats *from)
{
	int ret = bench_stats_init(to, from->count ? from->count : 1);

	if (ret)
		return ret;
	to->count = from->count;
	if (from->count)
		memcpy(to->rounds, from->rounds, from->count * sizeof(*to->rounds));
	to->median = from->median;
	to->min = from->min;
	to->max = from->max;
	return 0;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void bench_stats_summarize(struct bench_stats *s)
{
	unsigned int n = s->count;
	double *sorted;

	if (!n)
		return;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted) {
		s->median = s->min = s->max = s->rounds[0];
		return;
	}
	memcpy(sorted, s->rounds, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), compare_double);
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	free(sorted);
}

double bench_stats_spread(const struct bench_stats *s)
{
	return s->median > 0 ? 100.0 * (s->max - s->min) / s->median : 0;
}

int bench_alternate(bench_round_fn a, void *actx, struct bench_stats *sa,
		    bench_round_fn b, void *bctx, struct bench_stats *sb,
		    unsigned int chunks)
{
	unsigned int r, k;

	if (!chunks)
		chunks = 1;
	/* Warm-up: first faults of the code and data, caches, lazy allocations. */
	if (a(actx) < 0 || b(bctx) < 0)
		return -EIO;
	for (r = 0; r < sa->count && r < sb->count; r++) {
		double sum_a = 0, sum_b = 0, x, y;

		for (k = 0; k < chunks; k++) {
			x = a(actx);
			if (x < 0)
				return -EIO;
			y = b(bctx);
			if (y < 0)
				return -EIO;
			sum_a += x;
			sum_b += y;
		}
		sa->rounds[r] = sum_a / chunks;
		sb->rounds[r] = sum_b / chunks;
	}
	bench_stats_summarize(sa);
	bench_stats_summarize(sb);
	return 0;
}

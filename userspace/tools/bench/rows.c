// SPDX-License-Identifier: MIT
/*
 * What the groups of rows share: op counts and the A B A B row.
 */
#include <errno.h>
#include <stdio.h>

#include "rows.h"

uint64_t bench_ops(const struct bench_ctx *c, uint64_t full)
{
	uint64_t ops = (c->quick ? full / 100 : full) / (c->chunks ? c->chunks : 1);

	return ops ? ops : 1;
}

int bench_row_pair(struct bench_row *row)
{
	unsigned int r, n = row->value.count;

	if (n != row->ref.count || bench_stats_init(&row->ratios, n ? n : 1))
		return -ENOMEM;
	row->ratios.count = n;
	for (r = 0; r < n; r++)
		row->ratios.rounds[r] = row->ref.rounds[r] > 0 ?
					row->value.rounds[r] / row->ref.rounds[r] : 0;
	bench_stats_summarize(&row->ratios);
	row->paired = true;
	return 0;
}

int bench_ab_row(struct bench_ctx *c, const char *group, const char *name,
		 const char *reference, const char *unit, uint64_t chunk_ops,
		 bench_round_fn a, void *actx, bench_round_fn b, void *bctx)
{
	struct bench_row *row = bench_report_add(c->report, group);
	int ret;

	if (!row)
		return -ENOSPC;
	snprintf(row->name, sizeof(row->name), "%s", name);
	snprintf(row->reference, sizeof(row->reference), "%s", reference);
	row->unit = unit;
	row->ops = chunk_ops * c->chunks;
	fprintf(stderr, "%s: %s vs %s: %u rounds of %u x %llu, interleaved...\n", c->prog,
		name, reference, c->rounds, c->chunks, (unsigned long long)chunk_ops);
	if (bench_stats_init(&row->value, c->rounds) || bench_stats_init(&row->ref, c->rounds)) {
		c->report->nrows--;
		bench_stats_free(&row->value);
		bench_stats_free(&row->ref);
		return -ENOMEM;
	}
	ret = bench_alternate(a, actx, &row->value, b, bctx, &row->ref, c->chunks);
	if (!ret)
		ret = bench_row_pair(row);
	if (ret) {
		c->report->nrows--;	/* a half-measured row is no row */
		bench_stats_free(&row->value);
		bench_stats_free(&row->ref);
	}
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * nova-bench's rows and their output: a table for people, JSON for tools.
 *
 * Every row says what was measured, how many operations a round had, the
 * median and the spread over the rounds, and the same for its reference,
 * with the ratio of the medians: the ratio is the figure that survives an
 * emulated or shared machine, the absolute times are not.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../cli.h"
#include "report.h"

struct bench_row *bench_report_add(struct bench_report *r, const char *group)
{
	struct bench_row *row;

	if (r->nrows == BENCH_MAX_ROWS)
		return NULL;
	row = &r->rows[r->nrows++];
	memset(row, 0, sizeof(*row));
	snprintf(row->group, sizeof(row->group), "%s", group);
	row->unit = "ns/op";
	return row;
}

void bench_report_skip(struct bench_report *r, const char *group, const char *fmt, ...)
{
	struct bench_skipped *s;
	va_list ap;

	if (r->nskipped == BENCH_MAX_SKIPPED)
		return;
	s = &r->skipped[r->nskipped++];
	snprintf(s->group, sizeof(s->group), "%s", group);
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
}

double bench_row_ratio(const struct bench_row *row)
{
	if (!row->reference[0] || row->ref.median <= 0)
		return 0;
	if (row->paired)
		return row->ratios.median;
	return row->value.median / row->ref.median;
}

void bench_report_free(struct bench_report *r)
{
	unsigned int i;

	for (i = 0; i < r->nrows; i++) {
		bench_stats_free(&r->rows[i].value);
		bench_stats_free(&r->rows[i].ref);
		bench_stats_free(&r->rows[i].ratios);
	}
	r->nrows = 0;
}

/* --- table ------------------------------------------------------------------ */

/* A figure in a fixed width: ns get no decimals, small values two. */
static void print_figure(double v)
{
	if (v >= 100)
		printf(" %10.0f", v);
	else
		printf(" %10.2f", v);
}

void bench_report_print_table(const struct bench_report *r)
{
	const struct bench_machine *m = &r->machine;
	const char *last_group = "";
	unsigned int i;

	printf("nova-bench: nova %s, vgem %s\n", r->nova_node[0] ? r->nova_node : "-",
	       r->vgem_node[0] ? r->vgem_node : "-");
	printf("machine: %s (%s), kernel %s, cpu %s\n", m->accel, m->how, m->kernel, m->cpu);
	if (m->emulated)
		printf("WARNING: %s emulates the CPU: absolute times are emulated, not what\n"
		       "         hardware takes; compare the ratios, measured in the same run.\n",
		       m->accel);
	printf("%u rounds per row; within a round, %u calls of the row and %u of its reference\n"
	       "alternate (A B A B); median and spread ((max - min) / median) over the rounds;\n"
	       "ratio = median over the rounds of row / reference in the same round (rows\n"
	       "against another row: median / reference median); ops = operations per round.\n\n",
	       r->rounds, r->chunks, r->chunks);

	printf("%-40s %8s %10s %10s %7s  %-34s %10s %7s %7s\n", "row", "ops", "unit", "median",
	       "spread", "reference", "median", "spread", "ratio");
	for (i = 0; i < r->nrows; i++) {
		const struct bench_row *row = &r->rows[i];

		if (strcmp(last_group, row->group))
			printf("[%s]\n", row->group);
		last_group = row->group;
		printf("%-40s %8llu %10s", row->name, (unsigned long long)row->ops, row->unit);
		print_figure(row->value.median);
		printf(" %6.1f%%", bench_stats_spread(&row->value));
		if (row->reference[0]) {
			printf("  %-34s", row->reference);
			print_figure(row->ref.median);
			printf(" %6.1f%% %6.2fx\n", bench_stats_spread(&row->ref),
			       bench_row_ratio(row));
		} else {
			printf("  %-34s %10s %7s %7s\n", "-", "-", "-", "-");
		}
	}
	for (i = 0; i < r->nskipped; i++)
		printf("[%s] not measured: %s\n", r->skipped[i].group, r->skipped[i].reason);
}

/* --- JSON ------------------------------------------------------------------- */

static void print_json_stats(const struct bench_stats *s)
{
	unsigned int i;

	printf("{\"median\": %.3f, \"min\": %.3f, \"max\": %.3f, \"spread_percent\": %.2f, "
	       "\"rounds\": [", s->median, s->min, s->max, bench_stats_spread(s));
	for (i = 0; i < s->count; i++)
		printf("%s%.3f", i ? ", " : "", s->rounds[i]);
	printf("]}");
}

void bench_report_print_json(const struct bench_report *r)
{
	const struct bench_machine *m = &r->machine;
	unsigned int i;

	printf("{\n  \"tool\": \"nova-bench\",\n  \"machine\": {\"accel\": ");
	cli_print_json_string(m->accel);
	printf(", \"hypervisor_signature\": ");
	cli_print_json_string(m->signature);
	printf(", \"detected_by\": ");
	cli_print_json_string(m->how);
	printf(", \"emulated\": %s, \"kernel\": ", m->emulated ? "true" : "false");
	cli_print_json_string(m->kernel);
	printf(", \"cpu\": ");
	cli_print_json_string(m->cpu);
	printf("},\n  \"rounds\": %u,\n  \"calls_per_round\": %u,\n  \"nova_node\": ",
	       r->rounds, r->chunks);
	cli_print_json_string(r->nova_node);
	printf(",\n  \"vgem_node\": ");
	cli_print_json_string(r->vgem_node);
	printf(",\n  \"rows\": [");
	for (i = 0; i < r->nrows; i++) {
		const struct bench_row *row = &r->rows[i];

		printf("%s\n    {\"group\": ", i ? "," : "");
		cli_print_json_string(row->group);
		printf(", \"name\": ");
		cli_print_json_string(row->name);
		printf(", \"unit\": ");
		cli_print_json_string(row->unit);
		printf(", \"ops_per_round\": %llu,\n     \"value\": ", (unsigned long long)row->ops);
		print_json_stats(&row->value);
		if (row->reference[0]) {
			printf(",\n     \"reference\": {\"name\": ");
			cli_print_json_string(row->reference);
			printf(", \"value\": ");
			print_json_stats(&row->ref);
			/* Significant digits, not decimals: a ratio may be far below 0.1. */
			printf("},\n     \"paired\": %s, \"ratio\": %.6g", row->paired ? "true" : "false",
			       bench_row_ratio(row));
			if (row->paired) {
				printf(", \"ratio_rounds\": ");
				print_json_stats(&row->ratios);
			}
			printf("}");
		} else {
			printf(",\n     \"reference\": null, \"ratio\": null}");
		}
	}
	printf("\n  ],\n  \"not_measured\": [");
	for (i = 0; i < r->nskipped; i++) {
		printf("%s\n    {\"group\": ", i ? "," : "");
		cli_print_json_string(r->skipped[i].group);
		printf(", \"reason\": ");
		cli_print_json_string(r->skipped[i].reason);
		printf("}");
	}
	printf("%s]\n}\n", r->nskipped ? "\n  " : "");
}

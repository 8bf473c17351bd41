/* SPDX-License-Identifier: MIT */
/*
 * nova-bench's rows and their output: a table for people, JSON for tools.
 */
#ifndef NOVA_BENCH_REPORT_H
#define NOVA_BENCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "stats.h"

#define BENCH_MAX_ROWS		48
#define BENCH_MAX_SKIPPED	8

/**
 * struct bench_row - one measured figure and what it is compared with
 * @group: "ioctl", "gem", "touch", "vm", "libnova", "exec"
 * @name: what was measured
 * @unit: of the figures ("ns/op", "bytes/mapping")
 * @ops: operations per round
 * @value: the figure over the rounds
 * @reference: what @ref is ("" when the row has no reference)
 * @ref: the reference's figure: the same run's other half (rounds
 *       alternated with @value), or a copy of another row's @value
 * @paired: @ref was measured in the same rounds as @value; @ratios then
 *          holds each round's value / reference, and the row's ratio is
 *          their median (a round's two sides saw the same machine)
 */
struct bench_row {
	char group[16];
	char name[64];
	const char *unit;
	uint64_t ops;
	struct bench_stats value;
	char reference[64];
	struct bench_stats ref;
	bool paired;
	struct bench_stats ratios;
};

struct bench_skipped {
	char group[16];
	char reason[160];
};

struct bench_machine {
	char accel[16];		/* "TCG", "KVM", "bare metal", another hypervisor */
	char signature[16];	/* CPUID hypervisor signature, "" if none */
	char how[64];		/* how @accel was found */
	char kernel[96];	/* uname -r */
	char cpu[96];		/* model name */
	bool emulated;		/* TCG: absolute times mean little */
};

struct bench_report {
	struct bench_machine machine;
	unsigned int rounds;
	unsigned int chunks;	/* interleaved calls per side per round */
	char nova_node[64];
	char vgem_node[64];
	struct bench_row rows[BENCH_MAX_ROWS];
	unsigned int nrows;
	struct bench_skipped skipped[BENCH_MAX_SKIPPED];
	unsigned int nskipped;
};

/* A new row (zeroed, group set), or NULL when the table is full. */
struct bench_row *bench_report_add(struct bench_report *r, const char *group);

/* Record a group that could not be measured, and why (printed in both outputs). */
void bench_report_skip(struct bench_report *r, const char *group, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The median of the per-round ratios for a paired row, else value.median /
 * ref.median; 0 when there is no reference.
 */
double bench_row_ratio(const struct bench_row *row);

void bench_report_print_table(const struct bench_report *r);
void bench_report_print_json(const struct bench_report *r);
void bench_report_free(struct bench_report *r);

#endif

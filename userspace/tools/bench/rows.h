/* SPDX-License-Identifier: MIT */
/*
 * nova-bench's groups of rows; each measures nova next to its reference in
 * the same run and adds its rows to the report.
 */
#ifndef NOVA_BENCH_ROWS_H
#define NOVA_BENCH_ROWS_H

#include <stdint.h>

#include "report.h"
#include "stats.h"
#include "vm_bind.h"

struct nova_device;

/**
 * struct bench_ctx - what every group needs
 * @prog: prefix of progress and error lines
 * @report: where the rows go
 * @rounds: timed rounds per row (after one warm-up round)
 * @quick: divide the operations per round by 100 (a smoke run)
 * @chunks: each round of an A/B row is this many calls of each side,
 *          interleaved (BENCH_CHUNKS, 1 when quick)
 * @dev: the nova device; @nova_fd its fd (a render node)
 * @vgem_fd: vgem's primary node, or < 0 when there is none
 * @vm: options of the VM_BIND group
 */
struct bench_ctx {
	const char *prog;
	struct bench_report *report;
	unsigned int rounds;
	int quick;
	unsigned int chunks;
	struct nova_device *dev;
	int nova_fd;
	int vgem_fd;
	struct vm_bench_options vm;
};

#define BENCH_CHUNKS	10

/*
 * Operations per call of a round function, for @full operations per round:
 * full / chunks, a hundredth of it when quick, at least 1.
 */
uint64_t bench_ops(const struct bench_ctx *c, uint64_t full);

/*
 * A row timed against its reference: @a (nova) and @b (the reference)
 * alternate, c->chunks calls of @chunk_ops operations each per round.
 * 0, -ENOSPC when the report is full, -ENOMEM, or -EIO when an operation
 * failed.
 */
int bench_ab_row(struct bench_ctx *c, const char *group, const char *name,
		 const char *reference, const char *unit, uint64_t chunk_ops,
		 bench_round_fn a, void *actx, bench_round_fn b, void *bctx);

/*
 * @row's value and ref were measured in the same rounds: set its per-round
 * ratios and mark it paired. 0 or -ENOMEM.
 */
int bench_row_pair(struct bench_row *row);

/* The groups: 0 or -errno; each reports what it could not measure. */
int bench_ioctl_rows(struct bench_ctx *c);
int bench_gem_rows(struct bench_ctx *c);
int bench_touch_rows(struct bench_ctx *c);
int bench_vm_rows(struct bench_ctx *c);
int bench_libnova_rows(struct bench_ctx *c);
int bench_exec_rows(struct bench_ctx *c);

#endif

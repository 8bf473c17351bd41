/* SPDX-License-Identifier: MIT */
/*
 * nova-bench's two single-measurement modes, beside its table of rows:
 * --bo-churn (churn_mode.c) and --vm-scaling (scaling_mode.c). nova-bench.c
 * parses every option once and hands each mode its own.
 */
#ifndef NOVA_BENCH_MODES_H
#define NOVA_BENCH_MODES_H

#include <stdbool.h>
#include <stdint.h>

#include "vm_bind.h"

#define BENCH_CHURN_MAX_SIZES	16
#define BENCH_CHURN_MAX_ROUNDS	101

struct bench_churn_options {
	uint64_t sizes[BENCH_CHURN_MAX_SIZES];
	unsigned int nsizes;
	uint64_t iterations;	/* create + release pairs per round */
	unsigned int rounds;	/* odd, at most BENCH_CHURN_MAX_ROUNDS */
	bool touch;
	bool json;
};

/* Exit status: 0, 1 when a call failed. */
int bench_churn_main(const char *prog, const struct bench_churn_options *cfg);
int bench_scaling_main(const char *prog, const struct vm_bench_options *opt, bool json);

#endif

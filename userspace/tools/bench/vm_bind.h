/* SPDX-License-Identifier: MIT */
/*
 * What VM_BIND costs as the VA space fills up: the measurement behind
 * nova-bench --vm-scaling and nova-bench's VM_BIND rows.
 */
#ifndef NOVA_BENCH_VM_BIND_H
#define NOVA_BENCH_VM_BIND_H

#include <stdbool.h>
#include <stdint.h>

#include "stats.h"

#define VM_BENCH_MAX_LEVELS	3	/* 1 thousand, 64 thousand, 1 million */

struct nova_device;
struct nova_vm;
struct nova_bo;

struct vm_bench_options {
	uint64_t max_live;	/* cap of the live set sizes */
	unsigned int rounds;
	unsigned int pairs;	/* MAP+UNMAP pairs per round */
	unsigned int batch;	/* pairs per call in batched mode */
	uint64_t ref_live;	/* live set of a reference VA space, 0: none */
};

struct vm_bench_level {
	uint64_t live;
	double build_seconds;
	double build_ns_per_map;
	bool have_kernel_bytes;
	uint64_t kernel_mappings;
	uint64_t kernel_mapping_bytes;
	struct bench_stats single;	/* ns per operation */
	struct bench_stats batched;
	/*
	 * uAPI 5: single operations with NOVA_VM_BIND_ASYNC, to the last
	 * signalled; no rounds (count 0) on an older driver.
	 */
	struct bench_stats async_single;
	unsigned int batch_ops;		/* operations per batched call */
	/* The reference VA space, timed in the same rounds (if opt.ref_live). */
	struct bench_stats ref_single;
	struct bench_stats ref_batched;
};

struct vm_bench {
	const char *prog;	/* prefix of the progress lines */
	struct vm_bench_options opt;
	struct nova_device *dev;
	struct nova_vm *vm;
	struct nova_bo *bo;
	uint64_t unit;		/* VA_ALIGNMENT */
	uint64_t live;		/* mappings built so far */
	int fd;			/* the device's, for the raw asynchronous VM_BIND */
	uint32_t timeline;	/* signalled by the asynchronous rounds; 0: none */
	uint64_t point;
	char debugfs[320];	/* "" when unknown */
	struct vm_bench_level levels[VM_BENCH_MAX_LEVELS];
	unsigned int nlevels;
	/*
	 * With opt.ref_live: a second open file of the same device, so a VA
	 * space of its own, holding opt.ref_live mappings; each round times it
	 * right after the measured space, so the ratio of the two is paired.
	 */
	struct vm_bench *ref;
};

/* The live set sizes: 1k, 64k, 1M, capped at opt.max_live. */
void vm_bench_plan(struct vm_bench *b);

/*
 * Build each live set and time it; progress on stderr. On failure,
 * b->nlevels counts the levels measured completely. 0 or -errno.
 */
int vm_bench_run(struct vm_bench *b);

/* Frees the rounds of every level. */
void vm_bench_fini(struct vm_bench *b);

/* Kernel bytes per mapping of a level (have_kernel_bytes must be set). */
double vm_bench_bytes_per_mapping(const struct vm_bench_level *lv);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Buffer object churn through libnova: the loop behind nova-bench
 * --bo-churn and nova-bench's libnova rows.
 */
#ifndef NOVA_BENCH_BO_CHURN_H
#define NOVA_BENCH_BO_CHURN_H

#include <stdbool.h>
#include <stdint.h>

struct nova_device;

/*
 * @iterations nova_bo_create() + nova_bo_unref() pairs of @size bytes on
 * @dev, whatever its buffer cache is set to; with @touch, one byte per
 * @page_size written through the CPU mapping of each buffer first.
 * 0 or the first error.
 */
int bench_bo_churn(struct nova_device *dev, uint64_t size, uint64_t iterations,
		   bool touch, uint64_t page_size);

#endif

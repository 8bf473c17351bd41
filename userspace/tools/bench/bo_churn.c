// SPDX-License-Identifier: MIT
/*
 * Buffer object churn through libnova: what a driver that allocates and
 * frees many short-lived buffers (uploads, staging, command streams) pays
 * per buffer. With the device's cache off each pair is a GEM_CREATE and a
 * GEM_CLOSE; with it on, the pairs after the first reuse a cached handle.
 */
#include <nova/nova.h>

#include "bo_churn.h"

int bench_bo_churn(struct nova_device *dev, uint64_t size, uint64_t iterations,
		   bool touch, uint64_t page_size)
{
	for (uint64_t i = 0; i < iterations; i++) {
		struct nova_bo *bo;
		int ret = nova_bo_create(dev, size, &bo);

		if (ret)
			return ret;
		if (touch) {
			volatile uint8_t *p;

			ret = nova_bo_map(bo, (void **)&p);
			if (ret) {
				nova_bo_unref(bo);
				return ret;
			}
			for (uint64_t off = 0; off < nova_bo_size(bo); off += page_size)
				p[off] = 1;
		}
		nova_bo_unref(bo);
	}
	return 0;
}

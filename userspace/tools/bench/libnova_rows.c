// SPDX-License-Identifier: MIT
/*
 * libnova rows: buffer churn through the library.
 *
 * Without a cache, nova_bo_create() + nova_bo_destroy() is the raw
 * GEM_CREATE + GEM_CLOSE plus the library's own work (the nova_bo
 * allocation, its bookkeeping), so the raw ioctls are the reference.
 *
 * HOOK (issue 5): when libnova's buffer cache lands, add here the row
 * "libnova churn 64 KiB, cache on" with this "cache off" row's figure as
 * its reference (bench_ab_row() with the cache enabled on one device and
 * disabled on another), and drop the bench_report_skip() below.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <drm.h>
#include <nova/nova.h>

#include "nova_drm.h"
#include "rows.h"

#define CHURN_SIZE	65536u

struct churn_ctx {
	const char *prog;
	struct nova_device *dev;
	uint64_t ops;
};

static double library_round(void *p)
{
	struct churn_ctx *c = p;
	double start = bench_now_ns();
	struct nova_bo *bo;
	uint64_t i;
	int ret;

	for (i = 0; i < c->ops; i++) {
		ret = nova_bo_create(c->dev, CHURN_SIZE, &bo);
		if (ret) {
			fprintf(stderr, "%s: nova_bo_create() failed: %s\n", c->prog, strerror(-ret));
			return -1;
		}
		nova_bo_destroy(bo);
	}
	return (bench_now_ns() - start) / (double)c->ops;
}

static double raw_round(void *p)
{
	struct churn_ctx *c = p;
	int fd = nova_device_fd(c->dev);
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops; i++) {
		struct drm_nova_gem_create cr = { .size = CHURN_SIZE };
		struct drm_gem_close cl = { 0 };

		if (ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &cr)) {
			fprintf(stderr, "%s: GEM_CREATE failed: %m\n", c->prog);
			return -1;
		}
		cl.handle = cr.handle;
		if (ioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl)) {
			fprintf(stderr, "%s: GEM_CLOSE failed: %m\n", c->prog);
			return -1;
		}
	}
	return (bench_now_ns() - start) / (double)c->ops;
}

int bench_libnova_rows(struct bench_ctx *c)
{
	struct churn_ctx churn = { c->prog, c->dev, bench_ops(c, 2000) };
	int ret;

	ret = bench_ab_row(c, "libnova", "libnova bo create+destroy 64 KiB",
			   "raw GEM_CREATE+GEM_CLOSE 64 KiB", "ns/pair", churn.ops,
			   library_round, &churn, raw_round, &churn);
	if (ret)
		return ret;
	bench_report_skip(c->report, "libnova", "create/free churn with the buffer cache: "
			  "libnova has no buffer cache yet (issue 5); hook in bench/libnova_rows.c");
	return 0;
}

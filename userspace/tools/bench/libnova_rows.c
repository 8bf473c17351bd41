// SPDX-License-Identifier: MIT
/*
 * libnova rows: buffer churn through the library (the loop of
 * nova-bench --bo-churn, bo_churn.c).
 *
 * With the buffer cache off, nova_bo_create() + nova_bo_unref() is the raw
 * GEM_CREATE + GEM_CLOSE plus the library's own work (the nova_bo
 * allocation, its handle table, its lock), so the raw ioctls are that row's
 * reference. With the cache on, the reference is the same churn with the
 * cache off: what the cache saves. The two sides use two open devices, one
 * with the cache on and one with it off, so the rounds can alternate
 * without switching the cache (which would empty it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <drm.h>
#include <nova/nova.h>

#include "nova_drm.h"
#include "bo_churn.h"
#include "rows.h"

struct churn_ctx {
	const char *prog;
	struct nova_device *dev;
	uint64_t size;
	uint64_t ops;
};

static double library_round(void *p)
{
	struct churn_ctx *c = p;
	double start = bench_now_ns();
	int ret = bench_bo_churn(c->dev, c->size, c->ops, false, 0);

	if (ret) {
		fprintf(stderr, "%s: libnova churn failed: %s\n", c->prog, strerror(-ret));
		return -1;
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
		struct drm_nova_gem_create cr = { .size = c->size };
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

/* A second open device with the cache on, the caller's with it off. */
static int cache_rows(struct bench_ctx *c, struct nova_device *off)
{
	static const uint64_t sizes[] = { 65536, 2u << 20 };
	struct nova_bo_cache_stats stats = { .struct_size = sizeof(stats) };
	const char *path = nova_device_node_path(off);
	struct nova_device *on = NULL;
	unsigned int i;
	int ret;

	ret = path ? nova_device_open_path(path, &on) : -ENODEV;
	if (!ret)
		ret = nova_device_set_bo_cache(on, 1);
	for (i = 0; !ret && i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct churn_ctx cached = { c->prog, on, sizes[i], bench_ops(c, 2000) };
		struct churn_ctx uncached = { c->prog, off, sizes[i], cached.ops };
		char name[64], ref[64];
		const char *sz = sizes[i] >= (1u << 20) ? "2 MiB" : "64 KiB";

		snprintf(name, sizeof(name), "libnova churn %s, cache on", sz);
		snprintf(ref, sizeof(ref), "libnova churn %s, cache off", sz);
		ret = bench_ab_row(c, "libnova", name, ref, "ns/pair", cached.ops,
				   library_round, &cached, library_round, &uncached);
	}
	/* A "cache on" row whose cache never hit would not be one. */
	if (!ret)
		ret = nova_device_bo_cache_stats(on, &stats);
	if (!ret && !stats.hits) {
		fprintf(stderr, "%s: the buffer cache never hit\n", c->prog);
		ret = -EPROTO;
	}
	if (on)
		nova_device_close(on);	/* releases what it cached */
	return ret;
}

int bench_libnova_rows(struct bench_ctx *c)
{
	struct churn_ctx churn = { c->prog, c->dev, 65536, bench_ops(c, 2000) };
	int ret;

	/* c->dev has its cache off (nova-bench.c): the other rows need real ioctls. */
	ret = bench_ab_row(c, "libnova", "libnova churn 64 KiB, cache off",
			   "raw GEM_CREATE+GEM_CLOSE 64 KiB", "ns/pair", churn.ops,
			   library_round, &churn, raw_round, &churn);
	if (ret)
		return ret;
	return cache_rows(c, c->dev);
}

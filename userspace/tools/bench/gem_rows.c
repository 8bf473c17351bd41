// SPDX-License-Identifier: MIT
/*
 * GEM objects: create + close, and the first CPU write of a new mapping,
 * nova against vgem.
 *
 * vgem is the reference because it is the kernel's own minimal GEM driver
 * on the same shmem helper as nova (DRM_GEM_SHMEM_DRIVER_OPS in 6.1): what
 * nova adds on top, its C++ logic's validation and accounting, is what the
 * ratio shows. vgem creates through DRM_IOCTL_MODE_CREATE_DUMB, which takes
 * width, height and bits per pixel: 1024 pixels of 32 bits are one 4 KiB
 * row, so a size of N KiB is N / 4 rows; the size the kernel reports back is
 * checked, so that both sides really create the same size.
 *
 * The first-touch rows write the whole buffer (memset) through a fresh
 * mapping of a fresh object. The first row times the write alone; the
 * second times mmap() and the write together, because in 6.1 the shmem
 * helper's mmap (drm_gem_shmem_mmap()) already allocates and zeroes every
 * page (drm_gem_shmem_get_pages()), so the write itself only takes the
 * faults that insert those pages. Creating, unmapping and closing are never
 * timed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <drm.h>
#include <drm_mode.h>

#include "nova_drm.h"
#include "rows.h"

#define DUMB_WIDTH	1024u	/* pixels of ... */
#define DUMB_BPP	32u	/* ... 4 bytes: one 4 KiB row */

struct gem_ctx {
	const char *prog;
	int fd;
	uint64_t size;
	uint64_t ops;
	int time_mmap;		/* first-touch rows: mmap() is in the timed part */
};

static int close_handle(const struct gem_ctx *g, uint32_t handle)
{
	struct drm_gem_close cl = { .handle = handle };

	if (ioctl(g->fd, DRM_IOCTL_GEM_CLOSE, &cl)) {
		fprintf(stderr, "%s: GEM_CLOSE failed: %m\n", g->prog);
		return -1;
	}
	return 0;
}

static int nova_create(const struct gem_ctx *g, uint32_t *handle)
{
	struct drm_nova_gem_create cr = { .size = g->size };

	if (ioctl(g->fd, DRM_IOCTL_NOVA_GEM_CREATE, &cr)) {
		fprintf(stderr, "%s: nova GEM_CREATE of %llu bytes failed: %m\n", g->prog,
			(unsigned long long)g->size);
		return -1;
	}
	*handle = cr.handle;
	return 0;
}

static int vgem_create(const struct gem_ctx *g, uint32_t *handle)
{
	struct drm_mode_create_dumb cr = {
		.width = DUMB_WIDTH,
		.height = (uint32_t)(g->size / (DUMB_WIDTH * DUMB_BPP / 8)),
		.bpp = DUMB_BPP,
	};

	if (ioctl(g->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cr)) {
		fprintf(stderr, "%s: vgem CREATE_DUMB of %llu bytes failed: %m\n", g->prog,
			(unsigned long long)g->size);
		return -1;
	}
	*handle = cr.handle;
	if (cr.size != g->size) {
		fprintf(stderr, "%s: vgem made a dumb buffer of %llu bytes, not %llu\n", g->prog,
			(unsigned long long)cr.size, (unsigned long long)g->size);
		close_handle(g, cr.handle);
		return -1;
	}
	return 0;
}

static double create_close_round(struct gem_ctx *g,
				 int (*create)(const struct gem_ctx *, uint32_t *))
{
	double start = bench_now_ns();
	uint32_t handle;
	uint64_t i;

	for (i = 0; i < g->ops; i++)
		if (create(g, &handle) || close_handle(g, handle))
			return -1;
	return (bench_now_ns() - start) / (double)g->ops;
}

static double nova_create_round(void *p)
{
	return create_close_round(p, nova_create);
}

static double vgem_create_round(void *p)
{
	return create_close_round(p, vgem_create);
}

/* --- first touch --------------------------------------------------------------- */

static int nova_offset(const struct gem_ctx *g, uint32_t handle, uint64_t *offset)
{
	struct drm_nova_gem_mmap_offset mo = { .handle = handle };

	if (ioctl(g->fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &mo)) {
		fprintf(stderr, "%s: nova GEM_MMAP_OFFSET failed: %m\n", g->prog);
		return -1;
	}
	*offset = mo.offset;
	return 0;
}

static int vgem_offset(const struct gem_ctx *g, uint32_t handle, uint64_t *offset)
{
	struct drm_mode_map_dumb md = { .handle = handle };

	if (ioctl(g->fd, DRM_IOCTL_MODE_MAP_DUMB, &md)) {
		fprintf(stderr, "%s: vgem MAP_DUMB failed: %m\n", g->prog);
		return -1;
	}
	*offset = md.offset;
	return 0;
}

static double touch_round(struct gem_ctx *g,
			  int (*create)(const struct gem_ctx *, uint32_t *),
			  int (*offset_of)(const struct gem_ctx *, uint32_t, uint64_t *))
{
	double timed = 0, t;
	uint64_t i, offset;
	uint32_t handle;
	void *ptr;

	for (i = 0; i < g->ops; i++) {
		if (create(g, &handle))
			return -1;
		if (offset_of(g, handle, &offset)) {
			close_handle(g, handle);
			return -1;
		}
		t = bench_now_ns();
		ptr = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, (off_t)offset);
		if (ptr == MAP_FAILED) {
			fprintf(stderr, "%s: mmap of a GEM object failed: %m\n", g->prog);
			close_handle(g, handle);
			return -1;
		}
		if (!g->time_mmap)
			t = bench_now_ns();
		memset(ptr, 0xa5, g->size);
		timed += bench_now_ns() - t;
		munmap(ptr, g->size);
		if (close_handle(g, handle))
			return -1;
	}
	return timed / (double)g->ops;
}

static double nova_touch_round(void *p)
{
	return touch_round(p, nova_create, nova_offset);
}

static double vgem_touch_round(void *p)
{
	return touch_round(p, vgem_create, vgem_offset);
}

/* --- the groups ----------------------------------------------------------------- */

static const char *size_name(uint64_t size, char *buf, size_t len)
{
	if (size >= (1u << 20))
		snprintf(buf, len, "%llu MiB", (unsigned long long)(size >> 20));
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long)(size >> 10));
	return buf;
}

int bench_gem_rows(struct bench_ctx *c)
{
	static const uint64_t sizes[] = { 4096, 65536, 2u << 20 };
	unsigned int i;
	int ret;

	if (c->vgem_fd < 0) {
		bench_report_skip(c->report, "gem", "no vgem device (modprobe vgem): no reference");
		return 0;
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct gem_ctx nova = { c->prog, c->nova_fd, sizes[i], bench_ops(c, 2000), 0 };
		struct gem_ctx vgem = { c->prog, c->vgem_fd, sizes[i], nova.ops, 0 };
		char name[64], ref[64], sz[24];

		size_name(sizes[i], sz, sizeof(sz));
		snprintf(name, sizeof(name), "GEM_CREATE+GEM_CLOSE %s", sz);
		snprintf(ref, sizeof(ref), "vgem CREATE_DUMB+GEM_CLOSE %s", sz);
		ret = bench_ab_row(c, "gem", name, ref, "ns/pair", nova.ops,
				   nova_create_round, &nova, vgem_create_round, &vgem);
		if (ret)
			return ret;
	}

	/*
	 * A/A: the same measurement on both sides. Its distance from 1.00x is
	 * what the harness itself (position in the round, drift, deferred work
	 * of one side landing in the other) adds to any ratio of this group.
	 */
	{
		struct gem_ctx nova = { c->prog, c->nova_fd, 65536, bench_ops(c, 2000), 0 };

		return bench_ab_row(c, "gem", "A/A: GEM_CREATE+GEM_CLOSE 64 KiB",
				    "the same, as reference", "ns/pair", nova.ops,
				    nova_create_round, &nova, nova_create_round, &nova);
	}
}

int bench_touch_rows(struct bench_ctx *c)
{
	struct gem_ctx nova = { c->prog, c->nova_fd, 2u << 20, bench_ops(c, 100), 0 };
	struct gem_ctx vgem = { c->prog, c->vgem_fd, 2u << 20, nova.ops, 0 };
	int ret;

	if (c->vgem_fd < 0) {
		bench_report_skip(c->report, "touch", "no vgem device (modprobe vgem): no reference");
		return 0;
	}
	ret = bench_ab_row(c, "touch", "first-touch write 2 MiB (mmap)",
			   "vgem first-touch write 2 MiB", "ns/buffer", nova.ops,
			   nova_touch_round, &nova, vgem_touch_round, &vgem);
	if (ret)
		return ret;
	nova.time_mmap = vgem.time_mmap = 1;
	return bench_ab_row(c, "touch", "mmap + first-touch write 2 MiB",
			    "vgem mmap + first-touch write 2 MiB", "ns/buffer", nova.ops,
			    nova_touch_round, &nova, vgem_touch_round, &vgem);
}

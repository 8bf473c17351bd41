// SPDX-License-Identifier: MIT
/*
 * GETPARAM round trip against the floor of the DRM ioctl path.
 *
 * The floor is an ioctl the DRM core rejects as early as it can while
 * still on the way every driver ioctl takes: the syscall, the fd lookup,
 * the VFS dispatch to drm_ioctl() and drm_ioctl()'s first checks. In 6.1,
 * drm_ioctl() (drivers/gpu/drm/drm_ioctl.c) checks that the device is not
 * unplugged and that the ioctl type is 'd', classifies the number as a
 * driver ioctl (DRM_COMMAND_BASE <= nr < DRM_COMMAND_END), and returns
 * -EINVAL when nr - DRM_COMMAND_BASE is not below the driver's num_ioctls,
 * before any copy_from_user(), allocation, permission check or lock. So
 * DRM_IO(DRM_COMMAND_END - 1), the last driver number, with no payload, is
 * that ioctl: nova will not grow to 96 ioctls, and its own number space is
 * exercised. (A foreign ioctl type would be rejected two comparisons
 * earlier, but then it no longer measures the driver-ioctl dispatch.)
 * Documentation/benchmarks.rst has the full argument.
 *
 * The floor leaves out what every real ioctl with arguments pays in the DRM
 * core: drm_ioctl_kernel() (a second unplug check, drm_ioctl_permit()),
 * copy_from_user() and copy_to_user() of the arguments (with the hardened
 * usercopy checks). So GETPARAM has a second reference that pays exactly
 * that and does no work of its own: the DRM core's DRM_IOCTL_GET_CAP, a 16-byte
 * read-write ioctl like GETPARAM, allowed on render nodes, which for
 * DRM_CAP_TIMESTAMP_MONOTONIC stores 1 and returns. GETPARAM against it is
 * what nova's own code (glue, logic, parameter switch) adds.
 *
 * All of them go through ioctl(2) directly rather than drmIoctl(), which would
 * only add its EINTR loop to both sides.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include <drm.h>

#include "nova_drm.h"
#include "rows.h"

#define FLOOR_IOCTL	DRM_IO(DRM_COMMAND_END - 1)

struct ioctl_ctx {
	int fd;
	uint64_t ops;
	const char *prog;
};

static double getparam_round(void *p)
{
	struct ioctl_ctx *c = p;
	struct drm_nova_getparam gp = { .param = NOVA_GETPARAM_PAGE_SIZE };
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops; i++) {
		if (ioctl(c->fd, DRM_IOCTL_NOVA_GETPARAM, &gp)) {
			fprintf(stderr, "%s: GETPARAM failed: %m\n", c->prog);
			return -1;
		}
	}
	return (bench_now_ns() - start) / (double)c->ops;
}

static double getcap_round(void *p)
{
	struct ioctl_ctx *c = p;
	struct drm_get_cap cap = { .capability = DRM_CAP_TIMESTAMP_MONOTONIC };
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops; i++) {
		if (ioctl(c->fd, DRM_IOCTL_GET_CAP, &cap)) {
			fprintf(stderr, "%s: DRM_IOCTL_GET_CAP failed: %m\n", c->prog);
			return -1;
		}
	}
	return (bench_now_ns() - start) / (double)c->ops;
}

static double floor_round(void *p)
{
	struct ioctl_ctx *c = p;
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops; i++) {
		/* Anything but -EINVAL means it is not the path described above. */
		if (ioctl(c->fd, FLOOR_IOCTL) != -1 || errno != EINVAL) {
			fprintf(stderr, "%s: the floor ioctl 0x%x did not fail with EINVAL: %m\n",
				c->prog, (unsigned int)FLOOR_IOCTL);
			return -1;
		}
	}
	return (bench_now_ns() - start) / (double)c->ops;
}

int bench_ioctl_rows(struct bench_ctx *c)
{
	struct ioctl_ctx ictx = { .fd = c->nova_fd, .ops = bench_ops(c, 20000), .prog = c->prog };
	char floor_name[64];
	int ret;

	snprintf(floor_name, sizeof(floor_name), "floor: unknown driver ioctl 0x%02x",
		 DRM_COMMAND_END - 1);
	ret = bench_ab_row(c, "ioctl", "GETPARAM round trip", floor_name, "ns/op", ictx.ops,
			   getparam_round, &ictx, floor_round, &ictx);
	if (ret)
		return ret;
	return bench_ab_row(c, "ioctl", "GETPARAM round trip", "DRM core GET_CAP (same 16 B in/out)",
			    "ns/op", ictx.ops, getparam_round, &ictx, getcap_round, &ictx);
}

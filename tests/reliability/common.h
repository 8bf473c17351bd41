/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What nova's reliability tools (fuzzer, stress, isolation, unplug) share:
 * finding nova's DRM nodes and its device in sysfs, unbinding and binding
 * it again, raw ioctls that return the errno, the device's limits, a small
 * reproducible PRNG and errno names.
 */
#ifndef NOVA_RELIABILITY_COMMON_H
#define NOVA_RELIABILITY_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xf86drm.h>

#include "nova_drm.h"

enum nova_node { NOVA_NODE_PRIMARY, NOVA_NODE_RENDER };

/*
 * Path of nova's primary (/dev/dri/cardN) or render (/dev/dri/renderDN)
 * node, found by driver name: minors are never assumed. 0 or -ENOENT.
 */
int nova_node_path(enum nova_node node, char *path, size_t len);

/* open(2) of that node, O_RDWR | O_CLOEXEC; -errno on failure. */
int nova_node_open(enum nova_node node);

/*
 * Forgets the nodes nova_node_path() found: after an unplug and a rebind
 * the new device has new minors while a file of the old one is open.
 */
void nova_node_forget(void);

/* Whether the DRM node at @path is nova's (its driver name). */
bool nova_node_is_nova(const char *path);

/* A nova DRM device on a PCI function, and where sysfs has it. */
struct nova_dev {
	char render[64];	/* /dev/dri/renderDN */
	char pci[32];		/* 0000:00:05.0 */
	char aux[64];		/* nova_core.drm.N, the auxiliary device nova binds */
};

/* The first nova device on a PCI function (the one at @pci, unless NULL). */
bool nova_dev_find(struct nova_dev *dev, const char *pci);

/* nova_dev_find() until it succeeds (a probe takes its time), or @seconds. */
bool nova_dev_wait(struct nova_dev *dev, const char *pci, double seconds);

/* Which driver's binding an unplug cuts. */
enum nova_dev_level {
	NOVA_DEV_AUX,		/* nova from nova_core.drm.N */
	NOVA_DEV_FUNCTION,	/* nova_core from the PCI function */
};

/*
 * Unbinds (@bound false) or binds again the driver of @level through
 * sysfs; 0 or the errno. Binding nova_core makes a new auxiliary device:
 * find the device again (nova_dev_wait) before its next unbind.
 */
int nova_dev_set_bound(const struct nova_dev *dev, enum nova_dev_level level, bool bound);

/* Writes @text to the sysfs file @path; 0 or the errno. */
int nova_sysfs_write(const char *path, const char *text);

/* CLOCK_MONOTONIC in seconds. */
double nova_now(void);

/* ioctl(2) retried on EINTR/EAGAIN like drmIoctl; 0 or the errno. */
int nova_ioctl(int fd, unsigned long request, void *arg);

struct nova_limits {
	uint64_t uapi_version;
	uint64_t page;
	uint64_t max_object_size;
	uint64_t budget;
	uint64_t va_start;
	uint64_t va_end;
	uint64_t va_alignment;
	uint64_t max_ops;
	uint64_t max_mappings;	/* 0 before uAPI version 3 */
	/* uAPI version 4 (queues and EXEC); all 0 before. */
	uint64_t max_queues;
	uint64_t exec_max_cmdbufs;
	uint64_t exec_max_syncs;
	uint64_t max_cmdbuf_size;
	uint64_t job_timeout_ms;
	uint64_t call_max_depth;
	uint64_t queue_max_jobs;
};

/* Reads every NOVA_GETPARAM_* limit through @fd; 0 or the errno. */
int nova_read_limits(int fd, struct nova_limits *limits);

/* splitmix64: tiny, fast, and the same sequence everywhere for a seed. */
static inline uint64_t nova_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static inline uint64_t nova_rand_below(uint64_t *state, uint64_t n)
{
	return nova_rand(state) % n;
}

/* "EINVAL", "ENOENT", ... or the number. Returns a static buffer. */
const char *nova_errno_name(int err);

/* /proc/sys/kernel/tainted, or 0 when it cannot be read. */
uint64_t nova_kernel_taint(void);

/* Device-wide counters of nova_stats in debugfs; 0 or -errno. */
struct nova_stats {
	uint64_t objects, object_bytes, files, mappings, mapping_bytes;
};
int nova_read_stats(struct nova_stats *stats);

#endif /* NOVA_RELIABILITY_COMMON_H */

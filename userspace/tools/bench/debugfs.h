/* SPDX-License-Identifier: MIT */
/*
 * The nova device's debugfs directory and its nova_stats counters.
 */
#ifndef NOVA_BENCH_DEBUGFS_H
#define NOVA_BENCH_DEBUGFS_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_DEBUGFS_DRI	"/sys/kernel/debug/dri"

struct nova_device;

/*
 * The debugfs directory of @dev into @dir ("" when it cannot be told):
 * $NOVA_DEBUGFS_DIR, else the node's minor, its twin, or the only
 * directory with nova_stats (as the test suite does).
 */
void bench_find_debugfs(struct nova_device *dev, char *dir, size_t len);

/* One "key: value" line of <dir>/nova_stats; 0 or -errno. */
int bench_read_stat(const char *dir, const char *key, uint64_t *value);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Command-line helpers shared by nova-bench's modes.
 */
#ifndef NOVA_BENCH_CLI_H
#define NOVA_BENCH_CLI_H

#include <stdint.h>

struct nova_device;

/*
 * A positive count, with an optional k (1000) or M (1000000) suffix, of at
 * most @max. 0, or -EINVAL (or -ERANGE) for anything else.
 */
int bench_parse_count(const char *s, uint64_t max, uint64_t *out);

/* A positive byte size with an optional K, M or G (binary) suffix. */
int bench_parse_size(const char *s, uint64_t *out);

/*
 * Opens the first nova device, saying on stderr (prefixed by @prog) why
 * there is none. 0 or -errno.
 */
int bench_open_nova(const char *prog, struct nova_device **dev);

#endif

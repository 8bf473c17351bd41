/* SPDX-License-Identifier: MIT */
/*
 * Command-line helpers shared by the benchmark tools.
 */
#ifndef NOVA_BENCH_CLI_H
#define NOVA_BENCH_CLI_H

#include <stdint.h>

/*
 * A positive count, with an optional k (1000) or M (1000000) suffix, of at
 * most @max. 0, or -EINVAL (or -ERANGE) for anything else.
 */
int bench_parse_count(const char *s, uint64_t max, uint64_t *out);

#endif

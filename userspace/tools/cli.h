/* SPDX-License-Identifier: MIT */
/*
 * Command-line helpers shared by the tools (novainfo, nova-demo, nova-bench):
 * counts, sizes, opening the nova device with one clear message, and
 * JSON strings.
 */
#ifndef NOVA_TOOLS_CLI_H
#define NOVA_TOOLS_CLI_H

#include <stdint.h>

struct nova_device;

/*
 * A positive count, with an optional k (1000) or M (1000000) suffix, of at
 * most @max. 0, or -EINVAL (or -ERANGE) for anything else.
 */
int cli_parse_count(const char *s, uint64_t max, uint64_t *out);

/* A positive byte size with an optional K, M or G (binary) suffix. */
int cli_parse_size(const char *s, uint64_t *out);

/* @s (NULL prints "") as a JSON string: what RFC 8259 requires escaped. */
void cli_print_json_string(const char *s);

/*
 * Opens the first nova device, saying on stderr (prefixed by @prog) why
 * there is none. 0 or -errno.
 */
int cli_open_nova(const char *prog, struct nova_device **dev);

#endif

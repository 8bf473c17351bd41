// SPDX-License-Identifier: MIT
/*
 * Command-line helpers shared by the tools (novainfo, nova-demo, nova-bench):
 * counts, sizes, opening the nova device with one clear message, and
 * JSON strings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nova/nova.h>

#include "cli.h"

int cli_parse_count(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long value;
	uint64_t scale = 1;
	char *end;

	/* strtoull() would take "-1" as a huge number. */
	if (*s == '-' || *s == '\0')
		return -EINVAL;
	errno = 0;
	value = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (*end == 'k' || *end == 'K')
		scale = 1000;
	else if (*end == 'm' || *end == 'M')
		scale = 1000000;
	if (scale != 1)
		end++;
	if (*end != '\0' || !value || value > max / scale)
		return -EINVAL;
	*out = value * scale;
	return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	unsigned long long value;
	unsigned int shift = 0;
	char *end;

	if (*s == '-' || *s == '\0')
		return -EINVAL;
	errno = 0;
	value = strtoull(s, &end, 0);
	if (errno)
		return -errno;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || !value || value > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)value << shift;
	return 0;
}

int cli_open_nova(const char *prog, struct nova_device **dev)
{
	int ret = nova_device_open(dev);

	if (ret == -ENODEV)
		fprintf(stderr, "%s: no nova device found: no DRM node under /dev/dri "
			"belongs to the \"nova\" driver (is nova.ko loaded?)\n", prog);
	else if (ret)
		fprintf(stderr, "%s: opening the nova device failed: %s\n", prog, strerror(-ret));
	return ret;
}

void cli_print_json_string(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

// SPDX-License-Identifier: MIT
/*
 * Command-line helpers shared by the benchmark tools.
 */
#include <errno.h>
#include <stdlib.h>

#include "cli.h"

int bench_parse_count(const char *s, uint64_t max, uint64_t *out)
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

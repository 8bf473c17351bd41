// SPDX-License-Identifier: MIT
/*
 * nova-demo - the smallest complete nova client, step by step.
 *
 * It opens the first nova device, creates a buffer object, fills it through
 * one CPU mapping, drops that mapping, maps the object afresh and checks that
 * the data survived: the data lives in the object, not in a mapping. Each
 * step is printed in plain words so that the output explains itself.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nova/nova.h>
#include "nova_drm.h"	/* the uAPI; installed as <nova/nova_drm.h> */

#define DEFAULT_SIZE (1ull << 20)

static const char *prog;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [--size N] [--help]\n"
		"\n"
		"Create a nova buffer object, write a pattern through one CPU mapping,\n"
		"read it back through a second, fresh mapping and check it.\n"
		"\n"
		"  --size N   buffer size in bytes, with an optional K, M or G suffix\n"
		"             (powers of 1024); default 1M\n"
		"  --help     show this help\n"
		"\n"
		"Exit status: 0 when every step succeeded and the data matched, 1\n"
		"otherwise, 2 on a usage error.\n",
		prog);
}

static int parse_size(const char *s, uint64_t *size)
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

	switch (*end) {
	case 'G': case 'g': shift = 30; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'K': case 'k': shift = 10; end++; break;
	}
	if (*end != '\0')
		return -EINVAL;
	if (shift && value > (UINT64_MAX >> shift))
		return -ERANGE;

	*size = (uint64_t)value << shift;
	return 0;
}

/* Report a failed step and make main() exit non-zero. */
static int fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s failed: %s\n", prog, what, strerror(-err));
	return 1;
}

/*
 * A pattern in which every 64-bit word differs from its neighbours and from
 * zero, so that a lost write, a shifted page or a zero page all show up.
 */
static uint64_t pattern(uint64_t word)
{
	return (word + 1) * 0x9e3779b97f4a7c15ull;
}

static uint64_t count_nonzero(const uint64_t *p, uint64_t words)
{
	uint64_t i, n = 0;

	for (i = 0; i < words; i++)
		n += p[i] != 0;
	return n;
}

static void write_pattern(uint64_t *p, uint64_t words)
{
	uint64_t i;

	for (i = 0; i < words; i++)
		p[i] = pattern(i);
}

static uint64_t check_pattern(const uint64_t *p, uint64_t words)
{
	uint64_t i, bad = 0;

	for (i = 0; i < words; i++) {
		if (p[i] == pattern(i))
			continue;
		if (!bad)
			fprintf(stderr,
				"%s: first mismatch at byte offset %" PRIu64
				": read 0x%016" PRIx64 ", expected 0x%016" PRIx64 "\n",
				prog, i * 8, p[i], pattern(i));
		bad++;
	}
	return bad;
}

static int run(struct nova_device *dev, uint64_t size)
{
	uint64_t words, bad, nonzero, info_size, page_size = 0;
	struct nova_bo *bo;
	void *map;
	int ret, status = 1;

	nova_device_get_param(dev, NOVA_GETPARAM_PAGE_SIZE, &page_size);

	ret = nova_bo_create(dev, size, &bo);
	if (ret)
		return fail("creating the buffer object (GEM_CREATE)", ret);
	printf("2. Created buffer object: handle %" PRIu32 ", %" PRIu64
	       " bytes requested, %" PRIu64 " bytes allocated (rounded up to the %"
	       PRIu64 "-byte page size).\n",
	       nova_bo_handle(bo), size, nova_bo_size(bo), page_size);

	/* Objects are page multiples, so the size is a whole number of words. */
	words = nova_bo_size(bo) / sizeof(uint64_t);

	ret = nova_bo_map(bo, &map);
	if (ret) {
		fail("mapping the buffer (GEM_MMAP_OFFSET + mmap)", ret);
		goto out;
	}
	printf("3. Mapped it for the CPU at %p.\n", map);

	nonzero = count_nonzero(map, words);
	printf("4. Checked that a new buffer reads as zeros: %" PRIu64
	       " of %" PRIu64 " words are non-zero.\n", nonzero, words);
	if (nonzero) {
		fprintf(stderr, "%s: a new buffer object must be zero-filled\n", prog);
		goto out;
	}

	write_pattern(map, words);
	printf("5. Wrote a pattern of %" PRIu64 " 64-bit words (%" PRIu64
	       " bytes) through that mapping.\n", words, nova_bo_size(bo));

	ret = nova_bo_unmap(bo);
	if (ret) {
		fail("unmapping the buffer", ret);
		goto out;
	}
	printf("6. Unmapped it: the CPU no longer sees the buffer.\n");

	ret = nova_bo_map(bo, &map);
	if (ret) {
		fail("mapping the buffer again", ret);
		goto out;
	}
	printf("7. Mapped it again with a new mmap offset and a new mapping, at %p.\n",
	       map);

	bad = check_pattern(map, words);
	if (bad) {
		printf("8. Read the pattern back: %" PRIu64 " of %" PRIu64
		       " words are WRONG.\n", bad, words);
		goto out;
	}
	printf("8. Read the pattern back: all %" PRIu64 " words match.\n", words);

	ret = nova_bo_query_size(dev, nova_bo_handle(bo), &info_size);
	if (ret) {
		fail("querying the size (GEM_INFO)", ret);
		goto out;
	}
	printf("9. Asked the kernel for the object's size (GEM_INFO): %" PRIu64
	       " bytes, %s.\n", info_size,
	       info_size == nova_bo_size(bo) ? "as expected" : "WRONG");
	if (info_size != nova_bo_size(bo))
		goto out;

	status = 0;
out:
	nova_bo_destroy(bo);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "size", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t size = DEFAULT_SIZE;
	struct nova_device *dev;
	int major = 0, minor = 0, patch = 0;
	int opt, ret, status;

	prog = argv[0];
	while ((opt = getopt_long(argc, argv, "s:h", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (parse_size(optarg, &size)) {
				fprintf(stderr, "%s: invalid size '%s'\n", prog, optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(stderr);
		return 2;
	}

	ret = nova_device_open(&dev);
	if (ret == -ENODEV) {
		fprintf(stderr, "%s: no nova device found: no DRM node under /dev/dri "
			"belongs to the \"nova\" driver (is nova.ko loaded?)\n", prog);
		return 1;
	}
	if (ret)
		return fail("opening the nova device", ret);

	nova_device_driver_version(dev, &major, &minor, &patch);
	printf("1. Opened %s: driver %s %d.%d.%d (%s).\n",
	       nova_device_node_path(dev) ? nova_device_node_path(dev) : "the nova device",
	       nova_device_driver_name(dev), major, minor, patch,
	       nova_device_driver_desc(dev));

	status = run(dev, size);
	nova_device_close(dev);

	printf("%s\n", status ? "FAILED." : "Done: the data written through the first "
	       "mapping was read back intact through the second.");
	return status;
}

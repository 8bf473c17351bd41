// SPDX-License-Identifier: MIT
/*
 * nova-prime-pair - PRIME between two nova devices, run in the guest with
 * two functions (scripts/guest-run.sh --functions 2): a buffer exported by
 * one device and imported into the other keeps its bytes, both ways, and
 * the two share the memory; a device's own dma-buf still comes back as the
 * original GEM handle.
 *
 * The buffers are large enough to have pages above 256 MiB in a 1 GiB
 * guest, which edu's 28-bit DMA mask cannot reach: the importer attaches
 * with nova's own DMA device (Documentation/nova-core.rst). Attached to the
 * edu function instead, the first import fails with -EIO and dma-direct's
 * warning about the mask.
 *
 * Prints one line per test and "prime-pair: N passed, N failed[, N skipped]".
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include <nova/nova.h>

#define MIB		(1024ull * 1024)
#define SIZE		(64 * MIB)

static int passed, failed, skipped;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("    %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);				\
			printf("\n");					\
			return -1;					\
		}							\
	} while (0)

static void fill(uint8_t *p, uint64_t size, uint8_t seed)
{
	for (uint64_t i = 0; i < size; i += 4096)
		for (unsigned int j = 0; j < 4096; j += 512)
			p[i + j] = (uint8_t)(seed + i / 4096 + j);
}

/* Returns the first offset that differs from fill()'s pattern, or -1. */
static int64_t compare(const uint8_t *p, uint64_t size, uint8_t seed)
{
	for (uint64_t i = 0; i < size; i += 4096)
		for (unsigned int j = 0; j < 4096; j += 512)
			if (p[i + j] != (uint8_t)(seed + i / 4096 + j))
				return (int64_t)(i + j);
	return -1;
}

/* Exports a filled buffer of @from, imports it into @to, checks both ways. */
static int share(struct nova_device *from, struct nova_device *to, uint8_t seed)
{
	struct nova_bo *bo, *imported;
	uint8_t *src, *dst;
	int64_t bad;
	int fd, ret;

	ret = nova_bo_create(from, SIZE, &bo);
	CHECK(!ret, "nova_bo_create: %s", strerror(-ret));
	ret = nova_bo_map(bo, (void **)&src);
	CHECK(!ret, "nova_bo_map: %s", strerror(-ret));
	fill(src, SIZE, seed);

	ret = nova_bo_export(bo, &fd);
	CHECK(!ret, "nova_bo_export: %s", strerror(-ret));
	ret = nova_bo_import(to, fd, &imported);
	close(fd);
	CHECK(!ret, "nova_bo_import into the other device: %s", strerror(-ret));
	CHECK(nova_bo_size(imported) == SIZE, "imported size %" PRIu64, nova_bo_size(imported));

	ret = nova_bo_map(imported, (void **)&dst);
	CHECK(!ret, "nova_bo_map of the import: %s", strerror(-ret));
	bad = compare(dst, SIZE, seed);
	CHECK(bad < 0, "the import differs at offset %" PRId64, bad);

	/* One memory: what the importer writes, the exporter reads. */
	fill(dst, SIZE, seed + 1);
	bad = compare(src, SIZE, seed + 1);
	CHECK(bad < 0, "the exporter does not see the importer's write at %" PRId64, bad);

	nova_bo_unref(imported);
	nova_bo_unref(bo);
	return 0;
}

/* A device's own dma-buf is its own object, not an import. */
static int own_buffer_comes_back(struct nova_device *dev)
{
	struct nova_bo *bo;
	uint32_t handle;
	int fd, ret;

	ret = nova_bo_create(dev, MIB, &bo);
	CHECK(!ret, "nova_bo_create: %s", strerror(-ret));
	ret = drmPrimeHandleToFD(nova_device_fd(dev), nova_bo_handle(bo), DRM_CLOEXEC, &fd);
	CHECK(!ret, "PRIME_HANDLE_TO_FD: %s", strerror(errno));
	ret = drmPrimeFDToHandle(nova_device_fd(dev), fd, &handle);
	close(fd);
	CHECK(!ret, "PRIME_FD_TO_HANDLE: %s", strerror(errno));
	CHECK(handle == nova_bo_handle(bo), "handle %u, not the original %u", handle,
	      nova_bo_handle(bo));
	nova_bo_unref(bo);
	return 0;
}

static void report(const char *name, int ret)
{
	printf("%s %s\n", ret ? "FAIL" : "ok", name);
	if (ret)
		failed++;
	else
		passed++;
}

int main(int argc, char **argv)
{
	struct nova_device *a, *b;
	int count, ret;

	if (argc > 1) {
		printf("usage: %s\nPRIME between the first two nova devices (needs two).\n",
		       argv[0]);
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	count = nova_device_count();
	printf("prime-pair: %d nova devices\n", count);
	if (count < 2) {
		printf("FAIL two-devices: needs two nova devices (guest-run.sh --functions 2)\n");
		printf("prime-pair: 0 passed, 1 failed\n");
		return 1;
	}
	ret = nova_device_open_index(0, &a);
	if (!ret)
		ret = nova_device_open_index(1, &b);
	if (ret) {
		printf("FAIL open: %s\nprime-pair: 0 passed, 1 failed\n", strerror(-ret));
		return 1;
	}
	printf("  %s and %s\n", nova_device_node_path(a), nova_device_node_path(b));

	report("first-to-second", share(a, b, 0x11));
	report("second-to-first", share(b, a, 0x5a));
	report("own-buffer-first", own_buffer_comes_back(a));
	report("own-buffer-second", own_buffer_comes_back(b));

	nova_device_close(b);
	nova_device_close(a);
	printf("prime-pair: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}

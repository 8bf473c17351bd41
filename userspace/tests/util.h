/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the test cases: raw uAPI calls and the device's limits.
 *
 * The raw helpers issue the ioctls with drmIoctl() on a device's fd, so that
 * the cases can see what libnova's calls did to the kernel's objects (a
 * handle still open, an object's size, a second mapping), and return 0 or a
 * negative errno like libnova does. Fields documented as "ignored on input"
 * are filled with junk on purpose. Bad inputs are the errno table's
 * (Documentation/uapi-errors.csv), not these helpers'.
 */
#ifndef NOVA_TEST_UTIL_H
#define NOVA_TEST_UTIL_H

#include <stdint.h>

#include <nova/nova.h>

#include "nova_drm.h"

/* What an output field holds on input, to show that the kernel ignores it. */
#define JUNK64	0xdeadbeefcafef00dull

int raw_ioctl(int fd, unsigned long request, void *arg);
int raw_getparam(int fd, uint64_t param, uint64_t *value);
int raw_gem_create(int fd, uint64_t size, uint32_t *handle, uint64_t *rounded);
int raw_gem_info(int fd, uint32_t handle, uint64_t *size);
int raw_gem_close(int fd, uint32_t handle);
int raw_mmap_offset(int fd, uint32_t handle, uint64_t *offset);

struct nova_limits {
	uint64_t page_size;
	uint64_t max_object_size;
	uint64_t budget;
};

/* Read the limits straight from the kernel, not from libnova's cache. */
int get_limits(int fd, struct nova_limits *limits);

/* The CPU page size of this process. */
uint64_t host_page_size(void);

/*
 * Fill @len bytes with a pattern derived from @seed, or count the bytes that
 * differ from it. The pattern has no zero bytes, unlike a fresh object.
 */
void fill_pattern(void *ptr, uint64_t len, uint32_t seed);
uint64_t count_mismatches(const void *ptr, uint64_t len, uint32_t seed);

#endif /* NOVA_TEST_UTIL_H */

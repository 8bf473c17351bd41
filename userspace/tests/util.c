// SPDX-License-Identifier: MIT
/* The raw uAPI calls and limits of util.h. */
#include <errno.h>
#include <unistd.h>

#include <xf86drm.h>

#include "util.h"

int raw_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

int raw_getparam(int fd, uint64_t param, uint64_t *value)
{
	struct drm_nova_getparam args = { .param = param, .value = JUNK64 };
	int ret;

	ret = raw_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM, &args);
	if (!ret && value)
		*value = args.value;
	return ret;
}

int raw_gem_create(int fd, uint64_t size, uint32_t *handle, uint64_t *rounded)
{
	struct drm_nova_gem_create args = {
		.handle = 0xffffffffu,	/* out only */
		.size = size,
	};
	int ret;

	ret = raw_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &args);
	if (!ret && handle)
		*handle = args.handle;
	if (!ret && rounded)
		*rounded = args.size;
	return ret;
}

int raw_gem_info(int fd, uint32_t handle, uint64_t *size)
{
	struct drm_nova_gem_info args = {
		.handle = handle,
		.size = JUNK64,
	};
	int ret;

	ret = raw_ioctl(fd, DRM_IOCTL_NOVA_GEM_INFO, &args);
	if (!ret && size)
		*size = args.size;
	return ret;
}

int raw_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return raw_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

int raw_mmap_offset(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_nova_gem_mmap_offset args = {
		.handle = handle,
		.offset = JUNK64,
	};
	int ret;

	ret = raw_ioctl(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &args);
	if (!ret && offset)
		*offset = args.offset;
	return ret;
}

int get_limits(int fd, struct nova_limits *limits)
{
	int ret;

	ret = raw_getparam(fd, NOVA_GETPARAM_PAGE_SIZE, &limits->page_size);
	if (!ret)
		ret = raw_getparam(fd, NOVA_GETPARAM_MAX_OBJECT_SIZE,
				   &limits->max_object_size);
	if (!ret)
		ret = raw_getparam(fd, NOVA_GETPARAM_OBJECT_BUDGET, &limits->budget);
	return ret;
}

uint64_t host_page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

static uint8_t pattern_byte(uint64_t i, uint32_t seed)
{
	/* Mix the offset so shifted or swapped pages show; never 0. */
	uint64_t x = (i + seed) * 0x9e3779b97f4a7c15ull;

	return (uint8_t)((x >> 56) | 1);
}

void fill_pattern(void *ptr, uint64_t len, uint32_t seed)
{
	uint8_t *p = ptr;
	uint64_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern_byte(i, seed);
}

uint64_t count_mismatches(const void *ptr, uint64_t len, uint32_t seed)
{
	const uint8_t *p = ptr;
	uint64_t i, bad = 0;

	for (i = 0; i < len; i++)
		bad += p[i] != pattern_byte(i, seed);
	return bad;
}

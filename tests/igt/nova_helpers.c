// SPDX-License-Identifier: MIT
/*
 * Helpers shared by nova's igt tests: opening a nova device through igt and
 * thin wrappers of the nova ioctls.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "nova_helpers.h"

bool nova_is_device(int fd)
{
	drmVersionPtr version = drmGetVersion(fd);
	bool nova;

	if (!version)
		return false;
	nova = version->name && strcmp(version->name, NOVA_DRIVER_NAME) == 0;
	drmFreeVersion(version);
	return nova;
}

static int require_nova(int fd)
{
	igt_require_f(nova_is_device(fd),
		      "the device igt opened is not nova; load nova.ko and set IGT_FORCE_DRIVER=nova\n");
	return fd;
}

int nova_open(void)
{
	return require_nova(drm_open_driver(DRIVER_ANY));
}

int nova_open_render(void)
{
	return require_nova(drm_open_driver_render(DRIVER_ANY));
}

int __nova_ioctl(int fd, unsigned long request, void *arg)
{
	int ret = 0;

	if (igt_ioctl(fd, request, arg))
		ret = -errno;
	errno = 0;
	return ret;
}

int __nova_ioctl_getparam(int fd, struct drm_nova_getparam *args)
{
	return __nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM, args);
}

int __nova_ioctl_gem_create(int fd, struct drm_nova_gem_create *args)
{
	return __nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, args);
}

int __nova_ioctl_gem_info(int fd, struct drm_nova_gem_info *args)
{
	return __nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_INFO, args);
}

int __nova_ioctl_gem_mmap_offset(int fd, struct drm_nova_gem_mmap_offset *args)
{
	return __nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, args);
}

int __nova_ioctl_vm_bind(int fd, struct drm_nova_vm_bind *args)
{
	return __nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, args);
}

int __nova_ioctl_queue_create(int fd, struct drm_nova_queue_create *args)
{
	return __nova_ioctl(fd, DRM_IOCTL_NOVA_QUEUE_CREATE, args);
}

int __nova_ioctl_queue_destroy(int fd, struct drm_nova_queue_destroy *args)
{
	return __nova_ioctl(fd, DRM_IOCTL_NOVA_QUEUE_DESTROY, args);
}

int __nova_ioctl_exec(int fd, struct drm_nova_exec *args)
{
	return __nova_ioctl(fd, DRM_IOCTL_NOVA_EXEC, args);
}

int __nova_ioctl_queue_get_state(int fd, struct drm_nova_queue_get_state *args)
{
	return __nova_ioctl(fd, DRM_IOCTL_NOVA_QUEUE_GET_STATE, args);
}

int __nova_getparam(int fd, uint64_t param, uint64_t *value)
{
	struct drm_nova_getparam args = { .param = param };
	int ret = __nova_ioctl_getparam(fd, &args);

	if (ret == 0)
		*value = args.value;
	return ret;
}

uint64_t nova_getparam(int fd, uint64_t param)
{
	uint64_t value = 0;

	igt_assert_eq(__nova_getparam(fd, param, &value), 0);
	return value;
}

void nova_get_device_info(int fd, struct nova_device_info *info)
{
	info->uapi_version = nova_getparam(fd, NOVA_GETPARAM_UAPI_VERSION);
	info->vram_bar_size = nova_getparam(fd, NOVA_GETPARAM_VRAM_BAR_SIZE);
	info->max_object_size = nova_getparam(fd, NOVA_GETPARAM_MAX_OBJECT_SIZE);
	info->page_size = nova_getparam(fd, NOVA_GETPARAM_PAGE_SIZE);
	info->object_budget = nova_getparam(fd, NOVA_GETPARAM_OBJECT_BUDGET);
}

int __nova_gem_create(int fd, uint64_t *size, uint32_t *handle)
{
	struct drm_nova_gem_create args = { .size = *size };
	int ret = __nova_ioctl_gem_create(fd, &args);

	if (ret == 0) {
		*size = args.size;
		*handle = args.handle;
	}
	return ret;
}

uint32_t nova_gem_create(int fd, uint64_t size)
{
	uint32_t handle = 0;

	igt_assert_eq(__nova_gem_create(fd, &size, &handle), 0);
	igt_assert_neq_u32(handle, 0);
	return handle;
}

int __nova_gem_info(int fd, uint32_t handle, uint64_t *size)
{
	struct drm_nova_gem_info args = { .handle = handle };
	int ret = __nova_ioctl_gem_info(fd, &args);

	if (ret == 0)
		*size = args.size;
	return ret;
}

uint64_t nova_gem_info(int fd, uint32_t handle)
{
	uint64_t size = 0;

	igt_assert_eq(__nova_gem_info(fd, handle, &size), 0);
	return size;
}

int __nova_gem_mmap_offset(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_nova_gem_mmap_offset args = { .handle = handle };
	int ret = __nova_ioctl_gem_mmap_offset(fd, &args);

	if (ret == 0)
		*offset = args.offset;
	return ret;
}

uint64_t nova_gem_mmap_offset(int fd, uint32_t handle)
{
	uint64_t offset = 0;

	igt_assert_eq(__nova_gem_mmap_offset(fd, handle, &offset), 0);
	return offset;
}

void *nova_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot)
{
	uint64_t offset = nova_gem_mmap_offset(fd, handle);
	void *ptr = mmap(NULL, size, prot, MAP_SHARED, fd, (off_t)offset);

	igt_assert_f(ptr != MAP_FAILED, "mmap of %llu bytes at offset %#llx failed: %s\n",
		     (unsigned long long)size, (unsigned long long)offset, strerror(errno));
	return ptr;
}

int __nova_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return __nova_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

uint64_t nova_budget_available(int fd, const struct nova_device_info *info)
{
	uint32_t handles[256];
	unsigned int count = 0;
	uint64_t size = info->max_object_size;
	uint64_t total = 0;

	for (;;) {
		uint64_t created = size;
		uint32_t handle;
		int ret = __nova_gem_create(fd, &created, &handle);

		if (ret == 0) {
			igt_assert_lt(count, (int)(sizeof(handles) / sizeof(handles[0])));
			handles[count++] = handle;
			total += created;
			continue;
		}
		igt_assert_eq(ret, -ENOSPC);
		/* The budget left is a multiple of the page size. */
		if (size == info->page_size)
			break;
		size = size / 2 / info->page_size * info->page_size;
		if (size < info->page_size)
			size = info->page_size;
	}
	while (count)
		gem_close(fd, handles[--count]);
	return total;
}

int __nova_queue_create(int fd, uint32_t priority, uint32_t *queue_id)
{
	struct drm_nova_queue_create args = { .priority = priority };
	int ret = __nova_ioctl_queue_create(fd, &args);

	if (ret == 0)
		*queue_id = args.queue_id;
	return ret;
}

uint32_t nova_queue_create(int fd, uint32_t priority)
{
	uint32_t id = 0;

	igt_assert_eq(__nova_queue_create(fd, priority, &id), 0);
	igt_assert_neq_u32(id, 0);
	return id;
}

int __nova_queue_destroy(int fd, uint32_t queue_id)
{
	struct drm_nova_queue_destroy args = { .queue_id = queue_id };

	return __nova_ioctl_queue_destroy(fd, &args);
}

void nova_queue_destroy(int fd, uint32_t queue_id)
{
	igt_assert_eq(__nova_queue_destroy(fd, queue_id), 0);
}

void nova_queue_get_state(int fd, uint32_t queue_id, struct drm_nova_queue_get_state *state)
{
	memset(state, 0, sizeof(*state));
	state->queue_id = queue_id;
	igt_assert_eq(__nova_ioctl_queue_get_state(fd, state), 0);
}

bool nova_memchk(const void *ptr, int value, size_t len)
{
	const unsigned char *bytes = ptr;

	for (size_t i = 0; i < len; i++)
		if (bytes[i] != (unsigned char)value)
			return false;
	return true;
}

// SPDX-License-Identifier: MIT
/*
 * GETPARAM: the parameter table, the cache filled at open, and queries.
 *
 * The table is the single place that knows the parameters by name, so that
 * novainfo and the tests list the same ones as the library caches.
 *
 * Each parameter carries the uAPI version that introduced it. At open the
 * driver's UAPI_VERSION is read first, then only the parameters that version
 * promises. Upstream Linux's nova has no UAPI_VERSION (it answers only
 * VRAM_BAR_SIZE): it is taken as version 0, and its device opens with the
 * parameters it lacks left unknown instead of failing.
 */
#include <stddef.h>

#include "private.h"

static const struct {
	uint64_t id;
	const char *name;
	size_t cache_offset;	/* of the field in struct libnova_params */
	uint64_t since;		/* uAPI version that introduced it */
} params[] = {
#define PARAM(name, field, since) \
	{ NOVA_GETPARAM_##name, #name, offsetof(struct libnova_params, field), since }
	PARAM(VRAM_BAR_SIZE, vram_bar_size, 0),		/* upstream nova has it */
	PARAM(UAPI_VERSION, uapi_version, 1),
	PARAM(MAX_OBJECT_SIZE, max_object_size, 1),
	PARAM(PAGE_SIZE, page_size, 1),
	PARAM(OBJECT_BUDGET, object_budget, 1),
	PARAM(VA_START, va_start, 2),
	PARAM(VA_SIZE, va_size, 2),
	PARAM(VA_ALIGNMENT, va_alignment, 2),
	PARAM(VM_BIND_MAX_OPS, vm_bind_max_ops, 2),
	PARAM(MAX_MAPPINGS, max_mappings, 3),
	PARAM(MAX_QUEUES, max_queues, 4),
	PARAM(EXEC_MAX_CMDBUFS, exec_max_cmdbufs, 4),
	PARAM(EXEC_MAX_SYNCS, exec_max_syncs, 4),
	PARAM(MAX_CMDBUF_SIZE, max_cmdbuf_size, 4),
	PARAM(JOB_TIMEOUT_MS, job_timeout_ms, 4),
	PARAM(CALL_MAX_DEPTH, call_max_depth, 4),
	PARAM(QUEUE_MAX_JOBS, queue_max_jobs, 4),
	PARAM(TIMESTAMP_FREQUENCY, timestamp_frequency, 4),
#undef PARAM
};

#define PARAM_COUNT (sizeof(params) / sizeof(params[0]))

_Static_assert(PARAM_COUNT <= 8 * sizeof(((struct libnova_params *)0)->known),
	       "struct libnova_params.known has a bit per parameter");

static uint64_t *cache_slot(struct libnova_params *cache, unsigned int index)
{
	return (uint64_t *)((char *)cache + params[index].cache_offset);
}

static int find_param(uint64_t param)
{
	unsigned int i;

	for (i = 0; i < PARAM_COUNT; i++) {
		if (params[i].id == param)
			return (int)i;
	}
	return -1;
}

static int query_param(int fd, uint64_t param, uint64_t *value)
{
	struct drm_nova_getparam args = { .param = param };
	int ret;

	ret = libnova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM, &args);
	if (ret)
		return ret;

	*value = args.value;
	return 0;
}

/**
 * libnova_params_load() - fill the device's parameter cache
 * @dev: a device whose fd is known to be a nova file
 *
 * A driver that does not know UAPI_VERSION (-EINVAL) is upstream nova:
 * version 0. Any other failure of it fails the open, since nothing could be
 * said about the driver. The other parameters are read when the version
 * promises them; one the driver fails to answer is left unknown, which
 * nova_device_get_param() answers by asking the kernel again.
 *
 * Return: 0, -EPROTO when the driver reports a uAPI version of 0, or the
 * error of the UAPI_VERSION query.
 */
int libnova_params_load(struct nova_device *dev)
{
	struct libnova_params *cache = &dev->params;
	int version_index = find_param(NOVA_GETPARAM_UAPI_VERSION);
	unsigned int i;
	int ret;

	cache->known = 0;
	ret = query_param(dev->fd, NOVA_GETPARAM_UAPI_VERSION, &cache->uapi_version);
	if (ret == -EINVAL) {
		cache->uapi_version = 0;
	} else if (ret) {
		return ret;
	} else {
		if (cache->uapi_version < 1)
			return -EPROTO;
		cache->known |= 1u << version_index;
	}

	for (i = 0; i < PARAM_COUNT; i++) {
		if ((int)i == version_index || params[i].since > cache->uapi_version)
			continue;
		if (!query_param(dev->fd, params[i].id, cache_slot(cache, i)))
			cache->known |= 1u << i;
	}
	return 0;
}

/*
 * The cached value of @param: 0 and *@value when it was read at open,
 * -ENODATA when it is not one the library caches or the driver did not
 * answer it.
 */
int libnova_param_cached(const struct nova_device *dev, uint64_t param,
			 uint64_t *value)
{
	int i = find_param(param);

	if (i < 0 || !(dev->params.known & (1u << i)))
		return -ENODATA;
	*value = *(const uint64_t *)((const char *)&dev->params +
				     params[i].cache_offset);
	return 0;
}

NOVA_EXPORT int nova_device_get_param(struct nova_device *dev, uint64_t param,
				      uint64_t *value)
{
	if (!dev || !value)
		return -EINVAL;

	if (!libnova_param_cached(dev, param, value))
		return 0;
	return query_param(dev->fd, param, value);
}

NOVA_EXPORT uint64_t nova_device_uapi_version(const struct nova_device *dev)
{
	return dev ? dev->params.uapi_version : 0;
}

NOVA_EXPORT unsigned int nova_param_count(void)
{
	return PARAM_COUNT;
}

NOVA_EXPORT uint64_t nova_param_id(unsigned int index)
{
	return index < PARAM_COUNT ? params[index].id : 0;
}

NOVA_EXPORT const char *nova_param_name(uint64_t param)
{
	int i = find_param(param);

	return i < 0 ? NULL : params[i].name;
}

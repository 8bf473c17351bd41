// SPDX-License-Identifier: MIT
/*
 * GETPARAM: the parameter table, the cache filled at open, and queries.
 *
 * The table is the single place that knows the parameters by name, so that
 * novainfo and the tests list the same ones as the library caches.
 */
#include <stddef.h>

#include "private.h"

static const struct {
	uint64_t id;
	const char *name;
	size_t cache_offset;	/* of the field in struct libnova_params */
} params[] = {
#define PARAM(name, field) \
	{ NOVA_GETPARAM_##name, #name, offsetof(struct libnova_params, field) }
	PARAM(VRAM_BAR_SIZE, vram_bar_size),
	PARAM(UAPI_VERSION, uapi_version),
	PARAM(MAX_OBJECT_SIZE, max_object_size),
	PARAM(PAGE_SIZE, page_size),
	PARAM(OBJECT_BUDGET, object_budget),
#undef PARAM
};

#define PARAM_COUNT (sizeof(params) / sizeof(params[0]))

static uint64_t *cache_slot(struct libnova_params *cache, unsigned int index)
{
	return (uint64_t *)((char *)cache + params[index].cache_offset);
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
 * Every parameter in the table belongs to uAPI version 1, the oldest one,
 * so a nova driver that fails any of them is not one this library can use.
 *
 * Return: 0, -EPROTO for a uAPI version below 1, or the ioctl's error.
 */
int libnova_params_load(struct nova_device *dev)
{
	unsigned int i;
	int ret;

	for (i = 0; i < PARAM_COUNT; i++) {
		ret = query_param(dev->fd, params[i].id,
				  cache_slot(&dev->params, i));
		if (ret)
			return ret;
	}

	if (dev->params.uapi_version < 1)
		return -EPROTO;
	return 0;
}

NOVA_EXPORT int nova_device_get_param(struct nova_device *dev, uint64_t param,
				      uint64_t *value)
{
	unsigned int i;

	if (!dev || !value)
		return -EINVAL;

	for (i = 0; i < PARAM_COUNT; i++) {
		if (params[i].id == param) {
			*value = *cache_slot(&dev->params, i);
			return 0;
		}
	}

	return query_param(dev->fd, param, value);
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
	unsigned int i;

	for (i = 0; i < PARAM_COUNT; i++) {
		if (params[i].id == param)
			return params[i].name;
	}
	return NULL;
}

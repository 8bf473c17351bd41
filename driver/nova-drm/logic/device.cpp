// SPDX-License-Identifier: GPL-2.0
//
// Device lifetime and GETPARAM's answers.
#include "device.hpp"
#include "file.hpp"
#include "uapi/nova_drm.h"
#include "vm/mapping.hpp"

namespace nova {

static Status validate(const nova_logic_device_config &config)
{
	if (!is_power_of_two(config.page_size))
		return error(-EINVAL);
	if (config.max_object_size == 0 || !is_aligned(config.max_object_size, config.page_size))
		return error(-EINVAL);
	if (config.object_budget < config.max_object_size)
		return error(-EINVAL);

	// The VA range: aligned, non-empty, and its end representable, so that
	// VM_BIND can compute it without checking for overflow.
	if (!is_power_of_two(config.va_alignment) || config.va_alignment < config.page_size)
		return error(-EINVAL);
	if (!is_aligned(config.va_start, config.va_alignment) ||
	    !is_aligned(config.va_size, config.va_alignment))
		return error(-EINVAL);
	if (config.va_size == 0 || config.va_size > ~0ull - config.va_start)
		return error(-EINVAL);
	if (config.vm_bind_max_ops == 0 || config.max_mappings == 0)
		return error(-EINVAL);
	if (config.max_cmdbuf_size == 0 || !is_aligned(config.max_cmdbuf_size, 8))
		return error(-EINVAL);
	if (config.max_queues == 0 || config.queue_max_jobs == 0 || config.job_timeout_ms == 0)
		return error(-EINVAL);
	return {};
}

Device::Device(const nova_logic_device_config &config) : config_(config), gem_(config.object_budget)
{
}

Result<RefPtr<Device>> Device::create(const nova_logic_device_config &config)
{
	NOVA_TRY(validate(config));

	RefPtr<Device> device = adopt_ref(new (may_fail) Device(config));
	if (!device)
		return error(-ENOMEM);
	NOVA_TRY(device->files_lock_.init(NOVA_LOCK_DEVICE));
	return device;
}

Result<u64> Device::param(u64 id) const
{
	switch (id) {
	case NOVA_GETPARAM_VRAM_BAR_SIZE:
		return config_.vram_bar_size;
	case NOVA_GETPARAM_UAPI_VERSION:
		return u64(NOVA_UAPI_VERSION);
	case NOVA_GETPARAM_MAX_OBJECT_SIZE:
		return config_.max_object_size;
	case NOVA_GETPARAM_PAGE_SIZE:
		return config_.page_size;
	case NOVA_GETPARAM_OBJECT_BUDGET:
		return config_.object_budget;
	case NOVA_GETPARAM_VA_START:
		return config_.va_start;
	case NOVA_GETPARAM_VA_SIZE:
		return config_.va_size;
	case NOVA_GETPARAM_VA_ALIGNMENT:
		return config_.va_alignment;
	case NOVA_GETPARAM_VM_BIND_MAX_OPS:
		return u64(config_.vm_bind_max_ops);
	case NOVA_GETPARAM_MAX_MAPPINGS:
		return u64(config_.max_mappings);
	case NOVA_GETPARAM_MAX_QUEUES:
		return u64(config_.max_queues);
	case NOVA_GETPARAM_EXEC_MAX_CMDBUFS:
		return u64(config_.exec_max_cmdbufs);
	case NOVA_GETPARAM_EXEC_MAX_SYNCS:
		return u64(config_.exec_max_syncs);
	case NOVA_GETPARAM_MAX_CMDBUF_SIZE:
		return config_.max_cmdbuf_size;
	case NOVA_GETPARAM_JOB_TIMEOUT_MS:
		return u64(config_.job_timeout_ms);
	case NOVA_GETPARAM_CALL_MAX_DEPTH:
		return u64(config_.call_max_depth);
	case NOVA_GETPARAM_QUEUE_MAX_JOBS:
		return u64(config_.queue_max_jobs);
	case NOVA_GETPARAM_TIMESTAMP_FREQUENCY:
		return config_.timestamp_frequency;
	default:
		return error(-EINVAL);
	}
}

u64 Device::file_opened(File &file)
{
	Guard guard(files_lock_);

	files_.push_back(file);
	return ++last_client_id_;
}

void Device::file_closed(File &file)
{
	Guard guard(files_lock_);

	files_.remove(file);
}

nova_logic_device_stats Device::stats()
{
	nova_logic_device_stats stats{};
	GemTotals totals = gem_.totals();

	stats.objects = totals.objects;
	stats.object_bytes = totals.bytes;
	{
		// Each VA space's lock nests inside this one, never the reverse.
		Guard guard(files_lock_);

		files_.for_each([&stats](File &file) {
			stats.files++;
			stats.mappings += file.mappings();
		});
	}
	// A mapping is one fixed-size node: its tree links live inside it.
	stats.mapping_bytes = stats.mappings * sizeof(Mapping);
	return stats;
}

} // namespace nova

using nova::Device;

// The glue's reference travels as the plain handle.
extern "C" int nova_logic_device_create(const nova_logic_device_config *config,
					nova_logic_device **device)
{
	auto created = Device::create(*config);

	if (!created.ok())
		return created.error();
	*device = created.release_value().leak_ref();
	return 0;
}

extern "C" void nova_logic_device_put(nova_logic_device *device)
{
	nova::adopt_ref(&Device::from(device)).reset();
}

extern "C" void nova_logic_device_get_stats(nova_logic_device *device,
					   nova_logic_device_stats *stats)
{
	*stats = Device::from(device).stats();
}

// SPDX-License-Identifier: GPL-2.0
//
// Sync elements (struct drm_nova_sync) as EXEC and asynchronous VM_BIND
// take them, and user arrays of extensible structs laid out as a client
// would: what the queue and bind tests share.
#pragma once

#include <cstring>
#include <ostream>
#include <vector>

#include "hosted_services.hpp"

// Next to the uAPI's structs (the global namespace), where the standard
// library's comparisons and GoogleTest's printer look for them.
inline bool operator==(const drm_nova_sync &a, const drm_nova_sync &b)
{
	return a.handle == b.handle && a.flags == b.flags && a.point == b.point;
}

inline std::ostream &operator<<(std::ostream &out, const drm_nova_sync &sync)
{
	return out << std::hex << "{handle " << sync.handle << " flags 0x" << sync.flags
		   << " point 0x" << sync.point << "}" << std::dec;
}

namespace hosted {

constexpr std::uint32_t kSyncSize = sizeof(drm_nova_sync);

inline drm_nova_sync sync_of(std::uint32_t handle, std::uint32_t flags, std::uint64_t point = 0)
{
	drm_nova_sync sync{};
	sync.handle = handle;
	sync.flags = flags;
	sync.point = point;
	return sync;
}

// Elements @stride bytes apart, tails zeroed, as a client lays them out.
template <typename T>
std::vector<std::uint8_t> array_of(const std::vector<T> &items, std::uint32_t stride = sizeof(T))
{
	std::vector<std::uint8_t> bytes(items.size() * stride + 1);

	for (std::size_t i = 0; i < items.size(); i++)
		std::memcpy(&bytes[i * stride], &items[i], sizeof(T));
	return bytes;
}

} // namespace hosted

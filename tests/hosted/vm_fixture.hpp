// SPDX-License-Identifier: GPL-2.0
//
// VM_BIND as userspace calls it, and the VA space as debugfs sees it;
// free of GoogleTest (the fuzz targets use it too).
#pragma once

#include <cstring>
#include <ostream>
#include <vector>

#include "config.hpp"
#include "failure.hpp"
#include "gem/gem.hpp"
#include "hosted_services.hpp"

namespace hosted {

constexpr std::uint32_t kOpSize = sizeof(drm_nova_vm_bind_op);

inline drm_nova_vm_bind_op map_op(std::uint32_t handle, std::uint64_t va, std::uint64_t range,
				  std::uint64_t bo_offset = 0, std::uint32_t flags = 0)
{
	drm_nova_vm_bind_op op{};
	op.op = NOVA_VM_BIND_OP_MAP;
	op.flags = flags;
	op.handle = handle;
	op.bo_offset = bo_offset;
	op.va = va;
	op.range = range;
	return op;
}

inline drm_nova_vm_bind_op unmap_op(std::uint64_t va, std::uint64_t range)
{
	drm_nova_vm_bind_op op{};
	op.op = NOVA_VM_BIND_OP_UNMAP;
	op.va = va;
	op.range = range;
	return op;
}

// The operations laid out with @stride bytes apart, tails zeroed, as a
// client's array in user memory.
inline std::vector<std::uint8_t> layout(const std::vector<drm_nova_vm_bind_op> &ops,
					std::uint32_t stride = kOpSize)
{
	std::vector<std::uint8_t> bytes(ops.size() * stride + 1);

	for (std::size_t i = 0; i < ops.size(); i++)
		std::memcpy(&bytes[i * stride], &ops[i], kOpSize);
	return bytes;
}

inline std::uint64_t user_ptr(const void *ptr)
{
	return reinterpret_cast<std::uintptr_t>(ptr);
}

// VM_BIND over an array already laid out in memory.
inline int vm_bind_raw(File &file, const void *ops, std::uint32_t count, std::uint32_t stride,
		       std::uint32_t vm_id = 0, std::uint32_t flags = 0)
{
	drm_nova_vm_bind args{};
	args.vm_id = vm_id;
	args.flags = flags;
	args.op_count = count;
	args.op_stride = stride;
	args.ops = user_ptr(ops);
	return nova_logic_ioctl_vm_bind(file.logic(), &args);
}

inline int vm_bind(File &file, const std::vector<drm_nova_vm_bind_op> &ops,
		   std::uint32_t stride = kOpSize)
{
	std::vector<std::uint8_t> bytes = layout(ops, stride);

	return vm_bind_raw(file, bytes.data(), std::uint32_t(ops.size()), stride);
}

struct Mapped {
	std::uint64_t start, end, object_id, bo_offset;
	std::uint32_t flags;

	bool operator==(const Mapped &) const = default;
};

inline std::ostream &operator<<(std::ostream &out, const Mapped &m)
{
	return out << std::hex << "[0x" << m.start << ", 0x" << m.end << ") object " << std::dec
		   << m.object_id << " offset 0x" << std::hex << m.bo_offset << " flags 0x"
		   << m.flags << std::dec;
}

// The file's mappings in address order, through the debugfs entry point.
inline std::vector<Mapped> mappings(File &file)
{
	std::vector<Mapped> out;

	nova_logic_file_for_each_mapping(
		file.logic(),
		[](void *ctx, const nova_logic_mapping_info *info) {
			if (info->pad)
				HOSTED_FAILURE() << "mapping info with pad " << info->pad;
			static_cast<std::vector<Mapped> *>(ctx)->push_back(
				{ info->va_start, info->va_end, info->object_id, info->bo_offset,
				  info->flags });
		},
		&out);
	return out;
}

// The logic's id of the object behind @handle (0 for a foreign object).
inline std::uint64_t object_id(File &file, std::uint32_t handle)
{
	nova_svc_gem *gem = file.hold(handle);
	if (!gem) {
		HOSTED_FAILURE() << "no object behind handle " << handle;
		return 0;
	}
	nova_logic_gem *logic = nova_svc_gem_logic(gem);
	std::uint64_t id = logic ? nova::GemObject::from(logic).id() : 0;
	File::put_object(gem);
	return id;
}

} // namespace hosted

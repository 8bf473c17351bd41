// SPDX-License-Identifier: GPL-2.0
//
// The user arrays of VM_BIND and EXEC, element by element.
#include "uapi/arrays.hpp"
#include "uapi_layout.hpp"

namespace nova {

Status read_element(u64 array, u32 index, u32 stride, void *dst, u32 size)
{
	u64 address;

	// index * stride fits in 64 bits (both are 32-bit); an array that wraps
	// around the address space cannot be read (nor can an element that
	// does, which the service finds).
	if (__builtin_add_overflow(array, u64(index) * stride, &address))
		return error(-EFAULT);
	Status read = nova_svc_copy_struct_from_user(dst, size, address, stride);
	if (read.error() == -E2BIG)
		return error(-EINVAL);
	return read;
}

namespace {

Status check_sync(const drm_nova_sync &sync)
{
	u32 direction = sync.flags & (NOVA_SYNC_WAIT | NOVA_SYNC_SIGNAL);
	bool timeline = sync.flags & NOVA_SYNC_TIMELINE;

	if (sync.flags & ~NOVA_SYNC_FLAGS)
		return error(-EINVAL);
	if (direction != NOVA_SYNC_WAIT && direction != NOVA_SYNC_SIGNAL)
		return error(-EINVAL);
	if (timeline != (sync.point != 0))
		return error(-EINVAL);
	return {};
}

} // namespace

Status read_syncs(u64 array, u32 count, u32 stride, BoxArray<drm_nova_sync> &syncs)
{
	if (count == 0)
		return {};
	if (!syncs.allocate(count))
		return error(-ENOMEM);
	for (u32 i = 0; i < count; i++) {
		NOVA_TRY(read_element(array, i, stride, &syncs[i], sizeof(drm_nova_sync)));
		NOVA_TRY(check_sync(syncs[i]));
	}
	return {};
}

} // namespace nova

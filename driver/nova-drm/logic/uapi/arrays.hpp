// SPDX-License-Identifier: GPL-2.0
//
// Reading the user arrays of extensible structs that VM_BIND and EXEC take
// (operations, command buffers, sync elements), and the checks of a sync
// element, which both ioctls share.
#pragma once

#include "nova_services.h"
#include "cxx/alloc.hpp"
#include "cxx/result.hpp"

struct drm_nova_sync;

namespace nova {

// Element @index of a user array of extensible structs @stride bytes
// apart: the common prefix into @dst (@size bytes, what this kernel knows).
// Bytes past it must be zero (-EINVAL, the uAPI's errno for them; the
// service says -E2BIG); an unreadable byte anywhere in the element is
// -EFAULT, so an element is read whole before it is judged.
Status read_element(u64 array, u32 index, u32 stride, void *dst, u32 size);

// Reads and checks @count sync elements into @syncs (allocated here):
// exactly one of WAIT and SIGNAL, known flags, a point exactly with
// TIMELINE. The handles are the glue's to resolve.
Status read_syncs(u64 array, u32 count, u32 stride, BoxArray<drm_nova_sync> &syncs);

} // namespace nova

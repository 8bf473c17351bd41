// SPDX-License-Identifier: GPL-2.0
//
// VM_BIND: a batch of map and unmap operations on a client's VA space,
// applied atomically.
#pragma once

#include "vm/va_space.hpp"

struct drm_nova_vm_bind;

namespace nova {

class Device;

// The semantics and the errno of each case are documented with struct
// drm_nova_vm_bind in uapi/nova_drm.h.
Status vm_bind(Device &device, nova_svc_file *file, VaSpace &va, const drm_nova_vm_bind &args);

} // namespace nova

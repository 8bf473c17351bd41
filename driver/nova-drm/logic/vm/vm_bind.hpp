// SPDX-License-Identifier: GPL-2.0
//
// VM_BIND: a batch of map and unmap operations on a client's VA space,
// applied atomically, now or (NOVA_VM_BIND_ASYNC) on the file's bind queue.
#pragma once

#include "vm/bind_queue.hpp"
#include "vm/va_space.hpp"

struct drm_nova_vm_bind;

namespace nova {

class Device;

// What a VM_BIND works on: the file's VA space and its bind queue.
struct BindTarget {
	nova_svc_file *file;
	VaSpace &va;
	BindQueue &queue;
};

// The semantics and the errno of each case are documented with struct
// drm_nova_vm_bind in uapi/nova_drm.h.
Status vm_bind(Device &device, const BindTarget &target, drm_nova_vm_bind &args);

} // namespace nova

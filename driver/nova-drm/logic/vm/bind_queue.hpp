// SPDX-License-Identifier: GPL-2.0
//
// A file's bind queue (nova_svc_bind_queue, the glue's): where its
// asynchronous VM_BINDs wait for their fences and for each other. Made on
// the first asynchronous bind, since most clients never make one and a
// queue costs the glue a scheduler; destroyed when the file closes.
#pragma once

#include "nova_services.h"
#include "cxx/result.hpp"

namespace nova {

class BindQueue : NoCopy {
public:
	BindQueue() = default;
	~BindQueue() { NOVA_ASSERT(!queue_); }

	// The queue, made now if the file has none yet. Two first binds may
	// race: one queue wins, the other is destroyed unused. No lock: the
	// logic never allocates under one.
	Result<nova_svc_bind_queue *> get(nova_svc_file *file);
	// The queue if there is one: a synchronous bind orders itself after
	// its pending binds, and a file that never bound asynchronously has
	// none to wait for.
	nova_svc_bind_queue *existing() const { return __atomic_load_n(&queue_, __ATOMIC_ACQUIRE); }
	// The file closes (no ioctl runs): the pending binds are dropped.
	void destroy();

private:
	nova_svc_bind_queue *queue_ = nullptr;
};

} // namespace nova

// SPDX-License-Identifier: GPL-2.0
//
// A file's queues: the table that names them by id and bounds their number,
// and the checks of every queue ioctl and of EXEC. What a queue does (its
// scheduler entity, engine channel and fences) is the glue's, behind a
// struct nova_svc_queue that each Queue owns.
#pragma once

#include "nova_logic.h"
#include "nova_services.h"
#include "cxx/alloc.hpp"
#include "cxx/lock.hpp"
#include "cxx/ref_ptr.hpp"

struct drm_nova_queue_create;
struct drm_nova_queue_get_state;
struct drm_nova_exec;

namespace nova {

// Reference counted: the table holds one while the id is live, and an ioctl
// that uses the queue holds another, so that a concurrent QUEUE_DESTROY
// only frees the id and the queue goes when the ioctl is done with it.
class Queue : public RefCounted<Queue> {
public:
	nova_svc_queue *svc() const { return svc_; }

private:
	friend class RefPtr<Queue>;
	friend class QueueTable;
	explicit Queue(nova_svc_queue *svc) : svc_(svc) {}
	// Stops the queue and waits for that (bounded): see nova_svc_queue_destroy().
	~Queue() { nova_svc_queue_destroy(svc_); }

	nova_svc_queue *const svc_;
};

class QueueTable : NoCopy {
public:
	[[nodiscard]] Status init(u32 max_queues);

	// -ENOSPC when every id is taken; the new queue's id (never 0).
	Result<u32> create(nova_svc_file *file, nova_logic_file *owner, u32 priority);
	// -ENOENT when @id names no queue. The queue goes once no ioctl uses it.
	Status destroy(u32 id);
	Result<RefPtr<Queue>> lookup(u32 id);
	// The file closes: every queue goes, before the VA space its jobs use.
	void destroy_all();

private:
	Mutex lock_;
	BoxArray<RefPtr<Queue>> slots_ TA_GUARDED(lock_);
};

class Device;

Status queue_create(QueueTable &queues, nova_svc_file *file, nova_logic_file *owner,
		    drm_nova_queue_create &args);
Status queue_get_state(QueueTable &queues, drm_nova_queue_get_state &args);
Status exec(const nova_logic_device_config &config, QueueTable &queues, drm_nova_exec &args);

} // namespace nova

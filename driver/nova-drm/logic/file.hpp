// SPDX-License-Identifier: GPL-2.0
//
// The logic's per-client state (one per open DRM file) and its ioctl handlers.
#pragma once

#include "nova_logic.h"
#include "cxx/ref_ptr.hpp"
#include "device.hpp"
#include "gem/gem.hpp"
#include "queue/queue.hpp"
#include "vm/bind_queue.hpp"
#include "vm/va_space.hpp"

struct nova_logic_file {};

struct drm_nova_getparam;
struct drm_nova_gem_create;
struct drm_nova_gem_info;
struct drm_nova_gem_mmap_offset;
struct drm_nova_vm_bind;
struct drm_nova_queue_create;
struct drm_nova_queue_destroy;
struct drm_nova_exec;
struct drm_nova_queue_get_state;

namespace nova {

// Reference counted: the glue holds the reference it got from open() until
// the DRM file goes; the file holds one on its device.
class File : public nova_logic_file, public RefCounted<File>, public ListNode<DeviceFileTag> {
public:
	static Result<RefPtr<File>> open(Device &device, nova_svc_file *svc_file);
	// The client is gone: unmaps the VA space and detaches the objects it
	// still holds; the last reference then frees the file.
	void close();

	static File &from(nova_logic_file *file) { return *static_cast<File *>(file); }

	Status getparam(drm_nova_getparam &args);
	Status gem_create(drm_nova_gem_create &args);
	Status gem_info(drm_nova_gem_info &args);
	Status gem_mmap_offset(drm_nova_gem_mmap_offset &args);
	Status vm_bind(drm_nova_vm_bind &args);
	Status queue_create(drm_nova_queue_create &args);
	Status queue_destroy(drm_nova_queue_destroy &args);
	Status exec(drm_nova_exec &args);
	Status queue_get_state(drm_nova_queue_get_state &args);

	VaSpace &va() { return va_; }

	nova_logic_file_stats stats();
	// Relaxed atomics: a sum read now and then, added to from interrupts.
	void add_busy(u64 ns) { __atomic_fetch_add(&busy_ns_, ns, __ATOMIC_RELAXED); }
	u64 mappings() { return va_.mappings(); }
	void for_each_mapping(nova_logic_mapping_fn fn, void *ctx) { va_.for_each(fn, ctx); }

private:
	friend class RefPtr<File>;
	File(Device &device, nova_svc_file *svc_file)
		: device_(&device), svc_file_(svc_file)
	{
	}
	~File();

	const RefPtr<Device> device_;
	nova_svc_file *const svc_file_;
	RefPtr<GemFileAccount> gem_;
	VaSpace va_;
	// Declared after the VA space: a queue's jobs and a pending bind use
	// it, so they go first (close() destroys them before it tears the VA
	// space down).
	QueueTable queues_;
	BindQueue binds_;
	u64 client_id_ = 0; // set once, when the file joins the device
	u64 busy_ns_ = 0;
};

} // namespace nova

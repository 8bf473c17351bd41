// SPDX-License-Identifier: GPL-2.0
//
// The hosted bind queue (nova_svc_bind_queue_*, see nova_services.h): a FIFO
// of the logic's asynchronous binds that the test runs when it chooses, and
// the fake syncobjs its submit resolves.
#include <atomic>

#include "failure.hpp"
#include "hosted_internal.hpp"
#include "hosted_services.hpp"

struct nova_svc_bind_queue : hosted::FakeBindQueue {};

namespace {

using hosted::internal::holds_any_lock;

std::atomic<long> bind_queues_live{ 0 };
std::atomic<long> binds_live{ 0 };
std::atomic<int> bind_queue_create_error{ 0 };

std::mutex registry_lock;
std::vector<std::unique_ptr<nova_svc_bind_queue>> registry;

// Declared syncobjs: handle -> holds a fence. Empty: every handle resolves.
std::mutex syncobj_lock;
std::map<std::uint32_t, bool> syncobjs;

bool check_alive(const nova_svc_bind_queue *queue, const char *what)
{
	if (holds_any_lock())
		HOSTED_FAILURE() << what << " under a lock of the logic";
	if (!queue) {
		HOSTED_FAILURE() << what << " on a null bind queue";
		return false;
	}
	if (queue->destroyed) {
		HOSTED_FAILURE() << what << " on a destroyed bind queue";
		return false;
	}
	return true;
}

// What the glue's resolution of the handles answers (nova_sync.c): the
// first element that fails decides.
int resolve(const drm_nova_sync *syncs, std::uint32_t count)
{
	std::lock_guard<std::mutex> guard(syncobj_lock);

	if (syncobjs.empty())
		return 0;
	for (std::uint32_t i = 0; i < count; i++) {
		auto it = syncobjs.find(syncs[i].handle);
		if (it == syncobjs.end())
			return -ENOENT;
		if ((syncs[i].flags & NOVA_SYNC_WAIT) && !it->second)
			return -EINVAL;
	}
	return 0;
}

void signal_installed(const drm_nova_sync *syncs, std::uint32_t count)
{
	std::lock_guard<std::mutex> guard(syncobj_lock);

	if (syncobjs.empty())
		return;
	for (std::uint32_t i = 0; i < count; i++)
		if (syncs[i].flags & NOVA_SYNC_SIGNAL)
			syncobjs[syncs[i].handle] = true;
}

// Frees a bind the queue is done with; the caller holds the queue's lock.
void release(hosted::FakeBindQueue::Bind &bind, hosted::FakeBindQueue::Bind::State state)
{
	// In the glue, free runs in a worker that may sleep and allocate.
	nova_logic_bind_free(bind.logic);
	if (holds_any_lock())
		HOSTED_FAILURE() << "nova_logic_bind_free() returned with a lock of the logic held";
	bind.logic = nullptr;
	bind.state = state;
	binds_live--;
}

} // namespace

namespace hosted {

std::size_t FakeBindQueue::pending() const
{
	std::lock_guard<std::mutex> guard(lock);
	return binds.size() - next;
}

bool FakeBindQueue::run_next()
{
	std::lock_guard<std::mutex> guard(lock);

	if (destroyed) {
		HOSTED_FAILURE() << "run_next() on a destroyed bind queue";
		return false;
	}
	if (next == binds.size())
		return false;
	Bind &bind = binds[next++];
	{
		internal::FencePath fence_path;
		bind.result = nova_logic_bind_run(bind.logic);
	}
	if (holds_any_lock())
		HOSTED_FAILURE() << "nova_logic_bind_run() returned with a lock of the logic held";
	if (bind.result != 0 && bind.result != -ENOSPC)
		HOSTED_FAILURE() << "nova_logic_bind_run() returned " << bind.result;
	release(bind, Bind::kRan);
	return true;
}

std::size_t FakeBindQueue::run_all()
{
	std::size_t ran = 0;

	while (run_next())
		ran++;
	return ran;
}

long live_bind_queues() { return bind_queues_live; }
long live_binds() { return binds_live; }
void fail_next_bind_queue_create(int err) { bind_queue_create_error = err; }

FakeBindQueue *bind_queue_created(std::size_t index)
{
	std::lock_guard<std::mutex> guard(registry_lock);
	return index < registry.size() ? registry[index].get() : nullptr;
}

FakeBindQueue *last_bind_queue()
{
	std::lock_guard<std::mutex> guard(registry_lock);
	return registry.empty() ? nullptr : registry.back().get();
}

std::size_t bind_queues_created()
{
	std::lock_guard<std::mutex> guard(registry_lock);
	return registry.size();
}

void add_syncobj(std::uint32_t handle, bool has_fence)
{
	std::lock_guard<std::mutex> guard(syncobj_lock);
	syncobjs[handle] = has_fence;
}

bool syncobj_has_fence(std::uint32_t handle)
{
	std::lock_guard<std::mutex> guard(syncobj_lock);
	auto it = syncobjs.find(handle);
	return it == syncobjs.end() ? syncobjs.empty() : it->second;
}

void internal::reset_bind_queues()
{
	{
		std::lock_guard<std::mutex> guard(registry_lock);
		// A queue still alive (its test has failed) stays allocated: the
		// logic may still reach it.
		for (auto &queue : registry)
			if (!queue->destroyed)
				(void)queue.release();
		registry.clear();
	}
	bind_queues_live = 0;
	binds_live = 0;
	bind_queue_create_error = 0;
	std::lock_guard<std::mutex> guard(syncobj_lock);
	syncobjs.clear();
}

} // namespace hosted

extern "C" nova_svc_status nova_svc_bind_queue_create(nova_svc_file *file,
						      nova_svc_bind_queue **queue)
{
	if (holds_any_lock())
		HOSTED_FAILURE() << "nova_svc_bind_queue_create() under a lock of the logic";
	if (!file)
		HOSTED_FAILURE() << "a bind queue without its file";
	if (int err = bind_queue_create_error.exchange(0))
		return nova_svc_errno(err);
	// The glue allocates the queue and its scheduler.
	if (hosted::internal::should_fail())
		return nova_svc_errno(-ENOMEM);

	auto fake = std::make_unique<nova_svc_bind_queue>();
	fake->file = file;
	*queue = fake.get();
	std::lock_guard<std::mutex> guard(registry_lock);
	registry.push_back(std::move(fake));
	bind_queues_live++;
	return nova_svc_errno(0);
}

extern "C" void nova_svc_bind_queue_destroy(nova_svc_bind_queue *queue)
{
	if (!check_alive(queue, "nova_svc_bind_queue_destroy()"))
		return;

	std::lock_guard<std::mutex> guard(queue->lock);
	// The binds not applied yet are dropped: freed, never run.
	while (queue->next < queue->binds.size())
		release(queue->binds[queue->next++], hosted::FakeBindQueue::Bind::kDropped);
	queue->destroyed = true;
	bind_queues_live--;
}

extern "C" nova_svc_status nova_svc_bind_queue_submit(nova_svc_bind_queue *queue,
						      const drm_nova_sync *syncs,
						      __u32 sync_count, nova_logic_bind *bind)
{
	// It may wait for room on the queue: never under a lock.
	if (!check_alive(queue, "nova_svc_bind_queue_submit()"))
		return nova_svc_errno(-EINVAL);
	if (!bind)
		HOSTED_FAILURE() << "nova_svc_bind_queue_submit() without a bind";
	if (sync_count && !syncs)
		HOSTED_FAILURE() << "nova_svc_bind_queue_submit() with a count but no array";
	if (queue->during_submit)
		queue->during_submit();
	if (!check_alive(queue, "nova_svc_bind_queue_submit()"))
		return nova_svc_errno(-EINVAL);

	std::lock_guard<std::mutex> guard(queue->lock);
	if (int err = queue->fail_next_submit) {
		queue->fail_next_submit = 0;
		return nova_svc_errno(err);
	}
	if (int err = resolve(syncs, sync_count))
		return nova_svc_errno(err);
	// The glue's job and its fence.
	if (hosted::internal::should_fail())
		return nova_svc_errno(-ENOMEM);

	hosted::FakeBindQueue::Bind &queued = queue->binds.emplace_back();
	if (sync_count)
		queued.syncs.assign(syncs, syncs + sync_count);
	queued.seqno = queue->binds.size();
	queued.logic = bind;
	binds_live++;
	signal_installed(syncs, sync_count);
	return nova_svc_errno(0);
}

extern "C" nova_svc_status nova_svc_bind_queue_wait_idle(nova_svc_bind_queue *queue)
{
	if (!check_alive(queue, "nova_svc_bind_queue_wait_idle()"))
		return nova_svc_errno(-EINVAL);
	{
		std::lock_guard<std::mutex> guard(queue->lock);
		queue->wait_idle_calls++;
		if (int err = queue->fail_next_wait_idle) {
			queue->fail_next_wait_idle = 0;
			return nova_svc_errno(err);
		}
	}
	queue->run_all();
	return nova_svc_errno(0);
}

// SPDX-License-Identifier: GPL-2.0
//
// The hosted (userspace) implementation of nova_services.h, and the knobs
// tests use to drive it: allocation-failure injection and a fake DRM file
// with a handle table, so the logic runs unchanged under GoogleTest and the
// sanitizers.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

extern "C" {
#include "nova_logic.h"
#include "nova_services.h"
#include "uapi/nova_drm.h"
}

namespace hosted {

// Fails the allocation that is @nth from now (0 = the next one), and every
// later one when @sticky; -1 disables injection.
void fail_allocation(long nth, bool sticky = false);
// Allocations the logic has made since the last call to fail_allocation().
long allocations_seen();

// Counts of invariant failures and refcount misuse reported by the logic;
// fixtures expect both to stay zero.
int invariant_failures();
int refcount_errors();
void reset_error_counts();

// Live fake GEM objects and mutexes: a test can check that nothing leaked.
long live_objects();
long live_mutexes();

// Makes nova_svc_gem_alloc() fail with @err once (0 disables).
void fail_next_gem_create(int err);
// Makes nova_svc_gem_publish() fail with @err once, after it took the
// record: the object is freed with it (0 disables).
void fail_next_gem_publish(int err);

// nova_svc_copy_struct_from_user() treats the __u64 as a host pointer.
// Addresses below 4096 (NULL and its neighbourhood) or beyond user space
// (2^47) and ranges that wrap always fault;
// after fail_copies_from(@address), so does every copy that reaches
// @address or beyond, as if the user's memory ended there. 0 disables.
void fail_copies_from(std::uint64_t address);

// nova_svc_gem_make_resident(): calls since the last reset_queues(), whether
// an object was made resident, and a one-shot failure with @err of the call
// @skip calls from now (0: the next one; @err 0 disables).
long make_resident_calls();
bool is_resident(const nova_svc_gem *gem);
void fail_next_make_resident(int err, long skip = 0);

// A fake queue: what nova_svc_queue_create() made for the logic. It records
// every job nova_svc_queue_exec() received (arrays copied), numbers them 1,
// 2, ... and reports @state through nova_svc_queue_get_state(). The fakes
// stay in a registry until reset_queues(), destroyed ones too (marked), so a
// test can look at a queue after the logic let go of it; a second destroy,
// or any call on a destroyed queue, is a test failure.
struct FakeQueue {
	struct Job {
		std::vector<drm_nova_exec_cmdbuf> cmdbufs;
		std::vector<drm_nova_sync> syncs;
		std::uint64_t seqno;
	};

	nova_svc_file *file = nullptr;
	nova_logic_file *owner = nullptr;
	std::uint32_t priority = 0;
	std::vector<Job> jobs;
	std::uint64_t submitted = 0;
	// Lost: every later EXEC fails with -EIO.
	bool lost = false;
	// The next EXEC fails with this errno (once; 0: none).
	int fail_next_exec = 0;
	// The output fields that nova_svc_queue_get_state() reports.
	drm_nova_queue_get_state state{};
	long get_state_calls = 0;
	bool destroyed = false;
	// Run inside nova_svc_queue_exec() (before anything is recorded) and
	// inside nova_svc_queue_destroy() (before the queue is marked), so a
	// test can act while the logic is in the middle of the call.
	std::function<void()> during_exec;
	std::function<void()> during_destroy;
};

// Queues created and not destroyed: fixtures expect none after a test.
long live_queues();
// Every queue created since reset_queues(), in creation order (nullptr
// past the end), and the last one.
FakeQueue *queue_created(std::size_t index);
FakeQueue *last_queue();
std::size_t queues_created();
// Makes the next nova_svc_queue_create() fail with @err (0 disables).
void fail_next_queue_create(int err);
// Forgets every fake queue and bind queue (frees them), every syncobj, and
// zeroes the counters above and below.
void reset_queues();

// A fake bind queue (hosted_bind_queue.cpp): what
// nova_svc_bind_queue_create() made for the logic. A FIFO the test drives:
// submit records the bind with its sync elements (copied) and queues it;
// nothing runs until the test calls run_next() or run_all(), or the logic
// calls nova_svc_bind_queue_wait_idle(), which run the oldest pending bind
// first: nova_logic_bind_run() on the fence path (no allocation, no object
// reference dropped), then nova_logic_bind_free(). Destroying the queue
// frees the pending binds without running them. Kept in a registry until
// reset_queues(), destroyed ones too (marked), as FakeQueue is.
struct FakeBindQueue {
	struct Bind {
		enum State { kPending, kRan, kDropped };

		std::vector<drm_nova_sync> syncs;
		std::uint64_t seqno = 0; // 1, 2, ... in submission order
		State state = kPending;
		int result = 0; // what nova_logic_bind_run() returned
		nova_logic_bind *logic = nullptr; // until freed
	};

	nova_svc_file *file = nullptr;
	// Every bind submitted, in submission order (stable references).
	std::deque<Bind> binds;
	// The next submit fails with this errno, before anything is
	// resolved or recorded (once; 0: none): -EINTR is a signal that
	// arrived while it waited for room.
	int fail_next_submit = 0;
	// The next wait_idle returns this errno without running anything
	// (once; 0: none).
	int fail_next_wait_idle = 0;
	long wait_idle_calls = 0;
	bool destroyed = false;
	// Run inside nova_svc_bind_queue_submit() before anything else, so a
	// test can act while the logic is in the middle of the call.
	std::function<void()> during_submit;

	std::size_t pending() const;
	// Runs and frees the oldest pending bind; false when there is none.
	bool run_next();
	// Runs every pending bind in order; returns how many ran.
	std::size_t run_all();

	// Held while a bind runs or the FIFO changes: binds run one at a time.
	mutable std::mutex lock;
	std::size_t next = 0; // index in @binds of the oldest pending bind
};

// Bind queues created and not destroyed, and binds submitted and not freed:
// fixtures expect none after a test.
long live_bind_queues();
long live_binds();
// Every bind queue created since reset_queues(), in creation order
// (nullptr past the end), and the last one (nullptr if none).
FakeBindQueue *bind_queue_created(std::size_t index);
FakeBindQueue *last_bind_queue();
std::size_t bind_queues_created();
// Makes the next nova_svc_bind_queue_create() fail with @err (0 disables).
void fail_next_bind_queue_create(int err);

// Syncobjs as nova_svc_bind_queue_submit() resolves the handles. Until a
// test declares one, every handle names a syncobj that holds a fence (the
// EXEC fake resolves none either). Once one is declared, only declared
// handles exist (-ENOENT otherwise), a WAIT needs one that holds a fence
// (-EINVAL otherwise), and a successful submit gives each SIGNAL's syncobj
// a fence, as the glue does when it queues the bind. Timeline points are
// not told apart: a syncobj holds a fence or not.
void add_syncobj(std::uint32_t handle, bool has_fence);
bool syncobj_has_fence(std::uint32_t handle);

// The hosted services also police the logic's lock discipline, reporting a
// test failure for: an allocation while the thread holds a lock of the logic, and
// a GEM reference dropped while it holds a file (VA space) lock, since the
// last put frees the object, which takes the device's GEM manager lock.

// A DRM file as the glue would see it: a handle table over fake objects.
class File {
public:
	explicit File(nova_logic_device *device);
	~File(); // closes the file: drops handles, then calls nova_logic_file_close
	File(const File &) = delete;
	File &operator=(const File &) = delete;

	nova_logic_file *logic() const { return logic_; }
	int open_error() const { return open_error_; }
	nova_svc_file *svc();

	// DRM_IOCTL_GEM_CLOSE: drops the handle's reference.
	int close_handle(std::uint32_t handle);
	// An extra reference, as an mmap or a dma-buf would hold; dropped by
	// put_object(). Returns nullptr for an unknown handle.
	nova_svc_gem *hold(std::uint32_t handle);
	static void put_object(nova_svc_gem *gem);
	std::size_t handle_count() const;
	// An object the logic did not create (a PRIME import, say): it has a
	// handle but no record of the logic. Returns the handle.
	std::uint32_t import_foreign(std::uint64_t size);

	struct State;

private:
	nova_logic_file *logic_ = nullptr;
	int open_error_ = 0;
	std::unique_ptr<State> state_;
};

} // namespace hosted

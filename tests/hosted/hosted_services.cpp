// SPDX-License-Identifier: GPL-2.0
//
// Userspace implementation of the kernel services (see nova_services.h),
// but for the bind queue (hosted_bind_queue.cpp).
#include "hosted_services.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#include "cxx/alloc.hpp"
#include "failure.hpp"
#include "hosted_internal.hpp"

namespace {

std::atomic<long> fail_at{ -1 };
std::atomic<bool> fail_sticky{ false };
std::atomic<long> seen{ 0 };
std::atomic<int> invariants{ 0 };
std::atomic<int> refcount_misuse{ 0 };
std::atomic<long> objects{ 0 };
std::atomic<long> mutexes{ 0 };
std::atomic<int> gem_create_error{ 0 };
std::atomic<int> gem_publish_error{ 0 };
std::atomic<std::uint64_t> copy_fault_from{ 0 };
std::atomic<long> resident_calls{ 0 };
std::atomic<int> make_resident_error{ 0 };
std::atomic<long> make_resident_skip{ 0 };
std::atomic<int> queue_create_error{ 0 };
std::atomic<long> queues_live{ 0 };

// Locks of the logic the calling thread holds, per class.
thread_local int locks_held[NOVA_LOCK_CLASS_COUNT];
// The calling thread runs a bind on the glue's fence path.
thread_local bool on_fence_path;

} // namespace

namespace hosted::internal {

bool holds_any_lock()
{
	for (int held : locks_held)
		if (held)
			return true;
	return false;
}

bool should_fail()
{
	if (holds_any_lock())
		HOSTED_FAILURE() << "the logic allocates while holding one of its locks";
	if (on_fence_path)
		HOSTED_FAILURE() << "an allocation on the fence path (nova_logic_bind_run())";

	long index = seen.fetch_add(1);
	long target = fail_at.load();

	if (target < 0)
		return false;
	return fail_sticky ? index >= target : index == target;
}

FencePath::FencePath()
{
	if (on_fence_path)
		HOSTED_FAILURE() << "the fence path entered twice";
	on_fence_path = true;
}

FencePath::~FencePath() { on_fence_path = false; }

bool FencePath::active() { return on_fence_path; }

} // namespace hosted::internal

using hosted::internal::holds_any_lock;
using hosted::internal::should_fail;

namespace hosted {

void fail_allocation(long nth, bool sticky)
{
	seen = 0;
	fail_sticky = sticky;
	fail_at = nth;
}

long allocations_seen() { return seen; }
int invariant_failures() { return invariants; }
int refcount_errors() { return refcount_misuse; }
void reset_error_counts()
{
	invariants = 0;
	refcount_misuse = 0;
}
long live_objects() { return objects; }
long live_mutexes() { return mutexes; }
void fail_next_gem_create(int err) { gem_create_error = err; }
void fail_next_gem_publish(int err) { gem_publish_error = err; }
void fail_copies_from(std::uint64_t address) { copy_fault_from = address; }

} // namespace hosted

// --- allocation --------------------------------------------------------------
//
// The logic's operator new and nova_svc_zalloc share one failure injector. Its
// delete-expressions use the standard operator delete here, so the matching
// allocation function is the standard nothrow new (sanitizers check pairing).

void *operator new(size_t size, const nova::MayFail &) noexcept
{
	if (should_fail())
		return nullptr;
	void *ptr = ::operator new(size, std::nothrow);
	if (ptr)
		std::memset(ptr, 0, size);
	return ptr;
}

// Leaks are LeakSanitizer's to find: it runs at exit of the test binary.
extern "C" void *nova_svc_zalloc(unsigned long size)
{
	if (should_fail())
		return nullptr;
	return std::calloc(1, size);
}

extern "C" void nova_svc_free(void *ptr)
{
	std::free(ptr);
}

// --- user memory ---------------------------------------------------------------

// The glue's semantics (copy_struct_from_user(), with a fault anywhere in
// the user's struct winning over a non-zero tail), on host memory.
extern "C" nova_svc_status nova_svc_copy_struct_from_user(void *dst, unsigned long ksize,
							  __u64 user_ptr, unsigned long usize)
{
	std::uint64_t end;
	std::uint64_t fault = copy_fault_from;
	const auto *src = reinterpret_cast<const unsigned char *>(static_cast<std::uintptr_t>(user_ptr));

	// access_ok(): user space ends at 2^47 on x86-64 (4-level paging).
	if (user_ptr < 4096 || __builtin_add_overflow(user_ptr, usize, &end) || end > (1ull << 47))
		return nova_svc_errno(-EFAULT);
	if (fault && end > fault)
		return nova_svc_errno(-EFAULT);
	for (unsigned long at = ksize; at < usize; at++)
		if (src[at])
			return nova_svc_errno(-E2BIG);
	std::memset(dst, 0, ksize);
	std::memcpy(dst, src, ksize < usize ? ksize : usize);
	return nova_svc_errno(0);
}

// --- locks -------------------------------------------------------------------

struct nova_svc_mutex {
	std::mutex lock;
	nova_svc_lock_class lock_class;
};

extern "C" nova_svc_mutex *nova_svc_mutex_create(nova_svc_lock_class lock_class)
{
	if (lock_class >= NOVA_LOCK_CLASS_COUNT) {
		HOSTED_FAILURE() << "bad lock class " << lock_class;
		return nullptr;
	}
	if (should_fail())
		return nullptr;
	auto *mutex = new (std::nothrow) nova_svc_mutex{};
	if (mutex) {
		mutex->lock_class = lock_class;
		mutexes++;
	}
	return mutex;
}

extern "C" void nova_svc_mutex_destroy(nova_svc_mutex *mutex)
{
	if (mutex)
		mutexes--;
	delete mutex;
}

extern "C" void nova_svc_mutex_lock(nova_svc_mutex *mutex)
{
	if (locks_held[NOVA_LOCK_GEM_ACCOUNT])
		HOSTED_FAILURE() << "a lock taken under a GEM account's lock, which is a leaf";
	mutex->lock.lock();
	locks_held[mutex->lock_class]++;
}

extern "C" void nova_svc_mutex_unlock(nova_svc_mutex *mutex)
{
	locks_held[mutex->lock_class]--;
	mutex->lock.unlock();
}

// --- refcounts: refcount_t's rules, reported instead of saturated ------------

static std::atomic<int> &counter(nova_svc_refcount *ref)
{
	static_assert(sizeof(std::atomic<int>) == sizeof(nova_svc_refcount));
	return *reinterpret_cast<std::atomic<int> *>(&ref->count);
}

extern "C" void nova_svc_refcount_set(nova_svc_refcount *ref, unsigned int value)
{
	counter(ref).store(static_cast<int>(value));
}

extern "C" void nova_svc_refcount_inc(nova_svc_refcount *ref)
{
	if (counter(ref).fetch_add(1) <= 0) {
		refcount_misuse++;
		HOSTED_FAILURE() << "refcount increment from zero";
	}
}

extern "C" int nova_svc_refcount_dec_and_test(nova_svc_refcount *ref)
{
	int old = counter(ref).fetch_sub(1);

	if (old <= 0) {
		refcount_misuse++;
		HOSTED_FAILURE() << "refcount underflow";
		return 0;
	}
	return old == 1;
}

// --- invariants ----------------------------------------------------------------

extern "C" void nova_svc_invariant_failed(const char *file, int line, const char *expr)
{
	invariants++;
	HOSTED_FAILURE_AT(file, line) << "logic invariant broken: " << expr;
}

// --- GEM objects: a refcounted fake object and a per-file handle table --------

struct nova_svc_gem {
	std::atomic<int> refs{ 1 };
	std::atomic<bool> resident{ false };
	std::uint64_t size = 0;
	nova_logic_gem *logic = nullptr; // in @record, or none
	std::uint64_t mmap_offset = 0;
	nova_logic_gem_storage record{};
};

struct nova_svc_file {
	hosted::File::State *state;
};

struct hosted::File::State {
	nova_svc_file svc{ this };
	std::mutex lock;
	std::map<std::uint32_t, nova_svc_gem *> handles;
	std::uint32_t next_handle = 1;
};

static void gem_get(nova_svc_gem *gem)
{
	if (gem->refs++ <= 0)
		HOSTED_FAILURE() << "GEM reference taken on a freed object";
}

static void gem_put(nova_svc_gem *gem)
{
	if (locks_held[NOVA_LOCK_FILE])
		HOSTED_FAILURE() << "GEM reference dropped under a VA space lock";
	if (on_fence_path)
		HOSTED_FAILURE() << "GEM reference dropped on the fence path (nova_logic_bind_run())";
	if (--gem->refs == 0) {
		nova_logic_gem_release(gem->logic);
		delete gem;
		objects--;
	}
}

// An object with no handle yet, and its only reference.
static nova_svc_gem *gem_new(__u64 size)
{
	auto *gem = new nova_svc_gem;

	gem->size = size;
	objects++;
	return gem;
}

// The handle owns the creation reference.
static __u32 gem_add_handle(nova_svc_file *file, nova_svc_gem *gem)
{
	std::lock_guard<std::mutex> guard(file->state->lock);
	__u32 handle = file->state->next_handle++;

	file->state->handles[handle] = gem;
	return handle;
}

extern "C" nova_svc_status nova_svc_gem_alloc(nova_svc_file *, __u64 size, nova_svc_gem **gem,
					      nova_logic_gem_storage **storage)
{
	if (int err = gem_create_error.exchange(0))
		return nova_svc_errno(err);
	if (should_fail())
		return nova_svc_errno(-ENOMEM);
	*gem = gem_new(size);
	*storage = &(*gem)->record;
	return nova_svc_errno(0);
}

extern "C" nova_svc_status nova_svc_gem_publish(nova_svc_file *file, nova_svc_gem *gem,
						nova_logic_gem *logic, __u32 *handle)
{
	const void *record = &gem->record;

	if (static_cast<const void *>(logic) < record ||
	    static_cast<const void *>(logic) >= static_cast<const void *>(&gem->record + 1))
		HOSTED_FAILURE() << "the logic's record is not in the object's storage";
	gem->logic = logic;
	// The handle table's allocation, as in DRM; then the object is freed.
	int err = gem_publish_error.exchange(0);
	if (!err && should_fail())
		err = -ENOMEM;
	if (err) {
		gem_put(gem);
		return nova_svc_errno(err);
	}
	*handle = gem_add_handle(file, gem);
	return nova_svc_errno(0);
}

extern "C" nova_svc_status nova_svc_gem_lookup(nova_svc_file *file, __u32 handle,
					       nova_svc_gem **gem)
{
	std::lock_guard<std::mutex> guard(file->state->lock);
	auto it = file->state->handles.find(handle);

	if (it == file->state->handles.end())
		return nova_svc_errno(-ENOENT);
	gem_get(it->second);
	*gem = it->second;
	return nova_svc_errno(0);
}

extern "C" void nova_svc_gem_get(nova_svc_gem *gem) { gem_get(gem); }
extern "C" void nova_svc_gem_put(nova_svc_gem *gem) { gem_put(gem); }
extern "C" __u64 nova_svc_gem_size(const nova_svc_gem *gem) { return gem->size; }
extern "C" nova_logic_gem *nova_svc_gem_logic(const nova_svc_gem *gem) { return gem->logic; }

extern "C" nova_svc_status nova_svc_gem_mmap_offset(nova_svc_gem *gem, __u64 *offset)
{
	static std::atomic<std::uint64_t> next_offset{ 1ull << 32 };

	if (!gem->mmap_offset)
		gem->mmap_offset = next_offset.fetch_add(gem->size);
	*offset = gem->mmap_offset;
	return nova_svc_errno(0);
}

// The glue allocates the object's pages (once: later calls find them); a
// test injects the failure instead, so allocation counts stay the logic's.
extern "C" nova_svc_status nova_svc_gem_make_resident(nova_svc_gem *gem)
{
	if (holds_any_lock())
		HOSTED_FAILURE() << "nova_svc_gem_make_resident() under a lock of the logic";
	if (gem->refs <= 0)
		HOSTED_FAILURE() << "nova_svc_gem_make_resident() on a freed object";
	resident_calls++;
	if (make_resident_error && make_resident_skip-- == 0)
		return nova_svc_errno(make_resident_error.exchange(0));
	gem->resident = true;
	return nova_svc_errno(0);
}

// --- queues: fakes that record what they are given ----------------------------

struct nova_svc_queue : hosted::FakeQueue {};

namespace {

std::mutex queue_registry_lock;
std::vector<std::unique_ptr<nova_svc_queue>> queue_registry;

// A queue the logic may still use: reported otherwise.
bool check_alive(const nova_svc_queue *queue, const char *what)
{
	if (!queue) {
		HOSTED_FAILURE() << what << " on a null queue";
		return false;
	}
	if (queue->destroyed) {
		HOSTED_FAILURE() << what << " on a destroyed queue";
		return false;
	}
	return true;
}

} // namespace

namespace hosted {

long make_resident_calls() { return resident_calls; }
bool is_resident(const nova_svc_gem *gem) { return gem->resident; }
void fail_next_make_resident(int err, long skip)
{
	make_resident_skip = skip;
	make_resident_error = err;
}
long live_queues() { return queues_live; }
void fail_next_queue_create(int err) { queue_create_error = err; }

FakeQueue *queue_created(std::size_t index)
{
	std::lock_guard<std::mutex> guard(queue_registry_lock);
	return index < queue_registry.size() ? queue_registry[index].get() : nullptr;
}

FakeQueue *last_queue()
{
	std::lock_guard<std::mutex> guard(queue_registry_lock);
	return queue_registry.empty() ? nullptr : queue_registry.back().get();
}

std::size_t queues_created()
{
	std::lock_guard<std::mutex> guard(queue_registry_lock);
	return queue_registry.size();
}

void reset_queues()
{
	std::lock_guard<std::mutex> guard(queue_registry_lock);
	// A queue still alive (a test that leaked it has failed) stays
	// allocated: the logic may still reach it.
	for (auto &queue : queue_registry)
		if (!queue->destroyed)
			(void)queue.release();
	queue_registry.clear();
	queues_live = 0;
	resident_calls = 0;
	make_resident_error = 0;
	make_resident_skip = 0;
	queue_create_error = 0;
	internal::reset_bind_queues();
}

} // namespace hosted

extern "C" nova_svc_status nova_svc_queue_create(nova_svc_file *file, nova_logic_file *owner,
						 __u32 priority, nova_svc_queue **queue)
{
	if (holds_any_lock())
		HOSTED_FAILURE() << "nova_svc_queue_create() under a lock of the logic";
	if (!owner)
		HOSTED_FAILURE() << "a queue without the logic file that owns it";
	if (priority > NOVA_QUEUE_PRIORITY_HIGH)
		HOSTED_FAILURE() << "nova_svc_queue_create() with unchecked priority " << priority;
	if (int err = queue_create_error.exchange(0))
		return nova_svc_errno(err);
	if (should_fail())
		return nova_svc_errno(-ENOMEM);

	auto fake = std::make_unique<nova_svc_queue>();
	fake->file = file;
	fake->owner = owner;
	fake->priority = priority;
	*queue = fake.get();
	std::lock_guard<std::mutex> guard(queue_registry_lock);
	queue_registry.push_back(std::move(fake));
	queues_live++;
	return nova_svc_errno(0);
}

extern "C" void nova_svc_queue_destroy(nova_svc_queue *queue)
{
	// Stopping a queue waits for its running job: never under a lock.
	if (holds_any_lock())
		HOSTED_FAILURE() << "nova_svc_queue_destroy() under a lock of the logic";
	if (!check_alive(queue, "nova_svc_queue_destroy()"))
		return;
	if (queue->during_destroy)
		queue->during_destroy();
	queue->destroyed = true;
	queues_live--;
}

extern "C" void nova_svc_queue_get_state(nova_svc_queue *queue, drm_nova_queue_get_state *state)
{
	if (!check_alive(queue, "nova_svc_queue_get_state()"))
		return;
	queue->get_state_calls++;
	// The output fields only: the inputs are the caller's.
	state->state = queue->state.state;
	state->fault_type = queue->state.fault_type;
	state->fault_access = queue->state.fault_access;
	state->fault_va = queue->state.fault_va;
	state->fault_seqno = queue->state.fault_seqno;
	state->submitted = queue->submitted;
	state->completed = queue->state.completed;
}

extern "C" nova_svc_status nova_svc_queue_exec(nova_svc_queue *queue, const nova_svc_exec *exec,
					       __u64 *seqno)
{
	// It may wait for room in the queue: never under a lock.
	if (holds_any_lock())
		HOSTED_FAILURE() << "nova_svc_queue_exec() under a lock of the logic";
	if (!check_alive(queue, "nova_svc_queue_exec()"))
		return nova_svc_errno(-EINVAL);
	if (queue->during_exec)
		queue->during_exec();
	if (!check_alive(queue, "nova_svc_queue_exec()"))
		return nova_svc_errno(-EINVAL);
	if (queue->lost)
		return nova_svc_errno(-EIO);
	if (int err = queue->fail_next_exec) {
		queue->fail_next_exec = 0;
		return nova_svc_errno(err);
	}
	if ((exec->cmdbuf_count && !exec->cmdbufs) || (exec->sync_count && !exec->syncs))
		HOSTED_FAILURE() << "nova_svc_queue_exec() with a count but no array";
	if (should_fail())
		return nova_svc_errno(-ENOMEM);

	hosted::FakeQueue::Job job;
	job.cmdbufs.assign(exec->cmdbufs, exec->cmdbufs + exec->cmdbuf_count);
	job.syncs.assign(exec->syncs, exec->syncs + exec->sync_count);
	job.seqno = ++queue->submitted;
	queue->jobs.push_back(std::move(job));
	*seqno = queue->submitted;
	return nova_svc_errno(0);
}

// --- hosted::File --------------------------------------------------------------

namespace hosted {

File::File(nova_logic_device *device) : state_(new State)
{
	open_error_ = nova_logic_file_open(device, &state_->svc, &logic_);
}

File::~File()
{
	// DRM's order: drop every handle first, then the driver's postclose.
	std::map<std::uint32_t, nova_svc_gem *> handles;
	{
		std::lock_guard<std::mutex> guard(state_->lock);
		handles.swap(state_->handles);
	}
	for (auto &entry : handles)
		gem_put(entry.second);
	if (logic_)
		nova_logic_file_close(logic_);
}

nova_svc_file *File::svc() { return &state_->svc; }

int File::close_handle(std::uint32_t handle)
{
	nova_svc_gem *gem;
	{
		std::lock_guard<std::mutex> guard(state_->lock);
		auto it = state_->handles.find(handle);
		if (it == state_->handles.end())
			return -EINVAL; // what DRM_IOCTL_GEM_CLOSE answers
		gem = it->second;
		state_->handles.erase(it);
	}
	gem_put(gem);
	return 0;
}

nova_svc_gem *File::hold(std::uint32_t handle)
{
	nova_svc_gem *gem = nullptr;

	if (nova_svc_gem_lookup(&state_->svc, handle, &gem).error < 0)
		return nullptr;
	return gem;
}

void File::put_object(nova_svc_gem *gem) { gem_put(gem); }

std::size_t File::handle_count() const
{
	std::lock_guard<std::mutex> guard(state_->lock);
	return state_->handles.size();
}

std::uint32_t File::import_foreign(std::uint64_t size)
{
	std::uint32_t handle = 0;

	handle = gem_add_handle(&state_->svc, gem_new(size));
	return handle;
}

} // namespace hosted

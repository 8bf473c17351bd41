// SPDX-License-Identifier: GPL-2.0
//
// The negative test of the thread-safety check (see the Makefile's
// thread-safety target): a small class written with the support library's own Mutex,
// Guard and annotations. As it is, it must pass clang's analysis; built
// with -DNOVA_TSA_VIOLATION=N it plants violation N, which the analysis
// must reject, or the annotations have stopped checking anything.
#include "cxx/lock.hpp"

namespace {

class Counter {
public:
	nova::Status init() { return lock_.init(NOVA_LOCK_DEVICE); }

	void add(nova::u64 amount)
	{
		nova::Guard guard(lock_);

		add_locked(amount);
	}

	nova::u64 value()
	{
		nova::Guard guard(lock_);

		return value_;
	}

#if NOVA_TSA_VIOLATION == 1
	// A guarded member touched without its lock.
	void add_unlocked(nova::u64 amount) { value_ += amount; }
#elif NOVA_TSA_VIOLATION == 2
	// A function that needs the lock, called without it.
	void add_twice(nova::u64 amount)
	{
		add_locked(amount);
		add(amount);
	}
#elif NOVA_TSA_VIOLATION == 3
	// A lock taken by hand and still held on return.
	void add_and_keep_locked(nova::u64 amount)
	{
		lock_.lock();
		value_ += amount;
	}
#elif defined(NOVA_TSA_VIOLATION)
#error "unknown NOVA_TSA_VIOLATION"
#endif

private:
	void add_locked(nova::u64 amount) TA_REQ(lock_) { value_ += amount; }

	nova::Mutex lock_;
	nova::u64 value_ TA_GUARDED(lock_) = 0;
};

} // namespace

// Keeps every member used, so -Wunused cannot be what fails a build.
nova::u64 nova_thread_safety_probe()
{
	Counter counter;

	if (!counter.init().ok())
		return 0;
	counter.add(1);
#if NOVA_TSA_VIOLATION == 1
	counter.add_unlocked(1);
#elif NOVA_TSA_VIOLATION == 2
	counter.add_twice(1);
#elif NOVA_TSA_VIOLATION == 3
	counter.add_and_keep_locked(1);
#endif
	return counter.value();
}

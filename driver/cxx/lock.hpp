// SPDX-License-Identifier: GPL-2.0
//
// Mutex and scoped guard over the kernel's sleeping lock, annotated for
// clang's thread-safety analysis (cxx/thread_annotations.hpp).
#pragma once

#include "cxx/result.hpp"
#include "cxx/thread_annotations.hpp"

namespace nova {

class TA_CAP("mutex") Mutex : NoCopy {
public:
	Mutex() = default;
	~Mutex() { nova_svc_mutex_destroy(mutex_); }

	// Two-phase construction: a lock needs memory, which can run out.
	[[nodiscard]] Status init(nova_svc_lock_class lock_class)
	{
		mutex_ = nova_svc_mutex_create(lock_class);
		return mutex_ ? Status() : error(-ENOMEM);
	}

	void lock() TA_ACQ() { nova_svc_mutex_lock(mutex_); }
	void unlock() TA_REL() { nova_svc_mutex_unlock(mutex_); }

	// Tells the analysis that the caller holds this lock where it cannot
	// follow it (a guard kept in another object); costs nothing at run time.
	void assert_held() const TA_ASSERT() {}

private:
	nova_svc_mutex *mutex_ = nullptr;
};

// Holds a Mutex for the rest of the scope.
class [[nodiscard]] TA_SCOPED_CAP Guard : NoCopy {
public:
	explicit Guard(Mutex &mutex) TA_ACQ(mutex) : mutex_(mutex) { mutex_.lock(); }
	~Guard() TA_REL() { mutex_.unlock(); }

private:
	Mutex &mutex_;
};

} // namespace nova

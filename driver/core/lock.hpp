// SPDX-License-Identifier: GPL-2.0
//
// Mutex and scoped guard over the kernel's sleeping lock.
#pragma once

#include "core/result.hpp"

namespace nova {

class Mutex : NoCopy {
public:
	Mutex() = default;
	~Mutex() { nova_svc_mutex_destroy(mutex_); }

	// Two-phase construction: a lock needs memory, which can run out.
	[[nodiscard]] Status init(nova_svc_lock_class lock_class)
	{
		mutex_ = nova_svc_mutex_create(lock_class);
		return mutex_ ? Status() : error(-ENOMEM);
	}

	void lock() { nova_svc_mutex_lock(mutex_); }
	void unlock() { nova_svc_mutex_unlock(mutex_); }

private:
	nova_svc_mutex *mutex_ = nullptr;
};

// Holds a Mutex for the rest of the scope.
class [[nodiscard]] Guard : NoCopy {
public:
	explicit Guard(Mutex &mutex) : mutex_(mutex) { mutex_.lock(); }
	~Guard() { mutex_.unlock(); }

private:
	Mutex &mutex_;
};

} // namespace nova

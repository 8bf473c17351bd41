// SPDX-License-Identifier: GPL-2.0
//
// Reference count with refcount_t semantics (saturation, warnings on misuse),
// provided by the kernel through the services.
#pragma once

#include "core/types.hpp"

namespace nova {

class RefCount : NoCopy {
public:
	explicit RefCount(unsigned int initial = 1) { nova_svc_refcount_set(&count_, initial); }

	void get() { nova_svc_refcount_inc(&count_); }
	// True when the last reference went away.
	[[nodiscard]] bool put() { return nova_svc_refcount_dec_and_test(&count_) != 0; }

private:
	nova_svc_refcount count_;
};

} // namespace nova

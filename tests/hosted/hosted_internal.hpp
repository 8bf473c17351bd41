// SPDX-License-Identifier: GPL-2.0
//
// What the hosted services' source files share among themselves and no test
// uses: the allocation-failure injector with its lock check, and the
// thread's lock and fence-path state.
#pragma once

namespace hosted::internal {

// True when the calling thread holds a lock of the logic.
bool holds_any_lock();
// One allocation (the logic's or the glue's): reports one made under a lock
// of the logic or on the fence path, counts it, and says whether it is the
// one a test asked to fail.
bool should_fail();

// Marks the calling thread as on the fence path while it lives: what
// nova_logic_bind_run() runs on in the glue (a scheduler's run_job), where
// nothing may allocate or drop an object reference.
class FencePath {
public:
	FencePath();
	~FencePath();
	FencePath(const FencePath &) = delete;
	FencePath &operator=(const FencePath &) = delete;

	static bool active();
};

// Forgets the fake bind queues and syncobjs (reset_queues() calls it).
void reset_bind_queues();

} // namespace hosted::internal

// SPDX-License-Identifier: GPL-2.0
//
// Asynchronous VM_BIND (NOVA_VM_BIND_ASYNC) through nova_logic_ioctl_vm_bind
// against the hosted bind queue: the order in which binds take effect (also
// behind a synchronous call), the file's one queue, -ENOSPC at apply time,
// SYNC_ONLY operations, file close with binds pending, and -ENOMEM at each
// allocation of an asynchronous call. The errnos of the call are in
// vm_bind_async_errors_test.cpp; what vm_bind_test.cpp covers for
// synchronous binds is not repeated.
#include <atomic>
#include <thread>
#include <utility>

#include "vm_async_fixture.hpp"

namespace hosted {
namespace {

using namespace async;

// --- the queue ------------------------------------------------------------------

TEST_F(VmBindAsyncTest, ABindTakesEffectWhenItRunsNotBefore)
{
	File file(device_);
	std::uint32_t a = object(file, 4);
	const std::vector<drm_nova_sync> syncs = { sync_of(7, NOVA_SYNC_WAIT),
						   sync_of(8, NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE, 3) };

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(1)) }), 0);
	EXPECT_EQ(bind_queues_created(), 0u) << "a synchronous bind made a bind queue";

	Call call({ map_op(a, va(8), pages(4)) }, syncs);
	ASSERT_EQ(call(file), 0);
	EXPECT_EQ(call.args.failed_op, NOVA_VM_BIND_NO_OP);
	ASSERT_EQ(bind_queues_created(), 1u);
	EXPECT_EQ(queue().file, file.svc());
	ASSERT_EQ(queue().binds.size(), 1u);
	EXPECT_EQ(queue().binds[0].syncs, syncs);
	EXPECT_EQ(mappings(file).size(), 1u) << "applied before it ran";
	EXPECT_EQ(live_binds(), 1);

	ASSERT_TRUE(queue().run_next());
	EXPECT_EQ(queue().binds[0].state, FakeBindQueue::Bind::kRan);
	EXPECT_EQ(queue().binds[0].result, 0);
	EXPECT_EQ(mappings(file).size(), 2u);
	EXPECT_EQ(live_binds(), 0);
	EXPECT_FALSE(queue().run_next());

	// The file keeps its one queue.
	ASSERT_EQ(bind_async(file, { unmap_op(va(8), pages(1)) }), 0);
	EXPECT_EQ(bind_queues_created(), 1u);
	EXPECT_EQ(queue().binds[1].seqno, 2u);
	EXPECT_TRUE(queue().binds[1].syncs.empty());
	EXPECT_EQ(queue().run_all(), 1u);
	EXPECT_EQ(mappings(file).size(), 2u);
	EXPECT_EQ(mappings(file)[1].start, va(9));
}

TEST_F(VmBindAsyncTest, BindsTakeEffectInTheOrderOfTheirCalls)
{
	File file(device_);
	std::uint32_t a = object(file, 8), b = object(file, 8);
	const std::uint64_t ia = object_id(file, a), ib = object_id(file, b);

	ASSERT_EQ(bind_async(file, { map_op(a, va(0), pages(8)) }), 0);
	ASSERT_EQ(bind_async(file, { map_op(b, va(2), pages(2), pages(4)) }), 0);
	ASSERT_EQ(bind_async(file, { unmap_op(va(0), pages(3)) }), 0);
	ASSERT_EQ(pending(), 3u);

	ASSERT_TRUE(queue().run_next());
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{ { va(0), va(8), ia, 0, 0 } }));
	ASSERT_TRUE(queue().run_next());
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{ { va(0), va(2), ia, 0, 0 },
							 { va(2), va(4), ib, pages(4), 0 },
							 { va(4), va(8), ia, pages(4), 0 } }));
	ASSERT_TRUE(queue().run_next());
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{ { va(3), va(4), ib, pages(5), 0 },
							 { va(4), va(8), ia, pages(4), 0 } }));
}

// A synchronous bind waits for the pending ones once its checks passed,
// then applies on top of what they left.
TEST_F(VmBindAsyncTest, ASynchronousBindRunsThePendingOnesFirst)
{
	File file(device_);
	std::uint32_t a = object(file, 8), b = object(file, 8);
	const std::uint64_t ia = object_id(file, a), ib = object_id(file, b);

	ASSERT_EQ(bind_async(file, { map_op(a, va(0), pages(4)) }), 0);
	ASSERT_EQ(bind_async(file, { map_op(a, va(4), pages(4), pages(4)) }), 0);

	// Bad arguments are the call's alone: nothing waits, nothing runs.
	EXPECT_EQ(vm_bind(file, { map_op(b, va(1), pages(1)), map_op(999, va(0), kPage) }), -ENOENT);
	EXPECT_EQ(queue().wait_idle_calls, 0);
	EXPECT_EQ(pending(), 2u);

	// A wait a signal interrupts: the call fails, nothing of it applies.
	queue().fail_next_wait_idle = -EINTR;
	EXPECT_EQ(vm_bind(file, { map_op(b, va(1), pages(1)) }), -EINTR);
	EXPECT_EQ(pending(), 2u);
	EXPECT_TRUE(mappings(file).empty());
	EXPECT_EQ(live_objects(), 2);

	ASSERT_EQ(vm_bind(file, { map_op(b, va(1), pages(1)) }), 0);
	EXPECT_EQ(queue().wait_idle_calls, 2);
	EXPECT_EQ(pending(), 0u);
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{ { va(0), va(1), ia, 0, 0 },
							 { va(1), va(2), ib, 0, 0 },
							 { va(2), va(4), ia, pages(2), 0 },
							 { va(4), va(8), ia, pages(4), 0 } }));
}

// A synchronous call with no operations changes nothing but is ordered
// all the same: when it returns, the binds queued before it took effect.
TEST_F(VmBindAsyncTest, ASynchronousCallWithoutOperationsWaitsForThePendingOnes)
{
	File file(device_);
	std::uint32_t a = object(file, 1);

	ASSERT_EQ(bind_async(file, { map_op(a, va(0), kPage) }), 0);
	ASSERT_EQ(bind_async(file, { map_op(a, va(4), kPage) }), 0);
	queue().fail_next_wait_idle = -EINTR;
	EXPECT_EQ(vm_bind_raw(file, nullptr, 0, 0), -EINTR);
	EXPECT_EQ(pending(), 2u);
	EXPECT_EQ(vm_bind_raw(file, nullptr, 0, 0), 0);
	EXPECT_EQ(pending(), 0u);
	EXPECT_EQ(mappings(file).size(), 2u);
	EXPECT_EQ(queue().wait_idle_calls, 2);
}

// Two first asynchronous binds of a file race to make its queue: one queue
// wins and gets both binds, the other is destroyed unused.
TEST_F(VmBindAsyncTest, ConcurrentFirstBindsShareOneQueue)
{
	for (int round = 0; round < 40; round++) {
		File file(device_);
		std::uint32_t a = object(file, 1);
		std::atomic<int> ready{ 0 };
		auto bind = [&](std::uint64_t page) {
			ready++;
			while (ready.load() < 2)
				std::this_thread::yield();
			EXPECT_EQ(bind_async(file, { map_op(a, va(page), kPage) }), 0);
		};
		const std::size_t made = bind_queues_created();
		std::thread first(bind, 0), second(bind, 2);
		first.join();
		second.join();

		ASSERT_EQ(live_bind_queues(), 1) << "round " << round;
		EXPECT_EQ(live_binds(), 2);
		FakeBindQueue *winner = nullptr;
		for (std::size_t i = made; i < bind_queues_created(); i++) {
			FakeBindQueue *queue = bind_queue_created(i);
			if (queue->destroyed)
				EXPECT_TRUE(queue->binds.empty()) << "a bind on the losing queue";
			else
				winner = queue;
		}
		ASSERT_NE(winner, nullptr);
		EXPECT_EQ(winner->run_all(), 2u);
		EXPECT_EQ(mappings(file).size(), 2u);
	}
}

// --- apply time ---------------------------------------------------------------

// A bind that would end above the mapping limit applies nothing and reports
// -ENOSPC through its fences; the binds after it still apply.
TEST_F(VmBindAsyncTest, ABindAboveTheLimitAppliesNothingAndLaterOnesApply)
{
	File file(device_);
	std::uint32_t a = object(file, 16), b = object(file, 1);

	std::vector<drm_nova_vm_bind_op> six;
	for (std::uint64_t i = 0; i < 6; i++)
		six.push_back(map_op(a, va(4 * i), pages(2), pages(2 * i)));
	ASSERT_EQ(vm_bind(file, six), 0);
	const auto before = mappings(file);

	// 6 + 3 = 9 mappings at the end (the unmap only cuts one): one too
	// many, which the call cannot know; it is accepted.
	ASSERT_EQ(bind_async(file, { map_op(b, va(30), kPage), unmap_op(va(1), kPage),
				     map_op(b, va(40), kPage), map_op(b, va(50), kPage) },
			     { sync_of(4, NOVA_SYNC_SIGNAL) }),
		  0);
	ASSERT_EQ(bind_async(file, { map_op(b, va(30), kPage), unmap_op(va(0), pages(2)) }), 0);
	ASSERT_EQ(file.close_handle(b), 0);
	EXPECT_EQ(live_objects(), 2) << "the pending binds hold b";

	ASSERT_TRUE(queue().run_next());
	EXPECT_EQ(queue().binds[0].result, -ENOSPC);
	EXPECT_EQ(mappings(file), before);
	ASSERT_TRUE(queue().run_next());
	EXPECT_EQ(queue().binds[1].result, 0);
	auto after = mappings(file);
	ASSERT_EQ(after.size(), 6u);
	EXPECT_EQ(after.back().start, va(30));
	EXPECT_EQ(live_objects(), 2);

	ASSERT_EQ(vm_bind(file, { unmap_op(va(30), kPage) }), 0);
	EXPECT_EQ(live_objects(), 1) << "the -ENOSPC bind kept a reference";
}

TEST_F(VmBindAsyncTest, SyncOnlyOperationsChangeNoMapping)
{
	File file(device_);
	std::uint32_t a = object(file, 2);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(2)) }), 0);
	const auto before = mappings(file);

	// Only waits and signals, in order; with or without operations.
	const std::vector<drm_nova_sync> syncs = { sync_of(1, NOVA_SYNC_WAIT),
						   sync_of(2, NOVA_SYNC_SIGNAL) };
	ASSERT_EQ(bind_async(file, { sync_only_op(), sync_only_op() }, syncs), 0);
	ASSERT_EQ(bind_async(file, {}, syncs), 0);
	EXPECT_EQ(pending(), 2u);
	EXPECT_EQ(queue().binds[1].syncs, syncs);
	EXPECT_EQ(queue().run_all(), 2u);
	EXPECT_EQ(queue().binds[0].result, 0);
	EXPECT_EQ(mappings(file), before);

	// Among maps and unmaps, and in a synchronous call.
	ASSERT_EQ(bind_async(file, { sync_only_op(), unmap_op(va(0), kPage), sync_only_op() }), 0);
	EXPECT_EQ(queue().run_all(), 1u);
	EXPECT_EQ(mappings(file).size(), 1u);
	EXPECT_EQ(vm_bind(file, { sync_only_op() }), 0);
	EXPECT_EQ(mappings(file).size(), 1u);

	// Every other field must be zero.
	auto with = [](auto &&change) {
		drm_nova_vm_bind_op op = sync_only_op();
		change(op);
		return op;
	};
	const drm_nova_vm_bind_op bad[] = {
		with([](auto &o) { o.flags = NOVA_VM_BIND_MAP_READONLY; }),
		with([&](auto &o) { o.handle = a; }),
		with([](auto &o) { o.pad = 1; }),
		with([](auto &o) { o.bo_offset = kPage; }),
		with([](auto &o) { o.va = va(0); }),
		with([](auto &o) { o.range = kPage; }),
	};
	for (std::size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(vm_bind(file, { bad[i] }), -EINVAL) << i;
		EXPECT_EQ(bind_async(file, { sync_only_op(), bad[i] }), -EINVAL) << i;
	}
	EXPECT_EQ(pending(), 0u);
	EXPECT_EQ(mappings(file).size(), 1u);
}

// --- lifetimes and memory -------------------------------------------------------

TEST_F(VmBindAsyncTest, ClosingTheFileDropsPendingBindsAndReleasesEverything)
{
	FakeBindQueue *fake;
	{
		File file(device_);
		std::uint32_t a = object(file, 4), b = object(file, 4);

		ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(4)) }), 0);
		ASSERT_EQ(bind_async(file, { map_op(b, va(8), pages(4)) }), 0);
		ASSERT_EQ(bind_async(file, { map_op(a, va(20), pages(2)), unmap_op(va(1), kPage) }),
			  0);
		ASSERT_EQ(bind_async(file, { unmap_op(va(0), pages(4)) }), 0);
		fake = &queue();
		ASSERT_TRUE(fake->run_next());
		ASSERT_EQ(file.close_handle(a), 0);
		ASSERT_EQ(file.close_handle(b), 0);
		EXPECT_EQ(live_objects(), 2);
		EXPECT_EQ(live_binds(), 2);
		EXPECT_EQ(device_stats().mappings, 2u);
	}
	EXPECT_TRUE(fake->destroyed);
	EXPECT_EQ(fake->binds[0].state, FakeBindQueue::Bind::kRan);
	EXPECT_EQ(fake->binds[1].state, FakeBindQueue::Bind::kDropped);
	EXPECT_EQ(fake->binds[2].state, FakeBindQueue::Bind::kDropped);
	EXPECT_EQ(live_binds(), 0);
	EXPECT_EQ(live_bind_queues(), 0);
	EXPECT_EQ(live_objects(), 0);
	EXPECT_EQ(device_stats().mappings, 0u);
	EXPECT_EQ(device_stats().objects, 0u);
	EXPECT_EQ(device_stats().files, 0u);
}

// Every allocation of an asynchronous call fails in turn: -ENOMEM, nothing
// queued, no reference held, the VA space as it was; past the last one the
// call succeeds. The allocations: the pending bind, the array of
// operations and its one-copy read, the worst case of nodes, the array of
// sync elements, the bind queue (the file's first asynchronous call only)
// and the glue's job.
TEST_F(VmBindAsyncTest, EveryAllocationFailureOfAnAsyncCallLeavesEverythingUnchanged)
{
	File file(device_);
	std::uint32_t a = object(file, 8), b = object(file, 8);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(8)) }), 0);
	const auto before = mappings(file);
	const std::vector<drm_nova_vm_bind_op> batch = {
		map_op(b, va(2), pages(2)),	// splits a
		unmap_op(va(6), pages(1)),	// splits a again
		sync_only_op(),
	};
	const std::vector<drm_nova_sync> syncs = { sync_of(1, NOVA_SYNC_SIGNAL) };

	for (bool first : { true, false }) {
		// The points of failure; the last one (the job) fails after the
		// queue was made, so the call that succeeds makes none.
		const long points = 1 + 2 + 3 + 1 + (first ? 1 : 0) + 1;
		const long expected = 1 + 2 + 3 + 1 + 1;
		for (long nth = 0;; nth++) {
			fail_allocation(nth);
			int ret = bind_async(file, batch, syncs);
			long seen = allocations_seen();
			fail_allocation(-1);
			if (ret == 0) {
				EXPECT_EQ(nth, points) << "first " << first;
				EXPECT_EQ(seen, expected) << "allocations of a successful call";
				break;
			}
			ASSERT_EQ(ret, -ENOMEM) << "allocation " << nth;
			ASSERT_EQ(pending(), 0u) << "allocation " << nth;
			ASSERT_EQ(live_binds(), 0) << "allocation " << nth;
			ASSERT_EQ(live_objects(), 2) << "allocation " << nth;
			ASSERT_EQ(mappings(file), before) << "allocation " << nth;
			ASSERT_LT(nth, 16);
		}
		EXPECT_EQ(live_bind_queues(), 1);
		EXPECT_EQ(mappings(file), before) << "applied before it ran";
		EXPECT_EQ(queue().run_all(), 1u);
		EXPECT_EQ(mappings(file).size(), 4u);
		ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(8)) }), 0);
	}

	// The glue's own failures at the same points.
	fail_next_bind_queue_create(-ENOMEM);
	File other(device_);
	std::uint32_t c = object(other, 1);
	EXPECT_EQ(bind_async(other, { map_op(c, va(0), kPage) }), -ENOMEM);
	EXPECT_EQ(live_bind_queues(), 1);
	queue().fail_next_submit = -EINTR;
	EXPECT_EQ(bind_async(file, batch), -EINTR);
	EXPECT_EQ(pending(), 0u);
	EXPECT_EQ(live_binds(), 0);
	EXPECT_EQ(live_objects(), 3);
}

} // namespace
} // namespace hosted

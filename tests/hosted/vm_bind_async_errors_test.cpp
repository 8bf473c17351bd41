// SPDX-License-Identifier: GPL-2.0
//
// The errnos of an asynchronous VM_BIND, all decided when it is called
// (only -ENOSPC comes later, through its fences), and @failed_op, of
// synchronous calls too: the index of the first failing operation, or
// NOVA_VM_BIND_NO_OP.
#include "vm_async_fixture.hpp"

namespace hosted {
namespace {

using namespace async;

// Every argument error of an ASYNC call is the call's: nothing is queued,
// nothing is held.
TEST_F(VmBindAsyncTest, ArgumentErrorsAreTheCallsAndQueueNothing)
{
	File file(device_);
	std::uint32_t a = object(file, 4);
	const std::vector<drm_nova_vm_bind_op> ops = { unmap_op(va(0), kPage),
						       map_op(a, va(0), pages(2)) };
	const std::vector<drm_nova_sync> one = { sync_of(1, NOVA_SYNC_SIGNAL) };

	struct Case {
		const char *what;
		Call call;
		int err;
	};
	auto with = [](Call call, auto &&change) {
		change(call.args);
		return call;
	};
	std::vector<drm_nova_sync> too_many(kExecMaxSyncs + 1, sync_of(1, NOVA_SYNC_WAIT));
	Case cases[] = {
		{ "vm_id", with(Call(ops, one), [](auto &a) { a.vm_id = 1; }), -EINVAL },
		{ "pad", with(Call(ops, one), [](auto &a) { a.pad = 1; }), -EINVAL },
		{ "high pad bit", with(Call(ops), [](auto &a) { a.pad = 1u << 31; }), -EINVAL },
		{ "unknown flag", with(Call(ops, one), [](auto &a) { a.flags |= 1u << 1; }), -EINVAL },
		{ "syncs without ASYNC", Call(ops, one, 0), -EINVAL },
		{ "syncs without ASYNC, no ops", Call({}, one, 0), -EINVAL },
		{ "too many syncs", Call(ops, too_many), -E2BIG },
		{ "sync_count ~0", with(Call(ops, one), [](auto &a) { a.sync_count = ~0u; }), -E2BIG },
		{ "too many ops", with(Call(ops), [](auto &a) { a.op_count = kAsyncMaxOps + 1; }),
		  -E2BIG },
		// -EINVAL for the header first, then -E2BIG, then the strides.
		{ "vm_id and too many syncs", with(Call(ops, too_many), [](auto &a) { a.vm_id = 1; }),
		  -EINVAL },
		{ "too many syncs, stride 0",
		  with(Call(ops, too_many), [](auto &a) { a.sync_stride = 0; }), -E2BIG },
		{ "sync stride 0", Call(ops, one, NOVA_VM_BIND_ASYNC, kOpSize, 0), -EINVAL },
		{ "sync stride 15", with(Call(ops, one), [](auto &a) { a.sync_stride = 15; }),
		  -EINVAL },
		{ "op stride 32", with(Call(ops, one), [](auto &a) { a.op_stride = 32; }), -EINVAL },
		// A non-zero byte past the 16 of a sync element the kernel knows.
		{ "sync tail set",
		  [&] {
			  Call call(ops, one, NOVA_VM_BIND_ASYNC, kOpSize, 24);
			  call.sync_bytes[20] = 1;
			  return call;
		  }(),
		  -EINVAL },
		{ "WAIT and SIGNAL", Call(ops, { sync_of(1, NOVA_SYNC_WAIT | NOVA_SYNC_SIGNAL) }),
		  -EINVAL },
		{ "neither WAIT nor SIGNAL", Call(ops, { sync_of(1, 0) }), -EINVAL },
		{ "unknown sync flag", Call(ops, { sync_of(1, NOVA_SYNC_WAIT | (1u << 7)) }),
		  -EINVAL },
		{ "TIMELINE without a point",
		  Call(ops, { sync_of(1, NOVA_SYNC_WAIT | NOVA_SYNC_TIMELINE) }), -EINVAL },
		{ "a point without TIMELINE", Call(ops, { sync_of(1, NOVA_SYNC_SIGNAL, 5) }), -EINVAL },
		{ "bad second sync", Call(ops, { one[0], sync_of(2, 0) }), -EINVAL },
		{ "syncs unreadable", with(Call(ops, one), [](auto &a) { a.syncs = 16; }), -EFAULT },
		{ "ops unreadable", with(Call(ops, one), [](auto &a) { a.ops = 0; }), -EFAULT },
		{ "bad op", Call({ ops[0], unmap_op(va(0), 0) }, one), -EINVAL },
		{ "no such handle", Call({ ops[0], map_op(999, va(0), kPage) }, one), -ENOENT },
		// The operations are read before the sync elements.
		{ "bad op and bad sync", Call({ map_op(999, va(0), kPage) }, { sync_of(1, 0) }),
		  -ENOENT },
	};
	for (Case &c : cases) {
		EXPECT_EQ(c.call(file), c.err) << c.what;
		EXPECT_EQ(pending(), 0u) << c.what;
		EXPECT_EQ(live_binds(), 0) << c.what;
		EXPECT_EQ(live_objects(), 1) << c.what << ": a reference of a failed call leaked";
	}
	EXPECT_TRUE(mappings(file).empty());

	// What the checks let through: a longer stride with a zero tail, and a
	// sync stride that is not looked at without sync elements.
	Call longer(ops, one, NOVA_VM_BIND_ASYNC, 64, 32);
	EXPECT_EQ(longer(file), 0);
	Call no_syncs(ops, {}, NOVA_VM_BIND_ASYNC, kOpSize, 0);
	no_syncs.args.syncs = 16;
	EXPECT_EQ(no_syncs(file), 0);
	EXPECT_EQ(pending(), 2u);
	EXPECT_EQ(queue().binds[0].syncs, one);
	EXPECT_EQ(queue().run_all(), 2u);
	EXPECT_EQ(mappings(file).size(), 1u);
}

// The glue resolves the handles when it queues: a handle naming no syncobj
// is -ENOENT, a WAIT on one without a fence -EINVAL, and a bind's SIGNAL
// gives its syncobj a fence that a later bind may wait for.
TEST_F(VmBindAsyncTest, SyncHandlesResolveWhenTheBindIsQueued)
{
	File file(device_);
	std::uint32_t a = object(file, 1);
	const std::vector<drm_nova_vm_bind_op> ops = { map_op(a, va(0), kPage) };

	add_syncobj(1, true);
	add_syncobj(2, false);
	EXPECT_EQ(bind_async(file, ops, { sync_of(1, NOVA_SYNC_WAIT), sync_of(3, NOVA_SYNC_SIGNAL) }),
		  -ENOENT);
	EXPECT_EQ(bind_async(file, ops, { sync_of(2, NOVA_SYNC_WAIT) }), -EINVAL);
	EXPECT_EQ(pending(), 0u);
	EXPECT_EQ(live_binds(), 0);
	EXPECT_EQ(live_objects(), 1);

	ASSERT_EQ(bind_async(file, ops, { sync_of(1, NOVA_SYNC_WAIT), sync_of(2, NOVA_SYNC_SIGNAL) }),
		  0);
	EXPECT_TRUE(syncobj_has_fence(2));
	ASSERT_EQ(bind_async(file, { unmap_op(va(0), kPage) }, { sync_of(2, NOVA_SYNC_WAIT) }), 0);
	EXPECT_EQ(pending(), 2u);
	EXPECT_EQ(queue().run_all(), 2u);
	EXPECT_TRUE(mappings(file).empty());
}

TEST_F(VmBindAsyncTest, FailedOpNamesTheFirstFailingOperation)
{
	File file(device_);
	std::uint32_t a = object(file, 1);
	const std::uint32_t count = 4000, bad = 1234;

	for (std::uint32_t flags : { 0u, std::uint32_t(NOVA_VM_BIND_ASYNC) }) {
		// Unmaps of holes, cheap and valid; one bad operation at @bad,
		// another one after it that must not be the one named.
		std::vector<drm_nova_vm_bind_op> ops(count, unmap_op(va(0), kPage));
		struct Case {
			const char *what;
			drm_nova_vm_bind_op op;
			int err;
		};
		const Case cases[] = {
			{ "unaligned", unmap_op(va(0) + 1, kPage), -EINVAL },
			{ "no such handle", map_op(999, va(0), kPage), -ENOENT },
			{ "past the object", map_op(a, va(0), pages(2)), -EINVAL },
			{ "SYNC_ONLY with a range", [] {
				  drm_nova_vm_bind_op op = sync_only_op();
				  op.range = kPage;
				  return op;
			  }(), -EINVAL },
		};
		for (const Case &c : cases) {
			ops[bad] = c.op;
			ops[bad + 100] = unmap_op(va(0), 0);
			Call call(ops, {}, flags);
			EXPECT_EQ(call(file), c.err) << c.what << " flags " << flags;
			EXPECT_EQ(call.args.failed_op, bad) << c.what << " flags " << flags;
		}

		// A fault in the array: the operation it falls in.
		ops[bad] = ops[bad + 100] = unmap_op(va(0), kPage);
		Call faulting(ops, {}, flags);
		fail_copies_from(faulting.args.ops + std::uint64_t(bad) * kOpSize + 17);
		EXPECT_EQ(faulting(file), -EFAULT);
		fail_copies_from(0);
		EXPECT_EQ(faulting.args.failed_op, bad) << "flags " << flags;

		// No single operation: the header, memory for the batch, success.
		Call header(ops, {}, flags);
		header.args.vm_id = 3;
		EXPECT_EQ(header(file), -EINVAL);
		EXPECT_EQ(header.args.failed_op, NOVA_VM_BIND_NO_OP);
		Call too_long(ops, {}, flags);
		too_long.args.op_count = kAsyncMaxOps + 1;
		EXPECT_EQ(too_long(file), -E2BIG);
		EXPECT_EQ(too_long.args.failed_op, NOVA_VM_BIND_NO_OP);
		Call out_of_memory(ops, {}, flags);
		fail_allocation(1); // the nodes of the batch, past the array
		EXPECT_EQ(out_of_memory(file), -ENOMEM);
		fail_allocation(-1);
		EXPECT_EQ(out_of_memory.args.failed_op, NOVA_VM_BIND_NO_OP);
		Call fine(ops, {}, flags);
		EXPECT_EQ(fine(file), 0);
		EXPECT_EQ(fine.args.failed_op, NOVA_VM_BIND_NO_OP);
	}
	// The async header's own errors.
	Call bad_sync({ unmap_op(va(0), kPage) }, { sync_of(1, 0) });
	EXPECT_EQ(bad_sync(file), -EINVAL);
	EXPECT_EQ(bad_sync.args.failed_op, NOVA_VM_BIND_NO_OP);
	Call unqueued({ unmap_op(va(0), kPage) });
	queue().fail_next_submit = -EINTR;
	EXPECT_EQ(unqueued(file), -EINTR);
	EXPECT_EQ(unqueued.args.failed_op, NOVA_VM_BIND_NO_OP);
	queue().run_all();

	// The glue could not make an object resident: the MAP's failure (of
	// another object each: a batch makes each object resident once).
	std::vector<drm_nova_vm_bind_op> maps;
	for (int i = 0; i < 3; i++)
		maps.push_back(map_op(object(file, 1), va(0), kPage));
	Call unresident(maps);
	fail_next_make_resident(-ENOMEM, 1);
	EXPECT_EQ(unresident(file), -ENOMEM);
	EXPECT_EQ(unresident.args.failed_op, 1u);
	EXPECT_EQ(pending(), 0u);
	EXPECT_EQ(live_binds(), 0);

	// -ENOSPC of a synchronous call.
	std::vector<drm_nova_vm_bind_op> many;
	for (std::uint64_t i = 0; i <= kAsyncLimit; i++)
		many.push_back(map_op(a, va(2 * i), kPage));
	Call over(many, {}, 0);
	EXPECT_EQ(over(file), -ENOSPC);
	EXPECT_EQ(over.args.failed_op, NOVA_VM_BIND_NO_OP);
}

} // namespace
} // namespace hosted

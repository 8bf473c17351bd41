// SPDX-License-Identifier: GPL-2.0
//
// Asynchronous VM_BIND as userspace calls it (a call with its operation
// and sync arrays in memory), and the fixture of its tests: a device whose
// batches may be long and whose files may hold few mappings, and the file's
// hosted bind queue.
#pragma once

#include <algorithm>

#include "fixture.hpp"
#include "sync_fixture.hpp"
#include "vm_fixture.hpp"

namespace hosted {
namespace async {

// Enough for the failed_op tests' long batches; few mappings, so that a
// bind can end above the limit.
constexpr std::uint32_t kAsyncMaxOps = 4096;
constexpr std::uint32_t kAsyncLimit = 8;

inline std::uint64_t va(std::uint64_t page)
{
	return kVaStart + page * kPage;
}

inline std::uint64_t pages(std::uint64_t count)
{
	return count * kPage;
}

inline drm_nova_vm_bind_op sync_only_op()
{
	drm_nova_vm_bind_op op{};
	op.op = NOVA_VM_BIND_OP_SYNC_ONLY;
	return op;
}

// A VM_BIND call with its arrays in memory for as long as the call needs.
struct Call {
	explicit Call(const std::vector<drm_nova_vm_bind_op> &ops,
		      const std::vector<drm_nova_sync> &syncs = {},
		      std::uint32_t flags = NOVA_VM_BIND_ASYNC, std::uint32_t op_stride = kOpSize,
		      std::uint32_t sync_stride = kSyncSize)
		// Laid out at least element by element: a stride too short for
		// one is the call's to refuse.
		: op_bytes(layout(ops, std::max(op_stride, kOpSize))),
		  sync_bytes(array_of(syncs, std::max(sync_stride, kSyncSize)))
	{
		args.flags = flags;
		args.op_count = std::uint32_t(ops.size());
		args.op_stride = op_stride;
		args.ops = user_ptr(op_bytes.data());
		args.sync_count = std::uint32_t(syncs.size());
		args.sync_stride = sync_stride;
		args.syncs = user_ptr(sync_bytes.data());
		// Output only: whatever the caller left there is overwritten.
		args.failed_op = 0x5a5a5a5a;
	}

	// A copy points at its own arrays where the original pointed at its.
	Call(const Call &other)
		: op_bytes(other.op_bytes), sync_bytes(other.sync_bytes), args(other.args)
	{
		if (args.ops == user_ptr(other.op_bytes.data()))
			args.ops = user_ptr(op_bytes.data());
		if (args.syncs == user_ptr(other.sync_bytes.data()))
			args.syncs = user_ptr(sync_bytes.data());
	}
	Call &operator=(const Call &) = delete;

	int operator()(File &file) { return nova_logic_ioctl_vm_bind(file.logic(), &args); }

	std::vector<std::uint8_t> op_bytes, sync_bytes;
	drm_nova_vm_bind args{};
};

inline int bind_async(File &file, const std::vector<drm_nova_vm_bind_op> &ops,
	       const std::vector<drm_nova_sync> &syncs = {})
{
	Call call(ops, syncs);
	return call(file);
}

class VmBindAsyncTest : public LogicTest {
protected:
	void SetUp() override
	{
		config_.vm_bind_max_ops = kAsyncMaxOps;
		config_.max_mappings = kAsyncLimit;
		LogicTest::SetUp();
	}

	std::uint32_t object(File &file, std::uint64_t size_pages)
	{
		std::uint32_t handle = 0;
		EXPECT_EQ(create(file, pages(size_pages), &handle), 0);
		return handle;
	}

	// The file's bind queue: the last one made (tests use one file that
	// binds asynchronously at a time).
	static FakeBindQueue &queue()
	{
		FakeBindQueue *queue = last_bind_queue();
		EXPECT_NE(queue, nullptr) << "no bind queue was made";
		static FakeBindQueue none;
		return queue ? *queue : none;
	}

	static std::size_t pending() { return last_bind_queue() ? queue().pending() : 0; }
};

} // namespace async
} // namespace hosted

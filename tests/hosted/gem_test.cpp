// SPDX-License-Identifier: GPL-2.0
//
// GEM_CREATE, GEM_INFO and GEM_MMAP_OFFSET semantics and the object manager's
// accounting.
#include <thread>
#include <vector>

#include "fixture.hpp"

namespace hosted {
namespace {

using GemTest = LogicTest;

TEST_F(GemTest, CreateRoundsUpToThePageSize)
{
	File file(device_);
	struct Case {
		std::uint64_t asked, got;
	} cases[] = {
		{ 1, kPage }, { kPage - 1, kPage }, { kPage, kPage },
		{ kPage + 1, 2 * kPage }, { kMaxObject - 1, kMaxObject },
	};

	for (const Case &c : cases) {
		std::uint32_t handle = 0;
		std::uint64_t rounded = 0;
		ASSERT_EQ(create(file, c.asked, &handle, &rounded), 0) << c.asked;
		EXPECT_EQ(rounded, c.got) << c.asked;
		EXPECT_NE(handle, 0u);
		EXPECT_EQ(file.close_handle(handle), 0);
	}
}

TEST_F(GemTest, CreateRejectsBadArguments)
{
	File file(device_);

	EXPECT_EQ(create(file, 0), -EINVAL);
	EXPECT_EQ(create(file, kPage, nullptr, nullptr, 1), -EINVAL);
	EXPECT_EQ(create(file, kPage, nullptr, nullptr, 0x80000000u), -EINVAL);
	EXPECT_EQ(create(file, kMaxObject + 1), -E2BIG);
	EXPECT_EQ(create(file, kMaxObject + kPage), -E2BIG);
	EXPECT_EQ(create(file, ~0ull), -E2BIG);
	EXPECT_EQ(create(file, ~0ull - kPage + 2), -E2BIG);

	// Nothing of the refused calls was accounted.
	EXPECT_EQ(device_stats().objects, 0u);
	EXPECT_EQ(device_stats().object_bytes, 0u);
	EXPECT_EQ(file.handle_count(), 0u);

	std::uint32_t handle;
	EXPECT_EQ(create(file, kMaxObject, &handle), 0);
}

TEST_F(GemTest, BudgetIsEnforcedAndFreedObjectsMakeRoom)
{
	File file(device_);
	std::vector<std::uint32_t> handles;

	for (std::uint64_t used = 0; used < kBudget; used += kMaxObject) {
		std::uint32_t handle;
		ASSERT_EQ(create(file, kMaxObject, &handle), 0);
		handles.push_back(handle);
	}
	EXPECT_EQ(create(file, 1), -ENOSPC);
	EXPECT_EQ(device_stats().object_bytes, kBudget);

	ASSERT_EQ(file.close_handle(handles.back()), 0);
	handles.pop_back();
	std::uint32_t handle;
	EXPECT_EQ(create(file, kMaxObject - kPage, &handle), 0);
	EXPECT_EQ(create(file, kPage, &handle), 0);
	EXPECT_EQ(create(file, kPage), -ENOSPC);
}

TEST_F(GemTest, AccountsPerDeviceAndPerFile)
{
	File a(device_), b(device_);
	std::uint32_t ha, hb;

	ASSERT_EQ(create(a, 3 * kPage, &ha), 0);
	ASSERT_EQ(create(a, 1, nullptr), 0);
	ASSERT_EQ(create(b, 5 * kPage, &hb), 0);

	EXPECT_EQ(file_stats(a).objects, 2u);
	EXPECT_EQ(file_stats(a).object_bytes, 4 * kPage);
	EXPECT_EQ(file_stats(b).objects, 1u);
	EXPECT_EQ(file_stats(b).object_bytes, 5 * kPage);
	auto stats = device_stats();
	EXPECT_EQ(stats.objects, 3u);
	EXPECT_EQ(stats.object_bytes, 9 * kPage);
	EXPECT_EQ(stats.files, 2u);

	ASSERT_EQ(a.close_handle(ha), 0);
	EXPECT_EQ(file_stats(a).objects, 1u);
	EXPECT_EQ(file_stats(a).object_bytes, kPage);
	EXPECT_EQ(device_stats().object_bytes, 6 * kPage);
}

TEST_F(GemTest, AllocationFailureLeavesNoTrace)
{
	File file(device_);

	fail_allocation(0);
	EXPECT_EQ(create(file, kPage), -ENOMEM);
	fail_allocation(-1);
	fail_next_gem_create(-ENOMEM);
	EXPECT_EQ(create(file, kPage), -ENOMEM);
	fail_next_gem_create(-EMFILE);
	EXPECT_EQ(create(file, kPage), -EMFILE);
	// The object and the record in it go together.
	fail_next_gem_publish(-ENOMEM);
	EXPECT_EQ(create(file, kPage), -ENOMEM);
	EXPECT_EQ(live_objects(), 0);

	EXPECT_EQ(device_stats().objects, 0u);
	EXPECT_EQ(device_stats().object_bytes, 0u);
	EXPECT_EQ(file_stats(file).objects, 0u);
	EXPECT_EQ(file.handle_count(), 0u);
}

TEST_F(GemTest, InfoReportsTheRoundedSize)
{
	File file(device_);
	std::uint32_t handle;

	ASSERT_EQ(create(file, 3 * kPage + 5, &handle), 0);
	drm_nova_gem_info info{};
	info.handle = handle;
	info.size = 12345; // output only
	ASSERT_EQ(nova_logic_ioctl_gem_info(file.logic(), &info), 0);
	EXPECT_EQ(info.size, 4 * kPage);
	EXPECT_EQ(info.handle, handle);
}

TEST_F(GemTest, InfoRejectsBadArguments)
{
	File file(device_), other(device_);
	std::uint32_t handle;
	ASSERT_EQ(create(file, kPage, &handle), 0);

	drm_nova_gem_info info{};
	info.handle = handle;
	info.pad = 1;
	EXPECT_EQ(nova_logic_ioctl_gem_info(file.logic(), &info), -EINVAL);

	for (std::uint32_t unknown : { 0u, handle + 1, 12345u, ~0u }) {
		info = {};
		info.handle = unknown;
		EXPECT_EQ(nova_logic_ioctl_gem_info(file.logic(), &info), -ENOENT) << unknown;
	}

	// Handles belong to the file that created them.
	info = {};
	info.handle = handle;
	EXPECT_EQ(nova_logic_ioctl_gem_info(other.logic(), &info), -ENOENT);

	ASSERT_EQ(file.close_handle(handle), 0);
	EXPECT_EQ(nova_logic_ioctl_gem_info(file.logic(), &info), -ENOENT);
}

TEST_F(GemTest, MmapOffsetIsStablePerObject)
{
	File file(device_);
	std::uint32_t h1, h2;
	ASSERT_EQ(create(file, kPage, &h1), 0);
	ASSERT_EQ(create(file, kPage, &h2), 0);

	drm_nova_gem_mmap_offset a{}, b{}, c{};
	a.handle = h1;
	b.handle = h1;
	c.handle = h2;
	ASSERT_EQ(nova_logic_ioctl_gem_mmap_offset(file.logic(), &a), 0);
	ASSERT_EQ(nova_logic_ioctl_gem_mmap_offset(file.logic(), &b), 0);
	ASSERT_EQ(nova_logic_ioctl_gem_mmap_offset(file.logic(), &c), 0);
	EXPECT_EQ(a.offset, b.offset);
	EXPECT_NE(a.offset, c.offset);
}

TEST_F(GemTest, MmapOffsetRejectsBadArguments)
{
	File file(device_);
	std::uint32_t handle;
	ASSERT_EQ(create(file, kPage, &handle), 0);

	drm_nova_gem_mmap_offset args{};
	args.handle = handle;
	args.flags = 1;
	EXPECT_EQ(nova_logic_ioctl_gem_mmap_offset(file.logic(), &args), -EINVAL);
	args.flags = 0;
	args.handle = handle + 1;
	EXPECT_EQ(nova_logic_ioctl_gem_mmap_offset(file.logic(), &args), -ENOENT);
}

TEST_F(GemTest, ObjectOutlivesItsFile)
{
	nova_svc_gem *held;
	{
		File file(device_);
		std::uint32_t handle;
		ASSERT_EQ(create(file, 2 * kPage, &handle), 0);
		held = file.hold(handle); // as an mmap or a dma-buf would
		ASSERT_NE(held, nullptr);
	}
	// The file is gone; the object is still accounted to the device.
	auto stats = device_stats();
	EXPECT_EQ(stats.files, 0u);
	EXPECT_EQ(stats.objects, 1u);
	EXPECT_EQ(stats.object_bytes, 2 * kPage);

	File::put_object(held);
	EXPECT_EQ(device_stats().objects, 0u);
	EXPECT_EQ(device_stats().object_bytes, 0u);
}

TEST_F(GemTest, ObjectOutlivesTheDevice)
{
	// The glue drops its device reference (the drm_device went away) while
	// an object is still held: the logic device must stay until the object
	// is freed. ASan turns a premature free into a failure here.
	nova_svc_gem *held;
	{
		File file(device_);
		std::uint32_t handle;
		ASSERT_EQ(create(file, kPage, &handle), 0);
		held = file.hold(handle);
		ASSERT_NE(held, nullptr);
	}
	// With the file closed, the live locks are the device's.
	const long device_locks = live_mutexes();
	ASSERT_GT(device_locks, 0);
	nova_logic_device_put(device_);
	device_ = nullptr;
	EXPECT_EQ(live_mutexes(), device_locks) << "device destroyed while an object lives";
	File::put_object(held);
	EXPECT_EQ(live_mutexes(), 0);
}

TEST_F(GemTest, ConcurrentClientsKeepExactAccounts)
{
	constexpr int kThreads = 4;
	constexpr int kRounds = 500;
	File shared(device_);
	std::vector<std::thread> threads;

	for (int t = 0; t < kThreads; t++) {
		threads.emplace_back([&, t] {
			File own(device_);
			for (int i = 0; i < kRounds; i++) {
				File &file = (i + t) % 2 ? own : shared;
				std::uint32_t handle;
				std::uint64_t size = kPage * (1 + (i + t) % 4);
				int ret = create(file, size, &handle);
				if (ret == -ENOSPC)
					continue;
				ASSERT_EQ(ret, 0);
				drm_nova_gem_info info{};
				info.handle = handle;
				ASSERT_EQ(nova_logic_ioctl_gem_info(file.logic(), &info), 0);
				ASSERT_EQ(info.size, size);
				ASSERT_EQ(file.close_handle(handle), 0);
			}
		});
	}
	for (auto &thread : threads)
		thread.join();

	EXPECT_EQ(device_stats().objects, 0u);
	EXPECT_EQ(device_stats().object_bytes, 0u);
	EXPECT_EQ(file_stats(shared).objects, 0u);
	EXPECT_EQ(device_stats().files, 1u);
}

} // namespace
} // namespace hosted

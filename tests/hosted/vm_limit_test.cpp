// SPDX-License-Identifier: GPL-2.0
//
// The per-file limit on live mappings (max_mappings): reached exactly,
// judged on the state after the whole batch, -ENOSPC with the VA space
// untouched when a batch would end above it, per file, and free again once
// mappings go or the file closes.
#include "fixture.hpp"
#include "vm_fixture.hpp"

namespace hosted {
namespace {

constexpr std::uint32_t kLimit = 8;

std::uint64_t va(std::uint64_t page)
{
	return kVaStart + page * kPage;
}

class VmLimitTest : public LogicTest {
protected:
	void SetUp() override
	{
		config_.max_mappings = kLimit;
		LogicTest::SetUp();
	}

	// One-page mappings of @bo at pages first, first + 2, ...: separated
	// by holes, so that each is its own mapping.
	static int map_apart(File &file, std::uint32_t bo, std::uint64_t first, std::uint64_t count)
	{
		std::vector<drm_nova_vm_bind_op> ops;

		for (std::uint64_t i = 0; i < count; i++)
			ops.push_back(map_op(bo, va(first + 2 * i), kPage));
		return vm_bind(file, ops);
	}

	std::uint32_t object(File &file, std::uint64_t pages)
	{
		std::uint32_t handle = 0;
		EXPECT_EQ(create(file, pages * kPage, &handle), 0);
		return handle;
	}
};

TEST_F(VmLimitTest, GetParamAnswersTheLimit)
{
	File file(device_);
	drm_nova_getparam args{};

	args.param = NOVA_GETPARAM_MAX_MAPPINGS;
	ASSERT_EQ(nova_logic_ioctl_getparam(file.logic(), &args), 0);
	EXPECT_EQ(args.value, kLimit);
}

TEST_F(VmLimitTest, TheLimitIsReachedExactly)
{
	File file(device_);
	std::uint32_t bo = object(file, 1);

	for (std::uint64_t i = 0; i < kLimit; i++)
		ASSERT_EQ(map_apart(file, bo, 2 * i, 1), 0) << "mapping " << i;
	EXPECT_EQ(file_stats(file).mappings, kLimit);

	std::vector<Mapped> full = mappings(file);
	EXPECT_EQ(map_apart(file, bo, 2 * kLimit, 1), -ENOSPC);
	EXPECT_EQ(mappings(file), full);
	// Replacing a mapping with one of the same range keeps the count.
	EXPECT_EQ(vm_bind(file, { map_op(bo, va(0), kPage) }), 0);
	// Unmapping inside nothing, or a whole mapping, never needs room.
	EXPECT_EQ(vm_bind(file, { unmap_op(va(1), kPage) }), 0);
	EXPECT_EQ(vm_bind(file, { unmap_op(va(0), kPage) }), 0);
	EXPECT_EQ(map_apart(file, bo, 2 * kLimit, 1), 0);
	EXPECT_EQ(file_stats(file).mappings, kLimit);
}

TEST_F(VmLimitTest, ABatchIsJudgedOnItsResult)
{
	File file(device_);
	std::uint32_t bo = object(file, 1);
	std::uint32_t big = object(file, 2 * kLimit);

	ASSERT_EQ(map_apart(file, bo, 0, kLimit - 1), 0);
	// Above the limit on the way (one more, then one over), back under at
	// the end: one mapping over all of them replaces every one.
	std::vector<drm_nova_vm_bind_op> ops;
	ops.push_back(map_op(bo, va(2 * kLimit), kPage));
	ops.push_back(map_op(bo, va(2 * kLimit + 2), kPage));
	ops.push_back(map_op(big, va(0), 2 * kLimit * kPage));
	ASSERT_EQ(vm_bind(file, ops), 0);
	EXPECT_EQ(file_stats(file).mappings, 3u);
}

TEST_F(VmLimitTest, ABatchEndingAboveIsTakenBackWhole)
{
	File file(device_);
	std::uint32_t bo = object(file, 1);
	std::uint32_t big = object(file, 8);
	std::uint64_t objects = device_stats().objects;

	// Two long mappings to split and cut, and single pages to replace.
	ASSERT_EQ(vm_bind(file, { map_op(big, va(0), 8 * kPage) }), 0);
	ASSERT_EQ(vm_bind(file, { map_op(big, va(30), 6 * kPage) }), 0);
	ASSERT_EQ(map_apart(file, bo, 10, kLimit - 3), 0);
	ASSERT_EQ(file_stats(file).mappings, kLimit - 1);
	std::vector<Mapped> before = mappings(file);

	// Every kind of change, counted after each, then one mapping too many.
	std::vector<drm_nova_vm_bind_op> ops;
	ops.push_back(unmap_op(va(2), 2 * kPage));		  // a split: 8
	ops.push_back(map_op(big, va(7), 3 * kPage));		  // a back cut: 9
	ops.push_back(map_op(big, va(9), 3 * kPage));		  // a cut of the batch's own, a removal: 9
	ops.push_back(map_op(big, va(11), 2 * kPage, 2 * kPage)); // the same again: 9
	ops.push_back(unmap_op(va(14), kPage));			  // a removal: 8
	ops.push_back(unmap_op(va(28), 3 * kPage));		  // a front cut: 8
	ops.push_back(map_op(bo, va(40), kPage));		  // 9
	ASSERT_EQ(vm_bind(file, ops), -ENOSPC);
	EXPECT_EQ(mappings(file), before);
	EXPECT_EQ(file_stats(file).mappings, kLimit - 1);
	EXPECT_EQ(device_stats().objects, objects);

	// The same batch without its last operation ends at the limit.
	ops.pop_back();
	EXPECT_EQ(vm_bind(file, ops), 0);
	EXPECT_EQ(file_stats(file).mappings, kLimit);
}

TEST_F(VmLimitTest, TheLimitIsPerFileAndFreedOnClose)
{
	File a(device_);
	std::uint32_t bo = object(a, 1);

	ASSERT_EQ(map_apart(a, bo, 0, kLimit), 0);
	{
		File b(device_);
		std::uint32_t other = object(b, 1);

		EXPECT_EQ(map_apart(b, other, 0, kLimit), 0);
		EXPECT_EQ(map_apart(b, other, 2 * kLimit, 1), -ENOSPC);
	}
	EXPECT_EQ(map_apart(a, bo, 2 * kLimit, 1), -ENOSPC);
	EXPECT_EQ(device_stats().mappings, kLimit);

	File c(device_);
	std::uint32_t third = object(c, 1);
	EXPECT_EQ(map_apart(c, third, 0, kLimit), 0);
}

// The mapping a refused batch took over its object's reference from keeps
// nothing alive: the objects go once their handles close.
TEST_F(VmLimitTest, ARefusedBatchHoldsNoObject)
{
	File file(device_);
	std::uint32_t bo = object(file, 1);
	std::uint32_t spare = object(file, 1);

	ASSERT_EQ(map_apart(file, bo, 0, kLimit), 0);
	EXPECT_EQ(vm_bind(file, { map_op(spare, va(100), kPage) }), -ENOSPC);
	EXPECT_EQ(file.close_handle(spare), 0);
	EXPECT_EQ(live_objects(), 1);
}

} // namespace
} // namespace hosted

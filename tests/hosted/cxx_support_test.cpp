// SPDX-License-Identifier: GPL-2.0
//
// The C++ support library (driver/cxx/): Result, Box, IntrusiveList, alignment helpers.
#include <gtest/gtest.h>
#include <gtest/gtest-spi.h>

#include "cxx/alloc.hpp"
#include "cxx/intrusive_list.hpp"
#include "cxx/result.hpp"
#include "hosted_services.hpp"

namespace {

using namespace nova;

Result<int> half(int value)
{
	if (value % 2)
		return error(-EINVAL);
	return value / 2;
}

Result<int> quarter(int value)
{
	int h = NOVA_TRY(half(value));
	return NOVA_TRY(half(h));
}

TEST(Result, PropagatesTheFirstError)
{
	auto ok = quarter(12);
	ASSERT_TRUE(ok.ok());
	EXPECT_EQ(ok.release_value(), 3);

	auto bad = quarter(6);
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error(), -EINVAL);

}

// A service's answer propagates through NOVA_TRY like a Status does, and a
// Status function can return one as it is.
Status service(int err)
{
	return nova_svc_errno(err);
}

Result<int> twice_unless(int err, int value)
{
	NOVA_TRY(nova_svc_errno(err));
	NOVA_TRY(service(err));
	return 2 * value;
}

TEST(Result, PropagatesServiceAndStatusErrors)
{
	auto ok = twice_unless(0, 21);
	ASSERT_TRUE(ok.ok());
	EXPECT_EQ(ok.release_value(), 42);

	auto bad = twice_unless(-ENOENT, 21);
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error(), -ENOENT);
	EXPECT_EQ(service(-EFAULT).error(), -EFAULT);
	EXPECT_TRUE(service(0).ok());
}

TEST(Align, RefusesToWrapAround)
{
	u64 out = 0;
	EXPECT_TRUE(align_up(1, 4096, &out));
	EXPECT_EQ(out, 4096u);
	EXPECT_TRUE(align_up(8192, 4096, &out));
	EXPECT_EQ(out, 8192u);
	EXPECT_TRUE(align_up(~0ull - 4095, 4096, &out));
	EXPECT_EQ(out, ~0ull - 4095);
	EXPECT_FALSE(align_up(~0ull - 4094, 4096, &out));
	EXPECT_FALSE(align_up(~0ull, 4096, &out));
	EXPECT_TRUE(is_power_of_two(4096));
	EXPECT_FALSE(is_power_of_two(0));
	EXPECT_FALSE(is_power_of_two(12288));
}

struct Tracked {
	explicit Tracked(int *counter) : counter_(counter) { ++*counter_; }
	~Tracked() { --*counter_; }
	int *counter_;
};

TEST(Box, OwnsAndReleases)
{
	int alive = 0;
	{
		Box<Tracked> box(new (may_fail) Tracked(&alive));
		ASSERT_TRUE(box);
		EXPECT_EQ(alive, 1);
		Box<Tracked> moved(move(box));
		EXPECT_FALSE(box);
		EXPECT_EQ(alive, 1);
	}
	EXPECT_EQ(alive, 0);

	hosted::fail_allocation(0);
	Box<Tracked> failed(new (may_fail) Tracked(&alive));
	hosted::fail_allocation(-1);
	EXPECT_FALSE(failed);
	EXPECT_EQ(alive, 0) << "constructor ran on a failed allocation";
}

struct Item : ListNode<> {
	explicit Item(int v) : value(v) {}
	int value;
};

TEST(IntrusiveList, KeepsOrderAndUnlinks)
{
	Item a(1), b(2), c(3);
	IntrusiveList<Item> list;

	EXPECT_TRUE(list.empty());
	list.push_back(a);
	list.push_back(b);
	list.push_back(c);
	EXPECT_TRUE(b.linked());

	int sum = 0, order = 0;
	list.for_each([&](Item &item) {
		order = order * 10 + item.value;
		sum += item.value;
	});
	EXPECT_EQ(order, 123);
	EXPECT_EQ(sum, 6);

	list.remove(b);
	EXPECT_FALSE(b.linked());
	// Removing the current element while iterating is allowed.
	list.for_each([&](Item &item) { list.remove(item); });
	EXPECT_TRUE(list.empty());
	EXPECT_EQ(list.pop_front(), nullptr);
	EXPECT_EQ(hosted::invariant_failures(), 0);
}

TEST(IntrusiveList, ReportsDoubleInsertion)
{
	hosted::reset_error_counts();
	Item a(1);
	IntrusiveList<Item> list;

	list.push_back(a);
	::testing::TestPartResultArray failures;
	{
		::testing::ScopedFakeTestPartResultReporter reporter(
			::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD,
			&failures);
		list.push_back(a);
	}
	EXPECT_EQ(hosted::invariant_failures(), 1);
	EXPECT_EQ(failures.size(), 1);
	EXPECT_EQ(list.pop_front(), &a);
	EXPECT_TRUE(list.empty()) << "double insertion corrupted the list";
	hosted::reset_error_counts();
}

} // namespace

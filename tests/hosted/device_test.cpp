// SPDX-License-Identifier: GPL-2.0
//
// Device creation, configuration checks and GETPARAM.
#include "fixture.hpp"

namespace hosted {
namespace {

int create_with(nova_logic_device_config config)
{
	nova_logic_device *device = nullptr;
	int ret = nova_logic_device_create(&config, &device);

	if (ret == 0)
		nova_logic_device_put(device);
	return ret;
}

TEST(DeviceConfig, RejectsInconsistentLimits)
{
	auto config = small_config();

	config.page_size = 0;
	EXPECT_EQ(create_with(config), -EINVAL);
	config.page_size = 3000;
	EXPECT_EQ(create_with(config), -EINVAL);

	config = small_config();
	config.max_object_size = 0;
	EXPECT_EQ(create_with(config), -EINVAL);
	config.max_object_size = kPage + 1;
	EXPECT_EQ(create_with(config), -EINVAL);

	config = small_config();
	config.object_budget = config.max_object_size - kPage;
	EXPECT_EQ(create_with(config), -EINVAL);

	EXPECT_EQ(create_with(small_config()), 0);
	EXPECT_EQ(live_mutexes(), 0);
}

TEST(DeviceConfig, EveryAllocationFailureIsReported)
{
	// Fail each allocation of device creation in turn: each must give
	// -ENOMEM and leave nothing behind; past the last one, creation works.
	for (long nth = 0;; nth++) {
		fail_allocation(nth);
		nova_logic_device *device = nullptr;
		auto config = small_config();
		int ret = nova_logic_device_create(&config, &device);
		fail_allocation(-1);
		if (ret == 0) {
			EXPECT_GE(nth, 2) << "device creation needs the device and its lock";
			nova_logic_device_put(device);
			break;
		}
		EXPECT_EQ(ret, -ENOMEM) << "allocation " << nth;
		EXPECT_EQ(live_mutexes(), 0) << "allocation " << nth;
		ASSERT_LT(nth, 16);
	}
}

class GetParamTest : public LogicTest {
protected:
	int getparam(std::uint64_t param, std::uint64_t *value, std::uint64_t garbage = 0)
	{
		File file(device_);
		drm_nova_getparam args{};
		args.param = param;
		args.value = garbage;
		int ret = nova_logic_ioctl_getparam(file.logic(), &args);
		*value = args.value;
		return ret;
	}
};

TEST_F(GetParamTest, AnswersEveryParameter)
{
	std::uint64_t value = 0;

	ASSERT_EQ(getparam(NOVA_GETPARAM_VRAM_BAR_SIZE, &value, 77), 0);
	EXPECT_EQ(value, 0u);
	ASSERT_EQ(getparam(NOVA_GETPARAM_UAPI_VERSION, &value), 0);
	EXPECT_EQ(value, std::uint64_t(NOVA_UAPI_VERSION));
	ASSERT_EQ(getparam(NOVA_GETPARAM_MAX_OBJECT_SIZE, &value), 0);
	EXPECT_EQ(value, kMaxObject);
	ASSERT_EQ(getparam(NOVA_GETPARAM_PAGE_SIZE, &value), 0);
	EXPECT_EQ(value, kPage);
	ASSERT_EQ(getparam(NOVA_GETPARAM_OBJECT_BUDGET, &value), 0);
	EXPECT_EQ(value, kBudget);
}

TEST_F(GetParamTest, VramBarSizeFollowsTheConfiguration)
{
	nova_logic_device_put(device_);
	config_.vram_bar_size = 256u << 20;
	ASSERT_EQ(nova_logic_device_create(&config_, &device_), 0);

	std::uint64_t value = 0;
	ASSERT_EQ(getparam(NOVA_GETPARAM_VRAM_BAR_SIZE, &value), 0);
	EXPECT_EQ(value, 256u << 20);
}

TEST_F(GetParamTest, UnknownParametersAreInvalid)
{
	for (std::uint64_t param : { 0ull, 0x2ull, 0xffull, 0x111ull, 0x1ull << 32, ~0ull }) {
		std::uint64_t value = 0;
		EXPECT_EQ(getparam(param, &value, 123), -EINVAL) << "param " << param;
	}
}

TEST_F(LogicTest, FileOpenFailsCleanlyWithoutMemory)
{
	fail_allocation(0);
	{
		File file(device_);
		EXPECT_EQ(file.open_error(), -ENOMEM);
	}
	fail_allocation(-1);
	EXPECT_EQ(device_stats().files, 0u);

	File file(device_);
	EXPECT_EQ(file.open_error(), 0);
	EXPECT_EQ(device_stats().files, 1u);
}

} // namespace
} // namespace hosted

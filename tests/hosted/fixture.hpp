// SPDX-License-Identifier: GPL-2.0
//
// A logic device with small limits, checked for leaks and broken invariants
// after every test.
#pragma once

#include <gtest/gtest.h>

#include "config.hpp"
#include "hosted_services.hpp"

extern "C" {
#include "uapi/nova_drm.h"
}

namespace hosted {

class LogicTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		reset_error_counts();
		fail_allocation(-1);
		fail_next_gem_create(0);
		fail_next_gem_publish(0);
		fail_copies_from(0);
		reset_queues();
		ASSERT_EQ(nova_logic_device_create(&config_, &device_), 0);
	}

	void TearDown() override
	{
		fail_allocation(-1);
		fail_copies_from(0);
		if (device_) {
			// Every file is closed by now: so are its VA spaces.
			auto stats = device_stats();
			EXPECT_EQ(stats.mappings, 0u) << "mappings outlived their files";
			EXPECT_EQ(stats.mapping_bytes, 0u);
			nova_logic_device_put(device_);
		}
		EXPECT_EQ(live_queues(), 0) << "queues outlived their files";
		EXPECT_EQ(live_bind_queues(), 0) << "bind queues outlived their files";
		EXPECT_EQ(live_binds(), 0) << "asynchronous binds leaked";
		EXPECT_EQ(live_objects(), 0) << "GEM objects leaked";
		EXPECT_EQ(live_mutexes(), 0) << "device not destroyed (reference leaked)";
		EXPECT_EQ(invariant_failures(), 0);
		EXPECT_EQ(refcount_errors(), 0);
	}

	nova_logic_device_stats device_stats()
	{
		nova_logic_device_stats stats{};
		nova_logic_device_get_stats(device_, &stats);
		return stats;
	}

	static nova_logic_file_stats file_stats(File &file)
	{
		nova_logic_file_stats stats{};
		nova_logic_file_get_stats(file.logic(), &stats);
		return stats;
	}

	// GEM_CREATE as userspace would call it; returns the errno.
	static int create(File &file, std::uint64_t size, std::uint32_t *handle = nullptr,
			  std::uint64_t *rounded = nullptr, std::uint32_t pad = 0)
	{
		drm_nova_gem_create args{};
		args.size = size;
		args.pad = pad;
		int ret = nova_logic_ioctl_gem_create(file.logic(), &args);
		if (ret == 0 && handle)
			*handle = args.handle;
		if (ret == 0 && rounded)
			*rounded = args.size;
		return ret;
	}

	nova_logic_device_config config_ = small_config();
	nova_logic_device *device_ = nullptr;
};

} // namespace hosted

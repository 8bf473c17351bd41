// SPDX-License-Identifier: GPL-2.0
//
// A logic device with small limits, checked for leaks and broken invariants
// after every test.
#pragma once

#include <gtest/gtest.h>

#include "hosted_services.hpp"

extern "C" {
#include "uapi/nova_drm.h"
}

namespace hosted {

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kMaxObject = 1u << 20;
constexpr std::uint64_t kBudget = 4u << 20;
// A VA range that does not start at 0, so that "below the range" exists.
constexpr std::uint64_t kVaStart = 1u << 20;
constexpr std::uint64_t kVaSize = 1ull << 32;
constexpr std::uint32_t kMaxOps = 64;
// The module's default: no test here but the limit's own comes near it.
constexpr std::uint32_t kMaxMappings = 1u << 20;
// The engine's limits, small enough that a test reaches each of them.
constexpr std::uint32_t kMaxQueues = 4;
constexpr std::uint32_t kExecMaxCmdbufs = 8;
constexpr std::uint32_t kExecMaxSyncs = 6;
constexpr std::uint64_t kMaxCmdbufSize = 64 * 1024;
constexpr std::uint32_t kJobTimeoutMs = 1000;
constexpr std::uint32_t kCallMaxDepth = 4;
constexpr std::uint32_t kQueueMaxJobs = 32;
constexpr std::uint64_t kTimestampFrequency = 1000000000;

inline nova_logic_device_config small_config()
{
	nova_logic_device_config config{};
	config.page_size = kPage;
	config.max_object_size = kMaxObject;
	config.object_budget = kBudget;
	config.vram_bar_size = 0;
	config.va_start = kVaStart;
	config.va_size = kVaSize;
	config.va_alignment = kPage;
	config.vm_bind_max_ops = kMaxOps;
	config.max_mappings = kMaxMappings;
	config.max_cmdbuf_size = kMaxCmdbufSize;
	config.max_queues = kMaxQueues;
	config.exec_max_cmdbufs = kExecMaxCmdbufs;
	config.exec_max_syncs = kExecMaxSyncs;
	config.job_timeout_ms = kJobTimeoutMs;
	config.call_max_depth = kCallMaxDepth;
	config.queue_max_jobs = kQueueMaxJobs;
	config.timestamp_frequency = kTimestampFrequency;
	return config;
}

class LogicTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		reset_error_counts();
		fail_allocation(-1);
		fail_next_gem_create(0);
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

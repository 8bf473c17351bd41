// SPDX-License-Identifier: GPL-2.0
//
// The hosted logic device's small limits, which the tests and the fuzz
// targets build their devices from.
#pragma once

#include <cstdint>

extern "C" {
#include "nova_logic.h"
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

} // namespace hosted

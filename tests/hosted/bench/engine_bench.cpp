// SPDX-License-Identifier: GPL-2.0
//
// The command engine's COPY and FILL bandwidth next to a plain memcpy and
// memset of the same size (a benchmark, not a test: -O2, no sanitizers).
// The engine rows run on BenchMmu below, with page-sized or mapping-sized
// translations; the plain rows use one contiguous buffer. bytes_per_second
// is the figure to compare (Documentation/engine.rst has the last run).
#include <cstdlib>
#include <cstring>
#include <vector>

#include <benchmark/benchmark.h>

#include "engine_fake_mmu.hpp"

using namespace engine_test;

namespace {


// A cheap MMU, so that the rows measure the engine and not the lookup: a
// flat page table over separately allocated, page-aligned 4 KiB pages
// (range(1) 0: translations end at the page, as with scattered pages), or
// over one contiguous allocation (range(1) 1: translations run to the end
// of the mapping, the largest contiguous length).
class BenchMmu {
public:
	BenchMmu(std::uint64_t pages, bool contiguous) : contiguous_(contiguous)
	{
		if (contiguous) {
			block_ = static_cast<std::uint8_t *>(std::aligned_alloc(kPage, pages * kPage));
			std::memset(block_, 1, pages * kPage);
		}
		for (std::uint64_t i = 0; i < pages; i++) {
			std::uint8_t *p = contiguous ? block_ + i * kPage
						     : static_cast<std::uint8_t *>(std::aligned_alloc(kPage, kPage));
			if (!contiguous)
				std::memset(p, 1, kPage);
			pages_.push_back(p);
		}
		ops_.begin_access = [](void *) {};
		ops_.end_access = [](void *) {};
		ops_.timestamp = [](void *) -> __u64 { return 0; };
		ops_.check = [](void *, int) -> __u32 { return NOVA_FAULT_NONE; };
		ops_.translate = [](void *ctx, __u64 va, __u32, void **ptr, __u64 *len) -> __u32 {
			auto *self = static_cast<BenchMmu *>(ctx);
			std::uint64_t vpn = va / kPage;
			if (vpn >= self->pages_.size())
				return NOVA_FAULT_UNMAPPED;
			*ptr = self->pages_[vpn] + va % kPage;
			*len = self->contiguous_ ? self->pages_.size() * kPage - va : kPage - va % kPage;
			return NOVA_FAULT_NONE;
		};
	}

	~BenchMmu()
	{
		if (contiguous_)
			std::free(block_);
		else
			for (auto *p : pages_)
				std::free(p);
	}

	std::uint8_t *host(std::uint64_t va) { return pages_[va / kPage] + va % kPage; }
	const nova_engine_ops *ops() const { return &ops_; }

private:
	bool contiguous_;
	std::uint8_t *block_ = nullptr;
	std::vector<std::uint8_t *> pages_;
	nova_engine_ops ops_ = {};
};

// VA layout: the command at 0, the source from page 1, the destination after.
void run_one(benchmark::State &state, std::uint32_t opcode, std::uint32_t imm)
{
	std::uint64_t size = static_cast<std::uint64_t>(state.range(0));
	std::uint64_t pages = (size + kPage - 1) / kPage;
	BenchMmu mmu(1 + 2 * pages, state.range(1) != 0);
	const std::uint64_t src = kPage, dst = kPage * (1 + pages);
	std::vector<std::uint64_t> cmd;
	if (opcode == NOVA_CMD_COPY)
		cmd = { hdr(opcode), dst, src, size };
	else
		cmd = { hdr(opcode, 0, imm), dst, size };
	std::memcpy(mmu.host(0), cmd.data(), cmd.size() * 8);
	nova_engine_cmdbuf buf = { 0, cmd.size() * 8 };
	nova_engine_limits limits = { 1 << 20, 4 };
	nova_engine_fault fault;

	for (auto _ : state) {
		if (nova_engine_execute(&limits, &buf, 1, mmu.ops(), &mmu, &fault) != NOVA_FAULT_NONE)
			state.SkipWithError("engine fault");
		benchmark::ClobberMemory();
	}
	state.SetBytesProcessed(state.iterations() * size);
}

void BM_EngineCopy(benchmark::State &state)
{
	run_one(state, NOVA_CMD_COPY, 0);
}

void BM_EngineFillUniform(benchmark::State &state)
{
	run_one(state, NOVA_CMD_FILL, 0x5a5a5a5a);
}

void BM_EngineFillPattern(benchmark::State &state)
{
	run_one(state, NOVA_CMD_FILL, 0x11223344);
}

void BM_Memcpy(benchmark::State &state)
{
	std::size_t size = static_cast<std::size_t>(state.range(0));
	std::vector<char> src(size, 1), dst(size);
	for (auto _ : state) {
		std::memcpy(dst.data(), src.data(), size);
		benchmark::DoNotOptimize(dst.data());
		benchmark::ClobberMemory();
	}
	state.SetBytesProcessed(state.iterations() * size);
}

void BM_Memset(benchmark::State &state)
{
	std::size_t size = static_cast<std::size_t>(state.range(0));
	std::vector<char> dst(size);
	for (auto _ : state) {
		std::memset(dst.data(), 0x5a, size);
		benchmark::DoNotOptimize(dst.data());
		benchmark::ClobberMemory();
	}
	state.SetBytesProcessed(state.iterations() * size);
}

} // namespace

#define NOVA_SIZES ->Arg(4 << 10)->Arg(64 << 10)->Arg(2 << 20)
#define NOVA_ENGINE_SIZES ->ArgsProduct({ { 4 << 10, 64 << 10, 2 << 20 }, { 0, 1 } }) \
	->ArgNames({ "bytes", "contiguous" })

BENCHMARK(BM_Memcpy) NOVA_SIZES;
BENCHMARK(BM_EngineCopy) NOVA_ENGINE_SIZES;
BENCHMARK(BM_Memset) NOVA_SIZES;
BENCHMARK(BM_EngineFillUniform) NOVA_ENGINE_SIZES;
BENCHMARK(BM_EngineFillPattern) NOVA_ENGINE_SIZES;

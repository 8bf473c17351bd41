// SPDX-License-Identifier: GPL-2.0
//
// VM_BIND cost per operation with 1k, 64k and 1M live mappings (a
// benchmark, not a test: built with -O2 and without sanitizers).
//
// The VA space holds N one-page mappings on the even pages; each iteration
// maps B random odd pages (the holes between them) and unmaps them again,
// either one operation per call (B = 1) or B operations per call. per_op is
// CPU time per operation, a MAP or an UNMAP; node_bytes is the logic's
// own figure per mapping (nova_logic_device_stats), heap_bytes what the
// hosted allocator really spent per mapping, malloc overhead included.
#include <malloc.h>

#include <cstdio>
#include <memory>
#include <vector>

#include <benchmark/benchmark.h>

#include "hosted_services.hpp"

extern "C" {
#include "uapi/nova_drm.h"
}

namespace {

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kVaStart = 1ull << 20;
constexpr std::uint32_t kMaxOps = 4096;

drm_nova_vm_bind_op op(std::uint32_t type, std::uint32_t handle, std::uint64_t page)
{
	drm_nova_vm_bind_op o{};
	o.op = type;
	o.handle = type == NOVA_VM_BIND_OP_MAP ? handle : 0;
	o.va = kVaStart + page * kPage;
	o.range = kPage;
	return o;
}

int vm_bind(hosted::File &file, const std::vector<drm_nova_vm_bind_op> &ops)
{
	drm_nova_vm_bind args{};
	args.op_count = std::uint32_t(ops.size());
	args.op_stride = sizeof(drm_nova_vm_bind_op);
	args.ops = reinterpret_cast<std::uintptr_t>(ops.data());
	return nova_logic_ioctl_vm_bind(file.logic(), &args);
}

// A device and a file with @live one-page mappings of a single object,
// kept across the benchmark runs of one size (building 1M takes a while).
struct Space {
	nova_logic_device *device = nullptr;
	std::unique_ptr<hosted::File> file;
	std::uint32_t handle = 0;
	std::uint64_t live = 0;
	double heap_bytes = 0;

	explicit Space(std::uint64_t count) : live(count)
	{
		nova_logic_device_config config{};
		config.page_size = kPage;
		config.max_object_size = kPage;
		config.object_budget = kPage;
		config.va_start = kVaStart;
		config.va_size = 1ull << 40;
		config.va_alignment = kPage;
		config.vm_bind_max_ops = kMaxOps;
		config.max_mappings = 1u << 24;
		// Unused here, but the device checks them.
		config.max_cmdbuf_size = 1u << 20;
		config.max_queues = 16;
		config.exec_max_cmdbufs = 64;
		config.exec_max_syncs = 64;
		config.job_timeout_ms = 1000;
		config.call_max_depth = 4;
		config.queue_max_jobs = 256;
		config.timestamp_frequency = 1000000000;
		if (nova_logic_device_create(&config, &device))
			std::abort();
		file = std::make_unique<hosted::File>(device);

		drm_nova_gem_create create{};
		create.size = kPage;
		if (nova_logic_ioctl_gem_create(file->logic(), &create))
			std::abort();
		handle = create.handle;

		std::vector<drm_nova_vm_bind_op> ops;
		ops.reserve(kMaxOps); // allocated before the heap is measured
		std::size_t heap_before = mallinfo2().uordblks;
		for (std::uint64_t i = 0; i < count; i++) {
			ops.push_back(op(NOVA_VM_BIND_OP_MAP, handle, 2 * i));
			if (ops.size() == kMaxOps || i + 1 == count) {
				if (vm_bind(*file, ops))
					std::abort();
				ops.clear();
			}
		}
		heap_bytes = double(mallinfo2().uordblks - heap_before) / double(count);
	}

	~Space()
	{
		file.reset(); // tears down every mapping
		nova_logic_device_put(device);
	}
};

std::unique_ptr<Space> space;

Space &space_of(std::uint64_t live)
{
	if (!space || space->live != live) {
		space.reset();
		space = std::make_unique<Space>(live);
	}
	return *space;
}

// xorshift: cheap enough not to show in the figures.
std::uint64_t next_random(std::uint64_t &state)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

void map_unmap(benchmark::State &state)
{
	const std::uint64_t live = std::uint64_t(state.range(0));
	const std::size_t batch = std::size_t(state.range(1));
	Space &s = space_of(live);
	std::vector<drm_nova_vm_bind_op> maps(batch), unmaps(batch);
	std::uint64_t rng = 0x9e3779b97f4a7c15ull;

	for (auto _ : state) {
		for (std::size_t i = 0; i < batch; i++) {
			std::uint64_t hole = 2 * (next_random(rng) % live) + 1;
			maps[i] = op(NOVA_VM_BIND_OP_MAP, s.handle, hole);
			unmaps[i] = op(NOVA_VM_BIND_OP_UNMAP, 0, hole);
		}
		if (vm_bind(*s.file, maps) || vm_bind(*s.file, unmaps))
			state.SkipWithError("VM_BIND failed");
	}

	nova_logic_device_stats stats{};
	nova_logic_device_get_stats(s.device, &stats);
	if (stats.mappings != live)
		state.SkipWithError("mappings leaked");
	double ops = double(state.iterations()) * 2 * double(batch);
	// CPU seconds per operation, printed with an SI prefix (n: ns).
	state.counters["per_op"] =
		benchmark::Counter(ops, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
	state.counters["node_bytes"] = double(stats.mapping_bytes) / double(stats.mappings);
	state.counters["heap_bytes"] = s.heap_bytes;
}

void arguments(benchmark::internal::Benchmark *bench)
{
	for (std::int64_t live : { 1 << 10, 1 << 16, 1 << 20 })
		for (std::int64_t batch : { 1, 16, 256 })
			bench->Args({ live, batch });
	bench->ArgNames({ "live", "batch" });
}

BENCHMARK(map_unmap)->Apply(arguments)->Unit(benchmark::kMicrosecond);

// Closing a file with N live mappings: the iterative teardown, per mapping.
void teardown(benchmark::State &state)
{
	const std::uint64_t live = std::uint64_t(state.range(0));

	for (auto _ : state) {
		state.PauseTiming();
		space.reset();
		auto fresh = std::make_unique<Space>(live);
		state.ResumeTiming();
		fresh->file.reset();
		state.PauseTiming();
		fresh.reset();
		state.ResumeTiming();
	}
	state.counters["per_mapping"] = benchmark::Counter(
		double(state.iterations()) * double(live),
		benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(teardown)->Arg(1 << 16)->Arg(1 << 20)->ArgName("live")->Unit(benchmark::kMillisecond)
	->Iterations(3);

} // namespace

int main(int argc, char **argv)
{
	benchmark::Initialize(&argc, argv);
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	space.reset();
	return 0;
}

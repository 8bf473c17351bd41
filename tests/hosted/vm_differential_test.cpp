// SPDX-License-Identifier: GPL-2.0
//
// Differential test of VM_BIND: random batches against a reference model.
//
// The model (vm_reference_model.hpp) is as simple as it can be: the VA
// window is an array of granules (the VA alignment), each a hole or
// {object, offset in the object, flags, origin}, where the origin names the
// MAP that wrote the granule. The logic never merges mappings, so its
// mappings are exactly the model's runs of granules with one origin; after
// every call the test compares the two lists entry for entry (range,
// object id, object offset, flags), plus the errno, the mapping counts of
// the file and of the device, the number of live GEM objects (references),
// and, for a clean successful call, that the logic allocated exactly what
// the model counts (the ops array plus the worst-case nodes, for a
// synchronous call).
//
// The file's mapping limit is small, so that batches often end above it:
// the model applies such a batch, counts the runs, and takes it back and
// expects -ENOSPC with everything unchanged when there are more than the
// limit.
//
// Batches mix valid and invalid operations over a small window and a few
// objects so that overlaps are frequent, with invalid call arguments,
// dirty stride tails, -EFAULT part way through the array and an allocation
// failure at a random point. A failed call must leave everything unchanged.
//
// Some calls are asynchronous (NOVA_VM_BIND_ASYNC, with sync elements at
// times): the model checks them at call time like the others (with the
// allocations of the pending bind, the sync array, the bind queue and the
// glue's job at their places), queues the accepted ones, and applies them in
// submission order when the test runs them on the hosted bind queue, at
// random points, or when a synchronous call that passed its checks runs
// them first; each one's result (0 or -ENOSPC) must be the model's. Objects
// a pending bind refers to stay alive until it has run.
//
// NOVA_DIFF_OPS sets the number of operations (default 1,000,000),
// NOVA_DIFF_SEED the random seed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>

#include "fixture.hpp"
#include "vm/mapping.hpp"
#include "vm_reference_model.hpp"

namespace hosted {
namespace {

using namespace diff;

std::uint64_t env_or(const char *name, std::uint64_t fallback)
{
	const char *value = std::getenv(name);
	return value && *value ? std::strtoull(value, nullptr, 0) : fallback;
}


class VmDifferentialTest : public LogicTest {
protected:
	void SetUp() override
	{
		config_ = device_config();
		LogicTest::SetUp();
	}

	std::mt19937_64 rng_;
	std::uint64_t below(std::uint64_t n) { return rng_() % n; }
	bool chance(int percent) { return below(100) < std::uint64_t(percent); }

	File *file_ = nullptr;
	Model model_;
	std::array<std::uint32_t, kSlots> slots_{};
	std::vector<std::uint32_t> closed_;

	// Statistics for the report.
	std::uint64_t ops_ = 0, applied_ops_ = 0, calls_ = 0, async_calls_ = 0;
	std::map<int, std::uint64_t> results_;

	void new_object(int slot)
	{
		// 2 to kMaxObjectPages pages, rarely one (half a granule).
		std::uint64_t size = (chance(5) ? 1 : 2 + below(kMaxObjectPages - 1)) * kPage;
		std::uint32_t handle;

		ASSERT_EQ(create(*file_, size, &handle), 0);
		model_.handles[handle] = { object_id(*file_, handle), size, true };
		slots_[slot] = handle;
	}

	void close_slot(int slot)
	{
		ASSERT_EQ(file_->close_handle(slots_[slot]), 0);
		model_.handles[slots_[slot]].open = false;
		closed_.push_back(slots_[slot]);
	}

	// Mostly valid operations that overlap a lot; a few invalid ones.
	drm_nova_vm_bind_op random_op()
	{
		drm_nova_vm_bind_op op{};
		std::uint64_t first = below(kWindow);
		std::uint64_t count = 1 + below(std::min<std::uint64_t>(8, kWindow - first));

		if (chance(3)) { // anywhere, possibly outside the window
			first = below(kWindow + 8) - 4;
			count = below(14);
		}
		if (chance(2)) { // a point of order, every other field zero
			op.op = NOVA_VM_BIND_OP_SYNC_ONLY;
			return op;
		}
		if (chance(60)) {
			std::uint32_t handle = slots_[below(kSlots)];
			const Object &object = model_.handles.at(handle);
			// Whole granules of the object; an odd page count leaves a
			// half granule at the end that no MAP can reach.
			std::uint64_t whole = object.size / kGranule;
			std::uint64_t bo = whole ? below(whole) : 0;

			if (chance(3)) // possibly (partly) past the object's end
				bo = below(whole + 2);
			else if (whole > bo)
				count = std::min(count, whole - bo);
			op.op = NOVA_VM_BIND_OP_MAP;
			op.flags = std::uint32_t(below(4));
			op.handle = handle;
			op.bo_offset = bo * kGranule;
		} else {
			op.op = NOVA_VM_BIND_OP_UNMAP;
		}
		op.va = kStart + first * kGranule;
		op.range = count * kGranule;
		if (chance(2))
			mutate(op);
		return op;
	}

	void mutate(drm_nova_vm_bind_op &op)
	{
		const std::uint64_t top = ~std::uint64_t(0) & ~(kGranule - 1);

		switch (below(15)) {
		case 0: op.pad = 1u << below(32); break;
		case 1: op.op = 2 + std::uint32_t(below(3)); break;
		case 2: op.flags |= 4u << below(30); break;
		case 3: op.handle = op.handle ? 0 : slots_[0]; break;
		case 4: op.bo_offset += kGranule; break; // UNMAP: invalid, MAP: maybe past the end
		case 5: op.range = 0; break;
		case 6: op.va += kPage; break;
		case 7: op.range += kPage; break;
		case 8: op.bo_offset += kPage; break;
		case 9: op.va = top; break;
		case 10: op.range = top; break;
		case 11: op.bo_offset = top; break;
		case 12: op.handle = closed_.empty() ? 4242 : closed_[below(closed_.size())]; break;
		case 13: op.va = kStart - kGranule * (1 + below(3)); break;
		case 14: op.op = NOVA_VM_BIND_OP_MAP; op.handle = slots_[below(kSlots)]; break;
		}
	}

	Call random_call()
	{
		Call call;

		call.count = std::uint32_t(below(kDiffMaxOps + 1));
		if (chance(1))
			call.count = kDiffMaxOps + 1 + std::uint32_t(below(3));
		if (chance(25))
			call.stride = kOpSize + 8 * std::uint32_t(1 + below(6));
		if (chance(1))
			call.stride = std::uint32_t(below(kOpSize));
		if (chance(1))
			call.vm_id = 1 + std::uint32_t(below(3));
		if (chance(40))
			call.flags = NOVA_VM_BIND_ASYNC;
		if (chance(1))
			call.flags |= 2u << below(31);
		// Sync elements: with ASYNC, and (-EINVAL) rarely without; now
		// and then one the logic refuses (no direction).
		if (call.async() ? chance(30) : chance(1))
			for (std::uint64_t i = 0, n = 1 + below(3); i < n; i++) {
				std::uint32_t handle = std::uint32_t(1 + below(4));
				std::uint32_t flags = chance(50) ? NOVA_SYNC_WAIT : NOVA_SYNC_SIGNAL;
				call.syncs.push_back(sync_of(handle, chance(2) ? 0 : flags));
			}

		std::uint32_t laid = std::min(call.count, kDiffMaxOps + 2);
		for (std::uint32_t i = 0; i < laid; i++)
			call.ops.push_back(random_op());
		std::uint32_t stride = std::max(call.stride, kOpSize);
		std::uint8_t *ops = call.lay_out();
		if (stride > kOpSize && laid && chance(10)) // a newer field set
			ops[below(laid) * stride + kOpSize + below(stride - kOpSize)] =
				std::uint8_t(1 + below(255));
		if (laid && chance(4))
			call.fault_at = long(below(std::uint64_t(laid) * stride));
		if (chance(4))
			call.fail_alloc = long(below((call.async() ? 5 : 2) + 2 * std::uint64_t(laid)));
		return call;
	}

	// Everything the logic shows must be the model's.
	void check_state(const std::string &what)
	{
		ASSERT_EQ(mismatch(*file_, model_), "") << what;
		auto stats = device_stats();
		ASSERT_EQ(stats.mappings, model_.runs().size() + bystander_mappings_);
		ASSERT_EQ(stats.mapping_bytes, stats.mappings * sizeof(nova::Mapping));
		ASSERT_EQ(live_objects(), model_.live_objects() + bystander_objects_) << what;
	}

	// One call through the logic and through the model; then everything
	// must agree.
	void step(std::uint64_t index)
	{
		Call call = random_call();
		Outcome out = run_call(*file_, model_, call);
		std::ostringstream what;

		what << "call " << index << ": " << call;
		if (out.want.err == 0 && call.async())
			async_calls_++;
		ASSERT_EQ(out.ret, out.want.err) << what.str();
		ASSERT_NO_FATAL_FAILURE(check_state(what.str()));
		ASSERT_TRUE(allocations_agree(call, out))
			<< "allocations of a clean call: " << out.allocations << ", the model "
			<< out.want.allocations;

		calls_++;
		ops_ += call.count;
		results_[out.ret]++;
		if (out.ret == 0)
			applied_ops_ += call.count;

		// Now and then some of the pending binds take effect.
		if (!model_.pending.empty() && chance(30)) {
			std::uint64_t runs = 1 + below(model_.pending.size());
			for (std::uint64_t i = 0; i < runs; i++) {
				ASSERT_TRUE(last_bind_queue()->run_next());
				model_.run_next();
			}
			ASSERT_NO_FATAL_FAILURE(check_state("after running binds of call " +
							    std::to_string(index)));
		}
	}

	// A round: a new file and objects, random calls until @ops operations
	// went through, then an end that must release every object.
	void round(std::uint64_t ops, bool unmap_at_end)
	{
		File file(device_);
		file_ = &file;
		model_ = Model{};
		closed_.clear();
		for (int slot = 0; slot < kSlots; slot++)
			ASSERT_NO_FATAL_FAILURE(new_object(slot));

		for (std::uint64_t target = ops_ + ops; ops_ < target;) {
			step(calls_);
			if (HasFatalFailure())
				return;
			if (chance(3)) { // GEM_CLOSE; the mappings keep the object
				int slot = int(below(kSlots));
				ASSERT_NO_FATAL_FAILURE(close_slot(slot));
				ASSERT_NO_FATAL_FAILURE(new_object(slot));
				ASSERT_EQ(live_objects(), model_.live_objects() + bystander_objects_);
			}
		}

		for (int slot = 0; slot < kSlots; slot++)
			ASSERT_NO_FATAL_FAILURE(close_slot(slot));
		if (unmap_at_end) {
			// After the pending binds, which it runs first.
			ASSERT_EQ(vm_bind(file, { unmap_op(kStart, kWindow * kGranule) }), 0);
			EXPECT_EQ(model_.has_queue ? last_bind_queue()->pending() : 0u, 0u);
			EXPECT_TRUE(mappings(file).empty());
			// No mapping and no handle: every reference is gone.
			EXPECT_EQ(live_objects(), bystander_objects_);
		}
		file_ = nullptr;
		// Otherwise closing the file with its mappings and pending
		// binds releases them.
	}

	std::uint64_t bystander_mappings_ = 0;
	long bystander_objects_ = 0;
};

TEST_F(VmDifferentialTest, RandomBatchesAgreeWithTheModel)
{
	const std::uint64_t total = env_or("NOVA_DIFF_OPS", 1000000);
	const std::uint64_t seed = env_or("NOVA_DIFF_SEED", 20240603);
	const int rounds = 8;
	auto began = std::chrono::steady_clock::now();

	rng_.seed(seed);

	// Another client's VA space, which no call of the rounds may touch.
	File bystander(device_);
	std::uint32_t handle;
	ASSERT_EQ(create(bystander, 4 * kPage, &handle), 0);
	ASSERT_EQ(vm_bind(bystander, { map_op(handle, kStart, 2 * kGranule),
				      map_op(handle, kStart + 4 * kGranule, kGranule, kGranule) }),
		  0);
	const auto bystander_state = mappings(bystander);
	bystander_mappings_ = 2;
	bystander_objects_ = 1;

	for (int r = 0; r < rounds; r++) {
		ASSERT_NO_FATAL_FAILURE(round(total / rounds + 1, r % 2 == 0)) << "seed " << seed;
		EXPECT_EQ(live_objects(), bystander_objects_) << "round " << r;
		EXPECT_EQ(device_stats().mappings, bystander_mappings_);
		EXPECT_EQ(device_stats().objects, 1u);
	}
	EXPECT_EQ(mappings(bystander), bystander_state);

	double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
	std::printf("[          ] differential: %llu operations in %llu calls (%llu applied, %llu "
		    "calls queued) over %d rounds, seed %llu, %.1f s\n",
		    (unsigned long long)ops_, (unsigned long long)calls_,
		    (unsigned long long)applied_ops_, (unsigned long long)async_calls_, rounds,
		    (unsigned long long)seed, seconds);
	std::printf("[          ] results:");
	for (auto &entry : results_)
		std::printf(" %s %llu",
			    entry.first == 0		? "ok"
			    : entry.first == -EINVAL	? "EINVAL"
			    : entry.first == -E2BIG	? "E2BIG"
			    : entry.first == -ENOENT	? "ENOENT"
			    : entry.first == -EFAULT	? "EFAULT"
			    : entry.first == -ENOMEM	? "ENOMEM"
			    : entry.first == -ENOSPC	? "ENOSPC"
							: "other",
			    (unsigned long long)entry.second);
	std::printf("\n");
	EXPECT_GE(ops_, total);
}

} // namespace
} // namespace hosted

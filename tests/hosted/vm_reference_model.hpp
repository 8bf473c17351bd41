// SPDX-License-Identifier: GPL-2.0
//
// The VA space's reference model, for the differential test of VM_BIND: the
// VA window as an array of granules (the VA alignment), each a hole or
// {object, offset in the object, flags, origin}, where the origin names the
// MAP that wrote the granule; the errno each call deserves, in the logic's
// order; and the asynchronous calls it has accepted, applied in submission
// order when the test says. Simple on purpose: where it and the logic
// disagree, read this one first.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sync_fixture.hpp"
#include "vm_fixture.hpp"

namespace hosted {
namespace diff {

constexpr std::uint64_t kGranule = 2 * kPage; // larger than a page on purpose
constexpr std::uint64_t kWindow = 48;	      // granules in the VA range
constexpr std::uint64_t kStart = 64 * kGranule;
constexpr std::uint32_t kDiffMaxOps = 8;
constexpr int kSlots = 4;		      // objects with an open handle
constexpr std::uint64_t kMaxObjectPages = 9;  // odd sizes end mid-granule
constexpr std::uint32_t kDiffLimit = 14;      // mappings per file

using u128 = unsigned __int128;

// The device the model describes: the hosted limits, with the window, the
// granule, the batch size and the mapping limit above.
inline nova_logic_device_config device_config()
{
	nova_logic_device_config config = small_config();

	config.va_start = kStart;
	config.va_size = kWindow * kGranule;
	config.va_alignment = kGranule;
	config.vm_bind_max_ops = kDiffMaxOps;
	config.max_mappings = kDiffLimit;
	return config;
}

struct Granule {
	std::uint64_t origin = 0; // 0: a hole
	std::uint64_t object = 0;
	std::uint64_t bo_offset = 0;
	std::uint32_t flags = 0;
};

struct Object {
	std::uint64_t id;
	std::uint64_t size;
	bool open; // its handle is still open
};

// One VM_BIND call as the generator made it.
struct Call {
	std::uint32_t vm_id = 0, flags = 0, count = 0, stride = kOpSize;
	std::vector<drm_nova_vm_bind_op> ops;
	std::vector<drm_nova_sync> syncs;
	// The user's memory: the sync elements, then the operations from
	// @ops_at on (tails included), so that a fault in the operations is
	// past every sync element.
	std::vector<std::uint8_t> bytes;
	std::size_t ops_at = 0;
	long fault_at = -1;  // user memory ends at this byte of the operations
	long fail_alloc = -1; // the allocation that fails

	bool async() const { return flags & NOVA_VM_BIND_ASYNC; }

	// Lays @syncs and @ops out in @bytes, the operations at the stride
	// (at least an operation's size) and one byte past the last; returns
	// where the operations start, for a generator's own damage.
	std::uint8_t *lay_out()
	{
		std::size_t stride = std::max(this->stride, kOpSize);

		ops_at = syncs.size() * kSyncSize;
		bytes.assign(ops_at + ops.size() * stride + 1, 0);
		if (!syncs.empty())
			std::memcpy(bytes.data(), syncs.data(), ops_at);
		std::uint8_t *laid = bytes.data() + ops_at;
		for (std::size_t i = 0; i < ops.size(); i++)
			std::memcpy(&laid[i * stride], &ops[i], kOpSize);
		return laid;
	}
};

// What the model expects of a call when it is made.
struct Expected {
	int err = 0;		  // 0: it applies (or, -ENOSPC, not) or is queued
	std::uint64_t nodes = 0;  // the worst case of nodes of its operations
	long allocations = 0;	  // of a clean call that gets this far
	bool makes_queue = false; // it made the file's bind queue
};

class Model {
public:
	std::array<Granule, kWindow> va{};
	std::map<std::uint32_t, Object> handles; // every handle ever made
	std::vector<Call> pending;		 // accepted asynchronous calls, in order
	std::vector<int> results;		 // of the asynchronous calls run so far
	bool has_queue = false;			 // the file has made its bind queue

	// The errno the operation deserves on its own, in the logic's order:
	// checks that need no object, then the handle, then the object range.
	int check(const drm_nova_vm_bind_op &op) const
	{
		if (op.pad)
			return -EINVAL;
		if (op.op == NOVA_VM_BIND_OP_SYNC_ONLY)
			return op.flags || op.handle || op.bo_offset || op.va || op.range ? -EINVAL : 0;
		if (op.op == NOVA_VM_BIND_OP_MAP) {
			if (op.flags & ~std::uint32_t(NOVA_VM_BIND_MAP_READONLY | NOVA_VM_BIND_MAP_NOEXEC))
				return -EINVAL;
		} else if (op.op == NOVA_VM_BIND_OP_UNMAP) {
			if (op.flags || op.handle || op.bo_offset)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
		if (op.range == 0 || op.va % kGranule || op.range % kGranule ||
		    op.bo_offset % kGranule)
			return -EINVAL;
		if (op.va < kStart || u128(op.va) + op.range > u128(kStart) + kWindow * kGranule)
			return -EINVAL;
		if (u128(op.bo_offset) + op.range > ~std::uint64_t(0))
			return -EINVAL;
		if (op.op == NOVA_VM_BIND_OP_UNMAP)
			return 0;
		auto it = handles.find(op.handle);
		if (it == handles.end() || !it->second.open)
			return -ENOENT;
		if (op.bo_offset + op.range > it->second.size)
			return -EINVAL;
		return 0;
	}

	// A sync element as EXEC takes it: known flags, one direction, a
	// point exactly when it names a timeline.
	static bool sync_ok(const drm_nova_sync &sync)
	{
		std::uint32_t direction = sync.flags & (NOVA_SYNC_WAIT | NOVA_SYNC_SIGNAL);
		bool timeline = sync.flags & NOVA_SYNC_TIMELINE;

		return !(sync.flags & ~std::uint32_t(NOVA_SYNC_FLAGS)) &&
		       (direction == NOVA_SYNC_WAIT || direction == NOVA_SYNC_SIGNAL) &&
		       timeline == (sync.point != 0);
	}

	// What the call deserves when it is made, in the logic's order: the
	// header, then (an asynchronous call: after its pending bind) the ops
	// array and its one-copy read, each operation, the nodes, then the
	// sync elements, the bind queue and the glue's job.
	Expected expect(const Call &call) const
	{
		Expected e;
		long next = 0; // the index of the next allocation

		auto fails = [&] { return call.fail_alloc == next++; };
		if (call.vm_id || (call.flags & ~std::uint32_t(NOVA_VM_BIND_ASYNC)))
			return { -EINVAL };
		if (!call.syncs.empty() && !call.async())
			return { -EINVAL };
		if (call.count > kDiffMaxOps || call.syncs.size() > kExecMaxSyncs)
			return { -E2BIG };
		if (call.count == 0 && !call.async())
			return {};
		if (call.count && call.stride < kOpSize)
			return { -EINVAL };
		if (call.async() && fails())
			return { -ENOMEM };
		if (call.count && fails())
			return { -ENOMEM };
		// The array in one copy, when its elements are the known size.
		if (call.count > 1 && call.stride == kOpSize && fails())
			return { -ENOMEM };
		for (std::uint32_t i = 0; i < call.count; i++) {
			std::size_t base = call.ops_at + std::size_t(i) * call.stride;
			if (call.fault_at >= 0 &&
			    long(base - call.ops_at + call.stride) > call.fault_at)
				return { -EFAULT };
			for (std::size_t at = kOpSize; at < call.stride; at++)
				if (call.bytes[base + at])
					return { -EINVAL };
			if (int err = check(call.ops[i]))
				return { err };
			e.nodes += call.ops[i].op == NOVA_VM_BIND_OP_MAP     ? 2
				   : call.ops[i].op == NOVA_VM_BIND_OP_UNMAP ? 1
									     : 0;
		}
		for (std::uint64_t n = 0; n < e.nodes; n++)
			if (fails())
				return { -ENOMEM };
		if (call.async()) {
			if (!call.syncs.empty() && fails())
				return { -ENOMEM };
			for (const drm_nova_sync &sync : call.syncs)
				if (!sync_ok(sync))
					return { -EINVAL };
			if (!has_queue) {
				if (fails())
					return { -ENOMEM };
				e.makes_queue = true;
			}
			if (fails()) {
				e.err = -ENOMEM;
				return e;
			}
		}
		e.allocations = next;
		return e;
	}

	// The call applied on top of the model: 0, or -ENOSPC and unchanged.
	int commit(const Call &call)
	{
		std::array<Granule, kWindow> before = va;
		std::uint64_t origins = origins_;

		apply(call);
		if (runs().size() <= kDiffLimit)
			return 0;
		va = before;
		origins_ = origins;
		return -ENOSPC;
	}

	// The oldest pending call takes effect (or fails).
	void run_next()
	{
		Call call = std::move(pending.front());

		pending.erase(pending.begin());
		results.push_back(commit(call));
	}

	void apply(const Call &call)
	{
		for (std::uint32_t i = 0; i < call.count; i++) {
			const drm_nova_vm_bind_op &op = call.ops[i];
			if (op.op == NOVA_VM_BIND_OP_SYNC_ONLY)
				continue;
			std::uint64_t first = (op.va - kStart) / kGranule;
			std::uint64_t count = op.range / kGranule;
			std::uint64_t origin = ++origins_;

			for (std::uint64_t g = 0; g < count; g++) {
				if (op.op == NOVA_VM_BIND_OP_UNMAP)
					va[first + g] = Granule{};
				else
					va[first + g] = { origin, handles.at(op.handle).id,
							  op.bo_offset + g * kGranule, op.flags };
			}
		}
	}

	// The mappings the logic must have: runs of one origin.
	std::vector<Mapped> runs() const
	{
		std::vector<Mapped> out;

		for (std::uint64_t g = 0; g < kWindow; g++) {
			const Granule &gr = va[g];
			if (!gr.origin)
				continue;
			if (g > 0 && va[g - 1].origin == gr.origin) {
				out.back().end += kGranule;
				continue;
			}
			out.push_back({ kStart + g * kGranule, kStart + (g + 1) * kGranule, gr.object,
					gr.bo_offset, gr.flags });
		}
		return out;
	}

	// Objects alive, id -> size: an open handle, a mapping or a pending
	// MAP holds them.
	std::map<std::uint64_t, std::uint64_t> live() const
	{
		std::map<std::uint64_t, std::uint64_t> size, alive;

		for (auto &entry : handles) {
			size[entry.second.id] = entry.second.size;
			if (entry.second.open)
				alive[entry.second.id] = entry.second.size;
		}
		for (const Granule &gr : va)
			if (gr.origin)
				alive[gr.object] = size.at(gr.object);
		for (const Call &call : pending)
			for (const drm_nova_vm_bind_op &op : call.ops)
				if (op.op == NOVA_VM_BIND_OP_MAP)
					alive[handles.at(op.handle).id] = handles.at(op.handle).size;
		return alive;
	}

	long live_objects() const { return long(live().size()); }

	std::uint64_t live_bytes() const
	{
		std::uint64_t bytes = 0;

		for (auto &entry : live())
			bytes += entry.second;
		return bytes;
	}

private:
	std::uint64_t origins_ = 0;
};

// The bind queue the logic made for @file and has not destroyed (nullptr:
// none yet).
inline FakeBindQueue *bind_queue_of(File &file)
{
	for (std::size_t i = 0; FakeBindQueue *queue = bind_queue_created(i); i++)
		if (queue->file == file.svc() && !queue->destroyed)
			return queue;
	return nullptr;
}

// What the logic shows of @file and the model does not: its mappings entry
// for entry, their count, the binds pending on its bind queue and the
// results of those that ran. Empty when they agree.
inline std::string mismatch(File &file, const Model &model)
{
	std::ostringstream out;
	std::vector<Mapped> want = model.runs(), got = mappings(file);
	nova_logic_file_stats stats{};
	FakeBindQueue *queue = bind_queue_of(file);
	std::size_t pending = queue ? queue->pending() : 0;
	std::size_t ran = queue ? queue->binds.size() - pending : 0;

	if (got != want) {
		out << "mappings differ; the logic's:\n";
		for (const Mapped &m : got)
			out << "  " << m << "\n";
		out << "the model's:\n";
		for (const Mapped &m : want)
			out << "  " << m << "\n";
	}
	nova_logic_file_get_stats(file.logic(), &stats);
	if (stats.mappings != want.size())
		out << "file stats: " << stats.mappings << " mappings, model " << want.size() << "\n";
	if (pending != model.pending.size() || ran != model.results.size())
		out << "binds pending " << pending << ", ran " << ran << "; model "
		    << model.pending.size() << ", " << model.results.size() << "\n";
	for (std::size_t i = 0; i < ran && i < model.results.size(); i++)
		if (queue->binds[i].result != model.results[i])
			out << "bind " << i << " ended " << queue->binds[i].result << ", model "
			    << model.results[i] << "\n";
	return out.str();
}

// @call as a failure message shows it.
inline std::ostream &operator<<(std::ostream &out, const Call &call)
{
	out << "vm_id " << call.vm_id << " flags " << call.flags << " count " << call.count
	    << " stride " << call.stride << " fault_at " << call.fault_at << " fail_alloc "
	    << call.fail_alloc << " syncs";
	for (const drm_nova_sync &sync : call.syncs)
		out << " " << sync;
	for (const drm_nova_vm_bind_op &op : call.ops)
		out << "\n  op " << op.op << " flags " << op.flags << " handle " << op.handle
		    << " pad " << op.pad << std::hex << " bo 0x" << op.bo_offset << " va 0x"
		    << op.va << " range 0x" << op.range << std::dec;
	return out;
}

// A call made through the logic and through the model.
struct Outcome {
	int ret;	  // the logic's
	Expected want;	  // the model's, its errno final
	long allocations; // the logic made
};

// Makes @call on @file's logic, with its user-memory fault and failing
// allocation, and on @model: an accepted asynchronous call joins the
// model's pending ones, a synchronous one runs them first, then itself.
// The caller compares the outcome and the state with its own asserts.
inline Outcome run_call(File &file, Model &model, const Call &call)
{
	Expected want = model.expect(call);
	drm_nova_vm_bind args{};
	const std::uint8_t *ops = call.bytes.data() + call.ops_at;

	args.vm_id = call.vm_id;
	args.flags = call.flags;
	args.op_count = call.count;
	args.op_stride = call.stride;
	args.ops = user_ptr(ops);
	args.sync_count = std::uint32_t(call.syncs.size());
	args.sync_stride = kSyncSize;
	args.syncs = user_ptr(call.bytes.data());
	fail_copies_from(call.fault_at >= 0 ? user_ptr(ops) + call.fault_at : 0);
	fail_allocation(call.fail_alloc);
	int ret = nova_logic_ioctl_vm_bind(file.logic(), &args);
	long allocations = allocations_seen();
	fail_allocation(-1);
	fail_copies_from(0);

	if (want.makes_queue)
		model.has_queue = true;
	if (want.err == 0 && call.async()) {
		model.pending.push_back(call);
	} else if (want.err == 0) {
		// Past its checks: the pending binds go first (also for a
		// call with no operations).
		while (!model.pending.empty())
			model.run_next();
		want.err = model.commit(call);
	}
	return { ret, want, allocations };
}

// A clean call (no injected failure) that succeeded and did something must
// have allocated what the model says: everything before the commit.
inline bool allocations_agree(const Call &call, const Outcome &out)
{
	return out.ret || call.fail_alloc >= 0 || (!call.count && !call.async()) ||
	       out.allocations == out.want.allocations;
}

} // namespace diff
} // namespace hosted

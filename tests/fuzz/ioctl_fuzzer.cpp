// SPDX-License-Identifier: GPL-2.0
//
// libFuzzer target: a sequence of ioctls on the files of one logic device,
// decoded from the input (one opcode byte, then the call's fields), each
// checked as it returns.
//
// The oracle. VM_BIND (sync and async, with sync elements, dirty stride
// tails, a fault part way through the array, an allocation failure) is
// checked against the VA space's reference model
// (tests/hosted/vm_reference_model.hpp), one per file: the errno, the
// allocations of a clean call, and after every call the mapping set of
// every file, the pending binds and the results of those that ran. The
// other ioctls are checked against what uapi/nova_drm.h documents, in the
// order the logic checks: GETPARAM's values, GEM_CREATE's rounding and the
// device's object budget (the bytes the models keep alive), GEM_INFO's
// size, MMAP_OFFSET's stable offset, GEM_CLOSE, queue ids (lowest free,
// at most max_queues), GET_STATE's counters, and EXEC's array checks, with
// the job the fake queue received. After every call the device's mapping
// and object counts must be the models'; closing a file and, at the end,
// the device must release everything (the hosted services' counters).
// Any disagreement, broken invariant or lock-discipline report aborts
// (failure_abort.cpp), and libFuzzer keeps the input.
#include <array>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "input.hpp"
#include "vm_reference_model.hpp"

using namespace hosted;
using namespace hosted::diff;

namespace {

constexpr int kFiles = 2;
// Small enough that GEM_CREATE reaches it, with objects of up to
// kMaxObjectPages pages, and with the largest object.
constexpr std::uint64_t kFuzzMaxObject = 16 * kPage;
constexpr std::uint64_t kFuzzBudget = 64 * kPage;
constexpr std::uint32_t kCmdbufSize = sizeof(drm_nova_exec_cmdbuf);

#define CHECK(cond) \
	if (!(cond)) \
	HOSTED_FAILURE() << "check failed: " #cond ": "

nova_logic_device_config fuzz_config()
{
	nova_logic_device_config config = device_config();

	config.max_object_size = kFuzzMaxObject;
	config.object_budget = kFuzzBudget;
	return config;
}

struct FileState {
	std::unique_ptr<File> file;
	Model model;
	std::vector<std::uint32_t> handles;		// every handle made, in order
	std::map<std::uint32_t, FakeQueue *> queues;	// live queue id -> its fake
	std::map<std::uint32_t, std::uint64_t> offsets; // handle -> MMAP_OFFSET's answer
};

class Session {
public:
	explicit Session(fuzz::Input &in) : in_(in) {}

	void run()
	{
		reset_error_counts();
		fail_allocation(-1);
		fail_next_gem_create(0);
		fail_copies_from(0);
		reset_queues();
		CHECK(nova_logic_device_create(&config_, &device_) == 0);
		for (FileState &f : files_)
			open(f);
		for (int calls = 0; !in_.empty() && calls < 256; calls++) {
			step();
			verify();
		}
		for (FileState &f : files_)
			close(f);
		nova_logic_device_put(device_);
		CHECK(live_queues() == 0) << live_queues();
		CHECK(live_bind_queues() == 0) << live_bind_queues();
		CHECK(live_binds() == 0) << live_binds();
		CHECK(live_objects() == 0) << live_objects();
		CHECK(live_mutexes() == 0) << live_mutexes();
		CHECK(invariant_failures() == 0);
		CHECK(refcount_errors() == 0);
	}

private:
	void open(FileState &f)
	{
		f = FileState{};
		f.file = std::make_unique<File>(device_);
		CHECK(f.file->open_error() == 0) << f.file->open_error();
	}

	void close(FileState &f)
	{
		f.file.reset();
		f = FileState{};
	}

	FileState &pick_file() { return files_[in_.below(kFiles)]; }

	// A handle of the file, one it closed, or any number.
	std::uint32_t pick_handle(const FileState &f)
	{
		std::uint8_t b = in_.u8();

		if (b < 0xf0 && !f.handles.empty())
			return f.handles[b % f.handles.size()];
		return b == 0xff ? in_.u32() : b & 0x7;
	}

	void step()
	{
		FileState &f = pick_file();

		switch (in_.below(14)) {
		case 0: getparam(f); break;
		case 1:
		case 2: gem_create(f); break;
		case 3: gem_info(f); break;
		case 4: gem_mmap_offset(f); break;
		case 5: gem_close(f); break;
		case 6:
		case 7: vm_bind(f); break;
		case 8: run_binds(f); break;
		case 9: queue_create(f); break;
		case 10: queue_destroy(f); break;
		case 11: queue_get_state(f); break;
		case 12: exec(f); break;
		case 13: close(f); open(f); break;
		}
	}

	// --- GETPARAM and GEM ---------------------------------------------------

	// What uapi/nova_drm.h says each parameter is (0: not a parameter).
	bool param_value(std::uint64_t param, std::uint64_t *value) const
	{
		const nova_logic_device_config &c = config_;
		const std::map<std::uint64_t, std::uint64_t> values = {
			{ NOVA_GETPARAM_VRAM_BAR_SIZE, c.vram_bar_size },
			{ NOVA_GETPARAM_UAPI_VERSION, NOVA_UAPI_VERSION },
			{ NOVA_GETPARAM_MAX_OBJECT_SIZE, c.max_object_size },
			{ NOVA_GETPARAM_PAGE_SIZE, c.page_size },
			{ NOVA_GETPARAM_OBJECT_BUDGET, c.object_budget },
			{ NOVA_GETPARAM_VA_START, c.va_start },
			{ NOVA_GETPARAM_VA_SIZE, c.va_size },
			{ NOVA_GETPARAM_VA_ALIGNMENT, c.va_alignment },
			{ NOVA_GETPARAM_VM_BIND_MAX_OPS, c.vm_bind_max_ops },
			{ NOVA_GETPARAM_MAX_MAPPINGS, c.max_mappings },
			{ NOVA_GETPARAM_MAX_QUEUES, c.max_queues },
			{ NOVA_GETPARAM_EXEC_MAX_CMDBUFS, c.exec_max_cmdbufs },
			{ NOVA_GETPARAM_EXEC_MAX_SYNCS, c.exec_max_syncs },
			{ NOVA_GETPARAM_MAX_CMDBUF_SIZE, c.max_cmdbuf_size },
			{ NOVA_GETPARAM_JOB_TIMEOUT_MS, c.job_timeout_ms },
			{ NOVA_GETPARAM_CALL_MAX_DEPTH, c.call_max_depth },
			{ NOVA_GETPARAM_QUEUE_MAX_JOBS, c.queue_max_jobs },
			{ NOVA_GETPARAM_TIMESTAMP_FREQUENCY, c.timestamp_frequency },
		};
		auto it = values.find(param);
		if (it == values.end())
			return false;
		*value = it->second;
		return true;
	}

	void getparam(FileState &f)
	{
		drm_nova_getparam args{};
		std::uint8_t b = in_.u8();
		std::uint64_t want = 0;

		args.param = b == 0xff ? in_.u64() : b % 24;
		args.value = in_.u8(); // output only: whatever is there is ignored
		int ret = nova_logic_ioctl_getparam(f.file->logic(), &args);
		bool known = param_value(args.param, &want);
		CHECK(ret == (known ? 0 : -EINVAL)) << "param " << args.param << ": " << ret;
		if (known && ret == 0)
			CHECK(args.value == want) << "param " << args.param << ": " << args.value;
	}

	std::uint64_t live_bytes() const
	{
		std::uint64_t bytes = 0;

		for (const FileState &f : files_)
			bytes += f.model.live_bytes();
		return bytes;
	}

	void gem_create(FileState &f)
	{
		drm_nova_gem_create args{};
		std::uint8_t b = in_.u8();

		// Mostly whole pages (a half granule when odd), then any size.
		if (b < 0xe0)
			args.size = (1 + b % kMaxObjectPages) * kPage;
		else if (b < 0xf8)
			args.size = in_.u32() % (kFuzzMaxObject + 2 * kPage);
		else
			args.size = in_.u64();
		if (b == 0xf8)
			args.pad = 1 + in_.u8();
		std::uint64_t requested = args.size;
		std::uint64_t rounded = (requested + kPage - 1) & ~(kPage - 1);
		int want = args.pad || requested == 0		 ? -EINVAL
			   : requested > kFuzzMaxObject		 ? -E2BIG
			   : rounded > kFuzzBudget - live_bytes() ? -ENOSPC
								 : 0;
		int ret = nova_logic_ioctl_gem_create(f.file->logic(), &args);
		CHECK(ret == want) << "GEM_CREATE size " << requested << ": " << ret << ", want "
				   << want;
		if (ret != 0)
			return;
		CHECK(args.size == rounded) << args.size;
		CHECK(!f.model.handles.count(args.handle)) << "handle " << args.handle << " reused";
		f.model.handles[args.handle] = { object_id(*f.file, args.handle), rounded, true };
		f.handles.push_back(args.handle);
	}

	bool is_open(const FileState &f, std::uint32_t handle) const
	{
		auto it = f.model.handles.find(handle);
		return it != f.model.handles.end() && it->second.open;
	}

	void gem_info(FileState &f)
	{
		drm_nova_gem_info args{};

		args.handle = pick_handle(f);
		args.pad = in_.below(8) == 0 ? 1 : 0;
		args.size = in_.u8();
		int want = args.pad ? -EINVAL : is_open(f, args.handle) ? 0 : -ENOENT;
		int ret = nova_logic_ioctl_gem_info(f.file->logic(), &args);
		CHECK(ret == want) << "GEM_INFO " << args.handle << ": " << ret;
		if (ret == 0)
			CHECK(args.size == f.model.handles.at(args.handle).size) << args.size;
	}

	void gem_mmap_offset(FileState &f)
	{
		drm_nova_gem_mmap_offset args{};

		args.handle = pick_handle(f);
		args.flags = in_.below(8) == 0 ? 1u << in_.below(32) : 0;
		int want = args.flags ? -EINVAL : is_open(f, args.handle) ? 0 : -ENOENT;
		int ret = nova_logic_ioctl_gem_mmap_offset(f.file->logic(), &args);
		CHECK(ret == want) << "MMAP_OFFSET " << args.handle << ": " << ret;
		if (ret != 0)
			return;
		CHECK(args.offset != 0);
		auto [it, first] = f.offsets.emplace(args.handle, args.offset);
		CHECK(first || it->second == args.offset) << "offset changed: " << args.offset;
	}

	void gem_close(FileState &f)
	{
		std::uint32_t handle = pick_handle(f);
		bool open = is_open(f, handle);
		int ret = f.file->close_handle(handle);

		CHECK(ret == (open ? 0 : -EINVAL)) << "GEM_CLOSE " << handle << ": " << ret;
		if (open)
			f.model.handles[handle].open = false;
	}

	// --- VM_BIND -----------------------------------------------------------

	drm_nova_vm_bind_op bind_op(const FileState &f)
	{
		drm_nova_vm_bind_op op{};
		std::uint8_t kind = in_.u8();
		std::uint64_t first = in_.below(kWindow + 8);
		std::uint64_t count = 1 + in_.below(8);

		// Mostly inside the window; now and then across its ends.
		first = first < kWindow ? first : kWindow + 4 - first;
		if (kind % 8 == 7) {
			op.op = NOVA_VM_BIND_OP_SYNC_ONLY;
		} else if (kind % 8 < 4) {
			op.op = NOVA_VM_BIND_OP_MAP;
			op.handle = pick_handle(f);
			op.flags = in_.below(4);
			op.bo_offset = in_.below(kMaxObjectPages / 2 + 2) * kGranule;
		} else {
			op.op = NOVA_VM_BIND_OP_UNMAP;
		}
		if (op.op != NOVA_VM_BIND_OP_SYNC_ONLY) {
			op.va = kStart + first * kGranule;
			op.range = count * kGranule;
		}
		if (kind >= 0xc0)
			mutate(op, kind >> 2 & 0xf);
		return op;
	}

	// One field made wrong, or odd, as a client might.
	void mutate(drm_nova_vm_bind_op &op, int how)
	{
		const std::uint64_t top = ~std::uint64_t(0) & ~(kGranule - 1);

		switch (how) {
		case 0: op.pad = 1u << in_.below(32); break;
		case 1: op.op = 3 + in_.below(4); break;
		case 2: op.flags |= 4u << in_.below(30); break;
		case 3: op.handle ^= 1 + in_.below(4); break;
		case 4: op.bo_offset += kGranule; break;
		case 5: op.range = 0; break;
		case 6: op.va += kPage; break;
		case 7: op.range += kPage; break;
		case 8: op.bo_offset += kPage; break;
		case 9: op.va = top; break;
		case 10: op.range = top; break;
		case 11: op.bo_offset = top; break;
		case 12: op.va = kStart - kGranule * (1 + in_.below(3)); break;
		case 13: op.va = in_.u64(); break;
		case 14: op.range = in_.u64(); break;
		case 15: op.bo_offset = in_.u64(); break;
		}
	}

	drm_nova_sync sync_element()
	{
		drm_nova_sync sync{};
		std::uint8_t b = in_.u8();

		sync.handle = 1 + in_.below(4);
		// Mostly one direction; then any flags, and a point with or
		// without TIMELINE.
		sync.flags = b < 0xc0 ? (b & 1 ? NOVA_SYNC_WAIT : NOVA_SYNC_SIGNAL) : in_.u8();
		if (b >= 0xc0 && (b & 1))
			sync.point = 1 + in_.below(4);
		return sync;
	}

	Call bind_call(const FileState &f)
	{
		Call call;
		std::uint8_t head = in_.u8();
		std::uint8_t shape = in_.u8();

		call.flags = head & 1 ? NOVA_VM_BIND_ASYNC : 0;
		if (head & 0x80)
			call.flags |= 2u << in_.below(31);
		if ((head & 0x60) == 0x60)
			call.vm_id = 1 + in_.below(3);
		call.count = in_.below(kDiffMaxOps + 3);
		if (shape & 0x80)
			call.stride = kOpSize + 8 * (1 + shape % 6);
		else if ((shape & 0x70) == 0x70)
			call.stride = shape % kOpSize;
		// Sync elements with ASYNC (up to one more than EXEC takes), and
		// (-EINVAL) now and then without.
		if (call.async() ? head & 2 : (head & 0x1e) == 0x1e)
			for (std::uint32_t i = 0, n = 1 + in_.below(kExecMaxSyncs + 1); i < n; i++)
				call.syncs.push_back(sync_element());

		std::uint32_t laid = std::min(call.count, kDiffMaxOps + 2);
		for (std::uint32_t i = 0; i < laid; i++)
			call.ops.push_back(bind_op(f));
		std::uint32_t stride = std::max(call.stride, kOpSize);
		std::uint8_t *ops = call.lay_out();
		std::uint8_t trouble = in_.u8();
		if (stride > kOpSize && laid && (trouble & 3) == 1) // a newer field set
			ops[in_.below(laid) * stride + kOpSize + in_.below(stride - kOpSize)] =
				1 + in_.u8() % 255;
		if (laid && (trouble & 0xc) == 4)
			call.fault_at = long(in_.u16() % (std::uint64_t(laid) * stride));
		if ((trouble & 0x30) == 0x10)
			call.fail_alloc = long(in_.below((call.async() ? 5 : 2) + 2 * laid));
		return call;
	}

	void vm_bind(FileState &f)
	{
		Call call = bind_call(f);
		Outcome out = run_call(*f.file, f.model, call);

		CHECK(out.ret == out.want.err) << "VM_BIND returned " << out.ret << ", the model "
					       << out.want.err << "\n" << call;
		CHECK(allocations_agree(call, out))
			<< "a clean call allocated " << out.allocations << ", the model "
			<< out.want.allocations << "\n" << call;
	}

	void run_binds(FileState &f)
	{
		FakeBindQueue *queue = bind_queue_of(*f.file);
		std::uint32_t runs = 1 + in_.below(4);

		for (std::uint32_t i = 0; i < runs && !f.model.pending.empty(); i++) {
			CHECK(queue && queue->run_next()) << "no pending bind to run";
			f.model.run_next();
		}
	}

	// --- queues and EXEC ---------------------------------------------------

	std::uint32_t pick_queue(const FileState &f)
	{
		std::uint8_t b = in_.u8();

		if (b < 0xf0 && !f.queues.empty()) {
			auto it = f.queues.begin();
			std::advance(it, b % f.queues.size());
			return it->first;
		}
		return b == 0xff ? in_.u32() : b & 7;
	}

	void queue_create(FileState &f)
	{
		drm_nova_queue_create args{};
		std::uint8_t b = in_.u8();
		std::uint32_t id = 1;

		args.priority = b & 3;
		if ((b & 0x1c) == 0x1c)
			args.vm_id = 1;
		if ((b & 0x1c) == 0x18)
			args.flags = 1u << in_.below(32);
		args.queue_id = in_.u8(); // output only
		while (f.queues.count(id))
			id++;
		int want = args.vm_id || args.flags || args.priority > NOVA_QUEUE_PRIORITY_HIGH ? -EINVAL
			   : f.queues.size() == kMaxQueues				   ? -ENOSPC
											   : 0;
		std::size_t before = queues_created();
		int ret = nova_logic_ioctl_queue_create(f.file->logic(), &args);
		CHECK(ret == want) << "QUEUE_CREATE priority " << args.priority << ": " << ret;
		if (ret != 0)
			return;
		CHECK(args.queue_id == id) << "queue id " << args.queue_id << ", lowest free " << id;
		CHECK(queues_created() == before + 1);
		FakeQueue *fake = last_queue();
		CHECK(fake->owner == f.file->logic() && fake->priority == args.priority);
		f.queues[id] = fake;
	}

	void queue_destroy(FileState &f)
	{
		drm_nova_queue_destroy args{};

		args.queue_id = pick_queue(f);
		args.pad = in_.below(8) == 0;
		auto it = f.queues.find(args.queue_id);
		int want = args.pad ? -EINVAL : it == f.queues.end() ? -ENOENT : 0;
		int ret = nova_logic_ioctl_queue_destroy(f.file->logic(), &args);
		CHECK(ret == want) << "QUEUE_DESTROY " << args.queue_id << ": " << ret;
		if (ret != 0)
			return;
		CHECK(it->second->destroyed) << "queue " << args.queue_id << " outlived its destroy";
		f.queues.erase(it);
	}

	void queue_get_state(FileState &f)
	{
		drm_nova_queue_get_state args{};
		std::uint8_t b = in_.u8();

		args.queue_id = pick_queue(f);
		if ((b & 7) == 7)
			args.flags = 1;
		if ((b & 7) == 6)
			args.pad = 1;
		args.submitted = in_.u8(); // output only
		auto it = f.queues.find(args.queue_id);
		int want = args.flags || args.pad ? -EINVAL : it == f.queues.end() ? -ENOENT : 0;
		int ret = nova_logic_ioctl_queue_get_state(f.file->logic(), &args);
		CHECK(ret == want) << "QUEUE_GET_STATE " << args.queue_id << ": " << ret;
		if (ret == 0)
			CHECK(args.submitted == it->second->jobs.size() && args.completed == 0 &&
			      args.state == it->second->state.state)
				<< "submitted " << args.submitted;
	}

	drm_nova_exec_cmdbuf cmdbuf()
	{
		drm_nova_exec_cmdbuf buf{};
		std::uint8_t b = in_.u8();

		buf.va = kStart + 8 * in_.u16();
		buf.size = 8 * (1 + in_.u8());
		switch (b >> 5) {
		case 0: buf.size = 0; break;
		case 1: buf.va |= 1 + in_.below(7); break;
		case 2: buf.size = in_.u64(); break;
		case 3: buf.va = in_.u64() & ~7ull; break;
		case 4: buf.size = kMaxCmdbufSize + 8 * in_.below(2); break;
		}
		return buf;
	}

	// EXEC's answer as uapi/nova_drm.h documents it, in the logic's order.
	int expect_exec(const drm_nova_exec &args, const std::vector<drm_nova_exec_cmdbuf> &bufs,
			const std::vector<drm_nova_sync> &syncs, const std::vector<std::uint8_t> &bytes,
			std::size_t syncs_at, long fault_at, const FileState &f) const
	{
		auto element = [&](std::size_t base, std::uint32_t stride, std::uint32_t size) {
			if (fault_at >= 0 && long(base + stride) > fault_at)
				return -EFAULT;
			for (std::size_t at = base + size; at < base + stride; at++)
				if (bytes[at])
					return -EINVAL;
			return 0;
		};

		if (args.flags)
			return -EINVAL;
		if (args.cmdbuf_count > kExecMaxCmdbufs || args.sync_count > kExecMaxSyncs)
			return -E2BIG;
		if ((args.cmdbuf_count && args.cmdbuf_stride < kCmdbufSize) ||
		    (args.sync_count && args.sync_stride < kSyncSize))
			return -EINVAL;
		auto queue = f.queues.find(args.queue_id);
		if (queue == f.queues.end())
			return -ENOENT;
		for (std::uint32_t i = 0; i < args.cmdbuf_count; i++) {
			const drm_nova_exec_cmdbuf &buf = bufs[i];
			if (int err = element(std::size_t(i) * args.cmdbuf_stride, args.cmdbuf_stride,
					      kCmdbufSize))
				return err;
			if (buf.size == 0 || (buf.va | buf.size) % 8 || buf.va + buf.size < buf.va)
				return -EINVAL;
			if (buf.size > kMaxCmdbufSize)
				return -E2BIG;
		}
		for (std::uint32_t i = 0; i < args.sync_count; i++) {
			if (int err = element(syncs_at + std::size_t(i) * args.sync_stride,
					      args.sync_stride, kSyncSize))
				return err;
			if (!Model::sync_ok(syncs[i]))
				return -EINVAL;
		}
		return queue->second->lost ? -EIO : 0;
	}

	void exec(FileState &f)
	{
		drm_nova_exec args{};
		std::uint8_t head = in_.u8();
		std::uint8_t shape = in_.u8();
		std::vector<drm_nova_exec_cmdbuf> bufs;
		std::vector<drm_nova_sync> syncs;

		args.queue_id = pick_queue(f);
		if ((head & 0x0f) == 0x0f)
			args.flags = 1u << in_.below(32);
		args.cmdbuf_count = in_.below(kExecMaxCmdbufs + 2);
		args.sync_count = head & 0x10 ? in_.below(kExecMaxSyncs + 2) : 0;
		args.cmdbuf_stride = shape & 0x80 ? kCmdbufSize + 8 * (shape & 3) : kCmdbufSize;
		args.sync_stride = shape & 0x40 ? kSyncSize + 8 * (shape >> 2 & 3) : kSyncSize;
		if ((shape & 0x30) == 0x30)
			args.cmdbuf_stride = in_.below(kCmdbufSize);
		if ((shape & 0x30) == 0x20)
			args.sync_stride = in_.below(kSyncSize);
		args.seqno = in_.u8(); // output only

		// One piece of user memory: the command buffers, then the syncs.
		std::uint32_t nbufs = std::min(args.cmdbuf_count, kExecMaxCmdbufs + 1);
		std::uint32_t nsyncs = std::min(args.sync_count, kExecMaxSyncs + 1);
		std::uint32_t cstride = std::max(args.cmdbuf_stride, kCmdbufSize);
		std::uint32_t sstride = std::max(args.sync_stride, kSyncSize);
		std::size_t syncs_at = std::size_t(nbufs) * cstride;
		std::vector<std::uint8_t> bytes(syncs_at + std::size_t(nsyncs) * sstride + 1, 0);
		for (std::uint32_t i = 0; i < nbufs; i++) {
			bufs.push_back(cmdbuf());
			std::memcpy(&bytes[std::size_t(i) * cstride], &bufs.back(), kCmdbufSize);
		}
		for (std::uint32_t i = 0; i < nsyncs; i++) {
			syncs.push_back(sync_element());
			std::memcpy(&bytes[syncs_at + std::size_t(i) * sstride], &syncs.back(), kSyncSize);
		}
		std::uint8_t trouble = in_.u8();
		std::size_t laid = bytes.size() - 1;
		if ((trouble & 3) == 1 && laid) // a dirty byte, maybe past an element's known size
			bytes[in_.u16() % laid] = 1 + in_.u8() % 255;
		long fault_at = (trouble & 0xc) == 4 && laid ? long(in_.u16() % laid) : -1;
		if ((trouble & 0x30) == 0x30 && !f.queues.empty()) // the function was lost
			f.queues.begin()->second->lost = true;
		// Decoded again from the bytes: a dirty byte may have changed one.
		for (std::uint32_t i = 0; i < nbufs; i++)
			std::memcpy(&bufs[i], &bytes[std::size_t(i) * cstride], kCmdbufSize);
		for (std::uint32_t i = 0; i < nsyncs; i++)
			std::memcpy(&syncs[i], &bytes[syncs_at + std::size_t(i) * sstride], kSyncSize);
		args.cmdbufs = user_ptr(bytes.data());
		args.syncs = user_ptr(bytes.data() + syncs_at);

		int want = expect_exec(args, bufs, syncs, bytes, syncs_at, fault_at, f);
		fail_copies_from(fault_at >= 0 ? user_ptr(bytes.data()) + fault_at : 0);
		int ret = nova_logic_ioctl_exec(f.file->logic(), &args);
		fail_copies_from(0);
		CHECK(ret == want) << "EXEC queue " << args.queue_id << " cmdbufs " << args.cmdbuf_count
				   << "/" << args.cmdbuf_stride << " syncs " << args.sync_count << "/"
				   << args.sync_stride << " fault_at " << fault_at << ": " << ret
				   << ", want " << want;
		if (ret != 0)
			return;
		const FakeQueue::Job &job = f.queues.at(args.queue_id)->jobs.back();
		CHECK(args.seqno == job.seqno && job.seqno == f.queues.at(args.queue_id)->jobs.size());
		CHECK(job.cmdbufs.size() == args.cmdbuf_count && job.syncs.size() == args.sync_count);
		for (std::uint32_t i = 0; i < args.cmdbuf_count; i++)
			CHECK(job.cmdbufs[i].va == bufs[i].va && job.cmdbufs[i].size == bufs[i].size)
				<< "cmdbuf " << i;
		for (std::uint32_t i = 0; i < args.sync_count; i++)
			CHECK(job.syncs[i] == syncs[i]) << "sync " << i;
	}

	// --- after every call --------------------------------------------------

	void verify()
	{
		std::uint64_t mappings = 0;
		long objects = 0, pending = 0, bind_queues = 0;
		std::size_t queues = 0;

		for (FileState &f : files_) {
			std::string diff = mismatch(*f.file, f.model);
			CHECK(diff.empty()) << diff;
			mappings += f.model.runs().size();
			objects += f.model.live_objects();
			pending += long(f.model.pending.size());
			bind_queues += f.model.has_queue;
			queues += f.queues.size();
		}
		nova_logic_device_stats stats{};
		nova_logic_device_get_stats(device_, &stats);
		CHECK(stats.mappings == mappings) << stats.mappings << ", the models " << mappings;
		CHECK(stats.objects == std::uint64_t(objects)) << stats.objects << " vs " << objects;
		CHECK(stats.object_bytes == live_bytes()) << stats.object_bytes;
		CHECK(live_objects() == objects) << live_objects() << " vs " << objects;
		CHECK(live_binds() == pending) << live_binds() << " vs " << pending;
		CHECK(live_bind_queues() == bind_queues) << live_bind_queues();
		CHECK(live_queues() == long(queues)) << live_queues() << " vs " << queues;
		CHECK(invariant_failures() == 0 && refcount_errors() == 0);
	}

	fuzz::Input &in_;
	nova_logic_device_config config_ = fuzz_config();
	nova_logic_device *device_ = nullptr;
	std::array<FileState, kFiles> files_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	fuzz::Input in(data, size);
	Session session(in);

	session.run();
	return 0;
}

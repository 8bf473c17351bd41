// SPDX-License-Identifier: GPL-2.0
//
// VM_BIND in three phases:
//  1. read and check every operation in array order, taking a reference on
//     each MAP's object: the first bad operation decides the errno;
//  2. allocate every node the batch may need, for the worst case;
//  3. lock the VA space and apply the operations in order, which cannot fail;
//     if the VA space then holds more mappings than the file may have, take
//     them back, last first, and fail with -ENOSPC.
// A failure in 1 or 2 leaves the VA space untouched, and 3 either keeps
// everything or restores it, so a batch applies entirely or not at all, also
// when memory runs out or the limit is reached. Object references and
// nodes the batch did not use, and the mappings it removed, are released
// after the lock is dropped: dropping a reference may free an object, and
// freeing one takes the GEM manager's lock.
//
// A synchronous call runs all three in the ioctl. An asynchronous one runs
// 1 and 2 in the ioctl, so that every errno but -ENOSPC is the call's and
// nothing is allocated later, and leaves the batch (a PendingBind) to the
// bind queue, which runs 3 when its turn comes (nova_logic_bind_run()) and
// frees it after (nova_logic_bind_free()), away from the fence path.
#include "vm/vm_bind.hpp"
#include "device.hpp"
#include "uapi/arrays.hpp"
#include "uapi_layout.hpp"

struct nova_logic_bind {};

namespace nova {
namespace {

// The size of an operation as this kernel knows it.
constexpr u32 kOpSize = sizeof(drm_nova_vm_bind_op);
constexpr u32 kSyncSize = sizeof(drm_nova_sync);

// An operation that passed every check: what the commit needs.
struct BindOp {
	u32 type; // enum drm_nova_vm_bind_op_type
	u32 flags;
	u64 start;
	u64 end;
	u64 bo_offset;
	GemRef gem; // MAP only: the reference the new mapping takes over
	EditUndo undo; // what applying it changed
};

// The checks that need no object, each -EINVAL, so their order does not
// matter. On success @end is the end of the VA range.
Status check_op(const nova_logic_device_config &config, const drm_nova_vm_bind_op &op, u64 *end)
{
	// Cannot overflow: Device::create checked the configuration.
	u64 va_limit = config.va_start + config.va_size;
	u64 bo_end;

	if (op.pad != 0)
		return error(-EINVAL);
	switch (op.op) {
	case NOVA_VM_BIND_OP_MAP:
		if (op.flags & ~NOVA_VM_BIND_MAP_FLAGS)
			return error(-EINVAL);
		break;
	case NOVA_VM_BIND_OP_UNMAP:
		if (op.flags != 0 || op.handle != 0 || op.bo_offset != 0)
			return error(-EINVAL);
		break;
	case NOVA_VM_BIND_OP_SYNC_ONLY:
		// No range at all: nothing else to check.
		if (op.flags != 0 || op.handle != 0 || op.bo_offset != 0 || op.va != 0 || op.range != 0)
			return error(-EINVAL);
		*end = 0;
		return {};
	default:
		return error(-EINVAL);
	}
	if (op.range == 0)
		return error(-EINVAL);
	// One test for all three: the alignment is a power of two.
	if (!is_aligned(op.va | op.range | op.bo_offset, config.va_alignment))
		return error(-EINVAL);
	if (__builtin_add_overflow(op.va, op.range, end))
		return error(-EINVAL);
	if (op.va < config.va_start || *end > va_limit)
		return error(-EINVAL);
	if (__builtin_add_overflow(op.bo_offset, op.range, &bo_end))
		return error(-EINVAL);
	return {};
}

// The object of the batch's last MAP: the next MAP of the same handle
// takes another reference on it rather than looking the handle up again
// (a batch mostly maps pieces of few objects).
struct LastObject {
	u32 handle = 0;
	const GemRef *gem = nullptr;
};

Status prepare_op(const nova_logic_device_config &config, nova_svc_file *file,
		  const drm_nova_vm_bind_op &uop, BindOp &op, LastObject &last)
{
	NOVA_TRY(check_op(config, uop, &op.end));
	op.type = uop.op;
	op.flags = uop.flags;
	op.start = uop.va;
	op.bo_offset = uop.bo_offset;
	if (op.type != NOVA_VM_BIND_OP_MAP)
		return {};

	// The object range can only be checked once the handle resolves: a MAP
	// naming no object is -ENOENT, even if its range would not fit either.
	bool same = last.gem && uop.handle == last.handle;
	op.gem = same ? last.gem->clone() : NOVA_TRY(GemRef::lookup(file, uop.handle));
	// No overflow: check_op() checked bo_offset + range.
	if (uop.bo_offset + uop.range > op.gem.size())
		return error(-EINVAL);
	last = { uop.handle, &op.gem };
	// The engine reaches mapped memory without allocating: a mapped
	// object's pages are resident from here on (the same object's are).
	return same ? Status() : nova_svc_gem_make_resident(op.gem.get());
}

u32 nodes_for(const BindOp &op)
{
	switch (op.type) {
	case NOVA_VM_BIND_OP_MAP:
		return VaSpace::Edit::kMapNodes;
	case NOVA_VM_BIND_OP_UNMAP:
		return VaSpace::Edit::kUnmapNodes;
	default:
		return 0;
	}
}

// A checked batch with everything its commit needs. The stacks outlive
// the commit's edit, so what they hold is freed after the VA lock is
// dropped: with the batch.
class Batch : NoCopy {
public:
	// Phases 1 and 2. On a failure of one operation, @failed_op is its index.
	Status prepare(const nova_logic_device_config &config, nova_svc_file *file,
		       const drm_nova_vm_bind &args, u32 &failed_op);
	// Phase 3: 0, or -ENOSPC with the VA space as it was.
	Status commit(VaSpace &va, u32 max_mappings);

private:
	BoxArray<BindOp> ops_;
	u32 count_ = 0;
	MappingStack spares_;
	MappingStack removed_;
};

// The operation array in one copy, into @uops, when there is more than one
// operation and its elements are the size this kernel knows: each is then
// the element read_element() would give. False when it is not read so, or
// cannot be read whole: element by element then decides which operation
// fails, and how, as the uAPI says.
Result<bool> read_ops_at_once(const drm_nova_vm_bind &args, BoxArray<drm_nova_vm_bind_op> &uops)
{
	u64 bytes = u64(args.op_count) * kOpSize;

	if (args.op_count < 2 || args.op_stride != kOpSize)
		return false;
	if (!uops.allocate(args.op_count))
		return error(-ENOMEM);
	return nova_svc_copy_struct_from_user(&uops[0], bytes, args.ops, bytes).error == 0;
}

Status Batch::prepare(const nova_logic_device_config &config, nova_svc_file *file,
		      const drm_nova_vm_bind &args, u32 &failed_op)
{
	LastObject last;
	u64 nodes = 0;

	if (args.op_count == 0)
		return {};
	// On the heap: there can be thousands, and the kernel stack is 16 KiB.
	if (!ops_.allocate(args.op_count))
		return error(-ENOMEM);
	count_ = args.op_count;
	BoxArray<drm_nova_vm_bind_op> uops;
	bool at_once = NOVA_TRY(read_ops_at_once(args, uops));
	for (u32 i = 0; i < count_; i++) {
		drm_nova_vm_bind_op uop;

		failed_op = i;
		if (at_once)
			uop = uops[i];
		else
			NOVA_TRY(read_element(args.ops, i, args.op_stride, &uop, kOpSize));
		NOVA_TRY(prepare_op(config, file, uop, ops_[i], last));
		nodes += nodes_for(ops_[i]);
	}
	failed_op = NOVA_VM_BIND_NO_OP;

	for (u64 i = 0; i < nodes; i++) {
		Mapping *node = new (may_fail) Mapping();

		if (!node)
			return error(-ENOMEM);
		spares_.push(*node);
	}
	return {};
}

Status Batch::commit(VaSpace &va, u32 max_mappings)
{
	VaSpace::Edit edit(va, spares_, removed_);

	for (u32 i = 0; i < count_; i++) {
		BindOp &op = ops_[i];

		if (op.type == NOVA_VM_BIND_OP_MAP)
			edit.map(op.start, op.end, op.gem, op.bo_offset, op.flags, op.undo);
		else if (op.type == NOVA_VM_BIND_OP_UNMAP)
			edit.unmap(op.start, op.end, op.undo);
	}
	// The limit is on the result: a batch may pass it on the way, and a
	// MAP that replaces mappings, or an UNMAP, may bring the count down.
	if (edit.mappings() > max_mappings) {
		for (u32 i = count_; i-- > 0;)
			if (ops_[i].type != NOVA_VM_BIND_OP_SYNC_ONLY)
				edit.undo(ops_[i].undo);
		return error(-ENOSPC);
	}
	return {};
}

// An asynchronous batch, from its call until the bind queue is done with
// it. The file outlives it: closing the file destroys the bind queue,
// which frees every pending bind, before the VA space goes.
struct PendingBind : nova_logic_bind {
	PendingBind(VaSpace &space, u32 limit) : va(space), max_mappings(limit) {}

	static PendingBind &from(nova_logic_bind *bind) { return *static_cast<PendingBind *>(bind); }

	VaSpace &va;
	const u32 max_mappings;
	Batch batch;
};

Status check_header(const nova_logic_device_config &config, const drm_nova_vm_bind &args)
{
	bool async = args.flags & NOVA_VM_BIND_ASYNC;

	if (args.vm_id != 0 || args.pad != 0 || (args.flags & ~NOVA_VM_BIND_FLAGS))
		return error(-EINVAL);
	if (args.sync_count != 0 && !async)
		return error(-EINVAL);
	if (args.op_count > config.vm_bind_max_ops || args.sync_count > config.exec_max_syncs)
		return error(-E2BIG);
	if ((args.op_count && args.op_stride < kOpSize) ||
	    (args.sync_count && args.sync_stride < kSyncSize))
		return error(-EINVAL);
	return {};
}

Status bind_async(const nova_logic_device_config &config, const BindTarget &target,
		  drm_nova_vm_bind &args)
{
	Box<PendingBind> bind(new (may_fail) PendingBind(target.va, config.max_mappings));
	BoxArray<drm_nova_sync> syncs;

	if (!bind)
		return error(-ENOMEM);
	NOVA_TRY(bind->batch.prepare(config, target.file, args, args.failed_op));
	NOVA_TRY(read_syncs(args.syncs, args.sync_count, args.sync_stride, syncs));

	nova_svc_bind_queue *queue = NOVA_TRY(target.queue.get(target.file));
	NOVA_TRY(nova_svc_bind_queue_submit(queue, args.sync_count ? &syncs[0] : nullptr,
					    args.sync_count, bind.get()));
	// The queue owns it now, and may already have applied and freed it.
	bind.leak();
	return {};
}

} // namespace

Status vm_bind(Device &device, const BindTarget &target, drm_nova_vm_bind &args)
{
	const nova_logic_device_config &config = device.config();

	args.failed_op = NOVA_VM_BIND_NO_OP;
	NOVA_TRY(check_header(config, args));
	if (args.flags & NOVA_VM_BIND_ASYNC)
		return bind_async(config, target, args);

	// With nothing to do, @op_stride and @ops are not looked at (prepare
	// reads nothing): a zeroed struct is a valid call, which lets a client
	// probe for VM_BIND.
	Batch batch;
	NOVA_TRY(batch.prepare(config, target.file, args, args.failed_op));
	// After the binds queued before it, also with no operations (a client
	// may call it to know they took effect): the call sees the VA space
	// they leave. The errors above are the call's alone, whatever is
	// pending.
	if (nova_svc_bind_queue *queue = target.queue.existing())
		NOVA_TRY(nova_svc_bind_queue_wait_idle(queue));
	if (args.op_count == 0)
		return {};
	return batch.commit(target.va, config.max_mappings);
}

} // namespace nova

extern "C" int nova_logic_bind_run(nova_logic_bind *bind)
{
	nova::PendingBind &pending = nova::PendingBind::from(bind);

	return pending.batch.commit(pending.va, pending.max_mappings).error();
}

extern "C" void nova_logic_bind_free(nova_logic_bind *bind)
{
	delete &nova::PendingBind::from(bind);
}

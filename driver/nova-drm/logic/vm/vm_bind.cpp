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
#include "vm/vm_bind.hpp"
#include "device.hpp"
#include "uapi_layout.hpp"

namespace nova {
namespace {

// The size of an operation as this kernel knows it.
constexpr u32 kOpSize = sizeof(drm_nova_vm_bind_op);

// An operation that passed every check: what the commit needs.
struct BindOp {
	bool map;
	u32 flags;
	u64 start;
	u64 end;
	u64 bo_offset;
	GemRef gem; // MAP only: the reference the new mapping takes over
	EditUndo undo; // what applying it changed
};

// Reads operation @index, an extensible struct of op_stride bytes: its
// first kOpSize bytes into @op, and the rest, which a newer client's fields
// occupy, must be zero (their defaults, as far as this kernel can tell).
// The whole operation is read before it is judged: an unreadable byte
// anywhere in it is -EFAULT, a non-zero byte past kOpSize -EINVAL (the
// uAPI's errno for it; the service says -E2BIG).
Status read_op(const drm_nova_vm_bind &args, u32 index, drm_nova_vm_bind_op *op)
{
	u64 address;

	// index * stride fits in 64 bits (both are 32-bit); an array that wraps
	// around the address space cannot be read (nor can an operation that
	// does, which the service finds).
	if (__builtin_add_overflow(args.ops, u64(index) * args.op_stride, &address))
		return error(-EFAULT);

	Status read = nova_svc_copy_struct_from_user(op, kOpSize, address, args.op_stride);
	if (read.error() == -E2BIG)
		return error(-EINVAL);
	return read;
}

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

Status prepare_op(const nova_logic_device_config &config, nova_svc_file *file,
		  const drm_nova_vm_bind_op &uop, BindOp &op)
{
	NOVA_TRY(check_op(config, uop, &op.end));
	op.map = uop.op == NOVA_VM_BIND_OP_MAP;
	op.flags = uop.flags;
	op.start = uop.va;
	op.bo_offset = uop.bo_offset;
	if (!op.map)
		return {};

	// The object range can only be checked once the handle resolves: a MAP
	// naming no object is -ENOENT, even if its range would not fit either.
	op.gem = NOVA_TRY(GemRef::lookup(file, uop.handle));
	// No overflow: check_op() checked bo_offset + range.
	if (uop.bo_offset + uop.range > op.gem.size())
		return error(-EINVAL);
	// The engine reaches mapped memory without allocating: a mapped
	// object's pages are resident from here on.
	return nova_svc_gem_make_resident(op.gem.get());
}

} // namespace

Status vm_bind(Device &device, nova_svc_file *file, VaSpace &va, const drm_nova_vm_bind &args)
{
	const nova_logic_device_config &config = device.config();
	BoxArray<BindOp> ops;
	u64 nodes = 0;

	if (args.vm_id != 0 || args.flags != 0)
		return error(-EINVAL);
	if (args.op_count > config.vm_bind_max_ops)
		return error(-E2BIG);
	// With nothing to read, @op_stride and @ops are not looked at: a zeroed
	// struct is a valid call, which lets a client probe for VM_BIND.
	if (args.op_count == 0)
		return {};
	if (args.op_stride < kOpSize)
		return error(-EINVAL);

	// On the heap: there can be thousands, and the kernel stack is 16 KiB.
	if (!ops.allocate(args.op_count))
		return error(-ENOMEM);
	for (u32 i = 0; i < args.op_count; i++) {
		drm_nova_vm_bind_op uop;

		NOVA_TRY(read_op(args, i, &uop));
		NOVA_TRY(prepare_op(config, file, uop, ops[i]));
		nodes += ops[i].map ? VaSpace::Edit::kMapNodes : VaSpace::Edit::kUnmapNodes;
	}

	// Declared before the edit, so destroyed after it has unlocked: the
	// unused spares, and the removed mappings with their references.
	MappingStack spares;
	MappingStack removed;

	for (u64 i = 0; i < nodes; i++) {
		Mapping *node = new (may_fail) Mapping();

		if (!node)
			return error(-ENOMEM);
		spares.push(*node);
	}

	VaSpace::Edit edit(va, spares, removed);
	for (u32 i = 0; i < args.op_count; i++) {
		BindOp &op = ops[i];

		if (op.map)
			edit.map(op.start, op.end, op.gem, op.bo_offset, op.flags, op.undo);
		else
			edit.unmap(op.start, op.end, op.undo);
	}
	// The limit is on the result: a batch may pass it on the way, and a
	// MAP that replaces mappings, or an UNMAP, may bring the count down.
	if (edit.mappings() > config.max_mappings) {
		for (u32 i = args.op_count; i-- > 0;)
			edit.undo(ops[i].undo);
		return error(-ENOSPC);
	}
	return {};
}

} // namespace nova

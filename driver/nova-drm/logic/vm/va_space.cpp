// SPDX-License-Identifier: GPL-2.0
//
// Mappings of a VA space: replace, cut, split, remove.
#include "vm/va_space.hpp"

namespace nova {

void VaSpace::teardown()
{
	MappingTree doomed;

	{
		Guard guard(lock_);

		tree_.swap(doomed);
	}
	// Outside the lock: the last reference on an object frees it.
	doomed.clear([](Mapping &mapping) { delete &mapping; });
}

u64 VaSpace::mappings()
{
	Guard guard(lock_);

	return tree_.size();
}

void VaSpace::for_each(nova_logic_mapping_fn fn, void *ctx)
{
	Guard guard(lock_);

	for (Mapping *mapping = tree_.first(); mapping; mapping = MappingTree::next(*mapping)) {
		nova_logic_mapping_info info{};

		info.va_start = mapping->start();
		info.va_end = mapping->end();
		info.object_id = mapping->gem().object_id();
		info.bo_offset = mapping->bo_offset();
		info.flags = mapping->flags();
		fn(ctx, &info);
	}
}

Status VaSpace::translate(u64 va, nova_svc_gem **gem, u64 *offset, u64 *len, u32 *flags)
{
	lock_.assert_held();
	// Mappings are disjoint and ordered: the first one ending past @va is
	// the only one that can cover it.
	Mapping *mapping = tree_.first_where([va](const Mapping &m) { return m.end() > va; });

	if (!mapping || mapping->start() > va)
		return error(-EFAULT);
	*gem = mapping->gem().get();
	*offset = mapping->bo_offset() + (va - mapping->start());
	*len = mapping->end() - va;
	*flags = mapping->flags();
	return {};
}

// The edit holds the VA space's lock from construction to destruction
// (guard_), which the analysis cannot follow from one member function to
// the next: each one that touches the tree says so first.
VaSpace::Edit::Edit(VaSpace &va, MappingStack &spares, MappingStack &removed)
	: va_(va), guard_(va.lock_), spares_(spares), removed_(removed)
{
}

// The caller sized the spares for the worst case; running out is a bug in the logic.
Mapping *VaSpace::Edit::take_spare()
{
	Mapping *node = spares_.pop();

	NOVA_WARN_ON(!node);
	return node;
}

// Removes everything in [start, end), cutting mappings at the edges, and
// returns the first mapping after the hole (nullptr if none): where a new
// mapping of the range goes.
Mapping *VaSpace::Edit::carve(u64 start, u64 end, EditUndo &undo)
{
	va_.lock_.assert_held();
	// Mappings are disjoint, so ordered by end as well as by start: the
	// first one ending after @start is the first that can overlap.
	Mapping *mapping = va_.tree_.first_where([start](const Mapping &m) { return m.end() > start; });

	if (!mapping || mapping->start() >= end)
		return mapping;

	if (mapping->start() < start) {
		undo.front = mapping;
		undo.front_end = mapping->end();
		if (mapping->end() > end) {
			// Strictly inside one mapping: it splits in two.
			Mapping *tail = take_spare();

			if (!tail) {
				mapping->cut_back(start);
				return MappingTree::next(*mapping);
			}
			mapping->split(start, end, *tail);
			va_.tree_.insert_after(*mapping, *tail);
			undo.tail = tail;
			return tail;
		}
		mapping->cut_back(start);
		mapping = MappingTree::next(*mapping);
	}

	while (mapping && mapping->end() <= end) {
		Mapping *next = MappingTree::next(*mapping);

		va_.tree_.erase(*mapping);
		removed_.push(*mapping);
		undo.removed++;
		mapping = next;
	}

	if (mapping && mapping->start() < end) {
		undo.back = mapping;
		undo.back_start = mapping->start();
		mapping->cut_front(end);
	}
	return mapping;
}

void VaSpace::Edit::unmap(u64 start, u64 end, EditUndo &undo)
{
	carve(start, end, undo);
}

void VaSpace::Edit::map(u64 start, u64 end, GemRef &gem, u64 bo_offset, u32 flags,
			EditUndo &undo)
{
	Mapping *next = carve(start, end, undo);
	Mapping *mapping = take_spare();

	if (!mapping)
		return;
	va_.lock_.assert_held();
	mapping->assign(start, end, move(gem), bo_offset, flags);
	va_.tree_.insert_before(next, *mapping);
	undo.added = mapping;
}

// carve() and map() backwards. Each step leaves the tree as it was at the
// same point going forwards, so every mapping put back finds its range free.
void VaSpace::Edit::undo(const EditUndo &undo)
{
	va_.lock_.assert_held();
	if (undo.added) {
		va_.tree_.erase(*undo.added);
		spares_.push(*undo.added);
	}
	if (undo.back)
		undo.back->uncut_front(undo.back_start);
	// The removed stack gives this operation's mappings back last first.
	for (u64 i = 0; i < undo.removed; i++) {
		Mapping *mapping = removed_.pop();

		if (NOVA_WARN_ON(!mapping))
			break;
		u64 start = mapping->start();

		va_.tree_.insert_before(
			va_.tree_.first_where([start](const Mapping &m) { return m.start() > start; }),
			*mapping);
	}
	if (undo.tail) {
		va_.tree_.erase(*undo.tail);
		spares_.push(*undo.tail);
	}
	if (undo.front)
		undo.front->uncut_back(undo.front_end);
}

} // namespace nova

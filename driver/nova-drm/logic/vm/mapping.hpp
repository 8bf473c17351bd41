// SPDX-License-Identifier: GPL-2.0
//
// One mapping of a GPU VA space: [start, end) shows the object from
// bo_offset on.
//
// The mapping is its own node in the VA space's tree, so a mapping costs one
// allocation of a fixed size (checked below) and linking it allocates
// nothing. It holds a reference on its object, which therefore outlives its
// handle until the last mapping of it goes.
#pragma once

#include "cxx/intrusive_tree.hpp"
#include "gem/gem.hpp"

namespace nova {

struct VaTreeTag {};

class Mapping : public TreeNode<VaTreeTag> {
public:
	// Nodes are allocated empty, ahead of the lock, and filled in when a
	// batch commits.
	Mapping() = default;

	void assign(u64 start, u64 end, GemRef gem, u64 bo_offset, u32 flags)
	{
		start_ = start;
		end_ = end;
		gem_ = move(gem);
		bo_offset_ = bo_offset;
		flags_ = flags;
	}

	u64 start() const { return start_; }
	u64 end() const { return end_; }
	u64 bo_offset() const { return bo_offset_; }
	u32 flags() const { return flags_; }
	const GemRef &gem() const { return gem_; }

	// Shrinking keeps the mapping where it is in the tree: the order of
	// disjoint ranges cannot change by cutting one of them.

	// Drops [start, new_start): the object offset moves along, so each
	// remaining byte still shows the same byte of the object.
	void cut_front(u64 new_start)
	{
		NOVA_ASSERT(new_start > start_ && new_start < end_);
		bo_offset_ += new_start - start_;
		start_ = new_start;
	}

	// Drops [new_end, end).
	void cut_back(u64 new_end)
	{
		NOVA_ASSERT(new_end > start_ && new_end < end_);
		end_ = new_end;
	}

	// The inverses of the cuts, for undoing a batch: give back what a cut
	// took, with the object offset moving along again.
	void uncut_front(u64 old_start)
	{
		NOVA_ASSERT(old_start < start_);
		bo_offset_ -= start_ - old_start;
		start_ = old_start;
	}

	void uncut_back(u64 old_end)
	{
		NOVA_ASSERT(old_end > end_);
		end_ = old_end;
	}

	// Makes @tail the part [from, end) of this mapping, with its own object
	// offset and its own reference; this mapping keeps [start, to).
	void split(u64 to, u64 from, Mapping &tail)
	{
		NOVA_ASSERT(to > start_ && to <= from && from < end_);
		tail.assign(from, end_, gem_.clone(), bo_offset_ + (from - start_), flags_);
		end_ = to;
	}

private:
	// First, so that it fills the tail padding of the tree links.
	u32 flags_ = 0;
	u64 start_ = 0;
	u64 end_ = 0; // exclusive
	u64 bo_offset_ = 0;
	GemRef gem_;
};

// Three links, the balance and the flags, the range, the offset and the
// object: one 64-byte slab object (kmalloc-64) per mapping.
static_assert(sizeof(Mapping) <= 64, "a mapping outgrew its 64-byte slab");

using MappingTree = IntrusiveTree<Mapping, VaTreeTag>;
// Mappings kept aside by a batch; deleted (dropping their object references)
// when the stack goes out of scope.
using MappingStack = NodeStack<Mapping, VaTreeTag>;

} // namespace nova

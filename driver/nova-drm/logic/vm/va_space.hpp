// SPDX-License-Identifier: GPL-2.0
//
// A client's GPU virtual address space: its mappings, disjoint and ordered
// by address in a balanced tree, and the lock that serializes changes.
//
// Changes go through an Edit, which holds the lock and cannot fail: every
// node an edit may need is allocated before it starts, and everything it
// removes is freed after it ends. That split is what makes a VM_BIND batch
// atomic, and it keeps both allocation and the release of object references
// (which may free an object and re-enter the GEM manager) out of the lock.
#pragma once

#include "nova_logic.h"
#include "cxx/lock.hpp"
#include "vm/mapping.hpp"

namespace nova {

class VaSpace : NoCopy {
public:
	VaSpace() = default;
	~VaSpace() { NOVA_ASSERT(tree_.empty()); }
	[[nodiscard]] Status init() { return lock_.init(NOVA_LOCK_FILE); }

	// Removes every mapping and frees it, dropping its object reference.
	void teardown();

	u64 mappings();
	// Calls @fn for each mapping in address order, under the lock.
	void for_each(nova_logic_mapping_fn fn, void *ctx);

	// The engine's access window (nova_logic_file_va_lock()): a lock the
	// C glue takes and drops across calls, which the analysis cannot
	// follow; translate() asserts it.
	void lock() TA_ACQ(lock_) { lock_.lock(); }
	void unlock() TA_REL(lock_) { lock_.unlock(); }
	// The mapping covering @va (see nova_logic_file_va_translate());
	// -EFAULT when there is none.
	Status translate(u64 va, nova_svc_gem **gem, u64 *offset, u64 *len, u32 *flags);

	class Edit;

private:
	Mutex lock_;
	MappingTree tree_ TA_GUARDED(lock_);
};

// What one operation of an edit changed, enough to take it back: at most
// one mapping cut or split at the front edge, whole mappings removed in
// between, one mapping cut at the back edge, and one mapping added.
struct EditUndo {
	Mapping *front = nullptr; // cut back to the operation's start...
	u64 front_end = 0;	  // ...from this end
	Mapping *tail = nullptr;  // the part of @front past the range, if split
	u64 removed = 0;	  // mappings pushed on the removed stack
	Mapping *back = nullptr;  // cut to start at the operation's end...
	u64 back_start = 0;	  // ...from this start
	Mapping *added = nullptr; // MAP: the new mapping
};

// A locked change of a VA space. Nodes come from @spares; mappings that go
// away are pushed on @removed. The caller declares both stacks before the
// edit, so that they are destroyed after it has dropped the lock.
//
// Each operation records what it changed in an EditUndo of the caller's
// (allocated with the batch, before the lock), so that a batch that ends
// over the file's mapping limit can be taken back, operations in reverse
// order, without allocating: the limit is on the state after the whole
// batch, which is known only once every operation has been applied.
class [[nodiscard]] VaSpace::Edit : NoCopy {
public:
	// Nodes an operation takes from the spares at most: a MAP needs one for
	// itself and one more if it falls strictly inside a mapping, which then
	// splits in two; an UNMAP needs one only for such a split.
	static constexpr u32 kMapNodes = 2;
	static constexpr u32 kUnmapNodes = 1;

	Edit(VaSpace &va, MappingStack &spares, MappingStack &removed);

	// Maps [start, end) to @gem from @bo_offset on, replacing what was
	// there; takes over @gem's reference.
	void map(u64 start, u64 end, GemRef &gem, u64 bo_offset, u32 flags, EditUndo &undo);
	// Unmaps everything in [start, end), cutting mappings at the edges.
	void unmap(u64 start, u64 end, EditUndo &undo);
	// Takes back the operation @undo recorded; operations are taken back
	// last first. What it had added waits on the spares to be freed.
	void undo(const EditUndo &undo);

	// Live mappings of the VA space as edited so far.
	u64 mappings() const
	{
		va_.lock_.assert_held();
		return va_.tree_.size();
	}

private:
	Mapping *carve(u64 start, u64 end, EditUndo &undo);
	Mapping *take_spare();

	VaSpace &va_;
	Guard guard_;
	MappingStack &spares_;
	MappingStack &removed_;
};

} // namespace nova

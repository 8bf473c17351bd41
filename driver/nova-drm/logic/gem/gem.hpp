// SPDX-License-Identifier: GPL-2.0
//
// The GEM object manager's bookkeeping.
//
// The glue owns the objects themselves (shmem-backed drm_gem_object); the
// logic keeps one GemObject record per object it created, inside the glue's
// object, which carries the accounting: how many objects and bytes each
// device and each client holds, and the device's byte budget. A record lives
// exactly as long as its GEM object: the glue calls nova_logic_gem_release()
// when the object is freed, which may be long after the creating file closed
// (an mmap or a dma-buf can keep an object alive).
//
// Creating and freeing an object takes no device-wide lock: the device's
// totals and its budget are atomic counters, and a client's objects are on
// a list of its own, under a lock of its own.
#pragma once

#include "nova_logic.h"
#include "cxx/alloc.hpp"
#include "cxx/intrusive_list.hpp"
#include "cxx/lock.hpp"
#include "cxx/ref_ptr.hpp"

struct nova_logic_gem {};

namespace nova {

class Device;
class GemObject;
struct GemFileTag {};

struct GemTotals {
	u64 objects;
	u64 bytes;
};

// The device's side: its budget, its totals and the objects' ids.
class GemManager : NoCopy {
public:
	explicit GemManager(u64 budget) : budget_(budget) {}
	// No object is left: each held a reference on the device.
	~GemManager() { NOVA_ASSERT(load(objects_) == 0 && load(bytes_) == 0); }

	// Bytes of the budget held for an object being made: given back when
	// it goes out of scope, unless the object's record took them over.
	class [[nodiscard]] Reservation : NoCopy {
	public:
		// Holds nothing (what a failed Result carries).
		Reservation() = default;
		Reservation(Reservation &&other) noexcept
			: gem_(exchange(other.gem_, static_cast<GemManager *>(nullptr))),
			  size_(other.size_)
		{
		}
		~Reservation()
		{
			if (gem_)
				gem_->unaccount(size_);
		}

	private:
		friend class GemManager;
		friend class GemObject;
		Reservation(GemManager &gem, u64 size) : gem_(&gem), size_(size) {}

		GemManager *gem_ = nullptr;
		u64 size_ = 0;
	};

	// -ENOSPC when the budget cannot hold @size more bytes.
	Result<Reservation> reserve(u64 size);

	// Read one after the other: under concurrent creation the pair is
	// not a snapshot, each number is.
	GemTotals totals() const { return { load(objects_), load(bytes_) }; }

private:
	friend class GemObject;
	static u64 load(const u64 &counter) { return __atomic_load_n(&counter, __ATOMIC_RELAXED); }
	void unaccount(u64 size);

	const u64 budget_;
	u64 objects_ = 0;
	u64 bytes_ = 0;
	u64 last_id_ = 0;
};

// A client's objects. Reference counted: its file holds a reference, and so
// does each object the file created, which takes itself off the list when
// it is freed, also after the file closed. Totals are summed over the list
// when asked.
class GemFileAccount : public RefCounted<GemFileAccount> {
public:
	static Result<RefPtr<GemFileAccount>> create(Device &device);

	GemTotals totals();

private:
	friend class GemObject;
	friend class RefPtr<GemFileAccount>;
	explicit GemFileAccount(Device &device);
	~GemFileAccount();

	const RefPtr<Device> device_;
	Mutex lock_;
	IntrusiveList<GemObject, GemFileTag> objects_ TA_GUARDED(lock_);
};

// Built by the logic in the storage the glue's object has for it
// (nova_svc_gem_alloc()), destroyed in place by nova_logic_gem_release().
// It is accounted exactly as long as it lives, to the device and on the
// creating file's list, and holds a reference on that file's account,
// which holds one on the device.
class GemObject : public nova_logic_gem, public ListNode<GemFileTag> {
public:
	GemObject(RefPtr<GemFileAccount> account, GemManager::Reservation reservation);
	~GemObject();

	static GemObject &from(nova_logic_gem *gem) { return *static_cast<GemObject *>(gem); }

	u64 size() const { return size_; }
	// Unique among the device's objects, never reused; debugfs names
	// objects by it.
	u64 id() const { return id_; }

private:
	const RefPtr<GemFileAccount> account_;
	const u64 size_;
	const u64 id_;
};

static_assert(sizeof(GemObject) <= sizeof(nova_logic_gem_storage),
	      "the GEM record outgrew the storage the glue's object has for it");
static_assert(alignof(GemObject) <= alignof(nova_logic_gem_storage));

// A reference to a GEM object looked up by handle, dropped at scope exit.
class GemRef : NoCopy {
public:
	GemRef() = default;
	explicit GemRef(nova_svc_gem *gem) : gem_(gem) {}
	GemRef(GemRef &&other) noexcept : gem_(exchange(other.gem_, static_cast<nova_svc_gem *>(nullptr))) {}
	GemRef &operator=(GemRef &&other) noexcept
	{
		reset();
		gem_ = exchange(other.gem_, static_cast<nova_svc_gem *>(nullptr));
		return *this;
	}
	~GemRef() { reset(); }

	// -ENOENT when @handle names no object of @file.
	static Result<GemRef> lookup(nova_svc_file *file, u32 handle);

	// Another reference on the same object. Cannot fail, sleep or free,
	// so it may be taken under any lock.
	GemRef clone() const
	{
		nova_svc_gem_get(gem_);
		return GemRef(gem_);
	}

	nova_svc_gem *get() const { return gem_; }
	u64 size() const { return nova_svc_gem_size(gem_); }
	// The device-unique id of the object; 0 for an object the logic did not
	// create (nova_svc_gem_logic() has no record for it).
	u64 object_id() const;

private:
	void reset()
	{
		if (gem_)
			nova_svc_gem_put(exchange(gem_, static_cast<nova_svc_gem *>(nullptr)));
	}

	nova_svc_gem *gem_ = nullptr;
};

} // namespace nova

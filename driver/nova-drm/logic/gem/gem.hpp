// SPDX-License-Identifier: GPL-2.0
//
// The GEM object manager's bookkeeping.
//
// The glue owns the objects themselves (shmem-backed drm_gem_object); the
// logic keeps one GemObject record per object it created, which carries the
// accounting: how many objects and bytes each device and each client holds,
// and the device's byte budget. A record lives exactly as long as its GEM
// object: the glue calls nova_logic_gem_release() when the object is freed,
// which may be long after the creating file closed (an mmap or a dma-buf can
// keep an object alive).
#pragma once

#include "nova_logic.h"
#include "cxx/alloc.hpp"
#include "cxx/intrusive_list.hpp"
#include "cxx/lock.hpp"
#include "cxx/ref_ptr.hpp"

struct nova_logic_gem {};

namespace nova {

class Device;
struct GemFileTag {};
class GemObject;

// A client's objects, guarded by the manager's lock (which the analysis
// cannot name from here: only GemManager touches the list, always under
// lock_). Its totals are summed over the list when asked.
struct GemFileAccount {
	IntrusiveList<GemObject, GemFileTag> objects;
};

// Owned by the glue's GEM object from nova_svc_gem_create() on, until
// nova_logic_gem_release() deletes it. It is accounted exactly as long as it
// lives (the destructor takes it off the accounts), and holds a reference
// on its device, whose accounting it needs until then. It is on its
// creating file's account (linked()) until that file closes.
class GemObject : public nova_logic_gem, public ListNode<GemFileTag> {
public:
	// Out of line, like the destructor: a RefPtr<Device> needs the whole
	// Device, which includes this header.
	GemObject(Device &device, u64 size);
	~GemObject();

	static GemObject &from(nova_logic_gem *gem) { return *static_cast<GemObject *>(gem); }

	Device &device() const { return *device_; }
	u64 size() const { return size_; }
	// Unique among the device's objects, never reused; debugfs names
	// objects by it.
	u64 id() const { return id_; }

private:
	friend class GemManager;

	const RefPtr<Device> device_;
	const u64 size_;
	u64 id_ = 0; // set once, when the manager accounts the object (0: not yet)
};

class GemManager : NoCopy {
public:
	struct Totals {
		u64 objects;
		u64 bytes;
	};

	explicit GemManager(u64 budget) : budget_(budget) {}
	// No object is left: each held a reference on the device.
	~GemManager() { NOVA_ASSERT(objects_ == 0 && bytes_ == 0); }
	[[nodiscard]] Status init() { return lock_.init(NOVA_LOCK_DEVICE); }

	// Accounts a new object of @size bytes to the device and to @account and
	// returns its record, which holds a device reference. -ENOSPC when the
	// budget cannot hold it, -ENOMEM when the record cannot be allocated.
	Result<Box<GemObject>> create(Device &device, GemFileAccount &account, u64 size);

	// The client behind @account goes away: its objects stay accounted to
	// the device until they are freed.
	void detach(GemFileAccount &account);

	Totals totals();
	Totals totals(GemFileAccount &account);

private:
	friend class GemObject;
	void unaccount(GemObject &object);

	Mutex lock_;
	const u64 budget_;
	u64 objects_ TA_GUARDED(lock_) = 0;
	u64 bytes_ TA_GUARDED(lock_) = 0;
	u64 last_id_ TA_GUARDED(lock_) = 0;
};

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

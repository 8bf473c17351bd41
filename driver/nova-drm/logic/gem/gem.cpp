// SPDX-License-Identifier: GPL-2.0
//
// GEM object accounting: budget, per-device and per-client totals.
#include "gem/gem.hpp"
#include "device.hpp"

namespace nova {

Result<Box<GemObject>> GemManager::create(Device &device, GemFileAccount &account, u64 size)
{
	// Allocate before taking the lock: nothing sleeps for memory under it.
	Box<GemObject> object(new (may_fail) GemObject(device, size));
	if (!object)
		return error(-ENOMEM);

	{
		Guard guard(lock_);

		if (size > budget_ - bytes_)
			return error(-ENOSPC);
		objects_++;
		bytes_ += size;
		object->id_ = ++last_id_;
		account.objects.push_back(*object);
	}
	return object;
}

void GemManager::unaccount(GemObject &object)
{
	Guard guard(lock_);

	NOVA_ASSERT(objects_ > 0 && bytes_ >= object.size_);
	objects_--;
	bytes_ -= object.size_;
	if (object.linked())
		IntrusiveList<GemObject, GemFileTag>::unlink(object);
}

GemObject::GemObject(Device &device, u64 size)
	: device_(&device), size_(size)
{
}

GemObject::~GemObject()
{
	// A record the budget refused was never accounted.
	if (id_)
		device_->gem().unaccount(*this);
}

void GemManager::detach(GemFileAccount &account)
{
	Guard guard(lock_);

	while (account.objects.pop_front())
		continue;
}

GemManager::Totals GemManager::totals()
{
	Guard guard(lock_);

	return { objects_, bytes_ };
}

GemManager::Totals GemManager::totals(GemFileAccount &account)
{
	Totals totals{};
	Guard guard(lock_);

	account.objects.for_each([&totals](GemObject &object) {
		totals.objects++;
		totals.bytes += object.size_;
	});
	return totals;
}

Result<GemRef> GemRef::lookup(nova_svc_file *file, u32 handle)
{
	nova_svc_gem *gem = nullptr;

	NOVA_TRY(nova_svc_gem_lookup(file, handle, &gem));
	return GemRef(gem);
}

u64 GemRef::object_id() const
{
	nova_logic_gem *logic = nova_svc_gem_logic(gem_);

	return logic ? GemObject::from(logic).id() : 0;
}

} // namespace nova

extern "C" void nova_logic_gem_release(nova_logic_gem *gem)
{
	if (gem)
		delete &nova::GemObject::from(gem);
}

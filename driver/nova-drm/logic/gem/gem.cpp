// SPDX-License-Identifier: GPL-2.0
//
// GEM object accounting: budget, per-device and per-client totals.
#include "gem/gem.hpp"
#include "device.hpp"

namespace nova {

Result<GemManager::Reservation> GemManager::reserve(u64 size)
{
	u64 bytes = load(bytes_);

	// Held only if it fits against what the others hold at that moment.
	do {
		if (size > budget_ - bytes)
			return error(-ENOSPC);
	} while (!__atomic_compare_exchange_n(&bytes_, &bytes, bytes + size, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	__atomic_fetch_add(&objects_, 1, __ATOMIC_RELAXED);
	return Reservation(*this, size);
}

void GemManager::unaccount(u64 size)
{
	u64 objects = __atomic_fetch_sub(&objects_, 1, __ATOMIC_RELAXED);
	u64 bytes = __atomic_fetch_sub(&bytes_, size, __ATOMIC_RELAXED);

	NOVA_ASSERT(objects > 0 && bytes >= size);
}

Result<RefPtr<GemFileAccount>> GemFileAccount::create(Device &device)
{
	RefPtr<GemFileAccount> account = adopt_ref(new (may_fail) GemFileAccount(device));

	if (!account)
		return error(-ENOMEM);
	NOVA_TRY(account->lock_.init(NOVA_LOCK_GEM_ACCOUNT));
	return account;
}

// Out of line: a RefPtr<Device> needs the whole Device, whose header
// includes this one.
GemFileAccount::GemFileAccount(Device &device) : device_(&device) {}

GemFileAccount::~GemFileAccount()
{
	// Each object holds a reference: none can be left.
	NOVA_ASSERT(objects_.empty());
}

GemTotals GemFileAccount::totals()
{
	GemTotals totals{};
	Guard guard(lock_);

	objects_.for_each([&totals](GemObject &object) {
		totals.objects++;
		totals.bytes += object.size();
	});
	return totals;
}

GemObject::GemObject(RefPtr<GemFileAccount> account, GemManager::Reservation reservation)
	: account_(move(account)), size_(reservation.size_),
	  id_(__atomic_add_fetch(&reservation.gem_->last_id_, 1, __ATOMIC_RELAXED))
{
	// The record holds the bytes now: its destructor gives them back.
	reservation.gem_ = nullptr;
	Guard guard(account_->lock_);

	account_->objects_.push_back(*this);
}

GemObject::~GemObject()
{
	{
		Guard guard(account_->lock_);

		account_->objects_.remove(*this);
	}
	account_->device_->gem().unaccount(size_);
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
	// Destroyed in place: the memory is the glue's object's.
	if (gem)
		nova::GemObject::from(gem).~GemObject();
}

// SPDX-License-Identifier: GPL-2.0
//
// The core's side of one nova device: its fixed configuration, its
// parameters, the object manager's bookkeeping and the count of mappings
// in all its clients' VA spaces.
#pragma once

#include "nova_core.h"
#include "core/ref_ptr.hpp"
#include "gem/gem.hpp"

// The C glue sees these as incomplete types; in C++ they are the empty bases
// of the real classes, so converting a handle is a plain static_cast.
struct nova_core_device {};

namespace nova {

// Reference counted (see nova_core.h for who holds the references).
class Device : public nova_core_device, public RefCounted<Device> {
public:
	static Result<RefPtr<Device>> create(const nova_core_device_config &config);

	static Device &from(nova_core_device *device) { return *static_cast<Device *>(device); }

	const nova_core_device_config &config() const { return config_; }
	GemManager &gem() { return gem_; }

	// The value of a GETPARAM parameter; -EINVAL for an unknown one.
	Result<u64> param(u64 id) const;

	void file_opened() { __atomic_add_fetch(&files_, 1, __ATOMIC_RELAXED); }
	void file_closed() { __atomic_sub_fetch(&files_, 1, __ATOMIC_RELAXED); }
	void mappings_added(u64 count) { __atomic_add_fetch(&mappings_, count, __ATOMIC_RELAXED); }
	void mappings_removed(u64 count) { __atomic_sub_fetch(&mappings_, count, __ATOMIC_RELAXED); }
	nova_core_device_stats stats();

private:
	friend class RefPtr<Device>; // only the last reference destroys
	explicit Device(const nova_core_device_config &config);
	~Device() = default;

	const nova_core_device_config config_;
	GemManager gem_;
	u64 files_ = 0;
	u64 mappings_ = 0;
};

} // namespace nova

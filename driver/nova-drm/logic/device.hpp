// SPDX-License-Identifier: GPL-2.0
//
// The logic's side of one nova device: its fixed configuration, its
// parameters, the object manager's bookkeeping and its open files.
#pragma once

#include "nova_logic.h"
#include "cxx/intrusive_list.hpp"
#include "cxx/lock.hpp"
#include "cxx/ref_ptr.hpp"
#include "gem/gem.hpp"

// The C glue sees these as incomplete types; in C++ they are the empty bases
// of the real classes, so converting a handle is a plain static_cast.
struct nova_logic_device {};

namespace nova {

class File;
struct DeviceFileTag {};

// Reference counted (see nova_logic.h for who holds the references).
class Device : public nova_logic_device, public RefCounted<Device> {
public:
	static Result<RefPtr<Device>> create(const nova_logic_device_config &config);

	static Device &from(nova_logic_device *device) { return *static_cast<Device *>(device); }

	const nova_logic_device_config &config() const { return config_; }
	GemManager &gem() { return gem_; }

	// The value of a GETPARAM parameter; -EINVAL for an unknown one.
	Result<u64> param(u64 id) const;

	// A file joins the device once it is fully open and leaves it when it
	// is destroyed. Joining gives it its client id.
	u64 file_opened(File &file);
	void file_closed(File &file);

	// The totals are sums over the open files, taken when asked.
	nova_logic_device_stats stats();

private:
	friend class RefPtr<Device>; // only the last reference destroys
	explicit Device(const nova_logic_device_config &config);
	~Device() = default;

	const nova_logic_device_config config_;
	GemManager gem_;
	Mutex files_lock_;
	IntrusiveList<File, DeviceFileTag> files_ TA_GUARDED(files_lock_);
	u64 last_client_id_ TA_GUARDED(files_lock_) = 0;
};

} // namespace nova

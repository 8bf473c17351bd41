// SPDX-License-Identifier: GPL-2.0
//
// The core's per-client state (one per open DRM file) and its ioctl handlers.
#pragma once

#include "nova_core.h"
#include "core/alloc.hpp"
#include "gem/gem.hpp"

struct nova_core_file {};

struct drm_nova_getparam;
struct drm_nova_gem_create;
struct drm_nova_gem_info;
struct drm_nova_gem_mmap_offset;

namespace nova {

class Device;

class File : public nova_core_file, NoCopy {
public:
	static Result<File *> open(Device &device, nova_svc_file *svc_file);
	// Detaches what the client still holds and frees the file.
	void close();

	static File &from(nova_core_file *file) { return *static_cast<File *>(file); }

	Status getparam(drm_nova_getparam &args);
	Status gem_create(drm_nova_gem_create &args);
	Status gem_info(drm_nova_gem_info &args);
	Status gem_mmap_offset(drm_nova_gem_mmap_offset &args);

	nova_core_file_stats stats();

private:
	friend class Box<File>;
	File(Device &device, nova_svc_file *svc_file) : device_(device), svc_file_(svc_file) {}
	~File() = default;

	Device &device_;
	nova_svc_file *const svc_file_;
	GemFileAccount gem_;
};

} // namespace nova

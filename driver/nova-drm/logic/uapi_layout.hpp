// SPDX-License-Identifier: GPL-2.0
//
// Compile-time pins of the uAPI layout, C++ side (the C glue pins the same
// facts in nova_uapi_layout.h). A layout change breaks the build here before
// it can break a user.
#pragma once

#include <stddef.h>
#include "uapi/nova_drm.h"

#define NOVA_PIN_FIELD(type, field, offset, size)                   \
	static_assert(offsetof(type, field) == (offset), #type "." #field " moved"); \
	static_assert(sizeof(((type *)nullptr)->field) == (size), #type "." #field " resized")

static_assert(sizeof(drm_nova_getparam) == 16 && alignof(drm_nova_getparam) == 8);
NOVA_PIN_FIELD(drm_nova_getparam, param, 0, 8);
NOVA_PIN_FIELD(drm_nova_getparam, value, 8, 8);

static_assert(sizeof(drm_nova_gem_create) == 16 && alignof(drm_nova_gem_create) == 8);
NOVA_PIN_FIELD(drm_nova_gem_create, handle, 0, 4);
NOVA_PIN_FIELD(drm_nova_gem_create, pad, 4, 4);
NOVA_PIN_FIELD(drm_nova_gem_create, size, 8, 8);

static_assert(sizeof(drm_nova_gem_info) == 16 && alignof(drm_nova_gem_info) == 8);
NOVA_PIN_FIELD(drm_nova_gem_info, handle, 0, 4);
NOVA_PIN_FIELD(drm_nova_gem_info, pad, 4, 4);
NOVA_PIN_FIELD(drm_nova_gem_info, size, 8, 8);

static_assert(sizeof(drm_nova_gem_mmap_offset) == 16 && alignof(drm_nova_gem_mmap_offset) == 8);
NOVA_PIN_FIELD(drm_nova_gem_mmap_offset, handle, 0, 4);
NOVA_PIN_FIELD(drm_nova_gem_mmap_offset, flags, 4, 4);
NOVA_PIN_FIELD(drm_nova_gem_mmap_offset, offset, 8, 8);

static_assert(sizeof(drm_nova_vm_bind_op) == 40 && alignof(drm_nova_vm_bind_op) == 8);
NOVA_PIN_FIELD(drm_nova_vm_bind_op, op, 0, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind_op, flags, 4, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind_op, handle, 8, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind_op, pad, 12, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind_op, bo_offset, 16, 8);
NOVA_PIN_FIELD(drm_nova_vm_bind_op, va, 24, 8);
NOVA_PIN_FIELD(drm_nova_vm_bind_op, range, 32, 8);

static_assert(sizeof(drm_nova_vm_bind) == 48 && alignof(drm_nova_vm_bind) == 8);
NOVA_PIN_FIELD(drm_nova_vm_bind, vm_id, 0, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind, flags, 4, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind, op_count, 8, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind, op_stride, 12, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind, ops, 16, 8);
// uAPI version 5: asynchronous binds.
NOVA_PIN_FIELD(drm_nova_vm_bind, sync_count, 24, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind, syncs, 32, 8);
NOVA_PIN_FIELD(drm_nova_vm_bind, failed_op, 40, 4);
NOVA_PIN_FIELD(drm_nova_vm_bind, pad, 44, 4);

// uAPI version 4: queues and EXEC.
static_assert(sizeof(drm_nova_queue_create) == 16 && alignof(drm_nova_queue_create) == 4);
NOVA_PIN_FIELD(drm_nova_queue_create, priority, 4, 4);
NOVA_PIN_FIELD(drm_nova_queue_create, queue_id, 12, 4);
static_assert(sizeof(drm_nova_queue_destroy) == 8 && alignof(drm_nova_queue_destroy) == 4);
static_assert(sizeof(drm_nova_exec_cmdbuf) == 16 && alignof(drm_nova_exec_cmdbuf) == 8);
NOVA_PIN_FIELD(drm_nova_exec_cmdbuf, size, 8, 8);
static_assert(sizeof(drm_nova_sync) == 16 && alignof(drm_nova_sync) == 8);
NOVA_PIN_FIELD(drm_nova_sync, flags, 4, 4);
NOVA_PIN_FIELD(drm_nova_sync, point, 8, 8);
static_assert(sizeof(drm_nova_exec) == 48 && alignof(drm_nova_exec) == 8);
NOVA_PIN_FIELD(drm_nova_exec, cmdbufs, 16, 8);
NOVA_PIN_FIELD(drm_nova_exec, sync_count, 24, 4);
NOVA_PIN_FIELD(drm_nova_exec, syncs, 32, 8);
NOVA_PIN_FIELD(drm_nova_exec, seqno, 40, 8);
static_assert(sizeof(drm_nova_queue_get_state) == 56 && alignof(drm_nova_queue_get_state) == 8);
NOVA_PIN_FIELD(drm_nova_queue_get_state, fault_va, 24, 8);
NOVA_PIN_FIELD(drm_nova_queue_get_state, completed, 48, 8);

// The full request values: direction, size, type 'd' and number.
static_assert(DRM_IOCTL_NOVA_GETPARAM == 0xc0106440u);
static_assert(DRM_IOCTL_NOVA_GEM_CREATE == 0xc0106441u);
static_assert(DRM_IOCTL_NOVA_GEM_INFO == 0xc0106442u);
static_assert(DRM_IOCTL_NOVA_VM_BIND == 0xc0306443u);
static_assert(DRM_IOCTL_NOVA_GEM_MMAP_OFFSET == 0xc0106444u);
static_assert(DRM_IOCTL_NOVA_QUEUE_CREATE == 0xc0106445u);
static_assert(DRM_IOCTL_NOVA_QUEUE_DESTROY == 0x40086446u);
static_assert(DRM_IOCTL_NOVA_EXEC == 0xc0306447u);
static_assert(DRM_IOCTL_NOVA_QUEUE_GET_STATE == 0xc0386448u);

#undef NOVA_PIN_FIELD

// SPDX-License-Identifier: MIT
/*
 * Helpers of the igt tests that run jobs (nova_jobs.h): objects mapped for
 * both the CPU and the GPU, command streams, sync elements, EXEC and
 * syncobjs.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "nova_jobs.h"

int __nova_vm_bind_op(int fd, uint32_t op, uint32_t flags, uint32_t handle, uint64_t va,
		      uint64_t range)
{
	struct drm_nova_vm_bind_op bind = {
		.op = op, .flags = op == NOVA_VM_BIND_OP_MAP ? flags : 0,
		.handle = handle, .va = va, .range = range,
	};
	struct drm_nova_vm_bind args = {
		.op_count = 1, .op_stride = sizeof(bind), .ops = (uintptr_t)&bind,
	};

	return __nova_ioctl_vm_bind(fd, &args);
}

struct nova_bo nova_bo_new(int fd, uint64_t size, uint64_t va, uint32_t flags)
{
	struct nova_bo bo = { .size = size, .va = va };

	bo.handle = nova_gem_create(fd, bo.size);
	bo.map = nova_gem_mmap(fd, bo.handle, bo.size, PROT_READ | PROT_WRITE);
	memset(bo.map, 0, bo.size);
	igt_assert_eq(__nova_vm_bind_op(fd, NOVA_VM_BIND_OP_MAP, flags, bo.handle, bo.va, bo.size),
		      0);
	return bo;
}

void nova_bo_free(int fd, struct nova_bo *bo)
{
	igt_assert_eq(__nova_vm_bind_op(fd, NOVA_VM_BIND_OP_UNMAP, 0, 0, bo->va, bo->size), 0);
	munmap(bo->map, bo->size);
	gem_close(fd, bo->handle);
}

volatile uint64_t *nova_bo_qword(struct nova_bo *bo, uint64_t offset)
{
	return (volatile uint64_t *)((char *)bo->map + offset);
}

volatile uint32_t *nova_bo_dword(struct nova_bo *bo, uint64_t offset)
{
	return (volatile uint32_t *)((char *)bo->map + offset);
}

void nova_cs_init(struct nova_cs *cs, struct nova_bo *bo)
{
	cs->bo = bo;
	cs->q = bo->map;
	cs->start = 0;
	cs->n = 0;
}

void nova_cs_emit(struct nova_cs *cs, uint64_t value)
{
	igt_assert_lt_u64((uint64_t)(cs->n + 1) * 8, cs->bo->size + 1);
	cs->q[cs->n++] = value;
}

void nova_cs_begin(struct nova_cs *cs)
{
	cs->start = cs->n;
}

struct drm_nova_exec_cmdbuf nova_cs_end(struct nova_cs *cs)
{
	return (struct drm_nova_exec_cmdbuf){
		.va = cs->bo->va + (uint64_t)cs->start * 8,
		.size = (uint64_t)(cs->n - cs->start) * 8,
	};
}

void nova_cs_store64(struct nova_cs *cs, uint64_t va, uint64_t value)
{
	nova_cs_emit(cs, NOVA_CMD_HEADER(NOVA_CMD_STORE64, 0, 0));
	nova_cs_emit(cs, va);
	nova_cs_emit(cs, value);
}

void nova_cs_store32(struct nova_cs *cs, uint64_t va, uint32_t value)
{
	nova_cs_emit(cs, NOVA_CMD_HEADER(NOVA_CMD_STORE32, 0, value));
	nova_cs_emit(cs, va);
}

void nova_cs_fill(struct nova_cs *cs, uint64_t va, uint64_t size, uint32_t pattern)
{
	nova_cs_emit(cs, NOVA_CMD_HEADER(NOVA_CMD_FILL, 0, pattern));
	nova_cs_emit(cs, va);
	nova_cs_emit(cs, size);
}

void nova_cs_copy(struct nova_cs *cs, uint64_t dst, uint64_t src, uint64_t size)
{
	nova_cs_emit(cs, NOVA_CMD_HEADER(NOVA_CMD_COPY, 0, 0));
	nova_cs_emit(cs, dst);
	nova_cs_emit(cs, src);
	nova_cs_emit(cs, size);
}

void nova_cs_wait32(struct nova_cs *cs, uint64_t va, uint32_t value)
{
	nova_cs_emit(cs, NOVA_CMD_HEADER(NOVA_CMD_WAIT, 0, 0));
	nova_cs_emit(cs, va);
	nova_cs_emit(cs, value);
}

void nova_cs_wait64_eq(struct nova_cs *cs, uint64_t va, uint64_t value)
{
	nova_cs_emit(cs, NOVA_CMD_HEADER(NOVA_CMD_WAIT, NOVA_CMD_WAIT_64BIT | NOVA_CMD_WAIT_EQUAL,
					 0));
	nova_cs_emit(cs, va);
	nova_cs_emit(cs, value);
}

struct drm_nova_sync nova_sync_wait(uint32_t handle)
{
	return (struct drm_nova_sync){ .handle = handle, .flags = NOVA_SYNC_WAIT };
}

struct drm_nova_sync nova_sync_signal(uint32_t handle)
{
	return (struct drm_nova_sync){ .handle = handle, .flags = NOVA_SYNC_SIGNAL };
}

struct drm_nova_sync nova_sync_point(uint32_t handle, uint32_t flags, uint64_t point)
{
	return (struct drm_nova_sync){
		.handle = handle, .flags = flags | NOVA_SYNC_TIMELINE, .point = point,
	};
}

int __nova_exec(int fd, uint32_t queue, const struct drm_nova_exec_cmdbuf *bufs, uint32_t nbufs,
		const struct drm_nova_sync *syncs, uint32_t nsyncs, uint64_t *seqno)
{
	struct drm_nova_exec args = {
		.queue_id = queue,
		.cmdbuf_count = nbufs,
		.cmdbuf_stride = sizeof(*bufs),
		.cmdbufs = (uintptr_t)bufs,
		.sync_count = nsyncs,
		.sync_stride = sizeof(*syncs),
		.syncs = (uintptr_t)syncs,
	};
	int ret = __nova_ioctl_exec(fd, &args);

	if (ret == 0 && seqno)
		*seqno = args.seqno;
	return ret;
}

uint64_t nova_exec(int fd, uint32_t queue, const struct drm_nova_exec_cmdbuf *bufs,
		   uint32_t nbufs, const struct drm_nova_sync *syncs, uint32_t nsyncs)
{
	uint64_t seqno = 0;

	igt_assert_eq(__nova_exec(fd, queue, bufs, nbufs, syncs, nsyncs, &seqno), 0);
	igt_assert_neq_u64(seqno, 0);
	return seqno;
}

uint64_t nova_exec1(int fd, uint32_t queue, struct drm_nova_exec_cmdbuf buf, uint32_t out)
{
	struct drm_nova_sync sync = nova_sync_signal(out);

	return nova_exec(fd, queue, &buf, 1, &sync, out ? 1 : 0);
}

uint32_t nova_syncobj_create(int fd, uint32_t flags)
{
	uint32_t handle = 0;

	igt_assert_eq(drmSyncobjCreate(fd, flags, &handle), 0);
	return handle;
}

int64_t nova_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void nova_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int nova_syncobj_wait_ms(int fd, uint32_t handle, int64_t ms)
{
	int ret = drmSyncobjWait(fd, &handle, 1, nova_now_ns() + ms * 1000000, 0, NULL);

	return ret ? -errno : 0;
}

int nova_syncobj_status(int fd, uint32_t handle)
{
	struct sync_file_info info;
	int sync_file = -1;

	igt_assert_eq(drmSyncobjExportSyncFile(fd, handle, &sync_file), 0);
	memset(&info, 0, sizeof(info));
	igt_assert_eq(ioctl(sync_file, SYNC_IOC_FILE_INFO, &info), 0);
	close(sync_file);
	return info.status;
}

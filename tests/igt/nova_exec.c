// SPDX-License-Identifier: MIT
/*
 * nova_exec: queues, EXEC and the command engine (uAPI version 4) against
 * what driver/uapi/nova_drm.h and Documentation/exec.rst document: what
 * jobs write, seen through CPU mappings of the objects; order within a
 * queue and independence across queues; binary and timeline syncobjs; jobs
 * waiting for fences userspace controls (vgem's, sw_sync's); every kind of
 * fault with the errno on the job's fence, QUEUE_GET_STATE's record and the
 * lost queue; destroying a queue and closing a file with jobs pending; the
 * file's usage statistics in fdinfo. Skips below uAPI 4.
 *
 * Jobs are gated by semaphores in objects the test also maps on the CPU: a
 * NOVA_CMD_WAIT on a word the test writes holds a job on the engine until
 * the test lets it go, so "not yet" is observable without racing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/sync_file.h>
#include <xf86drm.h>

#include "nova_jobs.h"

IGT_TEST_DESCRIPTION("Queues, EXEC, syncobjs, faults and usage statistics of the nova driver");

/*
 * vgem's fence ioctls (drivers/gpu/drm/vgem/vgem_fence.c); libdrm ships no
 * vgem header. ATTACH adds an unsignalled fence to the object's
 * reservation (a write fence with VGEM_FENCE_WRITE), SIGNAL signals it.
 */
struct nova_vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};

struct nova_vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define NOVA_VGEM_FENCE_WRITE		0x1
#define NOVA_DRM_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct nova_vgem_fence_attach)
#define NOVA_DRM_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct nova_vgem_fence_signal)

/* sw_sync (drivers/dma-buf/sw_sync.c, CONFIG_SW_SYNC): a timeline per open. */
#define NOVA_SW_SYNC_PATH		"/sys/kernel/debug/sync/sw_sync"
struct nova_sw_sync_create_fence {
	uint32_t value;
	char name[32];
	int32_t fence;
};

#define NOVA_SW_SYNC_IOC_CREATE_FENCE	_IOWR('W', 0, struct nova_sw_sync_create_fence)
#define NOVA_SW_SYNC_IOC_INC		_IOW('W', 1, uint32_t)

/* File scope: see nova_basic.c. */
static int fd = -1;
static uint64_t va_start, unit, timeout_ms;

static uint64_t VA(uint64_t n)
{
	return va_start + n * unit;
}

/* An object of @units units mapped at VA(@at) with MAP @flags, and on the CPU. */
static struct nova_bo bo_new(int file, uint64_t units, uint64_t at, uint32_t flags)
{
	return nova_bo_new(file, units * unit, VA(at), flags);
}

/* Waits (a few seconds at most, TCG) for @handle's fence and returns its status. */
static int syncobj_result(int file, uint32_t handle)
{
	igt_assert_f(nova_syncobj_wait_ms(file, handle, timeout_ms + 5000) == 0,
		     "the job signalling syncobj %u did not end\n", handle);
	return nova_syncobj_status(file, handle);
}

/* Polls the CPU view of a word the engine writes, up to @ms. */
static bool wait_for_qword(volatile uint64_t *p, uint64_t value, unsigned int ms)
{
	for (unsigned int i = 0; i < ms; i++) {
		if (*p == value)
			return true;
		nova_sleep_ms(1);
	}
	return *p == value;
}

static const char *fault_name(uint32_t type)
{
	static const char *const names[] = {
		"none", "unmapped", "readonly", "noexec", "invalid-command", "timeout",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "?";
}

static void assert_active(int file, uint32_t queue)
{
	struct drm_nova_queue_get_state st;

	nova_queue_get_state(file, queue, &st);
	igt_assert_eq_u32(st.state, NOVA_QUEUE_STATE_ACTIVE);
	igt_assert_eq_u32(st.fault_type, NOVA_FAULT_NONE);
	igt_assert_eq_u64(st.fault_seqno, 0);
}

/* ---- basic ------------------------------------------------------------- */

static void test_basic(void)
{
	struct nova_bo cmd = bo_new(fd, 1, 0, 0), data = bo_new(fd, 4, 2, 0);
	uint32_t queue = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t out = nova_syncobj_create(fd, 0);
	uint64_t fill_size = 2 * unit, seqno;
	struct drm_nova_queue_get_state st;
	struct nova_cs cs;

	memset(data.map, 0x5a, data.size);
	nova_cs_init(&cs, &cmd);
	nova_cs_fill(&cs, data.va, fill_size, 0xc0ffee11);
	nova_cs_store64(&cs, data.va + fill_size, 0x0123456789abcdefull);
	nova_cs_store32(&cs, data.va + fill_size + 8, 0xfeedf00d);
	nova_cs_copy(&cs, data.va + fill_size + 64, data.va + 12, 20);
	nova_cs_emit(&cs, NOVA_CMD_HEADER(NOVA_CMD_NOP, 0, 0));
	nova_cs_emit(&cs, NOVA_CMD_HEADER(NOVA_CMD_TIMESTAMP, 0, 0));
	nova_cs_emit(&cs, data.va + fill_size + 128);
	seqno = nova_exec1(fd, queue, nova_cs_end(&cs), out);
	igt_assert_eq_u64(seqno, 1);

	igt_assert_eq(syncobj_result(fd, out), 1);
	for (uint64_t i = 0; i < fill_size / 4; i++)
		igt_assert_f(*nova_bo_dword(&data, i * 4) == 0xc0ffee11, "fill: dword %llu is %#x\n",
			     (unsigned long long)i, *nova_bo_dword(&data, i * 4));
	igt_assert_eq_u64(*nova_bo_qword(&data, fill_size), 0x0123456789abcdefull);
	igt_assert_eq_u32(*nova_bo_dword(&data, fill_size + 8), 0xfeedf00d);
	/* STORE32 writes 4 bytes, not 8. */
	igt_assert_eq_u32(*nova_bo_dword(&data, fill_size + 12), 0x5a5a5a5a);
	/* COPY of bytes 12..31 of the fill, at any alignment. */
	for (int i = 0; i < 20; i++)
		igt_assert_eq(((volatile uint8_t *)data.map)[fill_size + 64 + i],
			      (int)((0xc0ffee11u >> (8 * ((12 + i) % 4))) & 0xff));
	igt_assert_eq(((volatile uint8_t *)data.map)[fill_size + 84], 0x5a);
	igt_assert_neq_u64(*nova_bo_qword(&data, fill_size + 128), 0);
	/* Beyond what was written, nothing changed. */
	igt_assert(nova_memchk((char *)data.map + 3 * unit, 0x5a, unit));

	nova_queue_get_state(fd, queue, &st);
	igt_assert_eq_u32(st.state, NOVA_QUEUE_STATE_ACTIVE);
	igt_assert_eq_u64(st.submitted, 1);
	igt_assert_eq_u64(st.completed, 1);
	igt_assert_eq_u32(st.fault_type, NOVA_FAULT_NONE);

	drmSyncobjDestroy(fd, out);
	nova_queue_destroy(fd, queue);
	nova_bo_free(fd, &cmd);
	nova_bo_free(fd, &data);
}

/* A job of no command buffers only waits and signals. */
static void test_empty_job(void)
{
	uint32_t queue = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_LOW);
	uint32_t out = nova_syncobj_create(fd, 0);
	struct drm_nova_sync sync = nova_sync_signal(out);

	nova_exec(fd, queue, NULL, 0, &sync, 1);
	igt_assert_eq(syncobj_result(fd, out), 1);
	assert_active(fd, queue);
	drmSyncobjDestroy(fd, out);
	nova_queue_destroy(fd, queue);
}

/* ---- order and independence -------------------------------------------- */

#define ORDER_JOBS 24

/*
 * Job i waits until the shared word holds i - 1 (what job i - 1 left), then
 * stores i there and into its own slot: a job that ran early would wait
 * forever and time out.
 */
static void test_ordering(void)
{
	struct nova_bo cmd = bo_new(fd, 1, 0, 0), data = bo_new(fd, 1, 2, 0);
	uint32_t queue = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t out = nova_syncobj_create(fd, 0);
	struct drm_nova_queue_get_state st;
	uint64_t seqno[ORDER_JOBS];
	struct nova_cs cs;

	nova_cs_init(&cs, &cmd);
	for (uint64_t i = 0; i < ORDER_JOBS; i++) {
		nova_cs_begin(&cs);
		nova_cs_wait64_eq(&cs, data.va, i);
		nova_cs_store64(&cs, data.va, i + 1);
		nova_cs_store64(&cs, data.va + 8 * (i + 1), 0x1000 + i);
		seqno[i] = nova_exec1(fd, queue, nova_cs_end(&cs), i == ORDER_JOBS - 1 ? out : 0);
		igt_assert_eq_u64(seqno[i], i + 1);
	}
	igt_assert_eq(syncobj_result(fd, out), 1);
	igt_assert_eq_u64(*nova_bo_qword(&data, 0), ORDER_JOBS);
	for (uint64_t i = 0; i < ORDER_JOBS; i++)
		igt_assert_eq_u64(*nova_bo_qword(&data, 8 * (i + 1)), 0x1000 + i);
	nova_queue_get_state(fd, queue, &st);
	igt_assert_eq_u32(st.state, NOVA_QUEUE_STATE_ACTIVE);
	igt_assert_eq_u64(st.submitted, ORDER_JOBS);
	igt_assert_eq_u64(st.completed, ORDER_JOBS);

	drmSyncobjDestroy(fd, out);
	nova_queue_destroy(fd, queue);
	nova_bo_free(fd, &cmd);
	nova_bo_free(fd, &data);
}

/*
 * Queue A's job waits for a semaphore that queue B's job, submitted later,
 * releases: both complete, since queues never wait for each other.
 */
static void test_queues_independent(void)
{
	struct nova_bo cmd = bo_new(fd, 1, 0, 0), data = bo_new(fd, 1, 2, 0);
	uint32_t qa = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t qb = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_HIGH);
	uint32_t out_a = nova_syncobj_create(fd, 0), out_b = nova_syncobj_create(fd, 0);
	struct drm_nova_exec_cmdbuf a, b;
	struct nova_cs cs;

	nova_cs_init(&cs, &cmd);
	nova_cs_wait32(&cs, data.va, 1);
	nova_cs_store64(&cs, data.va + 8, 0xaaaa);
	a = nova_cs_end(&cs);
	nova_cs_begin(&cs);
	nova_cs_store64(&cs, data.va + 16, 0xbbbb);
	nova_cs_store32(&cs, data.va, 1);
	b = nova_cs_end(&cs);

	nova_exec1(fd, qa, a, out_a);
	/* A is stuck on its semaphore until B runs. */
	igt_assert_eq(nova_syncobj_wait_ms(fd, out_a, 50), -ETIME);
	igt_assert_eq_u64(*nova_bo_qword(&data, 8), 0);
	nova_exec1(fd, qb, b, out_b);
	igt_assert_eq(syncobj_result(fd, out_b), 1);
	igt_assert_eq(syncobj_result(fd, out_a), 1);
	igt_assert_eq_u64(*nova_bo_qword(&data, 8), 0xaaaa);
	igt_assert_eq_u64(*nova_bo_qword(&data, 16), 0xbbbb);
	assert_active(fd, qa);
	assert_active(fd, qb);

	drmSyncobjDestroy(fd, out_a);
	drmSyncobjDestroy(fd, out_b);
	nova_queue_destroy(fd, qa);
	nova_queue_destroy(fd, qb);
	nova_bo_free(fd, &cmd);
	nova_bo_free(fd, &data);
}

/* ---- syncobjs ---------------------------------------------------------- */

/*
 * The producer (queue A) waits for the CPU's go, then stores; the consumer
 * (queue B) waits for the producer's syncobj, then copies the stored value:
 * it has the value only if it ran after the producer.
 */
static void test_syncobj_binary(void)
{
	struct nova_bo cmd = bo_new(fd, 1, 0, 0), data = bo_new(fd, 1, 2, 0);
	uint32_t qa = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t qb = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t s = nova_syncobj_create(fd, 0), done = nova_syncobj_create(fd, 0);
	struct drm_nova_sync syncs[2];
	struct drm_nova_exec_cmdbuf prod, cons;
	struct nova_cs cs;

	nova_cs_init(&cs, &cmd);
	nova_cs_wait32(&cs, data.va, 1);
	nova_cs_store64(&cs, data.va + 8, 0x5151);
	prod = nova_cs_end(&cs);
	nova_cs_begin(&cs);
	nova_cs_copy(&cs, data.va + 16, data.va + 8, 8);
	cons = nova_cs_end(&cs);

	nova_exec1(fd, qa, prod, s);
	syncs[0] = nova_sync_wait(s);
	syncs[1] = nova_sync_signal(done);
	nova_exec(fd, qb, &cons, 1, syncs, 2);

	igt_assert_eq(nova_syncobj_wait_ms(fd, done, 100), -ETIME);
	igt_assert_eq(nova_syncobj_status(fd, s), 0);
	igt_assert_eq_u64(*nova_bo_qword(&data, 16), 0);
	*nova_bo_dword(&data, 0) = 1;
	igt_assert_eq(syncobj_result(fd, done), 1);
	igt_assert_eq(nova_syncobj_status(fd, s), 1);
	igt_assert_eq_u64(*nova_bo_qword(&data, 16), 0x5151);

	/* A signalled binary syncobj is waited for at once. */
	nova_cs_begin(&cs);
	nova_cs_store64(&cs, data.va + 24, 0x7777);
	cons = nova_cs_end(&cs);
	nova_exec(fd, qb, &cons, 1, syncs, 2);
	igt_assert_eq(syncobj_result(fd, done), 1);
	igt_assert_eq_u64(*nova_bo_qword(&data, 24), 0x7777);

	/* A syncobj without a fence cannot be waited for. */
	drmSyncobjReset(fd, &s, 1);
	igt_assert_eq(__nova_exec(fd, qb, &cons, 1, syncs, 2, NULL), -EINVAL);

	drmSyncobjDestroy(fd, s);
	drmSyncobjDestroy(fd, done);
	nova_queue_destroy(fd, qa);
	nova_queue_destroy(fd, qb);
	nova_bo_free(fd, &cmd);
	nova_bo_free(fd, &data);
}

/*
 * Timeline points 1 and 2 come from two jobs of queue A, both behind the
 * CPU's go; queue B's job waits for point 2.
 */
static void test_syncobj_timeline(void)
{
	struct nova_bo cmd = bo_new(fd, 1, 0, 0), data = bo_new(fd, 1, 2, 0);
	uint32_t qa = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t qb = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t tl = nova_syncobj_create(fd, 0), done = nova_syncobj_create(fd, 0);
	struct drm_nova_exec_cmdbuf j1, j2, cons;
	struct drm_nova_sync syncs[2];
	uint64_t point = 0, p2 = 2;
	struct nova_cs cs;

	nova_cs_init(&cs, &cmd);
	nova_cs_wait32(&cs, data.va, 1);
	nova_cs_store64(&cs, data.va + 8, 1);
	j1 = nova_cs_end(&cs);
	nova_cs_begin(&cs);
	nova_cs_store64(&cs, data.va + 8, 2);
	j2 = nova_cs_end(&cs);
	nova_cs_begin(&cs);
	nova_cs_copy(&cs, data.va + 16, data.va + 8, 8);
	cons = nova_cs_end(&cs);

	syncs[0] = nova_sync_point(tl, NOVA_SYNC_SIGNAL, 1);
	nova_exec(fd, qa, &j1, 1, syncs, 1);
	syncs[0] = nova_sync_point(tl, NOVA_SYNC_SIGNAL, 2);
	nova_exec(fd, qa, &j2, 1, syncs, 1);
	syncs[0] = nova_sync_point(tl, NOVA_SYNC_WAIT, 2);
	syncs[1] = nova_sync_signal(done);
	nova_exec(fd, qb, &cons, 1, syncs, 2);
	/* A point nobody submitted cannot be waited for. */
	syncs[0] = nova_sync_point(tl, NOVA_SYNC_WAIT, 3);
	igt_assert_eq(__nova_exec(fd, qb, &cons, 1, syncs, 1, NULL), -EINVAL);

	igt_assert_eq(drmSyncobjQuery(fd, &tl, &point, 1), 0);
	igt_assert_eq_u64(point, 0);
	igt_assert_eq(nova_syncobj_wait_ms(fd, done, 100), -ETIME);
	igt_assert_eq_u64(*nova_bo_qword(&data, 16), 0);
	*nova_bo_dword(&data, 0) = 1;
	igt_assert_eq(syncobj_result(fd, done), 1);
	igt_assert_eq(drmSyncobjTimelineWait(fd, &tl, &p2, 1, nova_now_ns() + 1000000000ll, 0, NULL),
		      0);
	igt_assert_eq(drmSyncobjQuery(fd, &tl, &point, 1), 0);
	igt_assert_eq_u64(point, 2);
	igt_assert_eq_u64(*nova_bo_qword(&data, 16), 2);

	drmSyncobjDestroy(fd, tl);
	drmSyncobjDestroy(fd, done);
	nova_queue_destroy(fd, qa);
	nova_queue_destroy(fd, qb);
	nova_bo_free(fd, &cmd);
	nova_bo_free(fd, &data);
}

/* ---- fences userspace controls ----------------------------------------- */

/* The primary node of the first DRM device whose driver is vgem, or -1. */
static int open_vgem(void)
{
	char path[64];

	for (int minor = 0; minor < 64; minor++) {
		drmVersionPtr version;
		bool vgem;
		int dev;

		snprintf(path, sizeof(path), "/dev/dri/card%d", minor);
		dev = open(path, O_RDWR | O_CLOEXEC);
		if (dev < 0)
			continue;
		version = drmGetVersion(dev);
		vgem = version && version->name && strcmp(version->name, "vgem") == 0;
		drmFreeVersion(version);
		if (vgem)
			return dev;
		close(dev);
	}
	return -1;
}

/*
 * A job waits on a syncobj holding an external fence, then stores: nothing
 * may be written before @signal_fence signals it.
 */
static void wait_external(int sync_file, void (*signal_fence)(void *), void *data_arg)
{
	struct nova_bo cmd = bo_new(fd, 1, 0, 0), data = bo_new(fd, 1, 2, 0);
	uint32_t queue = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t in = nova_syncobj_create(fd, 0), out = nova_syncobj_create(fd, 0);
	struct drm_nova_sync syncs[2] = { nova_sync_wait(in), nova_sync_signal(out) };
	struct drm_nova_exec_cmdbuf buf;
	struct nova_cs cs;

	igt_assert_eq(drmSyncobjImportSyncFile(fd, in, sync_file), 0);
	close(sync_file);
	igt_assert_eq(nova_syncobj_status(fd, in), 0);
	nova_cs_init(&cs, &cmd);
	nova_cs_store64(&cs, data.va, 0xabcd);
	buf = nova_cs_end(&cs);
	nova_exec(fd, queue, &buf, 1, syncs, 2);

	/* Longer than the job timeout: the watchdog counts from the start only. */
	igt_assert_eq(nova_syncobj_wait_ms(fd, out, timeout_ms + 200), -ETIME);
	igt_assert_eq_u64(*nova_bo_qword(&data, 0), 0);
	signal_fence(data_arg);
	igt_assert_eq(syncobj_result(fd, out), 1);
	igt_assert_eq_u64(*nova_bo_qword(&data, 0), 0xabcd);
	assert_active(fd, queue);

	drmSyncobjDestroy(fd, in);
	drmSyncobjDestroy(fd, out);
	nova_queue_destroy(fd, queue);
	nova_bo_free(fd, &cmd);
	nova_bo_free(fd, &data);
}

struct vgem_fence {
	int vgem;
	uint32_t fence;
};

static void vgem_signal(void *arg)
{
	struct vgem_fence *f = arg;
	struct nova_vgem_fence_signal sig = { .fence = f->fence };

	igt_assert_eq(__nova_ioctl(f->vgem, NOVA_DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig), 0);
}

/* vgem's fence on a vgem object, as a sync_file of its dma-buf's write fences. */
static int vgem_fence_sync_file(int vgem, struct vgem_fence *f, uint32_t *bo_handle)
{
	struct drm_mode_create_dumb create = { .width = 16, .height = 16, .bpp = 32 };
	struct nova_vgem_fence_attach attach = { .flags = NOVA_VGEM_FENCE_WRITE };
	struct dma_buf_export_sync_file exp = { .flags = DMA_BUF_SYNC_READ, .fd = -1 };
	int dmabuf = -1, ret;

	igt_assert_eq(__nova_ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &create), 0);
	*bo_handle = create.handle;
	attach.handle = create.handle;
	ret = __nova_ioctl(vgem, NOVA_DRM_IOCTL_VGEM_FENCE_ATTACH, &attach);
	igt_require_f(ret != -ENOTTY && ret != -EINVAL, "vgem has no fences (%d)\n", ret);
	igt_assert_eq(ret, 0);
	f->vgem = vgem;
	f->fence = attach.out_fence;
	igt_assert_eq(drmPrimeHandleToFD(vgem, create.handle, DRM_CLOEXEC, &dmabuf), 0);
	ret = ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &exp);
	igt_require_f(ret == 0 || errno != ENOTTY,
		      "no DMA_BUF_IOCTL_EXPORT_SYNC_FILE on this kernel\n");
	igt_assert_eq(ret, 0);
	close(dmabuf);
	return exp.fd;
}

static void test_wait_vgem(void)
{
	int vgem = open_vgem();
	struct vgem_fence f;
	uint32_t bo_handle;
	int sync_file;

	igt_require_f(vgem >= 0, "no vgem device: load the vgem module\n");
	sync_file = vgem_fence_sync_file(vgem, &f, &bo_handle);
	wait_external(sync_file, vgem_signal, &f);
	gem_close(vgem, bo_handle);
	close(vgem);
}

static void sw_sync_inc(void *arg)
{
	uint32_t one = 1;

	igt_assert_eq(ioctl(*(int *)arg, NOVA_SW_SYNC_IOC_INC, &one), 0);
}

static void test_wait_sw_sync(void)
{
	struct nova_sw_sync_create_fence create = { .value = 1, .name = "nova_exec" };
	int timeline = open(NOVA_SW_SYNC_PATH, O_RDWR | O_CLOEXEC);

	igt_require_f(timeline >= 0, "no %s (CONFIG_SW_SYNC, debugfs)\n", NOVA_SW_SYNC_PATH);
	igt_assert_eq(ioctl(timeline, NOVA_SW_SYNC_IOC_CREATE_FENCE, &create), 0);
	wait_external(create.fence, sw_sync_inc, &timeline);
	close(timeline);
}

/* ---- faults ------------------------------------------------------------ */

enum fault_case {
	UNMAPPED_WRITE,
	UNMAPPED_READ,
	UNMAPPED_FETCH,
	READONLY_WRITE,
	NOEXEC_FETCH,
	INVALID_OPCODE,
	RESERVED_BITS,
	TRUNCATED,
	TIMEOUT,
};

static const struct {
	const char *name;
	uint32_t type;
	uint32_t access;
	int error;
} fault_cases[] = {
	[UNMAPPED_WRITE] = { "unmapped-write", NOVA_FAULT_UNMAPPED, NOVA_ACCESS_WRITE, -EFAULT },
	[UNMAPPED_READ] = { "unmapped-read", NOVA_FAULT_UNMAPPED, NOVA_ACCESS_READ, -EFAULT },
	[UNMAPPED_FETCH] = { "unmapped-fetch", NOVA_FAULT_UNMAPPED, NOVA_ACCESS_EXEC, -EFAULT },
	[READONLY_WRITE] = { "readonly-write", NOVA_FAULT_READONLY, NOVA_ACCESS_WRITE, -EACCES },
	[NOEXEC_FETCH] = { "noexec-fetch", NOVA_FAULT_NOEXEC, NOVA_ACCESS_EXEC, -EACCES },
	[INVALID_OPCODE] = { "invalid-opcode", NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE,
			     -EILSEQ },
	[RESERVED_BITS] = { "reserved-bits", NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE,
			    -EILSEQ },
	[TRUNCATED] = { "truncated-command", NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE,
			-EILSEQ },
	[TIMEOUT] = { "timeout", NOVA_FAULT_TIMEOUT, NOVA_ACCESS_NONE, -ETIMEDOUT },
};

/*
 * Layout: commands at VA(0), data at VA(2), a read-only object at VA(4),
 * a no-exec object at VA(6), nothing at VA(8). The faulting job first
 * waits for the CPU's go (so that a second job is queued behind it), then
 * stores a marker, then faults; the command after the fault stores another.
 */
static void test_fault(enum fault_case c)
{
	struct nova_bo cmd = bo_new(fd, 1, 0, 0), data = bo_new(fd, 1, 2, 0);
	struct nova_bo ro = bo_new(fd, 1, 4, NOVA_VM_BIND_MAP_READONLY);
	struct nova_bo nx = bo_new(fd, 1, 6, NOVA_VM_BIND_MAP_NOEXEC);
	uint32_t queue = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t other = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t out = nova_syncobj_create(fd, 0), behind = nova_syncobj_create(fd, 0);
	uint32_t later = nova_syncobj_create(fd, 0);
	struct drm_nova_exec_cmdbuf bufs[2], after;
	struct drm_nova_queue_get_state st;
	struct drm_nova_sync sync = nova_sync_signal(out);
	uint64_t hole = VA(8), fault_va = 0, seqno;
	uint32_t nbufs = 1;
	int64_t t0, elapsed_ms;
	struct nova_cs cs, ncs;

	nova_cs_init(&cs, &cmd);
	nova_cs_wait32(&cs, data.va, 1);
	nova_cs_store64(&cs, data.va + 8, 0x1111);
	switch (c) {
	case UNMAPPED_WRITE:
		fault_va = hole + 64;
		nova_cs_store64(&cs, fault_va, 1);
		break;
	case UNMAPPED_READ:
		/* COPY's source is read before its destination is written. */
		fault_va = hole + 8;
		nova_cs_copy(&cs, data.va + 64, fault_va, 8);
		break;
	case UNMAPPED_FETCH:
		bufs[1] = (struct drm_nova_exec_cmdbuf){ .va = hole, .size = 16 };
		fault_va = hole;
		nbufs = 2;
		break;
	case READONLY_WRITE:
		fault_va = ro.va + 16;
		nova_cs_store32(&cs, fault_va, 1);
		break;
	case NOEXEC_FETCH:
		nova_cs_init(&ncs, &nx);
		nova_cs_store64(&ncs, data.va + 32, 1);
		bufs[1] = nova_cs_end(&ncs);
		fault_va = nx.va;
		nbufs = 2;
		break;
	case INVALID_OPCODE:
		fault_va = cmd.va + cs.n * 8;
		nova_cs_emit(&cs, NOVA_CMD_HEADER(0xee, 0, 0));
		break;
	case RESERVED_BITS:
		fault_va = cmd.va + cs.n * 8;
		nova_cs_emit(&cs, NOVA_CMD_HEADER(NOVA_CMD_NOP, 0, 0) | (1ull << 20));
		break;
	case TRUNCATED:
		break;
	case TIMEOUT:
		/* Never satisfied: the semaphore only ever holds 0 or 1. */
		nova_cs_wait32(&cs, data.va + 48, 2);
		break;
	}
	if (c == TRUNCATED) {
		/* A STORE64 whose value qword is past the end of the buffer. */
		nova_cs_store64(&cs, data.va + 40, 1);
		bufs[0] = nova_cs_end(&cs);
		bufs[0].size -= 8;
		fault_va = bufs[0].va + bufs[0].size - 16;
	} else {
		/* Past the fault; with a second buffer, the fault is in that one. */
		if (nbufs == 1)
			nova_cs_store64(&cs, data.va + 16, 0x2222);
		bufs[0] = nova_cs_end(&cs);
	}
	nova_cs_begin(&cs);
	nova_cs_store64(&cs, data.va + 24, 0x3333);
	after = nova_cs_end(&cs);

	/* The watchdog counts from the job's start, a little after EXEC. */
	t0 = nova_now_ns();
	seqno = nova_exec(fd, queue, bufs, nbufs, &sync, 1);
	/* Queued behind the faulting job, which waits for the go. */
	nova_exec1(fd, queue, after, behind);
	*nova_bo_dword(&data, 0) = 1;

	igt_assert_eq(syncobj_result(fd, out), fault_cases[c].error);
	elapsed_ms = (nova_now_ns() - t0) / 1000000;
	igt_assert_eq(syncobj_result(fd, behind), -ECANCELED);
	igt_assert_eq_u64(*nova_bo_qword(&data, 8), 0x1111);
	igt_assert_eq_u64(*nova_bo_qword(&data, 16), 0);	/* nothing after the fault ran */
	igt_assert_eq_u64(*nova_bo_qword(&data, 24), 0);	/* nor the job behind */
	igt_assert_eq_u64(*nova_bo_qword(&data, 32), 0);
	igt_assert_eq_u64(*nova_bo_qword(&data, 40), 0);
	igt_assert(nova_memchk(ro.map, 0, ro.size));

	nova_queue_get_state(fd, queue, &st);
	igt_assert_eq_u32(st.state, NOVA_QUEUE_STATE_LOST);
	igt_assert_f(st.fault_type == fault_cases[c].type, "fault type %u (%s), expected %s\n",
		     st.fault_type, fault_name(st.fault_type), fault_name(fault_cases[c].type));
	igt_assert_eq_u32(st.fault_access, fault_cases[c].access);
	igt_assert_eq_u64(st.fault_va, c == TIMEOUT ? 0 : fault_va);
	igt_assert_eq_u64(st.fault_seqno, seqno);
	igt_assert_eq_u64(st.submitted, seqno + 1);
	igt_assert_eq_u64(st.completed, seqno + 1);
	igt_assert_eq_u32(st.pad, 0);
	if (c == TIMEOUT) {
		igt_info("watchdog ended the job after %lld ms (job_timeout_ms %llu)\n",
			 (long long)elapsed_ms, (unsigned long long)timeout_ms);
		igt_assert_lte_u64(timeout_ms, (uint64_t)elapsed_ms + 5);
		igt_assert_lte_u64((uint64_t)elapsed_ms, timeout_ms + 4000);
	}

	/* The lost queue takes no more jobs; another queue goes on. */
	igt_assert_eq(__nova_exec(fd, queue, &after, 1, NULL, 0, NULL), -EIO);
	nova_exec1(fd, other, after, later);
	igt_assert_eq(syncobj_result(fd, later), 1);
	igt_assert_eq_u64(*nova_bo_qword(&data, 24), 0x3333);
	assert_active(fd, other);
	/* The first fault is kept. */
	nova_queue_get_state(fd, queue, &st);
	igt_assert_eq_u64(st.fault_seqno, seqno);

	/* A lost queue is destroyed like any other, and a new one starts clean. */
	nova_queue_destroy(fd, queue);
	queue = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	assert_active(fd, queue);
	nova_exec1(fd, queue, after, later);
	igt_assert_eq(syncobj_result(fd, later), 1);

	drmSyncobjDestroy(fd, out);
	drmSyncobjDestroy(fd, behind);
	drmSyncobjDestroy(fd, later);
	nova_queue_destroy(fd, queue);
	nova_queue_destroy(fd, other);
	nova_bo_free(fd, &cmd);
	nova_bo_free(fd, &data);
	nova_bo_free(fd, &ro);
	nova_bo_free(fd, &nx);
}

/* ---- jobs pending at destroy and close --------------------------------- */

/*
 * On @file: a running job (it stored its marker and waits for a
 * semaphore nobody releases), a job queued behind it, and, with vgem, a
 * job waiting for a vgem fence nobody signals. Returns sync_files of their
 * fences (so they outlive the file), -1 for a missing one.
 */
static void pending_jobs(int file, uint32_t queue, int sync_files[3], int *vgem_out,
			 uint32_t *vgem_bo, uint32_t *queue2)
{
	struct nova_bo cmd = bo_new(file, 1, 0, 0), data = bo_new(file, 1, 2, 0);
	uint32_t out[3] = {
		nova_syncobj_create(file, 0), nova_syncobj_create(file, 0),
		nova_syncobj_create(file, 0),
	};
	struct drm_nova_exec_cmdbuf run, next;
	int vgem = open_vgem();
	struct nova_cs cs;

	nova_cs_init(&cs, &cmd);
	nova_cs_store64(&cs, data.va, 0x600d);
	nova_cs_wait32(&cs, data.va + 8, 1);
	run = nova_cs_end(&cs);
	nova_cs_begin(&cs);
	nova_cs_store64(&cs, data.va + 16, 1);
	next = nova_cs_end(&cs);

	nova_exec1(file, queue, run, out[0]);
	nova_exec1(file, queue, next, out[1]);
	sync_files[2] = -1;
	*vgem_out = -1;
	*queue2 = 0;
	if (vgem >= 0) {
		struct vgem_fence f;
		uint32_t in = nova_syncobj_create(file, 0);
		struct drm_nova_sync syncs[2] = { nova_sync_wait(in), nova_sync_signal(out[2]) };
		int sf = vgem_fence_sync_file(vgem, &f, vgem_bo);
		uint32_t q2 = nova_queue_create(file, NOVA_QUEUE_PRIORITY_NORMAL);

		igt_assert_eq(drmSyncobjImportSyncFile(file, in, sf), 0);
		close(sf);
		nova_exec(file, q2, &next, 1, syncs, 2);
		igt_assert_eq(drmSyncobjExportSyncFile(file, out[2], &sync_files[2]), 0);
		*vgem_out = vgem;
		*queue2 = q2;
	}
	igt_assert_f(wait_for_qword(nova_bo_qword(&data, 0), 0x600d, 5000),
		     "the first job did not start\n");
	for (int i = 0; i < 2; i++)
		igt_assert_eq(drmSyncobjExportSyncFile(file, out[i], &sync_files[i]), 0);
	/*
	 * GPU mappings and objects stay for the caller's destroy or close to
	 * tear down; CPU mappings go, since they would keep the file open.
	 */
	munmap(cmd.map, cmd.size);
	munmap(data.map, data.size);
}

static int sync_file_status(int sync_file)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	igt_assert_eq(ioctl(sync_file, SYNC_IOC_FILE_INFO, &info), 0);
	return info.status;
}

static void check_pending_ended(int sync_files[3], int64_t elapsed_ms)
{
	int st;

	igt_info("returned after %lld ms\n", (long long)elapsed_ms);
	/* Promptly: well before the watchdog would have ended the running job. */
	igt_assert_f((uint64_t)elapsed_ms < timeout_ms, "took %lld ms\n", (long long)elapsed_ms);
	igt_assert_eq(sync_file_status(sync_files[0]), -ECANCELED);
	st = sync_file_status(sync_files[1]);
	igt_assert_f(st == -ECANCELED || st == -ESRCH, "job behind: status %d\n", st);
	if (sync_files[2] >= 0) {
		igt_assert_eq(sync_file_status(sync_files[2]), -ESRCH);
		close(sync_files[2]);
	}
	close(sync_files[0]);
	close(sync_files[1]);
}

static void test_destroy_pending(void)
{
	uint32_t queue = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t vgem_bo = 0, queue2;
	int sync_files[3], vgem;
	int64_t t0;

	pending_jobs(fd, queue, sync_files, &vgem, &vgem_bo, &queue2);
	t0 = nova_now_ns();
	nova_queue_destroy(fd, queue);
	if (queue2)
		nova_queue_destroy(fd, queue2);
	check_pending_ended(sync_files, (nova_now_ns() - t0) / 1000000);
	igt_assert_eq(__nova_queue_destroy(fd, queue), -ENOENT);
	if (vgem >= 0) {
		gem_close(vgem, vgem_bo);
		close(vgem);
	}
}

static void test_close_pending(void)
{
	int file = nova_open_render();
	uint32_t queue = nova_queue_create(file, NOVA_QUEUE_PRIORITY_HIGH);
	uint32_t vgem_bo = 0, queue2;
	int sync_files[3], vgem;
	int64_t t0;

	pending_jobs(file, queue, sync_files, &vgem, &vgem_bo, &queue2);
	t0 = nova_now_ns();
	close(file);
	check_pending_ended(sync_files, (nova_now_ns() - t0) / 1000000);
	if (vgem >= 0) {
		gem_close(vgem, vgem_bo);
		close(vgem);
	}
}

/*
 * A job's fence outlives its queue: a sync_file of it, taken before
 * QUEUE_DESTROY, must still describe the fence (SYNC_IOC_FILE_INFO asks the
 * fence for its driver's and timeline's names) once the queue's memory has
 * been reused by other queues.
 */
static void read_fence_info(int sync_file, struct sync_file_info *info,
			    struct sync_fence_info *fence_info)
{
	memset(info, 0, sizeof(*info));
	memset(fence_info, 0, sizeof(*fence_info));
	info->num_fences = 1;
	info->sync_fence_info = (uintptr_t)fence_info;
	igt_assert_eq(ioctl(sync_file, SYNC_IOC_FILE_INFO, info), 0);
}

#define FENCE_TARGETS 4

static void test_fence_outlives_queue(void)
{
	struct nova_bo cmd = bo_new(fd, 1, 0, 0), data = bo_new(fd, 1, 2, 0);
	uint64_t max_bufs = nova_getparam(fd, NOVA_GETPARAM_EXEC_MAX_CMDBUFS);
	uint64_t max_jobs = nova_getparam(fd, NOVA_GETPARAM_QUEUE_MAX_JOBS);
	struct drm_nova_exec_cmdbuf *bufs = calloc(max_bufs, sizeof(*bufs));
	struct drm_nova_exec_cmdbuf store, gate, nop;
	int sync_files[FENCE_TARGETS];
	uint32_t targets[FENCE_TARGETS], ids[64];
	unsigned int nq = 0, used = 0;
	struct nova_cs cs;

	igt_assert(bufs);
	igt_assert_lt_u64(2, max_jobs);
	nova_cs_init(&cs, &cmd);
	nova_cs_store64(&cs, data.va, 1);
	store = nova_cs_end(&cs);
	nova_cs_begin(&cs);
	nova_cs_wait32(&cs, data.va + 64, 1);
	gate = nova_cs_end(&cs);
	nova_cs_begin(&cs);
	nova_cs_emit(&cs, NOVA_CMD_HEADER(NOVA_CMD_NOP, 0, 0));
	nop = nova_cs_end(&cs);
	for (uint64_t i = 0; i < max_bufs; i++)
		bufs[i] = nop;

	/* Queues whose jobs' fences outlive them, in sync_files. */
	for (int t = 0; t < FENCE_TARGETS; t++) {
		uint32_t out = nova_syncobj_create(fd, 0);

		targets[t] = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
		nova_exec1(fd, targets[t], store, out);
		igt_assert_eq(syncobj_result(fd, out), 1);
		igt_assert_eq(drmSyncobjExportSyncFile(fd, out, &sync_files[t]), 0);
		drmSyncobjDestroy(fd, out);
	}
	/*
	 * The queues that reuse their memory come first, so that none of them
	 * takes a destroyed one's place: jobs of every size EXEC allocates (one
	 * command buffer more each, three rounds), held alive behind a job
	 * waiting for the CPU's go. Their buffers' addresses are what the
	 * kernel finds where a queue was.
	 */
	nq = (unsigned int)((3 * max_bufs + max_jobs - 3) / (max_jobs - 2));
	if (nq > ARRAY_SIZE(ids))
		nq = ARRAY_SIZE(ids);
	for (unsigned int i = 0; i < nq; i++) {
		ids[i] = nova_queue_create(fd, NOVA_QUEUE_PRIORITY_NORMAL);
		nova_exec(fd, ids[i], &gate, 1, NULL, 0);
	}
	for (int t = 0; t < FENCE_TARGETS; t++)
		nova_queue_destroy(fd, targets[t]);
	for (uint64_t k = 0, q = 0; k < 3 * max_bufs && q < nq; k++) {
		nova_exec(fd, ids[q], bufs, (uint32_t)(k % max_bufs) + 1, NULL, 0);
		if (++used == max_jobs - 2) {
			used = 0;
			q++;
		}
	}
	igt_info("%u queues hold jobs of 1 to %llu command buffers\n", nq,
		 (unsigned long long)max_bufs);

	for (int t = 0; t < FENCE_TARGETS; t++) {
		struct sync_fence_info fence_info;
		struct sync_file_info info;

		read_fence_info(sync_files[t], &info, &fence_info);
		close(sync_files[t]);
		igt_info("fence of destroyed queue %u: driver \"%.32s\", timeline \"%.32s\", "
			 "status %d\n", targets[t], fence_info.driver_name, fence_info.obj_name,
			 fence_info.status);
		igt_assert_eq(fence_info.status, 1);
		igt_assert_f(strcmp(fence_info.obj_name, NOVA_DRIVER_NAME) == 0,
			     "the fence's timeline name is \"%.32s\", not \"nova\": read through "
			     "freed memory?\n", fence_info.obj_name);
	}
	*nova_bo_dword(&data, 64) = 1;
	for (unsigned int i = 0; i < nq; i++)
		nova_queue_destroy(fd, ids[i]);
	free(bufs);
	nova_bo_free(fd, &cmd);
	nova_bo_free(fd, &data);
}

/* ---- fdinfo ------------------------------------------------------------ */

/* The value of the drm-engine-render key in @file's fdinfo, in ns, or -1. */
static int64_t fdinfo_engine_ns(int file)
{
	char path[64], line[256];
	long long ns = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", file);
	f = fopen(path, "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "drm-engine-render: %lld ns", &ns) == 1)
			break;
	fclose(f);
	return ns;
}

/* Runs a job that keeps the engine busy for a while (FILLs of an object). */
static void busy_job(int file)
{
	struct nova_bo cmd = bo_new(file, 1, 0, 0), data = bo_new(file, 16, 2, 0);
	uint32_t queue = nova_queue_create(file, NOVA_QUEUE_PRIORITY_NORMAL);
	uint32_t out = nova_syncobj_create(file, 0);
	struct nova_cs cs;

	nova_cs_init(&cs, &cmd);
	for (int i = 0; i < 8; i++)
		nova_cs_fill(&cs, data.va, data.size, 0x01010101u * i);
	nova_exec1(file, queue, nova_cs_end(&cs), out);
	igt_assert_eq(syncobj_result(file, out), 1);
	drmSyncobjDestroy(file, out);
	nova_queue_destroy(file, queue);
	nova_bo_free(file, &cmd);
	nova_bo_free(file, &data);
}

static void test_fdinfo_client(void)
{
	struct drm_client_fdinfo a, b;
	int other = nova_open_render();

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	igt_parse_drm_fdinfo(fd, &a);
	igt_parse_drm_fdinfo(other, &b);
	igt_assert_f(strcmp(a.driver, NOVA_DRIVER_NAME) == 0, "drm-driver \"%s\"\n", a.driver);
	igt_assert_f(strcmp(b.driver, NOVA_DRIVER_NAME) == 0, "drm-driver \"%s\"\n", b.driver);
	igt_assert_neq_u64(a.id, b.id);
	/* A file's id stays, and a new file gets a new one. */
	memset(&b, 0, sizeof(b));
	igt_parse_drm_fdinfo(fd, &b);
	igt_assert_eq_u64(a.id, b.id);
	close(other);
	other = nova_open_render();
	memset(&b, 0, sizeof(b));
	igt_parse_drm_fdinfo(other, &b);
	igt_assert_neq_u64(a.id, b.id);
	close(other);
}

static void test_fdinfo_engine(void)
{
	int file = nova_open_render();
	struct drm_client_fdinfo before, after;
	int64_t raw_before = fdinfo_engine_ns(file), raw_after;
	unsigned int keys;

	igt_assert_f(raw_before == 0, "drm-engine-render of a new file: %lld\n",
		     (long long)raw_before);
	memset(&before, 0, sizeof(before));
	keys = igt_parse_drm_fdinfo(file, &before);
	busy_job(file);
	raw_after = fdinfo_engine_ns(file);
	igt_info("drm-engine-render: %lld ns -> %lld ns\n", (long long)raw_before,
		 (long long)raw_after);
	igt_assert_lt_u64((uint64_t)raw_before, (uint64_t)raw_after);

	/* What igt's own parser (intel_gpu_top, gputop) makes of it. */
	igt_assert_f(keys > 0 && before.num_engines == 1,
		     "igt_parse_drm_fdinfo() found %u keys and %u engines (igt 1.27.1 "
		     "knows the engine names render, copy, video and video-enhance)\n",
		     keys, before.num_engines);
	memset(&after, 0, sizeof(after));
	igt_assert_lt(0, (int)igt_parse_drm_fdinfo(file, &after));
	igt_assert_eq_u32(after.num_engines, 1);
	igt_assert_lt_u64(before.busy[0], after.busy[0]);
	close(file);
}

igt_main
{
	igt_fixture {
		uint64_t version;

		fd = nova_open_render();
		version = nova_getparam(fd, NOVA_GETPARAM_UAPI_VERSION);
		igt_require_f(version >= 4, "uAPI version %llu has no EXEC\n",
			      (unsigned long long)version);
		va_start = nova_getparam(fd, NOVA_GETPARAM_VA_START);
		unit = nova_getparam(fd, NOVA_GETPARAM_VA_ALIGNMENT);
		if (unit < nova_getparam(fd, NOVA_GETPARAM_PAGE_SIZE))
			unit = nova_getparam(fd, NOVA_GETPARAM_PAGE_SIZE);
		timeout_ms = nova_getparam(fd, NOVA_GETPARAM_JOB_TIMEOUT_MS);
	}

	igt_describe("FILL, STORE64, STORE32, COPY, NOP and TIMESTAMP write what they say, "
		     "seen through a CPU mapping, and nothing else; the queue records the job.");
	igt_subtest("basic")
		test_basic();

	igt_describe("A job without command buffers only signals.");
	igt_subtest("empty-job")
		test_empty_job();

	igt_describe("The jobs of one queue run one after the other in EXEC order.");
	igt_subtest("ordering")
		test_ordering();

	igt_describe("Queues never wait for each other: a job waiting for a semaphore "
		     "another queue's later job releases completes.");
	igt_subtest("queues-independent")
		test_queues_independent();

	igt_describe("A job waiting for a binary syncobj starts only once the job "
		     "signalling it ended; a syncobj without a fence is -EINVAL.");
	igt_subtest("syncobj-binary")
		test_syncobj_binary();

	igt_describe("Jobs signal timeline points; a WAIT on a point starts after it; "
		     "a point not submitted is -EINVAL.");
	igt_subtest("syncobj-timeline")
		test_syncobj_timeline();

	igt_describe("A job waiting for a vgem fence (a dma-buf's sync_file in a "
		     "syncobj) does not run before the fence signals.");
	igt_subtest("wait-vgem-fence")
		test_wait_vgem();

	igt_describe("A job waiting for a sw_sync fence does not run before it signals.");
	igt_subtest("wait-sw-sync")
		test_wait_sw_sync();

	igt_describe("Each kind of fault ends the job with its errno on the fence, is "
		     "recorded by QUEUE_GET_STATE, cancels the job behind it and loses "
		     "the queue (EXEC -EIO); other queues go on.");
	igt_subtest_with_dynamic("fault") {
		for (volatile unsigned int c = 0; c < ARRAY_SIZE(fault_cases); c++)
			igt_dynamic(fault_cases[c].name) {
				/* A fresh file: a failed case leaves nothing to the next. */
				close(fd);
				fd = nova_open_render();
				test_fault((enum fault_case)c);
			}
	}

	igt_describe("QUEUE_DESTROY with a running job, one queued behind it and one "
		     "waiting for a fence nobody signals returns promptly; the fences "
		     "signal -ECANCELED and -ESRCH.");
	igt_subtest("destroy-pending")
		test_destroy_pending();

	igt_describe("Closing a file with jobs pending returns promptly and ends them.");
	igt_subtest("close-pending")
		test_close_pending();

	igt_describe("A job's fence, kept in a sync_file, still names its timeline after "
		     "its queue is destroyed and the queue's memory reused.");
	igt_subtest("fence-outlives-queue")
		test_fence_outlives_queue();

	igt_describe("fdinfo names the driver and a client id unique per file.");
	igt_subtest("fdinfo-client")
		test_fdinfo_client();

	igt_describe("fdinfo's engine busy time grows with a job, and igt's parser sees it.");
	igt_subtest("fdinfo-engine-busy")
		test_fdinfo_engine();

	igt_fixture
		close(fd);
}

// SPDX-License-Identifier: MIT
/*
 * exec rows (uAPI version 4): what submitting work to nova's command
 * engine costs, next to references measured in the same run.
 *
 * - An empty job's round trip, EXEC (no command buffer, one timeline
 *   signal) to the point signalled (DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT),
 *   against the DRM core's own signal-and-wait of a timeline point on the
 *   same device (drmSyncobjTimelineSignal + drmSyncobjTimelineWait): what
 *   nova's EXEC, scheduler and engine add to the syncobj machinery; and
 *   against a two-thread wake-up ping-pong through futexes in the same
 *   process: the floor of any "wake someone else and wait for the answer".
 * - Pipelined empty jobs: a chunk of EXECs with only the last one waited
 *   for, per job, against the same number of DRM core timeline signals and
 *   one wait (1e9 / the figure is jobs per second).
 * - An asynchronous VM_BIND behind an empty job (uAPI version 5): EXEC
 *   signals a point, a one-operation bind waits for it and signals its own,
 *   which is waited for; against the empty job's round trip alone in the
 *   same rounds, so the difference of the two is the latency from the
 *   bind's last wait signalling to the bind's signal.
 * - COPY and FILL of 4 KiB, 64 KiB and 2 MiB, one command per job and each
 *   job waited for, against the CPU's memcpy() / memset() of the same size
 *   on buffers of its own.
 *
 * EXEC goes through the raw ioctl so that only the kernel's cost shows;
 * libnova adds its queue's timeline signal, one more sync element.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xf86drm.h>
#include <nova/nova.h>

#include "nova_drm.h"
#include "rows.h"

struct exec_ctx {
	const char *prog;
	struct nova_device *dev;
	int fd;
	uint32_t queue_id;
	uint32_t timeline;	/* for nova's jobs */
	uint64_t point;
	uint32_t ref_timeline;	/* for the DRM core's reference */
	uint64_t ref_point;
	uint64_t ops;
	struct nova_exec_cmdbuf cmd;	/* size 0: an empty job */
	/* memcpy/memset reference */
	void *cpu_src, *cpu_dst;
	uint64_t size;
	int is_copy;
	uint64_t reps;	/* commands per job (bandwidth rows), else 1 */
	/* The bind behind each job: MAP and UNMAP of bind_va in turn. */
	uint32_t bind_timeline;
	uint64_t bind_point;
	uint32_t bind_handle;
	uint64_t bind_va, bind_range;
	int bind_mapped;
};

static int exec_one(struct exec_ctx *c, int signal)
{
	struct drm_nova_sync s = { .handle = c->timeline, .flags = NOVA_SYNC_SIGNAL |
				   NOVA_SYNC_TIMELINE, .point = c->point + 1 };
	struct drm_nova_exec e = {
		.queue_id = c->queue_id,
		.cmdbuf_count = c->cmd.size ? 1 : 0,
		.cmdbuf_stride = sizeof(struct drm_nova_exec_cmdbuf),
		.cmdbufs = (uintptr_t)&c->cmd,
		.sync_count = signal ? 1 : 0,
		.sync_stride = sizeof(s),
		.syncs = (uintptr_t)&s,
	};

	if (ioctl(c->fd, DRM_IOCTL_NOVA_EXEC, &e)) {
		fprintf(stderr, "%s: EXEC failed: %m\n", c->prog);
		return -1;
	}
	if (signal)
		c->point++;
	return 0;
}

static int wait_point(int fd, uint32_t handle, uint64_t point, const char *prog)
{
	if (drmSyncobjTimelineWait(fd, &handle, &point, 1, INT64_MAX, 0, NULL)) {
		fprintf(stderr, "%s: TIMELINE_WAIT failed: %m\n", prog);
		return -1;
	}
	return 0;
}

/* One job (empty, or c->cmd) submitted and waited for, per op. */
static double exec_round_trip(void *p)
{
	struct exec_ctx *c = p;
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops; i++) {
		if (exec_one(c, 1) || wait_point(c->fd, c->timeline, c->point, c->prog))
			return -1;
	}
	return (bench_now_ns() - start) / (double)(c->ops * c->reps);
}

static double syncobj_round_trip(void *p)
{
	struct exec_ctx *c = p;
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops; i++) {
		uint64_t point = ++c->ref_point;

		if (drmSyncobjTimelineSignal(c->fd, &c->ref_timeline, &point, 1)) {
			fprintf(stderr, "%s: TIMELINE_SIGNAL failed: %m\n", c->prog);
			return -1;
		}
		if (wait_point(c->fd, c->ref_timeline, point, c->prog))
			return -1;
	}
	return (bench_now_ns() - start) / (double)c->ops;
}

/* An asynchronous bind that waits for the last job's point and signals. */
static int bind_behind_job(struct exec_ctx *c)
{
	struct drm_nova_vm_bind_op op = {
		.op = c->bind_mapped ? NOVA_VM_BIND_OP_UNMAP : NOVA_VM_BIND_OP_MAP,
		.handle = c->bind_mapped ? 0 : c->bind_handle,
		.va = c->bind_va,
		.range = c->bind_range,
	};
	struct drm_nova_sync s[2] = {
		{ .handle = c->timeline, .flags = NOVA_SYNC_WAIT | NOVA_SYNC_TIMELINE,
		  .point = c->point },
		{ .handle = c->bind_timeline, .flags = NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE,
		  .point = c->bind_point + 1 },
	};
	struct drm_nova_vm_bind b = {
		.flags = NOVA_VM_BIND_ASYNC,
		.op_count = 1,
		.op_stride = sizeof(op),
		.ops = (uintptr_t)&op,
		.sync_count = 2,
		.sync_stride = sizeof(s[0]),
		.syncs = (uintptr_t)s,
	};

	if (ioctl(c->fd, DRM_IOCTL_NOVA_VM_BIND, &b)) {
		fprintf(stderr, "%s: asynchronous VM_BIND failed: %m\n", c->prog);
		return -1;
	}
	c->bind_point++;
	c->bind_mapped = !c->bind_mapped;
	return 0;
}

static double exec_then_bind(void *p)
{
	struct exec_ctx *c = p;
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops; i++) {
		if (exec_one(c, 1) || bind_behind_job(c) ||
		    wait_point(c->fd, c->bind_timeline, c->bind_point, c->prog))
			return -1;
	}
	return (bench_now_ns() - start) / (double)c->ops;
}

/* Only the chunk's last job signals, and only it is waited for. */
static double exec_pipelined(void *p)
{
	struct exec_ctx *c = p;
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops; i++) {
		if (exec_one(c, i == c->ops - 1))
			return -1;
	}
	if (wait_point(c->fd, c->timeline, c->point, c->prog))
		return -1;
	return (bench_now_ns() - start) / (double)c->ops;
}

static double syncobj_pipelined(void *p)
{
	struct exec_ctx *c = p;
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops; i++) {
		uint64_t point = ++c->ref_point;

		if (drmSyncobjTimelineSignal(c->fd, &c->ref_timeline, &point, 1)) {
			fprintf(stderr, "%s: TIMELINE_SIGNAL failed: %m\n", c->prog);
			return -1;
		}
	}
	if (wait_point(c->fd, c->ref_timeline, c->ref_point, c->prog))
		return -1;
	return (bench_now_ns() - start) / (double)c->ops;
}

static double cpu_round(void *p)
{
	struct exec_ctx *c = p;
	double start = bench_now_ns();
	uint64_t i;

	for (i = 0; i < c->ops * c->reps; i++) {
		if (c->is_copy)
			memcpy(c->cpu_dst, c->cpu_src, c->size);
		else
			memset(c->cpu_dst, (int)(i & 0xff), c->size);
		/* Keep the compiler from dropping or merging the writes. */
		__asm__ volatile("" : : "r"(c->cpu_dst) : "memory");
	}
	return (bench_now_ns() - start) / (double)(c->ops * c->reps);
}

/* --- the two-thread ping-pong ---------------------------------------------------- */

struct pingpong {
	uint32_t word;		/* odd: the helper's turn; even: the caller's */
	int stop;
	pthread_t thread;
	uint64_t ops;
};

static void futex_wait(uint32_t *addr, uint32_t val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(uint32_t *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *pingpong_helper(void *p)
{
	struct pingpong *pp = p;
	uint32_t v;

	for (;;) {
		while (!((v = __atomic_load_n(&pp->word, __ATOMIC_ACQUIRE)) & 1))
			futex_wait(&pp->word, v);
		if (__atomic_load_n(&pp->stop, __ATOMIC_ACQUIRE))
			return NULL;
		__atomic_store_n(&pp->word, v + 1, __ATOMIC_RELEASE);
		futex_wake(&pp->word);
	}
}

/* One op: wake the helper, sleep until it wakes us back. */
static double pingpong_round(void *p)
{
	struct pingpong *pp = p;
	double start = bench_now_ns();
	uint64_t i;
	uint32_t v;

	for (i = 0; i < pp->ops; i++) {
		v = __atomic_add_fetch(&pp->word, 1, __ATOMIC_ACQ_REL);
		futex_wake(&pp->word);
		while (__atomic_load_n(&pp->word, __ATOMIC_ACQUIRE) == v)
			futex_wait(&pp->word, v);
	}
	return (bench_now_ns() - start) / (double)pp->ops;
}

/* --- setup ------------------------------------------------------------------------- */

/* A buffer of @size mapped for the GPU at a heap VA; its VA. */
static int gpu_buffer(struct nova_device *dev, struct nova_vm *vm, uint64_t size,
		      struct nova_bo **bo, uint64_t *va)
{
	int ret = nova_bo_create(dev, size, bo);

	if (!ret)
		ret = nova_vm_va_alloc(vm, nova_bo_size(*bo), 0, va);
	if (!ret)
		ret = nova_vm_map(vm, *bo, 0, *va, nova_bo_size(*bo), 0);
	return ret;
}

/* The bind latency row; needs uAPI version 5. */
static int bind_row(struct bench_ctx *c, struct exec_ctx *e, struct nova_vm *vm)
{
	struct nova_bo *bo = NULL;
	int ret;

	if (nova_device_uapi_version(c->dev) < 5) {
		bench_report_skip(c->report, "exec", "uAPI version %llu: no asynchronous VM_BIND "
				  "(needs 5)", (unsigned long long)nova_device_uapi_version(c->dev));
		return 0;
	}
	e->bind_range = nova_vm_va_alignment(vm);
	ret = nova_bo_create(c->dev, e->bind_range, &bo);
	if (!ret)
		ret = nova_vm_va_alloc(vm, e->bind_range, 0, &e->bind_va);
	if (!ret && drmSyncobjCreate(e->fd, 0, &e->bind_timeline))
		ret = -errno;
	if (ret)
		goto out;
	e->bind_handle = nova_bo_handle(bo);
	e->ops = bench_ops(c, 2000);
	ret = bench_ab_row(c, "exec", "EXEC + async bind behind it, to bind signalled",
			   "empty job EXEC to signalled", "ns/op", e->ops, exec_then_bind, e,
			   exec_round_trip, e);
	/* The bind queue is drained: the last bind was waited for. */
	if (e->bind_mapped)
		nova_vm_unmap(vm, e->bind_va, e->bind_range);
	e->bind_mapped = 0;
out:
	if (e->bind_timeline)
		drmSyncobjDestroy(e->fd, e->bind_timeline);
	e->bind_timeline = 0;
	if (e->bind_va)
		nova_vm_va_free(vm, e->bind_va, e->bind_range);
	nova_bo_unref(bo);
	return ret;
}

static int size_rows(struct bench_ctx *c, struct exec_ctx *e, struct nova_vm *vm,
		     uint64_t size, const char *label)
{
	struct nova_bo *src = NULL, *dst = NULL;
	struct nova_cmdstream *cs = NULL;
	struct nova_cmdbuf *cb[2] = { NULL, NULL };
	uint64_t src_va = 0, dst_va = 0;
	/*
	 * 16 MiB of commands per job, so that the job's submission and
	 * completion, which the empty-job rows measure, do not hide the
	 * engine's bandwidth: the row is the time per command.
	 */
	uint64_t reps = (16ull << 20) / size;
	char name[64], ref[64];
	int ret, k;

	ret = gpu_buffer(c->dev, vm, size, &src, &src_va);
	if (!ret)
		ret = gpu_buffer(c->dev, vm, size, &dst, &dst_va);
	for (k = 0; !ret && k < 2; k++) {
		ret = nova_cmdstream_create(&cs);
		for (uint64_t r = 0; !ret && r < reps; r++)
			ret = k ? nova_cmdstream_emit_fill(cs, dst_va, size, 0x5a5a5a5a)
				: nova_cmdstream_emit_copy(cs, dst_va, src_va, size);
		if (!ret)
			ret = nova_cmdstream_upload(cs, c->dev, &cb[k]);
		nova_cmdstream_destroy(cs);
	}
	e->cpu_src = malloc(size);
	e->cpu_dst = malloc(size);
	if (!ret && (!e->cpu_src || !e->cpu_dst))
		ret = -ENOMEM;
	if (ret)
		goto out;
	memset(e->cpu_src, 1, size);
	memset(e->cpu_dst, 2, size);
	e->size = size;
	e->ops = bench_ops(c, 10);
	e->reps = reps;

	for (k = 0; !ret && k < 2; k++) {
		e->cmd.va = nova_cmdbuf_va(cb[k]);
		e->cmd.size = nova_cmdbuf_size(cb[k]);
		e->is_copy = !k;
		snprintf(name, sizeof(name), "%s %s (%llu per job)", k ? "FILL" : "COPY", label,
			 (unsigned long long)reps);
		snprintf(ref, sizeof(ref), "CPU %s() %s", k ? "memset" : "memcpy", label);
		ret = bench_ab_row(c, "exec", name, ref, "ns/op", e->ops, exec_round_trip, e,
				   cpu_round, e);
	}
out:
	e->cmd.size = 0;
	e->reps = 1;
	free(e->cpu_src);
	free(e->cpu_dst);
	nova_cmdbuf_destroy(cb[0]);
	nova_cmdbuf_destroy(cb[1]);
	if (src)
		nova_vm_unmap(vm, src_va, nova_bo_size(src));
	if (dst)
		nova_vm_unmap(vm, dst_va, nova_bo_size(dst));
	nova_bo_unref(src);
	nova_bo_unref(dst);
	return ret;
}

int bench_exec_rows(struct bench_ctx *c)
{
	struct drm_nova_queue_create qc = { .priority = NOVA_QUEUE_PRIORITY_NORMAL };
	struct exec_ctx e = { .prog = c->prog, .dev = c->dev, .fd = c->nova_fd, .reps = 1 };
	struct pingpong pp = { .ops = 0 };
	struct nova_vm *vm;
	int ret;

	if (nova_device_uapi_version(c->dev) < 4) {
		bench_report_skip(c->report, "exec", "uAPI version %llu: no EXEC (needs 4)",
				  (unsigned long long)nova_device_uapi_version(c->dev));
		return 0;
	}
	ret = nova_device_get_vm(c->dev, &vm);
	if (ret)
		return ret;
	if (ioctl(e.fd, DRM_IOCTL_NOVA_QUEUE_CREATE, &qc))
		return -errno;
	e.queue_id = qc.queue_id;
	if (drmSyncobjCreate(e.fd, 0, &e.timeline) || drmSyncobjCreate(e.fd, 0, &e.ref_timeline)) {
		ret = -errno;
		goto out;
	}

	e.ops = bench_ops(c, 2000);
	ret = bench_ab_row(c, "exec", "empty job EXEC to signalled",
			   "DRM core timeline signal + wait", "ns/op", e.ops,
			   exec_round_trip, &e, syncobj_round_trip, &e);
	if (ret)
		goto out;

	pp.ops = e.ops;
	ret = -pthread_create(&pp.thread, NULL, pingpong_helper, &pp);
	if (ret)
		goto out;
	ret = bench_ab_row(c, "exec", "empty job EXEC to signalled",
			   "two-thread futex wake-up ping-pong", "ns/op", e.ops,
			   exec_round_trip, &e, pingpong_round, &pp);
	__atomic_store_n(&pp.stop, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&pp.word, 1, __ATOMIC_ACQ_REL);
	futex_wake(&pp.word);
	pthread_join(pp.thread, NULL);
	if (ret)
		goto out;

	e.ops = bench_ops(c, 5000);
	ret = bench_ab_row(c, "exec", "pipelined empty jobs",
			   "DRM core timeline signals, one wait", "ns/job", e.ops,
			   exec_pipelined, &e, syncobj_pipelined, &e);
	if (!ret)
		ret = bind_row(c, &e, vm);
	if (!ret)
		ret = size_rows(c, &e, vm, 4 << 10, "4 KiB");
	if (!ret)
		ret = size_rows(c, &e, vm, 64 << 10, "64 KiB");
	if (!ret)
		ret = size_rows(c, &e, vm, 2 << 20, "2 MiB");
out:
	if (e.timeline)
		drmSyncobjDestroy(e.fd, e.timeline);
	if (e.ref_timeline)
		drmSyncobjDestroy(e.fd, e.ref_timeline);
	{
		struct drm_nova_queue_destroy qd = { .queue_id = e.queue_id };

		ioctl(e.fd, DRM_IOCTL_NOVA_QUEUE_DESTROY, &qd);
	}
	return ret;
}

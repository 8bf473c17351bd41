// SPDX-License-Identifier: MIT
/*
 * nova_vm_bind_async: asynchronous VM_BIND (uAPI version 5) against what
 * driver/uapi/nova_drm.h documents for struct drm_nova_vm_bind: binds take
 * effect in call order after their waits, ordered against EXECs through
 * syncobjs (binary and timeline points), @failed_op names the failing
 * operation, a batch that hits the mapping limit when it is applied applies
 * nothing and signals -ENOSPC, a synchronous bind waits for the pending
 * ones, closing the file drops what is pending, 24-byte callers of uAPI 4
 * still work, and SYNC_ONLY operations only wait and signal. Skips below
 * uAPI 5. The single-input errors are rows of Documentation/uapi-errors.csv
 * (nova_bad_input).
 *
 * What a bind did is read through the GPU: a probe job on a queue of its
 * own copies the qword at a VA into an object the test reads on the CPU
 * (or faults: nothing mapped there). Each object the tests map holds its
 * own marker value. Binds are held back by gates: a job that waits on a
 * semaphore the CPU writes, then signals a syncobj the binds wait for. A
 * gate holds for less than the job timeout (NOVA_GETPARAM_JOB_TIMEOUT_MS,
 * 1 s by default), after which the watchdog ends its job: each test makes
 * what it needs first and its gate last, just before the binds.
 */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "nova_jobs.h"

IGT_TEST_DESCRIPTION("Asynchronous VM_BIND of the nova driver: order, syncobjs, errors, teardown");

/* The VM_BIND argument of uAPI versions 2 to 4: what old callers pass. */
struct nova_vm_bind_v4 {
	uint32_t vm_id;
	uint32_t flags;
	uint32_t op_count;
	uint32_t op_stride;
	uint64_t ops;
};

/* A probe's result when nothing is mapped at the VA (the job faulted). */
#define UNMAPPED (~0ull)

/* Where the tests' pieces live, in units of the VA alignment. */
enum {
	AT_PROBE_CMD = 0,
	AT_PROBE_OUT = 1,
	AT_GATE = 2,		/* gates, one unit each */
	AT_TARGET = 16,		/* what the binds change */
	AT_MANY = 64,		/* the 4000 operations of failed-op */
	AT_FILL = 8192,		/* the mapping limit's filling */
};

/* File scope: see nova_basic.c. */
static int fd = -1;
static uint64_t va_start, va_size, unit, max_ops, max_mappings, timeout_ms;

/* The probe of one file: its command buffer and where it copies to. */
struct probe {
	struct nova_bo cmd, out;
};

/* A job held on a CPU semaphore in @bo, on a queue of its own. */
struct gate {
	struct nova_bo bo;
	uint32_t queue;
};

struct bind_thread {
	pthread_t thread;
	int file;
	struct drm_nova_vm_bind_op op;
	int ret;
	volatile int done;
};

static uint64_t VA(uint64_t n)
{
	return va_start + n * unit;
}

static struct drm_nova_vm_bind_op op_map(uint32_t handle, uint64_t va)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP, .handle = handle, .va = va, .range = unit,
	};
}

static struct drm_nova_vm_bind_op op_unmap(uint64_t va, uint64_t range)
{
	return (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_UNMAP, .va = va, .range = range };
}

static struct drm_nova_vm_bind_op op_sync_only(void)
{
	return (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_SYNC_ONLY };
}

/* VM_BIND with @flags; *@failed_op (when given) what the kernel reported. */
static int __bind(int file, uint32_t flags, const struct drm_nova_vm_bind_op *ops, uint32_t n,
		  const struct drm_nova_sync *syncs, uint32_t nsyncs, uint32_t *failed_op)
{
	struct drm_nova_vm_bind args = {
		.flags = flags,
		.op_count = n, .op_stride = sizeof(*ops), .ops = (uintptr_t)ops,
		.sync_count = nsyncs, .sync_stride = sizeof(*syncs), .syncs = (uintptr_t)syncs,
		/* Output only: the kernel must overwrite it. */
		.failed_op = 0x5a5a5a5a,
	};
	int ret = __nova_ioctl_vm_bind(file, &args);

	if (failed_op)
		*failed_op = args.failed_op;
	return ret;
}

/* An asynchronous bind that must be accepted. */
static void bind_async(int file, const struct drm_nova_vm_bind_op *ops, uint32_t n,
		       const struct drm_nova_sync *syncs, uint32_t nsyncs)
{
	uint32_t failed_op;

	igt_assert_eq(__bind(file, NOVA_VM_BIND_ASYNC, ops, n, syncs, nsyncs, &failed_op), 0);
	igt_assert_eq_u32(failed_op, NOVA_VM_BIND_NO_OP);
}

static void bind_sync(int file, const struct drm_nova_vm_bind_op *ops, uint32_t n)
{
	igt_assert_eq(__bind(file, 0, ops, n, NULL, 0, NULL), 0);
}

/* A one-unit object, not mapped, whose first qword is @marker. */
static uint32_t marker_object(int file, uint64_t marker)
{
	uint32_t handle = nova_gem_create(file, unit);
	uint64_t *map = nova_gem_mmap(file, handle, unit, PROT_READ | PROT_WRITE);

	map[0] = marker;
	munmap(map, unit);
	return handle;
}

/* Made before any bind is pending: mapping them is synchronous. */
static struct probe probe_new(int file)
{
	return (struct probe){
		.cmd = nova_bo_new(file, unit, VA(AT_PROBE_CMD), 0),
		.out = nova_bo_new(file, unit, VA(AT_PROBE_OUT), 0),
	};
}

/* Waits (a few seconds at most) for @handle's fence and returns its status. */
static int syncobj_result(int file, uint32_t handle)
{
	igt_assert_f(nova_syncobj_wait_ms(file, handle, timeout_ms + 5000) == 0,
		     "syncobj %u did not signal\n", handle);
	return nova_syncobj_status(file, handle);
}

/* The qword a job reads at @va now, or UNMAPPED. */
static uint64_t probe_read(int file, struct probe *p, uint64_t va)
{
	uint32_t queue = nova_queue_create(file, NOVA_QUEUE_PRIORITY_HIGH);
	uint32_t done = nova_syncobj_create(file, 0);
	struct nova_cs cs;
	uint64_t value;
	int status;

	*nova_bo_qword(&p->out, 0) = 0;
	nova_cs_init(&cs, &p->cmd);
	nova_cs_copy(&cs, p->out.va, va, 8);
	nova_exec1(file, queue, nova_cs_end(&cs), done);
	status = syncobj_result(file, done);
	igt_assert_f(status == 1 || status == -EFAULT, "probe of %#llx ended with %d\n",
		     (unsigned long long)va, status);
	value = status == 1 ? *nova_bo_qword(&p->out, 0) : UNMAPPED;
	drmSyncobjDestroy(file, done);
	nova_queue_destroy(file, queue);
	return value;
}

/*
 * A gate at unit @at: a job that waits until gate_open(), then copies
 * 8 bytes from @copy_src to @copy_dst (when @copy_src is not 0), then
 * signals @signal.
 */
static struct gate gate_new(int file, uint64_t at, struct drm_nova_sync signal,
			    uint64_t copy_src, uint64_t copy_dst)
{
	struct gate g = { .bo = nova_bo_new(file, unit, VA(at), 0) };
	struct drm_nova_exec_cmdbuf buf;
	struct nova_cs cs;

	g.queue = nova_queue_create(file, NOVA_QUEUE_PRIORITY_NORMAL);
	nova_cs_init(&cs, &g.bo);
	nova_cs_wait32(&cs, g.bo.va + unit / 2, 1);
	if (copy_src)
		nova_cs_copy(&cs, copy_dst, copy_src, 8);
	buf = nova_cs_end(&cs);
	nova_exec(file, g.queue, &buf, 1, &signal, 1);
	return g;
}

static void gate_open(struct gate *g)
{
	*nova_bo_dword(&g->bo, unit / 2) = 1;
}

/* The syncobj has not signalled within 100 ms (held behind a closed gate). */
static void assert_pending(int file, uint32_t handle)
{
	igt_assert_eq(nova_syncobj_wait_ms(file, handle, 100), -ETIME);
}

/* ---- order --------------------------------------------------------------- */

/*
 * Bind A waits for the gate and unmaps X; bind B, called after it, waits
 * for nothing and maps Y at the same VA. B must not take effect before A:
 * while the gate is closed X stays mapped and neither signals; once open,
 * Y is mapped (B reordered before A would leave the VA unmapped).
 */
static void test_bind_order(void)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	uint32_t x = marker_object(file, 0x1111), y = marker_object(file, 0x2222);
	uint32_t s = nova_syncobj_create(file, 0), a = nova_syncobj_create(file, 0);
	uint32_t b = nova_syncobj_create(file, 0);
	struct drm_nova_vm_bind_op map_x = op_map(x, VA(AT_TARGET));
	struct drm_nova_vm_bind_op unmap = op_unmap(VA(AT_TARGET), unit);
	struct drm_nova_vm_bind_op map_y = op_map(y, VA(AT_TARGET));
	struct drm_nova_sync a_syncs[2] = { nova_sync_wait(s), nova_sync_signal(a) };
	struct drm_nova_sync b_sync = nova_sync_signal(b);
	struct gate g;

	bind_sync(file, &map_x, 1);
	g = gate_new(file, AT_GATE, nova_sync_signal(s), 0, 0);
	bind_async(file, &unmap, 1, a_syncs, 2);
	bind_async(file, &map_y, 1, &b_sync, 1);

	assert_pending(file, b);
	assert_pending(file, a);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0x1111);

	gate_open(&g);
	igt_assert_eq(syncobj_result(file, b), 1);
	igt_assert_eq(nova_syncobj_status(file, a), 1);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0x2222);
	close(file);
}

/*
 * Queue A's job waits for the CPU, reads the VA (old mapping X) and
 * signals S; an asynchronous UNMAP + MAP of Y waits for S and signals D;
 * queue B's job waits for D and reads the VA: it sees Y. Nothing of it
 * happens before the CPU lets A go.
 */
static void test_exec_order(void)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	struct nova_bo out = nova_bo_new(file, unit, VA(AT_GATE + 1), 0);
	struct nova_bo cmd_b = nova_bo_new(file, unit, VA(AT_GATE + 2), 0);
	uint32_t x = marker_object(file, 0x3333), y = marker_object(file, 0x4444);
	uint32_t s = nova_syncobj_create(file, 0), d = nova_syncobj_create(file, 0);
	uint32_t b_done = nova_syncobj_create(file, 0);
	uint32_t queue_b = nova_queue_create(file, NOVA_QUEUE_PRIORITY_NORMAL);
	struct drm_nova_vm_bind_op map_x = op_map(x, VA(AT_TARGET));
	struct drm_nova_vm_bind_op ops[2] = { op_unmap(VA(AT_TARGET), unit),
					      op_map(y, VA(AT_TARGET)) };
	struct drm_nova_sync bind_syncs[2] = { nova_sync_wait(s), nova_sync_signal(d) };
	struct drm_nova_sync b_syncs[2] = { nova_sync_wait(d), nova_sync_signal(b_done) };
	struct drm_nova_exec_cmdbuf buf;
	struct nova_cs cs;
	struct gate g;

	bind_sync(file, &map_x, 1);
	g = gate_new(file, AT_GATE, nova_sync_signal(s), VA(AT_TARGET), out.va);
	bind_async(file, ops, 2, bind_syncs, 2);
	nova_cs_init(&cs, &cmd_b);
	nova_cs_copy(&cs, out.va + 8, VA(AT_TARGET), 8);
	buf = nova_cs_end(&cs);
	nova_exec(file, queue_b, &buf, 1, b_syncs, 2);

	assert_pending(file, d);
	assert_pending(file, b_done);
	igt_assert_eq_u64(*nova_bo_qword(&out, 0), 0);
	igt_assert_eq_u64(*nova_bo_qword(&out, 8), 0);

	gate_open(&g);
	igt_assert_eq(syncobj_result(file, b_done), 1);
	igt_assert_eq(nova_syncobj_status(file, d), 1);
	igt_assert_eq_u64(*nova_bo_qword(&out, 0), 0x3333);
	igt_assert_eq_u64(*nova_bo_qword(&out, 8), 0x4444);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0x4444);
	close(file);
}

/* ---- waits and signals ----------------------------------------------------- */

/*
 * A bind waiting for a fence the test holds back (a gate's) takes effect
 * only once the test releases it; its signal follows.
 */
static void test_wait_gated_fence(void)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	uint32_t x = marker_object(file, 0x5555);
	uint32_t s = nova_syncobj_create(file, 0), done = nova_syncobj_create(file, 0);
	struct drm_nova_vm_bind_op map_x = op_map(x, VA(AT_TARGET));
	struct drm_nova_sync syncs[2] = { nova_sync_wait(s), nova_sync_signal(done) };
	struct gate g = gate_new(file, AT_GATE, nova_sync_signal(s), 0, 0);

	bind_async(file, &map_x, 1, syncs, 2);
	assert_pending(file, done);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), UNMAPPED);
	gate_open(&g);
	igt_assert_eq(syncobj_result(file, done), 1);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0x5555);
	close(file);
}

/*
 * Fences userspace signals itself: a binary syncobj after drmSyncobjSignal
 * and a timeline point after drmSyncobjTimelineSignal are waited for like
 * any other, and the bind applies.
 */
static void test_wait_userspace_signal(void)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	uint32_t x = marker_object(file, 0x6666), y = marker_object(file, 0x7777);
	uint32_t bin = nova_syncobj_create(file, 0), tl = nova_syncobj_create(file, 0);
	uint32_t done = nova_syncobj_create(file, 0);
	struct drm_nova_vm_bind_op map_x = op_map(x, VA(AT_TARGET));
	struct drm_nova_vm_bind_op map_y = op_map(y, VA(AT_TARGET + 1));
	struct drm_nova_sync syncs[2] = { nova_sync_wait(bin), nova_sync_signal(done) };
	uint64_t point = 5;

	/* No fence yet: a WAIT is refused, nothing is queued. */
	igt_assert_eq(__bind(file, NOVA_VM_BIND_ASYNC, &map_x, 1, syncs, 2, NULL), -EINVAL);
	igt_assert_eq(drmSyncobjSignal(file, &bin, 1), 0);
	bind_async(file, &map_x, 1, syncs, 2);
	igt_assert_eq(syncobj_result(file, done), 1);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0x6666);

	syncs[0] = nova_sync_point(tl, NOVA_SYNC_WAIT, point);
	syncs[1] = nova_sync_point(tl, NOVA_SYNC_SIGNAL, point + 1);
	igt_assert_eq(__bind(file, NOVA_VM_BIND_ASYNC, &map_y, 1, syncs, 2, NULL), -EINVAL);
	igt_assert_eq(drmSyncobjTimelineSignal(file, &tl, &point, 1), 0);
	bind_async(file, &map_y, 1, syncs, 2);
	point++;
	igt_assert_eq(drmSyncobjTimelineWait(file, &tl, &point, 1,
					     nova_now_ns() + (int64_t)(timeout_ms + 5000) * 1000000,
					     0, NULL),
		      0);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET + 1)), 0x7777);
	close(file);
}

/*
 * Timeline points both ways: a gate signals point 1, the bind waits for
 * it and signals point 2, a job on another queue waits for point 2 and
 * reads the new mapping. Point 2 does not signal before point 1.
 */
static void test_timeline_points(void)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	struct nova_bo out = nova_bo_new(file, unit, VA(AT_GATE + 1), 0);
	struct nova_bo cmd = nova_bo_new(file, unit, VA(AT_GATE + 2), 0);
	uint32_t x = marker_object(file, 0x8888);
	uint32_t tl = nova_syncobj_create(file, 0), done = nova_syncobj_create(file, 0);
	uint32_t queue = nova_queue_create(file, NOVA_QUEUE_PRIORITY_NORMAL);
	struct drm_nova_vm_bind_op map_x = op_map(x, VA(AT_TARGET));
	struct drm_nova_sync bind_syncs[2] = { nova_sync_point(tl, NOVA_SYNC_WAIT, 1),
					       nova_sync_point(tl, NOVA_SYNC_SIGNAL, 2) };
	struct drm_nova_sync job_syncs[2] = { nova_sync_point(tl, NOVA_SYNC_WAIT, 2),
					      nova_sync_signal(done) };
	struct drm_nova_exec_cmdbuf buf;
	uint64_t point = 2, signalled = 0;
	struct nova_cs cs;
	struct gate g = gate_new(file, AT_GATE, nova_sync_point(tl, NOVA_SYNC_SIGNAL, 1), 0, 0);

	bind_async(file, &map_x, 1, bind_syncs, 2);
	nova_cs_init(&cs, &cmd);
	nova_cs_copy(&cs, out.va, VA(AT_TARGET), 8);
	buf = nova_cs_end(&cs);
	nova_exec(file, queue, &buf, 1, job_syncs, 2);

	igt_assert_eq(drmSyncobjTimelineWait(file, &tl, &point, 1, nova_now_ns() + 100000000, 0,
					     NULL),
		      -ETIME);
	igt_assert_eq(drmSyncobjQuery(file, &tl, &signalled, 1), 0);
	igt_assert_eq_u64(signalled, 0);
	assert_pending(file, done);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), UNMAPPED);

	gate_open(&g);
	igt_assert_eq(syncobj_result(file, done), 1);
	igt_assert_eq(drmSyncobjQuery(file, &tl, &signalled, 1), 0);
	igt_assert_eq_u64(signalled, 2);
	igt_assert_eq_u64(*nova_bo_qword(&out, 0), 0x8888);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0x8888);
	close(file);
}

/* ---- failure by index ------------------------------------------------------ */

#define MANY_OPS 4000

/*
 * 4000 operations: op 0 unmaps X, the others map Y at VAs of their own,
 * and the one at @bad has a non-zero pad. -EINVAL, @failed_op is @bad,
 * and nothing changed: X is still mapped, no Y mapping exists.
 */
static void test_failed_op(uint32_t bad, uint32_t flags)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	uint32_t x = marker_object(file, 0x9999), y = marker_object(file, 0xaaaa);
	struct drm_nova_vm_bind_op map_x = op_map(x, VA(AT_TARGET));
	struct drm_nova_vm_bind_op *ops = calloc(MANY_OPS, sizeof(*ops));
	uint32_t done = nova_syncobj_create(file, 0);
	struct drm_nova_sync sync = nova_sync_signal(done);
	uint32_t nsyncs = flags & NOVA_VM_BIND_ASYNC ? 1 : 0;
	uint32_t failed_op = 0;

	igt_require_f(max_ops >= MANY_OPS, "VM_BIND_MAX_OPS is %llu\n",
		      (unsigned long long)max_ops);
	igt_assert(ops);
	bind_sync(file, &map_x, 1);
	ops[0] = op_unmap(VA(AT_TARGET), unit);
	for (uint32_t i = 1; i < MANY_OPS; i++)
		ops[i] = op_map(y, VA(AT_MANY + i));
	ops[bad].pad = 1;

	igt_assert_eq(__bind(file, flags, ops, MANY_OPS, &sync, nsyncs, &failed_op), -EINVAL);
	igt_assert_eq_u32(failed_op, bad);
	/* Nothing was queued: the syncobj got no fence. */
	igt_assert_eq(nova_syncobj_wait_ms(file, done, 0), -EINVAL);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0x9999);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_MANY + 1)), UNMAPPED);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_MANY + bad - 1)), UNMAPPED);

	/* The same call without the bad op applies, and reports no op. */
	ops[bad].pad = 0;
	igt_assert_eq(__bind(file, flags, ops, MANY_OPS, &sync, nsyncs, &failed_op), 0);
	igt_assert_eq_u32(failed_op, NOVA_VM_BIND_NO_OP);
	if (nsyncs)
		igt_assert_eq(syncobj_result(file, done), 1);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), UNMAPPED);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_MANY + MANY_OPS - 1)), 0xaaaa);
	free(ops);
	close(file);
}

/* ---- the mapping limit at apply time ---------------------------------------- */

/* Maps @count one-unit mappings of @handle from unit @at on, synchronously. */
static void fill_mappings(int file, uint32_t handle, uint64_t at, uint64_t count)
{
	struct drm_nova_vm_bind_op *ops = calloc(max_ops, sizeof(*ops));

	igt_assert(ops);
	for (uint64_t done = 0; done < count;) {
		uint32_t n = (uint32_t)(count - done < max_ops ? count - done : max_ops);

		for (uint32_t i = 0; i < n; i++)
			ops[i] = op_map(handle, VA(at + done + i));
		bind_sync(file, ops, n);
		done += n;
	}
	free(ops);
}

/*
 * One mapping short of the limit: bind A (behind a gate) maps one more,
 * reaching it; bind B unmaps A's mapping and maps three: one past the
 * limit when it is applied, so none of it applies and its fence carries
 * -ENOSPC (read from a sync_file export); bind C after it unmaps and goes
 * on. Every call was accepted: the limit is checked at apply time.
 */
static void test_async_enospc(void)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	uint32_t x = marker_object(file, 0xbbbb), fill = marker_object(file, 0xcccc);
	uint32_t s = nova_syncobj_create(file, 0), a = nova_syncobj_create(file, 0);
	uint32_t b = nova_syncobj_create(file, 0), c = nova_syncobj_create(file, 0);
	struct drm_nova_vm_bind_op map_a = op_map(x, VA(AT_TARGET));
	struct drm_nova_vm_bind_op ops_b[4] = {
		op_unmap(VA(AT_TARGET), unit), op_map(x, VA(AT_TARGET + 1)),
		op_map(x, VA(AT_TARGET + 2)), op_map(x, VA(AT_TARGET + 3)),
	};
	struct drm_nova_vm_bind_op unmap_c = op_unmap(VA(AT_FILL), unit);
	struct drm_nova_sync a_syncs[2] = { nova_sync_wait(s), nova_sync_signal(a) };
	struct drm_nova_sync b_sync = nova_sync_signal(b), c_sync = nova_sync_signal(c);
	/* The probe's two objects and the gate's count too. */
	uint64_t live = 3;
	struct gate g;

	igt_require_f(va_size / unit > AT_FILL + max_mappings,
		      "the VA range holds fewer than MAX_MAPPINGS (%llu) units\n",
		      (unsigned long long)max_mappings);
	fill_mappings(file, fill, AT_FILL, max_mappings - 1 - live);
	g = gate_new(file, AT_GATE, nova_sync_signal(s), 0, 0);
	/* Synchronously, two more are refused at call time. */
	igt_assert_eq(__bind(file, 0, &ops_b[1], 2, NULL, 0, NULL), -ENOSPC);

	bind_async(file, &map_a, 1, a_syncs, 2);
	bind_async(file, ops_b, 4, &b_sync, 1);
	bind_async(file, &unmap_c, 1, &c_sync, 1);
	assert_pending(file, c);
	gate_open(&g);

	igt_assert_eq(syncobj_result(file, c), 1);
	igt_assert_eq(nova_syncobj_status(file, a), 1);
	igt_assert_eq(nova_syncobj_status(file, b), -ENOSPC);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0xbbbb);
	for (int i = 1; i <= 3; i++)
		igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET + i)), UNMAPPED);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_FILL)), UNMAPPED);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_FILL + 1)), 0xcccc);
	close(file);
}

/* ---- a synchronous bind after asynchronous ones ----------------------------- */

static void *bind_thread_main(void *arg)
{
	struct bind_thread *t = arg;

	t->ret = __bind(t->file, 0, &t->op, 1, NULL, 0, NULL);
	t->done = 1;
	return NULL;
}

/*
 * An asynchronous UNMAP waits for the gate; a synchronous MAP of the same
 * VA called after it returns only once the gate opened, and its mapping
 * is what is left (applied before the UNMAP, nothing would be).
 */
static void test_sync_after_async(void)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	uint32_t x = marker_object(file, 0xdddd), y = marker_object(file, 0xeeee);
	uint32_t s = nova_syncobj_create(file, 0), a = nova_syncobj_create(file, 0);
	struct drm_nova_vm_bind_op map_x = op_map(x, VA(AT_TARGET));
	struct drm_nova_vm_bind_op unmap = op_unmap(VA(AT_TARGET), unit);
	struct drm_nova_sync syncs[2] = { nova_sync_wait(s), nova_sync_signal(a) };
	struct bind_thread t = { .file = file, .op = op_map(y, VA(AT_TARGET)) };
	struct gate g;

	bind_sync(file, &map_x, 1);
	g = gate_new(file, AT_GATE, nova_sync_signal(s), 0, 0);
	bind_async(file, &unmap, 1, syncs, 2);
	igt_assert_eq(pthread_create(&t.thread, NULL, bind_thread_main, &t), 0);
	nova_sleep_ms(200);
	igt_assert_eq(t.done, 0);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0xdddd);

	gate_open(&g);
	igt_assert_eq(pthread_join(t.thread, NULL), 0);
	igt_assert_eq(t.ret, 0);
	igt_assert_eq(nova_syncobj_status(file, a), 1);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0xeeee);
	close(file);
}

/* ---- teardown ------------------------------------------------------------- */

#define TEARDOWN_BINDS 8

/*
 * Binds pending behind a gate nobody opens, mapping objects whose handles
 * are closed: closing the file ends their fences with an error (sync_files
 * exported before) and releases the objects (the device's budget is back).
 */
static void test_teardown_pending(void)
{
	struct nova_device_info info;
	uint64_t before, after = 0;
	uint32_t objects[TEARDOWN_BINDS], outs[TEARDOWN_BINDS], s;
	int sync_files[TEARDOWN_BINDS];
	struct gate g;
	int file;

	nova_get_device_info(fd, &info);
	before = nova_budget_available(fd, &info);
	file = nova_open_render();
	s = nova_syncobj_create(file, 0);
	for (int i = 0; i < TEARDOWN_BINDS; i++) {
		objects[i] = marker_object(file, 0x100 + i);
		outs[i] = nova_syncobj_create(file, 0);
	}
	g = gate_new(file, AT_GATE, nova_sync_signal(s), 0, 0);
	for (int i = 0; i < TEARDOWN_BINDS; i++) {
		struct drm_nova_vm_bind_op map = op_map(objects[i], VA(AT_TARGET + i));
		struct drm_nova_sync syncs[2] = { nova_sync_wait(s), nova_sync_signal(outs[i]) };

		bind_async(file, &map, 1, syncs, 2);
		gem_close(file, objects[i]);
		igt_assert_eq(drmSyncobjExportSyncFile(file, outs[i], &sync_files[i]), 0);
	}
	/* The gate is still closed: nothing was applied or dropped yet. */
	igt_assert_eq(nova_syncobj_status(file, outs[0]), 0);
	/* A CPU mapping would keep the file open past close(). */
	munmap(g.bo.map, g.bo.size);
	close(file);

	for (int i = 0; i < TEARDOWN_BINDS; i++) {
		struct sync_file_info fi;

		for (int ms = 0; ms < 5000; ms += 10) {
			memset(&fi, 0, sizeof(fi));
			igt_assert_eq(ioctl(sync_files[i], SYNC_IOC_FILE_INFO, &fi), 0);
			if (fi.status)
				break;
			nova_sleep_ms(10);
		}
		igt_assert_f(fi.status < 0, "bind %d of the closed file ended with %d\n", i,
			     fi.status);
		close(sync_files[i]);
	}
	for (int ms = 0; ms < 5000; ms += 50) {
		after = nova_budget_available(fd, &info);
		if (after == before)
			break;
		nova_sleep_ms(50);
	}
	igt_assert_eq_u64(after, before);
}

/* ---- old callers ---------------------------------------------------------- */

/*
 * A caller built against uAPI 4 passes 24 bytes with DRM_IOW: its MAP and
 * UNMAP work as they always did, synchronously; its errors stay.
 */
static void test_old_struct(void)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	uint32_t x = marker_object(file, 0x4242);
	struct drm_nova_vm_bind_op op = op_map(x, VA(AT_TARGET));
	struct nova_vm_bind_v4 args = {
		.op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op,
	};

	igt_assert_eq_u64(DRM_IOCTL_NOVA_VM_BIND_V2, 0x40186443);
	igt_assert_eq(sizeof(args), _IOC_SIZE(DRM_IOCTL_NOVA_VM_BIND_V2));
	igt_assert_eq(__nova_ioctl(file, DRM_IOCTL_NOVA_VM_BIND_V2, &args), 0);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), 0x4242);
	op = op_unmap(VA(AT_TARGET), unit);
	igt_assert_eq(__nova_ioctl(file, DRM_IOCTL_NOVA_VM_BIND_V2, &args), 0);
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), UNMAPPED);
	op.pad = 1;
	igt_assert_eq(__nova_ioctl(file, DRM_IOCTL_NOVA_VM_BIND_V2, &args), -EINVAL);
	args.vm_id = 1;
	op.pad = 0;
	igt_assert_eq(__nova_ioctl(file, DRM_IOCTL_NOVA_VM_BIND_V2, &args), -EINVAL);
	close(file);
}

/* ---- SYNC_ONLY ------------------------------------------------------------ */

/*
 * Two SYNC_ONLY binds: the first waits for the gate, the second for
 * nothing; neither signals before the gate opens (the second is ordered
 * after the first). A synchronous SYNC_ONLY call succeeds and does nothing.
 */
static void test_sync_only_order(void)
{
	int file = nova_open_render();
	struct probe p = probe_new(file);
	uint32_t s = nova_syncobj_create(file, 0), a = nova_syncobj_create(file, 0);
	uint32_t b = nova_syncobj_create(file, 0);
	struct drm_nova_vm_bind_op op = op_sync_only();
	struct drm_nova_sync a_syncs[2] = { nova_sync_wait(s), nova_sync_signal(a) };
	struct drm_nova_sync b_sync = nova_sync_signal(b);
	struct gate g;

	bind_sync(file, &op, 1);
	g = gate_new(file, AT_GATE, nova_sync_signal(s), 0, 0);
	bind_async(file, &op, 1, a_syncs, 2);
	bind_async(file, &op, 1, &b_sync, 1);
	assert_pending(file, b);
	assert_pending(file, a);
	gate_open(&g);
	igt_assert_eq(syncobj_result(file, b), 1);
	igt_assert_eq(nova_syncobj_status(file, a), 1);
	/* Nothing was mapped at the target. */
	igt_assert_eq_u64(probe_read(file, &p, VA(AT_TARGET)), UNMAPPED);
	close(file);
}

static const struct {
	const char *name;
	size_t offset, size;
} sync_only_fields[] = {
#define SYNC_ONLY_FIELD(f) { #f, offsetof(struct drm_nova_vm_bind_op, f), \
			     sizeof(((struct drm_nova_vm_bind_op *)0)->f) }
	SYNC_ONLY_FIELD(flags), SYNC_ONLY_FIELD(handle), SYNC_ONLY_FIELD(pad),
	SYNC_ONLY_FIELD(bo_offset), SYNC_ONLY_FIELD(va), SYNC_ONLY_FIELD(range),
#undef SYNC_ONLY_FIELD
};

/* A SYNC_ONLY op (the second of two) with @field non-zero: -EINVAL, failed_op 1. */
static void test_sync_only_field(unsigned int field)
{
	struct drm_nova_vm_bind_op ops[2] = { op_sync_only(), op_sync_only() };
	uint32_t done = nova_syncobj_create(fd, 0);
	struct drm_nova_sync sync = nova_sync_signal(done);
	uint32_t failed_op = 0;
	char *base = (char *)&ops[1] + sync_only_fields[field].offset;

	if (sync_only_fields[field].size == 4)
		*(uint32_t *)base = (uint32_t)unit;
	else
		*(uint64_t *)base = unit;
	igt_assert_eq(__bind(fd, NOVA_VM_BIND_ASYNC, ops, 2, &sync, 1, &failed_op), -EINVAL);
	igt_assert_eq_u32(failed_op, 1);
	igt_assert_eq(__bind(fd, 0, ops, 2, NULL, 0, &failed_op), -EINVAL);
	igt_assert_eq_u32(failed_op, 1);
	drmSyncobjDestroy(fd, done);
}

igt_main
{
	igt_fixture {
		uint64_t version;

		fd = nova_open_render();
		version = nova_getparam(fd, NOVA_GETPARAM_UAPI_VERSION);
		igt_require_f(version >= 5, "uAPI version %llu has no asynchronous VM_BIND\n",
			      (unsigned long long)version);
		va_start = nova_getparam(fd, NOVA_GETPARAM_VA_START);
		va_size = nova_getparam(fd, NOVA_GETPARAM_VA_SIZE);
		unit = nova_getparam(fd, NOVA_GETPARAM_VA_ALIGNMENT);
		if (unit < nova_getparam(fd, NOVA_GETPARAM_PAGE_SIZE))
			unit = nova_getparam(fd, NOVA_GETPARAM_PAGE_SIZE);
		max_ops = nova_getparam(fd, NOVA_GETPARAM_VM_BIND_MAX_OPS);
		max_mappings = nova_getparam(fd, NOVA_GETPARAM_MAX_MAPPINGS);
		timeout_ms = nova_getparam(fd, NOVA_GETPARAM_JOB_TIMEOUT_MS);
	}

	igt_describe("Binds take effect in call order: a bind that waits for nothing, "
		     "called after one that waits, neither takes effect nor signals before it.");
	igt_subtest("bind-order")
		test_bind_order();

	igt_describe("A bind waiting for a job's syncobj takes effect after the job, which "
		     "saw the old mapping; a job on another queue waiting for the bind's "
		     "signal sees the new one.");
	igt_subtest("exec-order")
		test_exec_order();

	igt_describe("A bind waiting for a fence the test holds back takes effect, and "
		     "signals, only once the test releases it.");
	igt_subtest("wait-gated-fence")
		test_wait_gated_fence();

	igt_describe("A bind waits for a binary syncobj signalled by drmSyncobjSignal and a "
		     "timeline point signalled by drmSyncobjTimelineSignal; before that, the "
		     "syncobj holds no fence and the WAIT is -EINVAL.");
	igt_subtest("wait-userspace-signal")
		test_wait_userspace_signal();

	igt_describe("A bind waits for a timeline point and signals another, which a job "
		     "on another queue waits for; the point does not signal early.");
	igt_subtest("timeline-points")
		test_timeline_points();

	igt_describe("Of 4000 operations, a bad one at 1234 or 3999 makes the call -EINVAL "
		     "with failed_op naming it, and changes nothing; synchronous and "
		     "asynchronous.");
	igt_subtest_with_dynamic("failed-op") {
		static const uint32_t bad[] = { 1234, 3999 };

		for (volatile unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			igt_dynamic_f("sync-%u", bad[i])
				test_failed_op(bad[i], 0);
			igt_dynamic_f("async-%u", bad[i])
				test_failed_op(bad[i], NOVA_VM_BIND_ASYNC);
		}
	}

	igt_describe("An asynchronous batch that would pass MAX_MAPPINGS when applied "
		     "applies nothing, its fence carries -ENOSPC, and later binds go on.");
	igt_subtest("async-enospc")
		test_async_enospc();

	igt_describe("A synchronous bind called while asynchronous ones are pending "
		     "returns, and applies, after them.");
	igt_subtest("sync-after-async")
		test_sync_after_async();

	igt_describe("Closing a file with binds pending ends their fences with an error "
		     "and releases the objects they held.");
	igt_subtest("teardown-pending")
		test_teardown_pending();

	igt_describe("The 24-byte VM_BIND of uAPI 4 (DRM_IOW, 0x40186443) still maps, "
		     "unmaps and fails as it did.");
	igt_subtest("old-struct")
		test_old_struct();

	igt_describe("SYNC_ONLY binds wait and signal in call order and change no mapping; "
		     "synchronous, one does nothing.");
	igt_subtest("sync-only-order")
		test_sync_only_order();

	igt_describe("A SYNC_ONLY operation with any other field non-zero is -EINVAL, "
		     "failed_op naming it.");
	igt_subtest_with_dynamic("sync-only-fields") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(sync_only_fields); i++)
			igt_dynamic(sync_only_fields[i].name)
				test_sync_only_field(i);
	}

	igt_fixture
		close(fd);
}

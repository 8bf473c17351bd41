// SPDX-License-Identifier: MIT
/*
 * libnova's asynchronous VM_BIND (uAPI version 5, NOVA_0.5) on the real
 * kernel: a batch that waits for a fence the test controls takes effect only
 * after it (a job through the range faults before, writes memory after),
 * signals binary and timeline syncobjs, reports the failing operation's
 * index, and the VA heap's deferred free gives a range back only once its
 * fence has signalled. The fence the test controls is a "gate" job, a
 * NOVA_CMD_WAIT on a word the test writes through the CPU (bounded by the
 * job timeout, so the test releases it well within that).
 *
 * A synchronous VM_BIND waits for the pending asynchronous ones (the
 * kernel's rule), and uploading a command stream maps it synchronously: so
 * every stream a case needs is uploaded before its asynchronous bind. The
 * library's own logic (layouts, gating, the FIFO of deferred frees) is
 * covered on the host (tests/host/fakedrm_test.c).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "util.h"

#define SECOND_NS	1000000000ll
/* How long a case looks for an effect that must not happen yet. */
#define NOT_YET_US	100000

struct actx {
	struct nova_device *dev;
	struct nova_vm *vm;
	uint64_t align;
};

static int actx_open(struct actx *c)
{
	int ret = nova_device_open(&c->dev);

	if (ret)
		return ret;
	ret = nova_device_get_vm(c->dev, &c->vm);
	c->align = nova_vm_va_alignment(c->vm);
	if (!ret && nova_device_uapi_version(c->dev) < 5)
		return 1;
	return ret;
}

#define OPEN_ASYNC(c)							\
	do {								\
		int o_ = actx_open(c);					\
		if (o_ == 1)						\
			SKIP("uAPI version %" PRIu64 ": asynchronous VM_BIND needs 5", \
			     nova_device_uapi_version((c)->dev));	\
		CHECK_OK(o_);						\
	} while (0)

/* An object of one granule, CPU-mapped, and a heap VA for it (not mapped). */
struct abuf {
	struct nova_bo *bo;
	uint64_t va;
	volatile uint32_t *map;
};

static int abuf_init(struct actx *c, struct abuf *b, int gpu_map)
{
	void *p;
	int ret;

	ret = nova_bo_create(c->dev, c->align, &b->bo);
	if (!ret)
		ret = nova_bo_map(b->bo, &p);
	if (ret)
		return ret;
	b->map = p;
	memset(p, 0, c->align);
	ret = nova_vm_va_alloc(c->vm, c->align, 0, &b->va);
	if (!ret && gpu_map)
		ret = nova_vm_map(c->vm, b->bo, 0, b->va, c->align, 0);
	return ret;
}

/*
 * One command (a STORE32 of @value at @va, or with @wait a WAIT for the
 * word at @va to reach 1) uploaded as a command buffer.
 */
static int stream(struct actx *c, uint64_t va, uint32_t value, int wait,
		  struct nova_exec_cmdbuf *cmd)
{
	struct nova_cmdstream *cs;
	struct nova_cmdbuf *cb;
	int ret;

	ret = nova_cmdstream_create(&cs);
	if (ret)
		return ret;
	if (wait)
		nova_cmdstream_emit_wait(cs, va, 1, 0);
	else
		nova_cmdstream_emit_store32(cs, va, value);
	ret = nova_cmdstream_upload(cs, c->dev, &cb);
	nova_cmdstream_destroy(cs);
	if (ret)
		return ret;
	/* Released with the case's process. */
	cmd->va = nova_cmdbuf_va(cb);
	cmd->size = nova_cmdbuf_size(cb);
	return 0;
}

/* Whether binary syncobj @h has signalled (1), not yet (0), or an error. */
static int signalled(struct actx *c, uint32_t h)
{
	int ret = nova_syncobj_wait(c->dev, &h, 1, 0, 0, NULL);

	return ret == -ETIME ? 0 : ret ? ret : 1;
}

/* Below version 5: -EOPNOTSUPP for what needs it, the old calls unchanged. */
static enum test_result bind_async_gated(void)
{
	struct nova_sync_point p = { 0 };
	struct nova_vm_bind_batch *batch;
	struct nova_device *dev;
	struct nova_vm *vm;
	uint64_t version, va;
	uint32_t failed;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(raw_getparam(nova_device_fd(dev), NOVA_GETPARAM_UAPI_VERSION, &version));
	CHECK_U64(nova_device_uapi_version(dev), ==, version);
	if (nova_device_get_vm(dev, &vm))
		SKIP("no VM_BIND (uAPI version %" PRIu64 ")", version);
	CHECK_OK(nova_vm_va_alloc(vm, nova_vm_va_alignment(vm), 0, &va));

	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	if (version < 5) {
		CHECK_ERR(nova_vm_bind_add_wait(batch, &p), -EOPNOTSUPP);
		CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed),
			  -EOPNOTSUPP);
		CHECK_OK(nova_vm_bind_begin(vm, &batch));
		CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, NULL), -EOPNOTSUPP);
	} else {
		/* An empty asynchronous batch: a point of order, accepted. */
		CHECK_OK(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed));
		CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);
	}
	/* Synchronous binds work whatever the version. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, va, nova_vm_va_alignment(vm)));
	CHECK_OK(nova_vm_bind_submit_ex(batch, 0, &failed));
	CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);
	CHECK_OK(nova_vm_unmap(vm, va, nova_vm_va_alignment(vm)));
	nova_device_close(dev);
	if (version < 5)
		SKIP("uAPI version %" PRIu64 ": checked only the -EOPNOTSUPP answers", version);
	return TEST_PASS;
}

/*
 * The bind waits for the gate: a job through its range faults before the
 * gate opens, its signal is not signalled; after, the signal signals
 * without error and a job writes through the new mapping.
 */
static enum test_result bind_async_wait_signal(void)
{
	struct nova_queue_state st = { .struct_size = sizeof(st) };
	struct nova_exec_cmdbuf gate_cmd, early_cmd, late_cmd;
	struct nova_queue *gate_q, *early_q, *late_q;
	struct nova_sync_point gate, done = { 0 };
	struct nova_vm_bind_batch *batch;
	struct abuf sem, target;
	uint64_t gate_seq, seq;
	uint32_t failed;
	struct actx c;
	int status;

	OPEN_ASYNC(&c);
	CHECK_OK(abuf_init(&c, &sem, 1));
	CHECK_OK(abuf_init(&c, &target, 0));
	CHECK_OK(stream(&c, sem.va, 0, 1, &gate_cmd));
	CHECK_OK(stream(&c, target.va, 0xa5a5, 0, &early_cmd));
	CHECK_OK(stream(&c, target.va, 0x600d, 0, &late_cmd));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &gate_q));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &early_q));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &late_q));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &done.syncobj));

	CHECK_OK(nova_queue_exec(gate_q, &gate_cmd, 1, NULL, 0, NULL, 0, &gate_seq));
	gate = (struct nova_sync_point){ .syncobj = nova_queue_timeline(gate_q), .point = gate_seq };
	CHECK_OK(nova_vm_bind_begin(c.vm, &batch));
	CHECK_OK(nova_vm_bind_add_map(batch, target.bo, 0, target.va, c.align, 0));
	CHECK_OK(nova_vm_bind_add_wait(batch, &gate));
	CHECK_OK(nova_vm_bind_add_signal(batch, &done));
	CHECK_OK(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed));
	CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);

	/* Not yet: unmapped for the engine, the signal not signalled. */
	CHECK_OK(nova_queue_exec(early_q, &early_cmd, 1, NULL, 0, NULL, 0, &seq));
	CHECK_ERR(nova_queue_wait(early_q, seq, 5 * SECOND_NS), -EFAULT);
	CHECK_OK(nova_queue_get_state(early_q, &st));
	CHECK_U64(st.fault_type, ==, NOVA_FAULT_UNMAPPED);
	CHECK_U64(st.fault_va, ==, target.va);
	usleep(NOT_YET_US);
	CHECK_ERR(signalled(&c, done.syncobj), 0);
	CHECK_U64(target.map[0], ==, 0);

	sem.map[0] = 1;		/* open the gate */
	CHECK_OK(nova_syncobj_wait(c.dev, &done.syncobj, 1, 5 * SECOND_NS, 0, NULL));
	CHECK_OK(nova_queue_wait(gate_q, gate_seq, 5 * SECOND_NS));
	CHECK_OK(nova_syncobj_fence_status(c.dev, done.syncobj, 0, &status));
	CHECK_U64(status, ==, 1);
	CHECK_OK(nova_queue_exec(late_q, &late_cmd, 1, NULL, 0, NULL, 0, &seq));
	CHECK_OK(nova_queue_wait(late_q, seq, 5 * SECOND_NS));
	CHECK_U64(target.map[0], ==, 0x600d);

	nova_queue_unref(late_q);
	nova_queue_unref(early_q);
	nova_queue_unref(gate_q);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/* Timeline points: bind 2 waits for bind 1's point and signals the next. */
static enum test_result bind_async_timeline(void)
{
	struct nova_sync_point p1 = { 0 }, p2 = { 0 };
	struct nova_vm_bind_batch *batch;
	struct abuf target;
	uint64_t last = 0;
	struct actx c;
	int status;

	OPEN_ASYNC(&c);
	CHECK_OK(abuf_init(&c, &target, 0));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &p1.syncobj));
	p2.syncobj = p1.syncobj;
	p1.point = 1;
	p2.point = 2;

	CHECK_OK(nova_vm_bind_begin(c.vm, &batch));
	CHECK_OK(nova_vm_bind_add_map(batch, target.bo, 0, target.va, c.align, 0));
	CHECK_OK(nova_vm_bind_add_signal(batch, &p1));
	CHECK_OK(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, NULL));
	CHECK_OK(nova_vm_bind_begin(c.vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, target.va, c.align));
	CHECK_OK(nova_vm_bind_add_wait(batch, &p1));
	CHECK_OK(nova_vm_bind_add_signal(batch, &p2));
	CHECK_OK(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, NULL));

	CHECK_OK(nova_syncobj_timeline_wait(c.dev, &p2.syncobj, &p2.point, 1, 5 * SECOND_NS,
					    0, NULL));
	CHECK_OK(nova_syncobj_query(c.dev, &p2.syncobj, &last, 1));
	CHECK_U64(last, ==, 2);
	CHECK_OK(nova_syncobj_fence_status(c.dev, p2.syncobj, 2, &status));
	CHECK_U64(status, ==, 1);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/* The kernel names the failing operation, synchronous or not. */
static enum test_result bind_async_failed_op(void)
{
	struct nova_sync_point empty = { 0 }, done = { 0 };
	struct nova_vm_bind_batch *batch;
	struct abuf target;
	unsigned int async;
	uint32_t failed;
	struct actx c;

	OPEN_ASYNC(&c);
	CHECK_OK(abuf_init(&c, &target, 0));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &done.syncobj));

	for (async = 0; async < 2; async++) {
		CHECK_OK(nova_vm_bind_begin(c.vm, &batch));
		CHECK_OK(nova_vm_bind_add_map(batch, target.bo, 0, target.va, c.align, 0));
		CHECK_OK(nova_vm_bind_add_unmap(batch, target.va, c.align));
		CHECK_OK(nova_vm_bind_add_unmap(batch, target.va + 1, c.align));
		CHECK_OK(nova_vm_bind_add_unmap(batch, target.va, c.align));
		if (async)
			CHECK_OK(nova_vm_bind_add_signal(batch, &done));
		failed = 0;
		CHECK_ERR(nova_vm_bind_submit_ex(batch, async ? NOVA_VM_BIND_ASYNC : 0, &failed),
			  -EINVAL);
		if (failed != 2)
			FAIL("%s batch: failed_op %u, the bad operation is 2",
			     async ? "asynchronous" : "synchronous", failed);
	}
	/* Checked at the call: nothing queued, so the signal never came. */
	CHECK_ERR(signalled(&c, done.syncobj), -EINVAL);

	/* An object the file does not have, at index 1. */
	CHECK_OK(nova_vm_bind_begin(c.vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, target.va, c.align));
	CHECK_OK(nova_vm_bind_add_map(batch, target.bo, 0, target.va, c.align, 0));
	nova_bo_unref(target.bo);	/* closes the handle: it has no mapping */
	CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed), -ENOENT);
	CHECK_U64(failed, ==, 1);

	/* A wait on a syncobj with no fence is no operation's fault. */
	CHECK_OK(nova_syncobj_create(c.dev, 0, &empty.syncobj));
	CHECK_OK(nova_vm_bind_begin(c.vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, target.va, c.align));
	CHECK_OK(nova_vm_bind_add_wait(batch, &empty));
	CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed), -EINVAL);
	CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/* A deferred free keeps the range taken until its fence, then gives it back. */
static enum test_result bind_async_deferred_free(void)
{
	struct nova_exec_cmdbuf gate_cmd;
	struct nova_sync_point gate;
	struct nova_queue *gate_q;
	uint64_t seq, range, again;
	struct abuf sem;
	struct actx c;

	OPEN_ASYNC(&c);
	CHECK_OK(abuf_init(&c, &sem, 1));
	CHECK_OK(stream(&c, sem.va, 0, 1, &gate_cmd));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &gate_q));
	CHECK_OK(nova_vm_va_alloc(c.vm, 4 * c.align, 0, &range));

	CHECK_OK(nova_queue_exec(gate_q, &gate_cmd, 1, NULL, 0, NULL, 0, &seq));
	gate = (struct nova_sync_point){ .syncobj = nova_queue_timeline(gate_q), .point = seq };
	CHECK_OK(nova_vm_va_free_deferred(c.vm, range, 4 * c.align, &gate));
	CHECK_ERR(nova_vm_va_free(c.vm, range, 4 * c.align), -EBUSY);
	CHECK_ERR(nova_vm_va_free_deferred(c.vm, range, 4 * c.align, &gate), -EBUSY);
	usleep(NOT_YET_US);
	CHECK_ERR(nova_vm_va_alloc_addr(c.vm, range, c.align), -EBUSY);
	CHECK_ERR(nova_vm_va_reclaim(c.vm, 0), -ETIME);

	sem.map[0] = 1;
	CHECK_OK(nova_queue_wait(gate_q, seq, 5 * SECOND_NS));
	/* Reclaimed by the allocation itself, no wait, no thread. */
	CHECK_OK(nova_vm_va_alloc_addr(c.vm, range, 4 * c.align));
	CHECK_OK(nova_vm_va_reclaim(c.vm, 0));
	CHECK_OK(nova_vm_va_free(c.vm, range, 4 * c.align));
	CHECK_OK(nova_vm_va_alloc(c.vm, c.align, 0, &again));
	CHECK_U64(again, <=, range);

	nova_queue_unref(gate_q);
	nova_device_close(c.dev);
	return TEST_PASS;
}

const struct test_case vm_async_tests[] = {
	{ "bind_async_gated", bind_async_gated, 0 },
	{ "bind_async_wait_signal", bind_async_wait_signal, 0 },
	{ "bind_async_timeline", bind_async_timeline, 0 },
	{ "bind_async_failed_op", bind_async_failed_op, 0 },
	{ "bind_async_deferred_free", bind_async_deferred_free, 0 },
	{ NULL, NULL, 0 },
};

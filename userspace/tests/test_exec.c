// SPDX-License-Identifier: MIT
/*
 * The exec_* cases: queues, EXEC, syncobjs and faults through libnova
 * (uAPI version 4; they skip below it). Jobs are built with libnova's
 * command-stream builder and observed through CPU mappings of the buffers
 * they write, the fences they signal and QUEUE_GET_STATE. Expected errors
 * and fault reports are the ones driver/uapi/nova_drm.h documents.
 *
 * A userspace-controlled fence comes from vgem (VGEM_FENCE_ATTACH on a vgem
 * buffer, its dma-buf's DMA_BUF_IOCTL_EXPORT_SYNC_FILE, imported into a
 * syncobj): the job must not start before the test signals it. That case
 * skips without a vgem device.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "runner.h"
#include "util.h"

#define SECOND_NS	1000000000ll

/* vgem's uAPI (include/uapi/drm/vgem_drm.h), written down as facts. */
struct vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;		/* VGEM_FENCE_WRITE: an exclusive fence */
	uint32_t out_fence;
	uint32_t pad;
};
struct vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};
#define VGEM_FENCE_WRITE		0x1
#define DRM_IOCTL_VGEM_FENCE_ATTACH	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct vgem_fence_attach)
#define DRM_IOCTL_VGEM_FENCE_SIGNAL	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct vgem_fence_signal)

/* A buffer object mapped for the CPU and at a heap VA for the GPU. */
struct gbuf {
	struct nova_bo *bo;
	uint64_t va;
	uint64_t size;
	volatile uint32_t *map;
};

/* What every case starts with. */
struct ctx {
	struct nova_device *dev;
	struct nova_vm *vm;
	uint64_t align;
};

static int ctx_open(struct ctx *c)
{
	int ret = nova_device_open(&c->dev);

	if (ret)
		return ret;
	if (nova_device_uapi_version(c->dev) < 4)
		return 1;
	ret = nova_device_get_vm(c->dev, &c->vm);
	c->align = nova_vm_va_alignment(c->vm);
	return ret;
}

#define OPEN(c)								\
	do {								\
		int o_ = ctx_open(c);					\
		if (o_ == 1)						\
			SKIP("uAPI version %" PRIu64 ": no queues (EXEC needs 4)", \
			     nova_device_uapi_version((c)->dev));	\
		CHECK_OK(o_);						\
	} while (0)

static int gbuf_init(struct ctx *c, struct gbuf *b, uint64_t size, uint32_t flags)
{
	void *p;
	int ret;

	memset(b, 0, sizeof(*b));
	ret = nova_bo_create(c->dev, size, &b->bo);
	if (ret)
		return ret;
	b->size = nova_bo_size(b->bo);
	ret = nova_bo_map(b->bo, &p);
	if (ret)
		return ret;
	b->map = p;
	ret = nova_vm_va_alloc(c->vm, b->size, 0, &b->va);
	if (ret)
		return ret;
	return nova_vm_map(c->vm, b->bo, 0, b->va, b->size, flags);
}

/* A VA range of one granule that nothing maps. */
static int hole(struct ctx *c, uint64_t *va)
{
	return nova_vm_va_alloc(c->vm, c->align, 0, va);
}

/* The buffer submit() uploaded last. */
static struct nova_cmdbuf *last_cb;

/*
 * Upload @cs (freed) and submit it to @q with the given sync points; the
 * uploaded buffer goes to *@cb (the case's process exit releases it).
 */
static int submit(struct ctx *c, struct nova_queue *q, struct nova_cmdstream *cs,
		  const struct nova_sync_point *waits, uint32_t nwaits,
		  const struct nova_sync_point *signals, uint32_t nsignals, uint64_t *seqno)
{
	struct nova_cmdbuf *cb;
	struct nova_exec_cmdbuf cmd;
	int ret;

	ret = nova_cmdstream_upload(cs, c->dev, &cb);
	nova_cmdstream_destroy(cs);
	if (ret)
		return ret;
	last_cb = cb;
	cmd.va = nova_cmdbuf_va(cb);
	cmd.size = nova_cmdbuf_size(cb);
	return nova_queue_exec(q, &cmd, 1, waits, nwaits, signals, nsignals, seqno);
}

/* A stream of one STORE32. */
static struct nova_cmdstream *store32(uint64_t va, uint32_t value)
{
	struct nova_cmdstream *cs;

	if (nova_cmdstream_create(&cs))
		return NULL;
	nova_cmdstream_emit_store32(cs, va, value);
	return cs;
}

static uint64_t job_timeout_ms(struct ctx *c)
{
	uint64_t ms = 0;

	nova_device_get_param(c->dev, NOVA_GETPARAM_JOB_TIMEOUT_MS, &ms);
	return ms;
}

/* --- queues ---------------------------------------------------------------- */

static enum test_result exec_queue_create_destroy(void)
{
	struct nova_queue *q[3], *bad = (struct nova_queue *)1;
	struct nova_queue_state st = { .struct_size = sizeof(st) };
	struct ctx c;
	unsigned int i;

	OPEN(&c);
	for (i = 0; i < 3; i++) {
		CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_LOW + i, &q[i]));
		CHECK(nova_queue_id(q[i]) != 0);
		CHECK(nova_queue_device(q[i]) == c.dev);
		if (i)
			CHECK(nova_queue_id(q[i]) != nova_queue_id(q[i - 1]));
		CHECK_OK(nova_queue_get_state(q[i], &st));
		CHECK_U64(st.state, ==, NOVA_QUEUE_STATE_ACTIVE);
		CHECK_U64(st.fault_type, ==, NOVA_FAULT_NONE);
		CHECK_U64(st.submitted, ==, 0);
		CHECK_U64(st.completed, ==, 0);
		CHECK_U64(st.struct_size, ==, sizeof(st));
	}
	CHECK_ERR(nova_queue_create(c.dev, 3, &bad), -EINVAL);
	CHECK(bad == NULL);
	CHECK_ERR(nova_queue_create(NULL, 1, &bad), -EINVAL);
	CHECK_ERR(nova_queue_create(c.dev, 1, NULL), -EINVAL);
	/* A second reference keeps the queue: the kernel still knows its id. */
	CHECK(nova_queue_ref(q[0]) == q[0]);
	nova_queue_unref(q[0]);
	CHECK_OK(nova_queue_get_state(q[0], &st));
	st.struct_size = 4;
	CHECK_ERR(nova_queue_get_state(q[0], &st), -EINVAL);
	st.struct_size = 8;	/* an older caller: only what it knows */
	CHECK_OK(nova_queue_get_state(q[0], &st));
	CHECK_U64(st.struct_size, ==, 8);
	for (i = 0; i < 3; i++)
		nova_queue_unref(q[i]);
	nova_queue_unref(NULL);
	CHECK(nova_queue_ref(NULL) == NULL);
	nova_device_close(c.dev);
	return TEST_PASS;
}

static enum test_result exec_queue_limits(void)
{
	struct nova_queue **q, *extra;
	uint64_t max = 0;
	struct ctx c;
	uint64_t i;

	OPEN(&c);
	CHECK_OK(nova_device_get_param(c.dev, NOVA_GETPARAM_MAX_QUEUES, &max));
	CHECK(max > 0);
	if (max > 4096)
		SKIP("MAX_QUEUES is %" PRIu64 ": too many to fill", max);
	q = calloc(max, sizeof(*q));
	CHECK(q);
	for (i = 0; i < max; i++)
		CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &q[i]));
	CHECK_ERR(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &extra), -ENOSPC);
	/* Destroying one makes room again. */
	nova_queue_unref(q[max / 2]);
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_HIGH, &q[max / 2]));
	CHECK_ERR(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &extra), -ENOSPC);
	for (i = 0; i < max; i++)
		nova_queue_unref(q[i]);
	/* A second file has its own limit. */
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &extra));
	nova_queue_unref(extra);
	free(q);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/* --- ordering and independence --------------------------------------------- */

/* Jobs of one queue run in EXEC order: each STOREs its seqno, the last wins. */
static enum test_result exec_order_in_queue(void)
{
	const unsigned int n = 32;
	struct nova_queue_state st = { .struct_size = sizeof(st) };
	struct nova_queue *q;
	struct gbuf b;
	uint64_t seqno = 0;
	struct ctx c;
	unsigned int i;

	OPEN(&c);
	CHECK_OK(gbuf_init(&c, &b, c.align, 0));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &q));
	for (i = 1; i <= n; i++) {
		struct nova_cmdstream *cs;

		CHECK_OK(nova_cmdstream_create(&cs));
		/* The last value first, then a slot of its own: both show order. */
		CHECK_OK(nova_cmdstream_emit_store32(cs, b.va, i));
		CHECK_OK(nova_cmdstream_emit_store32(cs, b.va + 4 * i, 1000 + i));
		CHECK_OK(submit(&c, q, cs, NULL, 0, NULL, 0, &seqno));
		CHECK_U64(seqno, ==, i);
	}
	CHECK_OK(nova_queue_wait(q, n, 30 * SECOND_NS));
	CHECK_U64(b.map[0], ==, n);
	for (i = 1; i <= n; i++)
		CHECK_U64(b.map[i], ==, 1000 + i);
	CHECK_OK(nova_queue_get_state(q, &st));
	CHECK_U64(st.submitted, ==, n);
	CHECK_U64(st.completed, ==, n);
	CHECK_U64(st.state, ==, NOVA_QUEUE_STATE_ACTIVE);
	/* Waiting for an earlier job, and for nothing, is immediate. */
	CHECK_OK(nova_queue_wait(q, 1, 0));
	CHECK_OK(nova_queue_wait(q, 0, 0));
	CHECK_ERR(nova_queue_wait(q, n + 1, 0), -EINVAL);
	nova_queue_unref(q);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/*
 * Queues are independent: A's job WAITs on a semaphore that B's job,
 * submitted later, releases. If A's wait held B up, A would time out.
 */
static enum test_result exec_queues_independent(void)
{
	struct nova_queue *a, *b;
	struct nova_cmdstream *cs;
	uint64_t sa = 0, sb = 0;
	struct gbuf m;
	struct ctx c;

	OPEN(&c);
	CHECK_OK(gbuf_init(&c, &m, c.align, 0));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &a));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &b));
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_wait(cs, m.va, 1, NOVA_CMD_WAIT_EQUAL));
	CHECK_OK(nova_cmdstream_emit_store32(cs, m.va + 4, 0xa));
	CHECK_OK(submit(&c, a, cs, NULL, 0, NULL, 0, &sa));
	/* A is blocked on the semaphore. */
	usleep(50000);
	CHECK_ERR(nova_queue_wait(a, sa, 0), -ETIME);
	CHECK_U64(m.map[1], ==, 0);
	CHECK_OK(submit(&c, b, store32(m.va, 1), NULL, 0, NULL, 0, &sb));
	CHECK_OK(nova_queue_wait(b, sb, 30 * SECOND_NS));
	CHECK_OK(nova_queue_wait(a, sa, 30 * SECOND_NS));
	CHECK_U64(m.map[1], ==, 0xa);
	nova_queue_unref(a);
	nova_queue_unref(b);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/* --- syncobjs ---------------------------------------------------------------- */

/* A binary syncobj orders two queues: B's job waits for A's. */
static enum test_result exec_syncobj_binary(void)
{
	struct nova_sync_point s = { 0 };
	struct nova_queue *a, *b;
	struct nova_cmdstream *cs;
	uint64_t sa, sb;
	int status = 0;
	struct gbuf m;
	struct ctx c;

	OPEN(&c);
	CHECK_OK(gbuf_init(&c, &m, c.align, 0));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &a));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &b));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &s.syncobj));

	/* Without a fence, a wait on it is refused (the header's -EINVAL). */
	CHECK_ERR(submit(&c, b, store32(m.va, 1), &s, 1, NULL, 0, &sb), -EINVAL);
	CHECK_ERR(nova_syncobj_wait(c.dev, &s.syncobj, 1, 0, 0, NULL), -EINVAL);

	/* A: wait for the semaphore, then store; signals s. */
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_wait(cs, m.va, 1, 0));
	CHECK_OK(nova_cmdstream_emit_store32(cs, m.va + 4, 0xa));
	CHECK_OK(submit(&c, a, cs, NULL, 0, &s, 1, &sa));
	/* B waits on s, then stores over A's value. */
	CHECK_OK(submit(&c, b, store32(m.va + 4, 0xb), &s, 1, NULL, 0, &sb));
	usleep(50000);
	CHECK_ERR(nova_syncobj_wait(c.dev, &s.syncobj, 1, 0, 0, NULL), -ETIME);
	CHECK_OK(nova_syncobj_fence_status(c.dev, s.syncobj, 0, &status));
	CHECK_U64(status, ==, 0);
	CHECK_ERR(nova_queue_wait(b, sb, 0), -ETIME);
	/* Release A from the CPU; then B runs. */
	m.map[0] = 1;
	CHECK_OK(nova_queue_wait(b, sb, 30 * SECOND_NS));
	CHECK_U64(m.map[1], ==, 0xb);
	CHECK_OK(nova_syncobj_wait(c.dev, &s.syncobj, 1, 0, 0, NULL));
	CHECK_OK(nova_syncobj_fence_status(c.dev, s.syncobj, 0, &status));
	CHECK_U64(status, ==, 1);
	CHECK_OK(nova_syncobj_destroy(c.dev, s.syncobj));
	CHECK_ERR(nova_syncobj_destroy(c.dev, s.syncobj), -EINVAL);
	nova_queue_unref(a);
	nova_queue_unref(b);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/* Timeline points: signalled by jobs, waited on by jobs and the CPU, queried. */
static enum test_result exec_syncobj_timeline(void)
{
	struct nova_sync_point p3 = { 0 }, p7 = { 0 }, p9 = { 0 };
	struct nova_queue *a, *b;
	struct nova_cmdstream *cs;
	uint64_t last = 0, sb, point;
	uint32_t t;
	struct gbuf m;
	struct ctx c;

	OPEN(&c);
	CHECK_OK(gbuf_init(&c, &m, c.align, 0));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &a));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_HIGH, &b));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &t));
	p3.syncobj = p7.syncobj = p9.syncobj = t;
	p3.point = 3;
	p7.point = 7;
	p9.point = 9;

	/* A point nobody submitted yet cannot be waited for. */
	CHECK_ERR(submit(&c, b, store32(m.va, 1), &p7, 1, NULL, 0, &sb), -EINVAL);

	CHECK_OK(submit(&c, a, store32(m.va, 3), NULL, 0, &p3, 1, NULL));
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_wait(cs, m.va + 8, 1, 0));
	CHECK_OK(nova_cmdstream_emit_store32(cs, m.va, 7));
	CHECK_OK(submit(&c, a, cs, NULL, 0, &p7, 1, NULL));
	/* B waits for point 7, then signals 9. */
	CHECK_OK(submit(&c, b, store32(m.va + 4, 9), &p7, 1, &p9, 1, &sb));
	point = 3;
	CHECK_OK(nova_syncobj_timeline_wait(c.dev, &t, &point, 1, 30 * SECOND_NS, 0, NULL));
	usleep(50000);
	CHECK_OK(nova_syncobj_query(c.dev, &t, &last, 1));
	CHECK_U64(last, ==, 3);
	CHECK_U64(m.map[1], ==, 0);
	point = 9;
	CHECK_ERR(nova_syncobj_timeline_wait(c.dev, &t, &point, 1, 0, 0, NULL), -ETIME);
	m.map[2] = 1;	/* releases A's second job */
	CHECK_OK(nova_syncobj_timeline_wait(c.dev, &t, &point, 1, 30 * SECOND_NS, 0, NULL));
	CHECK_OK(nova_syncobj_query(c.dev, &t, &last, 1));
	CHECK_U64(last, ==, 9);
	CHECK_U64(m.map[0], ==, 7);
	CHECK_U64(m.map[1], ==, 9);
	CHECK_OK(nova_queue_wait(b, sb, 0));
	nova_queue_unref(a);
	nova_queue_unref(b);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/* A fence exported as a sync_file and imported into another syncobj. */
static enum test_result exec_sync_file(void)
{
	struct nova_sync_point s = { 0 }, s2 = { 0 };
	struct nova_queue *q;
	struct pollfd pfd;
	uint64_t seqno;
	int fd, status;
	struct gbuf m;
	struct ctx c;

	OPEN(&c);
	CHECK_OK(gbuf_init(&c, &m, c.align, 0));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &q));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &s.syncobj));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &s2.syncobj));
	CHECK_ERR(nova_syncobj_export_sync_file(c.dev, s.syncobj, &fd), -EINVAL);

	{
		struct nova_cmdstream *cs;

		CHECK_OK(nova_cmdstream_create(&cs));
		CHECK_OK(nova_cmdstream_emit_wait(cs, m.va, 1, 0));
		CHECK_OK(submit(&c, q, cs, NULL, 0, &s, 1, &seqno));
	}
	CHECK_OK(nova_syncobj_export_sync_file(c.dev, s.syncobj, &fd));
	pfd.fd = fd;
	pfd.events = POLLIN;
	CHECK_U64(poll(&pfd, 1, 0), ==, 0);	/* not signalled yet */
	CHECK_OK(nova_syncobj_import_sync_file(c.dev, s2.syncobj, fd));
	/* A job on the imported fence: runs after the first. */
	CHECK_OK(submit(&c, q, store32(m.va + 4, 2), &s2, 1, NULL, 0, &seqno));
	m.map[0] = 1;
	CHECK_U64(poll(&pfd, 1, 30000), ==, 1);
	CHECK_OK(nova_syncobj_wait(c.dev, &s2.syncobj, 1, 30 * SECOND_NS, 0, NULL));
	CHECK_OK(nova_queue_wait(q, seqno, 30 * SECOND_NS));
	CHECK_U64(m.map[1], ==, 2);
	CHECK_OK(nova_syncobj_fence_status(c.dev, s2.syncobj, 0, &status));
	CHECK_U64(status, ==, 1);
	close(fd);
	CHECK_ERR(nova_syncobj_import_sync_file(c.dev, s2.syncobj, -1), -EINVAL);
	nova_queue_unref(q);
	nova_device_close(c.dev);
	return TEST_PASS;
}

static int open_vgem(void)
{
	char path[300];
	struct dirent *e;
	DIR *dir = opendir("/dev/dri");
	int found = -ENODEV;

	if (!dir)
		return -errno;
	while (found < 0 && (e = readdir(dir))) {
		drmVersionPtr v;
		int fd;

		if (strncmp(e->d_name, "card", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, "vgem"))
			found = fd;
		else
			close(fd);
		drmFreeVersion(v);
	}
	closedir(dir);
	return found;
}

/*
 * A fence userspace controls: vgem's, attached to a vgem buffer, exported
 * from its dma-buf as a sync_file and imported into a syncobj. The job
 * that waits for it must not run until the test signals it.
 */
static enum test_result exec_wait_userspace_fence(void)
{
	struct drm_mode_create_dumb dumb = { .width = 1024, .height = 1, .bpp = 32 };
	struct vgem_fence_attach attach = { 0 };
	struct vgem_fence_signal sig = { 0 };
	struct dma_buf_export_sync_file exp = { .flags = DMA_BUF_SYNC_RW, .fd = -1 };
	struct nova_sync_point s = { 0 };
	struct nova_queue_state st = { .struct_size = sizeof(st) };
	struct nova_queue *q;
	int vgem, dmabuf, ret;
	uint64_t seqno;
	struct gbuf m;
	struct ctx c;

	OPEN(&c);
	vgem = open_vgem();
	if (vgem < 0)
		SKIP("no vgem device (%s): load the vgem module", test_errname(vgem));
	CHECK_OK(raw_ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb));
	attach.handle = dumb.handle;
	attach.flags = VGEM_FENCE_WRITE;
	ret = raw_ioctl(vgem, DRM_IOCTL_VGEM_FENCE_ATTACH, &attach);
	if (ret == -ENOTTY || ret == -EINVAL)
		SKIP("vgem has no VGEM_FENCE_ATTACH (%s)", test_errname(ret));
	CHECK_OK(ret);
	CHECK_OK(drmPrimeHandleToFD(vgem, dumb.handle, DRM_CLOEXEC, &dmabuf) ? -errno : 0);
	ret = ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &exp) ? -errno : 0;
	if (ret == -ENOTTY)
		SKIP("the kernel has no DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
	CHECK_OK(ret);

	CHECK_OK(gbuf_init(&c, &m, c.align, 0));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &q));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &s.syncobj));
	CHECK_OK(nova_syncobj_import_sync_file(c.dev, s.syncobj, exp.fd));
	CHECK_OK(submit(&c, q, store32(m.va, 0x5eed), &s, 1, NULL, 0, &seqno));
	usleep(200000);
	CHECK_ERR(nova_queue_wait(q, seqno, 0), -ETIME);
	CHECK_OK(nova_queue_get_state(q, &st));
	CHECK_U64(st.completed, ==, 0);
	CHECK_U64(m.map[0], ==, 0);

	sig.fence = attach.out_fence;
	CHECK_OK(raw_ioctl(vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig));
	CHECK_OK(nova_queue_wait(q, seqno, 30 * SECOND_NS));
	CHECK_U64(m.map[0], ==, 0x5eed);
	close(exp.fd);
	close(dmabuf);
	close(vgem);
	nova_queue_unref(q);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/* --- faults ------------------------------------------------------------------ */

struct fault_case {
	const char *what;
	uint32_t type;
	uint32_t access;
	uint64_t va;		/* expected fault_va */
	struct nova_exec_cmdbuf cmd;
};

/*
 * Submit @f->cmd alone on a new queue with a binary signal; the job must
 * end with the fault's errno on its fence and in nova_queue_wait(), and
 * QUEUE_GET_STATE must report @f.
 */
static enum test_result expect_fault(struct ctx *c, const struct fault_case *f)
{
	struct nova_queue_state st = { .struct_size = sizeof(st) };
	struct nova_sync_point s = { 0 };
	struct nova_queue *q;
	uint64_t seqno = 0;
	int status = 0, want = nova_fault_errno(f->type), ret;

	CHECK_OK(nova_queue_create(c->dev, NOVA_QUEUE_PRIORITY_NORMAL, &q));
	CHECK_OK(nova_syncobj_create(c->dev, 0, &s.syncobj));
	CHECK_OK(nova_queue_exec(q, &f->cmd, 1, NULL, 0, &s, 1, &seqno));
	ret = nova_queue_wait(q, seqno, 60 * SECOND_NS);
	if (ret != want)
		FAIL("%s: the job ended with %s, expected %s", f->what, test_errname(ret),
		     test_errname(want));
	CHECK_OK(nova_syncobj_fence_status(c->dev, s.syncobj, 0, &status));
	if (status != want)
		FAIL("%s: the fence signalled with %s, expected %s", f->what,
		     test_errname(status), test_errname(want));
	CHECK_OK(nova_queue_get_state(q, &st));
	if (st.state != NOVA_QUEUE_STATE_LOST || st.fault_type != f->type ||
	    st.fault_access != f->access || st.fault_va != f->va || st.fault_seqno != seqno ||
	    st.fault_errno != want || st.completed != seqno)
		FAIL("%s: state %u fault %u access %u va 0x%" PRIx64 " seqno %" PRIu64
		     " completed %" PRIu64 ", expected LOST fault %u access %u va 0x%" PRIx64
		     " seqno %" PRIu64, f->what, st.state, st.fault_type, st.fault_access,
		     st.fault_va, st.fault_seqno, st.completed, f->type, f->access, f->va, seqno);
	nova_queue_unref(q);
	return TEST_PASS;
}

/* Upload @cs (freed) with @flags for its mapping; its VA and size. */
static int place(struct ctx *c, struct nova_cmdstream *cs, uint32_t flags,
		 struct nova_exec_cmdbuf *cmd)
{
	struct gbuf b;
	int ret;

	ret = gbuf_init(c, &b, nova_cmdstream_size(cs), 0);
	if (!ret) {
		memcpy((void *)b.map, nova_cmdstream_data(cs), nova_cmdstream_size(cs));
		if (flags)
			ret = nova_vm_map(c->vm, b.bo, 0, b.va, b.size, flags);
	}
	cmd->va = b.va;
	cmd->size = nova_cmdstream_size(cs);
	nova_cmdstream_destroy(cs);
	return ret;
}

static enum test_result exec_faults(void)
{
	struct fault_case f[8];
	struct nova_cmdstream *cs;
	uint64_t h, ms;
	struct gbuf rw, ro;
	unsigned int i, n = 0;
	struct ctx c;
	enum test_result r;

	OPEN(&c);
	CHECK_OK(gbuf_init(&c, &rw, c.align, 0));
	CHECK_OK(gbuf_init(&c, &ro, c.align, NOVA_VM_BIND_MAP_READONLY));
	CHECK_OK(hole(&c, &h));

	/* A write to an unmapped address. */
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_nop(cs));
	CHECK_OK(nova_cmdstream_emit_store64(cs, h + 64, 1));
	f[n] = (struct fault_case){ "unmapped write", NOVA_FAULT_UNMAPPED, NOVA_ACCESS_WRITE, h + 64, { 0, 0 } };
	CHECK_OK(place(&c, cs, 0, &f[n++].cmd));

	/* A read (COPY's source) from an unmapped address. */
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_copy(cs, rw.va, h + 8, 16));
	f[n] = (struct fault_case){ "unmapped read", NOVA_FAULT_UNMAPPED, NOVA_ACCESS_READ, h + 8, { 0, 0 } };
	CHECK_OK(place(&c, cs, 0, &f[n++].cmd));

	/* A write through a READONLY mapping (reading it is fine). */
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_copy(cs, rw.va, ro.va, 16));
	CHECK_OK(nova_cmdstream_emit_store32(cs, ro.va + 12, 1));
	f[n] = (struct fault_case){ "readonly write", NOVA_FAULT_READONLY, NOVA_ACCESS_WRITE,
				    ro.va + 12, { 0, 0 } };
	CHECK_OK(place(&c, cs, 0, &f[n++].cmd));

	/* Commands fetched from a NOEXEC mapping. */
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_nop(cs));
	f[n] = (struct fault_case){ "noexec fetch", NOVA_FAULT_NOEXEC, NOVA_ACCESS_EXEC, 0, { 0, 0 } };
	CHECK_OK(place(&c, cs, NOVA_VM_BIND_MAP_NOEXEC, &f[n].cmd));
	f[n].va = f[n].cmd.va;
	n++;

	/* Commands fetched from nowhere. */
	f[n] = (struct fault_case){ "unmapped fetch", NOVA_FAULT_UNMAPPED, NOVA_ACCESS_EXEC, h,
				    { h, 8 } };
	n++;

	/* An unknown opcode, after a valid command. */
	{
		const uint64_t bad[] = { NOVA_CMD_HEADER(0x7f, 0, 0) };

		CHECK_OK(nova_cmdstream_create(&cs));
		CHECK_OK(nova_cmdstream_emit_store32(cs, rw.va, 1));
		CHECK_OK(nova_cmdstream_emit_raw(cs, bad, 1));
		f[n] = (struct fault_case){ "unknown opcode", NOVA_FAULT_INVALID_COMMAND,
					    NOVA_ACCESS_NONE, 0, { 0, 0 } };
		CHECK_OK(place(&c, cs, 0, &f[n].cmd));
		f[n].va = f[n].cmd.va + 16;
		n++;
	}
	/* A reserved header bit, and a command cut off by the buffer's end. */
	{
		const uint64_t reserved[] = { NOVA_CMD_HEADER(NOVA_CMD_NOP, 0, 0) | 1ull << 20 };
		const uint64_t cut[] = { NOVA_CMD_HEADER(NOVA_CMD_COPY, 0, 0), rw.va, rw.va };

		CHECK_OK(nova_cmdstream_create(&cs));
		CHECK_OK(nova_cmdstream_emit_raw(cs, reserved, 1));
		f[n] = (struct fault_case){ "reserved bit", NOVA_FAULT_INVALID_COMMAND,
					    NOVA_ACCESS_NONE, 0, { 0, 0 } };
		CHECK_OK(place(&c, cs, 0, &f[n].cmd));
		f[n].va = f[n].cmd.va;
		n++;
		CHECK_OK(nova_cmdstream_create(&cs));
		CHECK_OK(nova_cmdstream_emit_raw(cs, cut, 3));
		f[n] = (struct fault_case){ "truncated command", NOVA_FAULT_INVALID_COMMAND,
					    NOVA_ACCESS_NONE, 0, { 0, 0 } };
		CHECK_OK(place(&c, cs, 0, &f[n].cmd));
		f[n].va = f[n].cmd.va;
		n++;
	}
	for (i = 0; i < n; i++) {
		r = expect_fault(&c, &f[i]);
		if (r != TEST_PASS)
			return r;
	}

	/* A WAIT never satisfied: the watchdog, if it is short enough to wait for. */
	ms = job_timeout_ms(&c);
	if (ms && ms <= 30000) {
		struct fault_case t = { "timeout", NOVA_FAULT_TIMEOUT, NOVA_ACCESS_NONE, 0, { 0, 0 } };

		CHECK_OK(nova_cmdstream_create(&cs));
		CHECK_OK(nova_cmdstream_emit_wait(cs, rw.va + 64, 0xdead, NOVA_CMD_WAIT_EQUAL));
		CHECK_OK(place(&c, cs, 0, &t.cmd));
		r = expect_fault(&c, &t);
		if (r != TEST_PASS)
			return r;
	} else {
		fprintf(stderr, "exec_faults: JOB_TIMEOUT_MS is %" PRIu64 ": the timeout fault"
			" is not waited for\n", ms);
	}
	nova_device_close(c.dev);
	return TEST_PASS;
}

/*
 * A lost queue: the jobs queued behind the faulting one end with
 * -ECANCELED without running, EXEC fails with -EIO, other queues go on.
 */
static enum test_result exec_queue_lost(void)
{
	struct nova_queue_state st = { .struct_size = sizeof(st) };
	struct nova_sync_point s = { 0 };
	struct nova_queue *q, *other;
	struct nova_cmdstream *cs;
	uint64_t h, s1, s2, s3;
	int status;
	struct gbuf m;
	struct ctx c;

	OPEN(&c);
	CHECK_OK(gbuf_init(&c, &m, c.align, 0));
	CHECK_OK(hole(&c, &h));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &q));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &other));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &s.syncobj));
	CHECK_OK(submit(&c, q, store32(m.va, 1), NULL, 0, NULL, 0, &s1));
	/* Job 2 waits for the CPU, then faults; job 3 is queued behind it. */
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_wait(cs, m.va + 4, 1, 0));
	CHECK_OK(nova_cmdstream_emit_store32(cs, h, 1));
	CHECK_OK(submit(&c, q, cs, NULL, 0, NULL, 0, &s2));
	CHECK_OK(submit(&c, q, store32(m.va + 8, 3), NULL, 0, &s, 1, &s3));
	CHECK_OK(nova_queue_wait(q, s1, 30 * SECOND_NS));
	m.map[1] = 1;
	CHECK_ERR(nova_queue_wait(q, s2, 30 * SECOND_NS), -EFAULT);
	CHECK_ERR(nova_queue_wait(q, s3, 30 * SECOND_NS), -ECANCELED);
	CHECK_OK(nova_syncobj_fence_status(c.dev, s.syncobj, 0, &status));
	CHECK_ERR(status, -ECANCELED);
	CHECK_U64(m.map[2], ==, 0);	/* job 3 never ran */
	CHECK_OK(nova_queue_get_state(q, &st));
	CHECK_U64(st.state, ==, NOVA_QUEUE_STATE_LOST);
	CHECK_U64(st.fault_seqno, ==, s2);
	CHECK_U64(st.fault_va, ==, h);
	CHECK_U64(st.submitted, ==, s3);
	CHECK_U64(st.completed, ==, s3);
	CHECK_ERR(submit(&c, q, store32(m.va, 4), NULL, 0, NULL, 0, NULL), -EIO);
	CHECK_ERR(nova_queue_exec(q, NULL, 0, NULL, 0, NULL, 0, NULL), -EIO);
	/* The other queue is unaffected. */
	CHECK_OK(submit(&c, other, store32(m.va + 12, 5), NULL, 0, NULL, 0, &s1));
	CHECK_OK(nova_queue_wait(other, s1, 30 * SECOND_NS));
	CHECK_U64(m.map[3], ==, 5);
	CHECK_OK(nova_queue_get_state(other, &st));
	CHECK_U64(st.state, ==, NOVA_QUEUE_STATE_ACTIVE);
	nova_queue_unref(q);	/* a lost queue is destroyed like any other */
	nova_queue_unref(other);
	nova_device_close(c.dev);
	return TEST_PASS;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SECOND_NS + ts.tv_nsec;
}

/*
 * Destroying a queue with a job running (a WAIT nobody releases) and one
 * queued: the running one ends with -ECANCELED, the queued one with
 * -ECANCELED or the scheduler's -ESRCH (the header: which depends on whether
 * it was handed to the engine yet), neither runs, and the destroy is bounded
 * (it does not wait for the job's timeout).
 */
static enum test_result exec_destroy_in_flight(void)
{
	struct nova_sync_point s1 = { 0 }, s2 = { 0 };
	struct nova_queue *q;
	struct nova_cmdstream *cs;
	int64_t t0, took;
	uint64_t ms;
	int status;
	struct gbuf m;
	struct ctx c;

	OPEN(&c);
	ms = job_timeout_ms(&c);
	CHECK_OK(gbuf_init(&c, &m, c.align, 0));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &q));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &s1.syncobj));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &s2.syncobj));
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_wait(cs, m.va, 1, 0));
	CHECK_OK(submit(&c, q, cs, NULL, 0, &s1, 1, NULL));
	CHECK_OK(submit(&c, q, store32(m.va + 4, 1), NULL, 0, &s2, 1, NULL));
	usleep(100000);
	t0 = now_ns();
	nova_queue_unref(q);
	took = now_ns() - t0;
	if (ms && took >= (int64_t)ms * 1000000)
		FAIL("QUEUE_DESTROY took %" PRId64 " ms, the job timeout is %" PRIu64 " ms",
		     took / 1000000, ms);
	CHECK_OK(nova_syncobj_wait(c.dev, &s2.syncobj, 1, 5 * SECOND_NS, 0, NULL));
	CHECK_OK(nova_syncobj_fence_status(c.dev, s1.syncobj, 0, &status));
	CHECK_ERR(status, -ECANCELED);
	/* Handed to the engine: -ECANCELED; still with the scheduler: -ESRCH. */
	CHECK_OK(nova_syncobj_fence_status(c.dev, s2.syncobj, 0, &status));
	if (status != -ECANCELED && status != -ESRCH)
		FAIL("the queued job's fence signalled %s, expected -ECANCELED or -ESRCH",
		     test_errname(status));
	CHECK_U64(m.map[1], ==, 0);
	nova_device_close(c.dev);
	return TEST_PASS;
}

/*
 * Closing the file with a job in flight: the kernel destroys the file's
 * queues, and the job's fence, held outside as a sync_file, signals with
 * -ECANCELED. The case closes the device's fd behind libnova's back, which
 * it may: it runs in a process of its own and calls libnova no more.
 */
static enum test_result exec_close_in_flight(void)
{
	struct nova_sync_point s = { 0 };
	struct sync_probe { struct pollfd pfd; } p;
	struct nova_queue *q;
	struct nova_cmdstream *cs;
	struct gbuf m;
	struct ctx c;
	int fd;

	OPEN(&c);
	CHECK_OK(gbuf_init(&c, &m, c.align, 0));
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &q));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &s.syncobj));
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_wait(cs, m.va, 1, 0));
	CHECK_OK(submit(&c, q, cs, NULL, 0, &s, 1, NULL));
	CHECK_OK(nova_syncobj_export_sync_file(c.dev, s.syncobj, &fd));
	usleep(100000);
	p.pfd.fd = fd;
	p.pfd.events = POLLIN;
	CHECK_U64(poll(&p.pfd, 1, 0), ==, 0);
	/* CPU mappings hold the file too: only the fd may hold it. */
	CHECK_OK(nova_bo_unmap(m.bo));
	CHECK_OK(nova_bo_unmap(nova_cmdbuf_bo(last_cb)));
	close(nova_device_fd(c.dev));
	CHECK_U64(poll(&p.pfd, 1, 5000), ==, 1);
	{
		struct nova_device *probe;
		int status = 0;

		/* Read the error through a syncobj of a fresh file. */
		CHECK_OK(nova_device_open(&probe));
		CHECK_OK(nova_syncobj_create(probe, 0, &s.syncobj));
		CHECK_OK(nova_syncobj_import_sync_file(probe, s.syncobj, fd));
		CHECK_OK(nova_syncobj_fence_status(probe, s.syncobj, 0, &status));
		CHECK_ERR(status, -ECANCELED);
	}
	close(fd);
	return TEST_PASS;
}

/* libnova's own checks, before the kernel is called. */
static enum test_result exec_lib_errors(void)
{
	struct nova_sync_point bad = { .syncobj = 1, .pad = 1 }, *many;
	struct nova_queue *q;
	uint64_t max = 0;
	struct ctx c;
	uint32_t i, t;

	OPEN(&c);
	CHECK_OK(nova_queue_create(c.dev, NOVA_QUEUE_PRIORITY_NORMAL, &q));
	CHECK_ERR(nova_queue_exec(NULL, NULL, 0, NULL, 0, NULL, 0, NULL), -EINVAL);
	CHECK_ERR(nova_queue_exec(q, NULL, 1, NULL, 0, NULL, 0, NULL), -EINVAL);
	CHECK_ERR(nova_queue_exec(q, NULL, 0, NULL, 1, NULL, 0, NULL), -EINVAL);
	CHECK_ERR(nova_queue_exec(q, NULL, 0, NULL, 0, NULL, 1, NULL), -EINVAL);
	CHECK_ERR(nova_queue_exec(q, NULL, 0, &bad, 1, NULL, 0, NULL), -EINVAL);
	CHECK_ERR(nova_queue_exec(q, NULL, 0, NULL, 0, &bad, 1, NULL), -EINVAL);
	/* The queue's own signal takes one of EXEC_MAX_SYNCS. */
	CHECK_OK(nova_device_get_param(c.dev, NOVA_GETPARAM_EXEC_MAX_SYNCS, &max));
	CHECK_OK(nova_syncobj_create(c.dev, 0, &t));
	many = calloc(max, sizeof(*many));
	CHECK(many);
	for (i = 0; i < max; i++) {
		many[i].syncobj = t;
		many[i].point = i + 1;
	}
	CHECK_ERR(nova_queue_exec(q, NULL, 0, NULL, 0, many, (uint32_t)max, NULL), -E2BIG);
	CHECK_OK(nova_queue_exec(q, NULL, 0, NULL, 0, many, (uint32_t)max - 1, NULL));
	CHECK_OK(nova_queue_wait(q, 1, 30 * SECOND_NS));
	/* A job without command buffers still signals. */
	CHECK_OK(nova_syncobj_query(c.dev, &t, &max, 1));
	CHECK(max >= 1);
	CHECK_ERR(nova_queue_wait(NULL, 1, 0), -EINVAL);
	CHECK_ERR(nova_queue_get_state(NULL, NULL), -EINVAL);
	CHECK_ERR(nova_syncobj_create(NULL, 0, &t), -EINVAL);
	CHECK_ERR(nova_syncobj_wait(c.dev, NULL, 1, 0, 0, NULL), -EINVAL);
	{
		int st;

		CHECK_ERR(nova_syncobj_fence_status(c.dev, 0xffffff, 0, &st), -ENOENT);
	}
	CHECK(nova_fault_name(NOVA_FAULT_READONLY) && !strcmp(nova_fault_name(2), "READONLY"));
	CHECK(nova_fault_name(6) == NULL);
	CHECK_ERR(nova_fault_errno(NOVA_FAULT_TIMEOUT), -ETIMEDOUT);
	free(many);
	nova_queue_unref(q);
	nova_device_close(c.dev);
	return TEST_PASS;
}

const struct test_case exec_tests[] = {
	{ "exec_queue_create_destroy", exec_queue_create_destroy, TEST_NEEDS_DEVICE },
	{ "exec_queue_limits", exec_queue_limits, TEST_NEEDS_DEVICE },
	{ "exec_order_in_queue", exec_order_in_queue, TEST_NEEDS_DEVICE },
	{ "exec_queues_independent", exec_queues_independent, TEST_NEEDS_DEVICE },
	{ "exec_syncobj_binary", exec_syncobj_binary, TEST_NEEDS_DEVICE },
	{ "exec_syncobj_timeline", exec_syncobj_timeline, TEST_NEEDS_DEVICE },
	{ "exec_sync_file", exec_sync_file, TEST_NEEDS_DEVICE },
	{ "exec_wait_userspace_fence", exec_wait_userspace_fence, TEST_NEEDS_DEVICE },
	{ "exec_faults", exec_faults, TEST_NEEDS_DEVICE },
	{ "exec_queue_lost", exec_queue_lost, TEST_NEEDS_DEVICE },
	{ "exec_destroy_in_flight", exec_destroy_in_flight, TEST_NEEDS_DEVICE },
	{ "exec_close_in_flight", exec_close_in_flight, TEST_NEEDS_DEVICE },
	{ "exec_lib_errors", exec_lib_errors, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

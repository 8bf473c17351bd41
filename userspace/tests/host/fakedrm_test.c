// SPDX-License-Identifier: MIT
/*
 * nova-fakedrm-test - the real libnova.so on a fake nova kernel, on the host.
 *
 * This program defines drmIoctl(), drmGetVersion(), drmFreeVersion() and
 * drmGetDeviceNameFromFd2(); libnova.so calls them through its PLT, so the
 * program's definitions replace libdrm's (see the Makefile). A device is
 * "opened" with nova_device_open_fd() on /dev/null and every ioctl lands in
 * the fake below, which can play upstream Linux's nova, a uAPI version 1
 * nova, a version 2 nova with VM_BIND, or a version 5 nova with
 * asynchronous VM_BIND, and records the VM_BIND calls libnova makes (which
 * request, the header, the operations and sync elements) so that their
 * exact layout can be checked. drmSyncobj*() are faked too, as far as the
 * VA heap's deferred free uses them: fences are numbers the test signals.
 *
 * What only a real kernel can tell (the semantics of the operations) is
 * nova-libtest's job in the guest; this covers the library's own logic:
 * tolerant opening, the parameter cache, the VM's availability, the batch
 * rules (-E2BIG, sticky errors, one call per batch) and the VA heap's lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include <nova/nova.h>
#include "nova_drm.h"

#include "host.h"

const char host_suite_name[] = "fakedrm";

#define PAGE		4096ull
#define MAX_PARAMS	24
#define RECORD_OPS	(1u << 17)
#define RECORD_SYNCS	16
#define FAKE_SYNCOBJS	16	/* handles 1 .. FAKE_SYNCOBJS - 1 */
#define FAKE_POINTS	64
#define FAKE_FENCES	64


/* --- the fake kernel -------------------------------------------------------- */

static struct fake {
	const char *driver;		/* what DRM_IOCTL_VERSION names */
	struct {
		uint64_t id;
		uint64_t value;
		int error;		/* returned instead, when non-zero */
	} params[MAX_PARAMS];
	unsigned int nparams;
	unsigned int getparam_calls;
	uint64_t queried[64];		/* the params asked, in order */
	uint32_t next_handle;
	unsigned int create_calls;
	unsigned int close_calls;
	uint32_t last_closed;
	int bind_error;			/* what VM_BIND returns */
	uint32_t bind_failed_op;	/* ... and reports, version 5 request only */
	unsigned int bind_calls;
	unsigned long bind_request;	/* the last call's request */
	struct drm_nova_vm_bind bind;	/* ... its arguments */
	struct drm_nova_vm_bind_op *ops;	/* ... its operations */
	struct drm_nova_sync syncs[RECORD_SYNCS];	/* ... its sync elements */
	/*
	 * Syncobjs: fence[h] is the fence of binary syncobj h (0: none);
	 * timeline h's point p has fence point[h][p]. Fence f signalled
	 * when signalled[f].
	 */
	bool live[FAKE_SYNCOBJS];
	uint32_t fence[FAKE_SYNCOBJS];
	uint32_t point[FAKE_SYNCOBJS][FAKE_POINTS];
	bool signalled[FAKE_FENCES];
	uint32_t next_fence;
	unsigned int syncobj_destroys;
} fake;

static void fake_param(uint64_t id, uint64_t value, int error)
{
	unsigned int i;

	for (i = 0; i < fake.nparams && fake.params[i].id != id; i++)
		;
	if (i == fake.nparams)
		fake.nparams++;
	fake.params[i].id = id;
	fake.params[i].value = value;
	fake.params[i].error = error;
}

/* Upstream Linux's nova: VRAM_BAR_SIZE, and nothing else. */
static void fake_upstream(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.driver = "nova";
	fake.next_handle = 1;
	fake_param(NOVA_GETPARAM_VRAM_BAR_SIZE, 256 << 20, 0);
}

static void fake_v1(void)
{
	fake_upstream();
	fake_param(NOVA_GETPARAM_VRAM_BAR_SIZE, 0, 0);
	fake_param(NOVA_GETPARAM_UAPI_VERSION, 1, 0);
	fake_param(NOVA_GETPARAM_MAX_OBJECT_SIZE, 64 << 20, 0);
	fake_param(NOVA_GETPARAM_PAGE_SIZE, PAGE, 0);
	fake_param(NOVA_GETPARAM_OBJECT_BUDGET, 256 << 20, 0);
}

#define FAKE_VA_START	(1ull << 20)
#define FAKE_VA_SIZE	((1ull << 47) - (1ull << 20))
#define FAKE_MAX_OPS	4096

static void fake_v2(void)
{
	fake_v1();
	fake_param(NOVA_GETPARAM_UAPI_VERSION, 2, 0);
	fake_param(NOVA_GETPARAM_VA_START, FAKE_VA_START, 0);
	fake_param(NOVA_GETPARAM_VA_SIZE, FAKE_VA_SIZE, 0);
	fake_param(NOVA_GETPARAM_VA_ALIGNMENT, PAGE, 0);
	fake_param(NOVA_GETPARAM_VM_BIND_MAX_OPS, FAKE_MAX_OPS, 0);
}

/* Asynchronous VM_BIND. */
#define FAKE_MAX_SYNCS	8

static void fake_v5(void)
{
	fake_v2();
	fake_param(NOVA_GETPARAM_UAPI_VERSION, 5, 0);
	fake_param(NOVA_GETPARAM_EXEC_MAX_SYNCS, FAKE_MAX_SYNCS, 0);
}

/* A binary syncobj holding a new, unsignalled fence; returns the handle. */
static uint32_t fake_syncobj_with_fence(uint32_t *fence)
{
	uint32_t h;

	for (h = 1; h < FAKE_SYNCOBJS && fake.live[h]; h++)
		;
	fake.live[h] = true;
	fake.fence[h] = ++fake.next_fence;
	if (fence)
		*fence = fake.fence[h];
	return h;
}

static bool was_queried(uint64_t id)
{
	unsigned int i;

	for (i = 0; i < fake.getparam_calls && i < 64; i++) {
		if (fake.queried[i] == id)
			return true;
	}
	return false;
}

static int fake_getparam(struct drm_nova_getparam *args)
{
	unsigned int i;

	if (fake.getparam_calls < 64)
		fake.queried[fake.getparam_calls] = args->param;
	fake.getparam_calls++;

	for (i = 0; i < fake.nparams; i++) {
		if (fake.params[i].id != args->param)
			continue;
		if (fake.params[i].error)
			return fake.params[i].error;
		args->value = fake.params[i].value;
		return 0;
	}
	return -EINVAL;
}

static int fake_vm_bind(unsigned long request, struct drm_nova_vm_bind *args)
{
	const char *src = (const char *)(uintptr_t)args->ops;
	const char *syncs = (const char *)(uintptr_t)args->syncs;
	uint32_t i;

	fake.bind_calls++;
	fake.bind_request = request;
	memset(&fake.bind, 0, sizeof(fake.bind));
	/* Only the size the request names is the kernel's to read. */
	memcpy(&fake.bind, args, request == DRM_IOCTL_NOVA_VM_BIND_V2 ? _IOC_SIZE(request) : sizeof(*args));
	for (i = 0; request != DRM_IOCTL_NOVA_VM_BIND_V2 && i < args->sync_count && i < RECORD_SYNCS; i++)
		memcpy(&fake.syncs[i], syncs + (size_t)i * args->sync_stride,
		       sizeof(fake.syncs[i]));
	if (request != DRM_IOCTL_NOVA_VM_BIND_V2)
		args->failed_op = fake.bind_error ? fake.bind_failed_op : NOVA_VM_BIND_NO_OP;
	if (!fake.ops)
		fake.ops = calloc(RECORD_OPS, sizeof(*fake.ops));
	if (!fake.ops)
		return -ENOMEM;
	for (i = 0; i < args->op_count && i < RECORD_OPS; i++)
		memcpy(&fake.ops[i], src + (size_t)i * args->op_stride,
		       sizeof(fake.ops[i]));
	return fake.bind_error;
}

int drmIoctl(int fd, unsigned long request, void *arg)
{
	int ret;

	(void)fd;
	switch (request) {
	case DRM_IOCTL_NOVA_GETPARAM:
		ret = fake_getparam(arg);
		break;
	case DRM_IOCTL_NOVA_GEM_CREATE: {
		struct drm_nova_gem_create *args = arg;

		args->handle = fake.next_handle++;
		args->size = (args->size + PAGE - 1) & ~(PAGE - 1);
		fake.create_calls++;
		ret = 0;
		break;
	}
	case DRM_IOCTL_GEM_CLOSE:
		fake.close_calls++;
		fake.last_closed = ((struct drm_gem_close *)arg)->handle;
		ret = 0;
		break;
	case DRM_IOCTL_PRIME_FD_TO_HANDLE: {
		/* The fake's dma-bufs: fd N is the object of handle 1000 + N. */
		struct drm_prime_handle *args = arg;

		args->handle = 1000u + (uint32_t)args->fd;
		ret = 0;
		break;
	}
	case DRM_IOCTL_PRIME_HANDLE_TO_FD: {
		struct drm_prime_handle *args = arg;

		args->fd = (int)args->handle + 500;
		ret = 0;
		break;
	}
	case DRM_IOCTL_NOVA_GEM_INFO: {
		struct drm_nova_gem_info *args = arg;

		args->size = 3 * PAGE;
		ret = 0;
		break;
	}
	case DRM_IOCTL_NOVA_VM_BIND:
	case DRM_IOCTL_NOVA_VM_BIND_V2:
		ret = fake_vm_bind(request, arg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}

	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

drmVersionPtr drmGetVersion(int fd)
{
	drmVersionPtr v;

	(void)fd;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->version_major = 0;
	v->version_minor = 2;
	v->name = strdup(fake.driver);
	v->name_len = (int)strlen(fake.driver);
	v->date = strdup("20250101");
	v->desc = strdup("fake nova");
	return v;
}

void drmFreeVersion(drmVersionPtr v)
{
	if (!v)
		return;
	free(v->name);
	free(v->date);
	free(v->desc);
	free(v);
}

char *drmGetDeviceNameFromFd2(int fd)
{
	(void)fd;
	return NULL;
}

/* libdrm returns -errno and sets errno; so does the fake. */
static int syncobj_ret(int err)
{
	errno = -err;
	return err;
}

int drmSyncobjCreate(int fd, uint32_t flags, uint32_t *handle)
{
	uint32_t h;

	(void)fd;
	(void)flags;
	for (h = 1; h < FAKE_SYNCOBJS && fake.live[h]; h++)
		;
	if (h == FAKE_SYNCOBJS)
		return syncobj_ret(-ENOMEM);
	fake.live[h] = true;
	fake.fence[h] = 0;
	memset(fake.point[h], 0, sizeof(fake.point[h]));
	*handle = h;
	return 0;
}

int drmSyncobjDestroy(int fd, uint32_t handle)
{
	(void)fd;
	if (handle >= FAKE_SYNCOBJS || !fake.live[handle])
		return syncobj_ret(-ENOENT);
	fake.live[handle] = false;
	fake.syncobj_destroys++;
	return 0;
}

/* The fence of @h at @point (0: binary), or 0 for none. */
static uint32_t fake_fence_of(uint32_t h, uint64_t point)
{
	if (point >= FAKE_POINTS)
		return 0;
	return point ? fake.point[h][point] : fake.fence[h];
}

int drmSyncobjTransfer(int fd, uint32_t dst_handle, uint64_t dst_point,
		       uint32_t src_handle, uint64_t src_point, uint32_t flags)
{
	uint32_t f;

	(void)fd;
	if (dst_handle >= FAKE_SYNCOBJS || !fake.live[dst_handle] ||
	    src_handle >= FAKE_SYNCOBJS || !fake.live[src_handle])
		return syncobj_ret(-ENOENT);
	f = fake_fence_of(src_handle, src_point);
	if (!f || flags || !dst_point || dst_point >= FAKE_POINTS)
		return syncobj_ret(-EINVAL);
	fake.point[dst_handle][dst_point] = f;
	return 0;
}

/* The highest point p of @h such that the points 1 .. p have all signalled. */
static uint64_t fake_signalled_prefix(uint32_t h)
{
	uint64_t p;

	for (p = 1; p < FAKE_POINTS && fake.point[h][p] && fake.signalled[fake.point[h][p]]; p++)
		;
	return p - 1;
}

int drmSyncobjQuery(int fd, uint32_t *handles, uint64_t *points, uint32_t count)
{
	uint32_t i;

	(void)fd;
	for (i = 0; i < count; i++) {
		if (handles[i] >= FAKE_SYNCOBJS || !fake.live[handles[i]])
			return syncobj_ret(-ENOENT);
		points[i] = fake_signalled_prefix(handles[i]);
	}
	return 0;
}

/* Never blocks: the test signals from the same thread. */
int drmSyncobjTimelineWait(int fd, uint32_t *handles, uint64_t *points,
			   unsigned int num_handles, int64_t timeout_nsec,
			   unsigned int flags, uint32_t *first_signaled)
{
	(void)fd;
	(void)timeout_nsec;
	(void)flags;
	(void)first_signaled;
	if (num_handles != 1 || handles[0] >= FAKE_SYNCOBJS || !fake.live[handles[0]])
		return syncobj_ret(-EINVAL);
	return fake_signalled_prefix(handles[0]) >= points[0] ? 0 : syncobj_ret(-ETIME);
}

/* --- helpers ------------------------------------------------------------------ */

static int open_fake(struct nova_device **dev)
{
	int fd, ret;

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = nova_device_open_fd(fd, dev);
	close(fd);
	return ret;
}

#define OPEN_FAKE(dev)	CHECK_OK(open_fake(dev))

/* --- opening and parameters ---------------------------------------------------- */

static enum test_result fake_upstream_nova_opens(void)
{
	struct nova_device *dev;
	struct nova_vm *vm = (struct nova_vm *)&vm;
	unsigned int calls;
	uint64_t value;

	fake_upstream();
	OPEN_FAKE(&dev);

	CHECK_U64(nova_device_uapi_version(dev), ==, 0);
	/* Only what version 0 has, plus the question of the version. */
	CHECK(was_queried(NOVA_GETPARAM_UAPI_VERSION));
	CHECK(was_queried(NOVA_GETPARAM_VRAM_BAR_SIZE));
	CHECK_U64(fake.getparam_calls, ==, 2);

	calls = fake.getparam_calls;
	CHECK_OK(nova_device_get_param(dev, NOVA_GETPARAM_VRAM_BAR_SIZE, &value));
	CHECK_U64(value, ==, 256 << 20);
	CHECK_U64(fake.getparam_calls, ==, calls);	/* from the cache */

	/* Unknown parameters go to the kernel, which says -EINVAL. */
	CHECK_ERR(nova_device_get_param(dev, NOVA_GETPARAM_PAGE_SIZE, &value), -EINVAL);
	CHECK_ERR(nova_device_get_param(dev, NOVA_GETPARAM_UAPI_VERSION, &value), -EINVAL);
	CHECK_ERR(nova_device_get_param(dev, NOVA_GETPARAM_VA_START, &value), -EINVAL);
	CHECK_U64(fake.getparam_calls, ==, calls + 3);

	CHECK_ERR(nova_device_get_vm(dev, &vm), -EOPNOTSUPP);
	CHECK(vm == NULL);
	CHECK(strcmp(nova_device_driver_name(dev), "nova") == 0);

	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result fake_uapi_version_errors(void)
{
	struct nova_device *dev;

	/* A driver that answers UAPI_VERSION starts at 1. */
	fake_v1();
	fake_param(NOVA_GETPARAM_UAPI_VERSION, 0, 0);
	CHECK_ERR(open_fake(&dev), -EPROTO);
	CHECK(dev == NULL);

	/* Failures other than "unknown parameter" say nothing about the driver. */
	fake_v1();
	fake_param(NOVA_GETPARAM_UAPI_VERSION, 0, -EIO);
	CHECK_ERR(open_fake(&dev), -EIO);

	fake_v1();
	fake.driver = "virtio_gpu";
	CHECK_ERR(open_fake(&dev), -ENODEV);
	return TEST_PASS;
}

static enum test_result fake_v1_has_no_vm(void)
{
	struct nova_device *dev;
	struct nova_vm *vm;
	uint64_t value;

	fake_v1();
	OPEN_FAKE(&dev);
	CHECK_U64(nova_device_uapi_version(dev), ==, 1);
	CHECK(!was_queried(NOVA_GETPARAM_VA_START));	/* version 2 only */
	CHECK_OK(nova_device_get_param(dev, NOVA_GETPARAM_PAGE_SIZE, &value));
	CHECK_U64(value, ==, PAGE);
	CHECK_ERR(nova_device_get_vm(dev, &vm), -EOPNOTSUPP);
	CHECK_ERR(nova_device_get_param(dev, NOVA_GETPARAM_VA_START, &value), -EINVAL);
	nova_device_close(dev);

	/* A version 1 parameter that fails leaves it unknown, not the open. */
	fake_v1();
	fake_param(NOVA_GETPARAM_OBJECT_BUDGET, 0, -EINVAL);
	OPEN_FAKE(&dev);
	CHECK_ERR(nova_device_get_param(dev, NOVA_GETPARAM_OBJECT_BUDGET, &value), -EINVAL);
	nova_device_close(dev);
	return TEST_PASS;
}

/* Version 2 whose VA parameters fail or make no sense: no VM, but it opens. */
static enum test_result fake_v2_unusable_va_params(void)
{
	static const struct {
		uint64_t id;
		uint64_t value;
		int error;
	} cases[] = {
		{ NOVA_GETPARAM_VA_START, 0, -EINVAL },
		{ NOVA_GETPARAM_VA_SIZE, 0, -EINVAL },
		{ NOVA_GETPARAM_VA_ALIGNMENT, 0, -EFAULT },
		{ NOVA_GETPARAM_VM_BIND_MAX_OPS, 0, -EINVAL },
		{ NOVA_GETPARAM_VA_SIZE, 0, 0 },
		{ NOVA_GETPARAM_VA_ALIGNMENT, 0, 0 },
		{ NOVA_GETPARAM_VA_ALIGNMENT, 3 * PAGE, 0 },
		{ NOVA_GETPARAM_VA_ALIGNMENT, 1ull << 21, 0 },	/* does not divide VA_START */
		{ NOVA_GETPARAM_VA_START, PAGE + 1, 0 },
		{ NOVA_GETPARAM_VA_SIZE, ~0ull - PAGE + 1, 0 },	/* ends past 2^64 - 1 */
		{ NOVA_GETPARAM_VM_BIND_MAX_OPS, 0, 0 },
	};
	struct nova_device *dev;
	struct nova_vm *vm;
	uint64_t value;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_v2();
		fake_param(cases[i].id, cases[i].value, cases[i].error);
		if (open_fake(&dev))
			FAIL("case %u: open failed", i);
		CHECK_U64(nova_device_uapi_version(dev), ==, 2);
		if (nova_device_get_vm(dev, &vm) != -EOPNOTSUPP)
			FAIL("case %u (param 0x%" PRIx64 " = 0x%" PRIx64 ", error %s): "
			     "nova_device_get_vm() did not say -EOPNOTSUPP", i,
			     cases[i].id, cases[i].value, test_errname(cases[i].error));
		CHECK_OK(nova_device_get_param(dev, NOVA_GETPARAM_PAGE_SIZE, &value));
		nova_device_close(dev);
	}
	return TEST_PASS;
}

static enum test_result fake_v2_vm(void)
{
	struct nova_device *dev;
	struct nova_vm *vm, *again;
	unsigned int calls;
	uint64_t value;

	fake_v2();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_device_get_vm(dev, &again));
	CHECK(vm == again);
	CHECK(nova_vm_device(vm) == dev);
	CHECK_U64(nova_vm_va_start(vm), ==, FAKE_VA_START);
	CHECK_U64(nova_vm_va_size(vm), ==, FAKE_VA_SIZE);
	CHECK_U64(nova_vm_va_alignment(vm), ==, PAGE);
	CHECK_U64(nova_vm_max_ops(vm), ==, FAKE_MAX_OPS);

	/* The VA parameters are cached like the others. */
	calls = fake.getparam_calls;
	CHECK_OK(nova_device_get_param(dev, NOVA_GETPARAM_VM_BIND_MAX_OPS, &value));
	CHECK_U64(value, ==, FAKE_MAX_OPS);
	CHECK_U64(fake.getparam_calls, ==, calls);
	nova_device_close(dev);

	/* A limit above what op_count can carry is capped. */
	fake_v2();
	fake_param(NOVA_GETPARAM_VM_BIND_MAX_OPS, 1ull << 40, 0);
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_U64(nova_vm_max_ops(vm), ==, UINT32_MAX);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result fake_vm_null_args(void)
{
	struct nova_vm_bind_batch *batch = (struct nova_vm_bind_batch *)&batch;
	struct nova_vm *vm = (struct nova_vm *)&vm;
	struct nova_device *dev;
	struct nova_bo *bo;
	uint64_t va;

	CHECK_ERR(nova_device_get_vm(NULL, &vm), -EINVAL);
	CHECK(vm == NULL);
	CHECK(nova_device_uapi_version(NULL) == 0);
	CHECK(nova_vm_device(NULL) == NULL);
	CHECK(nova_vm_va_start(NULL) == 0);
	CHECK(nova_vm_va_size(NULL) == 0);
	CHECK(nova_vm_va_alignment(NULL) == 0);
	CHECK(nova_vm_max_ops(NULL) == 0);
	CHECK_ERR(nova_vm_va_alloc(NULL, PAGE, 0, &va), -EINVAL);
	CHECK_ERR(nova_vm_va_alloc_addr(NULL, FAKE_VA_START, PAGE), -EINVAL);
	CHECK_ERR(nova_vm_va_free(NULL, FAKE_VA_START, PAGE), -EINVAL);
	CHECK_ERR(nova_vm_unmap(NULL, FAKE_VA_START, PAGE), -EINVAL);
	CHECK_ERR(nova_vm_map(NULL, NULL, 0, FAKE_VA_START, PAGE, 0), -EINVAL);
	CHECK_ERR(nova_vm_bind_begin(NULL, &batch), -EINVAL);
	CHECK(batch == NULL);
	CHECK_ERR(nova_vm_bind_add_map(NULL, NULL, 0, 0, PAGE, 0), -EINVAL);
	CHECK_ERR(nova_vm_bind_add_unmap(NULL, 0, PAGE), -EINVAL);
	CHECK(nova_vm_bind_count(NULL) == 0);
	CHECK_ERR(nova_vm_bind_submit(NULL), -EINVAL);
	nova_vm_bind_abort(NULL);

	fake_v2();
	OPEN_FAKE(&dev);
	CHECK_ERR(nova_device_get_vm(dev, NULL), -EINVAL);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_ERR(nova_vm_va_alloc(vm, PAGE, 0, NULL), -EINVAL);
	CHECK_ERR(nova_vm_map(vm, NULL, 0, FAKE_VA_START, PAGE, 0), -EINVAL);
	CHECK_ERR(nova_vm_bind_begin(vm, NULL), -EINVAL);
	CHECK_OK(nova_bo_create(dev, PAGE, &bo));
	CHECK_U64(fake.bind_calls, ==, 0);
	nova_bo_destroy(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

/* --- the VM_BIND calls libnova makes --------------------------------------------- */

static enum test_result check_header(uint32_t count)
{
	CHECK_U64(fake.bind.vm_id, ==, 0);
	CHECK_U64(fake.bind.flags, ==, 0);
	CHECK_U64(fake.bind.op_count, ==, count);
	CHECK_U64(fake.bind.op_stride, ==, sizeof(struct drm_nova_vm_bind_op));
	CHECK_U64(fake.bind.op_stride, ==, 40);
	CHECK(fake.bind.ops != 0);
	return TEST_PASS;
}

#define CHECK_HEADER(count)						\
	do {								\
		if (check_header(count) != TEST_PASS)			\
			return TEST_FAIL;				\
	} while (0)

#define CHECK_OP(i, op_, flags_, handle_, bo_offset_, va_, range_)	\
	do {								\
		const struct drm_nova_vm_bind_op *o_ = &fake.ops[i];	\
		CHECK_U64(o_->op, ==, op_);				\
		CHECK_U64(o_->flags, ==, flags_);			\
		CHECK_U64(o_->handle, ==, handle_);			\
		CHECK_U64(o_->pad, ==, 0);				\
		CHECK_U64(o_->bo_offset, ==, bo_offset_);		\
		CHECK_U64(o_->va, ==, va_);				\
		CHECK_U64(o_->range, ==, range_);			\
	} while (0)

static enum test_result fake_vm_map_unmap_calls(void)
{
	struct nova_device *dev;
	struct nova_vm *vm;
	struct nova_bo *bo;
	uint32_t h;

	fake_v2();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_bo_create(dev, 4 * PAGE, &bo));
	h = nova_bo_handle(bo);

	CHECK_OK(nova_vm_map(vm, bo, PAGE, 1ull << 30, 2 * PAGE,
			     NOVA_VM_BIND_MAP_READONLY));
	CHECK_U64(fake.bind_calls, ==, 1);
	CHECK_HEADER(1);
	CHECK_OP(0, NOVA_VM_BIND_OP_MAP, NOVA_VM_BIND_MAP_READONLY, h, PAGE,
		 1ull << 30, 2 * PAGE);

	CHECK_OK(nova_vm_unmap(vm, 1ull << 30, PAGE));
	CHECK_U64(fake.bind_calls, ==, 2);
	CHECK_HEADER(1);
	CHECK_OP(0, NOVA_VM_BIND_OP_UNMAP, 0, 0, 0, 1ull << 30, PAGE);

	/* No checks of its own: what the kernel says is returned as it is. */
	CHECK_OK(nova_vm_map(vm, bo, 1, 3, 0, 0x80));
	CHECK_U64(fake.bind_calls, ==, 3);
	CHECK_OP(0, NOVA_VM_BIND_OP_MAP, 0x80, h, 1, 3, 0);
	fake.bind_error = -ENOENT;
	CHECK_ERR(nova_vm_map(vm, bo, 0, 1ull << 30, PAGE, 0), -ENOENT);
	fake.bind_error = -EINVAL;
	CHECK_ERR(nova_vm_unmap(vm, 1ull << 30, PAGE), -EINVAL);
	fake.bind_error = -ENOMEM;
	CHECK_ERR(nova_vm_unmap(vm, 1ull << 30, PAGE), -ENOMEM);

	nova_bo_destroy(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result fake_vm_batch_one_call(void)
{
	struct nova_vm_bind_batch *batch;
	struct nova_device *dev;
	struct nova_vm *vm;
	struct nova_bo *a, *b;

	fake_v2();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_bo_create(dev, 4 * PAGE, &a));
	CHECK_OK(nova_bo_create(dev, 4 * PAGE, &b));

	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_U64(nova_vm_bind_count(batch), ==, 0);
	CHECK_OK(nova_vm_bind_add_map(batch, a, 0, 1ull << 30, 4 * PAGE, 0));
	CHECK_OK(nova_vm_bind_add_unmap(batch, (1ull << 30) + PAGE, PAGE));
	CHECK_OK(nova_vm_bind_add_map(batch, b, 2 * PAGE, (1ull << 30) + PAGE, PAGE,
				      NOVA_VM_BIND_MAP_NOEXEC));
	CHECK_U64(nova_vm_bind_count(batch), ==, 3);
	CHECK_U64(fake.bind_calls, ==, 0);	/* nothing before submit */
	CHECK_OK(nova_vm_bind_submit(batch));

	CHECK_U64(fake.bind_calls, ==, 1);
	CHECK_HEADER(3);
	CHECK_OP(0, NOVA_VM_BIND_OP_MAP, 0, nova_bo_handle(a), 0, 1ull << 30, 4 * PAGE);
	CHECK_OP(1, NOVA_VM_BIND_OP_UNMAP, 0, 0, 0, (1ull << 30) + PAGE, PAGE);
	CHECK_OP(2, NOVA_VM_BIND_OP_MAP, NOVA_VM_BIND_MAP_NOEXEC, nova_bo_handle(b),
		 2 * PAGE, (1ull << 30) + PAGE, PAGE);

	/* The kernel's error comes back, and the batch is gone either way. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
	fake.bind_error = -EINVAL;
	CHECK_ERR(nova_vm_bind_submit(batch), -EINVAL);
	CHECK_U64(fake.bind_calls, ==, 2);
	fake.bind_error = 0;

	/* An empty batch does not bother the kernel; an aborted one neither. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_submit(batch));
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
	nova_vm_bind_abort(batch);
	CHECK_U64(fake.bind_calls, ==, 2);

	nova_bo_destroy(a);
	nova_bo_destroy(b);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result fake_vm_batch_max_ops(void)
{
	struct nova_vm_bind_batch *batch;
	struct nova_device *dev;
	struct nova_vm *vm;
	struct nova_bo *bo;
	unsigned int i;

	fake_v2();
	fake_param(NOVA_GETPARAM_VM_BIND_MAX_OPS, 5, 0);
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_bo_create(dev, PAGE, &bo));

	/* Exactly the limit is one call. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	for (i = 0; i < 5; i++)
		CHECK_OK(nova_vm_bind_add_unmap(batch, (1ull << 30) + i * PAGE, PAGE));
	CHECK_OK(nova_vm_bind_submit(batch));
	CHECK_U64(fake.bind_calls, ==, 1);
	CHECK_HEADER(5);

	/* One more is refused, for good: the batch is never submitted. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	for (i = 0; i < 5; i++)
		CHECK_OK(nova_vm_bind_add_map(batch, bo, 0, (1ull << 30) + i * PAGE, PAGE, 0));
	CHECK_ERR(nova_vm_bind_add_map(batch, bo, 0, 1ull << 31, PAGE, 0), -E2BIG);
	CHECK_ERR(nova_vm_bind_add_unmap(batch, 1ull << 31, PAGE), -E2BIG);
	CHECK_U64(nova_vm_bind_count(batch), ==, 5);
	CHECK_ERR(nova_vm_bind_submit(batch), -E2BIG);
	CHECK_U64(fake.bind_calls, ==, 1);

	nova_bo_destroy(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result fake_vm_batch_sticky_errors(void)
{
	struct nova_device *dev, *other;
	struct nova_vm_bind_batch *batch;
	struct nova_bo *bo, *foreign;
	struct nova_vm *vm;

	fake_v2();
	OPEN_FAKE(&dev);
	OPEN_FAKE(&other);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_bo_create(dev, PAGE, &bo));
	CHECK_OK(nova_bo_create(other, PAGE, &foreign));

	/* A handle of another file would name another object: refused. */
	CHECK_ERR(nova_vm_map(vm, foreign, 0, 1ull << 30, PAGE, 0), -EXDEV);
	CHECK_U64(fake.bind_calls, ==, 0);

	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_map(batch, bo, 0, 1ull << 30, PAGE, 0));
	CHECK_ERR(nova_vm_bind_add_map(batch, foreign, 0, 1ull << 31, PAGE, 0), -EXDEV);
	CHECK_ERR(nova_vm_bind_add_map(batch, bo, 0, 1ull << 32, PAGE, 0), -EXDEV);
	CHECK_ERR(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE), -EXDEV);
	CHECK_U64(nova_vm_bind_count(batch), ==, 1);
	CHECK_ERR(nova_vm_bind_submit(batch), -EXDEV);

	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_ERR(nova_vm_bind_add_map(batch, NULL, 0, 1ull << 30, PAGE, 0), -EINVAL);
	CHECK_ERR(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE), -EINVAL);
	CHECK_ERR(nova_vm_bind_submit(batch), -EINVAL);
	CHECK_U64(fake.bind_calls, ==, 0);

	nova_bo_destroy(foreign);
	nova_bo_destroy(bo);
	nova_device_close(other);
	nova_device_close(dev);
	return TEST_PASS;
}

/* A batch grows its array as needed, and the kernel sees every operation. */
static enum test_result fake_vm_batch_large(void)
{
	const uint32_t n = 100000;
	struct nova_vm_bind_batch *batch;
	struct nova_device *dev;
	struct nova_vm *vm;
	struct nova_bo *bo;
	uint32_t i;

	fake_v2();
	fake_param(NOVA_GETPARAM_VM_BIND_MAX_OPS, n, 0);
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_bo_create(dev, PAGE, &bo));

	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	for (i = 0; i < n; i++) {
		if (i % 2)
			CHECK_OK(nova_vm_bind_add_unmap(batch, FAKE_VA_START + i * PAGE, PAGE));
		else
			CHECK_OK(nova_vm_bind_add_map(batch, bo, 0, FAKE_VA_START + i * PAGE,
						      PAGE, i % 4 ? 0 : NOVA_VM_BIND_MAP_NOEXEC));
	}
	CHECK_ERR(nova_vm_bind_add_unmap(batch, FAKE_VA_START, PAGE), -E2BIG);
	nova_vm_bind_abort(batch);
	CHECK_U64(fake.bind_calls, ==, 0);

	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	for (i = 0; i < n; i++) {
		if (i % 2)
			CHECK_OK(nova_vm_bind_add_unmap(batch, FAKE_VA_START + i * PAGE, PAGE));
		else
			CHECK_OK(nova_vm_bind_add_map(batch, bo, 0, FAKE_VA_START + i * PAGE,
						      PAGE, i % 4 ? 0 : NOVA_VM_BIND_MAP_NOEXEC));
	}
	CHECK_OK(nova_vm_bind_submit(batch));
	CHECK_U64(fake.bind_calls, ==, 1);
	CHECK_HEADER(n);
	for (i = 0; i < n; i++) {
		if (i % 2)
			CHECK_OP(i, NOVA_VM_BIND_OP_UNMAP, 0, 0, 0, FAKE_VA_START + i * PAGE, PAGE);
		else
			CHECK_OP(i, NOVA_VM_BIND_OP_MAP, i % 4 ? 0 : NOVA_VM_BIND_MAP_NOEXEC,
				 nova_bo_handle(bo), 0, FAKE_VA_START + i * PAGE, PAGE);
	}

	nova_bo_destroy(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

/* --- asynchronous VM_BIND (uAPI version 5) ---------------------------------------- */

#define CHECK_SYNC(i, handle_, flags_, point_)				\
	do {								\
		CHECK_U64(fake.syncs[i].handle, ==, handle_);		\
		CHECK_U64(fake.syncs[i].flags, ==, flags_);		\
		CHECK_U64(fake.syncs[i].point, ==, point_);		\
	} while (0)

/* Below version 5 every call is the old 24-byte request; from 5 on, the new one. */
static enum test_result fake_vm_bind_request_by_version(void)
{
	static const uint64_t versions[] = { 2, 3, 4, 5 };
	struct nova_vm_bind_batch *batch;
	struct nova_device *dev;
	struct nova_vm *vm;
	struct nova_bo *bo;
	unsigned long want;
	unsigned int i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		fake_v5();
		fake_param(NOVA_GETPARAM_UAPI_VERSION, versions[i], 0);
		want = versions[i] < 5 ? DRM_IOCTL_NOVA_VM_BIND_V2 : DRM_IOCTL_NOVA_VM_BIND;
		OPEN_FAKE(&dev);
		CHECK_OK(nova_device_get_vm(dev, &vm));
		CHECK_OK(nova_bo_create(dev, PAGE, &bo));

		CHECK_OK(nova_vm_map(vm, bo, 0, 1ull << 30, PAGE, 0));
		CHECK_U64(fake.bind_request, ==, want);
		CHECK_OK(nova_vm_unmap(vm, 1ull << 30, PAGE));
		CHECK_U64(fake.bind_request, ==, want);
		CHECK_OK(nova_vm_bind_begin(vm, &batch));
		CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
		CHECK_OK(nova_vm_bind_submit(batch));
		CHECK_U64(fake.bind_request, ==, want);
		CHECK_HEADER(1);
		CHECK_U64(fake.bind.sync_count, ==, 0);
		CHECK_U64(fake.bind.pad, ==, 0);
		CHECK_U64(fake.bind_calls, ==, 3);

		nova_bo_destroy(bo);
		nova_device_close(dev);
	}
	CHECK_U64(DRM_IOCTL_NOVA_VM_BIND, ==, 0xc0306443ul);
	return TEST_PASS;
}

static enum test_result fake_vm_bind_async_calls(void)
{
	struct nova_sync_point w0 = { .syncobj = 7 }, w1 = { .syncobj = 8, .point = 3 };
	struct nova_sync_point s0 = { .syncobj = 9 }, s1 = { .syncobj = 10, .point = 12 };
	struct nova_vm_bind_batch *batch;
	struct nova_device *dev;
	struct nova_vm *vm;
	struct nova_bo *bo;
	uint32_t failed = 0;

	fake_v5();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_bo_create(dev, 4 * PAGE, &bo));

	/* Waits and signals keep their order; the kernel sees them as EXEC's. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_map(batch, bo, 0, 1ull << 30, 4 * PAGE, 0));
	CHECK_OK(nova_vm_bind_add_wait(batch, &w0));
	CHECK_OK(nova_vm_bind_add_signal(batch, &s0));
	CHECK_OK(nova_vm_bind_add_wait(batch, &w1));
	CHECK_OK(nova_vm_bind_add_signal(batch, &s1));
	CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
	CHECK_U64(fake.bind_calls, ==, 0);
	CHECK_OK(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed));
	CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);
	CHECK_U64(fake.bind_calls, ==, 1);
	CHECK_U64(fake.bind_request, ==, DRM_IOCTL_NOVA_VM_BIND);
	CHECK_U64(fake.bind.flags, ==, NOVA_VM_BIND_ASYNC);
	CHECK_U64(fake.bind.op_count, ==, 2);
	CHECK_U64(fake.bind.sync_count, ==, 4);
	CHECK_U64(fake.bind.sync_stride, ==, sizeof(struct drm_nova_sync));
	CHECK_U64(fake.bind.pad, ==, 0);
	CHECK_SYNC(0, 7, NOVA_SYNC_WAIT, 0);
	CHECK_SYNC(1, 9, NOVA_SYNC_SIGNAL, 0);
	CHECK_SYNC(2, 8, NOVA_SYNC_WAIT | NOVA_SYNC_TIMELINE, 3);
	CHECK_SYNC(3, 10, NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE, 12);
	CHECK_OP(0, NOVA_VM_BIND_OP_MAP, 0, nova_bo_handle(bo), 0, 1ull << 30, 4 * PAGE);
	CHECK_OP(1, NOVA_VM_BIND_OP_UNMAP, 0, 0, 0, 1ull << 30, PAGE);

	/* An empty asynchronous batch is a point of order: it goes to the kernel. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_signal(batch, &s0));
	CHECK_OK(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, NULL));
	CHECK_U64(fake.bind_calls, ==, 2);
	CHECK_U64(fake.bind.op_count, ==, 0);
	CHECK_U64(fake.bind.sync_count, ==, 1);
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, NULL));
	CHECK_U64(fake.bind_calls, ==, 3);
	CHECK_U64(fake.bind.sync_count, ==, 0);
	CHECK_U64(fake.bind.sync_stride, ==, 0);
	/* ... an empty synchronous one still does not. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_submit_ex(batch, 0, &failed));
	CHECK_U64(fake.bind_calls, ==, 3);

	/* Synchronous through submit_ex: flags 0, no syncs, the new request. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
	CHECK_OK(nova_vm_bind_submit_ex(batch, 0, &failed));
	CHECK_U64(fake.bind_calls, ==, 4);
	CHECK_U64(fake.bind.flags, ==, 0);
	CHECK_U64(fake.bind.sync_count, ==, 0);

	nova_bo_destroy(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result fake_vm_bind_failed_op(void)
{
	struct nova_sync_point w = { .syncobj = 3 }, bad = { .syncobj = 3, .pad = 1 };
	struct nova_vm_bind_batch *batch;
	struct nova_device *dev, *other;
	struct nova_bo *bo, *foreign;
	struct nova_vm *vm;
	uint32_t failed;
	unsigned int i;

	fake_v5();
	fake_param(NOVA_GETPARAM_VM_BIND_MAX_OPS, 4, 0);
	OPEN_FAKE(&dev);
	OPEN_FAKE(&other);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_bo_create(dev, PAGE, &bo));
	CHECK_OK(nova_bo_create(other, PAGE, &foreign));

	/* The kernel's index comes back, synchronous or not. */
	for (i = 0; i < 2; i++) {
		CHECK_OK(nova_vm_bind_begin(vm, &batch));
		CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
		CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
		CHECK_OK(nova_vm_bind_add_unmap(batch, 3, PAGE));
		fake.bind_error = -EINVAL;
		fake.bind_failed_op = 2;
		failed = 0;
		CHECK_ERR(nova_vm_bind_submit_ex(batch, i ? NOVA_VM_BIND_ASYNC : 0, &failed), -EINVAL);
		CHECK_U64(failed, ==, 2);
	}
	/* ... and NO_OP when no operation was the cause. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_wait(batch, &w));
	fake.bind_error = -ENOENT;
	fake.bind_failed_op = NOVA_VM_BIND_NO_OP;
	CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed), -ENOENT);
	CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);
	fake.bind_error = 0;
	CHECK_U64(fake.bind_calls, ==, 3);

	/* A poisoned batch names the add that failed, without a call. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_map(batch, bo, 0, 1ull << 30, PAGE, 0));
	CHECK_ERR(nova_vm_bind_add_map(batch, foreign, 0, 1ull << 31, PAGE, 0), -EXDEV);
	CHECK_ERR(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE), -EXDEV);
	CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed), -EXDEV);
	CHECK_U64(failed, ==, 1);
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	for (i = 0; i < 4; i++)
		CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
	CHECK_ERR(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE), -E2BIG);
	CHECK_ERR(nova_vm_bind_submit_ex(batch, 0, &failed), -E2BIG);
	CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);	/* the call's limit, as the kernel says */
	/* A failed wait or signal is no operation's. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
	CHECK_ERR(nova_vm_bind_add_signal(batch, &bad), -EINVAL);
	CHECK_ERR(nova_vm_bind_add_wait(batch, &w), -EINVAL);
	CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed), -EINVAL);
	CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);

	/* Syncs without ASYNC, unknown flags, NULLs: refused here. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_wait(batch, &w));
	CHECK_ERR(nova_vm_bind_submit_ex(batch, 0, &failed), -EINVAL);
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_ERR(nova_vm_bind_submit_ex(batch, 1u << 1, &failed), -EINVAL);
	CHECK_ERR(nova_vm_bind_submit_ex(NULL, 0, &failed), -EINVAL);
	CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);
	CHECK_ERR(nova_vm_bind_add_wait(NULL, &w), -EINVAL);
	CHECK_ERR(nova_vm_bind_add_signal(NULL, &w), -EINVAL);
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_ERR(nova_vm_bind_add_wait(batch, NULL), -EINVAL);
	nova_vm_bind_abort(batch);
	CHECK_U64(fake.bind_calls, ==, 3);

	nova_bo_destroy(foreign);
	nova_bo_destroy(bo);
	nova_device_close(other);
	nova_device_close(dev);
	return TEST_PASS;
}

/* EXEC_MAX_SYNCS bounds a batch's waits and signals together. */
static enum test_result fake_vm_bind_sync_limit(void)
{
	struct nova_sync_point p = { .syncobj = 1 };
	struct nova_vm_bind_batch *batch;
	struct nova_device *dev;
	struct nova_vm *vm;
	uint32_t failed;
	unsigned int i;

	fake_v5();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	for (i = 0; i < FAKE_MAX_SYNCS; i++) {
		p.point = i;
		CHECK_OK(i % 2 ? nova_vm_bind_add_signal(batch, &p) : nova_vm_bind_add_wait(batch, &p));
	}
	CHECK_OK(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed));
	CHECK_U64(fake.bind.sync_count, ==, FAKE_MAX_SYNCS);
	CHECK_SYNC(FAKE_MAX_SYNCS - 1, 1, NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE, FAKE_MAX_SYNCS - 1);

	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	for (i = 0; i < FAKE_MAX_SYNCS; i++)
		CHECK_OK(nova_vm_bind_add_wait(batch, &p));
	CHECK_ERR(nova_vm_bind_add_signal(batch, &p), -E2BIG);
	CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed), -E2BIG);
	CHECK_U64(fake.bind_calls, ==, 1);
	nova_device_close(dev);
	return TEST_PASS;
}

/* An older kernel: what needs version 5 is -EOPNOTSUPP, the rest as before. */
static enum test_result fake_vm_bind_async_gated(void)
{
	struct nova_sync_point p = { .syncobj = 1 };
	struct nova_vm_bind_batch *batch;
	struct nova_device *dev;
	struct nova_vm *vm;
	uint32_t failed;

	fake_v5();
	fake_param(NOVA_GETPARAM_UAPI_VERSION, 4, 0);
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));

	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_ERR(nova_vm_bind_add_wait(batch, &p), -EOPNOTSUPP);
	CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed), -EOPNOTSUPP);
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_ERR(nova_vm_bind_add_signal(batch, &p), -EOPNOTSUPP);
	nova_vm_bind_abort(batch);
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, 1ull << 30, PAGE));
	CHECK_ERR(nova_vm_bind_submit_ex(batch, NOVA_VM_BIND_ASYNC, &failed), -EOPNOTSUPP);
	CHECK_U64(fake.bind_calls, ==, 0);

	/* The old kernel cannot name the failing operation: NO_OP. */
	CHECK_OK(nova_vm_bind_begin(vm, &batch));
	CHECK_OK(nova_vm_bind_add_unmap(batch, 3, PAGE));
	fake.bind_error = -EINVAL;
	fake.bind_failed_op = 0;
	failed = 0;
	CHECK_ERR(nova_vm_bind_submit_ex(batch, 0, &failed), -EINVAL);
	CHECK_U64(failed, ==, NOVA_VM_BIND_NO_OP);
	CHECK_U64(fake.bind_request, ==, DRM_IOCTL_NOVA_VM_BIND_V2);
	nova_device_close(dev);
	return TEST_PASS;
}

/* --- the deferred VA free ------------------------------------------------------------ */

static enum test_result fake_va_free_deferred(void)
{
	struct nova_sync_point fa = { 0 }, fb = { 0 }, none = { 0 };
	uint32_t fence_a, fence_b;
	struct nova_device *dev;
	struct nova_vm *vm;
	uint64_t a, b, c;

	fake_v5();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_vm_va_alloc(vm, PAGE, 0, &a));
	CHECK_OK(nova_vm_va_alloc(vm, 2 * PAGE, 0, &b));
	CHECK_ERR(nova_vm_va_reclaim(vm, 0), 0);	/* nothing deferred */
	fa.syncobj = fake_syncobj_with_fence(&fence_a);
	fb.syncobj = fake_syncobj_with_fence(&fence_b);

	CHECK_OK(nova_vm_va_free_deferred(vm, a, PAGE, &fa));
	CHECK_OK(nova_vm_va_free_deferred(vm, b, 2 * PAGE, &fb));
	CHECK_ERR(nova_vm_va_free_deferred(vm, a, PAGE, &fa), -EBUSY);
	CHECK_ERR(nova_vm_va_free(vm, a, PAGE), -EBUSY);
	/* Not yet: the ranges stay allocated. */
	CHECK_ERR(nova_vm_va_alloc_addr(vm, a, PAGE), -EBUSY);
	CHECK_OK(nova_vm_va_alloc(vm, PAGE, 0, &c));
	CHECK_U64(c, ==, b + 2 * PAGE);
	CHECK_OK(nova_vm_va_free(vm, c, PAGE));
	CHECK_ERR(nova_vm_va_reclaim(vm, 0), -ETIME);
	CHECK_ERR(nova_vm_va_reclaim(vm, 1000000), -ETIME);

	/* The fence was copied: the syncobj's new fence does not move the free. */
	fake.fence[fa.syncobj] = ++fake.next_fence;
	fake.signalled[fake.fence[fa.syncobj]] = true;
	CHECK_ERR(nova_vm_va_alloc_addr(vm, a, PAGE), -EBUSY);

	/* In order: b's fence alone does not free b, a's deferred before it. */
	fake.signalled[fence_b] = true;
	CHECK_ERR(nova_vm_va_alloc_addr(vm, b, 2 * PAGE), -EBUSY);
	fake.signalled[fence_a] = true;
	CHECK_OK(nova_vm_va_alloc_addr(vm, b, 2 * PAGE));	/* reclaims both */
	CHECK_OK(nova_vm_va_alloc(vm, PAGE, 0, &c));
	CHECK_U64(c, ==, a);
	CHECK_ERR(nova_vm_va_reclaim(vm, 0), 0);

	/* A failed deferral leaves the range as it was: a plain allocation. */
	none.syncobj = fake_syncobj_with_fence(NULL);
	fake.fence[none.syncobj] = 0;
	CHECK_ERR(nova_vm_va_free_deferred(vm, c, PAGE, &none), -EINVAL);
	none.pad = 1;
	CHECK_ERR(nova_vm_va_free_deferred(vm, c, PAGE, &none), -EINVAL);
	CHECK_ERR(nova_vm_va_free_deferred(vm, c, PAGE, NULL), -EINVAL);
	CHECK_ERR(nova_vm_va_free_deferred(NULL, c, PAGE, &fa), -EINVAL);
	CHECK_ERR(nova_vm_va_free_deferred(vm, c + PAGE * 100, PAGE, &fa), -ENOENT);
	CHECK_ERR(nova_vm_va_free_deferred(vm, c, 2 * PAGE, &fa), -EINVAL);
	CHECK_OK(nova_vm_va_free(vm, c, PAGE));

	/* Closing with a free pending waits for nothing; the private syncobj goes. */
	fb.syncobj = fake_syncobj_with_fence(NULL);
	CHECK_OK(nova_vm_va_free_deferred(vm, b, 2 * PAGE, &fb));
	fake.syncobj_destroys = 0;
	nova_device_close(dev);
	CHECK_U64(fake.syncobj_destroys, ==, 1);
	CHECK_U64(fake.bind_calls, ==, 0);

	/* Before syncobjs (version 4), there is nothing to wait for. */
	fake_v2();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));
	CHECK_OK(nova_vm_va_alloc(vm, PAGE, 0, &a));
	CHECK_ERR(nova_vm_va_free_deferred(vm, a, PAGE, &fa), -EOPNOTSUPP);
	CHECK_ERR(nova_vm_va_reclaim(vm, 0), 0);
	nova_device_close(dev);
	return TEST_PASS;
}

/* --- the VA heap through the public API ----------------------------------------------- */

static enum test_result fake_vm_va_heap(void)
{
	struct nova_device *dev;
	struct nova_vm *vm;
	uint64_t a, b, end = FAKE_VA_START + FAKE_VA_SIZE;

	fake_v2();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));

	CHECK_OK(nova_vm_va_alloc(vm, 1, 0, &a));
	CHECK_U64(a, ==, FAKE_VA_START);		/* bottom-up */
	CHECK_OK(nova_vm_va_alloc(vm, PAGE, 1ull << 30, &b));
	CHECK_U64(b, ==, 1ull << 30);
	CHECK_ERR(nova_vm_va_alloc(vm, FAKE_VA_SIZE, 0, &b), -ENOSPC);
	CHECK_ERR(nova_vm_va_alloc(vm, PAGE, 3, &b), -EINVAL);
	CHECK_ERR(nova_vm_va_alloc(vm, 0, 0, &b), -EINVAL);

	CHECK_OK(nova_vm_va_alloc_addr(vm, end - PAGE, PAGE));
	CHECK_ERR(nova_vm_va_alloc_addr(vm, end - PAGE, PAGE), -EBUSY);
	CHECK_ERR(nova_vm_va_alloc_addr(vm, end, PAGE), -EINVAL);
	CHECK_ERR(nova_vm_va_alloc_addr(vm, FAKE_VA_START - PAGE, PAGE), -EINVAL);
	CHECK_ERR(nova_vm_va_alloc_addr(vm, 1ull << 31, 1), 0);
	CHECK_ERR(nova_vm_va_alloc_addr(vm, (1ull << 31) + 1, PAGE), -EINVAL);

	CHECK_ERR(nova_vm_va_free(vm, a + PAGE, PAGE), -ENOENT);
	CHECK_ERR(nova_vm_va_free(vm, a, 2 * PAGE), -EINVAL);
	CHECK_OK(nova_vm_va_free(vm, a, 1));
	CHECK_ERR(nova_vm_va_free(vm, a, PAGE), -ENOENT);
	CHECK_OK(nova_vm_va_free(vm, 1ull << 30, PAGE));
	CHECK_OK(nova_vm_va_free(vm, 1ull << 31, PAGE));
	CHECK_OK(nova_vm_va_free(vm, end - PAGE, PAGE));

	/* All back in one piece. */
	CHECK_OK(nova_vm_va_alloc(vm, FAKE_VA_SIZE, 0, &a));
	CHECK_U64(a, ==, FAKE_VA_START);
	CHECK_U64(fake.bind_calls, ==, 0);	/* the heap never binds */
	nova_device_close(dev);
	return TEST_PASS;
}

#define HEAP_THREADS	4
#define HEAP_ROUNDS	20000
#define HEAP_LIVE	64

struct heap_thread {
	struct nova_vm *vm;
	unsigned int id;
	uint64_t va[HEAP_LIVE];
	uint64_t size[HEAP_LIVE];
	int error;
};

static void *heap_worker(void *data)
{
	struct heap_thread *t = data;
	uint64_t x = t->id + 1;
	unsigned int i, k;

	for (i = 0; i < HEAP_ROUNDS && !t->error; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		k = (unsigned int)(x >> 33) % HEAP_LIVE;
		if (t->size[k]) {
			t->error = nova_vm_va_free(t->vm, t->va[k], t->size[k]);
			t->size[k] = 0;
		} else {
			t->size[k] = ((x >> 20) % 8 + 1) * PAGE;
			t->error = nova_vm_va_alloc(t->vm, t->size[k], 0, &t->va[k]);
		}
	}
	return NULL;
}

/* The heap's lock: concurrent threads never get overlapping ranges. */
static enum test_result fake_vm_va_heap_threads(void)
{
	static struct heap_thread threads[HEAP_THREADS];
	pthread_t tids[HEAP_THREADS];
	struct nova_device *dev;
	struct nova_vm *vm;
	unsigned int i, j, k, l;
	uint64_t all;

	fake_v2();
	/* 16 times what can be live at once: first fit never runs out. */
	fake_param(NOVA_GETPARAM_VA_SIZE, 16 * HEAP_THREADS * HEAP_LIVE * 8 * PAGE, 0);
	OPEN_FAKE(&dev);
	CHECK_OK(nova_device_get_vm(dev, &vm));

	for (i = 0; i < HEAP_THREADS; i++) {
		threads[i].vm = vm;
		threads[i].id = i;
		CHECK(pthread_create(&tids[i], NULL, heap_worker, &threads[i]) == 0);
	}
	for (i = 0; i < HEAP_THREADS; i++)
		pthread_join(tids[i], NULL);

	for (i = 0; i < HEAP_THREADS; i++) {
		if (threads[i].error)
			FAIL("thread %u: %s", i, test_errname(threads[i].error));
	}

	/* The live ranges of all threads are pairwise disjoint. */
	for (i = 0; i < HEAP_THREADS; i++) {
		for (k = 0; k < HEAP_LIVE; k++) {
			const struct heap_thread *a = &threads[i];

			if (!a->size[k])
				continue;
			for (j = i; j < HEAP_THREADS; j++) {
				for (l = j == i ? k + 1 : 0; l < HEAP_LIVE; l++) {
					const struct heap_thread *b = &threads[j];

					if (b->size[l] && a->va[k] < b->va[l] + b->size[l] &&
					    b->va[l] < a->va[k] + a->size[k])
						FAIL("thread %u's 0x%" PRIx64 " and thread %u's 0x%"
						     PRIx64 " overlap", i, a->va[k], j, b->va[l]);
				}
			}
		}
	}

	for (i = 0; i < HEAP_THREADS; i++) {
		for (k = 0; k < HEAP_LIVE; k++) {
			if (threads[i].size[k])
				CHECK_OK(nova_vm_va_free(vm, threads[i].va[k], threads[i].size[k]));
		}
	}
	CHECK_OK(nova_vm_va_alloc(vm, 16 * HEAP_THREADS * HEAP_LIVE * 8 * PAGE, 0, &all));
	nova_device_close(dev);
	return TEST_PASS;
}

/* --- buffer cache and PRIME bookkeeping ---------------------------------------- */

/* The cache saves the GEM_CREATE and GEM_CLOSE of every reuse. */
static enum test_result fake_cache_saves_ioctls(void)
{
	struct nova_bo_cache_stats st = { .struct_size = sizeof(st) };
	struct nova_device *dev;
	struct nova_bo *bo;
	unsigned int i;

	fake_v2();
	OPEN_FAKE(&dev);
	for (i = 0; i < 100; i++) {
		CHECK_OK(nova_bo_create(dev, 3 * PAGE - 100, &bo));
		nova_bo_unref(bo);
	}
	CHECK_U64(fake.create_calls, ==, 1);
	CHECK_U64(fake.close_calls, ==, 0);
	CHECK_OK(nova_device_bo_cache_stats(dev, &st));
	CHECK_U64(st.hits, ==, 99);
	CHECK_U64(st.misses, ==, 1);

	/* Off: the cached one is closed, then every release closes. */
	CHECK_OK(nova_device_set_bo_cache(dev, 0));
	CHECK_U64(fake.close_calls, ==, 1);
	for (i = 0; i < 10; i++) {
		CHECK_OK(nova_bo_create(dev, PAGE, &bo));
		nova_bo_unref(bo);
	}
	CHECK_U64(fake.create_calls, ==, 11);
	CHECK_U64(fake.close_calls, ==, 11);
	nova_device_close(dev);
	return TEST_PASS;
}

/* Closing the device closes what the cache held. */
static enum test_result fake_cache_close_device(void)
{
	struct nova_device *dev;
	struct nova_bo *a, *b;

	fake_v2();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_bo_create(dev, PAGE, &a));
	CHECK_OK(nova_bo_create(dev, 2 * PAGE, &b));
	nova_bo_unref(a);
	nova_bo_unref(b);
	CHECK_U64(fake.close_calls, ==, 0);
	nova_device_close(dev);
	CHECK_U64(fake.close_calls, ==, 2);
	return TEST_PASS;
}

/* One nova_bo per handle; its handle is closed once, with the last reference. */
static enum test_result fake_import_dedup(void)
{
	struct nova_device *dev;
	struct nova_bo *a, *b, *c, *mine, *back;
	int fd;

	fake_v2();
	OPEN_FAKE(&dev);
	CHECK_OK(nova_bo_import(dev, 5, &a));
	CHECK_OK(nova_bo_import(dev, 5, &b));
	CHECK_OK(nova_bo_import(dev, 6, &c));
	CHECK(a == b);
	CHECK(a != c);
	CHECK_U64(nova_bo_handle(a), ==, 1005);
	CHECK_U64(nova_bo_size(a), ==, 3 * PAGE);

	nova_bo_unref(a);
	CHECK_U64(fake.close_calls, ==, 0);
	nova_bo_unref(b);
	CHECK_U64(fake.close_calls, ==, 1);
	CHECK_U64(fake.last_closed, ==, 1005);
	/* Imports are never cached, cache on or not. */
	nova_bo_unref(c);
	CHECK_U64(fake.close_calls, ==, 2);

	/* An exported object found again by its handle. */
	fake.next_handle = 1007;
	CHECK_OK(nova_bo_create(dev, PAGE, &mine));
	CHECK_OK(nova_bo_export(mine, &fd));
	CHECK_U64(fd, ==, 1507);
	CHECK_OK(nova_bo_import(dev, 7, &back));
	CHECK(back == mine);
	nova_bo_unref(back);
	nova_bo_unref(mine);
	CHECK_U64(fake.close_calls, ==, 3);	/* exported: not cached */
	nova_device_close(dev);
	return TEST_PASS;
}

/* Many threads importing and releasing the same handles: refcounts hold. */
static struct nova_device *import_dev;

static void *import_worker(void *data)
{
	uintptr_t failures = 0;
	struct nova_bo *bo, *again;

	(void)data;
	for (int i = 0; i < 20000; i++) {
		int fd = i % 4;

		if (nova_bo_import(import_dev, fd, &bo) || nova_bo_import(import_dev, fd, &again) ||
		    bo != again || nova_bo_handle(bo) != 1000u + (uint32_t)fd)
			failures++;
		nova_bo_unref(again);
		nova_bo_unref(bo);
	}
	return (void *)failures;
}

static enum test_result fake_import_threads(void)
{
	pthread_t threads[8];
	void *failures;
	struct nova_bo *keep;
	unsigned int i;

	fake_v2();
	OPEN_FAKE(&import_dev);
	/* Handle 1000 stays live throughout: it must never be closed. */
	CHECK_OK(nova_bo_import(import_dev, 0, &keep));
	for (i = 0; i < 8; i++)
		CHECK(pthread_create(&threads[i], NULL, import_worker, NULL) == 0);
	for (i = 0; i < 8; i++) {
		pthread_join(threads[i], &failures);
		CHECK_U64((uintptr_t)failures, ==, 0);
	}
	CHECK_U64(fake.last_closed == 1000 ? 1 : 0, ==, 0);
	nova_bo_unref(keep);
	CHECK_U64(fake.last_closed, ==, 1000);
	nova_device_close(import_dev);
	return TEST_PASS;
}

const struct test_case host_tests[] = {
	{ "fake_cache_saves_ioctls", fake_cache_saves_ioctls, 0 },
	{ "fake_cache_close_device", fake_cache_close_device, 0 },
	{ "fake_import_dedup", fake_import_dedup, 0 },
	{ "fake_import_threads", fake_import_threads, 0 },
	{ "fake_upstream_nova_opens", fake_upstream_nova_opens, 0 },
	{ "fake_uapi_version_errors", fake_uapi_version_errors, 0 },
	{ "fake_v1_has_no_vm", fake_v1_has_no_vm, 0 },
	{ "fake_v2_unusable_va_params", fake_v2_unusable_va_params, 0 },
	{ "fake_v2_vm", fake_v2_vm, 0 },
	{ "fake_vm_null_args", fake_vm_null_args, 0 },
	{ "fake_vm_map_unmap_calls", fake_vm_map_unmap_calls, 0 },
	{ "fake_vm_batch_one_call", fake_vm_batch_one_call, 0 },
	{ "fake_vm_batch_max_ops", fake_vm_batch_max_ops, 0 },
	{ "fake_vm_batch_sticky_errors", fake_vm_batch_sticky_errors, 0 },
	{ "fake_vm_batch_large", fake_vm_batch_large, 0 },
	{ "fake_vm_bind_request_by_version", fake_vm_bind_request_by_version, 0 },
	{ "fake_vm_bind_async_calls", fake_vm_bind_async_calls, 0 },
	{ "fake_vm_bind_failed_op", fake_vm_bind_failed_op, 0 },
	{ "fake_vm_bind_sync_limit", fake_vm_bind_sync_limit, 0 },
	{ "fake_vm_bind_async_gated", fake_vm_bind_async_gated, 0 },
	{ "fake_va_free_deferred", fake_va_free_deferred, 0 },
	{ "fake_vm_va_heap", fake_vm_va_heap, 0 },
	{ "fake_vm_va_heap_threads", fake_vm_va_heap_threads, 0 },
	{ NULL, NULL, 0 },
};

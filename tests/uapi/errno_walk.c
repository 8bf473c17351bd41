// SPDX-License-Identifier: GPL-2.0
/*
 * The walker of Documentation/uapi-errors.csv (errno_walk.h): each row
 * names an ioctl, the input that differs from a valid call, and the errno
 * the documentation promises (0 for success). Documentation and tests read
 * the same file, so they cannot disagree, and this file is the only code
 * that executes a row.
 *
 * Input language (space-separated assignments, applied to a valid call):
 *   field=EXPR        a field of the ioctl's struct
 *   op.field=EXPR     VM_BIND: a field of its single operation
 *   tail=EXPR         VM_BIND: a byte past the known op size (with op_stride)
 *   tail_at=EXPR      VM_BIND: where tail= goes, in bytes from the start of
 *                     the op array (default: the first byte past op 0)
 *   ops=two           VM_BIND: two valid MAPs (op_count=2), the second a
 *                     page above the first, laid out at op_stride (<= 4096)
 *   setup=fill_budget GEM_CREATE: fill the object budget first
 *   setup=fill_mappings  VM_BIND: fill the file's VA space to
 *                     NOVA_GETPARAM_MAX_MAPPINGS one-page mappings first,
 *                     from va_start + object_size on (uAPI version 3)
 *   arg=bad_pointer   pass an unreadable pointer as the ioctl's argument
 *   ops=straddle      VM_BIND: the op array runs into an unreadable page
 *                     8 bytes before op 0 ends
 *   ops=tail_unreadable  VM_BIND: op 0 is readable and ends where an
 *                     unreadable page starts (its tail, or op 1, is in it)
 * and for the queue ioctls (uAPI version 4):
 *   cmd.field=EXPR    EXEC: a field of its command buffers (every element
 *                     of cmdbuf_count, by default va_start and 8 bytes)
 *   sync.field=EXPR   EXEC and VM_BIND (uAPI version 5): a field of the
 *                     sync elements (every element of sync_count, by
 *                     default a SIGNAL of syncobj, at a 16-byte stride)
 *   cmd_tail=EXPR     EXEC: the first byte past the known size of command
 *                     buffer 0 (with a stride above 16)
 *   sync_tail=EXPR    EXEC and VM_BIND: the same for sync element 0
 *   setup=fill_queues QUEUE_CREATE: create queues until the file has
 *                     NOVA_GETPARAM_MAX_QUEUES
 *   setup=destroyed_queue  a queue created and destroyed: destroyed_queue
 *   setup=lost_queue  a queue whose job faulted (EXEC of an unmapped
 *                     command buffer, then QUEUE_GET_STATE until it is
 *                     lost): lost_queue
 *   setup=syncobj     a syncobj without a fence (DRM_IOCTL_SYNCOBJ_CREATE):
 *                     syncobj
 *   setup=syncobj_signaled  the same with a signalled fence
 *   setup=map_object  the fixture's object mapped at va_start, so that a
 *                     command buffer there holds NOPs (zeroes)
 * QUEUE_DESTROY, EXEC and QUEUE_GET_STATE run on a queue made for the row
 * (queue), QUEUE_CREATE's new queue is destroyed after the row, and so is
 * everything the setup steps made. Setup steps come first in a row.
 * EXPR is terms joined by + - |, a term is [~]ATOM[*ATOM] or [~]ATOM[/ATOM],
 * an ATOM a number or a name: page, max_object_size, max_ops, va_start,
 * va_end, object, object_size, unknown, foreign (a handle only another file
 * has), closed (a handle this file closed), bad_pointer, kernel_pointer, MAP,
 * UNMAP, max_queues, exec_max_cmdbufs, exec_max_syncs, max_cmdbuf_size,
 * queue, foreign_queue (a queue id only another file has), destroyed_queue,
 * lost_queue, syncobj, LOW, NORMAL, HIGH, SYNC_ONLY, or a NOVA_* constant.
 * A VM_BIND row with NOVA_VM_BIND_ASYNC is applied asynchronously; the
 * synchronous unmap after the row is ordered after it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "nova_drm.h"
#include "errno_walk.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The largest op_stride ops=two lays two ops out at. */
#define MAX_STRIDE 4096

/* Enough objects to fill any budget by halving sizes (see fill_budget()). */
#define MAX_FILL 4096

struct field {
	const char *name;
	size_t offset, size;
};

#define FIELD(type, name) { #name, offsetof(struct type, name), sizeof(((struct type *)0)->name) }

static const struct field getparam_fields[] = {
	FIELD(drm_nova_getparam, param), FIELD(drm_nova_getparam, value), { 0 } };
static const struct field gem_create_fields[] = {
	FIELD(drm_nova_gem_create, handle), FIELD(drm_nova_gem_create, pad),
	FIELD(drm_nova_gem_create, size), { 0 } };
static const struct field gem_info_fields[] = {
	FIELD(drm_nova_gem_info, handle), FIELD(drm_nova_gem_info, pad),
	FIELD(drm_nova_gem_info, size), { 0 } };
static const struct field mmap_offset_fields[] = {
	FIELD(drm_nova_gem_mmap_offset, handle), FIELD(drm_nova_gem_mmap_offset, flags),
	FIELD(drm_nova_gem_mmap_offset, offset), { 0 } };
static const struct field vm_bind_fields[] = {
	FIELD(drm_nova_vm_bind, vm_id), FIELD(drm_nova_vm_bind, flags),
	FIELD(drm_nova_vm_bind, op_count), FIELD(drm_nova_vm_bind, op_stride),
	FIELD(drm_nova_vm_bind, ops), FIELD(drm_nova_vm_bind, sync_count),
	FIELD(drm_nova_vm_bind, sync_stride), FIELD(drm_nova_vm_bind, syncs),
	FIELD(drm_nova_vm_bind, failed_op), FIELD(drm_nova_vm_bind, pad), { 0 } };
static const struct field queue_create_fields[] = {
	FIELD(drm_nova_queue_create, vm_id), FIELD(drm_nova_queue_create, priority),
	FIELD(drm_nova_queue_create, flags), FIELD(drm_nova_queue_create, queue_id), { 0 } };
static const struct field queue_destroy_fields[] = {
	FIELD(drm_nova_queue_destroy, queue_id), FIELD(drm_nova_queue_destroy, pad), { 0 } };
static const struct field exec_fields[] = {
	FIELD(drm_nova_exec, queue_id), FIELD(drm_nova_exec, flags),
	FIELD(drm_nova_exec, cmdbuf_count), FIELD(drm_nova_exec, cmdbuf_stride),
	FIELD(drm_nova_exec, cmdbufs), FIELD(drm_nova_exec, sync_count),
	FIELD(drm_nova_exec, sync_stride), FIELD(drm_nova_exec, syncs),
	FIELD(drm_nova_exec, seqno), { 0 } };
static const struct field exec_cmdbuf_fields[] = {
	FIELD(drm_nova_exec_cmdbuf, va), FIELD(drm_nova_exec_cmdbuf, size), { 0 } };
static const struct field exec_sync_fields[] = {
	FIELD(drm_nova_sync, handle), FIELD(drm_nova_sync, flags), FIELD(drm_nova_sync, point),
	{ 0 } };
static const struct field get_state_fields[] = {
	FIELD(drm_nova_queue_get_state, queue_id), FIELD(drm_nova_queue_get_state, flags),
	FIELD(drm_nova_queue_get_state, state), FIELD(drm_nova_queue_get_state, fault_type),
	FIELD(drm_nova_queue_get_state, fault_access), FIELD(drm_nova_queue_get_state, pad),
	FIELD(drm_nova_queue_get_state, fault_va), FIELD(drm_nova_queue_get_state, fault_seqno),
	FIELD(drm_nova_queue_get_state, submitted), FIELD(drm_nova_queue_get_state, completed),
	{ 0 } };
static const struct field vm_bind_op_fields[] = {
	FIELD(drm_nova_vm_bind_op, op), FIELD(drm_nova_vm_bind_op, flags),
	FIELD(drm_nova_vm_bind_op, handle), FIELD(drm_nova_vm_bind_op, pad),
	FIELD(drm_nova_vm_bind_op, bo_offset), FIELD(drm_nova_vm_bind_op, va),
	FIELD(drm_nova_vm_bind_op, range), { 0 } };

static const struct {
	const char *name;
	uint64_t value;
} constants[] = {
#define CONSTANT(name) { #name, name }
	CONSTANT(NOVA_GETPARAM_VRAM_BAR_SIZE), CONSTANT(NOVA_GETPARAM_UAPI_VERSION),
	CONSTANT(NOVA_GETPARAM_MAX_OBJECT_SIZE), CONSTANT(NOVA_GETPARAM_PAGE_SIZE),
	CONSTANT(NOVA_GETPARAM_OBJECT_BUDGET), CONSTANT(NOVA_GETPARAM_VA_START),
	CONSTANT(NOVA_GETPARAM_VA_SIZE), CONSTANT(NOVA_GETPARAM_VA_ALIGNMENT),
	CONSTANT(NOVA_GETPARAM_VM_BIND_MAX_OPS), CONSTANT(NOVA_VM_BIND_MAP_READONLY),
	CONSTANT(NOVA_VM_BIND_MAP_NOEXEC), CONSTANT(NOVA_VM_BIND_MAP_FLAGS),
	CONSTANT(NOVA_GETPARAM_MAX_MAPPINGS), CONSTANT(NOVA_GETPARAM_MAX_QUEUES),
	CONSTANT(NOVA_GETPARAM_EXEC_MAX_CMDBUFS), CONSTANT(NOVA_GETPARAM_EXEC_MAX_SYNCS),
	CONSTANT(NOVA_GETPARAM_MAX_CMDBUF_SIZE), CONSTANT(NOVA_GETPARAM_JOB_TIMEOUT_MS),
	CONSTANT(NOVA_GETPARAM_CALL_MAX_DEPTH), CONSTANT(NOVA_GETPARAM_QUEUE_MAX_JOBS),
	CONSTANT(NOVA_GETPARAM_TIMESTAMP_FREQUENCY), CONSTANT(NOVA_SYNC_WAIT),
	CONSTANT(NOVA_SYNC_SIGNAL), CONSTANT(NOVA_SYNC_TIMELINE), CONSTANT(NOVA_SYNC_FLAGS),
	CONSTANT(NOVA_VM_BIND_ASYNC), CONSTANT(NOVA_VM_BIND_FLAGS), CONSTANT(NOVA_VM_BIND_NO_OP),
	{ "MAP", NOVA_VM_BIND_OP_MAP }, { "UNMAP", NOVA_VM_BIND_OP_UNMAP },
	{ "SYNC_ONLY", NOVA_VM_BIND_OP_SYNC_ONLY },
	{ "LOW", NOVA_QUEUE_PRIORITY_LOW }, { "NORMAL", NOVA_QUEUE_PRIORITY_NORMAL },
	{ "HIGH", NOVA_QUEUE_PRIORITY_HIGH },
#undef CONSTANT
};

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "0", 0 }, { "EINVAL", EINVAL }, { "ENOENT", ENOENT }, { "E2BIG", E2BIG },
	{ "ENOSPC", ENOSPC }, { "EFAULT", EFAULT }, { "ENOMEM", ENOMEM },
	{ "EACCES", EACCES }, { "EIO", EIO },
};

/* Evaluates one name or number; returns -1 when it is unknown. */
static int atom(const struct errno_walk_env *env, const char *s, size_t len, uint64_t *out)
{
	char name[64];
	char *end;

	if (len == 0 || len >= sizeof(name))
		return -1;
	memcpy(name, s, len);
	name[len] = 0;
	if (isdigit((unsigned char)name[0])) {
		*out = strtoull(name, &end, 0);
		return *end ? -1 : 0;
	}
	const struct {
		const char *name;
		uint64_t value;
	} symbols[] = {
		{ "page", env->page }, { "max_object_size", env->max_object_size },
		{ "max_ops", env->max_ops }, { "va_start", env->va_start },
		{ "va_end", env->va_end }, { "object", env->object },
		{ "object_size", env->object_size }, { "unknown", 0x7fffffff },
		{ "foreign", env->foreign }, { "closed", env->closed },
		{ "max_queues", env->max_queues }, { "exec_max_cmdbufs", env->exec_max_cmdbufs },
		{ "exec_max_syncs", env->exec_max_syncs },
		{ "max_cmdbuf_size", env->max_cmdbuf_size }, { "queue", env->queue },
		{ "foreign_queue", env->foreign_queue },
		{ "destroyed_queue", env->destroyed_queue }, { "lost_queue", env->lost_queue },
		{ "syncobj", env->syncobj },
		/* The first page is never mapped in a process. */
		{ "bad_pointer", 8 },
		/* The kernel's direct map: never a valid user pointer. */
		{ "kernel_pointer", 0xffff888000000000ull },
	};
	for (size_t i = 0; i < ARRAY_SIZE(symbols); i++) {
		if (!strcmp(name, symbols[i].name)) {
			*out = symbols[i].value;
			return 0;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(constants); i++) {
		if (!strcmp(name, constants[i].name)) {
			*out = constants[i].value;
			return 0;
		}
	}
	return -1;
}

static int term(const struct errno_walk_env *env, const char **p, uint64_t *out)
{
	int invert = 0;
	uint64_t value, factor;
	const char *s;

	if (**p == '~') {
		invert = 1;
		(*p)++;
	}
	s = *p;
	while (isalnum((unsigned char)**p) || **p == '_')
		(*p)++;
	if (atom(env, s, *p - s, &value))
		return -1;
	if (invert)
		value = ~value;
	if (**p == '*' || **p == '/') {
		char op = **p;

		s = ++*p;
		while (isalnum((unsigned char)**p) || **p == '_')
			(*p)++;
		if (atom(env, s, *p - s, &factor) || (op == '/' && !factor))
			return -1;
		value = op == '*' ? value * factor : value / factor;
	}
	*out = value;
	return 0;
}

static int eval(const struct errno_walk_env *env, const char *expr, uint64_t *out)
{
	const char *p = expr;
	uint64_t value, next;
	char op;

	if (term(env, &p, &value))
		return -1;
	while (*p) {
		op = *p++;
		if (term(env, &p, &next))
			return -1;
		if (op == '+')
			value += next;
		else if (op == '-')
			value -= next;
		else if (op == '|')
			value |= next;
		else
			return -1;
	}
	*out = value;
	return 0;
}

static int set_field(const struct field *fields, void *base, const char *name, uint64_t value)
{
	for (const struct field *f = fields; f->name; f++) {
		if (strcmp(f->name, name))
			continue;
		if (f->size == 4)
			*(uint32_t *)((char *)base + f->offset) = (uint32_t)value;
		else
			*(uint64_t *)((char *)base + f->offset) = value;
		return 0;
	}
	return -1;
}

/*
 * Fills the object budget to the last page: the largest objects first, then
 * halves, down to single pages, so that a few dozen objects suffice.
 * Returns how many objects it made; *@bytes, when given, their total.
 */
static int fill_budget(int fd, uint64_t max_object_size, uint64_t page, uint32_t *handles,
		       int max, uint64_t *bytes)
{
	uint64_t total = 0;
	int n = 0;

	for (uint64_t size = max_object_size; size >= page; size /= 2) {
		while (n < max) {
			struct drm_nova_gem_create create = { .size = size };

			if (drmIoctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &create))
				break;
			handles[n++] = create.handle;
			total += create.size;
		}
	}
	if (bytes)
		*bytes = total;
	return n;
}

static void close_handle(int fd, uint32_t handle)
{
	struct drm_gem_close close_args = { .handle = handle };

	drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &close_args);
}

/* GEM_CREATE bytes @fd could still create: fills the budget, then empties it. */
static uint64_t budget_left(int fd, uint64_t max_object_size, uint64_t page)
{
	uint32_t handles[MAX_FILL];
	uint64_t bytes;
	int n = fill_budget(fd, max_object_size, page, handles, MAX_FILL, &bytes);

	while (n > 0)
		close_handle(fd, handles[--n]);
	return bytes;
}

/*
 * Maps the file's limit of one-page mappings of the fixture's object, in
 * batches of VM_BIND_MAX_OPS, from va_start + object_size on: the range
 * below stays free for the row's own operation. 0 or -1.
 */
static int fill_mappings(const struct errno_walk_env *env)
{
	struct drm_nova_vm_bind_op *ops = calloc(env->max_ops, sizeof(*ops));
	uint64_t va = env->va_start + env->object_size;
	int ret = env->max_mappings && ops ? 0 : -1;

	for (uint64_t done = 0; !ret && done < env->max_mappings;) {
		uint64_t left = env->max_mappings - done;
		uint32_t n = (uint32_t)(left < env->max_ops ? left : env->max_ops);
		struct drm_nova_vm_bind bind = {
			.op_count = n, .op_stride = sizeof(*ops), .ops = (uintptr_t)ops,
		};

		for (uint32_t i = 0; i < n; i++) {
			ops[i] = (struct drm_nova_vm_bind_op){
				.op = NOVA_VM_BIND_OP_MAP, .handle = env->object,
				.va = va + (done + i) * env->page, .range = env->page,
			};
		}
		ret = drmIoctl(env->fd, DRM_IOCTL_NOVA_VM_BIND, &bind) ? -1 : 0;
		done += n;
	}
	free(ops);
	return ret;
}

static void unmap_everything(const struct errno_walk_env *env)
{
	struct drm_nova_vm_bind_op op = {
		.op = NOVA_VM_BIND_OP_UNMAP,
		.va = env->va_start,
		.range = env->va_end - env->va_start,
	};
	struct drm_nova_vm_bind bind = {
		.op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op,
	};

	drmIoctl(env->fd, DRM_IOCTL_NOVA_VM_BIND, &bind);
}

/* --- queues and syncobjs (uAPI version 4) -------------------------------------- */

/* Most queues a row may make (fill_queues), whatever MAX_QUEUES says. */
#define MAX_ROW_QUEUES 64

static int queue_create(int fd, uint32_t *id)
{
	struct drm_nova_queue_create args = { .priority = NOVA_QUEUE_PRIORITY_NORMAL };

	if (drmIoctl(fd, DRM_IOCTL_NOVA_QUEUE_CREATE, &args))
		return -errno;
	*id = args.queue_id;
	return 0;
}

static int queue_destroy(int fd, uint32_t id)
{
	struct drm_nova_queue_destroy args = { .queue_id = id };

	return drmIoctl(fd, DRM_IOCTL_NOVA_QUEUE_DESTROY, &args) ? -errno : 0;
}

static int syncobj_create(int fd, uint32_t flags, uint32_t *handle)
{
	struct drm_syncobj_create args = { .flags = flags };

	if (drmIoctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &args))
		return -errno;
	*handle = args.handle;
	return 0;
}

static void syncobj_destroy(int fd, uint32_t handle)
{
	struct drm_syncobj_destroy args = { .handle = handle };

	drmIoctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &args);
}

/*
 * A queue whose first job fetches a command from an address no mapping
 * covers (the last page of the VA range: no row maps it and leaves it), so
 * the engine faults and the queue is lost. Waits for that, 10 s at most.
 */
static int make_lost_queue(const struct errno_walk_env *env, uint32_t *id)
{
	struct drm_nova_exec_cmdbuf buf = { .va = env->va_end - env->page, .size = 8 };
	struct drm_nova_exec exec = {
		.cmdbuf_count = 1, .cmdbuf_stride = sizeof(buf), .cmdbufs = (uintptr_t)&buf,
	};
	int ret = queue_create(env->fd, id);

	if (ret)
		return ret;
	exec.queue_id = *id;
	if (drmIoctl(env->fd, DRM_IOCTL_NOVA_EXEC, &exec)) {
		ret = -errno;
		queue_destroy(env->fd, *id);
		return ret;
	}
	for (int waited_ms = 0; waited_ms < 10000; waited_ms++) {
		struct drm_nova_queue_get_state state = { .queue_id = *id };
		const struct timespec ms = { .tv_nsec = 1000000 };

		if (drmIoctl(env->fd, DRM_IOCTL_NOVA_QUEUE_GET_STATE, &state))
			break;
		if (state.state == NOVA_QUEUE_STATE_LOST)
			return 0;
		nanosleep(&ms, NULL);
	}
	queue_destroy(env->fd, *id);
	return -ETIMEDOUT;
}

/* What a row's setup steps made, undone after the row (row_cleanup()). */
struct row_resources {
	uint32_t queues[MAX_ROW_QUEUES + 2];
	int queue_count;
	uint32_t syncobj;
	int mapped;
};

static void row_cleanup(const struct errno_walk_env *env, struct row_resources *res)
{
	/* The queues first: a job may still use the mapping and the syncobj. */
	while (res->queue_count > 0)
		queue_destroy(env->fd, res->queues[--res->queue_count]);
	if (res->syncobj)
		syncobj_destroy(env->fd, res->syncobj);
	res->syncobj = 0;
	if (res->mapped)
		unmap_everything(env);
	res->mapped = 0;
}

static int row_queue(const struct errno_walk_env *env, struct row_resources *res, uint32_t *id)
{
	int ret;

	if (res->queue_count == MAX_ROW_QUEUES + 2)
		return -ENOSPC;
	ret = queue_create(env->fd, id);
	if (!ret)
		res->queues[res->queue_count++] = *id;
	return ret;
}

/* One setup step of the queue ioctls; -1 with @why set when it fails. */
static int queue_setup(struct errno_walk_env *env, struct row_resources *res, const char *step,
		       const char **why)
{
	uint32_t id = 0;

	if (!strcmp(step, "fill_queues")) {
		for (int n = 0; n < MAX_ROW_QUEUES; n++) {
			int ret = row_queue(env, res, &id);

			if (ret == -ENOSPC)
				return 0;
			if (ret)
				break;
		}
		*why = "cannot fill the queue limit";
		return -1;
	}
	if (!strcmp(step, "destroyed_queue")) {
		if (queue_create(env->fd, &id) || queue_destroy(env->fd, id)) {
			*why = "cannot create and destroy a queue";
			return -1;
		}
		env->destroyed_queue = id;
		return 0;
	}
	if (!strcmp(step, "lost_queue")) {
		if (make_lost_queue(env, &id)) {
			*why = "cannot make a queue lost (the engine did not fault)";
			return -1;
		}
		res->queues[res->queue_count++] = id;
		env->lost_queue = id;
		return 0;
	}
	if (!strcmp(step, "syncobj") || !strcmp(step, "syncobj_signaled")) {
		uint32_t flags = strcmp(step, "syncobj") ? DRM_SYNCOBJ_CREATE_SIGNALED : 0;

		if (res->syncobj || syncobj_create(env->fd, flags, &res->syncobj)) {
			*why = "cannot create a syncobj";
			return -1;
		}
		env->syncobj = res->syncobj;
		return 0;
	}
	if (!strcmp(step, "map_object")) {
		struct drm_nova_vm_bind_op op = {
			.op = NOVA_VM_BIND_OP_MAP, .handle = env->object, .va = env->va_start,
			.range = env->object_size,
		};
		struct drm_nova_vm_bind bind = {
			.op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op,
		};

		res->mapped = 1;
		if (drmIoctl(env->fd, DRM_IOCTL_NOVA_VM_BIND, &bind)) {
			*why = "cannot map the object";
			return -1;
		}
		return 0;
	}
	*why = "unknown setup";
	return -1;
}

/* The ioctls run_row() knows, by the table's names. */
const char *const errno_walk_ioctls[] = {
	"GETPARAM", "GEM_CREATE", "GEM_INFO", "GEM_MMAP_OFFSET", "VM_BIND",
	"QUEUE_CREATE", "QUEUE_DESTROY", "EXEC", "QUEUE_GET_STATE", NULL,
};

/*
 * Runs one row; returns the errno the kernel gave (0 for success), or -1
 * with @why set when the row itself is malformed.
 */
static int run_row(struct errno_walk_env *env, struct row_resources *res,
		   const char *ioctl_name, char *input, const char **why)
{
	union {
		struct drm_nova_getparam getparam;
		struct drm_nova_gem_create gem_create;
		struct drm_nova_gem_info gem_info;
		struct drm_nova_gem_mmap_offset mmap_offset;
		struct drm_nova_vm_bind vm_bind;
		struct drm_nova_queue_create queue_create;
		struct drm_nova_queue_destroy queue_destroy;
		struct drm_nova_exec exec;
		struct drm_nova_queue_get_state get_state;
	} args;
	/* Two ops at up to MAX_STRIDE, whose tails the row may set. */
	unsigned char ops[2 * MAX_STRIDE] __attribute__((aligned(8))) = { 0 };
	struct drm_nova_vm_bind_op *op = (void *)ops;
	/* EXEC's arrays: as many elements as fit (EXEC_MAX_* at 16 bytes do). */
	unsigned char cmds[2 * MAX_STRIDE] __attribute__((aligned(8))) = { 0 };
	unsigned char syncs[2 * MAX_STRIDE] __attribute__((aligned(8))) = { 0 };
	struct drm_nova_exec_cmdbuf *cmd = (void *)cmds;
	struct drm_nova_sync *sync = (void *)syncs;
	uint64_t cmd_tail = 0, sync_tail = 0;
	int sync_handle_set = 0;
	const struct field *fields;
	unsigned long request;
	uint32_t budget_handles[MAX_FILL];
	int filled = 0, ret, bad_arg = 0, two = 0;
	/* ops=straddle or ops=tail_unreadable: bytes of op 0 left readable. */
	size_t readable = 0;
	uint64_t tail = 0, tail_at = sizeof(*op);

	memset(&args, 0, sizeof(args));
	if (!strcmp(ioctl_name, "GETPARAM")) {
		request = DRM_IOCTL_NOVA_GETPARAM;
		fields = getparam_fields;
		args.getparam.param = NOVA_GETPARAM_VRAM_BAR_SIZE;
	} else if (!strcmp(ioctl_name, "GEM_CREATE")) {
		request = DRM_IOCTL_NOVA_GEM_CREATE;
		fields = gem_create_fields;
		args.gem_create.size = env->page;
	} else if (!strcmp(ioctl_name, "GEM_INFO")) {
		request = DRM_IOCTL_NOVA_GEM_INFO;
		fields = gem_info_fields;
		args.gem_info.handle = env->object;
	} else if (!strcmp(ioctl_name, "GEM_MMAP_OFFSET")) {
		request = DRM_IOCTL_NOVA_GEM_MMAP_OFFSET;
		fields = mmap_offset_fields;
		args.mmap_offset.handle = env->object;
	} else if (!strcmp(ioctl_name, "VM_BIND")) {
		request = DRM_IOCTL_NOVA_VM_BIND;
		fields = vm_bind_fields;
		args.vm_bind.op_count = 1;
		args.vm_bind.op_stride = sizeof(*op);
		args.vm_bind.ops = (uintptr_t)ops;
		args.vm_bind.sync_stride = sizeof(*sync);
		args.vm_bind.syncs = (uintptr_t)syncs;
		sync->flags = NOVA_SYNC_SIGNAL;
		op->op = NOVA_VM_BIND_OP_MAP;
		op->handle = env->object;
		op->va = env->va_start;
		op->range = env->page;
	} else if (!strcmp(ioctl_name, "QUEUE_CREATE")) {
		request = DRM_IOCTL_NOVA_QUEUE_CREATE;
		fields = queue_create_fields;
		args.queue_create.priority = NOVA_QUEUE_PRIORITY_NORMAL;
	} else if (!strcmp(ioctl_name, "QUEUE_DESTROY") || !strcmp(ioctl_name, "EXEC") ||
		   !strcmp(ioctl_name, "QUEUE_GET_STATE")) {
		if (row_queue(env, res, &env->queue)) {
			*why = "cannot create the row's queue";
			return -1;
		}
		if (!strcmp(ioctl_name, "QUEUE_DESTROY")) {
			request = DRM_IOCTL_NOVA_QUEUE_DESTROY;
			fields = queue_destroy_fields;
			args.queue_destroy.queue_id = env->queue;
		} else if (!strcmp(ioctl_name, "EXEC")) {
			request = DRM_IOCTL_NOVA_EXEC;
			fields = exec_fields;
			args.exec.queue_id = env->queue;
			args.exec.cmdbuf_stride = sizeof(*cmd);
			args.exec.cmdbufs = (uintptr_t)cmds;
			args.exec.sync_stride = sizeof(*sync);
			args.exec.syncs = (uintptr_t)syncs;
			cmd->va = env->va_start;
			cmd->size = 8;
			sync->flags = NOVA_SYNC_SIGNAL;
		} else {
			request = DRM_IOCTL_NOVA_QUEUE_GET_STATE;
			fields = get_state_fields;
			args.get_state.queue_id = env->queue;
		}
	} else {
		*why = "unknown ioctl";
		return -1;
	}

	for (char *save, *tok = strtok_r(input, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');
		uint64_t value;

		if (!eq) {
			*why = "an input is not NAME=VALUE";
			return -1;
		}
		*eq = 0;
		if (!strcmp(tok, "arg") && !strcmp(eq + 1, "bad_pointer")) {
			bad_arg = 1;
			continue;
		}
		if (!strcmp(tok, "ops") && !strcmp(eq + 1, "straddle")) {
			readable = sizeof(*op) - 8;
			continue;
		}
		if (!strcmp(tok, "ops") && !strcmp(eq + 1, "tail_unreadable")) {
			readable = sizeof(*op);
			continue;
		}
		if (!strcmp(tok, "ops") && !strcmp(eq + 1, "two")) {
			two = 1;
			args.vm_bind.op_count = 2;
			continue;
		}
		if (!strcmp(tok, "setup")) {
			if (!strcmp(eq + 1, "fill_budget")) {
				filled = fill_budget(env->fd, env->max_object_size, env->page,
						     budget_handles, MAX_FILL, NULL);
			} else if (!strcmp(eq + 1, "fill_mappings")) {
				/* The row's VM_BIND cleanup unmaps them again. */
				if (strcmp(ioctl_name, "VM_BIND") || fill_mappings(env)) {
					unmap_everything(env);
					*why = "cannot fill the mapping limit";
					return -1;
				}
			} else if (queue_setup(env, res, eq + 1, why)) {
				return -1;
			}
			continue;
		}
		if (eval(env, eq + 1, &value)) {
			*why = "cannot evaluate a value";
			return -1;
		}
		if (!strcmp(tok, "tail"))
			tail = value;
		else if (!strcmp(tok, "tail_at"))
			tail_at = value;
		else if (!strcmp(tok, "cmd_tail"))
			cmd_tail = value;
		else if (!strcmp(tok, "sync_tail"))
			sync_tail = value;
		else if (!strncmp(tok, "cmd.", 4) ? set_field(exec_cmdbuf_fields, cmd, tok + 4, value)
			 : !strncmp(tok, "sync.", 5)
				 ? (sync_handle_set |= !strcmp(tok, "sync.handle"),
				    set_field(exec_sync_fields, sync, tok + 5, value))
			 : !strncmp(tok, "op.", 3) ? set_field(vm_bind_op_fields, op, tok + 3, value)
						   : set_field(fields, &args, tok, value)) {
			*why = "unknown field";
			return -1;
		}
	}
	if (two) {
		struct drm_nova_vm_bind_op second = *op;

		if (args.vm_bind.op_stride < sizeof(*op) || args.vm_bind.op_stride > MAX_STRIDE) {
			*why = "ops=two needs an op_stride of 40 to 4096";
			return -1;
		}
		second.va += env->page;
		memcpy(ops + args.vm_bind.op_stride, &second, sizeof(second));
	}
	if (request == DRM_IOCTL_NOVA_EXEC || request == DRM_IOCTL_NOVA_VM_BIND) {
		int exec = request == DRM_IOCTL_NOVA_EXEC;
		uint32_t cstride = exec ? args.exec.cmdbuf_stride : 0;
		uint32_t sstride = exec ? args.exec.sync_stride : args.vm_bind.sync_stride;
		uint64_t nsyncs = exec ? args.exec.sync_count : args.vm_bind.sync_count;

		/* By default the sync elements name the row's syncobj. */
		if (!sync_handle_set)
			sync->handle = env->syncobj;
		/* Every element as element 0, as far as the arrays reach. */
		for (uint64_t i = 1; exec && cstride >= sizeof(*cmd) && i < args.exec.cmdbuf_count &&
				     (i + 1) * cstride <= sizeof(cmds); i++)
			memcpy(cmds + i * cstride, cmd, sizeof(*cmd));
		for (uint64_t i = 1; sstride >= sizeof(*sync) && i < nsyncs &&
				     (i + 1) * sstride <= sizeof(syncs); i++)
			memcpy(syncs + i * sstride, sync, sizeof(*sync));
		if ((cmd_tail && (!exec || cstride <= sizeof(*cmd))) ||
		    (sync_tail && sstride <= sizeof(*sync))) {
			*why = "cmd_tail (EXEC) and sync_tail need a stride above 16";
			return -1;
		}
		if (cmd_tail)
			cmds[sizeof(*cmd)] = (unsigned char)cmd_tail;
		if (sync_tail)
			syncs[sizeof(*sync)] = (unsigned char)sync_tail;
	}
	if (tail) {
		if (tail_at >= sizeof(ops)) {
			*why = "tail_at is past the op array";
			return -1;
		}
		ops[tail_at] = (unsigned char)tail;
	}
	if (readable) {
		/* @readable bytes of op 0 end where a PROT_NONE page starts. */
		unsigned char *pages = mmap(NULL, 2 * env->page, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (pages == MAP_FAILED) {
			*why = "cannot map the unreadable page";
			return -1;
		}
		mprotect(pages + env->page, env->page, PROT_NONE);
		memcpy(pages + env->page - readable, ops, readable);
		args.vm_bind.ops = (uintptr_t)(pages + env->page - readable);
		ret = drmIoctl(env->fd, request, &args) ? errno : 0;
		munmap(pages, 2 * env->page);
	} else {
		ret = drmIoctl(env->fd, request, bad_arg ? (void *)8 : (void *)&args) ? errno : 0;
	}

	if (ret == 0 && request == DRM_IOCTL_NOVA_GEM_CREATE)
		close_handle(env->fd, args.gem_create.handle);
	if (ret == 0 && request == DRM_IOCTL_NOVA_QUEUE_CREATE)
		res->queues[res->queue_count++] = args.queue_create.queue_id;
	if (request == DRM_IOCTL_NOVA_VM_BIND)
		unmap_everything(env);
	while (filled > 0)
		close_handle(env->fd, budget_handles[--filled]);
	return ret;
}

static int param(int fd, uint64_t id, uint64_t *value)
{
	struct drm_nova_getparam args = { .param = id };

	if (drmIoctl(fd, DRM_IOCTL_NOVA_GETPARAM, &args))
		return -errno;
	*value = args.value;
	return 0;
}

static int create(int fd, uint64_t size, uint32_t *handle)
{
	struct drm_nova_gem_create args = { .size = size };

	if (drmIoctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &args))
		return -errno;
	*handle = args.handle;
	return 0;
}

static int gem_info(int fd, uint32_t handle)
{
	struct drm_nova_gem_info args = { .handle = handle };

	return drmIoctl(fd, DRM_IOCTL_NOVA_GEM_INFO, &args) ? -errno : 0;
}

/*
 * A second file of the device (reopening the node behind @fd), and in it
 * an object whose handle number fd does not have: what "foreign" names.
 */
static int setup_foreign(struct errno_walk_env *env)
{
	uint32_t handles[8];
	char path[64];
	int n = 0, ret = 0;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", env->fd);
	env->other_fd = open(path, O_RDWR | O_CLOEXEC);
	if (env->other_fd < 0)
		return -errno;
	/*
	 * Handles count up from 1 in each file: skip the numbers fd uses, and
	 * closed's, so that foreign names a number fd never had.
	 */
	for (;;) {
		if (n == 8)
			return -EEXIST;
		ret = create(env->other_fd, env->page, &handles[n]);
		if (ret)
			return ret;
		if (handles[n] != env->closed && gem_info(env->fd, handles[n]) == -ENOENT)
			break;
		n++;
	}
	env->foreign = handles[n];
	while (n > 0)
		close_handle(env->other_fd, handles[--n]);
	return 0;
}

/*
 * In the second file, the queue with the highest id (MAX_QUEUES): a queue
 * id in range that the caller's file never has (its rows make a few
 * queues, from id 1 on, and fill_queues only QUEUE_CREATE's).
 */
static int setup_foreign_queue(struct errno_walk_env *env)
{
	uint32_t ids[MAX_ROW_QUEUES];
	uint64_t n = 0;
	int ret = 0;

	if (env->max_queues < 2 || env->max_queues > MAX_ROW_QUEUES)
		return -ERANGE;
	while (n < env->max_queues && !(ret = queue_create(env->other_fd, &ids[n])))
		n++;
	if (!ret)
		env->foreign_queue = ids[n - 1];
	while (n > (ret ? 0 : 1))
		queue_destroy(env->other_fd, ids[--n]);
	return ret;
}

int errno_walk_setup(struct errno_walk_env *env, int fd)
{
	uint64_t va_size = 0;
	int ret;

	memset(env, 0, sizeof(*env));
	env->fd = fd;
	env->other_fd = -1;
	ret = param(fd, NOVA_GETPARAM_UAPI_VERSION, &env->uapi_version);
	if (!ret)
		ret = param(fd, NOVA_GETPARAM_PAGE_SIZE, &env->page);
	if (!ret)
		ret = param(fd, NOVA_GETPARAM_MAX_OBJECT_SIZE, &env->max_object_size);
	if (!ret && env->uapi_version >= 2) {
		ret = param(fd, NOVA_GETPARAM_VA_START, &env->va_start);
		if (!ret)
			ret = param(fd, NOVA_GETPARAM_VA_SIZE, &va_size);
		if (!ret)
			ret = param(fd, NOVA_GETPARAM_VM_BIND_MAX_OPS, &env->max_ops);
	}
	if (!ret && env->uapi_version >= 3)
		ret = param(fd, NOVA_GETPARAM_MAX_MAPPINGS, &env->max_mappings);
	if (ret)
		return ret;
	env->va_end = env->va_start + va_size;
	env->object_size = 4 * env->page;
	ret = create(fd, env->object_size, &env->object);
	if (!ret)
		ret = create(fd, env->page, &env->closed);
	if (ret)
		return ret;
	close_handle(fd, env->closed);
	ret = setup_foreign(env);
	if (ret) {
		errno_walk_teardown(env);
		return ret;
	}
	if (env->uapi_version >= 4) {
		ret = param(fd, NOVA_GETPARAM_MAX_QUEUES, &env->max_queues) ?:
		      param(fd, NOVA_GETPARAM_EXEC_MAX_CMDBUFS, &env->exec_max_cmdbufs) ?:
		      param(fd, NOVA_GETPARAM_EXEC_MAX_SYNCS, &env->exec_max_syncs) ?:
		      param(fd, NOVA_GETPARAM_MAX_CMDBUF_SIZE, &env->max_cmdbuf_size) ?:
		      setup_foreign_queue(env);
		if (ret) {
			errno_walk_teardown(env);
			return ret;
		}
	}
	env->budget_left = budget_left(fd, env->max_object_size, env->page);
	return 0;
}

void errno_walk_teardown(struct errno_walk_env *env)
{
	if (env->object)
		close_handle(env->fd, env->object);
	env->object = 0;
	if (env->other_fd >= 0)
		close(env->other_fd);
	env->other_fd = -1;
}

const char *errno_walk_skip(const struct errno_walk_env *env, const struct errno_walk_row *row)
{
	if (!strcmp(row->ioctl, "VM_BIND") && env->uapi_version < 2)
		return "needs uAPI version 2";
	if (!strcmp(row->ioctl, "VM_BIND") &&
	    (strstr(row->input, "sync") || strstr(row->input, "SYNC") ||
	     strstr(row->input, "VM_BIND_FLAGS") || strstr(row->input, "failed_op") || !strncmp(row->input, "pad=", 4) ||
	     strstr(row->input, " pad=")) &&
	    env->uapi_version < 5)
		return "needs uAPI version 5";
	if ((strstr(row->input, "MAX_MAPPINGS") || strstr(row->input, "fill_mappings")) &&
	    env->uapi_version < 3)
		return "needs uAPI version 3";
	if ((strstr(row->ioctl, "QUEUE") || !strcmp(row->ioctl, "EXEC") ||
	     strstr(row->input, "MAX_QUEUES") || strstr(row->input, "EXEC_MAX") ||
	     strstr(row->input, "CMDBUF_SIZE") || strstr(row->input, "JOB_TIMEOUT") ||
	     strstr(row->input, "CALL_MAX") || strstr(row->input, "QUEUE_MAX") ||
	     strstr(row->input, "TIMESTAMP")) &&
	    env->uapi_version < 4)
		return "needs uAPI version 4";
	return NULL;
}

int errno_walk_run(const struct errno_walk_env *env, const struct errno_walk_row *row,
		   const char **problem)
{
	char input[sizeof(row->input)];
	int ret;

	if (row->want < 0) {
		*problem = "malformed row";
		return -1;
	}
	struct errno_walk_env row_env = *env;
	struct row_resources res = { .queue_count = 0 };

	memcpy(input, row->input, sizeof(input));
	ret = run_row(&row_env, &res, row->ioctl, input, problem);
	row_cleanup(&row_env, &res);
	if (ret >= 0 && budget_left(env->fd, env->max_object_size, env->page) != env->budget_left) {
		*problem = "the call left an object behind (the budget left changed)";
		return -1;
	}
	return ret;
}

const char *errno_walk_name(int value)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].value == value)
			return errnos[i].name;
	return strerror(value);
}

static int errno_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].value;
	return -1;
}

/* "lineN-" and the ioctl and input, lower case, other characters as '-'. */
static void row_name(struct errno_walk_row *row)
{
	size_t n = (size_t)snprintf(row->name, sizeof(row->name), "line%d-%s-%s", row->line,
				    row->ioctl, row->input);
	char *out = row->name;

	if (n >= sizeof(row->name))
		n = sizeof(row->name) - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)row->name[i];

		c = isalnum(c) || c == '_' ? (unsigned char)tolower(c) : '-';
		if (c == '-' && out > row->name && out[-1] == '-')
			continue;
		*out++ = (char)c;
	}
	while (out > row->name && out[-1] == '-')
		out--;
	*out = 0;
}

/* Splits one CSV line (no quoting: the table has none) into @row. */
static void parse_row(char *line, struct errno_walk_row *row)
{
	char *save, *ioctl_name, *input, *expected, *why;

	line[strcspn(line, "\n")] = 0;
	ioctl_name = strtok_r(line, ",", &save);
	input = strtok_r(NULL, ",", &save);
	expected = strtok_r(NULL, ",", &save);
	why = strtok_r(NULL, "", &save);
	row->want = -1;
	if (!ioctl_name || !input || !expected || !why)
		return;
	for (const char *const *known = errno_walk_ioctls; strcmp(*known, ioctl_name); known++)
		if (!known[1])
			return;
	snprintf(row->ioctl, sizeof(row->ioctl), "%s", ioctl_name);
	snprintf(row->input, sizeof(row->input), "%s", input);
	snprintf(row->expected, sizeof(row->expected), "%s", expected);
	snprintf(row->why, sizeof(row->why), "%s", why);
	row->want = errno_of(expected);
	row_name(row);
}

int errno_walk_load(const char *path, struct errno_walk_row **rows, size_t *count)
{
	struct errno_walk_row *all = NULL;
	size_t n = 0, capacity = 0;
	char line[512];
	int line_no = 0;
	FILE *table = fopen(path, "r");

	if (!table)
		return -errno;
	while (fgets(line, sizeof(line), table)) {
		if (++line_no == 1)
			continue; /* header */
		if (n == capacity) {
			struct errno_walk_row *grown;

			capacity = capacity ? 2 * capacity : 128;
			grown = realloc(all, capacity * sizeof(*all));
			if (!grown) {
				free(all);
				fclose(table);
				return -ENOMEM;
			}
			all = grown;
		}
		memset(&all[n], 0, sizeof(all[n]));
		all[n].line = line_no;
		parse_row(line, &all[n]);
		if (all[n].want < 0)
			snprintf(all[n].name, sizeof(all[n].name), "line%d-malformed", line_no);
		n++;
	}
	fclose(table);
	*rows = all;
	*count = n;
	return 0;
}

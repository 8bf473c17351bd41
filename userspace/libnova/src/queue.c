// SPDX-License-Identifier: MIT
/*
 * nova_queue: the command engine's queues, EXEC and waiting for a job.
 *
 * Each queue owns a timeline syncobj; every EXEC through libnova adds one
 * signal element, the job's seqno as a point of it, which is what
 * nova_queue_wait() waits on. The seqno is known before the call because
 * EXECs on one queue are serialized by its exec_lock and the kernel numbers
 * a queue's jobs 1, 2, 3, ... (drm_nova_exec.seqno); the point is checked
 * against what the kernel returns.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"

/* Sync elements on the stack up to this; more are allocated. */
#define EXEC_STACK_SYNCS	16

_Static_assert(sizeof(struct nova_exec_cmdbuf) == sizeof(struct drm_nova_exec_cmdbuf) &&
	       offsetof(struct nova_exec_cmdbuf, size) ==
	       offsetof(struct drm_nova_exec_cmdbuf, size),
	       "struct nova_exec_cmdbuf is the uAPI's layout: passed as it is");
_Static_assert(sizeof(struct nova_sync_point) == 16, "frozen layout");

static int queue_destroy_ioctl(int fd, uint32_t id)
{
	struct drm_nova_queue_destroy args = { .queue_id = id };

	return libnova_ioctl(fd, DRM_IOCTL_NOVA_QUEUE_DESTROY, &args);
}

NOVA_EXPORT int nova_queue_create(struct nova_device *dev, uint32_t priority,
				  struct nova_queue **out)
{
	struct drm_nova_queue_create args = { .priority = priority };
	struct nova_queue *q;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;
	if (dev->params.uapi_version < 4)
		return -EOPNOTSUPP;

	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->dev = dev;
	q->refcount = 1;
	ret = pthread_mutex_init(&q->exec_lock, NULL);
	if (ret) {
		free(q);
		return -ret;
	}

	ret = libnova_ioctl(dev->fd, DRM_IOCTL_NOVA_QUEUE_CREATE, &args);
	if (ret)
		goto err_free;
	q->id = args.queue_id;

	if (drmSyncobjCreate(dev->fd, 0, &q->timeline)) {
		ret = -errno;
		queue_destroy_ioctl(dev->fd, q->id);
		goto err_free;
	}
	*out = q;
	return 0;

err_free:
	pthread_mutex_destroy(&q->exec_lock);
	free(q);
	return ret;
}

NOVA_EXPORT struct nova_queue *nova_queue_ref(struct nova_queue *q)
{
	if (q)
		__atomic_fetch_add(&q->refcount, 1, __ATOMIC_RELAXED);
	return q;
}

NOVA_EXPORT void nova_queue_unref(struct nova_queue *q)
{
	if (!q || __atomic_sub_fetch(&q->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	/* The kernel cancels the unfinished jobs; then the timeline can go. */
	queue_destroy_ioctl(q->dev->fd, q->id);
	drmSyncobjDestroy(q->dev->fd, q->timeline);
	pthread_mutex_destroy(&q->exec_lock);
	free(q);
}

NOVA_EXPORT uint32_t nova_queue_id(const struct nova_queue *q)
{
	return q ? q->id : 0;
}

NOVA_EXPORT struct nova_device *nova_queue_device(const struct nova_queue *q)
{
	return q ? q->dev : NULL;
}

NOVA_EXPORT uint32_t nova_queue_timeline(const struct nova_queue *q)
{
	return q ? q->timeline : 0;
}

void libnova_to_sync(struct drm_nova_sync *s, const struct nova_sync_point *p,
		     uint32_t flags)
{
	s->handle = p->syncobj;
	s->flags = flags | (p->point ? NOVA_SYNC_TIMELINE : 0);
	s->point = p->point;
}

NOVA_EXPORT int nova_queue_exec(struct nova_queue *q,
				const struct nova_exec_cmdbuf *cmdbufs, uint32_t cmdbuf_count,
				const struct nova_sync_point *waits, uint32_t wait_count,
				const struct nova_sync_point *signals, uint32_t signal_count,
				uint64_t *seqno)
{
	struct drm_nova_sync stack[EXEC_STACK_SYNCS], *syncs = stack;
	struct drm_nova_exec args = { 0 };
	uint64_t total, max_syncs, point;
	uint32_t i, n = 0;
	int ret;

	if (!q || (cmdbuf_count && !cmdbufs) || (wait_count && !waits) ||
	    (signal_count && !signals))
		return -EINVAL;
	for (i = 0; i < wait_count; i++)
		if (waits[i].pad)
			return -EINVAL;
	for (i = 0; i < signal_count; i++)
		if (signals[i].pad)
			return -EINVAL;

	total = (uint64_t)wait_count + signal_count + 1;
	if (!libnova_param_cached(q->dev, NOVA_GETPARAM_EXEC_MAX_SYNCS, &max_syncs) &&
	    total > max_syncs)
		return -E2BIG;
	if (total > EXEC_STACK_SYNCS) {
		if (total > UINT32_MAX)
			return -E2BIG;
		syncs = calloc(total, sizeof(*syncs));
		if (!syncs)
			return -ENOMEM;
	}
	for (i = 0; i < wait_count; i++)
		libnova_to_sync(&syncs[n++], &waits[i], NOVA_SYNC_WAIT);
	for (i = 0; i < signal_count; i++)
		libnova_to_sync(&syncs[n++], &signals[i], NOVA_SYNC_SIGNAL);

	args.queue_id = q->id;
	args.cmdbuf_count = cmdbuf_count;
	args.cmdbuf_stride = sizeof(struct drm_nova_exec_cmdbuf);
	args.cmdbufs = (uintptr_t)cmdbufs;
	args.sync_count = n + 1;
	args.sync_stride = sizeof(struct drm_nova_sync);
	args.syncs = (uintptr_t)syncs;

	pthread_mutex_lock(&q->exec_lock);
	point = q->submitted + 1;
	syncs[n].handle = q->timeline;
	syncs[n].flags = NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE;
	syncs[n].point = point;
	ret = libnova_ioctl(q->dev->fd, DRM_IOCTL_NOVA_EXEC, &args);
	if (!ret) {
		/*
		 * A job submitted on this queue behind libnova's back shifts the
		 * seqnos: follow the kernel's numbering from here on (the jobs
		 * in between are not on the timeline).
		 */
		__atomic_store_n(&q->submitted, args.seqno > point ? args.seqno : point,
				 __ATOMIC_RELEASE);
		if (seqno)
			*seqno = args.seqno;
	}
	pthread_mutex_unlock(&q->exec_lock);

	if (syncs != stack)
		free(syncs);
	return ret;
}

NOVA_EXPORT int nova_fault_errno(uint32_t fault_type)
{
	switch (fault_type) {
	case NOVA_FAULT_NONE:
		return 0;
	case NOVA_FAULT_UNMAPPED:
		return -EFAULT;
	case NOVA_FAULT_READONLY:
	case NOVA_FAULT_NOEXEC:
		return -EACCES;
	case NOVA_FAULT_INVALID_COMMAND:
		return -EILSEQ;
	case NOVA_FAULT_TIMEOUT:
		return -ETIMEDOUT;
	}
	return -EIO;
}

NOVA_EXPORT const char *nova_fault_name(uint32_t fault_type)
{
	static const char *const names[] = {
		[NOVA_FAULT_NONE] = "NONE",
		[NOVA_FAULT_UNMAPPED] = "UNMAPPED",
		[NOVA_FAULT_READONLY] = "READONLY",
		[NOVA_FAULT_NOEXEC] = "NOEXEC",
		[NOVA_FAULT_INVALID_COMMAND] = "INVALID_COMMAND",
		[NOVA_FAULT_TIMEOUT] = "TIMEOUT",
	};

	return fault_type < sizeof(names) / sizeof(names[0]) ? names[fault_type] : NULL;
}

NOVA_EXPORT int nova_queue_get_state(struct nova_queue *q, struct nova_queue_state *st)
{
	struct drm_nova_queue_get_state args = { 0 };
	struct nova_queue_state full = { 0 };
	uint32_t size;
	int ret;

	if (!q || !st || st->struct_size < 8)
		return -EINVAL;
	args.queue_id = q->id;
	ret = libnova_ioctl(q->dev->fd, DRM_IOCTL_NOVA_QUEUE_GET_STATE, &args);
	if (ret)
		return ret;

	full.state = args.state;
	full.fault_type = args.fault_type;
	full.fault_access = args.fault_access;
	full.fault_errno = nova_fault_errno(args.fault_type);
	full.fault_va = args.fault_va;
	full.fault_seqno = args.fault_seqno;
	full.submitted = args.submitted;
	full.completed = args.completed;

	size = st->struct_size < sizeof(full) ? st->struct_size : sizeof(full);
	full.struct_size = size;
	memcpy(st, &full, size);
	return 0;
}

/* A relative timeout as the absolute CLOCK_MONOTONIC time the DRM core wants. */
int64_t libnova_abs_timeout(int64_t timeout_ns)
{
	struct timespec now;
	int64_t t;

	if (timeout_ns < 0)
		return INT64_MAX;
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	return timeout_ns > INT64_MAX - t ? INT64_MAX : t + timeout_ns;
}

NOVA_EXPORT int nova_queue_wait(struct nova_queue *q, uint64_t seqno, int64_t timeout_ns)
{
	struct nova_queue_state st = { .struct_size = sizeof(st) };
	uint64_t point = seqno;
	int ret;

	if (!q || seqno > __atomic_load_n(&q->submitted, __ATOMIC_ACQUIRE))
		return -EINVAL;
	if (!seqno)
		return 0;

	if (drmSyncobjTimelineWait(q->dev->fd, &q->timeline, &point, 1,
				   libnova_abs_timeout(timeout_ns), 0, NULL))
		return -errno;

	ret = nova_queue_get_state(q, &st);
	if (ret)
		return ret;
	if (st.fault_seqno && seqno == st.fault_seqno)
		return st.fault_errno;
	if (st.fault_seqno && seqno > st.fault_seqno)
		return -ECANCELED;
	return 0;
}

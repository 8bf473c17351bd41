// SPDX-License-Identifier: GPL-2.0
/*
 * nova-stress: several processes, each with several threads, create and
 * close objects, bind and unbind them, CPU-map them, and close and reopen
 * their files, all at once, for a bounded time.
 *
 * In each process some threads share one file (one GPU VA space, the same
 * handle table: they close each other's handles and cut each other's
 * mappings), the others each have a file of their own (separate VA spaces
 * that compete only for the device: its object budget, its accounting, its
 * locks). One thread per process keeps closing the shared file and opening
 * a new one under the others' feet; the private threads close and reopen
 * theirs with objects and mappings still live; now and then a thread forks
 * a child that opens the device, maps objects and dies without cleaning up.
 *
 * From uAPI version 4 on the threads also run jobs: each keeps a command
 * buffer mapped in the VA window its siblings unbind at random, and EXECs
 * it on queues; the threads of the shared file share a table of queues
 * that any of them destroys and recreates while the others EXEC on them.
 * A job's fence must signal (success, or a documented fault or
 * cancellation errno) within the watchdog bound; EXEC, QUEUE_CREATE and
 * QUEUE_DESTROY may fail only as racing clients legitimately do.
 *
 * From uAPI version 5 on half the binds are asynchronous: one to three
 * operations (maps, unmaps, SYNC_ONLY) at random strides, waiting for the
 * thread's last job and last bind and signalling a syncobj, racing with
 * the siblings' synchronous binds and EXECs on the same VA space; files
 * are closed (and the shared one replaced) with binds pending; a bind's
 * fence must signal well (or with its job's error) in bounded time. A
 * private thread now and then leaves binds pending in a second file on
 * the fence of a job that waits forever in its own, and closes that file:
 * the close must not wait for the job.
 *
 * The parent is the watchdog: the workers count their operations in shared
 * memory, and when the count stops moving for --watchdog seconds, or the
 * workers do not stop in time, the run fails as a hang (with the kernel
 * stacks of the stuck tasks printed). An errno outside the expected set of
 * an operation fails it too. After the workers exit, the device's debugfs
 * counters must be back to zero.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "common.h"

#define MAX_PROCS	16
#define MAX_THREADS	16
#define MAX_HANDLES	16
#define VA_WINDOW_PAGES	256
#define SHARED_QUEUES	4
/* Private files from here up: the other files never reach it (open_private()). */
#define PRIVATE_FD_MIN	512

enum op {
	OP_CREATE, OP_CLOSE, OP_MAP, OP_UNMAP, OP_MMAP, OP_INFO, OP_REOPEN,
	OP_SHARED_REOPEN, OP_FORK, OP_EXEC, OP_QUEUE, OP_JOB_WAIT, OP_ASYNC_BIND, OP_BIND_WAIT,
	OP_FOREIGN_CLOSE, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"create", "close", "map", "unmap", "mmap", "info", "reopen-private",
	"reopen-shared", "fork-and-die", "exec", "queue-recreate", "job-wait", "async-bind",
	"bind-wait", "foreign-close",
};

/* Lives in MAP_SHARED memory: written by the workers, read by the parent. */
struct shared {
	atomic_bool stop;
	atomic_uint_fast64_t ops[OP_COUNT];
	atomic_uint_fast64_t unexpected;
	atomic_uint_fast64_t heartbeat;
	atomic_uint_fast64_t foreign_closes;
};

struct worker {
	struct shared *sh;
	struct nova_limits lim;
	uint64_t rng;
	bool uses_shared;	/* the process's shared file, or a file of its own */
	bool closer;		/* the thread that reopens the shared file */
	int own_fd;
	uint32_t handles[MAX_HANDLES];
	int nhandles;
	unsigned int generation; /* of the shared file the handles belong to */
	/* uAPI 4: a private queue, a mapped command buffer, the last job's syncobj. */
	uint32_t queue;
	uint32_t cmd_handle;
	uint64_t cmd_va, cmd_size;
	uint32_t syncobj;
	int job_fd;		/* the file the syncobj's job was submitted on */
	unsigned int job_generation;	/* of the shared file, at submission */
	/* uAPI 5: the last asynchronous bind's syncobj, as for the job's. */
	uint32_t bind_syncobj;
	int bind_fd;
	unsigned int bind_generation;
	bool bind_waited_job;	/* it (or one it waited for) waited for a job */
	uint64_t plug_va;	/* a buffer of one WAIT nobody satisfies, 0: none */
};

/* The process's shared file; replaced by the closer thread. */
static atomic_int shared_fd = -1;
static atomic_uint shared_generation;
/* Queues of the shared file, any thread's to EXEC on, destroy and replace. */
static atomic_uint shared_queues[SHARED_QUEUES];

static void unexpected(struct worker *w, const char *what, int err)
{
	atomic_fetch_add(&w->sh->unexpected, 1);
	fprintf(stderr, "nova-stress[%d]: %s: unexpected %s\n", getpid(), what, nova_errno_name(err));
}

static bool allowed(int err, const int *list)
{
	for (; *list; list++)
		if (*list == err)
			return true;
	return !err;
}

static void count(struct worker *w, enum op op)
{
	atomic_fetch_add_explicit(&w->sh->ops[op], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&w->sh->heartbeat, 1, memory_order_relaxed);
}

static int worker_fd(struct worker *w)
{
	if (!w->uses_shared)
		return w->own_fd;
	/* A new shared file: the handles we knew belong to the closed one. */
	if (w->generation != atomic_load(&shared_generation)) {
		w->generation = atomic_load(&shared_generation);
		w->nhandles = 0;
		w->cmd_handle = 0;
		w->syncobj = 0;
		w->bind_syncobj = 0;
	}
	return atomic_load(&shared_fd);
}

/*
 * Errors a racing client legitimately sees: the file was closed under it
 * (EBADF), a handle was closed by a sibling (ENOENT, or EINVAL from
 * GEM_CLOSE), the budget is full or memory is short.
 */
/*
 * ENOTTY too: the closed shared file's number may already name a sync_file
 * a sibling exported (job_wait()).
 */
static const int racy_lookup[] = { EBADF, ENOTTY, ENOENT, ENOMEM, 0 };
static const int racy_close[] = { EBADF, ENOTTY, EINVAL, 0 };
static const int racy_create[] = { EBADF, ENOTTY, ENOSPC, ENOMEM, 0 };

static void op_create(struct worker *w, int fd)
{
	struct drm_nova_gem_create args = { .size = (nova_rand_below(&w->rng, 4) + 1) * w->lim.page };
	int err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &args);

	if (!allowed(err, racy_create))
		unexpected(w, "GEM_CREATE", err);
	if (err)
		return;
	if (w->nhandles < MAX_HANDLES) {
		w->handles[w->nhandles++] = args.handle;
	} else {
		struct drm_gem_close close_args = { .handle = args.handle };

		nova_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &close_args);
	}
}

static uint32_t some_handle(struct worker *w, int *index)
{
	if (!w->nhandles)
		return 0;
	*index = (int)nova_rand_below(&w->rng, w->nhandles);
	return w->handles[*index];
}

static void drop_handle(struct worker *w, int index)
{
	w->handles[index] = w->handles[--w->nhandles];
}

static void op_close(struct worker *w, int fd)
{
	int index;
	struct drm_gem_close args = { .handle = some_handle(w, &index) };
	int err;

	if (!args.handle)
		return;
	err = nova_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
	if (!allowed(err, racy_close))
		unexpected(w, "GEM_CLOSE", err);
	drop_handle(w, index);
}

static void op_map(struct worker *w, int fd)
{
	int index;
	struct drm_nova_vm_bind_op op = {
		.op = NOVA_VM_BIND_OP_MAP,
		.handle = some_handle(w, &index),
		.va = w->lim.va_start + nova_rand_below(&w->rng, VA_WINDOW_PAGES) * w->lim.page,
		.range = w->lim.page,
	};
	struct drm_nova_vm_bind args = { .op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op };
	int err;

	if (!op.handle)
		return;
	err = nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &args);
	if (!allowed(err, racy_lookup))
		unexpected(w, "VM_BIND map", err);
	if (err == ENOENT)
		drop_handle(w, index);
}

static void op_unmap(struct worker *w, int fd)
{
	struct drm_nova_vm_bind_op op = {
		.op = NOVA_VM_BIND_OP_UNMAP,
		.va = w->lim.va_start + nova_rand_below(&w->rng, VA_WINDOW_PAGES) * w->lim.page,
		.range = (nova_rand_below(&w->rng, 8) + 1) * w->lim.page,
	};
	struct drm_nova_vm_bind args = { .op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op };
	int err = nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &args);

	if (!allowed(err, racy_lookup))
		unexpected(w, "VM_BIND unmap", err);
}

static void op_info(struct worker *w, int fd)
{
	int index;
	struct drm_nova_gem_info args = { .handle = some_handle(w, &index) };
	int err;

	if (!args.handle)
		return;
	err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_INFO, &args);
	if (!allowed(err, racy_lookup))
		unexpected(w, "GEM_INFO", err);
	if (err == ENOENT)
		drop_handle(w, index);
}

static void op_mmap(struct worker *w, int fd)
{
	int index;
	struct drm_nova_gem_mmap_offset args = { .handle = some_handle(w, &index) };
	struct drm_nova_gem_info info = { .handle = args.handle };
	volatile uint8_t *ptr;
	int err;

	if (!args.handle)
		return;
	err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &args);
	err = err ?: nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_INFO, &info);
	if (!allowed(err, racy_lookup))
		unexpected(w, "GEM_MMAP_OFFSET", err);
	if (err)
		return;
	ptr = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)args.offset);
	if (ptr == MAP_FAILED) {
		/* The handle (and its offset) may be gone, or the fd replaced. */
		if (errno != EBADF && errno != EINVAL && errno != EACCES && errno != ENOMEM)
			unexpected(w, "mmap", errno);
		return;
	}
	for (uint64_t off = 0; off < info.size; off += w->lim.page)
		ptr[off] = (uint8_t)off;
	munmap((void *)ptr, info.size);
}

/*
 * A file one worker alone uses and judges (its private file, the second
 * file of op_foreign_close()), numbered from PRIVATE_FD_MIN up. A shared
 * worker may still call into a number of a shared file the closer has just
 * closed; were that number reused for such a file, its stale GEM_CLOSE,
 * SYNCOBJ_DESTROY or VM_BIND would land there, and its owner allows none
 * of those errors (check-long: "foreign fence setup: unexpected ENOENT",
 * the imported syncobj destroyed). Shared and forked files keep the low
 * numbers, so these files never get one of them.
 */
static int open_private(void)
{
	int fd = nova_node_open(NOVA_NODE_RENDER), high;

	if (fd < 0)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, PRIVATE_FD_MIN);
	close(fd);
	return high < 0 ? -errno : high;
}

static void op_reopen_private(struct worker *w)
{
	/*
	 * Render nodes only: a second primary-node client is not authenticated
	 * and gets EACCES by design (nova-isolation tests that).
	 */
	int fd = open_private();

	if (fd < 0) {
		unexpected(w, "open", -fd);
		return;
	}
	close(w->own_fd); /* with whatever objects, mappings and jobs it still holds */
	w->own_fd = fd;
	w->nhandles = 0;
	w->queue = 0;
	w->cmd_handle = 0;
	w->syncobj = 0;
	w->bind_syncobj = 0;
}

static void op_reopen_shared(struct worker *w)
{
	int fd = nova_node_open(NOVA_NODE_RENDER);

	if (fd < 0) {
		unexpected(w, "open", -fd);
		return;
	}
	fd = atomic_exchange(&shared_fd, fd);
	atomic_fetch_add(&shared_generation, 1);
	for (int i = 0; i < SHARED_QUEUES; i++)
		atomic_store(&shared_queues[i], 0);
	close(fd); /* while siblings may be inside an ioctl or a job on it */
}

/* A child that maps objects and exits without closing anything. */
static void op_fork(struct worker *w)
{
	char path[300];
	pid_t pid;

	/*
	 * Resolved before fork: the child of a threaded process may call only
	 * what cannot wait for a lock a vanished sibling thread held.
	 */
	if (nova_node_path(NOVA_NODE_RENDER, path, sizeof(path)))
		return;
	pid = fork();
	if (pid == 0) {
		struct worker child = *w;
		int fd = open(path, O_RDWR | O_CLOEXEC);

		if (fd < 0)
			_exit(1);
		child.nhandles = 0;
		for (int i = 0; i < 4; i++) {
			op_create(&child, fd);
			op_map(&child, fd);
		}
		op_mmap(&child, fd);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* --- jobs ------------------------------------------------------------------ */

/* Errors of EXEC for a racing client: file closed, queue destroyed or lost. */
static const int racy_exec[] = { EBADF, ENOTTY, ENOENT, EIO, ENOMEM, EINTR, 0 };
static const int racy_queue[] = { EBADF, ENOTTY, ENOENT, ENOSPC, ENOMEM, 0 };

static uint32_t queue_create(struct worker *w, int fd)
{
	struct drm_nova_queue_create args = {
		.priority = (uint32_t)nova_rand_below(&w->rng, 3),
	};
	int err = nova_ioctl(fd, DRM_IOCTL_NOVA_QUEUE_CREATE, &args);

	if (!allowed(err, racy_queue))
		unexpected(w, "QUEUE_CREATE", err);
	return err ? 0 : args.queue_id;
}

static void queue_destroy(struct worker *w, int fd, uint32_t id)
{
	struct drm_nova_queue_destroy args = { .queue_id = id };
	int err = nova_ioctl(fd, DRM_IOCTL_NOVA_QUEUE_DESTROY, &args);

	if (!allowed(err, racy_queue))
		unexpected(w, "QUEUE_DESTROY", err);
}

/*
 * A command buffer in the VA window the siblings unbind at random: a FILL
 * of its second half, STOREs, a satisfied WAIT, and a COPY back. Returns
 * false when the object could not be made (budget, racing close).
 */
static bool make_cmdbuf(struct worker *w, int fd)
{
	struct drm_nova_gem_create create = { .size = 4 * w->lim.page };
	struct drm_nova_gem_mmap_offset off = { 0 };
	uint64_t va = w->lim.va_start + nova_rand_below(&w->rng, VA_WINDOW_PAGES - 4) * w->lim.page;
	struct drm_nova_vm_bind_op op = { .op = NOVA_VM_BIND_OP_MAP, .va = va, .range = create.size };
	struct drm_nova_vm_bind bind = { .op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op };
	uint64_t data = va + 2 * w->lim.page, *q;
	int err, n = 0;

	err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &create);
	if (!allowed(err, racy_create))
		unexpected(w, "GEM_CREATE", err);
	if (err)
		return false;
	off.handle = create.handle;
	op.handle = create.handle;
	err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &off);
	q = err ? MAP_FAILED : mmap(NULL, 2 * w->lim.page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				     (off_t)off.offset);
	if (q != MAP_FAILED) {
		/* Page 1: the plug of op_foreign_close(), a WAIT for ~0 at its end. */
		uint64_t *plug = q + w->lim.page / 8;

		plug[0] = NOVA_CMD_HEADER(NOVA_CMD_WAIT, NOVA_CMD_WAIT_64BIT | NOVA_CMD_WAIT_EQUAL, 0);
		plug[1] = va + 2 * w->lim.page - 8;
		plug[2] = ~0ull;
		q[n++] = NOVA_CMD_HEADER(NOVA_CMD_FILL, 0, 0x5a5a5a5a);
		q[n++] = data;
		q[n++] = 2 * w->lim.page;
		for (int i = 0; i < 8; i++) {
			q[n++] = NOVA_CMD_HEADER(NOVA_CMD_STORE64, 0, 0);
			q[n++] = data + 8 * i;
			q[n++] = i;
		}
		q[n++] = NOVA_CMD_HEADER(NOVA_CMD_WAIT, NOVA_CMD_WAIT_64BIT, 0);
		q[n++] = data;
		q[n++] = 0;
		q[n++] = NOVA_CMD_HEADER(NOVA_CMD_COPY, 0, 0);
		q[n++] = data + w->lim.page;
		q[n++] = data;
		q[n++] = w->lim.page;
		munmap(q, 2 * w->lim.page);
		err = nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &bind);
	} else if (!err) {
		err = errno;
	}
	if (!allowed(err, racy_lookup) && err != EINVAL && err != EACCES)
		unexpected(w, "command buffer", err);
	/* The mapping holds the object; the handle goes at once. */
	{
		struct drm_gem_close cl = { .handle = create.handle };

		nova_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl);
	}
	if (err)
		return false;
	w->cmd_handle = create.handle;
	w->cmd_va = va;
	w->cmd_size = (uint64_t)n * 8;
	w->plug_va = va + w->lim.page;
	return true;
}

/*
 * Waits for the fence of the worker's last job: it must end, as a job
 * whose memory is unbound, whose queue is destroyed or whose file is closed
 * under it may (EFAULT, ECANCELED, ESRCH), within the engine's timeout. A
 * MAP may also put another object under its command page: one op_mmap()
 * wrote bytes into decodes as invalid commands (EILSEQ).
 */
static void job_wait(struct worker *w, int fd)
{
	uint32_t handle = w->syncobj;
	struct sync_file_info info;
	struct timespec ts;
	int64_t deadline;
	int sync_file = -1, err;

	if (!handle || fd != w->job_fd)
		return;
	w->syncobj = 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec +
		   (int64_t)(w->lim.job_timeout_ms * 4 + 20000) * 1000000;
	err = drmSyncobjWait(fd, &handle, 1, deadline, 0, NULL) ? errno : 0;
	if (err == ETIME) {
		unexpected(w, "job's fence (did not signal)", err);
	} else if (!err && !drmSyncobjExportSyncFile(fd, handle, &sync_file)) {
		/*
		 * The closer may have replaced the shared file meanwhile, and its
		 * number and our handle may name a sibling's newer syncobj.
		 */
		bool same = !w->uses_shared || atomic_load(&shared_generation) == w->job_generation;

		memset(&info, 0, sizeof(info));
		if (same && !ioctl(sync_file, SYNC_IOC_FILE_INFO, &info) && info.status != 1 &&
		    info.status != -EFAULT && info.status != -ECANCELED && info.status != -ESRCH &&
		    info.status != -EILSEQ)
			unexpected(w, "job's fence status", -info.status);
		close(sync_file);
	} else if (err && err != EBADF && err != ENOTTY && err != EINVAL && err != ENOENT) {
		unexpected(w, "SYNCOBJ_WAIT", err);
	}
	drmSyncobjDestroy(fd, handle);
}

static void op_exec(struct worker *w, int fd)
{
	struct drm_nova_exec_cmdbuf cb;
	struct drm_nova_sync sync = { .flags = NOVA_SYNC_SIGNAL };
	struct drm_nova_exec args = {
		.cmdbuf_count = 1, .cmdbuf_stride = sizeof(cb), .cmdbufs = (uintptr_t)&cb,
		.sync_count = 1, .sync_stride = sizeof(sync), .syncs = (uintptr_t)&sync,
	};
	unsigned int slot = (unsigned int)nova_rand_below(&w->rng, SHARED_QUEUES);
	int err;

	if (!w->cmd_handle && !make_cmdbuf(w, fd))
		return;
	if (w->uses_shared) {
		args.queue_id = atomic_load(&shared_queues[slot]);
		if (!args.queue_id) {
			args.queue_id = queue_create(w, fd);
			if (!args.queue_id)
				return;
			atomic_store(&shared_queues[slot], args.queue_id);
		}
	} else {
		if (!w->queue)
			w->queue = queue_create(w, fd);
		if (!w->queue)
			return;
		args.queue_id = w->queue;
	}
	job_wait(w, fd);
	if (drmSyncobjCreate(fd, 0, &sync.handle)) {
		if (errno != EBADF && errno != ENOTTY && errno != ENOMEM)
			unexpected(w, "SYNCOBJ_CREATE", errno);
		return;
	}
	cb = (struct drm_nova_exec_cmdbuf){ .va = w->cmd_va, .size = w->cmd_size };
	err = nova_ioctl(fd, DRM_IOCTL_NOVA_EXEC, &args);
	if (!allowed(err, racy_exec))
		unexpected(w, "EXEC", err);
	if (err) {
		drmSyncobjDestroy(fd, sync.handle);
		/* Lost (a sibling unbound the buffer under a job): a new queue. */
		if (err == EIO && !w->uses_shared) {
			queue_destroy(w, fd, w->queue);
			w->queue = 0;
		} else if ((err == EIO || err == ENOENT) && w->uses_shared &&
			   atomic_compare_exchange_strong(&shared_queues[slot], &args.queue_id, 0) &&
			   err == EIO) {
			queue_destroy(w, fd, args.queue_id);
		}
		if (err == EIO)
			w->cmd_handle = 0;	/* and maybe a new buffer */
		return;
	}
	w->syncobj = sync.handle;
	w->job_fd = fd;
	w->job_generation = w->generation;
}

/* Destroys a queue of the shared table under the siblings' EXECs. */
static void op_queue(struct worker *w, int fd)
{
	unsigned int slot = (unsigned int)nova_rand_below(&w->rng, SHARED_QUEUES);
	uint32_t id;

	if (!w->uses_shared) {
		if (w->queue)
			queue_destroy(w, fd, w->queue);
		w->queue = 0;
		return;
	}
	id = atomic_exchange(&shared_queues[slot], 0);
	if (id)
		queue_destroy(w, fd, id);
	id = queue_create(w, fd);
	if (id && !atomic_compare_exchange_strong(&shared_queues[slot], &(uint32_t){ 0 }, id))
		queue_destroy(w, fd, id);
}

/* --- asynchronous binds (uAPI 5) ------------------------------------------ */

/*
 * Errors of an asynchronous bind for a racing client: those of a lookup,
 * and EINVAL when the shared file was replaced under it and the handle of
 * the fence it waits for now names a sibling's syncobj that holds none.
 */
static const int racy_async[] = { EBADF, ENOTTY, ENOENT, ENOMEM, EINVAL, 0 };

static uint64_t deadline_ns(const struct worker *w)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec +
	       (w->lim.job_timeout_ms * 4 + 20000) * 1000000;
}

/*
 * Waits for the fence of the worker's last asynchronous bind: it must take
 * effect (or be dropped with its file: ESRCH) within the watchdog's bound
 * of the job it waited for; an error only if it waited for a job.
 */
static void bind_wait(struct worker *w, int fd)
{
	uint32_t handle = w->bind_syncobj;
	struct sync_file_info info;
	int sync_file = -1, err;

	if (!handle || fd != w->bind_fd)
		return;
	w->bind_syncobj = 0;
	err = drmSyncobjWait(fd, &handle, 1, (int64_t)deadline_ns(w), 0, NULL) ? errno : 0;
	if (err == ETIME) {
		unexpected(w, "bind's fence (did not signal)", err);
	} else if (!err && !drmSyncobjExportSyncFile(fd, handle, &sync_file)) {
		bool same = !w->uses_shared || atomic_load(&shared_generation) == w->bind_generation;

		memset(&info, 0, sizeof(info));
		if (same && !ioctl(sync_file, SYNC_IOC_FILE_INFO, &info) && info.status != 1 &&
		    !(w->bind_waited_job && (info.status == -EFAULT || info.status == -ECANCELED ||
					     info.status == -ESRCH || info.status == -EILSEQ)))
			unexpected(w, "bind's fence status", -info.status);
		close(sync_file);
	} else if (err && err != EBADF && err != ENOTTY && err != EINVAL && err != ENOENT) {
		unexpected(w, "SYNCOBJ_WAIT (bind)", err);
	}
	drmSyncobjDestroy(fd, handle);
}

/*
 * An asynchronous bind of one to three operations (maps of the worker's
 * objects, unmaps, SYNC_ONLY) in the window the siblings' jobs use, at a
 * random stride, waiting for the worker's last job and last bind (which
 * it replaces as the one to wait for), signalling a fresh syncobj.
 */
static void op_async_bind(struct worker *w, int fd)
{
	uint8_t ops[3 * 64] = { 0 };
	struct drm_nova_sync syncs[3];
	uint8_t sbuf[3 * 32] = { 0 };
	uint32_t stride = nova_rand_below(&w->rng, 4) ? 40 : 40 + 8 * (uint32_t)nova_rand_below(&w->rng, 4);
	uint32_t sstride = nova_rand_below(&w->rng, 4) ? 16 : 16 + 8 * (uint32_t)nova_rand_below(&w->rng, 3);
	uint32_t count = (uint32_t)nova_rand_below(&w->rng, 3) + 1, nsync = 0, out = 0;
	struct drm_nova_vm_bind args = { .flags = NOVA_VM_BIND_ASYNC };
	bool waited_job = false;
	int err, index = -1;

	for (uint32_t i = 0; i < count; i++) {
		struct drm_nova_vm_bind_op op = {
			.va = w->lim.va_start + nova_rand_below(&w->rng, VA_WINDOW_PAGES) * w->lim.page,
			.range = (nova_rand_below(&w->rng, 4) + 1) * w->lim.page,
		};
		uint64_t r = nova_rand_below(&w->rng, 10);

		if (r < 5 && w->nhandles) {
			op.op = NOVA_VM_BIND_OP_MAP;
			op.handle = some_handle(w, &index);
			op.range = w->lim.page;
		} else if (r < 9) {
			op.op = NOVA_VM_BIND_OP_UNMAP;
		} else {
			op = (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_SYNC_ONLY };
		}
		memcpy(ops + i * stride, &op, sizeof(op));
	}
	if (w->syncobj && w->job_fd == fd && nova_rand_below(&w->rng, 2)) {
		syncs[nsync++] = (struct drm_nova_sync){ .handle = w->syncobj, .flags = NOVA_SYNC_WAIT };
		waited_job = true;
	}
	if (w->bind_syncobj && w->bind_fd == fd && nova_rand_below(&w->rng, 2)) {
		syncs[nsync++] = (struct drm_nova_sync){ .handle = w->bind_syncobj, .flags = NOVA_SYNC_WAIT };
		waited_job |= w->bind_waited_job;
	}
	if (!drmSyncobjCreate(fd, 0, &out))
		syncs[nsync++] = (struct drm_nova_sync){ .handle = out, .flags = NOVA_SYNC_SIGNAL };
	for (uint32_t i = 0; i < nsync; i++)
		memcpy(sbuf + i * sstride, &syncs[i], sizeof(syncs[i]));
	args.op_count = count;
	args.op_stride = stride;
	args.ops = (uintptr_t)ops;
	args.sync_count = nsync;
	args.sync_stride = sstride;
	args.syncs = (uintptr_t)sbuf;
	err = nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &args);
	if (!allowed(err, racy_async) || (err == EINVAL && !w->uses_shared))
		unexpected(w, "VM_BIND async", err);
	if (!err && args.failed_op != NOVA_VM_BIND_NO_OP)
		unexpected(w, "VM_BIND async's failed_op on success", EINVAL);
	if (err == ENOENT && index >= 0 && args.failed_op != NOVA_VM_BIND_NO_OP &&
	    args.failed_op < count)
		drop_handle(w, index);
	if (err) {
		if (out)
			drmSyncobjDestroy(fd, out);
		return;
	}
	if (!out)
		return;
	/* The previous bind is waited for (maybe by this one), then replaced. */
	bind_wait(w, fd);
	w->bind_syncobj = out;
	w->bind_fd = fd;
	w->bind_generation = w->generation;
	w->bind_waited_job = waited_job;
}

/*
 * Binds pending on a fence of another file: a job on the worker's own
 * queue that waits for a semaphore nobody writes (the watchdog ends it),
 * its fence imported into a second file whose asynchronous binds wait for
 * it; then the second file closes. The close must drop them without
 * waiting for the job, which only the watchdog (or its own file) ends.
 */
static void op_foreign_close(struct worker *w, int fd)
{
	uint32_t plug = 0, imported = 0, obj_handle;
	struct drm_nova_exec_cmdbuf cb;
	struct drm_nova_sync sync = { .flags = NOVA_SYNC_SIGNAL };
	struct drm_nova_exec exec = {
		.cmdbuf_count = 1, .cmdbuf_stride = sizeof(cb), .cmdbufs = (uintptr_t)&cb,
		.sync_count = 1, .sync_stride = sizeof(sync), .syncs = (uintptr_t)&sync,
	};
	struct drm_nova_gem_create create = { .size = w->lim.page };
	struct timespec t0, t1;
	int other, sync_file = -1, err;
	double ms;

	if (w->uses_shared || !w->cmd_handle || !w->queue)
		return;
	if (drmSyncobjCreate(fd, 0, &plug))
		return;
	/* The plug: a WAIT in the page make_cmdbuf() keeps for it. */
	cb = (struct drm_nova_exec_cmdbuf){ .va = w->plug_va, .size = 24 };
	if (!w->plug_va)
		goto out;
	sync.handle = plug;
	exec.queue_id = w->queue;
	if (nova_ioctl(fd, DRM_IOCTL_NOVA_EXEC, &exec) ||
	    drmSyncobjExportSyncFile(fd, plug, &sync_file))
		goto out;
	other = open_private();
	if (other < 0) {
		unexpected(w, "open", -other);
		goto out;
	}
	if (drmSyncobjCreate(other, 0, &imported) ||
	    drmSyncobjImportSyncFile(other, imported, sync_file) ||
	    nova_ioctl(other, DRM_IOCTL_NOVA_GEM_CREATE, &create)) {
		unexpected(w, "foreign fence setup", errno);
		close(other);
		goto out;
	}
	obj_handle = create.handle;
	for (int i = 0; i < 4; i++) {
		struct drm_nova_vm_bind_op op = {
			.op = i & 1 ? NOVA_VM_BIND_OP_UNMAP : NOVA_VM_BIND_OP_MAP,
			.handle = i & 1 ? 0 : obj_handle,
			.va = w->lim.va_start + (uint64_t)i * w->lim.page,
			.range = w->lim.page,
		};
		struct drm_nova_sync wait = { .handle = imported, .flags = NOVA_SYNC_WAIT };
		struct drm_nova_vm_bind args = {
			.flags = NOVA_VM_BIND_ASYNC, .op_count = 1, .op_stride = sizeof(op),
			.ops = (uintptr_t)&op, .sync_count = i ? (uint32_t)(i & 1) : 1,
			.sync_stride = sizeof(wait), .syncs = (uintptr_t)&wait,
		};

		err = nova_ioctl(other, DRM_IOCTL_NOVA_VM_BIND, &args);
		/*
		 * A sibling's stale number of the closed shared file may name
		 * this new file: its GEM_CLOSE or syncobj calls land here.
		 */
		if (!allowed(err, racy_async))
			unexpected(w, "VM_BIND async on a foreign fence", err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	close(other);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	/*
	 * The job ends by the watchdog, or earlier when a bind of the
	 * worker's unmapped its buffer: a close that waited for it takes
	 * about the watchdog's time.
	 */
	if (ms >= 0.9 * (double)w->lim.job_timeout_ms) {
		/* Whether the job had ended when the close returned. */
		bool ended = !drmSyncobjWait(fd, &plug, 1, 0, 0, NULL);

		fprintf(stderr, "nova-stress[%d]: the close took %.0f ms; the job %s\n", getpid(), ms,
			ended ? "had ended" : "still ran");
		unexpected(w, "close with binds waiting on another file's job (took the watchdog's time)",
			   EBUSY);
	}
	atomic_fetch_add(&w->sh->foreign_closes, 1);
	/* Stop the plug now: destroying the queue ends its job. */
	queue_destroy(w, fd, w->queue);
	w->queue = 0;
out:
	if (sync_file >= 0)
		close(sync_file);
	if (plug)
		drmSyncobjDestroy(fd, plug);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (!atomic_load_explicit(&w->sh->stop, memory_order_relaxed)) {
		uint64_t r = nova_rand_below(&w->rng, 100);
		int fd = worker_fd(w);
		enum op op;

		if (w->closer)
			op = r < 10 ? OP_SHARED_REOPEN : OP_CREATE;
		else if (r < 20)
			op = OP_CREATE;
		else if (r < 34)
			op = OP_CLOSE;
		else if (r < 52)
			op = OP_MAP;
		else if (r < 66)
			op = OP_UNMAP;
		else if (r < 72)
			op = OP_MMAP;
		else if (r < 78)
			op = OP_INFO;
		else if (r < 90)
			op = w->lim.uapi_version >= 4 ? OP_EXEC : OP_INFO;
		else if (r < 93)
			op = w->lim.uapi_version >= 4 ? OP_QUEUE : OP_INFO;
		else if (r < 96)
			op = w->lim.uapi_version >= 4 ? OP_JOB_WAIT : OP_INFO;
		else if (r < 99)
			op = w->uses_shared ? OP_INFO : OP_REOPEN;
		else
			op = OP_FORK;
		/* uAPI 5: half the binds asynchronous, some waits for them. */
		if (w->lim.uapi_version >= 5 && !w->closer) {
			if ((op == OP_MAP || op == OP_UNMAP) && nova_rand_below(&w->rng, 2))
				op = OP_ASYNC_BIND;
			else if (op == OP_INFO && nova_rand_below(&w->rng, 3) == 0)
				op = OP_BIND_WAIT;
			else if (op == OP_REOPEN && nova_rand_below(&w->rng, 2))
				op = OP_FOREIGN_CLOSE;
		}

		switch (op) {
		case OP_CREATE: op_create(w, fd); break;
		case OP_CLOSE: op_close(w, fd); break;
		case OP_MAP: op_map(w, fd); break;
		case OP_UNMAP: op_unmap(w, fd); break;
		case OP_MMAP: op_mmap(w, fd); break;
		case OP_INFO: op_info(w, fd); break;
		case OP_REOPEN: op_reopen_private(w); break;
		case OP_SHARED_REOPEN: op_reopen_shared(w); break;
		case OP_FORK: op_fork(w); break;
		case OP_EXEC: op_exec(w, fd); break;
		case OP_QUEUE: op_queue(w, fd); break;
		case OP_JOB_WAIT: job_wait(w, fd); break;
		case OP_ASYNC_BIND: op_async_bind(w, fd); break;
		case OP_BIND_WAIT: bind_wait(w, fd); break;
		case OP_FOREIGN_CLOSE: op_foreign_close(w, fd); break;
		default: break;
		}
		count(w, op);
	}
	return NULL;
}

static int process_main(struct shared *sh, const struct nova_limits *lim, unsigned int threads,
			uint64_t seed)
{
	struct worker workers[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	int fd = nova_node_open(NOVA_NODE_RENDER);

	if (fd < 0) {
		fprintf(stderr, "nova-stress: cannot open the render node: %s\n", nova_errno_name(-fd));
		return 2;
	}
	atomic_store(&shared_fd, fd);
	for (unsigned int t = 0; t < threads; t++) {
		struct worker *w = &workers[t];

		memset(w, 0, sizeof(*w));
		w->sh = sh;
		w->lim = *lim;
		w->rng = seed * 1000 + t;
		/* Half the threads (at least two) share the file, one of them the closer. */
		w->uses_shared = t < (threads + 1) / 2 || t < 2;
		w->closer = t == 0;
		w->own_fd = -1;
		if (!w->uses_shared) {
			w->own_fd = open_private();
			if (w->own_fd < 0)
				return 2;
		}
		if (pthread_create(&tids[t], NULL, worker_main, w))
			return 2;
	}
	for (unsigned int t = 0; t < threads; t++)
		pthread_join(tids[t], NULL);
	/* Exit with files, objects and mappings still open: the kernel cleans up. */
	return 0;
}

static void print_stacks(pid_t pid)
{
	char path[300], line[256];
	struct dirent *entry;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", pid, entry->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		fprintf(stderr, "nova-stress: kernel stack of task %s of process %d:\n", entry->d_name, pid);
		while (fgets(line, sizeof(line), f))
			fprintf(stderr, "    %s", line);
		fclose(f);
	}
	closedir(dir);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"Usage: %s [--seconds N] [--processes N] [--threads N] [--watchdog N] [--seed N]\n"
		"\n"
		"Processes and threads racing on nova: create, close, bind, unbind, mmap,\n"
		"close and reopen files, on shared and separate GPU VA spaces, for a bounded\n"
		"time. Fails on an unexpected errno, on a hang (no progress for --watchdog\n"
		"seconds, or workers that do not stop), or when the device's debugfs\n"
		"counters are not back to zero after the workers exit.\n"
		"\n"
		"  --seconds N     how long the workers run (default 20)\n"
		"  --processes N   worker processes (default 3, at most %d)\n"
		"  --threads N     threads per process (default 4, at most %d)\n"
		"  --watchdog N    seconds without progress that count as a hang (default 60)\n"
		"  --seed N        PRNG seed (default 1)\n"
		"  -h, --help      this text\n",
		argv0, MAX_PROCS, MAX_THREADS);
}

static bool parse_uint(const char *s, unsigned long *out)
{
	char *end;

	*out = strtoul(s, &end, 0);
	return *s && !*end;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "seconds", required_argument, NULL, 'd' },
		{ "processes", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "watchdog", required_argument, NULL, 'w' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned long seconds = 20, procs = 3, threads = 4, watchdog = 60, seed = 1;
	pid_t pids[MAX_PROCS];
	struct nova_limits lim;
	struct nova_stats stats;
	struct shared *sh;
	uint64_t total = 0, last_beat = 0;
	double t0, last_progress, stop_at;
	int opt, fd, failed = 0, hang = 0, exited_bad = 0;
	unsigned long *target;

	while ((opt = getopt_long(argc, argv, "d:p:t:w:s:h", options, NULL)) != -1) {
		switch (opt) {
		case 'd': target = &seconds; break;
		case 'p': target = &procs; break;
		case 't': target = &threads; break;
		case 'w': target = &watchdog; break;
		case 's': target = &seed; break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
		if (!parse_uint(optarg, target)) {
			fprintf(stderr, "nova-stress: '%s' is not a number\n", optarg);
			return 2;
		}
	}
	if (optind != argc || !procs || procs > MAX_PROCS || threads < 2 || threads > MAX_THREADS ||
	    !seconds || !watchdog) {
		usage(stderr, argv[0]);
		return 2;
	}
	fd = nova_node_open(NOVA_NODE_RENDER);
	if (fd < 0 || nova_read_limits(fd, &lim)) {
		fprintf(stderr, "nova-stress: no usable nova render node\n");
		return 2;
	}
	close(fd);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("nova-stress: mmap");
		return 2;
	}
	memset(sh, 0, sizeof(*sh));

	printf("nova-stress: %lu processes x %lu threads for %lu s (watchdog %lu s, seed %lu)\n",
	       procs, threads, seconds, watchdog, seed);
	fflush(stdout);
	for (unsigned long p = 0; p < procs; p++) {
		pids[p] = fork();
		if (pids[p] == 0)
			_exit(process_main(sh, &lim, (unsigned int)threads, seed * 100 + p));
		if (pids[p] < 0) {
			perror("nova-stress: fork");
			return 2;
		}
	}

	t0 = now();
	last_progress = t0;
	stop_at = t0 + (double)seconds;
	for (;;) {
		uint64_t beat;
		double t;

		usleep(200 * 1000);
		t = now();
		beat = atomic_load(&sh->heartbeat);
		if (beat != last_beat) {
			last_beat = beat;
			last_progress = t;
		}
		if (t - last_progress > (double)watchdog) {
			fprintf(stderr, "nova-stress: HANG: no operation completed for %lu s\n", watchdog);
			hang = 1;
			break;
		}
		if (t >= stop_at)
			break;
	}
	atomic_store(&sh->stop, true);

	/* The workers must now stop within the watchdog time. */
	for (unsigned long p = 0; p < procs; p++) {
		double deadline = now() + (double)watchdog;
		int status;
		pid_t r;

		while ((r = waitpid(pids[p], &status, WNOHANG)) == 0 && now() < deadline && !hang)
			usleep(100 * 1000);
		if (r == pids[p]) {
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				fprintf(stderr, "nova-stress: worker process %d ended with status 0x%x\n",
					pids[p], status);
				exited_bad++;
			}
			continue;
		}
		if (!hang)
			fprintf(stderr, "nova-stress: HANG: worker process %d did not stop within %lu s\n",
				pids[p], watchdog);
		hang = 1;
		print_stacks(pids[p]);
		kill(pids[p], SIGKILL);
	}
	if (hang) {
		for (unsigned long p = 0; p < procs; p++)
			waitpid(pids[p], NULL, WNOHANG);
	}

	printf("nova-stress: ran %.1f s:", now() - t0 > (double)seconds ? (double)seconds : now() - t0);
	for (int op = 0; op < OP_COUNT; op++) {
		uint64_t n = atomic_load(&sh->ops[op]);

		total += n;
		printf(" %s %" PRIu64, op_names[op], n);
	}
	if (lim.uapi_version >= 5)
		printf("\nnova-stress: %" PRIu64 " closes with binds pending on another file's job",
		       (uint64_t)atomic_load(&sh->foreign_closes));
	printf("\nnova-stress: %" PRIu64 " operations (%.0f/s), %" PRIu64 " unexpected errors, %s\n",
	       total, (double)total / (double)seconds, (uint64_t)atomic_load(&sh->unexpected),
	       hang ? "HANG" : "no hang");
	failed = hang || exited_bad || atomic_load(&sh->unexpected) || total == 0;

	if (!hang) {
		if (nova_read_stats(&stats)) {
			fprintf(stderr, "nova-stress: cannot read nova_stats in debugfs\n");
			failed = 1;
		} else if (stats.objects || stats.object_bytes || stats.files || stats.mappings ||
			   stats.mapping_bytes) {
			fprintf(stderr,
				"nova-stress: left behind: %" PRIu64 " objects (%" PRIu64 " bytes), %" PRIu64
				" files, %" PRIu64 " mappings (%" PRIu64 " bytes)\n",
				stats.objects, stats.object_bytes, stats.files, stats.mappings,
				stats.mapping_bytes);
			failed = 1;
		} else {
			printf("nova-stress: device counters back to zero\n");
		}
	}
	printf("stress: %d passed, %d failed\n", !failed, failed);
	return failed ? 1 : 0;
}

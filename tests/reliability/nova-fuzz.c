// SPDX-License-Identifier: GPL-2.0
/*
 * nova-fuzz: a structure-aware fuzzer of nova's ioctls and of the DRM core
 * calls around them (GEM_CLOSE, PRIME handle <-> fd, mmap/munmap of objects,
 * file close and reopen), run inside the test guest, ideally on the debug
 * kernel where KASAN, lockdep, UBSAN and kmemleak watch the driver.
 *
 * It keeps a model of what it created: open files (primary and render
 * nodes), each file's live handles and sizes, CPU mappings, exported
 * dma-bufs. Each iteration picks an action and builds a valid call from the
 * model, then, with some probability, mutates it: a field set to a boundary
 * or hostile value (0, all-ones, off by one page, overflowing sums, unaligned),
 * a handle of another file or a closed one, a bad user pointer, a stride
 * smaller than the element, a huge count. A fraction of calls are entirely
 * random (random ioctl numbers, sizes and bytes).
 *
 * From uAPI version 4 on it also drives queues and EXEC: QUEUE_CREATE,
 * QUEUE_DESTROY and QUEUE_GET_STATE with hostile fields, EXEC with hostile
 * arrays, strides, counts, flags, sync elements and pointers, and jobs whose
 * command streams (in an object mapped for the purpose) are valid or carry
 * one hostile command: the model predicts EXEC's errno, and how each job
 * ends (success with its token stored, or the fault's errno on its fence,
 * with the queue lost), checked when the job is reaped.
 *
 * From uAPI version 5 on VM_BIND is also asynchronous: a share of the
 * binds carry NOVA_VM_BIND_ASYNC and sync elements (waits for the jobs and
 * binds in flight, for timeline points, for syncobjs the fuzzer creates,
 * signals, resets and destroys itself; signals of fresh syncobjs, of the
 * fuzzer's own and of timeline points), at random strides, with
 * SYNC_ONLY operations among the others and hostile sync arrays. Every
 * bind's @failed_op is checked, each bind's fence is reaped (it must end
 * well), and files are closed with binds still pending behind a job that
 * never ends by itself. The old 24-byte DRM_IOW request is mixed in.
 *
 * Unplug events (--unplug-every N, about one per N iterations): the
 * fuzzer unbinds nova from its auxiliary device (or, --unplug-function
 * percent of the time, nova_core from the PCI function) through sysfs, as
 * nova-unplug does, with its files, objects, CPU mappings, dma-bufs, jobs
 * and binds as they are. Until it binds the device again it checks the
 * unplug contract (Documentation/unplug.rst) on every file it holds: each
 * of nova's ioctls, VM_BIND synchronous, asynchronous and the old request,
 * GEM_CLOSE, PRIME both ways, the syncobj calls and a new mmap() fail with
 * ENODEV, and the node cannot be opened. After the rebind the old files
 * linger for a while among the new ones, the actions keep picking them and
 * every ioctl on them must still fail with ENODEV, then they are closed and
 * new files opened on the new device; the old dma-bufs and CPU mappings
 * stay in use (importing into the new device, touching). An ENODEV from a
 * file of an unplugged device is never a finding; the model's predictions
 * for such a file are not judged.
 *
 * --jobs N runs N fuzzing processes at once (seeds seed .. seed + N - 1,
 * the iterations shared out), their output relayed line by line with a
 * "[k] " prefix: a guest with several vCPUs runs them in parallel. An
 * unplug one of them makes is everybody's: they share a generation counter,
 * bumped when an unplug starts and when the device is back, and a file
 * opened in an earlier generation than the current one belongs to a device
 * that may be gone (ENODEV allowed) or, two generations on, surely is
 * (ENODEV required). A finding of one job is reproduced alone with that
 * job's seed and iteration count, without the siblings' unplugs.
 *
 * Three kinds of finding fail the run (exit 1):
 *   - a call the model says is valid fails, or returns what the model does
 *     not predict (a size, a handle's object);
 *   - a call fails with an errno the uAPI does not document for it;
 *   - the kernel's taint flags (/proc/sys/kernel/tainted) change: a WARN,
 *     an oops or a lockdep report on the way.
 * The kernel's own findings (KASAN, lockdep, ...) are the harness's business:
 * it reads the guest's dmesg.
 *
 * Everything derives from --seed (default fixed and printed), so a run is
 * reproducible: same seed, same iteration count, same calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "common.h"

#define DEFAULT_SEED		0x6e6f7661u	/* "nova" */
#define DEFAULT_ITERATIONS	20000u
#define MAX_FILES		4
#define MAX_OBJS		32
#define MAX_MAPS		16
#define MAX_DMABUFS		8
#define MAX_OPS_BUILT		8
/* Objects stay small: the budget is shared, and TCG is slow to fault pages. */
#define MAX_OBJ_PAGES		16
/* VA window the valid binds use, so that maps overlap and cut each other. */
#define VA_WINDOW_PAGES		64
/* Queues and jobs the model follows per file; the arena for command streams. */
#define MODEL_QUEUES		6
#define MAX_JOBS		8
#define ARENA_PAGES		16
#define ARENA_SLOTS		32
/* uAPI 5: asynchronous binds the model follows, and its own syncobjs, per file. */
#define MAX_BINDS		8
#define MAX_USYNCS		4
#define MAX_BIND_SYNCS		8
/* --jobs: at most this many fuzzing processes. */
#define MAX_JOBS_PARALLEL	16
/* How long a rebound device may take to show its nodes again. */
#define REBIND_SECONDS		60

struct obj {
	uint32_t handle;
	uint64_t size;
	/* The object behind the handle: files that import a dma-buf share it. */
	uint64_t oid;
	/*
	 * The unplug generation of the device whose object it is at bottom:
	 * the file's own, or for an import of a dma-buf that a device since
	 * unplugged exported, that device's. Exported, such an import gives
	 * that dma-buf again, which stays foreign to the file's device.
	 */
	uint64_t home;
};

struct fqueue {
	uint32_t id;
	uint64_t submitted;	/* the seqno of its last job */
	uint64_t first_risky;	/* the first job that may fault, 0: none */
	bool dirty;		/* a job that may fault was queued: it may be lost */
	bool lost;		/* it is (EXEC said EIO, or a fault was reaped) */
};

/* A job not reaped yet, and what the model predicts of it. */
struct fjob {
	uint32_t syncobj;	/* signalled by the job alone */
	uint32_t queue;
	uint64_t seqno;
	int expect;		/* 1, -errno, or 0: cannot tell */
	bool maybe_cancelled;	/* may also end -ECANCELED or -ESRCH */
	bool queue_gone;	/* its queue was destroyed after it was queued */
	uint64_t token;		/* stored at the slot's token word, 0: none */
	unsigned int slot;
	uint64_t epoch;		/* of the arena's mapping when it was queued */
};

/* An asynchronous bind whose fence the fuzzer reaps. */
struct fbind {
	uint32_t syncobj;	/* signalled by the bind alone */
	bool maybe_error;	/* it waited for a fence that may carry an error */
};

/* A binary syncobj of the fuzzer's own, and whether it holds a fence. */
struct usync {
	uint32_t handle;
	bool fence;
};

struct file {
	int fd;			/* -1: slot free */
	enum nova_node node;
	uint64_t gen;		/* the unplug generation it was opened in */
	struct obj objs[MAX_OBJS];
	int nobjs;
	/* A random ioctl succeeded on it: its handle table may hold unknowns. */
	bool tainted;
	/* uAPI 4. */
	struct fqueue queues[MODEL_QUEUES];
	int nqueues;
	struct fjob jobs[MAX_JOBS];
	int njobs;
	uint32_t arena_handle;
	uint64_t arena_oid;
	uint8_t *arena_map;	/* NULL: no arena yet */
	bool arena_mapped;	/* mapped at arena_va() as the model says */
	uint64_t arena_epoch;	/* bumped when a bind may have touched it */
	unsigned int next_slot;
	uint32_t timeline;	/* a timeline syncobj, 0: none */
	uint64_t tl_point;	/* its last point a job was submitted for */
	/* uAPI 5. */
	struct fbind binds[MAX_BINDS];
	int nbinds;
	struct usync usyncs[MAX_USYNCS];
	int nusyncs;
};

/*
 * What the jobs of --jobs share (one job alone has it too): the unplug
 * generation, even while the device is bound, odd from the start of an
 * unplug until the device is back; and the lock that keeps unplugs apart.
 */
struct shared {
	uint64_t gen;
	pthread_mutex_t lock;
};

struct cpu_map {
	uint8_t *ptr;		/* NULL: slot free */
	size_t len;
};

struct fuzz {
	uint64_t rng;
	struct nova_limits lim;
	struct file files[MAX_FILES];
	struct cpu_map maps[MAX_MAPS];
	int dmabufs[MAX_DMABUFS];	/* -1: slot free */
	uint64_t dmabuf_oid[MAX_DMABUFS];
	uint64_t dmabuf_gen[MAX_DMABUFS];	/* the unplug generation of its device */
	uint64_t next_oid;
	bool prime;		/* PRIME_HANDLE_TO_FD works on this kernel */
	/* A page that is never accessible: its address is a bad user pointer. */
	uint8_t *guard;
	bool verbose;
	uint64_t iteration;
	/* Unplug events: about one per unplug_every iterations (0: none). */
	struct shared *sh;
	uint64_t unplug_every;
	unsigned int unplug_function;	/* percent of them that unbind nova_core */
	struct nova_dev dev;
	uint64_t node_gen;		/* the generation nova_node_path() was found in */
	bool device_lost;		/* a rebind did not bring the device back */
	/* The file of the running action: its findings wait if it may be dead. */
	const struct file *cur;
	uint64_t unplugs[2], dead_calls, dead_checks, unjudged, dead_closes, opens_waited, opens_refused;
	double unplug_seconds;
	/* Figures. */
	uint64_t calls, mutated, random_calls, findings;
	uint64_t errno_count[160];
	uint64_t action_count[32];
	uint64_t exec_calls, exec_jobs, exec_hostile, exec_timeouts, queue_calls, reaped;
	uint64_t async_binds, async_ok, binds_reaped, sync_only_ops, old_binds, syncobj_calls;
	uint64_t plugged_closes, plugged_releases, binds_dropped, full_queues;
	/* How reaped binds ended, as job_status. */
	uint64_t bind_status[160];
	/* How reaped jobs ended: [0] success, [errno] that error, [1] other. */
	uint64_t job_status[160];
	uint64_t taint;
	/*
	 * Do not read the fence status (SYNC_IOC_FILE_INFO, which asks the
	 * fence for its timeline's name) of jobs whose queue is gone: on 6.1,
	 * drm_sched's fences name their timeline through the scheduler, which
	 * nova frees with the queue.
	 */
	bool no_dead_queue_status;
	/*
	 * The mapping limit (module parameter max_mappings) is within reach of
	 * the fuzzer's window: valid binds may fail with ENOSPC, and an
	 * asynchronous bind's fence may carry it. The model does not count
	 * mappings, so it accepts either.
	 */
	bool tight_mappings;
};

static bool chance(struct fuzz *fz, unsigned int percent)
{
	return nova_rand_below(&fz->rng, 100) < percent;
}

static uint64_t pick(struct fuzz *fz, uint64_t n)
{
	return nova_rand_below(&fz->rng, n);
}

static void trace(struct fuzz *fz, const char *fmt, ...)
{
	va_list ap;

	if (!fz->verbose)
		return;
	printf("[%" PRIu64 "] ", fz->iteration);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void vreport(struct fuzz *fz, const char *fmt, va_list ap)
{
	fz->findings++;
	printf("nova-fuzz: FINDING at iteration %" PRIu64 ": ", fz->iteration);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

static void report(struct fuzz *fz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fz, fmt, ap);
	va_end(ap);
}

/* --- unplug generations ------------------------------------------------- */

static uint64_t gen_now(const struct fuzz *fz)
{
	return __atomic_load_n(&fz->sh->gen, __ATOMIC_ACQUIRE);
}

/*
 * The shared lock. A job that died holding it may have left the device
 * unbound: the next unplug then finds no device and says so.
 */
static void shared_lock(struct fuzz *fz)
{
	if (pthread_mutex_lock(&fz->sh->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&fz->sh->lock);
}

/* An unplug started since @f was opened: its device may be gone. */
static bool file_maybe_dead(const struct fuzz *fz, const struct file *f)
{
	return gen_now(fz) != f->gen;
}

/* An unplug ended since: its device is gone, every ioctl must say ENODEV. */
static bool file_dead(const struct fuzz *fz, const struct file *f)
{
	return gen_now(fz) >= f->gen + 2;
}

static struct file *file_of(struct fuzz *fz, int fd)
{
	for (int i = 0; i < MAX_FILES; i++)
		if (fz->files[i].fd >= 0 && fz->files[i].fd == fd)
			return &fz->files[i];
	return NULL;
}

/*
 * What the model did not predict. Not judged when the action's file may
 * belong to an unplugged device: its ioctls fail with ENODEV from the
 * unplug on, which call() checks, and whatever the model expected next
 * is moot.
 */
static void finding(struct fuzz *fz, const char *fmt, ...)
{
	va_list ap;

	if (fz->cur && file_maybe_dead(fz, fz->cur)) {
		fz->unjudged++;
		return;
	}
	va_start(ap, fmt);
	vreport(fz, fmt, ap);
	va_end(ap);
}

static int call(struct fuzz *fz, int fd, unsigned long request, void *arg)
{
	struct file *f = file_of(fz, fd);
	bool dead = f && file_dead(fz, f);
	int err = nova_ioctl(fd, request, arg);

	fz->calls++;
	if (err >= 0 && err < (int)(sizeof(fz->errno_count) / sizeof(fz->errno_count[0])))
		fz->errno_count[err]++;
	if (dead) {
		fz->dead_calls++;
		if (err != ENODEV)
			report(fz, "ioctl 0x%lx on a file of an unplugged device gave %s, not ENODEV",
			       request, nova_errno_name(err));
	}
	return err;
}

/* Success, or an errno of the zero-terminated list. */
static bool errno_in(int err, const int *allowed)
{
	if (!err)
		return true;
	for (; *allowed; allowed++)
		if (err == *allowed)
			return true;
	return false;
}

/* --- values ------------------------------------------------------------- */

/* A boundary or hostile 64-bit value, biased towards the device's limits. */
static uint64_t hostile_u64(struct fuzz *fz)
{
	const uint64_t page = fz->lim.page;
	const uint64_t values[] = {
		0, 1, page - 1, page, page + 1, 2 * page,
		fz->lim.max_object_size, fz->lim.max_object_size + page,
		fz->lim.va_start - page, fz->lim.va_start, fz->lim.va_end - page,
		fz->lim.va_end, fz->lim.va_end + page, fz->lim.va_end - fz->lim.va_start,
		~0ull, ~0ull - page + 1, 1ull << 63, (1ull << 32) - 1, 1ull << 32,
		0x7fffffffffffffffull,
	};

	if (chance(fz, 15))
		return nova_rand(&fz->rng);
	return values[pick(fz, sizeof(values) / sizeof(values[0]))];
}

static uint32_t hostile_u32(struct fuzz *fz)
{
	const uint32_t values[] = { 0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0x7fffffff,
				    0x80000000, 0xfffffffe, 0xffffffff };

	if (chance(fz, 15))
		return (uint32_t)nova_rand(&fz->rng);
	return values[pick(fz, sizeof(values) / sizeof(values[0]))];
}

/* A user pointer the kernel must refuse to read or write. */
static uint64_t bad_pointer(struct fuzz *fz)
{
	const uint64_t values[] = {
		0, 8, (uintptr_t)fz->guard, (uintptr_t)fz->guard + 7,
		0xffff888000000000ull,	/* the kernel's direct map */
		0xffffffffff600000ull,	/* vsyscall page */
		~0ull, 1ull << 47,
	};

	return values[pick(fz, sizeof(values) / sizeof(values[0]))];
}

/* --- the model ------------------------------------------------------------ */

static struct file *any_file(struct fuzz *fz)
{
	int start = (int)pick(fz, MAX_FILES);

	for (int i = 0; i < MAX_FILES; i++) {
		struct file *f = &fz->files[(start + i) % MAX_FILES];

		if (f->fd >= 0)
			return f;
	}
	return NULL;
}

static struct obj *find_obj(struct file *f, uint32_t handle)
{
	for (int i = 0; i < f->nobjs; i++)
		if (f->objs[i].handle == handle)
			return &f->objs[i];
	return NULL;
}

static void forget_obj(struct file *f, uint32_t handle)
{
	struct obj *o = find_obj(f, handle);

	if (o)
		*o = f->objs[--f->nobjs];
}

static void remember_obj(struct fuzz *fz, struct file *f, uint32_t handle, uint64_t size,
			 uint64_t oid, uint64_t home)
{
	struct obj *o = find_obj(f, handle);

	if (o) {
		/* A random GEM_CLOSE may have freed the handle the model had. */
		if (f->tainted) {
			*o = (struct obj){ handle, size, oid, home };
			return;
		}
		if (o->size != size || o->oid != oid)
			finding(fz, "handle %u came back as another object (size %" PRIu64 ", model has %"
				PRIu64 ")", handle, size, o->size);
		return;
	}
	if (f->nobjs < MAX_OBJS)
		f->objs[f->nobjs++] = (struct obj){ handle, size, oid, home };
}

/* Whether @f holds a handle on object @oid (its own, or imported). */
static bool holds_oid(const struct file *f, uint64_t oid)
{
	for (int i = 0; i < f->nobjs; i++)
		if (f->objs[i].oid == oid)
			return true;
	return false;
}

/*
 * A handle to use on @f: mostly a live one, sometimes a dead or foreign
 * one. *live says which; a handle the model does not know on a tainted
 * file is neither (*live = -1).
 */
static uint32_t pick_handle(struct fuzz *fz, struct file *f, int *live)
{
	uint32_t handle;

	if (f->nobjs && chance(fz, 80)) {
		*live = 1;
		return f->objs[pick(fz, f->nobjs)].handle;
	}
	switch (pick(fz, 4)) {
	case 0: {
		/* Another file's handle: a client must not reach it. */
		struct file *g = any_file(fz);

		handle = g && g->nobjs ? g->objs[pick(fz, g->nobjs)].handle : 1;
		break;
	}
	case 1:
		handle = 0;
		break;
	case 2:
		handle = (uint32_t)pick(fz, 64) + 1;
		break;
	default:
		handle = hostile_u32(fz);
		break;
	}
	if (find_obj(f, handle))
		*live = 1;
	else
		*live = f->tainted ? -1 : 0;
	return handle;
}

static uint64_t round_up_page(const struct fuzz *fz, uint64_t size)
{
	return (size + fz->lim.page - 1) & ~(fz->lim.page - 1);
}

static void close_file(struct fuzz *fz, struct file *f)
{
	trace(fz, "close file fd %d (%d objects, %d queues, %d jobs)", f->fd, f->nobjs, f->nqueues,
	      f->njobs);
	/* The CPU mapping would keep the file open past close(). */
	if (f->arena_map)
		munmap(f->arena_map, ARENA_PAGES * fz->lim.page);
	close(f->fd);
	f->fd = -1;
	f->nobjs = 0;
	f->tainted = false;
	f->nqueues = 0;
	f->njobs = 0;
	f->arena_map = NULL;
	f->arena_mapped = false;
	f->timeline = 0;
	f->tl_point = 0;
	f->nbinds = 0;
	f->nusyncs = 0;
}

/* --- actions ------------------------------------------------------------- */

enum action {
	A_OPEN, A_CLOSE_FILE, A_DUP_FILE, A_GETPARAM, A_GEM_CREATE, A_GEM_INFO,
	A_GEM_CLOSE, A_MMAP_OFFSET, A_MMAP, A_MUNMAP, A_TOUCH, A_VM_BIND,
	A_PRIME_EXPORT, A_PRIME_IMPORT, A_DMABUF_CLOSE, A_RANDOM_IOCTL,
	A_QUEUE_CREATE, A_QUEUE_DESTROY, A_QUEUE_GET_STATE, A_QUEUE_FILL, A_EXEC, A_REAP,
	A_SYNCOBJ, A_COUNT
};

static const char *const action_names[A_COUNT] = {
	"open", "close-file", "dup-file", "getparam", "gem-create", "gem-info",
	"gem-close", "mmap-offset", "mmap", "munmap", "touch", "vm-bind",
	"prime-export", "prime-import", "dmabuf-close", "random-ioctl",
	"queue-create", "queue-destroy", "queue-get-state", "queue-fill", "exec", "reap",
	"syncobj",
};

/*
 * Relative weights; VM_BIND and EXEC, the richest ioctls, get the most.
 * The queue actions are zeroed below uAPI version 4, the syncobj action
 * (which serves asynchronous binds) below version 5.
 */
static unsigned int action_weight[A_COUNT] = {
	[A_OPEN] = 3, [A_CLOSE_FILE] = 2, [A_DUP_FILE] = 1, [A_GETPARAM] = 4,
	[A_GEM_CREATE] = 12, [A_GEM_INFO] = 6, [A_GEM_CLOSE] = 8, [A_MMAP_OFFSET] = 6,
	[A_MMAP] = 6, [A_MUNMAP] = 4, [A_TOUCH] = 4, [A_VM_BIND] = 25,
	[A_PRIME_EXPORT] = 3, [A_PRIME_IMPORT] = 3, [A_DMABUF_CLOSE] = 2,
	[A_RANDOM_IOCTL] = 6,
	[A_QUEUE_CREATE] = 4, [A_QUEUE_DESTROY] = 3, [A_QUEUE_GET_STATE] = 4, [A_QUEUE_FILL] = 1,
	[A_EXEC] = 20, [A_REAP] = 5,
	[A_SYNCOBJ] = 4,
};

/*
 * A primary-node client needs the master's blessing before nova's DRM_AUTH
 * ioctls work (nova-isolation tests the refusal). The first primary opener
 * is the master; any later one is authenticated by whichever open primary
 * file is. Returns whether @f ends up authenticated.
 */
static bool authenticate(struct fuzz *fz, struct file *f)
{
	struct drm_auth auth = { 0 };

	if (f->node == NOVA_NODE_RENDER)
		return true;
	if (nova_ioctl(f->fd, DRM_IOCTL_GET_MAGIC, &auth))
		return false;
	if (!nova_ioctl(f->fd, DRM_IOCTL_AUTH_MAGIC, &auth))
		return true; /* it is the master itself */
	for (int i = 0; i < MAX_FILES; i++) {
		struct file *g = &fz->files[i];

		if (g != f && g->fd >= 0 && g->node == NOVA_NODE_PRIMARY &&
		    !nova_ioctl(g->fd, DRM_IOCTL_AUTH_MAGIC, &auth))
			return true;
	}
	return false;
}

static void do_open(struct fuzz *fz)
{
	/* Not the file the action was drawn with: an open is judged on its own. */
	fz->cur = NULL;
	for (int i = 0; i < MAX_FILES; i++) {
		struct file *f = &fz->files[i];
		uint64_t gen = gen_now(fz);
		int fd;

		if (f->fd >= 0)
			continue;
		f->node = chance(fz, 50) ? NOVA_NODE_RENDER : NOVA_NODE_PRIMARY;
		/*
		 * A sibling job's unplug is on: the nodes come and go. Wait
		 * for it to end (it holds the lock), or actions that need a
		 * file would all be spent here.
		 */
		if (gen & 1) {
			fz->opens_waited++;
			shared_lock(fz);
			pthread_mutex_unlock(&fz->sh->lock);
			gen = gen_now(fz);
		}
		/* The device was rebound since the nodes were found: new minors. */
		if (gen != fz->node_gen) {
			nova_node_forget();
			fz->node_gen = gen;
		}
		fd = nova_node_open(f->node);
		if (fd < 0) {
			if (gen_now(fz) != gen)
				fz->opens_refused++;
			else
				finding(fz, "cannot open nova's %s node: %s",
					f->node == NOVA_NODE_RENDER ? "render" : "primary",
					nova_errno_name(-fd));
			return;
		}
		f->fd = fd;
		f->gen = gen;
		f->nobjs = 0;
		f->tainted = false;
		f->nqueues = 0;
		f->njobs = 0;
		f->arena_map = NULL;
		f->arena_mapped = false;
		f->timeline = 0;
		f->tl_point = 0;
		f->nbinds = 0;
		f->nusyncs = 0;
		if (!authenticate(fz, f)) {
			/* No master left to ask: a render node instead. */
			close(fd);
			f->node = NOVA_NODE_RENDER;
			f->fd = nova_node_open(f->node);
			if (f->fd < 0) {
				if (gen_now(fz) == gen)
					finding(fz, "cannot open nova's render node");
				return;
			}
		}
		fz->cur = f;
		if (fz->lim.uapi_version >= 4 &&
		    drmSyncobjCreate(f->fd, 0, &f->timeline))
			finding(fz, "SYNCOBJ_CREATE failed: %s", nova_errno_name(errno));
		fz->cur = NULL;
		trace(fz, "open %s node: fd %d", f->node == NOVA_NODE_RENDER ? "render" : "primary", fd);
		return;
	}
}

/* The same open file under a new descriptor: handles stay valid. */
static void do_dup_file(struct fuzz *fz)
{
	struct file *f = any_file(fz);
	int fd;

	if (!f)
		return;
	fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return;
	close(f->fd);
	trace(fz, "dup fd %d -> %d", f->fd, fd);
	f->fd = fd;
}

static void do_getparam(struct fuzz *fz, struct file *f)
{
	static const uint64_t known[] = {
		NOVA_GETPARAM_VRAM_BAR_SIZE, NOVA_GETPARAM_UAPI_VERSION,
		NOVA_GETPARAM_MAX_OBJECT_SIZE, NOVA_GETPARAM_PAGE_SIZE,
		NOVA_GETPARAM_OBJECT_BUDGET, NOVA_GETPARAM_VA_START, NOVA_GETPARAM_VA_SIZE,
		NOVA_GETPARAM_VA_ALIGNMENT, NOVA_GETPARAM_VM_BIND_MAX_OPS,
		NOVA_GETPARAM_MAX_MAPPINGS, NOVA_GETPARAM_MAX_QUEUES,
		NOVA_GETPARAM_EXEC_MAX_CMDBUFS, NOVA_GETPARAM_EXEC_MAX_SYNCS,
		NOVA_GETPARAM_MAX_CMDBUF_SIZE, NOVA_GETPARAM_JOB_TIMEOUT_MS,
		NOVA_GETPARAM_CALL_MAX_DEPTH, NOVA_GETPARAM_QUEUE_MAX_JOBS,
		NOVA_GETPARAM_TIMESTAMP_FREQUENCY,
	};
	const size_t count = sizeof(known) / sizeof(known[0]);
	struct drm_nova_getparam args = { .param = known[pick(fz, count)] };
	bool valid = true;
	int err;

	if (chance(fz, 30)) {
		args.value = hostile_u64(fz); /* output only: must not matter */
	}
	if (chance(fz, 30)) {
		fz->mutated++;
		args.param = hostile_u64(fz);
		valid = false;
		for (size_t i = 0; i < count; i++)
			valid |= args.param == known[i];
	}
	err = call(fz, f->fd, DRM_IOCTL_NOVA_GETPARAM, &args);
	trace(fz, "GETPARAM param 0x%" PRIx64 " -> %s", (uint64_t)args.param, nova_errno_name(err));
	if (valid && err)
		finding(fz, "GETPARAM of known param 0x%" PRIx64 " failed: %s", (uint64_t)args.param,
			nova_errno_name(err));
	else if (!valid && err != EINVAL)
		finding(fz, "GETPARAM of unknown param 0x%" PRIx64 " gave %s, not EINVAL",
			(uint64_t)args.param, nova_errno_name(err));
	else if (valid && args.param == NOVA_GETPARAM_PAGE_SIZE && args.value != fz->lim.page)
		finding(fz, "GETPARAM PAGE_SIZE changed to %" PRIu64, (uint64_t)args.value);
}

static void do_gem_create(struct fuzz *fz, struct file *f)
{
	static const int documented[] = { EINVAL, E2BIG, ENOSPC, ENOMEM, 0 };
	struct drm_nova_gem_create args = {
		.size = (pick(fz, MAX_OBJ_PAGES) + 1) * fz->lim.page - (chance(fz, 20) ? pick(fz, fz->lim.page) : 0),
	};
	uint64_t asked;
	bool valid = true;
	int err;

	if (chance(fz, 20))
		args.handle = hostile_u32(fz); /* output only */
	if (chance(fz, 20)) {
		fz->mutated++;
		if (chance(fz, 50))
			args.size = hostile_u64(fz);
		else
			args.pad = hostile_u32(fz);
	}
	/* A huge object would eat the budget and TCG's time: keep valid ones small. */
	if (args.size > (uint64_t)MAX_OBJ_PAGES * fz->lim.page && args.size <= fz->lim.max_object_size)
		args.size = fz->lim.max_object_size + 1 + pick(fz, 2) * (~0ull - fz->lim.max_object_size - 1);
	asked = args.size;
	valid = args.pad == 0 && args.size != 0 && args.size <= fz->lim.max_object_size;
	err = call(fz, f->fd, DRM_IOCTL_NOVA_GEM_CREATE, &args);
	trace(fz, "GEM_CREATE size 0x%" PRIx64 " pad 0x%x -> %s handle %u", asked, args.pad,
	      nova_errno_name(err), err ? 0 : args.handle);
	if (!err) {
		if (!valid)
			finding(fz, "GEM_CREATE accepted size 0x%" PRIx64 " pad 0x%x", asked, args.pad);
		if (args.size != round_up_page(fz, asked))
			finding(fz, "GEM_CREATE of 0x%" PRIx64 " returned size 0x%" PRIx64, asked,
				(uint64_t)args.size);
		if (find_obj(f, args.handle) && !f->tainted)
			finding(fz, "GEM_CREATE returned live handle %u again", args.handle);
		if (f->nobjs < MAX_OBJS) {
			remember_obj(fz, f, args.handle, args.size, ++fz->next_oid, f->gen);
		} else {
			struct drm_gem_close close_args = { .handle = args.handle };

			call(fz, f->fd, DRM_IOCTL_GEM_CLOSE, &close_args);
		}
		return;
	}
	if (!errno_in(err, documented))
		finding(fz, "GEM_CREATE size 0x%" PRIx64 " pad 0x%x: undocumented %s", asked, args.pad,
			nova_errno_name(err));
	else if (valid && err != ENOSPC && err != ENOMEM)
		finding(fz, "GEM_CREATE size 0x%" PRIx64 " failed: %s", asked, nova_errno_name(err));
	else if (!valid && args.pad && err != EINVAL && err != E2BIG)
		finding(fz, "GEM_CREATE with pad 0x%x gave %s", args.pad, nova_errno_name(err));
	else if (!valid && args.size == 0 && err != EINVAL)
		finding(fz, "GEM_CREATE of size 0 gave %s", nova_errno_name(err));
	else if (!valid && !args.pad && args.size > fz->lim.max_object_size && err != E2BIG)
		finding(fz, "GEM_CREATE of 0x%" PRIx64 " gave %s, not E2BIG", asked, nova_errno_name(err));
}

static void do_gem_info(struct fuzz *fz, struct file *f)
{
	struct drm_nova_gem_info args = { 0 };
	struct obj *o;
	int live, err;

	args.handle = pick_handle(fz, f, &live);
	if (chance(fz, 20))
		args.size = hostile_u64(fz);
	if (chance(fz, 10)) {
		fz->mutated++;
		args.pad = hostile_u32(fz);
	}
	err = call(fz, f->fd, DRM_IOCTL_NOVA_GEM_INFO, &args);
	trace(fz, "GEM_INFO handle %u pad 0x%x -> %s", args.handle, args.pad, nova_errno_name(err));
	if (args.pad) {
		if (err != EINVAL)
			finding(fz, "GEM_INFO with pad 0x%x gave %s", args.pad, nova_errno_name(err));
		return;
	}
	if (live == 1) {
		o = find_obj(f, args.handle);
		if (err)
			finding(fz, "GEM_INFO of live handle %u failed: %s", args.handle, nova_errno_name(err));
		else if (args.size != o->size)
			finding(fz, "GEM_INFO of handle %u: size 0x%" PRIx64 ", model 0x%" PRIx64,
				args.handle, (uint64_t)args.size, o->size);
	} else if (live == 0 && err != ENOENT) {
		finding(fz, "GEM_INFO of dead or foreign handle %u gave %s, not ENOENT", args.handle,
			nova_errno_name(err));
	}
}

static void do_gem_close(struct fuzz *fz, struct file *f)
{
	struct drm_gem_close args = { 0 };
	int live, err;

	args.handle = pick_handle(fz, f, &live);
	err = call(fz, f->fd, DRM_IOCTL_GEM_CLOSE, &args);
	trace(fz, "GEM_CLOSE handle %u -> %s", args.handle, nova_errno_name(err));
	if (live == 1 && err)
		finding(fz, "GEM_CLOSE of live handle %u failed: %s", args.handle, nova_errno_name(err));
	else if (live == 0 && err != EINVAL)
		finding(fz, "GEM_CLOSE of dead or foreign handle %u gave %s, not EINVAL", args.handle,
			nova_errno_name(err));
	if (!err)
		forget_obj(f, args.handle);
}

/*
 * Whether @oid is some file's arena (queues and EXEC below): the fuzzer's
 * CPU writes (touch()) must not reach the commands and tokens in it, so it
 * is never CPU-mapped or exported but by its owner's EXEC path.
 */
static bool is_arena(const struct fuzz *fz, uint64_t oid)
{
	for (int i = 0; i < MAX_FILES; i++)
		if (fz->files[i].fd >= 0 && fz->files[i].arena_map && fz->files[i].arena_oid == oid)
			return true;
	return false;
}

/* Returns the fake offset of a live object of @f, or 0. */
static uint64_t mmap_offset(struct fuzz *fz, struct file *f, bool mutate, uint64_t *size,
			    uint64_t *oid)
{
	struct drm_nova_gem_mmap_offset args = { 0 };
	int live, err;

	args.handle = pick_handle(fz, f, &live);
	if (chance(fz, 20))
		args.offset = hostile_u64(fz);
	if (mutate && chance(fz, 10)) {
		fz->mutated++;
		args.flags = hostile_u32(fz);
	}
	err = call(fz, f->fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &args);
	trace(fz, "GEM_MMAP_OFFSET handle %u flags 0x%x -> %s offset 0x%" PRIx64, args.handle,
	      args.flags, nova_errno_name(err), err ? 0 : (uint64_t)args.offset);
	if (args.flags) {
		if (err != EINVAL)
			finding(fz, "GEM_MMAP_OFFSET with flags 0x%x gave %s", args.flags,
				nova_errno_name(err));
		return 0;
	}
	if (live == 1 && err && err != ENOMEM)
		finding(fz, "GEM_MMAP_OFFSET of live handle %u failed: %s", args.handle,
			nova_errno_name(err));
	else if (live == 0 && err != ENOENT)
		finding(fz, "GEM_MMAP_OFFSET of dead or foreign handle %u gave %s, not ENOENT",
			args.handle, nova_errno_name(err));
	if (err || live != 1)
		return 0;
	if ((args.offset & (fz->lim.page - 1)) || !args.offset)
		finding(fz, "GEM_MMAP_OFFSET returned unaligned offset 0x%" PRIx64, (uint64_t)args.offset);
	*size = find_obj(f, args.handle)->size;
	*oid = find_obj(f, args.handle)->oid;
	if (is_arena(fz, *oid))
		return 0;
	return args.offset;
}

static void do_mmap_offset(struct fuzz *fz, struct file *f)
{
	uint64_t size, oid;

	mmap_offset(fz, f, true, &size, &oid);
}

static void touch(uint8_t *ptr, size_t len, uint64_t salt)
{
	/* Write then read back one byte per page: faults the pages in. */
	for (size_t off = 0; off < len; off += 4096) {
		ptr[off] = (uint8_t)(salt + off);
		if (ptr[off] != (uint8_t)(salt + off))
			abort(); /* shared memory that does not keep a write */
	}
}

static void do_mmap(struct fuzz *fz, struct file *f)
{
	uint64_t size = 0, oid = 0, offset = mmap_offset(fz, f, false, &size, &oid);
	struct file *via = f;
	size_t len;
	bool valid = true;
	void *ptr;
	int slot = -1;

	if (!offset)
		return;
	len = size;
	if (chance(fz, 25)) {
		fz->mutated++;
		switch (pick(fz, 5)) {
		case 0:
			len = size + fz->lim.page; /* past the object */
			valid = false;
			break;
		case 1:
			offset += fz->lim.page * (pick(fz, 2) ? MAX_OBJ_PAGES * 4 : 1);
			valid = false; /* not (only) this object's node */
			break;
		case 2:
			offset += 1 + pick(fz, fz->lim.page - 1); /* unaligned */
			valid = false;
			break;
		case 3: {
			/*
			 * Another file: its client may not map this object, unless
			 * it holds a handle on it too (a PRIME import).
			 */
			struct file *g = any_file(fz);

			if (g && g != f) {
				via = g;
				valid = holds_oid(g, oid);
			}
			break;
		}
		default:
			len = fz->lim.page; /* a prefix is fine */
			break;
		}
	}
	for (int i = 0; i < MAX_MAPS; i++)
		if (!fz->maps[i].ptr)
			slot = i;
	if (slot < 0)
		return;
	fz->calls++;
	ptr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, via->fd, (off_t)offset);
	trace(fz, "mmap fd %d offset 0x%" PRIx64 " len 0x%zx -> %s", via->fd, offset, len,
	      ptr == MAP_FAILED ? nova_errno_name(errno) : "ok");
	if (ptr == MAP_FAILED) {
		int err = errno;

		/*
		 * Through another file, of a device an unplug may have taken:
		 * ENODEV is its answer whatever the offset, and finding()
		 * judges by the action's own file.
		 */
		if (via != f && file_maybe_dead(fz, via)) {
			fz->unjudged++;
			return;
		}
		if (valid && err != ENOMEM)
			finding(fz, "mmap of a live object (len 0x%zx) failed: %s", len,
				nova_errno_name(err));
		else if (!valid && err != EINVAL && err != EACCES && err != ENOMEM)
			finding(fz, "bad mmap (len 0x%zx offset 0x%" PRIx64 ") gave %s", len, offset,
				nova_errno_name(err));
		else if (via != f && err != EACCES)
			finding(fz, "mmap of another file's object gave %s, not EACCES",
				nova_errno_name(err));
		return;
	}
	if (!valid) {
		/* Another object may sit at offset + N pages of the same file. */
		if (via != f)
			finding(fz, "a file could mmap another file's object");
		else if ((offset & (fz->lim.page - 1)) || len > size)
			finding(fz, "mmap beyond an object (len 0x%zx offset 0x%" PRIx64 ") succeeded",
				len, offset);
	}
	touch(ptr, len, fz->iteration);
	fz->maps[slot] = (struct cpu_map){ ptr, len };
}

static void do_munmap(struct fuzz *fz)
{
	struct cpu_map *m = &fz->maps[pick(fz, MAX_MAPS)];

	if (!m->ptr)
		return;
	trace(fz, "munmap %p len 0x%zx", (void *)m->ptr, m->len);
	if (m->len > fz->lim.page && chance(fz, 30)) {
		/* Unmap the first page only: the kernel splits the vma. */
		munmap(m->ptr, fz->lim.page);
		m->ptr += fz->lim.page;
		m->len -= fz->lim.page;
		return;
	}
	munmap(m->ptr, m->len);
	m->ptr = NULL;
}

/* A mapping outlives its handle and its file: it must still work. */
static void do_touch(struct fuzz *fz)
{
	struct cpu_map *m = &fz->maps[pick(fz, MAX_MAPS)];

	if (m->ptr)
		touch(m->ptr, m->len, fz->iteration);
}

/* One valid MAP or UNMAP operation within the fuzzer's VA window. */
/* --- queues and EXEC (uAPI version 4) ------------------------------------ */

/*
 * Each file gets an arena for the command engine: one object, mapped at a
 * VA outside the window the valid binds use and on the CPU. Its first half
 * holds command buffers (one slot per job, reused round-robin: at most
 * MAX_JOBS are outstanding, so a slot is never rewritten under a job that
 * has not ended), the third quarter data the streams write and copy, and
 * the last quarter one token word per slot, which a valid stream's last
 * command stores and the reaper checks.
 */
static uint64_t arena_va(const struct fuzz *fz)
{
	uint64_t align = fz->lim.va_alignment > fz->lim.page ? fz->lim.va_alignment : fz->lim.page;
	uint64_t va = fz->lim.va_start + 4 * VA_WINDOW_PAGES * fz->lim.page;

	return (va + align - 1) & ~(align - 1);
}

static uint64_t arena_size(const struct fuzz *fz)
{
	return ARENA_PAGES * fz->lim.page;
}

static uint64_t slot_size(const struct fuzz *fz)
{
	return arena_size(fz) / 2 / ARENA_SLOTS;
}

static uint64_t data_va(const struct fuzz *fz)
{
	return arena_va(fz) + arena_size(fz) / 2;
}

static uint64_t token_offset(const struct fuzz *fz, unsigned int slot)
{
	return arena_size(fz) * 3 / 4 + 8 * slot;
}

static int vm_bind1(struct fuzz *fz, struct file *f, uint32_t op, uint32_t handle, uint64_t va,
		    uint64_t range)
{
	struct drm_nova_vm_bind_op bind = { .op = op, .handle = handle, .va = va, .range = range };
	struct drm_nova_vm_bind args = { .op_count = 1, .op_stride = sizeof(bind),
					 .ops = (uintptr_t)&bind };

	return call(fz, f->fd, DRM_IOCTL_NOVA_VM_BIND, &args);
}

/* Whether the arena is (again) mapped as the model says; 0 or the errno. */
static int arena_ready(struct fuzz *fz, struct file *f)
{
	struct drm_nova_gem_create create = { .size = arena_size(fz) };
	struct drm_nova_gem_mmap_offset off = { 0 };
	void *p;
	int err;

	if (f->arena_map && f->arena_mapped)
		return 0;
	struct obj *o = f->arena_map ? find_obj(f, f->arena_handle) : NULL;

	if (!o || o->oid != f->arena_oid) {
		/* First use, or the fuzzer closed its handle: a new one. */
		if (f->nobjs >= MAX_OBJS)
			return ENOSPC;
		err = call(fz, f->fd, DRM_IOCTL_NOVA_GEM_CREATE, &create);
		if (err)
			return err;
		off.handle = create.handle;
		err = call(fz, f->fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &off);
		p = err ? MAP_FAILED : mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED,
					    f->fd, (off_t)off.offset);
		if (p == MAP_FAILED) {
			struct drm_gem_close cl = { .handle = create.handle };

			call(fz, f->fd, DRM_IOCTL_GEM_CLOSE, &cl);
			return err ? err : errno;
		}
		if (f->arena_map)
			munmap(f->arena_map, arena_size(fz));
		f->arena_map = p;
		f->arena_handle = create.handle;
		f->arena_oid = ++fz->next_oid;
		remember_obj(fz, f, create.handle, create.size, f->arena_oid, f->gen);
	}
	err = vm_bind1(fz, f, NOVA_VM_BIND_OP_MAP, f->arena_handle, arena_va(fz), arena_size(fz));
	trace(fz, "arena: MAP handle %u at 0x%" PRIx64 " -> %s", f->arena_handle, arena_va(fz),
	      nova_errno_name(err));
	/* A new object under jobs that may still run: they see it, not theirs. */
	f->arena_epoch++;
	if (err && err != ENOSPC && err != ENOMEM)
		finding(fz, "VM_BIND MAP of the arena failed: %s", nova_errno_name(err));
	f->arena_mapped = !err;
	return err;
}

/* After a VM_BIND that succeeded: did it touch the arena? */
static void arena_check_bind(struct fuzz *fz, struct file *f, const uint8_t *ops, uint32_t count,
			     uint32_t stride)
{
	uint64_t lo = arena_va(fz), hi = lo + arena_size(fz);

	for (uint32_t i = 0; i < count && f->arena_mapped; i++) {
		struct drm_nova_vm_bind_op op;

		memcpy(&op, ops + (size_t)i * stride, sizeof(op));
		if (op.va < hi && op.va + op.range > lo)
			f->arena_mapped = false;
	}
	if (!f->arena_mapped) {
		trace(fz, "arena: a bind touched it");
		f->arena_epoch++;
		/* Jobs in flight, also ones queued long ago, may fault now. */
		for (int q = 0; q < f->nqueues; q++) {
			f->queues[q].dirty = true;
			f->queues[q].first_risky = 1;
		}
	}
}

static struct fqueue *find_queue(struct file *f, uint32_t id)
{
	for (int i = 0; i < f->nqueues; i++)
		if (f->queues[i].id == id)
			return &f->queues[i];
	return NULL;
}

/* A queue id to use: mostly a live one; *live as for pick_handle(). */
static uint32_t pick_queue(struct fuzz *fz, struct file *f, int *live)
{
	uint32_t id;

	if (f->nqueues && chance(fz, 85)) {
		*live = 1;
		return f->queues[pick(fz, f->nqueues)].id;
	}
	switch (pick(fz, 3)) {
	case 0: {
		struct file *g = any_file(fz);

		id = g && g->nqueues ? g->queues[pick(fz, g->nqueues)].id : 1;
		break;
	}
	case 1:
		id = (uint32_t)pick(fz, 70);
		break;
	default:
		id = hostile_u32(fz);
		break;
	}
	if (find_queue(f, id))
		*live = 1;
	else
		*live = f->tainted ? -1 : 0;
	return id;
}

static bool status_documented(int status)
{
	static const int ok[] = { EFAULT, EACCES, EILSEQ, ETIMEDOUT, ECANCELED, ESRCH, 0 };

	return status == 1 || (status < 0 && errno_in(-status, ok));
}

static int sync_file_status(int sync_file)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(sync_file, SYNC_IOC_FILE_INFO, &info))
		return 0;
	return info.status;
}

/* Waits for the oldest outstanding job of @f and checks how it ended. */
static void reap_job(struct fuzz *fz, struct file *f)
{
	struct fjob job = f->jobs[0];
	int64_t deadline;
	struct timespec ts;
	int status, sync_file = -1;

	if (!f->njobs)
		return;
	memmove(&f->jobs[0], &f->jobs[1], sizeof(f->jobs[0]) * (size_t)--f->njobs);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* The watchdog bounds a running job; waits ahead of it add a few more. */
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec +
		   (int64_t)(fz->lim.job_timeout_ms * (MAX_JOBS + 1) + 10000) * 1000000;
	fz->calls++;
	if (drmSyncobjWait(f->fd, &job.syncobj, 1, deadline, 0, NULL)) {
		finding(fz, "job %" PRIu64 " of queue %u did not end (%s)", job.seqno, job.queue,
			nova_errno_name(errno));
		goto out;
	}
	if (job.queue_gone && fz->no_dead_queue_status) {
		trace(fz, "reap job %" PRIu64 " of destroyed queue %u: ended", job.seqno, job.queue);
		goto out;
	}
	if (drmSyncobjExportSyncFile(f->fd, job.syncobj, &sync_file)) {
		finding(fz, "sync_file export of a signalled syncobj failed: %s",
			nova_errno_name(errno));
		goto out;
	}
	status = sync_file_status(sync_file);
	close(sync_file);
	fz->job_status[status == 1 ? 0 : status < 0 && -status < 160 ? -status : 1]++;
	fz->reaped++;
	if (job.epoch != f->arena_epoch) {
		/* A bind touched the arena since: the job may have faulted. */
		job.expect = 0;
		job.token = 0;
	}
	trace(fz, "reap job %" PRIu64 " of queue %u: status %d (expected %d)", job.seqno, job.queue,
	      status, job.expect);
	if (!status_documented(status)) {
		finding(fz, "job %" PRIu64 " ended with undocumented status %d", job.seqno, status);
	} else if (job.expect && status != job.expect &&
		   !(job.maybe_cancelled && (status == -ECANCELED || status == -ESRCH))) {
		finding(fz, "job %" PRIu64 " of queue %u ended with %d (%s), the model predicts %d",
			job.seqno, job.queue, status, status < 0 ? nova_errno_name(-status) : "ok",
			job.expect);
	} else if (status == 1 && job.token && f->arena_map &&
		   *(volatile uint64_t *)(f->arena_map + token_offset(fz, job.slot)) != job.token &&
		   !job.maybe_cancelled) {
		/* free_slot() reuses a slot only after its job was reaped. */
		finding(fz, "job %" PRIu64 " succeeded but its token is 0x%" PRIx64 ", not 0x%" PRIx64,
			job.seqno, *(volatile uint64_t *)(f->arena_map + token_offset(fz, job.slot)),
			job.token);
	}
	if (job.expect < 0 && status == job.expect) {
		struct fqueue *q = find_queue(f, job.queue);
		struct drm_nova_queue_get_state st = { .queue_id = job.queue };

		/*
		 * The queue's first risky job faulted as predicted: it is lost.
		 * Not when its queue was destroyed: a new queue may have its id.
		 */
		if (q && !job.queue_gone && !f->tainted && q->first_risky == job.seqno &&
		    !call(fz, f->fd, DRM_IOCTL_NOVA_QUEUE_GET_STATE, &st) &&
		    (st.state != NOVA_QUEUE_STATE_LOST || st.fault_seqno != job.seqno))
			finding(fz, "queue %u after job %" PRIu64 " faulted: state %u fault_seqno %" PRIu64,
				job.queue, job.seqno, st.state, (uint64_t)st.fault_seqno);
	}
out:
	drmSyncobjDestroy(f->fd, job.syncobj);
}

/* --- command streams ----------------------------------------------------- */

struct stream {
	uint64_t *q;
	uint32_t n, max;
	bool overflow;		/* a command did not fit: the model cannot tell */
};

static void emit(struct stream *s, uint64_t v)
{
	if (s->n < s->max)
		s->q[s->n++] = v;
	else
		s->overflow = true;
}

/* An 8-aligned address of @len bytes in the data quarter. */
static uint64_t data_addr(struct fuzz *fz, uint64_t len)
{
	uint64_t room = arena_size(fz) / 4 - len;

	return data_va(fz) + (pick(fz, room / 8 + 1) * 8);
}

/* One valid command that only touches the data quarter. */
static void valid_command(struct fuzz *fz, struct stream *s)
{
	uint64_t len;

	switch (pick(fz, 7)) {
	case 0:
		emit(s, NOVA_CMD_HEADER(NOVA_CMD_NOP, 0, 0));
		break;
	case 1:
		emit(s, NOVA_CMD_HEADER(NOVA_CMD_STORE32, 0, (uint32_t)nova_rand(&fz->rng)));
		emit(s, data_addr(fz, 4) + 4 * pick(fz, 2));
		break;
	case 2:
		emit(s, NOVA_CMD_HEADER(NOVA_CMD_STORE64, 0, 0));
		emit(s, data_addr(fz, 8));
		emit(s, nova_rand(&fz->rng));
		break;
	case 3:
		emit(s, NOVA_CMD_HEADER(NOVA_CMD_TIMESTAMP, 0, 0));
		emit(s, data_addr(fz, 8));
		break;
	case 4:
		len = 4 * (pick(fz, 64) + 1);
		emit(s, NOVA_CMD_HEADER(NOVA_CMD_FILL, 0, (uint32_t)nova_rand(&fz->rng)));
		emit(s, data_addr(fz, len));
		emit(s, len);
		break;
	case 5: {
		/* Any alignment, never overlapping: the halves of the quarter. */
		uint64_t half = arena_size(fz) / 8;

		len = pick(fz, 200) + 1;
		emit(s, NOVA_CMD_HEADER(NOVA_CMD_COPY, 0, 0));
		emit(s, data_va(fz) + half + pick(fz, half - len));
		emit(s, data_va(fz) + pick(fz, half - len));
		emit(s, len);
		break;
	}
	default:
		/* Satisfied at once: any value is >= 0. */
		emit(s, NOVA_CMD_HEADER(NOVA_CMD_WAIT, pick(fz, 2) ? NOVA_CMD_WAIT_64BIT : 0, 0));
		emit(s, data_addr(fz, 8));
		emit(s, 0);
		break;
	}
}

/*
 * The next arena slot no outstanding job of @f holds: round-robin alone is
 * not enough, as EXECs that fail (mutated ones) and the close's plug use
 * slots too, and a job stays outstanding until it is reaped: rewriting
 * its slot would change the commands of a job still queued, or clear the
 * token of one that ended (check-long: "succeeded but its token is 0x0").
 * At most MAX_JOBS are outstanding, fewer than ARENA_SLOTS.
 */
static unsigned int free_slot(struct file *f)
{
	for (;;) {
		unsigned int slot = f->next_slot++ % ARENA_SLOTS;
		int i = 0;

		while (i < f->njobs && f->jobs[i].slot != slot)
			i++;
		if (i == f->njobs)
			return slot;
	}
}

/*
 * Writes a stream into @slot of the arena: valid commands, or, with some
 * probability, one hostile one among them. Returns the buffer's size and
 * sets *expect to what its job must end with (1, -errno, or 0: cannot
 * tell) and *token to the value its last command stores (0: none).
 */
static uint64_t build_stream(struct fuzz *fz, struct file *f, unsigned int slot, int *expect,
			     uint64_t *token, bool *risky_kind)
{
	uint64_t base_va = arena_va(fz) + slot * slot_size(fz);
	struct stream s = { (uint64_t *)(f->arena_map + slot * slot_size(fz)), 0,
			    (uint32_t)(slot_size(fz) / 8), false };
	uint32_t before = (uint32_t)pick(fz, 6), after = (uint32_t)pick(fz, 3);
	/* The sub-buffer CALL jumps to lives in the slot's second half. */
	struct stream sub = { s.q + s.max / 2, 0, s.max / 2, false };
	uint64_t sub_va = base_va + slot_size(fz) / 2;

	*expect = 1;
	*token = 0;
	*risky_kind = false;
	s.max /= 2;
	for (uint32_t i = 0; i < before; i++)
		valid_command(fz, &s);
	if (chance(fz, 20)) {
		fz->exec_hostile++;
		*risky_kind = true;
		switch (pick(fz, 10)) {
		case 0:
			emit(&s, NOVA_CMD_HEADER(NOVA_CMD_CALL + 1 + pick(fz, 0xf7), 0, 0));
			*expect = -EILSEQ;
			break;
		case 1:
			emit(&s, NOVA_CMD_HEADER(NOVA_CMD_NOP, 0, 0) | ((pick(fz, 0xffff) + 1) << 16));
			*expect = -EILSEQ;
			break;
		case 2:
			/* Unaligned STORE64. */
			emit(&s, NOVA_CMD_HEADER(NOVA_CMD_STORE64, 0, 0));
			emit(&s, data_addr(fz, 16) + 1 + pick(fz, 7));
			emit(&s, 0);
			*expect = -EILSEQ;
			break;
		case 3:
			/* Below VA_START nothing is ever mapped. */
			emit(&s, NOVA_CMD_HEADER(NOVA_CMD_STORE32, 0, 1));
			emit(&s, pick(fz, 2) ? 0 : (fz->lim.va_start - fz->lim.page) & ~3ull);
			*expect = -EFAULT;
			break;
		case 4:
			/* A command cut by the end of its buffer: nothing may follow. */
			emit(&s, NOVA_CMD_HEADER(NOVA_CMD_COPY, 0, 0));
			emit(&s, data_va(fz));
			after = 0;
			*expect = -EILSEQ;
			break;
		case 5:
			/* A CALL of the buffer itself: nests past the limit. */
			emit(&s, NOVA_CMD_HEADER(NOVA_CMD_CALL, 0, 0));
			emit(&s, base_va);
			emit(&s, (uint64_t)(s.n + 1) * 8);
			after = 0;
			*expect = -EILSEQ;
			break;
		case 6:
			/* A 32-bit WAIT whose value has upper bits. */
			emit(&s, NOVA_CMD_HEADER(NOVA_CMD_WAIT, 0, 0));
			emit(&s, data_addr(fz, 8));
			emit(&s, (pick(fz, 0xffffffff) + 1) << 32);
			*expect = -EILSEQ;
			break;
		case 7:
			if (chance(fz, 3)) {
				/* The watchdog's case, rare: it costs job_timeout_ms. */
				emit(&s, NOVA_CMD_HEADER(NOVA_CMD_WAIT,
							 NOVA_CMD_WAIT_64BIT | NOVA_CMD_WAIT_EQUAL, 0));
				emit(&s, arena_va(fz) + token_offset(fz, ARENA_SLOTS));
				emit(&s, ~0ull);
				*expect = -ETIMEDOUT;
				fz->exec_timeouts++;
				break;
			}
			/* fall through */
		default: {
			/* Random qwords: anything documented may come of it. */
			uint32_t n = (uint32_t)pick(fz, 6) + 1;

			while (n--)
				emit(&s, chance(fz, 50) ? nova_rand(&fz->rng) :
				     NOVA_CMD_HEADER(pick(fz, 10), pick(fz, 4), hostile_u32(fz)));
			*expect = 0;
			break;
		}
		}
	} else if (chance(fz, 15) && fz->lim.call_max_depth) {
		/* A valid CALL of a sub-buffer. */
		uint32_t n = (uint32_t)pick(fz, 3) + 1;

		while (n--)
			valid_command(fz, &sub);
		emit(&s, NOVA_CMD_HEADER(NOVA_CMD_CALL, 0, 0));
		emit(&s, sub_va);
		emit(&s, (uint64_t)sub.n * 8);
	}
	for (uint32_t i = 0; i < after; i++)
		valid_command(fz, &s);
	if (*expect == 1 && s.n + 3 <= s.max) {
		*token = nova_rand(&fz->rng) | 1;
		*(volatile uint64_t *)(f->arena_map + token_offset(fz, slot)) = 0;
		emit(&s, NOVA_CMD_HEADER(NOVA_CMD_STORE64, 0, 0));
		emit(&s, arena_va(fz) + token_offset(fz, slot));
		emit(&s, *token);
	}
	if (!s.n)
		emit(&s, NOVA_CMD_HEADER(NOVA_CMD_NOP, 0, 0));
	if (s.overflow || sub.overflow)
		*expect = 0;
	return (uint64_t)s.n * 8;
}

/* --- the queue ioctls ---------------------------------------------------- */

static void forget_queue(struct file *f, uint32_t id)
{
	struct fqueue *q = find_queue(f, id);

	if (!q)
		return;
	for (int i = 0; i < f->njobs; i++)
		if (f->jobs[i].queue == id) {
			f->jobs[i].maybe_cancelled = true;
			f->jobs[i].queue_gone = true;
		}
	*q = f->queues[--f->nqueues];
}

static int queue_destroy(struct fuzz *fz, struct file *f, uint32_t id)
{
	struct drm_nova_queue_destroy args = { .queue_id = id };

	return call(fz, f->fd, DRM_IOCTL_NOVA_QUEUE_DESTROY, &args);
}

static void do_queue_create(struct fuzz *fz, struct file *f)
{
	struct drm_nova_queue_create args = {
		.priority = (uint32_t)pick(fz, 3),
		.queue_id = chance(fz, 30) ? hostile_u32(fz) : 0,	/* output only */
	};
	bool valid = true;
	int err;

	if (chance(fz, 25)) {
		fz->mutated++;
		switch (pick(fz, 3)) {
		case 0: args.vm_id = hostile_u32(fz); break;
		case 1: args.flags = hostile_u32(fz); break;
		default: args.priority = hostile_u32(fz); break;
		}
		valid = !args.vm_id && !args.flags && args.priority <= NOVA_QUEUE_PRIORITY_HIGH;
	}
	err = call(fz, f->fd, DRM_IOCTL_NOVA_QUEUE_CREATE, &args);
	fz->queue_calls++;
	trace(fz, "QUEUE_CREATE vm_id 0x%x priority 0x%x flags 0x%x -> %s id %u", args.vm_id,
	      args.priority, args.flags, nova_errno_name(err), err ? 0 : args.queue_id);
	if (!valid) {
		if (err != EINVAL)
			finding(fz, "QUEUE_CREATE vm_id 0x%x priority 0x%x flags 0x%x gave %s, not EINVAL",
				args.vm_id, args.priority, args.flags, nova_errno_name(err));
		if (!err)
			queue_destroy(fz, f, args.queue_id);
		return;
	}
	if (err) {
		if (err == ENOSPC && (f->tainted || (uint64_t)f->nqueues >= fz->lim.max_queues))
			return;
		if (err != ENOMEM)
			finding(fz, "QUEUE_CREATE with %d of %" PRIu64 " queues failed: %s", f->nqueues,
				fz->lim.max_queues, nova_errno_name(err));
		return;
	}
	if (!args.queue_id || (find_queue(f, args.queue_id) && !f->tainted))
		finding(fz, "QUEUE_CREATE returned id %u, live or zero", args.queue_id);
	/*
	 * On a tainted file a random QUEUE_DESTROY may have freed a queue the
	 * model still holds, and the id comes back for this new queue: the
	 * old entry goes, or find_queue() keeps judging the new queue by it
	 * (check-long: "queue 1 is active again after it was lost").
	 */
	forget_queue(f, args.queue_id);
	if ((uint64_t)f->nqueues >= fz->lim.max_queues && !f->tainted)
		finding(fz, "QUEUE_CREATE beyond NOVA_GETPARAM_MAX_QUEUES (%" PRIu64 ") succeeded",
			fz->lim.max_queues);
	if (f->nqueues < MODEL_QUEUES) {
		f->queues[f->nqueues++] = (struct fqueue){ .id = args.queue_id };
		return;
	}
	err = queue_destroy(fz, f, args.queue_id);
	if (err)
		finding(fz, "QUEUE_DESTROY of new queue %u failed: %s", args.queue_id,
			nova_errno_name(err));
}

/* Creates queues until QUEUE_CREATE says ENOSPC: exactly at the limit. */
static void do_queue_fill(struct fuzz *fz, struct file *f)
{
	static uint32_t extra[1024];
	struct drm_nova_queue_create args;
	uint64_t expected = fz->lim.max_queues - (uint64_t)f->nqueues;
	uint32_t n = 0;
	int err = 0;

	if (fz->lim.max_queues > 1024 || f->tainted || !chance(fz, 10))
		return;
	while (n < 1024) {
		memset(&args, 0, sizeof(args));
		err = call(fz, f->fd, DRM_IOCTL_NOVA_QUEUE_CREATE, &args);
		fz->queue_calls++;
		if (err)
			break;
		extra[n++] = args.queue_id;
	}
	trace(fz, "QUEUE_CREATE x%u until %s", n, nova_errno_name(err));
	if (err != ENOSPC && err != ENOMEM)
		finding(fz, "QUEUE_CREATE at the limit gave %s, not ENOSPC", nova_errno_name(err));
	else if (err == ENOSPC && n != expected)
		finding(fz, "%u queues fitted next to %d, NOVA_GETPARAM_MAX_QUEUES is %" PRIu64, n,
			f->nqueues, fz->lim.max_queues);
	while (n--)
		if ((err = queue_destroy(fz, f, extra[n])))
			finding(fz, "QUEUE_DESTROY of queue %u failed: %s", extra[n],
				nova_errno_name(err));
}

static void do_queue_destroy(struct fuzz *fz, struct file *f)
{
	struct drm_nova_queue_destroy args = { 0 };
	int live, err;

	args.queue_id = pick_queue(fz, f, &live);
	/* Lost queues first: they are of no more use. */
	for (int i = 0; i < f->nqueues && chance(fz, 70); i++)
		if (f->queues[i].lost) {
			args.queue_id = f->queues[i].id;
			live = 1;
		}
	if (chance(fz, 10)) {
		fz->mutated++;
		args.pad = hostile_u32(fz);
	}
	err = call(fz, f->fd, DRM_IOCTL_NOVA_QUEUE_DESTROY, &args);
	fz->queue_calls++;
	trace(fz, "QUEUE_DESTROY id %u pad 0x%x -> %s", args.queue_id, args.pad, nova_errno_name(err));
	if (args.pad) {
		if (err != EINVAL)
			finding(fz, "QUEUE_DESTROY with pad 0x%x gave %s", args.pad, nova_errno_name(err));
		return;
	}
	if (live == 1 && err == ENOENT && f->tainted)
		forget_queue(f, args.queue_id);	/* a random QUEUE_DESTROY got it */
	else if (live == 1 && err)
		finding(fz, "QUEUE_DESTROY of live queue %u failed: %s", args.queue_id,
			nova_errno_name(err));
	else if (live == 0 && err != ENOENT)
		finding(fz, "QUEUE_DESTROY of dead or foreign queue %u gave %s, not ENOENT",
			args.queue_id, nova_errno_name(err));
	if (!err)
		forget_queue(f, args.queue_id);
}

static void do_queue_get_state(struct fuzz *fz, struct file *f)
{
	struct drm_nova_queue_get_state st = { 0 };
	struct fqueue *q;
	int live, err;

	st.queue_id = pick_queue(fz, f, &live);
	if (chance(fz, 30)) {
		/* Outputs are ignored on input. */
		st.state = hostile_u32(fz);
		st.fault_va = hostile_u64(fz);
		st.completed = hostile_u64(fz);
	}
	if (chance(fz, 10)) {
		fz->mutated++;
		if (pick(fz, 2))
			st.flags = hostile_u32(fz);
		else
			st.pad = hostile_u32(fz);
	}
	err = call(fz, f->fd, DRM_IOCTL_NOVA_QUEUE_GET_STATE, &st);
	fz->queue_calls++;
	trace(fz, "QUEUE_GET_STATE id %u flags 0x%x pad 0x%x -> %s", st.queue_id, st.flags, st.pad,
	      nova_errno_name(err));
	if (st.flags || st.pad) {
		if (err != EINVAL)
			finding(fz, "QUEUE_GET_STATE with flags 0x%x pad 0x%x gave %s", st.flags, st.pad,
				nova_errno_name(err));
		return;
	}
	if (live == 0 && err != ENOENT) {
		finding(fz, "QUEUE_GET_STATE of dead or foreign queue %u gave %s, not ENOENT",
			st.queue_id, nova_errno_name(err));
		return;
	}
	if (live != 1)
		return;
	if (err == ENOENT && f->tainted) {
		forget_queue(f, st.queue_id);
		return;
	}
	if (err) {
		finding(fz, "QUEUE_GET_STATE of live queue %u failed: %s", st.queue_id,
			nova_errno_name(err));
		return;
	}
	q = find_queue(f, st.queue_id);
	if (!f->tainted && st.submitted != q->submitted)
		finding(fz, "queue %u: submitted %" PRIu64 ", the model has %" PRIu64, q->id,
			(uint64_t)st.submitted, q->submitted);
	if (st.completed > st.submitted)
		finding(fz, "queue %u: completed %" PRIu64 " > submitted %" PRIu64, q->id,
			(uint64_t)st.completed, (uint64_t)st.submitted);
	if (st.state == NOVA_QUEUE_STATE_ACTIVE) {
		if (st.fault_type || st.fault_access || st.fault_va || st.fault_seqno)
			finding(fz, "active queue %u reports a fault (type %u seqno %" PRIu64 ")", q->id,
				st.fault_type, (uint64_t)st.fault_seqno);
		if (q->lost && f->tainted)
			/* A random QUEUE_DESTROY and QUEUE_CREATE gave its id to a new queue. */
			q->lost = false;
		else if (q->lost)
			finding(fz, "queue %u is active again after it was lost", q->id);
	} else if (st.state == NOVA_QUEUE_STATE_LOST) {
		if (!q->dirty && !f->tainted)
			finding(fz, "queue %u is lost, but no job of it could fault", q->id);
		if (st.fault_type < NOVA_FAULT_UNMAPPED || st.fault_type > NOVA_FAULT_TIMEOUT ||
		    st.fault_access > NOVA_ACCESS_EXEC || !st.fault_seqno ||
		    st.fault_seqno > st.submitted ||
		    (q->first_risky && st.fault_seqno < q->first_risky))
			finding(fz, "lost queue %u: fault type %u access %u va 0x%" PRIx64 " seqno %"
				PRIu64 " (submitted %" PRIu64 ", first risky job %" PRIu64
				", arena at 0x%" PRIx64 ")", q->id, st.fault_type, st.fault_access,
				(uint64_t)st.fault_va, (uint64_t)st.fault_seqno, (uint64_t)st.submitted,
				q->first_risky, arena_va(fz));
		if ((st.fault_type == NOVA_FAULT_TIMEOUT) != (st.fault_access == NOVA_ACCESS_NONE &&
							   st.fault_va == 0) &&
		    st.fault_type != NOVA_FAULT_INVALID_COMMAND)
			finding(fz, "lost queue %u: fault type %u with access %u va 0x%" PRIx64, q->id,
				st.fault_type, st.fault_access, (uint64_t)st.fault_va);
		q->lost = true;
	} else {
		finding(fz, "queue %u: unknown state %u", q->id, st.state);
	}
}

/* --- EXEC ---------------------------------------------------------------- */

static uint32_t new_syncobj(struct fuzz *fz, struct file *f)
{
	uint32_t handle = 0;

	fz->calls++;
	if (drmSyncobjCreate(f->fd, 0, &handle))
		return 0;
	return handle;
}

static void do_exec(struct fuzz *fz, struct file *f)
{
	static const int documented[] = { EINVAL, E2BIG, ENOENT, EIO, EFAULT, ENOMEM, 0 };
	static uint8_t cbuf[4 * 64], sbuf[(MAX_JOBS + MAX_BINDS + 4) * 64];
	struct drm_nova_exec args = { 0 };
	uint32_t cstride = 16, sstride = 16, nsync = 0, out, empty = 0;
	struct drm_nova_exec_cmdbuf cb = { 0 };
	struct drm_nova_sync sy;
	/* What the mutation allows besides success (0: none, valid call). */
	int allowed[6] = { 0 };
	bool maybe_cancelled = false, risky, mutated = false;
	uint64_t token = 0, size;
	unsigned int slot;
	struct fqueue *q;
	int expect, live, err, na = 0;

	if (!f->nqueues)
		do_queue_create(fz, f);
	if (!f->nqueues)
		return;
	if (f->njobs == MAX_JOBS)
		reap_job(fz, f);
	if (arena_ready(fz, f))
		return;
	out = new_syncobj(fz, f);
	if (!out)
		return;
	args.queue_id = pick_queue(fz, f, &live);
	q = find_queue(f, args.queue_id);

	slot = free_slot(f);
	size = build_stream(fz, f, slot, &expect, &token, &risky);
	cb.va = arena_va(fz) + slot * slot_size(fz);
	cb.size = size;
	if (chance(fz, 10))
		cstride = 16 + 8 * (uint32_t)pick(fz, 7);	/* a newer, longer element, zero tail */
	memset(cbuf, 0, sizeof(cbuf));
	args.cmdbuf_count = chance(fz, 5) ? 0 : (uint32_t)pick(fz, 2) + 1;
	if (args.cmdbuf_count > fz->lim.exec_max_cmdbufs)
		args.cmdbuf_count = (uint32_t)fz->lim.exec_max_cmdbufs;
	for (uint32_t i = 0; i < args.cmdbuf_count; i++)
		memcpy(cbuf + i * cstride, &cb, sizeof(cb));
	if (!args.cmdbuf_count) {
		expect = 1;
		token = 0;
		risky = false;
	}

	/* Signal our syncobj, maybe a timeline point; wait for earlier jobs. */
	if (cstride != 16 || chance(fz, 10))
		sstride = 16 + 8 * (uint32_t)pick(fz, 3);
	memset(sbuf, 0, sizeof(sbuf));
	sy = (struct drm_nova_sync){ .handle = out, .flags = NOVA_SYNC_SIGNAL };
	memcpy(sbuf, &sy, sizeof(sy));
	nsync = 1;
	for (int i = 0; i < f->njobs && nsync < fz->lim.exec_max_syncs && chance(fz, 25); i++) {
		struct fjob *j = &f->jobs[pick(fz, f->njobs)];

		sy = (struct drm_nova_sync){ .handle = j->syncobj, .flags = NOVA_SYNC_WAIT };
		memcpy(sbuf + nsync++ * sstride, &sy, sizeof(sy));
		maybe_cancelled |= j->expect != 1 || j->maybe_cancelled;
	}
	/* And for asynchronous binds (uAPI 5): their fences signal well. */
	for (int i = 0; i < f->nbinds && nsync < fz->lim.exec_max_syncs && chance(fz, 25); i++) {
		struct fbind *b = &f->binds[pick(fz, f->nbinds)];

		sy = (struct drm_nova_sync){ .handle = b->syncobj, .flags = NOVA_SYNC_WAIT };
		memcpy(sbuf + nsync++ * sstride, &sy, sizeof(sy));
		maybe_cancelled |= b->maybe_error;
	}
	if (f->timeline && nsync < fz->lim.exec_max_syncs && chance(fz, 20)) {
		if (f->tl_point && pick(fz, 2)) {
			sy = (struct drm_nova_sync){ .handle = f->timeline,
						     .flags = NOVA_SYNC_WAIT | NOVA_SYNC_TIMELINE,
						     .point = pick(fz, f->tl_point) + 1 };
			maybe_cancelled = true;	/* whose job that was, the model forgot */
		} else {
			sy = (struct drm_nova_sync){ .handle = f->timeline,
						     .flags = NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE,
						     .point = f->tl_point + 1 };
		}
		memcpy(sbuf + nsync++ * sstride, &sy, sizeof(sy));
	}
	args.cmdbuf_stride = cstride;
	args.cmdbufs = (uintptr_t)cbuf;
	args.sync_count = nsync;
	args.sync_stride = sstride;
	args.syncs = (uintptr_t)sbuf;
	if (chance(fz, 20))
		args.seqno = hostile_u64(fz);	/* output only */

	if (chance(fz, 35)) {
		struct drm_nova_exec_cmdbuf *c = (void *)cbuf;
		struct drm_nova_sync *s0 = (void *)(sbuf + (nsync - 1) * sstride);

		mutated = true;
		fz->mutated++;
		switch (pick(fz, 16)) {
		case 0:
			args.flags = hostile_u32(fz) | 1;
			allowed[na++] = EINVAL;
			break;
		case 1:
			args.cmdbuf_count = (uint32_t)fz->lim.exec_max_cmdbufs + 1 +
					    (uint32_t)pick(fz, 2) * 0x7fffffff;
			allowed[na++] = E2BIG;
			break;
		case 2:
			args.sync_count = (uint32_t)fz->lim.exec_max_syncs + 1 +
					  (uint32_t)pick(fz, 2) * 0x7fffffff;
			allowed[na++] = E2BIG;
			break;
		case 3:
			if (!args.cmdbuf_count)
				args.cmdbuf_count = 1;
			args.cmdbuf_stride = (uint32_t)pick(fz, 16);
			allowed[na++] = EINVAL;
			break;
		case 4:
			args.sync_stride = (uint32_t)pick(fz, 16);
			allowed[na++] = EINVAL;
			break;
		case 5:
			/* A non-zero byte past the known element. */
			if (sstride > 16) {
				sbuf[16 + pick(fz, sstride - 16)] = 1;
			} else {
				args.sync_stride = 24;
				memset(sbuf, 0, sizeof(sbuf));
				memcpy(sbuf, &(struct drm_nova_sync){ .handle = out,
						.flags = NOVA_SYNC_SIGNAL }, 16);
				sbuf[16 + pick(fz, 8)] = 0x80;
				args.sync_count = 1;
			}
			allowed[na++] = EINVAL;
			break;
		case 6:
			/* Command buffers: empty, not a multiple of 8, unaligned, wrapping. */
			args.cmdbuf_count = args.cmdbuf_count ?: 1;
			memcpy(cbuf, &cb, sizeof(cb));
			switch (pick(fz, 4)) {
			case 0: c->size = 0; break;
			case 1: c->size = cb.size + 1 + pick(fz, 7); break;
			case 2: c->va = cb.va + 1 + pick(fz, 7); break;
			default: c->va = ~0ull - 7; c->size = 16; break;
			}
			allowed[na++] = EINVAL;
			break;
		case 7:
			args.cmdbuf_count = args.cmdbuf_count ?: 1;
			memcpy(cbuf, &cb, sizeof(cb));
			c->size = (fz->lim.max_cmdbuf_size + 8) & ~7ull;
			if (pick(fz, 2))
				c->size = ~0ull & ~7ull;
			allowed[na++] = E2BIG;
			allowed[na++] = EINVAL;	/* a huge size also wraps */
			break;
		case 8:
			/* Exactly one of WAIT and SIGNAL, known flags only. */
			s0->flags = pick(fz, 3) ? (NOVA_SYNC_WAIT | NOVA_SYNC_SIGNAL) :
				    (pick(fz, 2) ? 0 : (hostile_u32(fz) & ~NOVA_SYNC_FLAGS) | 1u << 9);
			allowed[na++] = EINVAL;
			break;
		case 9:
			/* A point without TIMELINE, or TIMELINE without a point. */
			if (s0->flags & NOVA_SYNC_TIMELINE)
				s0->point = 0;
			else
				s0->point = hostile_u64(fz) | 1;
			allowed[na++] = EINVAL;
			break;
		case 10:
			/* A wait for a syncobj that holds no fence. */
			empty = new_syncobj(fz, f);
			s0->handle = empty;
			s0->flags = NOVA_SYNC_WAIT;
			s0->point = 0;
			allowed[na++] = EINVAL;
			break;
		case 11: {
			/* A syncobj handle of nobody (or another file's). */
			s0->handle = pick(fz, 2) ? hostile_u32(fz) | 0x40000000u : 0;
			allowed[na++] = ENOENT;
			allowed[na++] = EINVAL;	/* a WAIT's lookup says either */
			break;
		}
		case 12:
			args.cmdbuf_count = args.cmdbuf_count ?: 1;
			args.cmdbufs = pick(fz, 2) ? bad_pointer(fz) :
				       (uintptr_t)fz->guard - args.cmdbuf_stride + 8;
			allowed[na++] = EFAULT;
			break;
		case 13:
			args.syncs = pick(fz, 2) ? bad_pointer(fz) :
				     (uintptr_t)fz->guard - args.sync_stride + 8;
			allowed[na++] = EFAULT;
			break;
		case 14:
			/* A queue nobody has. */
			args.queue_id = pick(fz, 2) ? 0 : hostile_u32(fz) | 0x40000000u;
			live = find_queue(f, args.queue_id) ? 1 : f->tainted ? -1 : 0;
			q = find_queue(f, args.queue_id);
			if (live != 1)
				allowed[na++] = ENOENT;
			else
				mutated = false;
			break;
		default:
			/* A timeline wait for a point nobody submitted. */
			if (!f->timeline) {
				allowed[na++] = ENOENT;
				s0->handle = 0;
				break;
			}
			s0->handle = f->timeline;
			s0->flags = NOVA_SYNC_WAIT | NOVA_SYNC_TIMELINE;
			s0->point = f->tl_point + 1 + pick(fz, 1000);
			allowed[na++] = EINVAL;
			break;
		}
	}
	if (live == 0) {
		/* The queue's lookup may come before anything else. */
		mutated = true;
		allowed[na++] = ENOENT;
	}
	if (q && (q->lost || q->dirty))
		allowed[na++] = EIO;	/* the lost check may come first */

	err = call(fz, f->fd, DRM_IOCTL_NOVA_EXEC, &args);
	fz->exec_calls++;
	trace(fz, "EXEC fd %d queue %u va 0x%" PRIx64 " bufs %u/%u syncs %u/%u flags 0x%x%s -> %s seqno %"
	      PRIu64 " (expect %d)", f->fd, args.queue_id, cb.va, args.cmdbuf_count, args.cmdbuf_stride,
	      args.sync_count,
	      args.sync_stride, args.flags, mutated ? " (mutated)" : "", nova_errno_name(err),
	      err ? 0 : (uint64_t)args.seqno, expect);
	if (empty)
		drmSyncobjDestroy(f->fd, empty);
	if (!errno_in(err, documented)) {
		finding(fz, "EXEC: undocumented %s", nova_errno_name(err));
	} else if (err) {
		bool ok = err == ENOMEM || (f->tainted && (err == ENOENT || err == EIO));

		for (int i = 0; i < na; i++)
			ok |= err == allowed[i];
		if (!ok)
			finding(fz, "%sEXEC on queue %u%s gave %s", mutated ? "mutated " : "valid ",
				args.queue_id, q && q->lost ? " (lost)" : "", nova_errno_name(err));
		if (err == EIO && q)
			q->lost = true;
	} else if (mutated && live != -1) {
		finding(fz, "mutated EXEC (expected %s) succeeded", nova_errno_name(allowed[0]));
	} else if (q && q->lost && !f->tainted) {
		finding(fz, "EXEC on lost queue %u succeeded", q->id);
	}
	if (err || !q || f->njobs == MAX_JOBS) {
		drmSyncobjDestroy(f->fd, out);
		return;
	}
	if (!f->tainted && args.seqno != q->submitted + 1)
		finding(fz, "EXEC on queue %u returned seqno %" PRIu64 " after %" PRIu64, q->id,
			(uint64_t)args.seqno, q->submitted);
	q->submitted = args.seqno;
	if (risky && !q->first_risky)
		q->first_risky = args.seqno;
	if (f->tainted)
		expect = 0;
	f->jobs[f->njobs++] = (struct fjob){
		.syncobj = out, .queue = q->id, .seqno = args.seqno, .expect = expect,
		.token = token, .slot = slot,
		.maybe_cancelled = maybe_cancelled || q->dirty,
		.epoch = f->arena_epoch,
	};
	if (risky)
		q->dirty = true;
	if (nsync && ((struct drm_nova_sync *)(sbuf + (nsync - 1) * sstride))->flags ==
		     (NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE))
		f->tl_point++;
	fz->exec_jobs++;
}

/* --- VM_BIND ops -------------------------------------------------------- */

static void valid_op(struct fuzz *fz, struct file *f, struct drm_nova_vm_bind_op *op)
{
	const uint64_t page = fz->lim.page;
	uint64_t va = fz->lim.va_start + pick(fz, VA_WINDOW_PAGES) * page;

	memset(op, 0, sizeof(*op));
	if (f->nobjs && chance(fz, 70)) {
		const struct obj *o = &f->objs[pick(fz, f->nobjs)];
		uint64_t pages = o->size / page;
		uint64_t first = pick(fz, pages);

		op->op = NOVA_VM_BIND_OP_MAP;
		op->handle = o->handle;
		op->bo_offset = first * page;
		op->range = (pick(fz, pages - first) + 1) * page;
		op->flags = (uint32_t)pick(fz, NOVA_VM_BIND_MAP_FLAGS + 1);
	} else {
		op->op = NOVA_VM_BIND_OP_UNMAP;
		op->range = (pick(fz, VA_WINDOW_PAGES) + 1) * page;
		if (chance(fz, 5)) { /* everything */
			va = fz->lim.va_start;
			op->range = fz->lim.va_end - fz->lim.va_start;
		}
	}
	op->va = va;
}

static void mutate_op(struct fuzz *fz, struct file *f, struct drm_nova_vm_bind_op *op)
{
	int live;

	switch (pick(fz, 9)) {
	case 0:
		op->op = pick(fz, 2) ? hostile_u32(fz) : 2;
		break;
	case 1:
		op->flags = hostile_u32(fz);
		break;
	case 2:
		op->handle = pick_handle(fz, f, &live);
		if (live == 1 && op->op == NOVA_VM_BIND_OP_MAP)
			op->handle = 0x7fffffff;
		break;
	case 3:
		op->pad = hostile_u32(fz);
		break;
	case 4:
		op->bo_offset = hostile_u64(fz);
		break;
	case 5:
		op->va = hostile_u64(fz);
		break;
	case 6:
		op->range = hostile_u64(fz);
		break;
	case 7:
		/* Overflowing sums: va + range and bo_offset + range wrap. */
		op->range = ~0ull - op->va + 1 + fz->lim.page * (pick(fz, 2) + 1);
		break;
	default:
		/* Unaligned by a little. */
		if (pick(fz, 2))
			op->va += 1 + pick(fz, fz->lim.page - 1);
		else
			op->range += 1 + pick(fz, fz->lim.page - 1);
		break;
	}
}

/* --- asynchronous VM_BIND (uAPI version 5) ------------------------------- */

/* How long any fence of @f may take: the watchdog bounds each job ahead. */
static int64_t fence_deadline(const struct fuzz *fz)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec +
	       (int64_t)(fz->lim.job_timeout_ms * (MAX_JOBS + 1) + 10000) * 1000000;
}

/*
 * Waits for the oldest asynchronous bind of @f and checks how its fence
 * ended: well, since nothing the fuzzer queues reaches the mapping limit;
 * an error only when it waited for a fence that may carry one.
 */
static void reap_bind(struct fuzz *fz, struct file *f)
{
	static const int ok[] = { EFAULT, EACCES, EILSEQ, ETIMEDOUT, ECANCELED, ESRCH, 0 };
	struct fbind bind = f->binds[0];
	int status, sync_file = -1;

	if (!f->nbinds)
		return;
	memmove(&f->binds[0], &f->binds[1], sizeof(f->binds[0]) * (size_t)--f->nbinds);
	fz->calls++;
	if (drmSyncobjWait(f->fd, &bind.syncobj, 1, fence_deadline(fz), 0, NULL)) {
		finding(fz, "an asynchronous bind did not take effect (%s)", nova_errno_name(errno));
		goto out;
	}
	if (drmSyncobjExportSyncFile(f->fd, bind.syncobj, &sync_file)) {
		finding(fz, "sync_file export of a bind's syncobj failed: %s", nova_errno_name(errno));
		goto out;
	}
	status = sync_file_status(sync_file);
	close(sync_file);
	fz->bind_status[status == 1 ? 0 : status < 0 && -status < 160 ? -status : 1]++;
	fz->binds_reaped++;
	trace(fz, "reap bind: status %d%s", status, bind.maybe_error ? " (may fail)" : "");
	if (status != 1 && !(bind.maybe_error && status < 0 && errno_in(-status, ok)) &&
	    !(fz->tight_mappings && status == -ENOSPC))
		finding(fz, "an asynchronous bind ended with %d (%s)", status,
			status < 0 ? nova_errno_name(-status) : "not signalled");
out:
	drmSyncobjDestroy(f->fd, bind.syncobj);
}

static struct usync *find_usync(struct file *f, uint32_t handle)
{
	for (int i = 0; i < f->nusyncs; i++)
		if (f->usyncs[i].handle == handle)
			return &f->usyncs[i];
	return NULL;
}

/*
 * The fuzzer's own syncobjs, which binds wait for and signal: created (with
 * or without a fence), signalled and reset from userspace, destroyed (also
 * while a pending bind will signal it); and points of the file's timeline
 * signalled from userspace, between those jobs and binds add.
 */
static void do_syncobj(struct fuzz *fz, struct file *f)
{
	struct usync *u = f->nusyncs ? &f->usyncs[pick(fz, f->nusyncs)] : NULL;
	const char *what;
	uint64_t point;
	int err = 0;

	fz->syncobj_calls++;
	fz->calls++;
	switch (pick(fz, 5)) {
	case 0:
		if (f->nusyncs == MAX_USYNCS)
			return;
		u = &f->usyncs[f->nusyncs];
		u->fence = chance(fz, 50);
		what = "create";
		if (drmSyncobjCreate(f->fd, u->fence ? DRM_SYNCOBJ_CREATE_SIGNALED : 0, &u->handle))
			err = errno;
		else
			f->nusyncs++;
		break;
	case 1:
		if (!u)
			return;
		what = "signal";
		if (drmSyncobjSignal(f->fd, &u->handle, 1))
			err = errno;
		else
			u->fence = true;
		break;
	case 2:
		if (!u)
			return;
		what = "reset";
		if (drmSyncobjReset(f->fd, &u->handle, 1))
			err = errno;
		else
			u->fence = false;
		break;
	case 3:
		if (!u)
			return;
		what = "destroy";
		if (drmSyncobjDestroy(f->fd, u->handle))
			err = errno;
		else
			*u = f->usyncs[--f->nusyncs];
		break;
	default:
		if (!f->timeline)
			return;
		what = "timeline-signal";
		point = f->tl_point + 1;
		if (drmSyncobjTimelineSignal(f->fd, &f->timeline, &point, 1))
			err = errno;
		else
			f->tl_point = point;
		break;
	}
	trace(fz, "syncobj %s -> %s", what, nova_errno_name(err));
	if (err && err != ENOMEM)
		finding(fz, "syncobj %s failed: %s", what, nova_errno_name(err));
}

/* A job or a bind, the oldest of its kind. */
static void do_reap(struct fuzz *fz, struct file *f)
{
	if (f->nbinds && (!f->njobs || chance(fz, 50)))
		reap_bind(fz, f);
	else
		reap_job(fz, f);
}

/* What the sync elements of one bind built below stand for. */
struct bind_syncs {
	uint8_t buf[(MAX_BIND_SYNCS + 2) * 40];
	uint32_t count, stride;
	uint32_t out;		/* a fresh syncobj it signals, 0: none */
	uint32_t usync_signal;	/* one of the fuzzer's own it signals, 0: none */
	bool timeline_signal;	/* it signals the timeline's next point */
	bool maybe_error;	/* it waits for a fence that may carry an error */
};

static void add_sync(struct bind_syncs *bs, uint32_t handle, uint32_t flags, uint64_t point)
{
	struct drm_nova_sync sy = { .handle = handle, .flags = flags, .point = point };

	memcpy(bs->buf + (size_t)bs->count++ * bs->stride, &sy, sizeof(sy));
}

/*
 * Valid sync elements for an asynchronous bind of @f, at a random stride:
 * waits for jobs, binds, timeline points and the fuzzer's syncobjs that
 * hold a fence; a signal of a fresh syncobj (the bind's, to reap), maybe of
 * one of the fuzzer's own and of the timeline's next point.
 */
static void build_bind_syncs(struct fuzz *fz, struct file *f, struct bind_syncs *bs)
{
	uint32_t max = fz->lim.exec_max_syncs < MAX_BIND_SYNCS ? (uint32_t)fz->lim.exec_max_syncs :
			MAX_BIND_SYNCS;
	uint32_t waits = (uint32_t)pick(fz, 4);

	memset(bs, 0, sizeof(*bs));
	bs->stride = chance(fz, 25) ? 16 + 8 * (uint32_t)pick(fz, 4) : 16;
	if (f->nbinds < MAX_BINDS && chance(fz, 75)) {
		bs->out = new_syncobj(fz, f);
		if (bs->out)
			add_sync(bs, bs->out, NOVA_SYNC_SIGNAL, 0);
	}
	while (waits-- && bs->count < max) {
		switch (pick(fz, 4)) {
		case 0:
			if (f->njobs) {
				struct fjob *j = &f->jobs[pick(fz, f->njobs)];

				add_sync(bs, j->syncobj, NOVA_SYNC_WAIT, 0);
				bs->maybe_error |= j->expect != 1 || j->maybe_cancelled ||
						   j->epoch != f->arena_epoch;
			}
			break;
		case 1:
			if (f->nbinds) {
				struct fbind *b = &f->binds[pick(fz, f->nbinds)];

				add_sync(bs, b->syncobj, NOVA_SYNC_WAIT, 0);
				bs->maybe_error |= b->maybe_error;
			}
			break;
		case 2:
			if (f->timeline && f->tl_point) {
				add_sync(bs, f->timeline, NOVA_SYNC_WAIT | NOVA_SYNC_TIMELINE,
					 pick(fz, f->tl_point) + 1);
				bs->maybe_error = true;	/* whose point it was, the model forgot */
			}
			break;
		default: {
			int start = (int)pick(fz, MAX_USYNCS);

			for (int i = 0; i < f->nusyncs; i++) {
				struct usync *u = &f->usyncs[(i + start) % f->nusyncs];

				if (u->fence) {
					add_sync(bs, u->handle, NOVA_SYNC_WAIT, 0);
					/* A bind's fence may be in it now. */
					bs->maybe_error = true;
					break;
				}
			}
			break;
		}
		}
	}
	if (f->nusyncs && bs->count < max && chance(fz, 20)) {
		bs->usync_signal = f->usyncs[pick(fz, f->nusyncs)].handle;
		add_sync(bs, bs->usync_signal, NOVA_SYNC_SIGNAL, 0);
	}
	if (f->timeline && bs->count < max && chance(fz, 20)) {
		bs->timeline_signal = true;
		add_sync(bs, f->timeline, NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE, f->tl_point + 1);
	}
}

/* After an asynchronous bind succeeded: what its signals mean to the model. */
static void bind_queued(struct fuzz *fz, struct file *f, const struct bind_syncs *bs)
{
	struct usync *u = bs->usync_signal ? find_usync(f, bs->usync_signal) : NULL;

	fz->async_ok++;
	if (u)
		u->fence = true;
	if (bs->timeline_signal)
		f->tl_point++;
	if (bs->out) {
		if (f->nbinds == MAX_BINDS)
			reap_bind(fz, f);
		f->binds[f->nbinds++] = (struct fbind){ bs->out, bs->maybe_error };
	}
}

/*
 * Damages one sync element or the sync header of an asynchronous bind.
 * Returns the errno the call must fail with; *alt is another it may give
 * (0: none). The operations stay valid, so @failed_op must be NO_OP.
 */
static int mutate_bind_syncs(struct fuzz *fz, struct file *f, struct drm_nova_vm_bind *args,
			     struct bind_syncs *bs, uint32_t *empty, int *alt)
{
	struct drm_nova_sync *s0;

	*alt = 0;
	if (!bs->count) {
		add_sync(bs, f->timeline ? f->timeline : 1, NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE,
			 f->tl_point + 1);
		bs->timeline_signal = !!f->timeline;
		args->sync_count = bs->count;
		args->sync_stride = bs->stride;	/* it may have been junk while unused */
	}
	s0 = (struct drm_nova_sync *)(bs->buf + (size_t)pick(fz, bs->count) * bs->stride);
	switch (pick(fz, 12)) {
	case 0:
		/* Sync elements without ASYNC. */
		args->flags &= ~NOVA_VM_BIND_ASYNC;
		return EINVAL;
	case 1:
		args->sync_count = (uint32_t)fz->lim.exec_max_syncs + 1 +
				   (uint32_t)pick(fz, 2) * 0x7fffffff;
		return E2BIG;
	case 2:
		args->sync_stride = (uint32_t)pick(fz, 16);
		return EINVAL;
	case 3:
		/* A non-zero byte past the element this kernel knows. */
		if (bs->stride == 16)
			return mutate_bind_syncs(fz, f, args, bs, empty, alt);
		bs->buf[(size_t)pick(fz, bs->count) * bs->stride + 16 + pick(fz, bs->stride - 16)] = 0x5a;
		return EINVAL;
	case 4:
		s0->flags = pick(fz, 3) ? (NOVA_SYNC_WAIT | NOVA_SYNC_SIGNAL) :
			    (pick(fz, 2) ? 0 : (hostile_u32(fz) & ~NOVA_SYNC_FLAGS) | 1u << 9);
		return EINVAL;
	case 5:
		if (s0->flags & NOVA_SYNC_TIMELINE)
			s0->point = 0;
		else
			s0->point = hostile_u64(fz) | 1;
		return EINVAL;
	case 6:
		/* A wait for a syncobj without a fence. */
		for (int i = 0; i < f->nusyncs; i++)
			if (!f->usyncs[i].fence)
				*empty = f->usyncs[i].handle;
		if (!*empty) {
			*empty = new_syncobj(fz, f);
			if (!*empty)
				return mutate_bind_syncs(fz, f, args, bs, empty, alt);
			s0->handle = *empty;
		} else {
			s0->handle = *empty;
			*empty = 0;	/* the fuzzer's own: not destroyed after */
		}
		s0->flags = NOVA_SYNC_WAIT;
		s0->point = 0;
		return EINVAL;
	case 7:
		/* A handle of nobody. */
		s0->handle = pick(fz, 2) ? hostile_u32(fz) | 0x40000000u : 0;
		*alt = EINVAL;	/* a WAIT's lookup says either */
		return ENOENT;
	case 8:
		args->syncs = pick(fz, 2) ? bad_pointer(fz) :
			      (uintptr_t)fz->guard - args->sync_stride + 8;
		return EFAULT;
	case 9:
		/* A timeline point nobody submitted. */
		if (!f->timeline)
			return mutate_bind_syncs(fz, f, args, bs, empty, alt);
		s0->handle = f->timeline;
		s0->flags = NOVA_SYNC_WAIT | NOVA_SYNC_TIMELINE;
		s0->point = f->tl_point + 1 + pick(fz, 1000);
		return EINVAL;
	case 10:
		args->pad = hostile_u32(fz) | 1;
		return EINVAL;
	default:
		args->flags |= (hostile_u32(fz) & ~NOVA_VM_BIND_FLAGS) | 1u << (1 + pick(fz, 31));
		return EINVAL;
	}
}

/*
 * The old request: a client built before uAPI version 5 passes 24 bytes
 * with DRM_IOW. The kernel must read the fields it was not passed as zero,
 * whatever the caller's memory holds past them.
 */

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * The bind queue full (uAPI 5): behind the plug, as many SYNC_ONLY binds as
 * a queue may hold pending (NOVA_GETPARAM_QUEUE_MAX_JOBS) are queued at
 * once; one more must wait for room, interruptibly (EINTR when a signal
 * comes, as a timer's does here), and go through once the plug's job is
 * ended by the watchdog.
 */
static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void fill_bind_queue(struct fuzz *fz, struct file *f, const struct timespec *plugged)
{
	struct drm_nova_vm_bind_op op = { .op = NOVA_VM_BIND_OP_SYNC_ONLY };
	struct drm_nova_vm_bind args = {
		.flags = NOVA_VM_BIND_ASYNC, .op_count = 1, .op_stride = sizeof(op),
		.ops = (uintptr_t)&op,
	};
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval timer = { .it_value = { .tv_usec = 200000 } };
	uint64_t n = 0;
	int err = 0;

	/* The first call may queue behind binds left by earlier actions. */
	while (n < fz->lim.queue_max_jobs - 1 && !err) {
		err = call(fz, f->fd, DRM_IOCTL_NOVA_VM_BIND, &args);
		n++;
	}
	if (err) {
		finding(fz, "SYNC_ONLY bind %" PRIu64 " behind the plug failed: %s", n,
			nova_errno_name(err));
		return;
	}
	/* Some of the earlier binds may be pending still: fill up to the limit. */
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &timer, NULL);
	for (int i = 0; i < 64; i++) {
		fz->calls++;
		if (ioctl(f->fd, DRM_IOCTL_NOVA_VM_BIND, &args)) {
			err = errno;
			break;
		}
	}
	memset(&timer, 0, sizeof(timer));
	setitimer(ITIMER_REAL, &timer, NULL);
	sigaction(SIGALRM, &old, NULL);
	trace(fz, "bind queue filled: %" PRIu64 " binds, then %s", n, nova_errno_name(err));
	/* Unless the watchdog ended the plug meanwhile (TCG is slow). */
	if (err != EINTR && (err || ms_since(plugged) < (double)fz->lim.job_timeout_ms / 2))
		finding(fz, "an asynchronous bind beyond a full bind queue gave %s, not EINTR",
			nova_errno_name(err));
	fz->full_queues++;
}

/*
 * Leaves asynchronous binds pending on @f, which is about to close (uAPI
 * 5): behind a job that waits for a semaphore nobody writes (only the
 * close, or the watchdog, ends it), binds that wait for that job, and more
 * queued behind them. Returns whether it did; then *@job_fence is a
 * sync_file of the job's fence (or -1) and *@plugged when it was queued.
 */
static bool plug_binds(struct fuzz *fz, struct file *f, int *job_fence, struct timespec *plugged)
{
	struct drm_nova_exec_cmdbuf cb;
	struct drm_nova_sync sy;
	struct drm_nova_exec exec = { 0 };
	uint32_t plug, n = (uint32_t)pick(fz, 4) + 1;
	struct fqueue *q;
	unsigned int slot;
	uint64_t *cmd;
	int err;

	if (fz->lim.uapi_version < 5 || !f->nqueues || arena_ready(fz, f))
		return false;
	plug = new_syncobj(fz, f);
	if (!plug)
		return false;
	slot = free_slot(f);
	cmd = (uint64_t *)(f->arena_map + slot * slot_size(fz));
	cmd[0] = NOVA_CMD_HEADER(NOVA_CMD_WAIT, NOVA_CMD_WAIT_64BIT | NOVA_CMD_WAIT_EQUAL, 0);
	cmd[1] = arena_va(fz) + token_offset(fz, ARENA_SLOTS);
	cmd[2] = ~0ull;
	cb = (struct drm_nova_exec_cmdbuf){ arena_va(fz) + slot * slot_size(fz), 24 };
	sy = (struct drm_nova_sync){ .handle = plug, .flags = NOVA_SYNC_SIGNAL };
	q = &f->queues[pick(fz, f->nqueues)];
	exec.queue_id = q->id;
	exec.cmdbuf_count = 1;
	exec.cmdbuf_stride = sizeof(cb);
	exec.cmdbufs = (uintptr_t)&cb;
	exec.sync_count = 1;
	exec.sync_stride = sizeof(sy);
	exec.syncs = (uintptr_t)&sy;
	/* A lost queue says EIO: do_exec() checks that; no plug then. */
	clock_gettime(CLOCK_MONOTONIC, plugged);
	if (call(fz, f->fd, DRM_IOCTL_NOVA_EXEC, &exec))
		return false;
	/* The fence outlives the file: how the job ended, seen after the close. */
	fz->calls++;
	if (drmSyncobjExportSyncFile(f->fd, plug, job_fence)) {
		finding(fz, "sync_file export of a job's syncobj failed: %s", nova_errno_name(errno));
		*job_fence = -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint8_t ops[3 * sizeof(struct drm_nova_vm_bind_op)];
		uint32_t count = (uint32_t)pick(fz, 3) + 1, out = 0, nsync = 0;
		struct drm_nova_sync syncs[2];
		struct drm_nova_vm_bind args = { .flags = NOVA_VM_BIND_ASYNC };

		for (uint32_t k = 0; k < count; k++)
			valid_op(fz, f, (struct drm_nova_vm_bind_op *)(ops + k * sizeof(struct drm_nova_vm_bind_op)));
		if (!i || chance(fz, 30))
			syncs[nsync++] = (struct drm_nova_sync){ .handle = plug, .flags = NOVA_SYNC_WAIT };
		if (chance(fz, 50) && (out = new_syncobj(fz, f)))
			syncs[nsync++] = (struct drm_nova_sync){ .handle = out, .flags = NOVA_SYNC_SIGNAL };
		args.op_count = count;
		args.op_stride = sizeof(struct drm_nova_vm_bind_op);
		args.ops = (uintptr_t)ops;
		args.sync_count = nsync;
		args.sync_stride = sizeof(struct drm_nova_sync);
		args.syncs = (uintptr_t)syncs;
		fz->async_binds++;
		err = call(fz, f->fd, DRM_IOCTL_NOVA_VM_BIND, &args);
		trace(fz, "VM_BIND async behind the plug, %u ops, %u syncs -> %s", count, nsync,
		      nova_errno_name(err));
		if (err && err != ENOMEM && !(f->tainted && err == ENOENT))
			finding(fz, "asynchronous VM_BIND behind a running job failed: %s",
				nova_errno_name(err));
		if (!err) {
			fz->async_ok++;
			fz->binds_dropped++;
		}
		/* The syncobj that gets its fence goes with the file. */
	}
	/* Rare: it costs 200 ms, and the plug is gone for the binds behind. */
	if (chance(fz, 5) && fz->lim.queue_max_jobs && !q->dirty && !q->lost && !f->tainted)
		fill_bind_queue(fz, f, plugged);
	fz->plugged_closes++;
	return true;
}

static void do_close_file(struct fuzz *fz)
{
	struct file *f = any_file(fz);
	struct timespec plugged, t0;
	int job_fence = -1, before, after;
	uint64_t gen;
	double begun;

	/* Keep at least one file most of the time: most actions need one. */
	if (!f || !(chance(fz, 30) || fz->files[(f - fz->files + 1) % MAX_FILES].fd >= 0))
		return;
	fz->cur = f;
	if (!chance(fz, 40) || !plug_binds(fz, f, &job_fence, &plugged)) {
		close_file(fz, f);
		return;
	}
	before = job_fence >= 0 ? sync_file_status(job_fence) : 1;
	gen = f->gen;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	begun = ms_since(&plugged);
	close_file(fz, f);
	if (job_fence < 0)
		return;
	/*
	 * A close that releases the file stops its queues' jobs and waits for
	 * them (QUEUE_DESTROY's contract): the job's fence has signalled, with
	 * the close's error (ECANCELED), or ESRCH if it never started. A job
	 * still running means the file lives on (a CPU mapping of an object,
	 * or a dup, holds it): nothing to judge. ETIMEDOUT is the watchdog's:
	 * a finding when the job was still running as the close began, with at
	 * least half the watchdog's time left (a TCG guest starved for that
	 * long inside the close would be needed to make it honest). How long
	 * the close took is no criterion: a KASAN guest on a busy host can take
	 * seconds over a close that did stop the job. A sibling job's unplug
	 * (--jobs) may have ended it first, with ENODEV.
	 */
	after = sync_file_status(job_fence);
	close(job_fence);
	if (!after)
		return;
	fz->plugged_releases++;
	if (after == -ETIMEDOUT && !before && begun < (double)fz->lim.job_timeout_ms / 2)
		finding(fz, "closing a file with binds pending behind a running job waited for the watchdog (ETIMEDOUT; the close began %.0f ms after the job, %.0f ms ago)",
			begun, ms_since(&t0));
	else if (after < 0 && after != -ECANCELED && after != -ESRCH && after != -ETIMEDOUT &&
		 !(after == -ENODEV && gen_now(fz) != gen))
		finding(fz, "a running job of a closed file ended with %s", nova_errno_name(-after));
}

static void do_vm_bind(struct fuzz *fz, struct file *f)
{
	static const int documented[] = { EINVAL, E2BIG, ENOENT, EFAULT, ENOMEM, ENOSPC, 0 };
	/* Room for MAX_OPS_BUILT ops at the largest stride built below. */
	static uint8_t buf[MAX_OPS_BUILT * 128];
	static struct bind_syncs bs;
	struct drm_nova_vm_bind args = { 0 };
	uint32_t count = (uint32_t)pick(fz, MAX_OPS_BUILT) + 1;
	uint32_t stride = sizeof(struct drm_nova_vm_bind_op);
	bool v5 = fz->lim.uapi_version >= 5;
	bool async = v5 && chance(fz, 40), old = false;
	/* -2: not checked; -1: NOVA_VM_BIND_NO_OP; else the failing op's index. */
	int64_t expect_failed = -2;
	int sync_err = 0, sync_alt = 0;
	uint32_t empty = 0;
	bool mutated = false;
	uint8_t *ops = buf;
	unsigned long request = DRM_IOCTL_NOVA_VM_BIND;
	int err;

	if (chance(fz, 10))
		stride = 48 + 8 * (uint32_t)pick(fz, 11); /* a newer, longer op with zero tail */
	memset(buf, 0, sizeof(buf));
	for (uint32_t i = 0; i < count; i++) {
		struct drm_nova_vm_bind_op *op = (struct drm_nova_vm_bind_op *)(buf + i * stride);

		if (v5 && chance(fz, 8)) {
			op->op = NOVA_VM_BIND_OP_SYNC_ONLY;	/* every other field zero */
			fz->sync_only_ops++;
		} else {
			valid_op(fz, f, op);
		}
	}
	args.op_count = async && chance(fz, 5) ? 0 : count;	/* only waits and signals */
	args.op_stride = stride;
	args.failed_op = hostile_u32(fz);	/* output only */
	if (async) {
		fz->async_binds++;
		build_bind_syncs(fz, f, &bs);
		args.flags = NOVA_VM_BIND_ASYNC;
		args.sync_count = bs.count;
		args.sync_stride = bs.stride;
		args.syncs = (uintptr_t)bs.buf;
		if (!bs.count && chance(fz, 50))
			args.sync_stride = hostile_u32(fz);	/* not looked at */
	} else if (v5 && chance(fz, 5)) {
		/* An old client: what it does not pass must not matter. */
		old = true;
		request = DRM_IOCTL_NOVA_VM_BIND_V2;
		args.sync_count = hostile_u32(fz);
		args.sync_stride = hostile_u32(fz);
		args.syncs = bad_pointer(fz);
		args.pad = hostile_u32(fz);
		fz->old_binds++;
	}

	if (async && chance(fz, 25)) {
		mutated = true;
		sync_err = mutate_bind_syncs(fz, f, &args, &bs, &empty, &sync_alt);
		/* On a tainted file a valid op's handle may be gone. */
		expect_failed = f->tainted ? -2 : -1;
	} else if (chance(fz, 35)) {
		mutated = true;
		switch (pick(fz, 10)) {
		case 0:
		case 1:
		case 2:
		case 3: {
			uint32_t n = (uint32_t)pick(fz, 2) + 1;
			uint32_t at = (uint32_t)pick(fz, count);

			expect_failed = n == 1 && !f->tainted && args.op_count ? (int64_t)at : -2;
			while (n--) {
				mutate_op(fz, f, (struct drm_nova_vm_bind_op *)(buf + at * stride));
				at = (uint32_t)pick(fz, count);
			}
			break;
		}
		case 4:
			if (pick(fz, 2))
				args.vm_id = hostile_u32(fz) | 1;
			else
				args.flags = (hostile_u32(fz) & ~NOVA_VM_BIND_FLAGS) | 1u << (1 + pick(fz, 31));
			expect_failed = -1;
			break;
		case 5: {
			/* Stride smaller than the element, or a tail that is not zero. */
			static const uint32_t strides[] = { 0, 1, 8, 32, 39, 41, 44 };

			if (stride > sizeof(struct drm_nova_vm_bind_op) && pick(fz, 2)) {
				buf[sizeof(struct drm_nova_vm_bind_op) + pick(fz, stride - 40)] = 1;
				expect_failed = args.op_count ? 0 : -1;
			} else {
				args.op_stride = strides[pick(fz, 7)];
			}
			break;
		}
		case 6:
			/* Huge counts, and counts past the array (reads the guard). */
			args.op_count = pick(fz, 2) ? hostile_u32(fz) : (uint32_t)fz->lim.max_ops + 1;
			break;
		case 7:
			args.op_stride = hostile_u32(fz);
			break;
		case 8:
			/* The array ends on the guard page: the last op cannot be read. */
			ops = fz->guard - (size_t)count * stride + pick(fz, stride) + 1;
			memmove(ops, buf, (size_t)(fz->guard - ops));
			break;
		default:
			args.ops = bad_pointer(fz);
			break;
		}
	}
	if (!args.ops)
		args.ops = (uintptr_t)ops;
	if (mutated && !sync_err && args.ops == (uintptr_t)ops && chance(fz, 10)) {
		args.ops = 0; /* NULL with a count */
		expect_failed = -2;
	}
	if (mutated)
		fz->mutated++;
	err = call(fz, f->fd, request, &args);
	if (!err && args.ops == (uintptr_t)ops && args.op_stride >= sizeof(struct drm_nova_vm_bind_op))
		arena_check_bind(fz, f, ops, args.op_count, args.op_stride);
	trace(fz, "VM_BIND%s flags 0x%x count %u stride %u ops 0x%" PRIx64 " syncs %u/%u%s -> %s failed_op %u",
	      old ? " (old request)" : "", args.flags, args.op_count, args.op_stride, (uint64_t)args.ops,
	      args.sync_count, args.sync_stride, mutated ? " (mutated)" : "", nova_errno_name(err),
	      args.failed_op);
	if (empty)
		drmSyncobjDestroy(f->fd, empty);
	if (async && !err && !sync_err)
		bind_queued(fz, f, &bs);
	else if (bs.out && async)
		drmSyncobjDestroy(f->fd, bs.out);
	if (async)
		bs.out = 0;
	if (!errno_in(err, documented) || (err == ENOSPC && (async || !fz->tight_mappings)))
		finding(fz, "VM_BIND%s: undocumented %s", async ? " (async)" : "", nova_errno_name(err));
	else if (!mutated && err && err != ENOMEM && !(err == ENOSPC && fz->tight_mappings))
		finding(fz, "valid VM_BIND%s of %u ops (stride %u, %u syncs) failed: %s",
			async ? " (async)" : old ? " (old request)" : "", count, stride, args.sync_count,
			nova_errno_name(err));
	else if (sync_err) {
		if (err != sync_err && err != sync_alt && err != ENOMEM && !(f->tainted && err == ENOENT))
			finding(fz, "asynchronous VM_BIND with a bad sync (expected %s) gave %s",
				nova_errno_name(sync_err), nova_errno_name(err));
	} else if (args.vm_id || (args.flags & ~NOVA_VM_BIND_FLAGS)) {
		if (err != EINVAL)
			finding(fz, "VM_BIND with vm_id 0x%x flags 0x%x gave %s", args.vm_id, args.flags,
				nova_errno_name(err));
	} else if (args.op_count > fz->lim.max_ops && err != E2BIG && err != EINVAL) {
		finding(fz, "VM_BIND of %u ops gave %s", args.op_count, nova_errno_name(err));
	} else if (args.op_count && args.op_stride < 40 && err != EINVAL && err != E2BIG) {
		finding(fz, "VM_BIND with stride %u gave %s", args.op_stride, nova_errno_name(err));
	}
	/* @failed_op: an output of the new request only. */
	if (old || !v5)
		return;
	if (!err && args.failed_op != NOVA_VM_BIND_NO_OP)
		finding(fz, "VM_BIND succeeded with failed_op %u", args.failed_op);
	else if (err == ENOSPC && args.failed_op != NOVA_VM_BIND_NO_OP)
		finding(fz, "VM_BIND failed with ENOSPC and failed_op %u", args.failed_op);
	else if (err && err != ENOMEM && err != ENOSPC && expect_failed >= -1 &&
		 args.failed_op != (expect_failed < 0 ? NOVA_VM_BIND_NO_OP : (uint32_t)expect_failed))
		finding(fz, "VM_BIND failed (%s) with failed_op %u, expected %" PRId64,
			nova_errno_name(err), args.failed_op, expect_failed);
}

static void do_prime_export(struct fuzz *fz, struct file *f)
{
	struct drm_prime_handle args = { .flags = DRM_CLOEXEC | (chance(fz, 50) ? DRM_RDWR : 0) };
	int live, err, slot = -1;

	args.handle = pick_handle(fz, f, &live);
	args.fd = -1;
	if (live == 1 && is_arena(fz, find_obj(f, args.handle)->oid))
		return;
	if (chance(fz, 10)) {
		fz->mutated++;
		args.flags = hostile_u32(fz);
	}
	err = call(fz, f->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args);
	trace(fz, "PRIME_HANDLE_TO_FD handle %u flags 0x%x -> %s fd %d", args.handle, args.flags,
	      nova_errno_name(err), err ? -1 : args.fd);
	if (!fz->prime) {
		/* The DRM core's answer for a driver without PRIME export. */
		if (err != ENOSYS && err != EOPNOTSUPP && err != EINVAL)
			finding(fz, "PRIME_HANDLE_TO_FD without PRIME gave %s", nova_errno_name(err));
		if (!err)
			close(args.fd);
		return;
	}
	if (err) {
		if (live == 1 && !(args.flags & ~(DRM_CLOEXEC | DRM_RDWR)) && err != ENOMEM)
			finding(fz, "PRIME export of live handle %u failed: %s", args.handle,
				nova_errno_name(err));
		return;
	}
	if (live == 0)
		finding(fz, "PRIME export of a dead or foreign handle %u succeeded", args.handle);
	for (int i = 0; i < MAX_DMABUFS; i++)
		if (fz->dmabufs[i] < 0)
			slot = i;
	if (slot < 0) {
		close(args.fd);
	} else {
		fz->dmabufs[slot] = args.fd;
		fz->dmabuf_oid[slot] = live == 1 ? find_obj(f, args.handle)->oid : 0;
		/* An import's export is the dma-buf it imported. */
		fz->dmabuf_gen[slot] = live == 1 ? find_obj(f, args.handle)->home : f->gen;
	}
}

static void do_prime_import(struct fuzz *fz, struct file *f)
{
	struct drm_prime_handle args = { .fd = -1 };
	struct drm_nova_gem_info info = { 0 };
	bool real = false;
	int err, slot = (int)pick(fz, MAX_DMABUFS);

	if (fz->dmabufs[slot] >= 0 && chance(fz, 85))
		args.fd = fz->dmabufs[slot];
	else if (chance(fz, 50))
		args.fd = f->fd; /* not a dma-buf */
	else
		args.fd = (int)hostile_u32(fz); /* may name one of ours by chance */
	for (int i = 0; i < MAX_DMABUFS; i++) {
		if (fz->dmabufs[i] >= 0 && fz->dmabufs[i] == args.fd) {
			real = true;
			slot = i;
		}
	}
	err = call(fz, f->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &args);
	trace(fz, "PRIME_FD_TO_HANDLE fd %d -> %s handle %u", args.fd, nova_errno_name(err),
	      err ? 0 : args.handle);
	if (!fz->prime) {
		if (!err)
			finding(fz, "PRIME import succeeded although export does not work");
		return;
	}
	if (err) {
		if (real && err != ENOMEM)
			finding(fz, "PRIME import of a nova dma-buf failed: %s", nova_errno_name(err));
		return;
	}
	if (!real) {
		finding(fz, "PRIME import of fd %d (not a dma-buf of ours) succeeded", args.fd);
		return;
	}
	info.handle = args.handle;
	err = call(fz, f->fd, DRM_IOCTL_NOVA_GEM_INFO, &info);
	if (err)
		finding(fz, "GEM_INFO of imported handle %u failed: %s", args.handle, nova_errno_name(err));
	else if (fz->dmabuf_oid[slot] && fz->dmabuf_gen[slot] != f->gen)
		/*
		 * Exported by a device an unplug removed: another device's
		 * dma-buf, imported as an object of this device's own (its
		 * mmap offset is not the exporter's); imported again, the
		 * same handle.
		 */
		remember_obj(fz, f, args.handle, info.size,
			     find_obj(f, args.handle) ? find_obj(f, args.handle)->oid : ++fz->next_oid,
			     fz->dmabuf_gen[slot]);
	else if (fz->dmabuf_oid[slot])
		remember_obj(fz, f, args.handle, info.size, fz->dmabuf_oid[slot], fz->dmabuf_gen[slot]);
	else
		f->tainted = true; /* a handle on an object the model never knew */
}

static void do_dmabuf_close(struct fuzz *fz)
{
	int slot = (int)pick(fz, MAX_DMABUFS);

	if (fz->dmabufs[slot] >= 0) {
		close(fz->dmabufs[slot]);
		fz->dmabufs[slot] = -1;
	}
}

/*
 * Random bytes to a random ioctl of nova's range or of a safe part of the
 * DRM core: nothing but the kernel's health is checked. Calls that could
 * change the file's handle table mark it tainted on success. PRIME is left
 * to the structured actions: a random export would leak descriptors.
 */
static void do_random_ioctl(struct fuzz *fz, struct file *f)
{
	static const uint8_t drm_core_nrs[] = {
		0x00 /* VERSION */, 0x01 /* GET_UNIQUE */, 0x0c /* GET_CAP */,
		0x0d /* SET_CLIENT_CAP */, 0x09 /* GEM_CLOSE */, 0x0a /* GEM_FLINK */,
		0x0b /* GEM_OPEN */,
	};
	static const unsigned int dirs[] = { _IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE };
	uint64_t raw[32];
	unsigned int nr, size;
	unsigned long request;
	int err;

	if (chance(fz, 70))
		nr = DRM_COMMAND_BASE + (unsigned int)pick(fz, 0x10);
	else
		nr = drm_core_nrs[pick(fz, sizeof(drm_core_nrs))];
	size = chance(fz, 70) ? (unsigned int)pick(fz, 9) * 8 : (unsigned int)pick(fz, sizeof(raw) + 1);
	for (size_t i = 0; i < 32; i++)
		raw[i] = chance(fz, 50) ? hostile_u64(fz) : nova_rand(&fz->rng);
	/* The DRM core's output pointers (VERSION's strings) must not hit our memory. */
	if (nr == 0x00 || nr == 0x01)
		for (size_t i = 0; i < 32; i++)
			raw[i] = bad_pointer(fz) | (raw[i] & 0xff);
	request = _IOC(dirs[pick(fz, 4)], DRM_IOCTL_BASE, nr, size);
	fz->random_calls++;
	err = call(fz, f->fd, request, chance(fz, 90) ? (void *)raw : (void *)(uintptr_t)bad_pointer(fz));
	trace(fz, "random ioctl nr 0x%x size %u -> %s", nr, size, nova_errno_name(err));
	if (!err && (nr == 0x09 || nr == 0x0b || nr == DRM_COMMAND_BASE + 1))
		f->tainted = true;
	/*
	 * A GEM_CLOSE that succeeded closed the handle in its first 32 bits
	 * (from raw[]: a bad pointer fails; the DRM core zero-fills past
	 * @size): often 1, a hostile value and the file's first handle. The
	 * model must forget it, or it calls the handle live and every later
	 * use of it a finding.
	 */
	if (!err && nr == 0x09)
		forget_obj(f, (uint32_t)(raw[0] & (size >= 4 ? 0xffffffffull : (1ull << (8 * size)) - 1)));
	/*
	 * A bind, queue or EXEC the model did not make. Also when the call
	 * "failed" with EFAULT: the DRM core copies the result out after the
	 * ioctl ran, so a QUEUE_CREATE may have made a queue nobody knows of.
	 */
	if ((!err || err == EFAULT) && nr >= DRM_COMMAND_BASE + DRM_NOVA_VM_BIND &&
	    nr <= DRM_COMMAND_BASE + DRM_NOVA_EXEC && nr != DRM_COMMAND_BASE + DRM_NOVA_GEM_MMAP_OFFSET) {
		f->tainted = true;
		f->arena_mapped = false;
		f->arena_epoch++;
		for (int i = 0; i < f->nqueues; i++) {
			f->queues[i].dirty = true;
			f->queues[i].first_risky = 1;
		}
	}
}

/* --- unplug events ------------------------------------------------------ */

/* One call of the contract's list, on a file of a device that is gone. */
static void expect_enodev(struct fuzz *fz, struct file *f, const char *what, unsigned long request,
			  void *arg)
{
	int err = nova_ioctl(f->fd, request, arg);

	fz->calls++;
	fz->dead_checks++;
	if (err != ENODEV)
		report(fz, "%s on a file of the unplugged device gave %s, not ENODEV", what,
		       nova_errno_name(err));
}

/*
 * Documentation/unplug.rst, between the unbind and the rebind: every ioctl
 * on @f, nova's and the DRM core's, fails with ENODEV, so does a new mmap().
 * The arguments are the model's (a live handle, queue, syncobj) where it
 * has them, so that only the unplug can make the calls fail.
 */
static void check_dead_file(struct fuzz *fz, struct file *f)
{
	uint32_t handle = f->nobjs ? f->objs[pick(fz, f->nobjs)].handle : 1;
	uint32_t queue = f->nqueues ? f->queues[pick(fz, f->nqueues)].id : 1;
	struct drm_nova_vm_bind_op op = {
		.op = NOVA_VM_BIND_OP_MAP, .handle = handle, .va = fz->lim.va_start,
		.range = fz->lim.page,
	};
	struct drm_nova_vm_bind_op sync_only = { .op = NOVA_VM_BIND_OP_SYNC_ONLY };
	struct drm_nova_exec_cmdbuf cb = { .va = fz->lim.va_start, .size = 8 };
	union {
		struct drm_nova_getparam getparam;
		struct drm_nova_gem_create create;
		struct drm_nova_gem_info info;
		struct drm_nova_gem_mmap_offset mmap_offset;
		struct drm_nova_vm_bind bind;
		struct drm_nova_queue_create queue_create;
		struct drm_nova_queue_destroy queue_destroy;
		struct drm_nova_queue_get_state queue_state;
		struct drm_nova_exec exec;
		struct drm_gem_close close;
		struct drm_prime_handle prime;
		struct drm_syncobj_create sync_create;
		struct drm_syncobj_destroy sync_destroy;
		struct drm_syncobj_wait sync_wait;
	} a;
	void *p;

#define ARGS(field, ...) (memset(&a, 0, sizeof(a)), a.field = (typeof(a.field)){ __VA_ARGS__ }, &a)
	expect_enodev(fz, f, "GETPARAM", DRM_IOCTL_NOVA_GETPARAM,
		      ARGS(getparam, .param = NOVA_GETPARAM_UAPI_VERSION));
	expect_enodev(fz, f, "GEM_CREATE", DRM_IOCTL_NOVA_GEM_CREATE,
		      ARGS(create, .size = fz->lim.page));
	expect_enodev(fz, f, "GEM_INFO", DRM_IOCTL_NOVA_GEM_INFO, ARGS(info, .handle = handle));
	expect_enodev(fz, f, "GEM_MMAP_OFFSET", DRM_IOCTL_NOVA_GEM_MMAP_OFFSET,
		      ARGS(mmap_offset, .handle = handle));
	expect_enodev(fz, f, "VM_BIND", DRM_IOCTL_NOVA_VM_BIND,
		      ARGS(bind, .op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op));
	expect_enodev(fz, f, "the old VM_BIND request", DRM_IOCTL_NOVA_VM_BIND_V2,
		      ARGS(bind, .op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op));
	if (fz->lim.uapi_version >= 5)
		expect_enodev(fz, f, "asynchronous VM_BIND", DRM_IOCTL_NOVA_VM_BIND,
			      ARGS(bind, .flags = NOVA_VM_BIND_ASYNC, .op_count = 1,
				   .op_stride = sizeof(sync_only), .ops = (uintptr_t)&sync_only));
	if (fz->lim.uapi_version >= 4) {
		expect_enodev(fz, f, "QUEUE_CREATE", DRM_IOCTL_NOVA_QUEUE_CREATE,
			      ARGS(queue_create, .priority = NOVA_QUEUE_PRIORITY_NORMAL));
		expect_enodev(fz, f, "QUEUE_GET_STATE", DRM_IOCTL_NOVA_QUEUE_GET_STATE,
			      ARGS(queue_state, .queue_id = queue));
		expect_enodev(fz, f, "EXEC", DRM_IOCTL_NOVA_EXEC,
			      ARGS(exec, .queue_id = queue, .cmdbuf_count = 1,
				   .cmdbuf_stride = sizeof(cb), .cmdbufs = (uintptr_t)&cb));
		expect_enodev(fz, f, "QUEUE_DESTROY", DRM_IOCTL_NOVA_QUEUE_DESTROY,
			      ARGS(queue_destroy, .queue_id = queue));
		expect_enodev(fz, f, "SYNCOBJ_WAIT", DRM_IOCTL_SYNCOBJ_WAIT,
			      ARGS(sync_wait, .handles = (uintptr_t)&f->timeline, .count_handles = 1));
		expect_enodev(fz, f, "SYNCOBJ_DESTROY", DRM_IOCTL_SYNCOBJ_DESTROY,
			      ARGS(sync_destroy, .handle = f->timeline));
	}
	expect_enodev(fz, f, "SYNCOBJ_CREATE", DRM_IOCTL_SYNCOBJ_CREATE, ARGS(sync_create, 0));
	expect_enodev(fz, f, "PRIME_HANDLE_TO_FD", DRM_IOCTL_PRIME_HANDLE_TO_FD,
		      ARGS(prime, .handle = handle, .flags = DRM_CLOEXEC, .fd = -1));
	for (int i = 0; i < MAX_DMABUFS; i++)
		if (fz->dmabufs[i] >= 0) {
			expect_enodev(fz, f, "PRIME_FD_TO_HANDLE", DRM_IOCTL_PRIME_FD_TO_HANDLE,
				      ARGS(prime, .fd = fz->dmabufs[i]));
			break;
		}
	expect_enodev(fz, f, "GEM_CLOSE", DRM_IOCTL_GEM_CLOSE, ARGS(close, .handle = handle));
#undef ARGS
	/* Any offset: the unplug is checked before the offset is looked up. */
	p = mmap(NULL, fz->lim.page, PROT_READ, MAP_SHARED, f->fd, 1ll << 32);
	fz->dead_checks++;
	if (p != MAP_FAILED) {
		report(fz, "mmap() of a file of the unplugged device succeeded");
		munmap(p, fz->lim.page);
	} else if (errno != ENODEV) {
		report(fz, "mmap() of a file of the unplugged device gave %s, not ENODEV",
		       nova_errno_name(errno));
	}
}

/*
 * Unbinds the device under the files as they are, checks the contract on
 * each while it is gone, binds it again and waits for its nodes. Under
 * the shared lock, so that the jobs of --jobs unplug one at a time; the
 * generation tells the others (and this job's own actions) which files
 * are of the old device.
 */
static void do_unplug(struct fuzz *fz)
{
	enum nova_dev_level level = chance(fz, fz->unplug_function) ? NOVA_DEV_FUNCTION : NOVA_DEV_AUX;
	const char *what = level == NOVA_DEV_AUX ? "nova from its auxiliary device" :
			   "nova_core from the PCI function";
	double t0 = nova_now();
	int err, fd;

	shared_lock(fz);
	/* A sibling's unplug may have made a new auxiliary device. */
	if (!nova_dev_find(&fz->dev, fz->dev.pci)) {
		report(fz, "before an unplug: no nova device at %s", fz->dev.pci);
		fz->device_lost = true;
		goto out;
	}
	trace(fz, "unplug: unbinding %s (%s)", what, fz->dev.aux);
	__atomic_add_fetch(&fz->sh->gen, 1, __ATOMIC_ACQ_REL);
	err = nova_dev_set_bound(&fz->dev, level, false);
	if (err) {
		report(fz, "unbinding %s failed: %s", what, nova_errno_name(err));
	} else {
		for (int i = 0; i < MAX_FILES; i++)
			if (fz->files[i].fd >= 0)
				check_dead_file(fz, &fz->files[i]);
		/* The node is gone from /dev/dri (or names nobody, if cached). */
		fd = nova_node_open(NOVA_NODE_RENDER);
		fz->dead_checks++;
		if (fd >= 0) {
			report(fz, "nova's render node opened while the device is unbound");
			close(fd);
		}
		err = nova_dev_set_bound(&fz->dev, level, true);
		if (err)
			report(fz, "binding %s again failed: %s", what, nova_errno_name(err));
	}
	if (!nova_dev_wait(&fz->dev, fz->dev.pci, REBIND_SECONDS)) {
		report(fz, "no nova device at %s %d s after the rebind", fz->dev.pci, REBIND_SECONDS);
		fz->device_lost = true;
	}
	__atomic_add_fetch(&fz->sh->gen, 1, __ATOMIC_ACQ_REL);
	fz->unplugs[level]++;
out:
	pthread_mutex_unlock(&fz->sh->lock);
	fz->unplug_seconds += nova_now() - t0;
	trace(fz, "unplug: %s back as %s after %.2f s", fz->dev.pci, fz->dev.render, nova_now() - t0);
}

/*
 * Files of an unplugged device linger among the new ones for a few
 * actions (about ten), then go: their slots are for files of the new one.
 */
static void close_dead_files(struct fuzz *fz)
{
	for (int i = 0; i < MAX_FILES; i++) {
		struct file *f = &fz->files[i];

		if (f->fd >= 0 && file_dead(fz, f) && chance(fz, 10)) {
			fz->dead_closes++;
			close_file(fz, f);
		}
	}
}

/* --- main --------------------------------------------------------------- */

/* A new taint flag is the kernel's own finding (WARN, oops, lockdep, ...). */
static void check_taint(struct fuzz *fz)
{
	uint64_t taint = nova_kernel_taint();

	if (taint & ~fz->taint)
		finding(fz, "the kernel's taint went from 0x%" PRIx64 " to 0x%" PRIx64
			" (see dmesg)", fz->taint, taint);
	fz->taint |= taint;
}

static void run(struct fuzz *fz, uint64_t iterations)
{
	unsigned int total_weight = 0;

	for (int a = 0; a < A_COUNT; a++)
		total_weight += action_weight[a];
	for (fz->iteration = 0; fz->iteration < iterations; fz->iteration++) {
		unsigned int w = (unsigned int)pick(fz, total_weight);
		enum action a = 0;
		struct file *f;

		while (w >= action_weight[a])
			w -= action_weight[a++];
		if (fz->unplug_every && !pick(fz, fz->unplug_every)) {
			do_unplug(fz);
			if (fz->device_lost)
				break;
		}
		fz->action_count[a]++;
		f = any_file(fz);
		fz->cur = f;
		if (!f && a != A_MUNMAP && a != A_TOUCH && a != A_DMABUF_CLOSE)
			a = A_OPEN;
		switch (a) {
		case A_OPEN: do_open(fz); break;
		case A_CLOSE_FILE: do_close_file(fz); break;
		case A_DUP_FILE: do_dup_file(fz); break;
		case A_GETPARAM: do_getparam(fz, f); break;
		case A_GEM_CREATE: do_gem_create(fz, f); break;
		case A_GEM_INFO: do_gem_info(fz, f); break;
		case A_GEM_CLOSE: do_gem_close(fz, f); break;
		case A_MMAP_OFFSET: do_mmap_offset(fz, f); break;
		case A_MMAP: do_mmap(fz, f); break;
		case A_MUNMAP: do_munmap(fz); break;
		case A_TOUCH: do_touch(fz); break;
		case A_VM_BIND: do_vm_bind(fz, f); break;
		case A_PRIME_EXPORT: do_prime_export(fz, f); break;
		case A_PRIME_IMPORT: do_prime_import(fz, f); break;
		case A_DMABUF_CLOSE: do_dmabuf_close(fz); break;
		case A_RANDOM_IOCTL: do_random_ioctl(fz, f); break;
		case A_QUEUE_CREATE: do_queue_create(fz, f); break;
		case A_QUEUE_DESTROY: do_queue_destroy(fz, f); break;
		case A_QUEUE_GET_STATE: do_queue_get_state(fz, f); break;
		case A_QUEUE_FILL: do_queue_fill(fz, f); break;
		case A_EXEC: do_exec(fz, f); break;
		case A_REAP: do_reap(fz, f); break;
		case A_SYNCOBJ: do_syncobj(fz, f); break;
		default: break;
		}
		fz->cur = NULL;
		close_dead_files(fz);
		if (fz->iteration % 500 == 499)
			check_taint(fz);
		if (fz->iteration && fz->iteration % 5000 == 0) {
			printf("nova-fuzz: %" PRIu64 "/%" PRIu64 " iterations, %" PRIu64 " calls, %" PRIu64
			       " findings\n", fz->iteration, iterations, fz->calls, fz->findings);
			fflush(stdout);
		}
	}
}

/* Whether this kernel's DRM core exports nova objects as dma-bufs. */
static bool probe_prime(const struct nova_limits *lim)
{
	struct drm_nova_gem_create create = { .size = lim->page };
	struct drm_prime_handle args = { .flags = DRM_CLOEXEC, .fd = -1 };
	int fd = nova_node_open(NOVA_NODE_RENDER);
	bool ok = false;

	if (fd < 0)
		return false;
	if (!nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &create)) {
		args.handle = create.handle;
		ok = !nova_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args);
		if (ok)
			close(args.fd);
		else
			printf("nova-fuzz: PRIME export not supported (%s): fuzzing it as expected-to-fail\n",
			       nova_errno_name(nova_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args)));
	}
	close(fd);
	return ok;
}

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"Usage: %s [--seed N] [--iterations N] [--jobs N] [--unplug-every N]\n"
		"       [--unplug-function PERCENT] [--verbose] [--help]\n"
		"\n"
		"Structure-aware fuzzer of nova's ioctls and the DRM core calls around\n"
		"them (GEM_CLOSE, PRIME, mmap/munmap, file close and reopen), on the\n"
		"primary and render nodes of the nova device. Valid calls built from a\n"
		"model of the objects it created are checked for success and exact\n"
		"results; mutated calls (boundary and hostile field values, foreign or\n"
		"dead handles, bad pointers, short strides, huge counts) must fail with a\n"
		"documented errno; random ioctls must simply not hurt the kernel.\n"
		"\n"
		"  --seed N         PRNG seed (default 0x%x; printed, so runs reproduce)\n"
		"  --iterations N   actions to run (default %u)\n"
		"  --jobs N         N fuzzing processes at once (at most 16), seeds N..N+J-1,\n"
		"                   the iterations shared out; their output prefixed [k]\n"
		"  --unplug-every N an unplug event about once per N iterations (default 0:\n"
		"                   none): the device unbound under the open files, every\n"
		"                   ioctl on them checked for ENODEV, bound again, the old\n"
		"                   files closed over the next actions, new ones opened\n"
		"  --unplug-function PERCENT\n"
		"                   that share of the unplugs unbinds nova_core from the PCI\n"
		"                   function rather than nova from its auxiliary device\n"
		"                   (default 0; a probe of the function is slow under TCG)\n"
		"  --verbose        print every call\n"
		"  --no-dead-queue-status\n"
		"                   do not read the fence status of jobs whose queue was\n"
		"                   destroyed (SYNC_IOC_FILE_INFO reads the timeline name\n"
		"                   through drm_sched's scheduler, freed with the queue)\n"
		"  -h, --help       this text\n"
		"\n"
		"Prints the figures and 'fuzz: 1 passed, 0 failed' (the run is one\n"
		"test), or '0 passed, 1 failed' with the number of findings; exits 1\n"
		"on any finding, 2 on a setup error.\n",
		argv0, DEFAULT_SEED, DEFAULT_ITERATIONS);
}

/* A number option's value; false (and a message) if it is not one. */
static bool number_arg(const char *name, uint64_t *value)
{
	char *end;

	*value = strtoull(optarg, &end, 0);
	if (*end || !*optarg) {
		fprintf(stderr, "nova-fuzz: --%s wants a number, not '%s'\n", name, optarg);
		return false;
	}
	return true;
}

/* What the jobs share, in memory their fork()s keep shared. */
static struct shared *shared_new(void)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t attr;

	if (sh == MAP_FAILED)
		return NULL;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sh->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return sh;
}

static int fuzz_run(struct fuzz *fz, uint64_t seed, uint64_t iterations);

/*
 * --jobs: @jobs fuzzing processes, job k with seed + k and its share of
 * the iterations, their output relayed line by line as "[k] line". One
 * test: passed if every job passed.
 */
static int run_jobs(struct fuzz *fz, uint64_t seed, uint64_t iterations, int jobs)
{
	static char partial[MAX_JOBS_PARALLEL][1024];
	struct pollfd pfd[MAX_JOBS_PARALLEL];
	size_t used[MAX_JOBS_PARALLEL] = { 0 };
	pid_t pid[MAX_JOBS_PARALLEL];
	int open_pipes = 0, failed = 0, setup = 0;
	double t0 = nova_now(), secs;

	printf("nova-fuzz: %d jobs, seeds 0x%" PRIx64 " to 0x%" PRIx64 ", %" PRIu64
	       " iterations in all\n", jobs, seed, seed + (uint64_t)jobs - 1, iterations);
	fflush(stdout);
	for (int k = 0; k < jobs; k++) {
		uint64_t share = iterations / (uint64_t)jobs + ((uint64_t)k < iterations % (uint64_t)jobs);
		int fds[2];

		if (pipe(fds)) {
			perror("nova-fuzz: pipe");
			return 2;
		}
		pid[k] = fork();
		if (pid[k] < 0) {
			perror("nova-fuzz: fork");
			return 2;
		}
		if (!pid[k]) {
			/* The earlier jobs' pipes are the parent's to read. */
			for (int j = 0; j < k; j++)
				close(pfd[j].fd);
			dup2(fds[1], STDOUT_FILENO);
			dup2(fds[1], STDERR_FILENO);
			close(fds[0]);
			close(fds[1]);
			setvbuf(stdout, NULL, _IOLBF, 0);
			exit(fuzz_run(fz, seed + (uint64_t)k, share));
		}
		close(fds[1]);
		pfd[k] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
		open_pipes++;
	}
	while (open_pipes) {
		if (poll(pfd, (nfds_t)jobs, -1) < 0)
			continue;
		for (int k = 0; k < jobs; k++) {
			char buf[512];
			ssize_t n;

			if (pfd[k].fd < 0 || !(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pfd[k].fd, buf, sizeof(buf));
			if (n <= 0) {
				if (used[k])
					printf("[%d] %.*s\n", k, (int)used[k], partial[k]);
				close(pfd[k].fd);
				pfd[k].fd = -1;
				open_pipes--;
				continue;
			}
			for (ssize_t i = 0; i < n; i++) {
				if (buf[i] != '\n' && used[k] < sizeof(partial[k]))
					partial[k][used[k]++] = buf[i];
				if (buf[i] == '\n' || used[k] == sizeof(partial[k])) {
					printf("[%d] %.*s\n", k, (int)used[k], partial[k]);
					used[k] = 0;
				}
			}
			fflush(stdout);
		}
	}
	for (int k = 0; k < jobs; k++) {
		int status = 0;

		waitpid(pid[k], &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
			setup++;
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			printf("nova-fuzz: job %d (--seed 0x%" PRIx64 ") %s %d\n", k, seed + (uint64_t)k,
			       WIFEXITED(status) ? "exited with" : "was killed by signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	secs = nova_now() - t0;
	printf("nova-fuzz: %d jobs, %" PRIu64 " iterations in %.1f s: %.0f iterations/s\n", jobs,
	       iterations, secs, secs > 0 ? (double)iterations / secs : 0.0);
	printf("fuzz: %d passed, %d failed (%" PRIu64 " iterations in %d jobs, %d failed)\n",
	       !failed && !setup, failed || setup, iterations, jobs, failed + setup);
	return failed ? 1 : setup ? 2 : 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "unplug-every", required_argument, NULL, 'u' },
		{ "unplug-function", required_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-dead-queue-status", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct fuzz fz;
	uint64_t seed = DEFAULT_SEED, iterations = DEFAULT_ITERATIONS, jobs = 1, percent = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "s:n:j:u:F:vhD", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (!number_arg("seed", &seed))
				return 2;
			break;
		case 'n':
			if (!number_arg("iterations", &iterations))
				return 2;
			break;
		case 'j':
			if (!number_arg("jobs", &jobs))
				return 2;
			break;
		case 'u':
			if (!number_arg("unplug-every", &fz.unplug_every))
				return 2;
			break;
		case 'F':
			if (!number_arg("unplug-function", &percent))
				return 2;
			break;
		case 'v':
			fz.verbose = true;
			break;
		case 'D':
			fz.no_dead_queue_status = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind != argc || !jobs || jobs > MAX_JOBS_PARALLEL || percent > 100) {
		usage(stderr, argv[0]);
		return 2;
	}
	fz.unplug_function = (unsigned int)percent;
	fz.sh = shared_new();
	if (!fz.sh) {
		perror("nova-fuzz: mmap");
		return 2;
	}
	if (jobs > 1)
		return run_jobs(&fz, seed, iterations, (int)jobs);
	return fuzz_run(&fz, seed, iterations);
}

/*
 * What a run needs of the device: its limits, whether PRIME works, where
 * it is for unplug events. 0, or 2 (a setup error).
 */
static int fuzz_setup(struct fuzz *fz)
{
	int fd, err;

	fd = nova_node_open(NOVA_NODE_RENDER);
	if (fd < 0) {
		fprintf(stderr, "nova-fuzz: no nova render node: %s\n", nova_errno_name(-fd));
		return 2;
	}
	err = nova_read_limits(fd, &fz->lim);
	close(fd);
	if (err || fz->lim.uapi_version < 2) {
		fprintf(stderr, "nova-fuzz: cannot read the device's limits (%s, uAPI %" PRIu64 ")\n",
			nova_errno_name(err), fz->lim.uapi_version);
		return 2;
	}
	fz->prime = probe_prime(&fz->lim);
	fz->node_gen = gen_now(fz);
	if (fz->unplug_every && !nova_dev_find(&fz->dev, NULL)) {
		fprintf(stderr, "nova-fuzz: --unplug-every: no nova device on a PCI function\n");
		return 2;
	}
	return 0;
}

/* One fuzzing run on @fz (its options set): 0, 1 on findings, 2 on a setup error. */
static int fuzz_run(struct fuzz *fz_, uint64_t seed, uint64_t iterations)
{
	struct fuzz fz = *fz_;
	struct timespec t0, t1;
	double secs;
	int err;

	/* Not while a sibling job's unplug has the device away. */
	shared_lock(&fz);
	err = fuzz_setup(&fz);
	pthread_mutex_unlock(&fz.sh->lock);
	if (err)
		return err;
	fz.guard = mmap(NULL, 2 * fz.lim.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fz.guard == MAP_FAILED) {
		perror("nova-fuzz: mmap");
		return 2;
	}
	/* Page 0 readable (for arrays that end at the guard), page 1 not. */
	fz.guard += fz.lim.page;
	mprotect(fz.guard, fz.lim.page, PROT_NONE);
	for (int i = 0; i < MAX_FILES; i++)
		fz.files[i].fd = -1;
	for (int i = 0; i < MAX_DMABUFS; i++)
		fz.dmabufs[i] = -1;
	fz.rng = seed;
	fz.taint = nova_kernel_taint();
	fz.tight_mappings = fz.lim.max_mappings && fz.lim.max_mappings <= 4 * VA_WINDOW_PAGES;
	if (fz.lim.uapi_version < 4)
		for (int a = A_QUEUE_CREATE; a <= A_REAP; a++)
			action_weight[a] = 0;
	if (fz.lim.uapi_version < 5)
		action_weight[A_SYNCOBJ] = 0;
	if (fz.taint)
		printf("nova-fuzz: the kernel is tainted already (0x%" PRIx64 "): only new flags count\n",
		       fz.taint);

	printf("nova-fuzz: seed 0x%" PRIx64 "%s, %" PRIu64 " iterations, PRIME %s%s\n", seed,
	       seed == DEFAULT_SEED ? " (default)" : "", iterations,
	       fz.prime ? "supported" : "not supported",
	       fz.tight_mappings ? ", the mapping limit within reach" : "");
	if (fz.unplug_every)
		printf("nova-fuzz: unplug events: about one per %" PRIu64 " iterations, of %s (%s), %u%% of them nova_core's unbind from the PCI function\n",
		       fz.unplug_every,
		       fz.dev.pci, fz.dev.aux, fz.unplug_function);
	printf("nova-fuzz: reproduce with: nova-fuzz --seed 0x%" PRIx64 " --iterations %" PRIu64,
	       seed, iterations);
	if (fz.unplug_every)
		printf(" --unplug-every %" PRIu64 " --unplug-function %u", fz.unplug_every,
		       fz.unplug_function);
	printf("%s\n", fz.no_dead_queue_status ? " --no-dead-queue-status" : "");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(&fz, iterations);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	/* Every job and bind still out ends, as the model says. */
	for (int i = 0; i < MAX_FILES; i++) {
		fz.cur = &fz.files[i];
		while (fz.files[i].fd >= 0 && fz.files[i].njobs)
			reap_job(&fz, &fz.files[i]);
		while (fz.files[i].fd >= 0 && fz.files[i].nbinds)
			reap_bind(&fz, &fz.files[i]);
	}
	/* Tear down in an order that leaves mappings to outlive their files. */
	fz.cur = NULL;
	for (int i = 0; i < MAX_FILES; i++)
		if (fz.files[i].fd >= 0)
			close_file(&fz, &fz.files[i]);
	for (int i = 0; i < MAX_MAPS; i++)
		if (fz.maps[i].ptr) {
			touch(fz.maps[i].ptr, fz.maps[i].len, 1);
			munmap(fz.maps[i].ptr, fz.maps[i].len);
		}
	for (int i = 0; i < MAX_DMABUFS; i++)
		if (fz.dmabufs[i] >= 0)
			close(fz.dmabufs[i]);

	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("nova-fuzz: %" PRIu64 " iterations, %" PRIu64 " calls (%" PRIu64 " mutated, %" PRIu64
	       " random) in %.1f s: %.0f iterations/s\n", fz.iteration, fz.calls, fz.mutated,
	       fz.random_calls, secs, secs > 0 ? (double)fz.iteration / secs : 0.0);
	printf("nova-fuzz: actions:");
	for (int a = 0; a < A_COUNT; a++)
		printf(" %s %" PRIu64, action_names[a], fz.action_count[a]);
	if (fz.lim.uapi_version >= 4) {
		printf("\nnova-fuzz: queues and EXEC: %" PRIu64 " EXEC calls, %" PRIu64 " jobs (%" PRIu64
		       " hostile streams, %" PRIu64 " watchdog cases), %" PRIu64 " reaped:", fz.exec_calls,
		       fz.exec_jobs, fz.exec_hostile, fz.exec_timeouts, fz.reaped);
		for (int e = 0; e < 160; e++)
			if (fz.job_status[e])
				printf(" %s %" PRIu64, e == 0 ? "ok" : e == 1 ? "other" : nova_errno_name(e),
				       fz.job_status[e]);
		printf("; %" PRIu64 " QUEUE_* calls", fz.queue_calls);
	}
	if (fz.lim.uapi_version >= 5) {
		printf("\nnova-fuzz: asynchronous VM_BIND: %" PRIu64 " calls, %" PRIu64 " queued, %" PRIu64
		       " SYNC_ONLY ops, %" PRIu64 " old requests, %" PRIu64 " syncobj calls, %" PRIu64
		       " closes with binds pending (%" PRIu64 " releasing the file, %" PRIu64
		       " binds dropped, %" PRIu64 " with a full bind queue), %" PRIu64 " reaped:",
		       fz.async_binds, fz.async_ok, fz.sync_only_ops, fz.old_binds, fz.syncobj_calls,
		       fz.plugged_closes, fz.plugged_releases, fz.binds_dropped, fz.full_queues,
		       fz.binds_reaped);
		for (int e = 0; e < 160; e++)
			if (fz.bind_status[e])
				printf(" %s %" PRIu64, e == 0 ? "ok" : e == 1 ? "other" : nova_errno_name(e),
				       fz.bind_status[e]);
	}
	if (fz.unplug_every)
		printf("\nnova-fuzz: unplug events: %" PRIu64 " of nova, %" PRIu64 " of nova_core (%.1f s); %" PRIu64
		       " contract checks on unplugged files, %" PRIu64 " ioctls of the actions on them, %" PRIu64
		       " predictions on them not judged, %" PRIu64 " of them closed; %" PRIu64
		       " opens waited for a sibling's unplug, %" PRIu64 " failed in one",
		       fz.unplugs[NOVA_DEV_AUX], fz.unplugs[NOVA_DEV_FUNCTION], fz.unplug_seconds,
		       fz.dead_checks, fz.dead_calls, fz.unjudged, fz.dead_closes, fz.opens_waited,
		       fz.opens_refused);
	check_taint(&fz);
	printf("\nnova-fuzz: results:");
	for (int e = 0; e < (int)(sizeof(fz.errno_count) / sizeof(fz.errno_count[0])); e++)
		if (fz.errno_count[e])
			printf(" %s %" PRIu64, nova_errno_name(e), fz.errno_count[e]);
	/* One run is one test, so that the summary's total counts tests. */
	printf("\nfuzz: %d passed, %d failed (%" PRIu64 " iterations, %" PRIu64 " findings)\n",
	       !fz.findings, !!fz.findings, fz.iteration, fz.findings);
	return fz.findings ? 1 : 0;
}

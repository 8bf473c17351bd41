// SPDX-License-Identifier: GPL-2.0
/*
 * nova-unplug: removes nova's device under running clients, again and again,
 * and checks the unplug contract (Documentation/unplug.rst). Run in the
 * guest as root with nova_core.ko and nova.ko loaded and an edu function.
 *
 * Each cycle of a scenario starts --clients clients on the first edu-backed
 * nova device: each opens the render node, creates two objects, CPU-maps
 * one and writes a pattern into it, VM_BINDs both, and runs --threads
 * threads of ioctls (GETPARAM, GEM_INFO, VM_BIND map/unmap, GEM_CREATE and
 * GEM_CLOSE) until they see -ENODEV. Then the scenario removes the device,
 * and the cycle checks: every thread's ioctls end in -ENODEV (any other
 * error fails), every ioctl on the old files fails with -ENODEV, reading and
 * writing the old CPU mapping does not kill the client (what it sees is
 * counted: the bytes, or SIGBUS), closing everything drops the module
 * references the files held. The time from the removal trigger until the
 * last file is released is measured. The scenario then restores the device
 * and a new client must use it normally, with nova's accounting at zero.
 *
 * An ioctl in flight: before each removal, the clients' threads move to the
 * DRM core's ioctls (VERSION, PRIME export), the cycle sets the device's
 * test hook nova_ioctl_delay_us (debugfs), so that every nova ioctl sleeps
 * that long inside its drm_dev_enter() section, starts one nova ioctl in a
 * thread of its own (GETPARAM, GEM_INFO, VM_BIND in turn, cycle by cycle)
 * and removes the device while it sleeps. Inside drm_dev_enter() it holds
 * off the unplug, so if it succeeded the removal trigger returned no sooner
 * than the ioctl's call plus its delay (it ran within the device's
 * lifetime), and if it did not succeed it failed with -ENODEV; anything
 * else fails the cycle. A path outside drm_dev_enter() sleeps on past the
 * removal and succeeds after it. Only
 * one nova ioctl is in flight: another one, held, would hold off the unplug
 * past its return and hide it. How long the removal took with the ioctl
 * held in it is printed, never judged.
 *
 * Scenarios: aux-unbind (sysfs unbind/bind of nova from nova_core.drm.N),
 * core-unbind (of nova_core from the PCI function), pci-remove (sysfs
 * remove, then rescan), device-del (QEMU device_del and device_add of a new
 * edu function, through tests/guest/qemu-monitor.sh; needs guest-run.sh
 * --monitor), rmmod (of either module in either order, with clients:
 * refused, the clients keep working; without: unloaded and loaded again;
 * needs --nova-ko and --nova-core-ko).
 *
 * From uAPI version 5 on each client also leaves asynchronous binds pending
 * at the removal, in a second file of its own (a synchronous VM_BIND of
 * the first file's threads would wait for them): one waits for the WAIT
 * job's fence, one is queued behind it. The last one's fence must signal once the unplug has ended the job
 * (how, applied or with an error, is counted, not judged). And a thread of
 * the client's is in a synchronous VM_BIND, which waits for those binds
 * inside drm_dev_enter(): the removal must end its wait (-ENODEV) rather
 * than wait for it, since only the removal ends the job (the watchdog
 * aside).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include <linux/sync_file.h>

#include "common.h"

/* A VM_BIND succeeding this long after the trigger held the removal off. */
#define HELD_OFF_SECONDS	0.25
#define BO_SIZE		(64 * 1024)
#define MAX_CLIENTS	16
#define MAX_THREADS	8
#define WAIT_SECONDS	60

static int opt_cycles = 20;
static int opt_clients = 4;
static int opt_threads = 2;
static const char *opt_nova_ko;
static const char *opt_nova_core_ko;
static const char *opt_ko_params = "";
static bool opt_verbose;
static int opt_pause_us = 1000;
static int opt_delay_ms = 500;

/* ------------------------------------------------------------ helpers */

static __attribute__((format(printf, 1, 2))) void say(const char *fmt, ...)
{
	va_list ap;

	printf("nova-unplug: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static long sysfs_read_long(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* ------------------------------------------------------------ clients */

struct client;

struct thread {
	pthread_t tid;
	struct client *client;
	int index;
	atomic_long ops;
	atomic_int core_only;	/* has seen core_only_rounds */
	int first_error;	/* the errno that ended the loop */
	double t_enodev;
};

struct client {
	int fd;
	uint32_t bo[2];
	uint8_t *map;
	uint64_t va;
	/*
	 * A job the engine runs while the device goes: a semaphore WAIT that
	 * nothing satisfies, so that only the unplug (or the watchdog, if the
	 * removal is slow) ends it. Its fence as a sync_file, which outlives
	 * the device's ioctls.
	 */
	uint32_t cmd_bo;
	int fence_fd;
	/* uAPI 5: the second file, the fence of its last bind, or -1. */
	int bind_fd;
	int bind_fence_fd;
	/* ... and the thread in a synchronous VM_BIND behind them. */
	pthread_t blocker;
	bool has_blocker;
	int blocker_err;
	double blocker_end;
	uint64_t blocker_va;
	struct thread threads[MAX_THREADS];
	int nthreads;
};

static atomic_int stop_threads;
/*
 * The threads' rounds use only the DRM core's ioctls, while one nova ioctl
 * is held in flight (see probe_start()): a nova ioctl of theirs inside
 * drm_dev_enter() would hold off the unplug past the probe's return, and
 * hide a probe's path that lacks it.
 */
static atomic_int core_only_rounds;

static int vm_bind1(int fd, uint32_t op, uint32_t handle, uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op o = {
		.op = op, .handle = handle, .va = va, .range = range,
	};
	struct drm_nova_vm_bind b = {
		.op_count = 1, .op_stride = sizeof(o), .ops = (uintptr_t)&o,
	};

	return nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &b);
}

static int gem_create(int fd, uint32_t *handle)
{
	struct drm_nova_gem_create c = { .size = BO_SIZE };
	int err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &c);

	*handle = c.handle;
	return err;
}

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return nova_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

/* One round of every kind of ioctl; 0 or the first errno. */
static int ioctl_round(struct client *c, uint64_t va)
{
	struct drm_nova_getparam gp = { .param = NOVA_GETPARAM_UAPI_VERSION };
	struct drm_nova_gem_info gi = { .handle = c->bo[0] };
	uint32_t h;
	int err;

	if ((err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_GETPARAM, &gp)) ||
	    (err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_GEM_INFO, &gi)) ||
	    (err = vm_bind1(c->fd, NOVA_VM_BIND_OP_MAP, c->bo[1], va, BO_SIZE)) ||
	    (err = vm_bind1(c->fd, NOVA_VM_BIND_OP_UNMAP, 0, va, BO_SIZE)) ||
	    (err = gem_create(c->fd, &h)))
		return err;
	return gem_close(c->fd, h);
}

/* A round of the DRM core's ioctls only: VERSION and a PRIME export. */
static int core_round(struct client *c)
{
	struct drm_version v = {};
	struct drm_prime_handle ph = { .handle = c->bo[1], .flags = DRM_CLOEXEC };
	int err;

	err = nova_ioctl(c->fd, DRM_IOCTL_VERSION, &v);
	if (!err)
		err = nova_ioctl(c->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
	if (err)
		return err;
	close(ph.fd);
	return 0;
}

static void *thread_main(void *arg)
{
	struct thread *t = arg;
	struct client *c = t->client;
	/* Each thread maps and unmaps in a range of its own. */
	uint64_t va = c->va + (uint64_t)(t->index + 2) * BO_SIZE;
	int err;

	while (!atomic_load(&stop_threads)) {
		if (atomic_load(&core_only_rounds)) {
			atomic_store(&t->core_only, 1);
			err = core_round(c);
		} else {
			err = ioctl_round(c, va);
		}
		if (err) {
			t->first_error = err;
			t->t_enodev = nova_now();
			break;
		}
		atomic_fetch_add(&t->ops, 1);
		/*
		 * A breath between rounds: under TCG, threads that never
		 * sleep starve the removal's own tools (sh, the monitor).
		 */
		if (opt_pause_us)
			usleep(opt_pause_us);
	}
	return NULL;
}

static const uint8_t pattern = 0x5a;

/* A synchronous VM_BIND, which waits for the client's pending binds. */
static void *blocker_main(void *arg)
{
	struct client *c = arg;

	c->blocker_err = vm_bind1(c->bind_fd, NOVA_VM_BIND_OP_UNMAP, 0, c->blocker_va, BO_SIZE);
	c->blocker_end = nova_now();
	return NULL;
}

/*
 * Asynchronous binds pending behind the WAIT job (uAPI 5), in a second
 * file c->bind_fd: a MAP of an object at @va that waits for the job's
 * fence (imported from c->fence_fd), and an UNMAP of it queued behind,
 * which waits for nothing; the last one's fence is c->bind_fence_fd. Then
 * a thread's synchronous VM_BIND waits for them.
 */
static int client_binds_pending(struct client *c, uint64_t va)
{
	struct drm_nova_getparam gp = { .param = NOVA_GETPARAM_UAPI_VERSION };
	uint32_t out = 0, job = 0, bo = 0;
	char path[64];
	int err;

	if ((err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_GETPARAM, &gp)) || gp.value < 5)
		return err;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->fd);
	c->bind_fd = open(path, O_RDWR | O_CLOEXEC);
	if (c->bind_fd < 0)
		return errno;
	if ((err = gem_create(c->bind_fd, &bo)) ||
	    (err = -drmSyncobjCreate(c->bind_fd, 0, &job)) ||
	    (err = -drmSyncobjImportSyncFile(c->bind_fd, job, c->fence_fd)) ||
	    (err = -drmSyncobjCreate(c->bind_fd, 0, &out)))
		return err;
	for (int i = 0; i < 2 && !err; i++) {
		struct drm_nova_vm_bind_op op = {
			.op = i ? NOVA_VM_BIND_OP_UNMAP : NOVA_VM_BIND_OP_MAP,
			.handle = i ? 0 : bo, .va = va, .range = BO_SIZE,
		};
		struct drm_nova_sync sync = { .handle = i ? out : job,
					      .flags = i ? NOVA_SYNC_SIGNAL : NOVA_SYNC_WAIT };
		struct drm_nova_vm_bind b = {
			.flags = NOVA_VM_BIND_ASYNC, .op_count = 1, .op_stride = sizeof(op),
			.ops = (uintptr_t)&op, .sync_count = 1, .sync_stride = sizeof(sync),
			.syncs = (uintptr_t)&sync,
		};

		err = nova_ioctl(c->bind_fd, DRM_IOCTL_NOVA_VM_BIND, &b);
	}
	if (!err)
		err = -drmSyncobjExportSyncFile(c->bind_fd, out, &c->bind_fence_fd);
	c->blocker_va = va;
	if (!err && !pthread_create(&c->blocker, NULL, blocker_main, c))
		c->has_blocker = true;
	return err;
}

/* The WAIT job; c->fence_fd is its fence. */
static int client_exec_wait(struct client *c)
{
	/* Past the ranges the threads map and unmap (thread_main()). */
	const uint64_t cmd_va = c->va + (MAX_THREADS + 2) * BO_SIZE;
	struct drm_nova_queue_create qc = { .priority = NOVA_QUEUE_PRIORITY_NORMAL };
	struct drm_nova_gem_mmap_offset mo = {};
	struct drm_nova_exec_cmdbuf cb = { .va = cmd_va, .size = 24 };
	struct drm_nova_sync sync = { .flags = NOVA_SYNC_SIGNAL };
	struct drm_nova_exec ex = { .cmdbuf_count = 1, .cmdbuf_stride = sizeof(cb),
				    .cmdbufs = (uintptr_t)&cb, .sync_count = 1,
				    .sync_stride = sizeof(sync), .syncs = (uintptr_t)&sync };
	uint64_t *cmd;
	int err;

	if ((err = gem_create(c->fd, &c->cmd_bo)) ||
	    (err = vm_bind1(c->fd, NOVA_VM_BIND_OP_MAP, c->cmd_bo, cmd_va, BO_SIZE)))
		return err;
	mo.handle = c->cmd_bo;
	if ((err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &mo)))
		return err;
	cmd = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, (off_t)mo.offset);
	if (cmd == MAP_FAILED)
		return errno;
	/*
	 * The semaphore is in the command buffer's own object, which the
	 * threads never unbind; it stays zero.
	 */
	cmd[0] = NOVA_CMD_HEADER(NOVA_CMD_WAIT, NOVA_CMD_WAIT_EQUAL, 0);
	cmd[1] = cmd_va + 64;
	cmd[2] = 0x12345678;
	munmap(cmd, BO_SIZE);
	if ((err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_QUEUE_CREATE, &qc)))
		return err;
	if ((err = -drmSyncobjCreate(c->fd, 0, &sync.handle)))
		return err;
	ex.queue_id = qc.queue_id;
	if ((err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_EXEC, &ex)))
		return err;
	if ((err = -drmSyncobjExportSyncFile(c->fd, sync.handle, &c->fence_fd)))
		return err;
	return client_binds_pending(c, cmd_va);
}

/*
 * After the removal: the WAIT job's fence must have signalled, with an
 * error: -ENODEV from the unplug, or -ETIMEDOUT if the watchdog came
 * first. Returns that status, or 0 if the fence is still pending.
 */
static int fence_status(int fence_fd)
{
	struct sync_file_info info = {};
	struct pollfd pfd = { .fd = fence_fd, .events = POLLIN };

	if (fence_fd < 0)
		return 0;
	if (poll(&pfd, 1, 5000) != 1 || nova_ioctl(fence_fd, SYNC_IOC_FILE_INFO, &info))
		return 0;
	return info.status;
}

static int client_fence_status(struct client *c)
{
	return fence_status(c->fence_fd);
}

static int client_start(struct client *c, const char *node, int index)
{
	struct drm_nova_gem_mmap_offset mo = {};
	struct drm_nova_getparam gp = { .param = NOVA_GETPARAM_VA_START };
	int err, i;

	memset(c, 0, sizeof(*c));
	c->fence_fd = -1;
	c->bind_fd = -1;
	c->bind_fence_fd = -1;
	c->fd = open(node, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return errno;
	if ((err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_GETPARAM, &gp)))
		return err;
	c->va = gp.value + (uint64_t)index * 64 * BO_SIZE;
	if ((err = gem_create(c->fd, &c->bo[0])) || (err = gem_create(c->fd, &c->bo[1])))
		return err;
	mo.handle = c->bo[0];
	if ((err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &mo)))
		return err;
	c->map = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, (off_t)mo.offset);
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		return errno;
	}
	memset(c->map, pattern, BO_SIZE);
	if ((err = vm_bind1(c->fd, NOVA_VM_BIND_OP_MAP, c->bo[0], c->va, BO_SIZE)) ||
	    (err = vm_bind1(c->fd, NOVA_VM_BIND_OP_MAP, c->bo[1], c->va + BO_SIZE, BO_SIZE)) ||
	    (err = client_exec_wait(c)))
		return err;
	c->nthreads = opt_threads;
	for (i = 0; i < c->nthreads; i++) {
		c->threads[i].client = c;
		c->threads[i].index = i;
		if (pthread_create(&c->threads[i].tid, NULL, thread_main, &c->threads[i])) {
			c->nthreads = i;
			return EAGAIN;
		}
	}
	return 0;
}

static void client_join(struct client *c)
{
	for (int i = 0; i < c->nthreads; i++)
		pthread_join(c->threads[i].tid, NULL);
	c->nthreads = 0;
	/* Without a removal, the watchdog ends the job it waits behind. */
	if (c->has_blocker)
		pthread_join(c->blocker, NULL);
	c->has_blocker = false;
}

static void client_close(struct client *c)
{
	if (c->map)
		munmap(c->map, BO_SIZE);
	c->map = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->fence_fd >= 0)
		close(c->fence_fd);
	c->fence_fd = -1;
	if (c->bind_fence_fd >= 0)
		close(c->bind_fence_fd);
	c->bind_fence_fd = -1;
	if (c->bind_fd >= 0)
		close(c->bind_fd);
	c->bind_fd = -1;
}

/* ------------------------------------------------------------ CPU access */

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig;

static void on_fault(int sig)
{
	fault_sig = sig;
	siglongjmp(fault_jmp, 1);
}

enum access_result { ACCESS_BYTES_KEPT, ACCESS_BYTES_CHANGED, ACCESS_SIGBUS, ACCESS_SIGSEGV };
static const char *const access_names[] = {
	"bytes kept", "bytes changed", "SIGBUS", "SIGSEGV",
};

/* Reads and writes @map with SIGBUS and SIGSEGV caught. */
static enum access_result touch_mapping(uint8_t *map)
{
	struct sigaction sa = { .sa_handler = on_fault }, old_bus, old_segv;
	volatile enum access_result r = ACCESS_BYTES_KEPT;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	fault_sig = 0;
	if (!sigsetjmp(fault_jmp, 1)) {
		for (size_t i = 0; i < BO_SIZE; i += 4096)
			if (map[i] != pattern)
				r = ACCESS_BYTES_CHANGED;
		map[0] = pattern;
	} else {
		r = fault_sig == SIGBUS ? ACCESS_SIGBUS : ACCESS_SIGSEGV;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return r;
}

/* ------------------------------------------------------------ accounting */

/* Every nova device's nova_stats must read 0 objects, files, mappings. */
static bool stats_zero(void)
{
	char path[300], key[32];
	unsigned long long v;
	struct dirent *e;
	bool ok = true;
	DIR *d;
	FILE *f;

	d = opendir("/sys/kernel/debug/dri");
	if (!d)
		return true;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%s/nova_stats", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fscanf(f, "%31[a-z_]: %llu\n", key, &v) == 2) {
			if (v && (!strcmp(key, "objects") || !strcmp(key, "files") ||
				  !strcmp(key, "mappings"))) {
				say("  %s: %s is %llu with no client", path, key, v);
				ok = false;
			}
		}
		fclose(f);
	}
	closedir(d);
	return ok;
}

/* ------------------------------------------------------------ modules */

static int module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

static int module_load(const char *path, const char *params)
{
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		err = errno;
	close(fd);
	return err;
}

/* ------------------------------------------------------------ scenarios */

struct scenario;
typedef int (*step_fn)(const struct scenario *s, struct nova_dev *dev);

struct scenario {
	const char *name;
	const char *what;
	step_fn prepare;	/* before the clients start (optional) */
	step_fn remove;		/* with clients running */
	step_fn restore;	/* afterwards */
	bool rmmod;		/* the module scenario: its own cycle */
	/* results */
	int passed, failed;
	double t_release_min, t_release_max, t_release_sum;
	int access[4];
	/* the in-flight check: probes run, held off the unplug, late -ENODEV */
	int probes, held, late_enodev, removals;
	double t_remove_min, t_remove_max, t_remove_sum;
	/* the running jobs: ended by the unplug, or by the watchdog first */
	int jobs_enodev, jobs_timedout;
	/* uAPI 5: the binds pending behind them: applied, or ended with an error */
	int binds_applied, binds_failed;
};

static int aux_unbind(const struct scenario *s, struct nova_dev *dev)
{
	(void)s;
	return nova_dev_set_bound(dev, NOVA_DEV_AUX, false);
}

static int aux_bind(const struct scenario *s, struct nova_dev *dev)
{
	(void)s;
	return nova_dev_set_bound(dev, NOVA_DEV_AUX, true);
}

static int core_unbind(const struct scenario *s, struct nova_dev *dev)
{
	(void)s;
	return nova_dev_set_bound(dev, NOVA_DEV_FUNCTION, false);
}

static int core_bind(const struct scenario *s, struct nova_dev *dev)
{
	(void)s;
	return nova_dev_set_bound(dev, NOVA_DEV_FUNCTION, true);
}

static int pci_remove(const struct scenario *s, struct nova_dev *dev)
{
	char path[128];

	(void)s;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", dev->pci);
	return nova_sysfs_write(path, "1");
}

static int pci_rescan(const struct scenario *s, struct nova_dev *dev)
{
	(void)s;
	(void)dev;
	return nova_sysfs_write("/sys/bus/pci/rescan", "1");
}

/*
 * One QMP command @json through the relay of guest-run.sh --monitor (the
 * protocol of scripts/monitor-relay.py, spoken directly rather than by
 * running tests/guest/qemu-monitor.sh: under TCG every exec costs). The
 * answer into @out; 0 if QEMU answered "return".
 */
static int monitor(char *out, size_t len, const char *json)
{
	const char *dir = getenv("NOVA_MONITOR");
	char tmp[PATH_MAX], req[PATH_MAX], rsp[PATH_MAX];
	static int seq;
	double end = nova_now() + WAIT_SECONDS;
	ssize_t n;
	int fd;

	out[0] = 0;
	if (!dir)
		return ENOENT;
	snprintf(tmp, sizeof(tmp), "%s/new.u%d.%d", dir, getpid(), seq);
	snprintf(req, sizeof(req), "%s/req.u%d.%d", dir, getpid(), seq);
	snprintf(rsp, sizeof(rsp), "%s/rsp.u%d.%d", dir, getpid(), seq++);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	n = write(fd, json, strlen(json));
	close(fd);
	if (n < 0 || rename(tmp, req))
		return EIO;
	while ((fd = open(rsp, O_RDONLY | O_CLOEXEC)) < 0) {
		if (nova_now() > end) {
			unlink(req);
			return ETIMEDOUT;
		}
		usleep(20 * 1000);
	}
	n = read(fd, out, len - 1);
	close(fd);
	unlink(rsp);
	out[n > 0 ? n : 0] = 0;
	return strncmp(out, "{\"return\"", 9) ? EIO : 0;
}

/* Has QEMU sent DEVICE_DELETED for @id (the relay's events file)? */
static bool device_deleted(const char *id)
{
	char path[PATH_MAX], line[1024], want[96];
	const char *dir = getenv("NOVA_MONITOR");
	bool found = false;
	FILE *f;

	if (!dir)
		return false;
	snprintf(path, sizeof(path), "%s/events", dir);
	snprintf(want, sizeof(want), "\"device\": \"%s\"", id);
	f = fopen(path, "r");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "DEVICE_DELETED") && strstr(line, want);
	if (f)
		fclose(f);
	return found;
}

/*
 * From QEMU's 'info pci': the id of the device in PCI slot @slot on bus 0
 * (@id empty), or the slot of the device @id (@slot < 0). 0 or ENOENT.
 */
static int qemu_pci_lookup(int *slot, char *id, size_t len)
{
	static char text[65536];
	unsigned int b, d, f;
	int cur = -1;
	char *line, *save, *p, *o;

	if (monitor(text, sizeof(text),
		    "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"info pci\"}}"))
		return EIO;
	/* The text is a JSON string: its \n and \" made plain again. */
	for (p = o = text; *p; p++, o++) {
		if (p[0] == '\\' && p[1] == 'n')
			*o = '\n', p++;
		else if (p[0] == '\\' && p[1])
			*o = *++p;
		else
			*o = *p;
	}
	*o = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *q, found[64];

		if (sscanf(line, " Bus %u, device %u, function %u:", &b, &d, &f) == 3) {
			cur = d;
			continue;
		}
		q = strstr(line, "id \"");
		if (!q)
			continue;
		snprintf(found, sizeof(found), "%s", q + 4);
		found[strcspn(found, "\"")] = 0;
		if (*slot >= 0 && cur == *slot) {
			snprintf(id, len, "%s", found);
			return 0;
		}
		if (*slot < 0 && !strcmp(found, id)) {
			*slot = cur;
			return 0;
		}
	}
	return ENOENT;
}

static int next_edu = 100;
static char del_id[64];

/* The QEMU id of the function, found before the clients start. */
static int device_find(const struct scenario *s, struct nova_dev *dev)
{
	unsigned int dom, bus, slot, fn;
	int want;

	(void)s;
	if (sscanf(dev->pci, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4)
		return EINVAL;
	want = (int)slot;
	return qemu_pci_lookup(&want, del_id, sizeof(del_id));
}

/*
 * device_del is done when the guest has let the function go: its PCI
 * device gone from sysfs (QEMU then sends DEVICE_DELETED, which
 * device_add waits for).
 */
static int device_del(const struct scenario *s, struct nova_dev *dev)
{
	char cmd[160], out[512], path[128];
	double end = nova_now() + WAIT_SECONDS;
	int err;

	(void)s;
	snprintf(cmd, sizeof(cmd), "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"%s\"}}", del_id);
	err = monitor(out, sizeof(out), cmd);
	if (err) {
		say("  device_del %s: %s", del_id, out);
		return err;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", dev->pci);
	while (!access(path, F_OK)) {
		if (nova_now() > end)
			return ETIMEDOUT;
		usleep(10 * 1000);
	}
	return 0;
}

static int device_add(const struct scenario *s, struct nova_dev *dev)
{
	char id[32], cmd[160], out[512];
	double end = nova_now() + WAIT_SECONDS;
	int err, slot = -1;

	(void)s;
	/* The old one's slot is free once QEMU has deleted it. */
	while (!device_deleted(del_id)) {
		if (nova_now() > end)
			return ETIMEDOUT;
		usleep(20 * 1000);
	}
	snprintf(id, sizeof(id), "edu%d", next_edu++);
	snprintf(cmd, sizeof(cmd),
		 "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"edu\", \"id\": \"%s\"}}", id);
	err = monitor(out, sizeof(out), cmd);
	if (err) {
		say("  device_add %s: %s", id, out);
		return err;
	}
	/* The new function's address: where the cycle waits for its device. */
	err = qemu_pci_lookup(&slot, id, sizeof(id));
	if (!err)
		snprintf(dev->pci, sizeof(dev->pci), "0000:00:%02x.0", slot);
	return err;
}

static struct scenario scenarios[] = {
	{ .name = "aux-unbind", .what = "sysfs unbind/bind of nova from nova_core.drm.N",
	  .remove = aux_unbind, .restore = aux_bind },
	{ .name = "core-unbind", .what = "sysfs unbind/bind of nova_core from the PCI function",
	  .remove = core_unbind, .restore = core_bind },
	{ .name = "pci-remove", .what = "PCI remove and rescan",
	  .remove = pci_remove, .restore = pci_rescan },
	{ .name = "device-del", .what = "QEMU device_del, device_add of a new edu function",
	  .prepare = device_find, .remove = device_del, .restore = device_add },
	{ .name = "rmmod", .what = "rmmod nova, nova_core in both orders, with clients (refused) and without",
	  .rmmod = true },
};
#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

#define FAIL(...) do { say("  FAIL: " __VA_ARGS__); ok = false; } while (0)

static struct client clients[MAX_CLIENTS];

static bool start_clients(const struct nova_dev *dev)
{
	bool ok = true;
	int i, err;

	atomic_store(&stop_threads, 0);
	for (i = 0; i < opt_clients; i++) {
		err = client_start(&clients[i], dev->render, i);
		if (err)
			FAIL("client %d on %s: %s", i, dev->render, strerror(err));
	}
	/* Every thread has completed a round: ioctls are in flight. */
	for (double end = nova_now() + WAIT_SECONDS; ok && nova_now() < end; usleep(1000)) {
		bool all = true;

		for (i = 0; i < opt_clients; i++)
			for (int t = 0; t < clients[i].nthreads; t++)
				all &= atomic_load(&clients[i].threads[t].ops) > 0 ||
					clients[i].threads[t].first_error;
		if (all)
			break;
	}
	return ok;
}

/* A new client on the restored device: a buffer round trip and a mapping. */
static bool new_client_works(const struct nova_dev *dev)
{
	struct client c;
	bool ok = true;
	int err;

	atomic_store(&stop_threads, 0);
	err = client_start(&c, dev->render, 0);
	/* Its threads each complete a few rounds of every ioctl. */
	for (double end = nova_now() + WAIT_SECONDS; !err && nova_now() < end; usleep(1000)) {
		bool all = true;

		for (int t = 0; t < c.nthreads; t++)
			all &= atomic_load(&c.threads[t].ops) > 2 || c.threads[t].first_error;
		if (all)
			break;
	}
	atomic_store(&stop_threads, 1);
	client_join(&c);
	if (err)
		FAIL("new client on %s: %s", dev->render, strerror(err));
	else if (touch_mapping(c.map) != ACCESS_BYTES_KEPT)
		FAIL("new client's mapping does not keep its bytes");
	for (int t = 0; t < c.nthreads; t++)
		if (c.threads[t].first_error)
			FAIL("new client's ioctls: %s", strerror(c.threads[t].first_error));
	client_close(&c);
	if (!stats_zero())
		FAIL("nova's accounting is not back to zero after the new client");
	return ok;
}

/* ------------------------------------------------------------ in flight */

/* One nova ioctl of its own thread, timed against the removal. */
struct probe {
	pthread_t tid;
	const char *name;
	int fd;
	uint32_t handle;
	uint64_t va;
	atomic_int started;
	double t_call, t_ret;
	int err;
};

#define NPROBE_KINDS 3
static const char *const probe_names[NPROBE_KINDS] = { "GETPARAM", "GEM_INFO", "VM_BIND" };

static void *probe_main(void *arg)
{
	struct drm_nova_getparam gp = { .param = NOVA_GETPARAM_UAPI_VERSION };
	struct probe *p = arg;

	p->t_call = nova_now();
	atomic_store(&p->started, 1);
	if (!strcmp(p->name, "GETPARAM")) {
		p->err = nova_ioctl(p->fd, DRM_IOCTL_NOVA_GETPARAM, &gp);
	} else if (!strcmp(p->name, "GEM_INFO")) {
		struct drm_nova_gem_info gi = { .handle = p->handle };

		p->err = nova_ioctl(p->fd, DRM_IOCTL_NOVA_GEM_INFO, &gi);
	} else {
		/* Unmapping a hole succeeds and changes nothing. */
		p->err = vm_bind1(p->fd, NOVA_VM_BIND_OP_UNMAP, 0, p->va, BO_SIZE);
	}
	p->t_ret = nova_now();
	return NULL;
}

/* The device's test hook nova_ioctl_delay_us (debugfs); 0 or the errno. */
static int set_ioctl_delay(const struct nova_dev *dev, long us)
{
	const char *minor = dev->render + strlen("/dev/dri/renderD");
	char path[128], text[32];

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%s/nova_ioctl_delay_us", minor);
	snprintf(text, sizeof(text), "%ld", us);
	return nova_sysfs_write(path, text);
}

/*
 * One nova ioctl in flight, the only one: the clients' threads are moved
 * to the DRM core's ioctls first, then the delay is set and the ioctl
 * (@kind of probe_names) started in a thread of its own. Back once it is
 * inside its sleep: 20 ms after it was called (or a fifth of a shorter
 * delay), so that most of the sleep is left for the removal to outlast if
 * the ioctl's path lacks drm_dev_enter().
 */
static bool probe_start(struct probe *p, const struct nova_dev *dev, unsigned int kind)
{
	struct client *c = &clients[kind % opt_clients];
	bool ok = true;
	int i, t, err;

	atomic_store(&core_only_rounds, 1);
	for (double end = nova_now() + WAIT_SECONDS; nova_now() < end; usleep(1000)) {
		bool all = true;

		for (i = 0; i < opt_clients; i++)
			for (t = 0; t < clients[i].nthreads; t++)
				all &= atomic_load(&clients[i].threads[t].core_only) ||
					clients[i].threads[t].first_error;
		if (all)
			break;
	}
	err = set_ioctl_delay(dev, opt_delay_ms * 1000L);
	if (err) {
		FAIL("cannot set nova_ioctl_delay_us of %s: %s", dev->render, strerror(err));
		return false;
	}
	memset(p, 0, sizeof(*p));
	p->name = probe_names[kind];
	p->fd = c->fd;
	p->handle = c->bo[0];
	p->va = c->va + 32 * BO_SIZE;
	if (pthread_create(&p->tid, NULL, probe_main, p)) {
		FAIL("cannot start the %s thread", p->name);
		p->tid = 0;
		return false;
	}
	while (!atomic_load(&p->started))
		usleep(1000);
	usleep(opt_delay_ms < 100 ? opt_delay_ms * 1000 / 5 : 20 * 1000);
	return ok;
}

/*
 * The invariant, for the probe started before the removal trigger at @t0
 * that returned at @t_removed: a success slept its whole delay inside
 * drm_dev_enter(), which the unplug waits for, so the removal cannot have
 * returned before the probe's call plus its delay; anything but a success
 * is -ENODEV. (Not "a success returned before the removal did": after
 * drm_dev_exit() the probe's thread can lose the race back to userspace to
 * the rest of the removal on a loaded machine, and that is no bug.)
 */
static bool probe_check(struct scenario *s, struct probe *p, double t0, double t_removed)
{
	bool ok = true;

	if (!p->tid)
		return true;
	pthread_join(p->tid, NULL);
	s->probes++;
	if (!p->err && t_removed < p->t_call + opt_delay_ms / 1e3)
		FAIL("%s: %s in flight succeeded, but the removal returned %.1f ms before its %d ms sleep could end: %s",
		     s->name, p->name, (p->t_call + opt_delay_ms / 1e3 - t_removed) * 1e3,
		     opt_delay_ms, "it ran past the device's lifetime (outside drm_dev_enter()?)");
	else if (p->err && p->err != ENODEV)
		FAIL("%s: %s in flight during the removal gave %s, not ENODEV", s->name,
		     p->name, strerror(p->err));
	else if (!p->err && p->t_ret > t0)
		s->held++;
	else if (p->err && p->t_ret > t_removed)
		s->late_enodev++;
	return ok;
}

static long nova_refcnt(void)
{
	return sysfs_read_long("/sys/module/nova/refcnt");
}

static bool unplug_cycle(struct scenario *s, struct nova_dev *dev, long refcnt0, int cycle)
{
	struct drm_nova_getparam gp = { .param = NOVA_GETPARAM_UAPI_VERSION };
	struct drm_nova_gem_info gi = {};
	struct drm_nova_gem_mmap_offset mo = {};
	struct probe probe = {};
	double t0, t_removed, t_release;
	bool ok = true;
	int i, t, err;

	if (s->prepare && (err = s->prepare(s, dev))) {
		FAIL("%s: cannot prepare %s: %s", s->name, dev->pci, strerror(err));
		return false;
	}
	ok = start_clients(dev);
	if (ok && opt_delay_ms && !probe_start(&probe, dev, (cycle - 1) % NPROBE_KINDS))
		ok = false;

	t0 = nova_now();
	err = s->remove(s, dev);
	/* The trigger returns when the device's remove has run. */
	t_removed = nova_now();
	if (err) {
		FAIL("%s: removal of %s failed: %s", s->name, dev->pci, strerror(err));
		if (opt_delay_ms)
			set_ioctl_delay(dev, 0);
	}
	if (opt_delay_ms) {
		if (!probe_check(s, &probe, t0, t_removed))
			ok = false;
		s->removals++;
		if (s->removals == 1 || t_removed - t0 < s->t_remove_min)
			s->t_remove_min = t_removed - t0;
		if (t_removed - t0 > s->t_remove_max)
			s->t_remove_max = t_removed - t0;
		s->t_remove_sum += t_removed - t0;
	}
	/* The threads end at their first error, which must be -ENODEV. */
	for (double end = nova_now() + (err ? 0 : WAIT_SECONDS); nova_now() < end; usleep(1000)) {
		bool all = true;

		for (i = 0; i < opt_clients; i++)
			for (t = 0; t < clients[i].nthreads; t++)
				all &= clients[i].threads[t].first_error != 0;
		if (all)
			break;
	}
	atomic_store(&stop_threads, 1);
	atomic_store(&core_only_rounds, 0);
	for (i = 0; i < opt_clients; i++) {
		client_join(&clients[i]);
		for (t = 0; t < opt_threads; t++)
			if (clients[i].threads[t].first_error != ENODEV)
				FAIL("client %d thread %d: ioctls ended with %s, not ENODEV", i, t,
				     clients[i].threads[t].first_error ?
				     strerror(clients[i].threads[t].first_error) : "nothing");
		/*
		 * A VM_BIND waiting for the binds at the trigger is woken by
		 * nova_remove() before anything can end the job it waits for,
		 * and returns -ENODEV. Success means the job ended first: by
		 * the removal holding off for the watchdog (the bug this
		 * checks), or by the watchdog firing in the moment before
		 * nova_remove() ran (a race, under KASAN now and then). The
		 * race ends within that moment; holding off lasts until the
		 * watchdog. Judged on nova's own unbind only: in the function
		 * scenarios nova_core ends the jobs (-ENODEV), seconds before
		 * nova's removal under KASAN, and the binds may apply then.
		 */
		if (clients[i].bind_fence_fd >= 0 && clients[i].blocker_err == 0 &&
		    clients[i].blocker_end - t0 >= HELD_OFF_SECONDS && !strcmp(s->name, "aux-unbind"))
			FAIL("client %d: a synchronous VM_BIND behind pending binds held the removal off, %.1f s",
			     i, clients[i].blocker_end - t0);
		else if (clients[i].bind_fence_fd >= 0 && clients[i].blocker_err &&
			 clients[i].blocker_err != ENODEV)
			FAIL("client %d: a synchronous VM_BIND behind pending binds gave %s", i,
			     strerror(clients[i].blocker_err));
	}
	for (i = 0; i < opt_clients; i++) {
		struct client *c = &clients[i];
		uint32_t h;
		void *p;

		if (c->fd < 0)
			continue;
		err = client_fence_status(c);
		if (err == -ENODEV)
			s->jobs_enodev++;
		else if (err == -ETIMEDOUT)
			s->jobs_timedout++;
		else if (err == 0)
			FAIL("client %d: its running job's fence was still pending 5 s after the removal", i);
		else
			FAIL("client %d: its running job's fence ended with %s, not ENODEV", i,
			     err > 0 ? "success" : strerror(-err));
		if (c->bind_fence_fd >= 0) {
			err = fence_status(c->bind_fence_fd);
			if (err == 0)
				FAIL("client %d: the binds behind its job were still pending 5 s after the removal",
				     i);
			else if (err > 0)
				s->binds_applied++;
			else
				s->binds_failed++;
		}
		gi.handle = c->bo[0];
		mo.handle = c->bo[0];
		if ((err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_GETPARAM, &gp)) != ENODEV ||
		    (err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_GEM_INFO, &gi)) != ENODEV ||
		    (err = nova_ioctl(c->fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &mo)) != ENODEV ||
		    (err = vm_bind1(c->fd, NOVA_VM_BIND_OP_UNMAP, 0, c->va, BO_SIZE)) != ENODEV ||
		    (err = gem_create(c->fd, &h)) != ENODEV ||
		    (err = gem_close(c->fd, c->bo[1])) != ENODEV)
			FAIL("client %d: an ioctl on the old file gave %s, not ENODEV", i,
			     err ? strerror(err) : "success");
		p = mmap(NULL, BO_SIZE, PROT_READ, MAP_SHARED, c->fd, 0);
		if (p != MAP_FAILED) {
			FAIL("client %d: a new mmap of the old file succeeded", i);
			munmap(p, BO_SIZE);
		}
		if (c->map) {
			enum access_result r = touch_mapping(c->map);

			s->access[r]++;
			if (r == ACCESS_SIGSEGV)
				FAIL("client %d: the old CPU mapping gave SIGSEGV", i);
		}
		client_close(c);
	}
	t_release = nova_now() - t0;
	/* The files' release dropped the module references they held. */
	if (refcnt0 >= 0 && nova_refcnt() != refcnt0)
		FAIL("nova's refcnt is %ld after every file closed, was %ld", nova_refcnt(), refcnt0);
	if (s->restore) {
		err = s->restore(s, dev);
		if (err)
			FAIL("%s: restoring failed: %s", s->name, strerror(err));
	}
	if (!nova_dev_wait(dev, dev->pci, WAIT_SECONDS))
		FAIL("no nova device on %s %d s after restoring", dev->pci, WAIT_SECONDS);
	else if (!new_client_works(dev))
		ok = false;
	if (ok) {
		if (!s->passed || t_release < s->t_release_min)
			s->t_release_min = t_release;
		if (t_release > s->t_release_max)
			s->t_release_max = t_release;
		s->t_release_sum += t_release;
	}
	return ok;
}

static bool refused(int err)
{
	return err == EAGAIN || err == EBUSY || err == EWOULDBLOCK;
}

static bool rmmod_cycle(struct scenario *s, struct nova_dev *dev, int cycle)
{
	bool ok = start_clients(dev);
	int i, t, err;
	long ops;

	/* With clients: both refused, in either order; the clients go on. */
	if (cycle % 2) {
		if (!refused(err = module_unload("nova_core")))
			FAIL("rmmod nova_core with clients: %s, not refused", strerror(err));
		if (!refused(err = module_unload("nova")))
			FAIL("rmmod nova with clients: %s, not refused", strerror(err));
	} else {
		if (!refused(err = module_unload("nova")))
			FAIL("rmmod nova with clients: %s, not refused", strerror(err));
		if (!refused(err = module_unload("nova_core")))
			FAIL("rmmod nova_core with clients: %s, not refused", strerror(err));
	}
	ops = atomic_load(&clients[0].threads[0].ops);
	for (double end = nova_now() + WAIT_SECONDS; nova_now() < end; usleep(1000))
		if (atomic_load(&clients[0].threads[0].ops) > ops + 1 ||
		    clients[0].threads[0].first_error)
			break;
	atomic_store(&stop_threads, 1);
	for (i = 0; i < opt_clients; i++) {
		client_join(&clients[i]);
		for (t = 0; t < opt_threads; t++)
			if (clients[i].threads[t].first_error)
				FAIL("client %d thread %d: %s after the refused rmmod", i, t,
				     strerror(clients[i].threads[t].first_error));
		if (clients[i].map && touch_mapping(clients[i].map) != ACCESS_BYTES_KEPT)
			FAIL("client %d: its mapping lost its bytes", i);
		client_close(&clients[i]);
	}
	/* Without clients: nova_core first is refused (nova uses it). */
	if (!refused(err = module_unload("nova_core")))
		FAIL("rmmod nova_core before nova: %s, not refused", strerror(err));
	if ((err = module_unload("nova")))
		FAIL("rmmod nova without clients: %s", strerror(err));
	if (cycle % 2) {
		/* nova_core out too, then nova alone cannot load without it. */
		if ((err = module_unload("nova_core")))
			FAIL("rmmod nova_core after nova: %s", strerror(err));
		if (!module_load(opt_nova_ko, opt_ko_params))
			FAIL("nova loaded without nova_core");
		module_unload("nova");
		if ((err = module_load(opt_nova_core_ko, "")))
			FAIL("insmod %s: %s", opt_nova_core_ko, strerror(err));
	}
	if ((err = module_load(opt_nova_ko, opt_ko_params)))
		FAIL("insmod %s: %s", opt_nova_ko, strerror(err));
	if (!nova_dev_wait(dev, dev->pci, WAIT_SECONDS))
		FAIL("no nova device on %s %d s after loading the modules again", dev->pci, WAIT_SECONDS);
	else if (!new_client_works(dev))
		ok = false;
	(void)s;
	return ok;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nova-unplug [OPTIONS] [SCENARIO...]\n"
		"Removes nova's device under running clients (open files, CPU mappings,\n"
		"GPU VA mappings, ioctls in threads), restores it, and checks the unplug\n"
		"contract (Documentation/unplug.rst). In the guest, as root, with\n"
		"nova_core.ko and nova.ko loaded and an edu function.\n"
		"\n"
		"Scenarios (default: all; device-del needs QEMU's monitor, NOVA_MONITOR\n"
		"from scripts/guest-run.sh --monitor, and is skipped without it):\n");
	for (size_t i = 0; i < NSCENARIOS; i++)
		fprintf(f, "  %-12s %s\n", scenarios[i].name, scenarios[i].what);
	fprintf(f,
		"\n"
		"  -n, --cycles N        cycles per scenario (default 20)\n"
		"  -c, --clients N       clients per cycle, 1 to %d (default 4)\n"
		"  -t, --threads N       ioctl threads per client, 1 to %d (default 2)\n"
		"      --nova-ko PATH    nova.ko, for rmmod (skipped without both)\n"
		"      --nova-core-ko PATH  nova_core.ko, likewise\n"
		"      --ko-params P     nova.ko's parameters at each load\n"
		"      --pause-us N      pause between a thread's ioctl rounds (default\n"
		"                        1000; 0: none)\n"
		"      --ioctl-delay-ms N  in each cycle, a nova ioctl held this long in\n"
		"                        flight during the removal (nova's debugfs\n"
		"                        nova_ioctl_delay_us), 0 to 1000 (default 500;\n"
		"                        0: no in-flight check, and the threads run\n"
		"                        nova's ioctls up to the removal)\n"
		"  -v, --verbose         a line per cycle\n"
		"  -h, --help            this text\n"
		"\n"
		"Prints a table: per scenario the cycles passed and failed, the\n"
		"unplug-to-release time (removal trigger to the last file released) and\n"
		"what the old CPU mappings saw; then 'nova-unplug: N passed, N failed,\n"
		"N skipped' (one per cycle), and per scenario how many ioctls in flight\n"
		"held off the unplug and how long the removal took with one. Times are\n"
		"figures, never judged.\n",
		MAX_CLIENTS, MAX_THREADS);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cycles", required_argument, NULL, 'n' },
		{ "clients", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "nova-ko", required_argument, NULL, 'K' },
		{ "nova-core-ko", required_argument, NULL, 'C' },
		{ "ko-params", required_argument, NULL, 'P' },
		{ "pause-us", required_argument, NULL, 'p' },
		{ "ioctl-delay-ms", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool want[NSCENARIOS];
	int opt, passed = 0, failed = 0, skipped = 0;
	struct nova_dev dev;
	size_t i;

	while ((opt = getopt_long(argc, argv, "n:c:t:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n': opt_cycles = atoi(optarg); break;
		case 'c': opt_clients = atoi(optarg); break;
		case 't': opt_threads = atoi(optarg); break;
		case 'K': opt_nova_ko = optarg; break;
		case 'C': opt_nova_core_ko = optarg; break;
		case 'P': opt_ko_params = optarg; break;
		case 'p': opt_pause_us = atoi(optarg); break;
		case 'D':
			opt_delay_ms = atoi(optarg);
			break;
		case 'v': opt_verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (opt_cycles < 1 || opt_clients < 1 || opt_clients > MAX_CLIENTS ||
	    opt_threads < 1 || opt_threads > MAX_THREADS || opt_delay_ms < 0 ||
	    opt_delay_ms > 1000) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < NSCENARIOS; i++)
		want[i] = optind == argc;
	for (int a = optind; a < argc; a++) {
		for (i = 0; i < NSCENARIOS; i++)
			if (!strcmp(argv[a], scenarios[i].name))
				break;
		if (i == NSCENARIOS) {
			fprintf(stderr, "nova-unplug: no scenario '%s'\n", argv[a]);
			usage(stderr);
			return 2;
		}
		want[i] = true;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!nova_dev_wait(&dev, NULL, 5)) {
		say("no nova device on a PCI function (nova_core.ko and nova.ko loaded? an edu function?)");
		printf("nova-unplug: 0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	say("%d cycles per scenario, %d clients x %d ioctl threads, on %s (%s, %s)",
	    opt_cycles, opt_clients, opt_threads, dev.render, dev.pci, dev.aux);

	for (i = 0; i < NSCENARIOS; i++) {
		struct scenario *s = &scenarios[i];
		const char *skip = NULL;

		if (!want[i])
			continue;
		if (s->rmmod && (!opt_nova_ko || !opt_nova_core_ko))
			skip = "needs --nova-ko and --nova-core-ko";
		if (s->remove == device_del && !getenv("NOVA_MONITOR"))
			skip = "no QEMU monitor (guest-run.sh --monitor)";
		if (skip) {
			say("%s: skipped: %s", s->name, skip);
			skipped += opt_cycles;
			continue;
		}
		say("%s: %s, %d cycles", s->name, s->what, opt_cycles);
		for (int cyc = 1; cyc <= opt_cycles; cyc++) {
			long refcnt0 = nova_refcnt();
			bool ok;

			if (!nova_dev_wait(&dev, NULL, WAIT_SECONDS)) {
				say("%s: cycle %d: no nova device", s->name, cyc);
				s->failed += opt_cycles - cyc + 1;
				break;
			}
			if (s->rmmod)
				ok = rmmod_cycle(s, &dev, cyc);
			else
				ok = unplug_cycle(s, &dev, refcnt0, cyc);
			if (ok)
				s->passed++;
			else
				s->failed++;
			if (opt_verbose || !ok)
				say("%s: cycle %d %s", s->name, cyc, ok ? "passed" : "FAILED");
		}
		passed += s->passed;
		failed += s->failed;
	}

	say("results: %d clients x %d threads; release = removal trigger to the last file released", opt_clients, opt_threads);
	printf("%-12s %6s %6s %12s %12s %12s  %s\n", "scenario", "passed", "failed",
	       "release min", "mean", "max", "old CPU mappings after removal");
	for (i = 0; i < NSCENARIOS; i++) {
		struct scenario *s = &scenarios[i];
		char acc[128] = "";

		if (!want[i] || (!s->passed && !s->failed))
			continue;
		for (int a = 0; a < 4; a++)
			if (s->access[a])
				snprintf(acc + strlen(acc), sizeof(acc) - strlen(acc), "%s%s %d",
					 acc[0] ? ", " : "", access_names[a], s->access[a]);
		if (s->rmmod || !s->passed)
			printf("%-12s %6d %6d %12s %12s %12s  %s\n", s->name, s->passed, s->failed,
			       "-", "-", "-", s->rmmod ? "(refused with clients)" : acc);
		else
			printf("%-12s %6d %6d %10.1fms %10.1fms %10.1fms  %s\n", s->name, s->passed,
			       s->failed, s->t_release_min * 1e3, s->t_release_sum / s->passed * 1e3,
			       s->t_release_max * 1e3, acc);
	}
	if (opt_delay_ms)
		say("an ioctl in flight per cycle, held %d ms inside drm_dev_enter(); %s",
		    opt_delay_ms, "removal = trigger to its return");
	for (i = 0; opt_delay_ms && i < NSCENARIOS; i++) {
		struct scenario *s = &scenarios[i];

		if (!want[i] || !s->removals)
			continue;
		printf("%-12s %3d of %3d succeeded during the removal, %3d ENODEV after it; ",
		       s->name, s->held, s->probes, s->late_enodev);
		printf("removal min %.1f ms, mean %.1f ms, max %.1f ms\n", s->t_remove_min * 1e3,
		       s->t_remove_sum / s->removals * 1e3, s->t_remove_max * 1e3);
	}
	printf("nova-unplug: a WAIT job running on every client's queue at each removal\n");
	for (i = 0; i < NSCENARIOS; i++) {
		struct scenario *s = &scenarios[i];

		if (want[i] && s->jobs_enodev + s->jobs_timedout)
			printf("%-12s %3d ended ENODEV by the unplug, %3d ETIMEDOUT by the watchdog first\n",
			       s->name, s->jobs_enodev, s->jobs_timedout);
		if (want[i] && s->binds_applied + s->binds_failed)
			printf("%-12s %3d asynchronous binds behind them applied after the removal, %3d ended with an error\n",
			       s->name, s->binds_applied, s->binds_failed);
	}
	printf("nova-unplug: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}

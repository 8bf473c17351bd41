// SPDX-License-Identifier: GPL-2.0
/*
 * nova-limits: what a client may make the kernel hold, as a hostile client
 * would try it (see Documentation/limits.rst):
 *  - the kernel memory of its mappings is charged to its memory cgroup
 *    (memory.current grows with them, and shrinks when they go), and at a
 *    tight memory.max VM_BIND and GEM_CREATE fail with -ENOMEM, never with
 *    -ENOSPC;
 *  - its VA space holds at most NOVA_GETPARAM_MAX_MAPPINGS mappings: reached
 *    exactly, -ENOSPC past it, per file, free again once the file closes;
 *  - the same clients work as an unprivileged user who may open only the
 *    render node; a primary node is closed to that user, and an
 *    unauthenticated primary client of that user gets none of nova's
 *    DRM_AUTH ioctls nor the master role;
 *  - with --module, module parameters outside their ranges refuse the load
 *    (and the kernel log names the parameter), values at the bounds load,
 *    and the mapping limit is tested again at a small value; nova is left
 *    loaded with its defaults.
 *
 * Every client runs in a process of its own: it joins its memory cgroup or
 * drops its privileges without affecting the next one. Needs root (to create
 * cgroups, change the nodes' owners, load the module); run in the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define UNPRIVILEGED	65534	/* nobody */
#define SMALL_LIMIT	64	/* max_mappings for the reloaded module */

static int passed, failed, skipped;
static int current_failed;
static struct nova_limits lim;
static uint64_t charge_mappings = 100000;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			printf("  FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);    \
			printf(__VA_ARGS__);                                    \
			putchar('\n');                                          \
			current_failed = 1;                                     \
		}                                                               \
	} while (0)

#define CHECK_ERRNO(got, want)                                                  \
	CHECK((got) == (want), "got %s, want %s", nova_errno_name(got), nova_errno_name(want))

/* --- small helpers ------------------------------------------------------------- */

static int write_file(const char *path, const char *fmt, ...)
{
	char buf[64];
	va_list args;
	int fd, len, ret = 0;

	va_start(args, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, buf, len) != len)
		ret = errno ? errno : EIO;
	close(fd);
	return ret;
}

/* A number read from an open cgroup file at offset 0 (the buffer is reused). */
static uint64_t read_counter(int fd)
{
	char buf[32];
	ssize_t len = pread(fd, buf, sizeof(buf) - 1, 0);

	if (len <= 0)
		return 0;
	buf[len] = 0;
	return strtoull(buf, NULL, 10);
}

static uint32_t create(int fd, uint64_t size, int *err)
{
	struct drm_nova_gem_create args = { .size = size };

	*err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &args);
	return *err ? 0 : args.handle;
}

static struct drm_nova_vm_bind_op map_op(uint32_t handle, uint64_t va, uint64_t range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP, .handle = handle, .va = va, .range = range,
	};
}

static struct drm_nova_vm_bind_op unmap_op(uint64_t va, uint64_t range)
{
	return (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_UNMAP, .va = va, .range = range };
}

static int bind(int fd, const struct drm_nova_vm_bind_op *ops, uint32_t count)
{
	struct drm_nova_vm_bind args = {
		.op_count = count, .op_stride = sizeof(*ops), .ops = (uintptr_t)ops,
	};

	return nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &args);
}

/* The address of one-page mapping @i: every other page, so none touch. */
static uint64_t slot(uint64_t i)
{
	return lim.va_start + 2 * i * lim.page;
}

/*
 * Maps one page of @bo at slots [first, first + count) in batches of
 * VM_BIND_MAX_OPS, through @ops (room for max_ops operations). Stops at
 * the first error and returns it.
 */
static int map_slots(int fd, uint32_t bo, uint64_t first, uint64_t count,
		     struct drm_nova_vm_bind_op *ops)
{
	while (count) {
		uint32_t n = count < lim.max_ops ? (uint32_t)count : (uint32_t)lim.max_ops;
		int err;

		for (uint32_t i = 0; i < n; i++)
			ops[i] = map_op(bo, slot(first + i), lim.page);
		err = bind(fd, ops, n);
		if (err)
			return err;
		first += n;
		count -= n;
	}
	return 0;
}

static int unmap_all(int fd)
{
	struct drm_nova_vm_bind_op op = unmap_op(lim.va_start, lim.va_end - lim.va_start);

	return bind(fd, &op, 1);
}

/* Drops root for good: no groups, the unprivileged uid and gid. */
static int drop_privileges(void)
{
	if (setgroups(0, NULL) || setgid(UNPRIVILEGED) || setuid(UNPRIVILEGED))
		return errno;
	return 0;
}

/*
 * Runs @fn in a child process as @uid (0 or UNPRIVILEGED) and counts its
 * result: exit 0 passed, 77 skipped, anything else failed.
 */
/* Runs @fn as a client in a process of its own; its wait status. */
static int run(const char *name, void (*fn)(uid_t uid), uid_t uid)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		current_failed = 0;
		fn(uid);
		fflush(stdout);
		_exit(current_failed < 0 ? 77 : current_failed ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("FAIL %s: cannot run the client: %s\n", name, strerror(errno));
		failed++;
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok %s\n", name);
		passed++;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		printf("skip %s\n", name);
		skipped++;
	} else {
		printf("FAIL %s (%s %d)\n", name, WIFEXITED(status) ? "exit" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		failed++;
	}
	return status;
}

/* --- nodes as the unprivileged user sees them ------------------------------------ */

static char render_path[300], primary_path[300];

/* Gives the render node to @uid (0 gives it back to root); 0600 as DRM makes it. */
static int own_render_node(uid_t uid)
{
	return chown(render_path, uid, uid) ? errno : 0;
}

/* --- memory cgroup ------------------------------------------------------------------ */

static char cgroup_dir[300];
static int have_memcg;

/* cgroup v2 with the memory controller for children of the root; 0 or errno. */
static int cgroup_setup(void)
{
	char controllers[256] = "";
	struct stat st;
	FILE *f;

	if (stat(CGROUP_ROOT "/cgroup.controllers", &st)) {
		if (mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL))
			return errno;
	}
	f = fopen(CGROUP_ROOT "/cgroup.controllers", "r");
	if (!f || !fgets(controllers, sizeof(controllers), f) || !strstr(controllers, "memory")) {
		if (f)
			fclose(f);
		return ENODEV;
	}
	fclose(f);
	return write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory");
}

/*
 * A fresh cgroup for each client: nothing a previous one freed late (its
 * files, after it exited) is uncharged here while this one measures.
 */
static int cgroup_create(const char *name)
{
	char path[400];

	snprintf(cgroup_dir, sizeof(cgroup_dir), CGROUP_ROOT "/nova-limits-%d-%s", getpid(), name);
	if (mkdir(cgroup_dir, 0755))
		return errno;
	/*
	 * The unprivileged client lowers its own limit at the moment it has
	 * measured; only that file is its, the cgroup stays root's.
	 */
	snprintf(path, sizeof(path), "%s/memory.max", cgroup_dir);
	return chown(path, UNPRIVILEGED, UNPRIVILEGED) ? errno : 0;
}

static int cgroup_open(const char *file, int flags)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/%s", cgroup_dir, file);
	return open(path, flags | O_CLOEXEC);
}

/*
 * Why a client died of a signal, for the log: the cgroup's OOM events and
 * the kernel's report from @kmsg (opened at its end before the client
 * started): the allocation's gfp mask and order, and the call trace that
 * says whose allocation it was.
 */
static void report_killed_client(int kmsg)
{
	char buf[1024];
	int events = cgroup_open("memory.events", O_RDONLY), in_report = 0, lines = 0;
	ssize_t len;

	len = events >= 0 ? read(events, buf, sizeof(buf) - 1) : -1;
	if (len > 0) {
		buf[len] = 0;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			printf("  %s memory.events: %s\n", cgroup_dir, line);
	}
	if (events >= 0)
		close(events);
	/* Records are "prefix;text\n", one per read(); EAGAIN at the end. */
	while (kmsg >= 0 && lines < 60 && (len = read(kmsg, buf, sizeof(buf) - 1)) > 0) {
		char *text = memchr(buf, ';', (size_t)len);

		buf[len] = 0;
		text = text ? text + 1 : buf;
		if (strstr(text, "invoked oom-killer"))
			in_report = 1;
		else if (strstr(text, "Mem-Info:"))
			in_report = 0;
		if (in_report || strstr(text, "Killed process")) {
			printf("  kernel: %s", text);
			lines++;
		}
	}
}

static void run_in_cgroup(const char *name, void (*fn)(uid_t uid), uid_t uid)
{
	int err = cgroup_create(name), kmsg, status;

	if (err) {
		printf("FAIL %s: cannot create %s: %s\n", name, cgroup_dir, nova_errno_name(err));
		failed++;
		return;
	}
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	status = run(name, fn, uid);
	if (WIFSIGNALED(status))
		report_killed_client(kmsg);
	if (kmsg >= 0)
		close(kmsg);
	rmdir(cgroup_dir);
}

/*
 * The memory cgroup client. Only the driver's allocations may be charged to
 * its cgroup while it is at its limit: a page fault there would have to come
 * from the cgroup's last bytes, and the OOM killer would answer instead of
 * the driver. And nothing charged there may be freed behind the test's back:
 * the room that gives could come just before a GEM_CREATE, letting nova's own
 * allocations fit and the shmem file's after them (which cannot fail without
 * the OOM killer) not. So all of its user memory is locked in before it joins
 * (charged to the parent's cgroup, and never faulted again), and it writes
 * nothing to its output until the limit is gone: a pipe page written from
 * the cgroup is charged to it and uncharged whenever the reader gets to it.
 */
static void test_cgroup_client(uid_t uid)
{
	const uint64_t n = charge_mappings;
	struct drm_nova_vm_bind_op *ops;
	uint64_t c0, c1, c2, c3, fresh = 0, mapped = 0, creates = 0;
	int fd, current, max, err, err_bind = 0, err_create = 0, err_batch = 0, err_max;
	cpu_set_t cpus;
	uint32_t bo;
	char path[400];

	if (lim.max_mappings && lim.max_mappings < 2 * n) {
		printf("  skip: max_mappings is %" PRIu64 ", the client needs %" PRIu64 "\n",
		       lim.max_mappings, 2 * n);
		current_failed = -1;
		return;
	}
	/* The cgroup's per-CPU charge caches: one CPU, one cache. */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	CHECK_ERRNO(sched_setaffinity(0, sizeof(cpus), &cpus) ? errno : 0, 0);
	ops = calloc(lim.max_ops, sizeof(*ops));
	CHECK(ops, "no memory for the operations");
	if (!ops)
		return;
	memset(ops, 0, lim.max_ops * sizeof(*ops));
	CHECK_ERRNO(mlockall(MCL_CURRENT) ? errno : 0, 0);

	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup_dir);
	CHECK_ERRNO(write_file(path, "0"), 0);
	if (uid)
		CHECK_ERRNO(drop_privileges(), 0);
	current = cgroup_open("memory.current", O_RDONLY);
	max = cgroup_open("memory.max", O_WRONLY);
	fd = nova_node_open(NOVA_NODE_RENDER);
	CHECK(current >= 0 && max >= 0 && fd >= 0, "cannot open the cgroup's files or the node");
	if (current_failed)
		return;
	bo = create(fd, lim.page, &err);
	CHECK_ERRNO(err, 0);
	read_counter(current); /* allocates the file's buffer, now */

	/* The charge: memory.current with n mappings, and after. */
	c0 = read_counter(current);
	err = map_slots(fd, bo, 0, n, ops);
	CHECK_ERRNO(err, 0);
	c1 = read_counter(current);
	CHECK_ERRNO(unmap_all(fd), 0);
	c2 = read_counter(current);
	CHECK(c1 > c0, "memory.current did not grow with %" PRIu64 " mappings", n);
	if (current_failed)
		return;
	/* A node holds three tree links and a range: at least 32 bytes. */
	CHECK((c1 - c0) / n >= 32, "%" PRIu64 " bytes per mapping: the nodes are not charged",
	      (c1 - c0) / n);
	CHECK(c2 < c0 + (c1 - c0) / 4, "the charge stayed after unmapping");
	if (current_failed)
		return;

	/*
	 * Pressure: a limit just above what the cgroup holds, then single
	 * MAPs until one fails, then a batch and a GEM_CREATE. Results are
	 * kept until the limit is gone again.
	 */
	c3 = read_counter(current);
	{
		char value[32];
		int len = snprintf(value, sizeof(value), "%" PRIu64, (c3 + (256 << 10)) & ~(uint64_t)4095);

		err_max = pwrite(max, value, len, 0) == len ? 0 : errno;
	}
	/*
	 * GEM_CREATE right after VM_BIND failed, when what is left is less
	 * than a mapping; if it fits all the same (the cgroup got something
	 * back in between), it used up some of that: fill again and retry.
	 */
	for (int round = 0; !err_max && round < 16 && !err_create; round++) {
		for (err_bind = 0; fresh < 4 * n && !err_bind; fresh++) {
			ops[0] = map_op(bo, slot(fresh), lim.page);
			err_bind = bind(fd, ops, 1);
			mapped += !err_bind;
		}
		create(fd, lim.page, &err_create);
		creates += !err_create;
	}
	if (!err_max) {
		for (uint32_t i = 0; i < lim.max_ops; i++)
			ops[i] = map_op(bo, slot(fresh + i), lim.page);
		err_batch = bind(fd, ops, (uint32_t)lim.max_ops);
	}
	close(fd);
	err = pwrite(max, "max", 3, 0) == 3 ? 0 : errno;

	printf("  %" PRIu64 " mappings: memory.current +%" PRIu64 " bytes, %.1f bytes per "
	       "mapping (uid %u); after unmapping %+" PRId64 "\n",
	       n, c1 - c0, (double)(c1 - c0) / (double)n, (unsigned int)uid, (int64_t)(c2 - c0));
	CHECK_ERRNO(err_max, 0);
	CHECK_ERRNO(err, 0);
	printf("  at memory.max = memory.current + 256 KiB: %" PRIu64 " mappings, then VM_BIND %s, "
	       "GEM_CREATE %s (%" PRIu64 " fit before), a %" PRIu64 "-op batch %s\n",
	       mapped, nova_errno_name(err_bind), nova_errno_name(err_create), creates,
	       lim.max_ops, nova_errno_name(err_batch));
	CHECK(mapped > 0, "no mapping fit in 256 KiB");
	CHECK_ERRNO(err_bind, ENOMEM);
	CHECK_ERRNO(err_batch, ENOMEM);
	CHECK_ERRNO(err_create, ENOMEM);
	close(current);
	close(max);
	free(ops);
}

/* --- the mapping limit ------------------------------------------------------------- */

static void test_mapping_limit(uid_t uid)
{
	const uint64_t limit = lim.max_mappings;
	struct drm_nova_vm_bind_op *ops, batch[3];
	uint32_t bo, other_bo;
	int a, b, err;

	if (uid)
		CHECK_ERRNO(drop_privileges(), 0);
	ops = calloc(lim.max_ops, sizeof(*ops));
	a = nova_node_open(NOVA_NODE_RENDER);
	b = nova_node_open(NOVA_NODE_RENDER);
	CHECK(ops && a >= 0 && b >= 0, "cannot open the render node twice");
	CHECK(limit > 1, "NOVA_GETPARAM_MAX_MAPPINGS is %" PRIu64, limit);
	if (current_failed)
		return;
	bo = create(a, lim.page, &err);
	CHECK_ERRNO(err, 0);

	/* Up to the limit, in batches, then one more on its own. */
	CHECK_ERRNO(map_slots(a, bo, 0, limit, ops), 0);
	CHECK_ERRNO(map_slots(a, bo, limit, 1, ops), ENOSPC);
	/* A MAP that replaces one mapping, and MAP + UNMAP, keep the count. */
	CHECK_ERRNO(map_slots(a, bo, 0, 1, ops), 0);
	batch[0] = map_op(bo, slot(limit), lim.page);
	batch[1] = unmap_op(slot(0), lim.page);
	CHECK_ERRNO(bind(a, batch, 2), 0);
	/* Two fresh, one gone: one over; the batch is refused whole. */
	batch[0] = map_op(bo, slot(limit + 1), lim.page);
	batch[1] = map_op(bo, slot(limit + 2), lim.page);
	batch[2] = unmap_op(slot(limit), lim.page);
	CHECK_ERRNO(bind(a, batch, 3), ENOSPC);
	/* Refused whole: slot(limit) is still mapped, so replacing it fits. */
	CHECK_ERRNO(map_slots(a, bo, limit, 1, ops), 0);
	CHECK_ERRNO(map_slots(a, bo, limit + 1, 1, ops), ENOSPC);

	/* The limit is the file's: another file of the same client maps freely. */
	other_bo = create(b, lim.page, &err);
	CHECK_ERRNO(err, 0);
	CHECK_ERRNO(map_slots(b, other_bo, 0, 1, ops), 0);

	/* Freed on close: a new file gets the whole limit again. */
	close(a);
	a = nova_node_open(NOVA_NODE_RENDER);
	CHECK(a >= 0, "cannot reopen the render node");
	if (a >= 0) {
		bo = create(a, lim.page, &err);
		CHECK_ERRNO(err, 0);
		CHECK_ERRNO(map_slots(a, bo, 0, limit, ops), 0);
		CHECK_ERRNO(map_slots(a, bo, limit, 1, ops), ENOSPC);
		close(a);
	}
	printf("  the limit of %" PRIu64 " mappings per file held exactly (uid %u)\n", limit,
	       (unsigned int)uid);
	close(b);
	free(ops);
}

/* --- the unprivileged user's nodes --------------------------------------------------- */

/* DRM makes its nodes 0600 root; this user was given the render node only. */
static void test_render_only(uid_t uid)
{
	struct drm_nova_getparam param = { .param = NOVA_GETPARAM_PAGE_SIZE };
	struct drm_nova_gem_mmap_offset offset = { 0 };
	struct drm_gem_flink flink = { 0 };
	struct drm_nova_vm_bind_op op;
	int render, primary, err;
	void *map;

	CHECK_ERRNO(drop_privileges(), 0);
	(void)uid;
	primary = open(primary_path, O_RDWR | O_CLOEXEC);
	CHECK_ERRNO(primary < 0 ? errno : 0, EACCES);
	if (primary >= 0)
		close(primary);

	/* A whole client's life on the render node. */
	render = open(render_path, O_RDWR | O_CLOEXEC);
	CHECK_ERRNO(render < 0 ? errno : 0, 0);
	if (render < 0)
		return;
	CHECK_ERRNO(nova_ioctl(render, DRM_IOCTL_NOVA_GETPARAM, &param), 0);
	offset.handle = create(render, lim.page, &err);
	CHECK_ERRNO(err, 0);
	CHECK_ERRNO(nova_ioctl(render, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &offset), 0);
	map = mmap(NULL, lim.page, PROT_READ | PROT_WRITE, MAP_SHARED, render,
		   (off_t)offset.offset);
	CHECK(map != MAP_FAILED, "mmap: %s", strerror(errno));
	if (map != MAP_FAILED) {
		memset(map, 0x5a, lim.page);
		munmap(map, lim.page);
	}
	op = map_op(offset.handle, lim.va_start, lim.page);
	CHECK_ERRNO(bind(render, &op, 1), 0);
	/* What only a primary client may do stays closed on it. */
	flink.handle = offset.handle;
	CHECK_ERRNO(nova_ioctl(render, DRM_IOCTL_GEM_FLINK, &flink), EACCES);
	CHECK_ERRNO(nova_ioctl(render, DRM_IOCTL_SET_MASTER, NULL), EACCES);
	close(render);
}

/*
 * A primary node this user may open (the parent made it so, and holds the
 * master role): without CAP_SYS_ADMIN the client is not authenticated, so
 * none of nova's DRM_AUTH ioctls, and it cannot take the master role.
 */
static void test_unauthenticated_primary(uid_t uid)
{
	struct drm_nova_getparam param = { .param = NOVA_GETPARAM_PAGE_SIZE };
	struct drm_nova_gem_create gem = { .size = 4096 };
	struct drm_nova_vm_bind_op op = unmap_op(lim.va_start, lim.page);
	int primary;

	CHECK_ERRNO(drop_privileges(), 0);
	(void)uid;
	primary = open(primary_path, O_RDWR | O_CLOEXEC);
	CHECK_ERRNO(primary < 0 ? errno : 0, 0);
	if (primary < 0)
		return;
	CHECK_ERRNO(nova_ioctl(primary, DRM_IOCTL_NOVA_GETPARAM, &param), 0);
	CHECK_ERRNO(nova_ioctl(primary, DRM_IOCTL_NOVA_GEM_CREATE, &gem), EACCES);
	CHECK_ERRNO(bind(primary, &op, 1), EACCES);
	CHECK_ERRNO(nova_ioctl(primary, DRM_IOCTL_SET_MASTER, NULL), EACCES);
	close(primary);
}

static void unprivileged_nodes(void)
{
	int master = open(primary_path, O_RDWR | O_CLOEXEC);
	struct stat st;

	run("unprivileged-render-only", test_render_only, UNPRIVILEGED);
	if (master < 0 || stat(primary_path, &st) || chmod(primary_path, 0666)) {
		printf("FAIL unprivileged-unauthenticated-primary: %s: %s\n", primary_path,
		       strerror(errno));
		failed++;
	} else {
		run("unprivileged-unauthenticated-primary", test_unauthenticated_primary,
		    UNPRIVILEGED);
		chmod(primary_path, st.st_mode & 07777);
	}
	if (master >= 0)
		close(master);
}

/* --- module parameters --------------------------------------------------------------- */

static const char *module_path;

static int unload(void)
{
	return syscall(SYS_delete_module, "nova", O_NONBLOCK) ? errno : 0;
}

static int load(const char *params)
{
	int fd = open(module_path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return errno;
	err = syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	return err;
}

/* The kernel log from now on: /dev/kmsg at its end. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* True when a record since kmsg_open() contains @needle. */
static int kmsg_has(int fd, const char *needle)
{
	char record[1024];
	ssize_t len;
	int found = 0;

	while ((len = read(fd, record, sizeof(record) - 1)) > 0 || (len < 0 && errno == EPIPE)) {
		if (len <= 0)
			continue;
		record[len] = 0;
		found |= strstr(record, needle) != NULL;
	}
	return found;
}

static uint64_t ram_mib(void)
{
	unsigned long long kib = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib >> 10;
}

static void test_module_parameters(void)
{
	uint64_t cap = ram_mib() > 1024 ? ram_mib() : 1024;
	/* Each refused load, and what the kernel log must say about it. */
	struct {
		char params[96], says[96];
	} refuse[] = {
		{ "max_mappings=0", "nova: max_mappings=0 is out of range" },
		{ "max_mappings=16777217", "nova: max_mappings=16777217 is out of range" },
		{ "object_budget_mib=0", "nova: object_budget_mib=0 is out of range" },
		{ "", "" }, /* the budget one above its cap, below */
		{ "max_object_mib=0", "nova: max_object_mib=0 is out of range" },
		{ "max_object_mib=1025", "nova: max_object_mib=1025 is out of range: 1 to 1024" },
		{ "max_object_mib=512 object_budget_mib=256",
		  "nova: max_object_mib=512 is out of range: 1 to 256" },
	};
	char accept[4][96];
	int kmsg, err;

	snprintf(refuse[3].params, 96, "object_budget_mib=%" PRIu64, cap + 1);
	snprintf(refuse[3].says, 96, "nova: object_budget_mib=%" PRIu64 " is out of range: 1 to %"
		 PRIu64, cap + 1, cap);
	snprintf(accept[0], 96, "max_mappings=1");
	snprintf(accept[1], 96, "max_mappings=16777216");
	snprintf(accept[2], 96, "object_budget_mib=%" PRIu64 " max_object_mib=%" PRIu64, cap, cap);
	snprintf(accept[3], 96, "object_budget_mib=1 max_object_mib=1");

	current_failed = 0;
	kmsg = kmsg_open();
	CHECK(kmsg >= 0, "cannot read /dev/kmsg: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(refuse) / sizeof(refuse[0]) && kmsg >= 0; i++) {
		err = load(refuse[i].params);
		CHECK_ERRNO(err, EINVAL);
		CHECK(kmsg_has(kmsg, refuse[i].says), "insmod nova.ko %s: no \"%s\" in the kernel log",
		      refuse[i].params, refuse[i].says);
		if (!err)
			unload();
		printf("  insmod nova.ko %s: %s\n", refuse[i].params, nova_errno_name(err));
	}
	for (size_t i = 0; i < sizeof(accept) / sizeof(accept[0]); i++) {
		err = load(accept[i]);
		CHECK_ERRNO(err, 0);
		printf("  insmod nova.ko %s: %s\n", accept[i], nova_errno_name(err));
		if (!err)
			CHECK_ERRNO(unload(), 0);
	}
	if (kmsg >= 0)
		close(kmsg);
	if (current_failed) {
		printf("FAIL module-parameters\n");
		failed++;
	} else {
		printf("ok module-parameters\n");
		passed++;
	}
}

/* Reads the limits through a fresh file, and finds the nodes. */
static int read_device(void)
{
	int fd = nova_node_open(NOVA_NODE_RENDER), err;

	if (fd < 0)
		return -fd;
	err = nova_read_limits(fd, &lim);
	close(fd);
	if (err)
		return err;
	if (nova_node_path(NOVA_NODE_RENDER, render_path, sizeof(render_path)) ||
	    nova_node_path(NOVA_NODE_PRIMARY, primary_path, sizeof(primary_path)))
		return ENOENT;
	return lim.uapi_version >= 3 ? 0 : ENOSYS;
}

static void module_phase(void)
{
	int err;

	err = unload();
	if (err) {
		printf("FAIL module-parameters: rmmod nova: %s\n", nova_errno_name(err));
		failed++;
		return;
	}
	test_module_parameters();

	/* The limit again, at a value small enough to pass many times over. */
	char params[32];

	snprintf(params, sizeof(params), "max_mappings=%d", SMALL_LIMIT);
	err = load(params);
	if (err || read_device()) {
		printf("FAIL mapping-limit-small: insmod nova.ko max_mappings=%d: %s\n",
		       SMALL_LIMIT, nova_errno_name(err));
		failed++;
	} else {
		if (lim.max_mappings != SMALL_LIMIT) {
			printf("FAIL mapping-limit-small: GETPARAM says %" PRIu64 "\n",
			       lim.max_mappings);
			failed++;
		}
		run("mapping-limit-small", test_mapping_limit, 0);
		unload();
	}
	/* Back as the harness loaded it. */
	err = load("");
	if (err || read_device()) {
		printf("FAIL module-parameters: reloading nova.ko: %s\n", nova_errno_name(err));
		failed++;
	}
}

int main(int argc, char **argv)
{
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--module") && i + 1 < argc) {
			module_path = argv[++i];
		} else if (!strcmp(argv[i], "--mappings") && i + 1 < argc) {
			charge_mappings = strtoull(argv[++i], NULL, 0);
		} else {
			printf("usage: %s [--module nova.ko] [--mappings N]\n"
			       "Memory cgroup charges and -ENOMEM, the per-file mapping limit, an\n"
			       "unprivileged render-only client, and with --module the module\n"
			       "parameters' ranges (reloads nova; leaves it loaded with defaults).\n"
			       "N mappings measure the charge (default 100000). Needs root.\n"
			       "Prints one line per test and 'limits: N passed, N failed'.\n",
			       argv[0]);
			return strcmp(argv[i], "--help") ? 2 : 0;
		}
	}
	err = read_device();
	if (err) {
		fprintf(stderr, "nova-limits: no usable nova device (uAPI 3): %s\n",
			nova_errno_name(err));
		return 2;
	}
	printf("nova-limits: max_mappings %" PRIu64 ", VM_BIND_MAX_OPS %" PRIu64 "\n",
	       lim.max_mappings, lim.max_ops);

	err = cgroup_setup();
	if (err == ENODEV) {
		/* A kernel without CONFIG_MEMCG: nothing to charge to. */
		printf("skip cgroup-charge-and-enomem: the kernel has no memory controller\n");
		skipped += 2;
	} else if (err) {
		printf("FAIL cgroup: cannot set up a memory cgroup: %s\n", nova_errno_name(err));
		failed++;
	} else {
		have_memcg = 1;
		run_in_cgroup("cgroup-charge-and-enomem", test_cgroup_client, 0);
	}
	run("mapping-limit", test_mapping_limit, 0);

	/* The same clients as a user who may open the render node only. */
	err = own_render_node(UNPRIVILEGED);
	CHECK_ERRNO(err, 0);
	if (!err) {
		if (have_memcg)
			run_in_cgroup("cgroup-charge-and-enomem-unprivileged", test_cgroup_client,
				      UNPRIVILEGED);
		run("mapping-limit-unprivileged", test_mapping_limit, UNPRIVILEGED);
		unprivileged_nodes();
		own_render_node(0);
	}

	if (module_path)
		module_phase();

	printf("limits: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}

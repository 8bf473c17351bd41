// SPDX-License-Identifier: GPL-2.0
/*
 * nova-isolation: one client must not see, map or close another client's
 * objects, nor touch its GPU VA space; a render-node client gets nova's
 * ioctls and only the DRM core ioctls render nodes allow; an
 * unauthenticated primary-node client gets none of nova's DRM_AUTH ioctls.
 *
 * Each test opens its own files, so the clients are distinct drm_files; the
 * device-wide debugfs counters show what the kernel holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

static int passed, failed, skipped;
static const char *current;
static int current_failed;
static struct nova_limits lim;

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

static int open_node(enum nova_node node)
{
	int fd = nova_node_open(node);

	if (fd < 0) {
		printf("  FAIL: cannot open nova's %s node: %s\n",
		       node == NOVA_NODE_RENDER ? "render" : "primary", nova_errno_name(-fd));
		current_failed = 1;
	}
	return fd;
}

static uint32_t create(int fd, uint64_t pages)
{
	struct drm_nova_gem_create args = { .size = pages * lim.page };
	int err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &args);

	CHECK_ERRNO(err, 0);
	return err ? 0 : args.handle;
}

static int info(int fd, uint32_t handle, uint64_t *size)
{
	struct drm_nova_gem_info args = { .handle = handle };
	int err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_INFO, &args);

	if (!err && size)
		*size = args.size;
	return err;
}

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return nova_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

static int mmap_offset(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_nova_gem_mmap_offset args = { .handle = handle };
	int err = nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &args);

	if (!err)
		*offset = args.offset;
	return err;
}

static int bind(int fd, uint32_t op_type, uint32_t handle, uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op op = { .op = op_type, .handle = handle, .va = va, .range = range };
	struct drm_nova_vm_bind args = { .op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op };

	return nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &args);
}

static uint64_t stat_of(const char *key)
{
	struct nova_stats s;

	if (nova_read_stats(&s)) {
		CHECK(0, "cannot read nova_stats in debugfs");
		return ~0ull;
	}
	if (!strcmp(key, "objects"))
		return s.objects;
	if (!strcmp(key, "files"))
		return s.files;
	return s.mappings;
}

/* The same handle number names a different object in each file. */
static void test_handles_are_per_file(void)
{
	int a = open_node(NOVA_NODE_RENDER), b = open_node(NOVA_NODE_RENDER);
	uint32_t ha, hb;
	uint64_t size = 0;

	if (a < 0 || b < 0)
		return;
	ha = create(a, 2);
	CHECK_ERRNO(info(b, ha, NULL), ENOENT);
	hb = create(b, 3);
	CHECK(ha == hb, "the first handle of each file is the same number (%u, %u)", ha, hb);
	CHECK_ERRNO(info(a, ha, &size), 0);
	CHECK(size == 2 * lim.page, "A sees its own 2-page object, not B's (size %" PRIu64 ")", size);
	CHECK_ERRNO(info(b, hb, &size), 0);
	CHECK(size == 3 * lim.page, "B sees its own 3-page object (size %" PRIu64 ")", size);
	close(a);
	close(b);
}

/* B can neither query, map, bind nor close A's object. */
static void test_foreign_handle_refused(void)
{
	int a = open_node(NOVA_NODE_RENDER), b = open_node(NOVA_NODE_RENDER);
	uint64_t offset = 0, size = 0;
	uint32_t ha;

	if (a < 0 || b < 0)
		return;
	ha = create(a, 1);
	CHECK_ERRNO(info(b, ha, NULL), ENOENT);
	CHECK_ERRNO(mmap_offset(b, ha, &offset), ENOENT);
	CHECK_ERRNO(bind(b, NOVA_VM_BIND_OP_MAP, ha, lim.va_start, lim.page), ENOENT);
	CHECK_ERRNO(gem_close(b, ha), EINVAL);
	CHECK_ERRNO(info(a, ha, &size), 0);
	CHECK(size == lim.page, "A's object survived B's GEM_CLOSE");
	close(a);
	close(b);
}

/* A's fake mmap offset is useless on B's file. */
static void test_foreign_mmap_refused(void)
{
	int a = open_node(NOVA_NODE_RENDER), b = open_node(NOVA_NODE_PRIMARY);
	uint64_t offset = 0;
	uint32_t ha;
	void *ptr;

	if (a < 0 || b < 0)
		return;
	ha = create(a, 1);
	CHECK_ERRNO(mmap_offset(a, ha, &offset), 0);
	ptr = mmap(NULL, lim.page, PROT_READ | PROT_WRITE, MAP_SHARED, b, (off_t)offset);
	CHECK(ptr == MAP_FAILED && errno == EACCES, "mmap via another file: %s",
	      ptr == MAP_FAILED ? nova_errno_name(errno) : "succeeded");
	if (ptr != MAP_FAILED)
		munmap(ptr, lim.page);
	ptr = mmap(NULL, lim.page, PROT_READ | PROT_WRITE, MAP_SHARED, a, (off_t)offset);
	CHECK(ptr != MAP_FAILED, "mmap via the owner's file: %s", nova_errno_name(errno));
	if (ptr != MAP_FAILED) {
		*(volatile uint8_t *)ptr = 1;
		munmap(ptr, lim.page);
	}
	close(a);
	close(b);
}

/* Each file has a VA space of its own: B's unmaps and maps leave A's alone. */
static void test_va_spaces_are_per_file(void)
{
	int a = open_node(NOVA_NODE_RENDER), b = open_node(NOVA_NODE_RENDER);
	uint64_t before = stat_of("mappings");
	uint32_t ha, hb;

	if (a < 0 || b < 0)
		return;
	ha = create(a, 1);
	hb = create(b, 1);
	CHECK_ERRNO(bind(a, NOVA_VM_BIND_OP_MAP, ha, lim.va_start, lim.page), 0);
	CHECK(stat_of("mappings") == before + 1, "A's mapping is counted");
	CHECK_ERRNO(bind(b, NOVA_VM_BIND_OP_UNMAP, 0, lim.va_start, lim.va_end - lim.va_start), 0);
	CHECK(stat_of("mappings") == before + 1, "B's unmap of everything left A's mapping");
	CHECK_ERRNO(bind(b, NOVA_VM_BIND_OP_MAP, hb, lim.va_start, lim.page), 0);
	CHECK(stat_of("mappings") == before + 2, "B maps the same VA in its own space");
	close(b);
	CHECK(stat_of("mappings") == before + 1, "closing B released B's mapping only");
	CHECK_ERRNO(gem_close(a, ha), 0);
	CHECK(stat_of("objects") >= 1, "A's mapping keeps its object after the handle closed");
	close(a);
	CHECK(stat_of("mappings") == before, "closing A released A's mapping");
}

/* Closing one client's file frees its objects, never another's. */
static void test_close_frees_own_only(void)
{
	int a = open_node(NOVA_NODE_RENDER), b = open_node(NOVA_NODE_RENDER);
	uint64_t before = stat_of("objects");
	uint32_t ha;

	if (a < 0 || b < 0)
		return;
	ha = create(a, 1);
	create(b, 1);
	create(b, 1);
	CHECK(stat_of("objects") == before + 3, "three objects live");
	close(b);
	CHECK(stat_of("objects") == before + 1, "B's two objects went with B's file");
	CHECK_ERRNO(info(a, ha, NULL), 0);
	close(a);
	CHECK(stat_of("objects") == before, "A's object went with A's file");
}

/* A render node: nova's ioctls yes, the DRM core's primary-only ioctls no. */
static void test_render_node_ioctls(void)
{
	int r = open_node(NOVA_NODE_RENDER);
	struct drm_nova_getparam param = { .param = NOVA_GETPARAM_PAGE_SIZE };
	struct drm_gem_flink flink = { 0 };
	struct drm_gem_open gopen = { .name = 1 };
	struct drm_auth auth = { 0 };
	struct drm_unique unique = { 0 };
	uint64_t offset;
	uint32_t h;

	if (r < 0)
		return;
	CHECK_ERRNO(nova_ioctl(r, DRM_IOCTL_NOVA_GETPARAM, &param), 0);
	h = create(r, 1);
	CHECK_ERRNO(info(r, h, NULL), 0);
	CHECK_ERRNO(mmap_offset(r, h, &offset), 0);
	CHECK_ERRNO(bind(r, NOVA_VM_BIND_OP_MAP, h, lim.va_start, lim.page), 0);
	flink.handle = h;
	CHECK_ERRNO(nova_ioctl(r, DRM_IOCTL_GEM_FLINK, &flink), EACCES);
	CHECK_ERRNO(nova_ioctl(r, DRM_IOCTL_GEM_OPEN, &gopen), EACCES);
	CHECK_ERRNO(nova_ioctl(r, DRM_IOCTL_GET_MAGIC, &auth), EACCES);
	CHECK_ERRNO(nova_ioctl(r, DRM_IOCTL_AUTH_MAGIC, &auth), EACCES);
	CHECK_ERRNO(nova_ioctl(r, DRM_IOCTL_SET_MASTER, NULL), EACCES);
	CHECK_ERRNO(nova_ioctl(r, DRM_IOCTL_DROP_MASTER, NULL), EACCES);
	CHECK_ERRNO(nova_ioctl(r, DRM_IOCTL_GET_UNIQUE, &unique), EACCES);
	CHECK_ERRNO(gem_close(r, h), 0);
	close(r);
}

/* A global (flink) name made on the primary node is out of a render client's reach. */
static void test_flink_name_unreachable_from_render(void)
{
	int p = open_node(NOVA_NODE_PRIMARY), r = open_node(NOVA_NODE_RENDER);
	struct drm_gem_flink flink = { 0 };
	struct drm_gem_open gopen = { 0 };

	if (p < 0 || r < 0)
		return;
	flink.handle = create(p, 1);
	CHECK_ERRNO(nova_ioctl(p, DRM_IOCTL_GEM_FLINK, &flink), 0);
	gopen.name = flink.name;
	CHECK_ERRNO(nova_ioctl(r, DRM_IOCTL_GEM_OPEN, &gopen), EACCES);
	close(p);
	close(r);
}

/*
 * Sets or clears CAP_SYS_ADMIN in this thread's effective set (raw capset:
 * capabilities are per thread). The DRM core authenticates every primary
 * client that opens with CAP_SYS_ADMIN, so the tests run as root would never
 * meet an unauthenticated one otherwise.
 */
static int set_sys_admin(int on)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return errno;
	if (on)
		data[0].effective |= 1u << CAP_SYS_ADMIN;
	else
		data[0].effective &= ~(1u << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, data) ? errno : 0;
}

/* A second primary client is not authenticated: no DRM_AUTH ioctls until the master says so. */
static void test_unauthenticated_primary(void)
{
	int master = open_node(NOVA_NODE_PRIMARY), other;

	CHECK_ERRNO(set_sys_admin(0), 0);
	other = open_node(NOVA_NODE_PRIMARY);
	CHECK_ERRNO(set_sys_admin(1), 0);
	struct drm_nova_getparam param = { .param = NOVA_GETPARAM_PAGE_SIZE };
	struct drm_nova_gem_create gem = { .size = 4096 };
	struct drm_auth auth = { 0 };

	if (master < 0 || other < 0)
		return;
	CHECK_ERRNO(nova_ioctl(other, DRM_IOCTL_NOVA_GETPARAM, &param), 0);
	CHECK_ERRNO(nova_ioctl(other, DRM_IOCTL_NOVA_GEM_CREATE, &gem), EACCES);
	CHECK_ERRNO(info(other, 1, NULL), EACCES);
	CHECK_ERRNO(bind(other, NOVA_VM_BIND_OP_UNMAP, 0, lim.va_start, lim.page), EACCES);
	CHECK_ERRNO(nova_ioctl(other, DRM_IOCTL_AUTH_MAGIC, &auth), EACCES);
	CHECK_ERRNO(nova_ioctl(other, DRM_IOCTL_GET_MAGIC, &auth), 0);
	CHECK_ERRNO(nova_ioctl(master, DRM_IOCTL_AUTH_MAGIC, &auth), 0);
	CHECK_ERRNO(nova_ioctl(other, DRM_IOCTL_NOVA_GEM_CREATE, &gem), 0);
	close(other);
	close(master);
}

/* PRIME: a dma-buf gives the importer its own handle; its close is its own. */
static void test_prime_import_is_own_handle(void)
{
	int a = open_node(NOVA_NODE_RENDER), b = open_node(NOVA_NODE_RENDER);
	struct drm_prime_handle exp = { .flags = DRM_CLOEXEC, .fd = -1 }, imp = { .fd = -1 };
	uint64_t size = 0;
	int err;

	if (a < 0 || b < 0)
		return;
	exp.handle = create(a, 2);
	err = nova_ioctl(a, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp);
	if (err == ENOSYS || err == EOPNOTSUPP) {
		/* The DRM core's answer for a driver without PRIME: documented. */
		printf("  skip: PRIME export not supported by this nova (%s)\n", nova_errno_name(err));
		skipped++;
		current_failed = -1;
		close(a);
		close(b);
		return;
	}
	CHECK_ERRNO(err, 0);
	imp.fd = exp.fd;
	CHECK_ERRNO(nova_ioctl(b, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp), 0);
	CHECK_ERRNO(info(b, imp.handle, &size), 0);
	CHECK(size == 2 * lim.page, "the importer sees the object's size");
	CHECK_ERRNO(gem_close(b, imp.handle), 0);
	CHECK_ERRNO(info(a, exp.handle, NULL), 0);
	close(exp.fd);
	close(a);
	close(b);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "handles-are-per-file", test_handles_are_per_file },
	{ "foreign-handle-refused", test_foreign_handle_refused },
	{ "foreign-mmap-refused", test_foreign_mmap_refused },
	{ "va-spaces-are-per-file", test_va_spaces_are_per_file },
	{ "close-frees-own-only", test_close_frees_own_only },
	{ "render-node-ioctls", test_render_node_ioctls },
	{ "flink-name-unreachable-from-render", test_flink_name_unreachable_from_render },
	{ "unauthenticated-primary", test_unauthenticated_primary },
	{ "prime-import-is-own-handle", test_prime_import_is_own_handle },
};

int main(int argc, char **argv)
{
	int fd;

	if (argc > 1) {
		printf("usage: %s\n"
		       "Isolation between nova clients and between render and primary nodes;\n"
		       "prints one line per test and 'isolation: N passed, N failed'.\n", argv[0]);
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	fd = nova_node_open(NOVA_NODE_RENDER);
	if (fd < 0 || nova_read_limits(fd, &lim)) {
		fprintf(stderr, "nova-isolation: no usable nova render node\n");
		return 2;
	}
	close(fd);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		current = tests[i].name;
		current_failed = 0;
		tests[i].fn();
		if (current_failed > 0) {
			printf("FAIL %s\n", current);
			failed++;
		} else if (current_failed == 0) {
			printf("ok %s\n", current);
			passed++;
		}
	}
	printf("isolation: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}

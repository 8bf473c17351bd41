// SPDX-License-Identifier: MIT
/*
 * PRIME through the real driver: export and import, handle de-duplication
 * (the same dma-buf imported twice is one nova_bo), contents shared between
 * files, a dma-buf outliving its exporter, the error paths, and round trips
 * with vgem, the other driver the test guest loads: a vgem dumb buffer
 * imported into nova and back keeps its bytes, and so does a nova buffer
 * imported into vgem.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "runner.h"
#include "util.h"
#include "vm_util.h"

#define KIB	1024ull

static enum test_result prime_import_twice_one_object(void)
{
	struct nova_device *dev;
	struct nova_bo *bo, *a, *b;
	uint32_t handle;
	int fd, fd2;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_create(dev, 16 * KIB, &bo));
	handle = nova_bo_handle(bo);
	CHECK_OK(nova_bo_export(bo, &fd));
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK_OK(nova_bo_export(bo, &fd2));

	/* Its own dma-buf comes back as the object itself, twice. */
	CHECK_OK(nova_bo_import(dev, fd, &a));
	CHECK(a == bo);
	CHECK_OK(nova_bo_import(dev, fd2, &b));
	CHECK(b == bo);
	close(fd);
	close(fd2);

	/* Three references now: the handle stays until the last one goes. */
	nova_bo_unref(a);
	nova_bo_unref(b);
	CHECK_OK(raw_gem_info(nova_device_fd(dev), handle, NULL));
	nova_bo_unref(bo);
	CHECK_ERR(raw_gem_info(nova_device_fd(dev), handle, NULL), -ENOENT);
	nova_device_close(dev);
	return TEST_PASS;
}

/* Another file imports twice: one nova_bo there, the same memory as here. */
static enum test_result prime_other_device_shares(void)
{
	struct nova_device *exporter, *importer;
	struct nova_bo *bo, *a, *b;
	uint8_t *p, *q;
	uint64_t size;
	int fd;

	CHECK_OK(nova_device_open(&exporter));
	CHECK_OK(nova_device_open(&importer));
	CHECK_OK(nova_bo_create(exporter, 40 * KIB, &bo));
	size = nova_bo_size(bo);
	CHECK_OK(nova_bo_export(bo, &fd));

	CHECK_OK(nova_bo_import(importer, fd, &a));
	CHECK_OK(nova_bo_import(importer, fd, &b));
	CHECK(a == b);
	CHECK(a != bo);
	CHECK(nova_bo_device(a) == importer);
	CHECK_U64(nova_bo_size(a), ==, size);

	CHECK_OK(nova_bo_map(bo, (void **)&p));
	CHECK_OK(nova_bo_map(a, (void **)&q));
	fill_pattern(p, size, 11);
	CHECK_U64(count_mismatches(q, size, 11), ==, 0);
	fill_pattern(q, size, 12);
	CHECK_U64(count_mismatches(p, size, 12), ==, 0);

	nova_bo_unref(b);
	nova_bo_unref(a);
	nova_bo_unref(bo);
	close(fd);
	nova_device_close(importer);
	nova_device_close(exporter);
	return TEST_PASS;
}

/* The dma-buf keeps the object after its last reference and its device go. */
static enum test_result prime_dmabuf_outlives_exporter(void)
{
	struct nova_device *dev;
	struct nova_bo *bo;
	uint8_t *p;
	int fd;

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_create(dev, 8 * KIB, &bo));
	CHECK_OK(nova_bo_map(bo, (void **)&p));
	fill_pattern(p, 8 * KIB, 21);
	CHECK_OK(nova_bo_export(bo, &fd));
	nova_bo_unref(bo);
	nova_device_close(dev);

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_import(dev, fd, &bo));
	close(fd);
	CHECK_U64(nova_bo_size(bo), ==, 8 * KIB);
	CHECK_OK(nova_bo_map(bo, (void **)&p));
	CHECK_U64(count_mismatches(p, 8 * KIB, 21), ==, 0);
	nova_bo_unref(bo);
	nova_device_close(dev);
	return TEST_PASS;
}

static enum test_result prime_errors(void)
{
	struct nova_device *dev;
	struct nova_bo *bo = (struct nova_bo *)&bo;
	int fd = 1234, pipefd[2], devnull, closed;

	CHECK_OK(nova_device_open(&dev));

	CHECK_ERR(nova_bo_export(NULL, &fd), -EINVAL);
	CHECK(fd == -1);
	CHECK_ERR(nova_bo_import(NULL, 0, &bo), -EINVAL);
	CHECK(bo == NULL);
	CHECK_ERR(nova_bo_import(dev, 0, NULL), -EINVAL);

	/* Negative, closed, and open but not a dma-buf. */
	CHECK_ERR(nova_bo_import(dev, -1, &bo), -EBADF);
	closed = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(closed >= 0);
	close(closed);
	CHECK_ERR(nova_bo_import(dev, closed, &bo), -EBADF);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(devnull >= 0);
	CHECK_ERR(nova_bo_import(dev, devnull, &bo), -EINVAL);
	CHECK(pipe(pipefd) == 0);
	CHECK_ERR(nova_bo_import(dev, pipefd[0], &bo), -EINVAL);
	CHECK_ERR(nova_bo_import(dev, nova_device_fd(dev), &bo), -EINVAL);
	CHECK(bo == NULL);
	close(devnull);
	close(pipefd[0]);
	close(pipefd[1]);

	/* The kernel's side, as Documentation/uapi.rst states it. */
	{
		struct drm_prime_handle args = { .handle = 12345, .flags = DRM_CLOEXEC };

		CHECK_ERR(raw_ioctl(nova_device_fd(dev), DRM_IOCTL_PRIME_HANDLE_TO_FD, &args),
			  -ENOENT);
		CHECK_OK(nova_bo_create(dev, 4 * KIB, &bo));
		args.handle = nova_bo_handle(bo);
		args.flags = 0x1;	/* neither DRM_CLOEXEC nor DRM_RDWR */
		CHECK_ERR(raw_ioctl(nova_device_fd(dev), DRM_IOCTL_PRIME_HANDLE_TO_FD, &args),
			  -EINVAL);
		nova_bo_unref(bo);
	}

	/* A nova_bo whose handle was closed behind libnova's back. */
	CHECK_OK(nova_device_set_bo_cache(dev, 0));
	CHECK_OK(nova_bo_create(dev, 4 * KIB, &bo));
	CHECK_OK(raw_gem_close(nova_device_fd(dev), nova_bo_handle(bo)));
	CHECK_ERR(nova_bo_export(bo, &fd), -ENOENT);
	CHECK(fd == -1);
	nova_bo_unref(bo);

	nova_device_close(dev);
	return TEST_PASS;
}

/* A file descriptor of the first DRM node whose driver is @name, or -ENODEV. */
static int open_driver(const char *name)
{
	struct dirent *entry;
	DIR *dir;
	int found = -ENODEV;

	dir = opendir("/dev/dri");
	if (!dir)
		return -errno;
	while (found < 0 && (entry = readdir(dir))) {
		char path[300];
		drmVersionPtr version;
		int fd;

		if (strncmp(entry->d_name, "card", 4) && strncmp(entry->d_name, "renderD", 7))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", entry->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		version = drmGetVersion(fd);
		if (version && strcmp(version->name, name) == 0)
			found = fd;
		else
			close(fd);
		drmFreeVersion(version);
	}
	closedir(dir);
	return found;
}

struct vgem_buffer {
	int fd;
	uint32_t handle;
	uint64_t size;
	uint8_t *map;
};

static int vgem_create(struct vgem_buffer *buf, uint32_t width, uint32_t height)
{
	struct drm_mode_create_dumb create = { .width = width, .height = height, .bpp = 32 };
	int ret;

	ret = raw_ioctl(buf->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	if (ret)
		return ret;
	buf->handle = create.handle;
	buf->size = create.size;
	return 0;
}

static int vgem_map(struct vgem_buffer *buf)
{
	struct drm_mode_map_dumb map = { .handle = buf->handle };
	void *p;
	int ret;

	ret = raw_ioctl(buf->fd, DRM_IOCTL_MODE_MAP_DUMB, &map);
	if (ret)
		return ret;
	p = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, buf->fd,
		 (off_t)map.offset);
	if (p == MAP_FAILED)
		return -errno;
	buf->map = p;
	return 0;
}

#define OPEN_VGEM(fd)							\
	do {								\
		(fd) = open_driver("vgem");				\
		if ((fd) < 0)						\
			SKIP("no vgem device (%s): load the vgem module", \
			     test_errname(fd));				\
	} while (0)

/* vgem -> nova -> vgem: the bytes survive both ways, through every mapping. */
static enum test_result prime_vgem_roundtrip(void)
{
	struct vgem_buffer buf = { 0 };
	struct nova_device *dev;
	struct nova_bo *bo, *again;
	uint32_t back;
	uint64_t size;
	uint8_t *p;
	int fd, fd2;

	OPEN_VGEM(buf.fd);
	CHECK_OK(vgem_create(&buf, 128, 64));	/* 32 KiB */
	CHECK_OK(vgem_map(&buf));
	fill_pattern(buf.map, buf.size, 31);
	CHECK_OK(drmPrimeHandleToFD(buf.fd, buf.handle, DRM_CLOEXEC | DRM_RDWR, &fd) ?
		 -errno : 0);

	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_import(dev, fd, &bo));
	CHECK_OK(nova_bo_import(dev, fd, &again));
	CHECK(again == bo);
	nova_bo_unref(again);
	close(fd);

	/* nova answers GEM_INFO for the foreign object. */
	CHECK_U64(nova_bo_size(bo), ==, buf.size);
	CHECK_OK(nova_bo_query_size(dev, nova_bo_handle(bo), &size));
	CHECK_U64(size, ==, buf.size);

	CHECK_OK(nova_bo_map(bo, (void **)&p));
	CHECK_U64(count_mismatches(p, buf.size, 31), ==, 0);
	fill_pattern(p, buf.size, 32);
	CHECK_U64(count_mismatches(buf.map, buf.size, 32), ==, 0);

	/* And back: vgem finds its own object behind nova's export. */
	CHECK_OK(nova_bo_export(bo, &fd2));
	CHECK_OK(drmPrimeFDToHandle(buf.fd, fd2, &back) ? -errno : 0);
	CHECK_U64(back, ==, buf.handle);
	close(fd2);
	nova_bo_unref(bo);
	nova_device_close(dev);

	/* nova is gone; vgem's object keeps the last bytes nova wrote. */
	CHECK_U64(count_mismatches(buf.map, buf.size, 32), ==, 0);
	munmap(buf.map, buf.size);
	close(buf.fd);
	return TEST_PASS;
}

/*
 * nova -> vgem -> nova. vgem cannot map an imported object itself (dumb
 * mapping refuses imports), so its side is read through the dma-buf it
 * exports again, which must be nova's own: nova's import finds its object.
 */
static enum test_result prime_nova_to_vgem(void)
{
	struct nova_device *dev;
	struct nova_bo *bo, *back;
	uint32_t vgem_handle;
	uint8_t *p, *q;
	int vgem, fd, fd2;

	OPEN_VGEM(vgem);
	CHECK_OK(nova_device_open(&dev));
	CHECK_OK(nova_bo_create(dev, 24 * KIB, &bo));
	CHECK_OK(nova_bo_map(bo, (void **)&p));
	fill_pattern(p, 24 * KIB, 41);
	CHECK_OK(nova_bo_export(bo, &fd));

	CHECK_OK(drmPrimeFDToHandle(vgem, fd, &vgem_handle) ? -errno : 0);
	close(fd);
	CHECK_OK(drmPrimeHandleToFD(vgem, vgem_handle, DRM_CLOEXEC | DRM_RDWR, &fd2) ?
		 -errno : 0);
	q = mmap(NULL, 24 * KIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	CHECK(q != MAP_FAILED);
	CHECK_U64(count_mismatches(q, 24 * KIB, 41), ==, 0);
	fill_pattern(q, 24 * KIB, 42);
	CHECK_U64(count_mismatches(p, 24 * KIB, 42), ==, 0);

	CHECK_OK(nova_bo_import(dev, fd2, &back));
	CHECK(back == bo);
	close(fd2);
	nova_bo_unref(back);
	nova_bo_unref(bo);
	nova_device_close(dev);

	/* vgem's handle still holds the object nova let go of. */
	CHECK_U64(count_mismatches(q, 24 * KIB, 42), ==, 0);
	munmap(q, 24 * KIB);
	close(vgem);
	return TEST_PASS;
}

/*
 * An imported vgem object in the GPU VA space: VM_BIND takes it (debugfs
 * shows object id 0, "foreign"), and it is not counted in nova's objects.
 */
static enum test_result prime_vgem_vm_bind(void)
{
	struct vgem_buffer buf = { 0 };
	uint64_t objects_before, objects;
	struct vm_mapping maps[4];
	struct vm_env env;
	struct nova_vm *vm;
	struct nova_bo *bo;
	int fd, n;

	OPEN_VGEM(buf.fd);
	VM_ENV_OPEN(&env, true);
	CHECK_OK(nova_device_get_vm(env.dev, &vm));
	CHECK_OK(vm_read_stat(&env, "objects", &objects_before));

	CHECK_OK(vgem_create(&buf, 64, 64));		/* 16 KiB */
	CHECK_OK(drmPrimeHandleToFD(buf.fd, buf.handle, DRM_CLOEXEC | DRM_RDWR, &fd) ?
		 -errno : 0);
	CHECK_OK(nova_bo_import(env.dev, fd, &bo));
	close(fd);
	CHECK_OK(vm_read_stat(&env, "objects", &objects));
	CHECK_U64(objects, ==, objects_before);

	CHECK_OK(nova_vm_map(vm, bo, 0, vm_va(&env, 4), buf.size, 0));
	n = vm_read_mappings(&env, maps, 4);
	CHECK_ERR(n < 0 ? n : 0, 0);
	CHECK(n == 1);
	CHECK_U64(maps[0].start, ==, vm_va(&env, 4));
	CHECK_U64(maps[0].end - maps[0].start, ==, buf.size);
	CHECK_U64(maps[0].object, ==, 0);
	CHECK_OK(nova_vm_unmap(vm, vm_va(&env, 4), buf.size));

	nova_bo_unref(bo);
	nova_device_close(env.dev);
	close(buf.fd);
	return TEST_PASS;
}

const struct test_case prime_tests[] = {
	{ "prime_import_twice_one_object", prime_import_twice_one_object, TEST_NEEDS_DEVICE },
	{ "prime_other_device_shares", prime_other_device_shares, TEST_NEEDS_DEVICE },
	{ "prime_dmabuf_outlives_exporter", prime_dmabuf_outlives_exporter, TEST_NEEDS_DEVICE },
	{ "prime_errors", prime_errors, TEST_NEEDS_DEVICE },
	{ "prime_vgem_roundtrip", prime_vgem_roundtrip, TEST_NEEDS_DEVICE },
	{ "prime_nova_to_vgem", prime_nova_to_vgem, TEST_NEEDS_DEVICE },
	{ "prime_vgem_vm_bind", prime_vgem_vm_bind, TEST_NEEDS_DEVICE },
	{ NULL, NULL, 0 },
};

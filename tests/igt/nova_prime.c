// SPDX-License-Identifier: MIT
/*
 * nova_prime: sharing nova's GEM objects through dma-bufs with DRM's PRIME
 * ioctls: export and import within nova (the same object comes back, the
 * same handle in the exporting file), an object kept alive by its dma-buf
 * alone, VM_BIND of an imported object, buffers shared with vgem in both
 * directions, and the errors PRIME gives for bad handles, flags and fds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "nova_helpers.h"

IGT_TEST_DESCRIPTION("PRIME export and import of nova's GEM objects, within nova and with vgem");

/* File scope: see nova_basic.c. */
static int fd = -1;
static int other_fd = -1;
static struct nova_device_info info;
static uint64_t budget_free;

static int __prime_export(int dev, uint32_t handle, uint32_t flags, int *dmabuf)
{
	struct drm_prime_handle args = { .handle = handle, .flags = flags, .fd = -1 };
	int ret = __nova_ioctl(dev, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args);

	*dmabuf = args.fd;
	return ret;
}

static int prime_export(int dev, uint32_t handle)
{
	int dmabuf;

	igt_assert_eq(__prime_export(dev, handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf), 0);
	igt_assert_lte(0, dmabuf);
	return dmabuf;
}

static int __prime_import(int dev, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle args = { .fd = dmabuf };
	int ret = __nova_ioctl(dev, DRM_IOCTL_PRIME_FD_TO_HANDLE, &args);

	*handle = args.handle;
	return ret;
}

static uint32_t prime_import(int dev, int dmabuf)
{
	uint32_t handle = 0;

	igt_assert_eq(__prime_import(dev, dmabuf, &handle), 0);
	igt_assert_neq_u32(handle, 0);
	return handle;
}

static void fill(uint32_t *p, size_t bytes, uint32_t seed)
{
	for (size_t i = 0; i < bytes / sizeof(*p); i++)
		p[i] = seed ^ (uint32_t)(i * 2654435761u);
}

static void check(const uint32_t *p, size_t bytes, uint32_t seed)
{
	for (size_t i = 0; i < bytes / sizeof(*p); i++)
		igt_assert_f(p[i] == (seed ^ (uint32_t)(i * 2654435761u)),
			     "word %zu is %#x\n", i, p[i]);
}

/* The primary node of the first DRM device whose driver is vgem, or -1. */
static int open_vgem(void)
{
	char path[64];

	for (int minor = 0; minor < 64; minor++) {
		drmVersionPtr version;
		bool vgem;
		int dev;

		snprintf(path, sizeof(path), "/dev/dri/card%d", minor);
		dev = open(path, O_RDWR | O_CLOEXEC);
		if (dev < 0)
			continue;
		version = drmGetVersion(dev);
		vgem = version && version->name && strcmp(version->name, "vgem") == 0;
		drmFreeVersion(version);
		if (vgem)
			return dev;
		close(dev);
	}
	return -1;
}

/* A vgem dumb buffer of @width x @height 32-bit pixels, CPU-mapped. */
static uint32_t vgem_create(int vgem, uint32_t width, uint32_t height, uint64_t *size,
			    uint32_t **map)
{
	struct drm_mode_create_dumb create = { .width = width, .height = height, .bpp = 32 };
	struct drm_mode_map_dumb offset = { 0 };
	void *p;

	igt_assert_eq(__nova_ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &create), 0);
	offset.handle = create.handle;
	igt_assert_eq(__nova_ioctl(vgem, DRM_IOCTL_MODE_MAP_DUMB, &offset), 0);
	p = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, vgem,
		 (off_t)offset.offset);
	igt_assert(p != MAP_FAILED);
	*size = create.size;
	*map = p;
	return create.handle;
}

static int vm_bind_one(int dev, uint32_t op, uint32_t handle, uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op bind_op = {
		.op = op, .handle = handle, .va = va, .range = range,
	};
	struct drm_nova_vm_bind args = {
		.op_count = 1, .op_stride = sizeof(bind_op), .ops = (uintptr_t)&bind_op,
	};

	return __nova_ioctl_vm_bind(dev, &args);
}

igt_main
{
	igt_fixture {
		fd = nova_open_render();
		other_fd = nova_open_render();
		nova_get_device_info(fd, &info);
		budget_free = nova_budget_available(fd, &info);
	}

	igt_describe("Importing a dma-buf into the file that exported it gives "
		     "back the exporting handle, however often it is imported.");
	igt_subtest("self-import-same-handle") {
		uint32_t handle = nova_gem_create(fd, info.page_size);
		int dmabuf = prime_export(fd, handle);
		int again = prime_export(fd, handle);

		igt_assert_eq_u32(prime_import(fd, dmabuf), handle);
		igt_assert_eq_u32(prime_import(fd, again), handle);
		igt_assert_eq_u32(prime_import(fd, dmabuf), handle);
		close(again);
		close(dmabuf);
		gem_close(fd, handle);
	}

	igt_describe("Another file imports the same object: one handle for "
		     "every import, the object's size, and shared contents.");
	igt_subtest("import-other-file") {
		const uint64_t size = 8 * info.page_size;
		uint32_t handle = nova_gem_create(fd, size);
		int dmabuf = prime_export(fd, handle);
		uint32_t imported = prime_import(other_fd, dmabuf);
		uint32_t *a, *b;

		igt_assert_eq_u32(prime_import(other_fd, dmabuf), imported);
		igt_assert_eq_u64(nova_gem_info(other_fd, imported), size);
		a = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
		b = nova_gem_mmap(other_fd, imported, size, PROT_READ | PROT_WRITE);
		fill(a, size, 0x5eed);
		check(b, size, 0x5eed);
		fill(b, size, 0xbeef);
		check(a, size, 0xbeef);
		munmap(a, size);
		munmap(b, size);
		close(dmabuf);
		gem_close(other_fd, imported);
		gem_close(fd, handle);
	}

	igt_describe("A dma-buf keeps its object alive after every handle is "
		     "closed: importing it again finds the contents intact.");
	igt_subtest("dmabuf-outlives-handles") {
		const uint64_t size = 4 * info.page_size;
		uint32_t handle = nova_gem_create(fd, size);
		uint32_t *p = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
		int dmabuf;

		fill(p, size, 0xa11e);
		munmap(p, size);
		dmabuf = prime_export(fd, handle);
		gem_close(fd, handle);
		igt_assert_eq(__nova_gem_info(fd, handle, &(uint64_t){ 0 }), -ENOENT);

		handle = prime_import(other_fd, dmabuf);
		close(dmabuf);
		p = nova_gem_mmap(other_fd, handle, size, PROT_READ);
		check(p, size, 0xa11e);
		munmap(p, size);
		gem_close(other_fd, handle);
	}

	igt_describe("An imported object can be mapped into the importer's GPU "
		     "VA space within its size, and only there.");
	igt_subtest("vm-bind-imported") {
		const uint64_t va = nova_getparam(fd, NOVA_GETPARAM_VA_START);
		uint32_t handle = nova_gem_create(fd, 2 * info.page_size);
		int dmabuf = prime_export(fd, handle);
		uint32_t imported = prime_import(other_fd, dmabuf);

		close(dmabuf);
		igt_assert_eq(vm_bind_one(other_fd, NOVA_VM_BIND_OP_MAP, imported, va,
					  2 * info.page_size), 0);
		igt_assert_eq(vm_bind_one(other_fd, NOVA_VM_BIND_OP_MAP, imported, va,
					  3 * info.page_size), -EINVAL);
		/* The handle is the importer's: the exporter's space has none. */
		if (imported != handle)
			igt_assert_eq(vm_bind_one(fd, NOVA_VM_BIND_OP_MAP, imported, va,
						  info.page_size), -ENOENT);
		gem_close(other_fd, imported);
		gem_close(fd, handle);
		/* The mapping holds the object until it is unmapped. */
		igt_assert_eq(vm_bind_one(other_fd, NOVA_VM_BIND_OP_UNMAP, 0, va,
					  2 * info.page_size), 0);
	}

	igt_describe("A vgem buffer imported into nova keeps its bytes, nova "
		     "reads and writes it, and vgem sees nova's writes.");
	igt_subtest("import-vgem") {
		int vgem = open_vgem();
		uint32_t vhandle, handle, *vmap, *p;
		uint64_t size;
		int dmabuf;

		igt_require_f(vgem >= 0, "no vgem device: load the vgem module\n");
		vhandle = vgem_create(vgem, 256, 16, &size, &vmap);	/* 16 KiB */
		fill(vmap, size, 0x76e);
		dmabuf = prime_export(vgem, vhandle);
		handle = prime_import(fd, dmabuf);
		igt_assert_eq_u32(prime_import(fd, dmabuf), handle);
		close(dmabuf);

		igt_assert_eq_u64(nova_gem_info(fd, handle), size);
		p = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
		check(p, size, 0x76e);
		fill(p, size, 0x40a);
		check(vmap, size, 0x40a);
		munmap(p, size);
		munmap(vmap, size);
		gem_close(fd, handle);
		gem_close(vgem, vhandle);
		close(vgem);
	}

	igt_describe("A nova buffer imported into vgem keeps its bytes, and "
		     "importing vgem's export back gives nova's own handle.");
	igt_subtest("export-to-vgem") {
		const uint64_t size = 4 * info.page_size;
		int vgem = open_vgem();
		uint32_t handle, vhandle;
		uint32_t *p;
		int dmabuf, back;

		igt_require_f(vgem >= 0, "no vgem device: load the vgem module\n");
		handle = nova_gem_create(fd, size);
		p = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
		fill(p, size, 0x0a7a);
		dmabuf = prime_export(fd, handle);
		vhandle = prime_import(vgem, dmabuf);
		close(dmabuf);

		back = prime_export(vgem, vhandle);
		igt_assert_eq_u32(prime_import(fd, back), handle);
		close(back);
		check(p, size, 0x0a7a);
		munmap(p, size);
		gem_close(vgem, vhandle);
		gem_close(fd, handle);
		close(vgem);
	}

	igt_describe("PRIME_HANDLE_TO_FD fails with ENOENT for a handle the file "
		     "does not have and EINVAL for unknown flags; PRIME_FD_TO_HANDLE "
		     "fails with EBADF for a closed fd and EINVAL for a file that is "
		     "not a dma-buf.");
	igt_subtest("bad-input") {
		uint32_t handle = nova_gem_create(fd, info.page_size);
		uint32_t got = 0;
		int dmabuf = -1;
		int pipes[2];

		igt_assert_eq(__prime_export(fd, handle + 1000, DRM_CLOEXEC, &dmabuf), -ENOENT);
		igt_assert_eq(__prime_export(fd, 0, DRM_CLOEXEC, &dmabuf), -ENOENT);
		/* Handles are per file: the other file has none. */
		igt_assert_eq(__prime_export(other_fd, handle, DRM_CLOEXEC, &dmabuf), -ENOENT);
		igt_assert_eq(__prime_export(fd, handle, 1u << 30, &dmabuf), -EINVAL);

		igt_assert_eq(__prime_import(fd, -1, &got), -EBADF);
		igt_assert_eq(__prime_import(fd, 1 << 20, &got), -EBADF);
		igt_assert_eq(pipe(pipes), 0);
		igt_assert_eq(__prime_import(fd, pipes[0], &got), -EINVAL);
		igt_assert_eq(__prime_import(fd, fd, &got), -EINVAL);
		close(pipes[0]);
		close(pipes[1]);
		gem_close(fd, handle);
	}

	igt_describe("After every subtest, the whole object budget is free "
		     "again: no export, import or failed call kept an object.");
	igt_subtest("nothing-leaked") {
		igt_assert_eq_u64(nova_budget_available(fd, &info), budget_free);
	}

	igt_fixture {
		close(other_fd);
		close(fd);
	}
}

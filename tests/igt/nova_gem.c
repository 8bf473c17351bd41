// SPDX-License-Identifier: MIT
/*
 * nova_gem: GEM objects: GEM_CREATE's rounding and limits, GEM_INFO,
 * GEM_MMAP_OFFSET and CPU mappings, GEM_CLOSE, handles per file, and the
 * device's object budget.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nova_helpers.h"

IGT_TEST_DESCRIPTION("GEM object creation, query, mapping, release and budget of the nova driver");

/* File scope: see nova_basic.c. */
static int fd = -1;
static struct nova_device_info info;
/* What GEM_CREATE accepts with no object alive: the whole budget. */
static uint64_t budget_free;

/* Requested sizes: pages and bytes, from 0 or back from the max object size. */
static const struct {
	const char *name;
	bool from_max;
	int64_t pages;
	int64_t bytes;
	int64_t expect_pages;
} rounding[] = {
	{ "one-byte", false, 0, 1, 1 },
	{ "page-minus-one", false, 1, -1, 1 },
	{ "page", false, 1, 0, 1 },
	{ "page-plus-one", false, 1, 1, 2 },
	{ "odd-size", false, 3, 17, 4 },
	{ "max-minus-page-minus-one", true, -1, -1, -1 },
	{ "max-minus-one", true, 0, -1, 0 },
	{ "max", true, 0, 0, 0 },
};

static uint64_t rounding_size(bool from_max, int64_t pages, int64_t bytes)
{
	uint64_t base = from_max ? info.max_object_size : 0;

	return base + (uint64_t)(pages * (int64_t)info.page_size + bytes);
}

static void check_rounding(unsigned int i)
{
	uint64_t size = rounding_size(rounding[i].from_max, rounding[i].pages, rounding[i].bytes);
	uint64_t expect = rounding_size(rounding[i].from_max, rounding[i].expect_pages, 0);
	uint32_t handle = 0;

	igt_debug("create %#llx, expect %#llx\n", (unsigned long long)size,
		  (unsigned long long)expect);
	igt_assert_eq(__nova_gem_create(fd, &size, &handle), 0);
	igt_assert_neq_u32(handle, 0);
	igt_assert_eq_u64(size, expect);
	igt_assert_eq_u64(nova_gem_info(fd, handle), expect);
	gem_close(fd, handle);
}

static void check_pattern(const uint32_t *ptr, size_t bytes, uint32_t seed)
{
	for (size_t i = 0; i < bytes / sizeof(*ptr); i++)
		igt_assert_f(ptr[i] == seed + (uint32_t)i, "word %zu is %#x, expected %#x\n",
			     i, ptr[i], seed + (uint32_t)i);
}

static void fill_pattern(uint32_t *ptr, size_t bytes, uint32_t seed)
{
	for (size_t i = 0; i < bytes / sizeof(*ptr); i++)
		ptr[i] = seed + (uint32_t)i;
}

igt_main
{
	igt_fixture {
		fd = nova_open();
		nova_get_device_info(fd, &info);
		budget_free = nova_budget_available(fd, &info);
	}

	igt_describe("An object gets a non-zero handle and the requested size, "
		     "GEM_INFO reports it, and GEM_CLOSE releases it.");
	igt_subtest("create-basic") {
		uint32_t handle = nova_gem_create(fd, info.page_size);

		igt_assert_eq_u64(nova_gem_info(fd, handle), info.page_size);
		gem_close(fd, handle);
		igt_assert_eq(__nova_gem_info(fd, handle, &(uint64_t){ 0 }), -ENOENT);
	}

	igt_describe("GEM_CREATE rounds the size up to the page size and returns "
		     "the rounded size, which GEM_INFO reports too.");
	igt_subtest_with_dynamic("create-rounding") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(rounding); i++)
			igt_dynamic(rounding[i].name)
				check_rounding(i);
	}

	igt_describe("Each object has its own non-zero handle.");
	igt_subtest("create-unique-handles") {
		uint32_t handles[64];

		for (int i = 0; i < 64; i++) {
			handles[i] = nova_gem_create(fd, info.page_size);
			for (int j = 0; j < i; j++)
				igt_assert_neq_u32(handles[i], handles[j]);
		}
		for (int i = 0; i < 64; i++)
			gem_close(fd, handles[i]);
	}

	igt_describe("A new object reads as zeros through a CPU mapping.");
	igt_subtest("create-zero-filled") {
		const uint64_t size = 64 * info.page_size;
		uint32_t handle = nova_gem_create(fd, size);
		void *ptr = nova_gem_mmap(fd, handle, size, PROT_READ);

		igt_assert(nova_memchk(ptr, 0, size));
		munmap(ptr, size);
		gem_close(fd, handle);
	}

	igt_describe("Data written through one mapping is read back through "
		     "another, also after unmapping and mapping again.");
	igt_subtest("mmap-write-read") {
		const uint64_t size = 16 * info.page_size;
		uint32_t handle = nova_gem_create(fd, size);
		uint32_t *a = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
		uint32_t *b = nova_gem_mmap(fd, handle, size, PROT_READ);

		fill_pattern(a, size, 0xc0de0000);
		check_pattern(b, size, 0xc0de0000);
		munmap(a, size);
		munmap(b, size);
		a = nova_gem_mmap(fd, handle, size, PROT_READ);
		check_pattern(a, size, 0xc0de0000);
		munmap(a, size);
		gem_close(fd, handle);
	}

	igt_describe("GEM_MMAP_OFFSET returns a non-zero, page-aligned offset, "
		     "and objects do not share their memory.");
	igt_subtest("mmap-offset") {
		uint32_t h1 = nova_gem_create(fd, info.page_size);
		uint32_t h2 = nova_gem_create(fd, info.page_size);
		uint64_t o1 = nova_gem_mmap_offset(fd, h1);
		uint64_t o2 = nova_gem_mmap_offset(fd, h2);
		uint32_t *p1, *p2;

		igt_assert_neq_u64(o1, 0);
		igt_assert_eq_u64(o1 % info.page_size, 0);
		igt_assert_eq_u64(o2 % info.page_size, 0);
		igt_assert_neq_u64(o1, o2);
		p1 = nova_gem_mmap(fd, h1, info.page_size, PROT_READ | PROT_WRITE);
		p2 = nova_gem_mmap(fd, h2, info.page_size, PROT_READ | PROT_WRITE);
		fill_pattern(p1, info.page_size, 1);
		fill_pattern(p2, info.page_size, 2);
		check_pattern(p1, info.page_size, 1);
		munmap(p1, info.page_size);
		munmap(p2, info.page_size);
		gem_close(fd, h1);
		gem_close(fd, h2);
	}

	igt_describe("A mapping may cover part of an object but not more than it.");
	igt_subtest("mmap-bounds") {
		const uint64_t size = 4 * info.page_size;
		uint32_t handle = nova_gem_create(fd, size);
		uint64_t offset = nova_gem_mmap_offset(fd, handle);
		void *ptr;

		ptr = mmap(NULL, info.page_size, PROT_READ, MAP_SHARED, fd, (off_t)offset);
		igt_assert(ptr != MAP_FAILED);
		munmap(ptr, info.page_size);

		ptr = mmap(NULL, size + info.page_size, PROT_READ, MAP_SHARED, fd, (off_t)offset);
		igt_assert(ptr == MAP_FAILED);
		gem_close(fd, handle);
	}

	igt_describe("A CPU mapping keeps its object alive, and accounted to the "
		     "budget, after the handle is closed, until it is unmapped.");
	igt_subtest("mmap-outlives-handle") {
		const uint64_t size = info.max_object_size;
		uint32_t handle = nova_gem_create(fd, size);
		uint32_t *ptr = nova_gem_mmap(fd, handle, info.page_size, PROT_READ | PROT_WRITE);

		gem_close(fd, handle);
		fill_pattern(ptr, info.page_size, 0xfeed);
		check_pattern(ptr, info.page_size, 0xfeed);
		igt_assert_eq_u64(nova_budget_available(fd, &info), budget_free - size);
		munmap(ptr, info.page_size);
		igt_assert_eq_u64(nova_budget_available(fd, &info), budget_free);
	}

	igt_describe("A handle is released once: closing it again fails.");
	igt_subtest("close-twice") {
		uint32_t handle = nova_gem_create(fd, info.page_size);

		igt_assert_eq(__nova_gem_close(fd, handle), 0);
		igt_assert_eq(__nova_gem_close(fd, handle), -EINVAL);
	}

	igt_describe("Handles belong to the file that created them: another file "
		     "of the same device cannot use them.");
	igt_subtest("handles-per-file") {
		int other = nova_open();
		uint32_t handle = nova_gem_create(fd, info.page_size);
		uint64_t value;

		igt_assert_eq(__nova_gem_info(other, handle, &value), -ENOENT);
		igt_assert_eq(__nova_gem_mmap_offset(other, handle, &value), -ENOENT);
		igt_assert_eq(__nova_gem_close(other, handle), -EINVAL);
		igt_assert_eq_u64(nova_gem_info(fd, handle), info.page_size);
		gem_close(fd, handle);
		close(other);
	}

	igt_describe("The largest object GEM_CREATE accepts is exactly "
		     "NOVA_GETPARAM_MAX_OBJECT_SIZE.");
	igt_subtest("max-object-size") {
		uint64_t size = info.max_object_size;
		uint32_t handle;

		igt_assert_eq(__nova_gem_create(fd, &size, &handle), 0);
		igt_assert_eq_u64(size, info.max_object_size);
		gem_close(fd, handle);
		size = info.max_object_size + 1;
		igt_assert_eq(__nova_gem_create(fd, &size, &handle), -E2BIG);
	}

	igt_describe("With no object alive, live objects may total exactly "
		     "NOVA_GETPARAM_OBJECT_BUDGET bytes.");
	igt_subtest("budget-total") {
		igt_assert_eq_u64(budget_free, info.object_budget);
	}

	igt_describe("GEM_CREATE fails with ENOSPC once the budget is used up, "
		     "and succeeds again when an object is released.");
	igt_subtest("budget-enospc") {
		uint32_t handles[256];
		unsigned int count = 0;
		uint64_t left = budget_free;
		uint64_t size;
		uint32_t handle;

		while (left >= info.page_size) {
			size = left < info.max_object_size ? left : info.max_object_size;
			igt_assert_lt(count, (int)ARRAY_SIZE(handles));
			handles[count++] = nova_gem_create(fd, size);
			left -= size;
		}
		size = info.page_size;
		igt_assert_eq(__nova_gem_create(fd, &size, &handle), -ENOSPC);
		/* Releasing one object makes room for exactly its size again. */
		size = nova_gem_info(fd, handles[0]);
		gem_close(fd, handles[0]);
		handles[0] = nova_gem_create(fd, size);
		size = info.page_size;
		igt_assert_eq(__nova_gem_create(fd, &size, &handle), -ENOSPC);
		while (count)
			gem_close(fd, handles[--count]);
		igt_assert_eq_u64(nova_budget_available(fd, &info), budget_free);
	}

	igt_describe("The budget is the device's: objects of one file leave less "
		     "to another, and closing the file gives their bytes back.");
	igt_subtest("budget-shared-by-files") {
		int other = nova_open();

		nova_gem_create(other, info.max_object_size);
		nova_gem_create(other, info.page_size);
		igt_assert_eq_u64(nova_budget_available(fd, &info),
				  budget_free - info.max_object_size - info.page_size);
		close(other);
		igt_assert_eq_u64(nova_budget_available(fd, &info), budget_free);
	}

	igt_fixture {
		close(fd);
	}
}

// SPDX-License-Identifier: MIT
/*
 * nova_basic: the device igt opens is nova, it identifies itself, and every
 * GETPARAM parameter answers as driver/uapi/nova_drm.h documents.
 */
#include <ctype.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "nova_helpers.h"

IGT_TEST_DESCRIPTION("Device discovery, identification and GETPARAM of the nova driver");

/*
 * State shared between the fixture and the subtests lives at file scope:
 * igt leaves a subtest with siglongjmp(), which may clobber locals of the
 * function that contains the igt_subtest blocks.
 */
static int fd = -1;
static struct nova_device_info info;

static bool nova_is_pow2(uint64_t value)
{
	return value && !(value & (value - 1));
}

static void check_version(drmVersionPtr version)
{
	igt_assert(version);
	igt_assert(version->name);
	igt_assert_eq(version->name_len, (int)strlen(version->name));
	igt_assert_f(strcmp(version->name, NOVA_DRIVER_NAME) == 0,
		     "driver name is \"%s\"\n", version->name);
	igt_assert(version->desc && strlen(version->desc) > 0);
	igt_assert(version->date);
	/*
	 * The driver's date, or "0": the DRM core reports that for every
	 * driver from 6.14 on, and Debian's 6.12 already does.
	 */
	if (strcmp(version->date, "0") != 0) {
		igt_assert_eq((int)strlen(version->date), 8);
		for (int i = 0; i < 8; i++)
			igt_assert_f(isdigit((unsigned char)version->date[i]),
				     "date \"%s\" is neither YYYYMMDD nor 0\n", version->date);
	}
	igt_assert_lte(0, version->version_major);
	igt_assert_lte(0, version->version_minor);
	igt_assert_lte(0, version->version_patchlevel);
}

/* uAPI version 1 parameters and what their values must satisfy. */
static void check_vram_bar_size(uint64_t value)
{
	/* nova runs on a virtual device without VRAM. */
	igt_assert_eq_u64(value, 0);
}

static void check_uapi_version(uint64_t value)
{
	igt_assert_lte_u64(1, value);
}

static void check_page_size(uint64_t value)
{
	igt_assert_f(nova_is_pow2(value), "page size %#llx\n", (unsigned long long)value);
	igt_assert_eq_u64(value, (uint64_t)sysconf(_SC_PAGESIZE));
}

static void check_max_object_size(uint64_t value)
{
	igt_assert_neq_u64(value, 0);
	igt_assert_eq_u64(value % nova_getparam(fd, NOVA_GETPARAM_PAGE_SIZE), 0);
}

static void check_object_budget(uint64_t value)
{
	igt_assert_lte_u64(nova_getparam(fd, NOVA_GETPARAM_MAX_OBJECT_SIZE), value);
}

static const struct {
	const char *name;
	uint64_t param;
	void (*check)(uint64_t value);
} v1_params[] = {
	{ "vram-bar-size", NOVA_GETPARAM_VRAM_BAR_SIZE, check_vram_bar_size },
	{ "uapi-version", NOVA_GETPARAM_UAPI_VERSION, check_uapi_version },
	{ "max-object-size", NOVA_GETPARAM_MAX_OBJECT_SIZE, check_max_object_size },
	{ "page-size", NOVA_GETPARAM_PAGE_SIZE, check_page_size },
	{ "object-budget", NOVA_GETPARAM_OBJECT_BUDGET, check_object_budget },
};

/* Parameters appended by later uAPI revisions: unknown, so -EINVAL, before. */
static const struct {
	const char *name;
	uint64_t param;
	uint64_t since;
} later_params[] = {
	{ "va-start", NOVA_GETPARAM_VA_START, 2 },
	{ "va-size", NOVA_GETPARAM_VA_SIZE, 2 },
	{ "va-alignment", NOVA_GETPARAM_VA_ALIGNMENT, 2 },
	{ "vm-bind-max-ops", NOVA_GETPARAM_VM_BIND_MAX_OPS, 2 },
	{ "max-mappings", NOVA_GETPARAM_MAX_MAPPINGS, 3 },
	{ "max-queues", NOVA_GETPARAM_MAX_QUEUES, 4 },
	{ "exec-max-cmdbufs", NOVA_GETPARAM_EXEC_MAX_CMDBUFS, 4 },
	{ "exec-max-syncs", NOVA_GETPARAM_EXEC_MAX_SYNCS, 4 },
	{ "max-cmdbuf-size", NOVA_GETPARAM_MAX_CMDBUF_SIZE, 4 },
	{ "job-timeout-ms", NOVA_GETPARAM_JOB_TIMEOUT_MS, 4 },
	{ "call-max-depth", NOVA_GETPARAM_CALL_MAX_DEPTH, 4 },
	{ "queue-max-jobs", NOVA_GETPARAM_QUEUE_MAX_JOBS, 4 },
	{ "timestamp-frequency", NOVA_GETPARAM_TIMESTAMP_FREQUENCY, 4 },
};

igt_main
{
	igt_fixture {
		fd = nova_open();
		nova_get_device_info(fd, &info);
		igt_info("nova uAPI version %llu, max object %llu bytes, budget %llu bytes\n",
			 (unsigned long long)info.uapi_version,
			 (unsigned long long)info.max_object_size,
			 (unsigned long long)info.object_budget);
	}

	igt_describe("The device igt opened is nova, and DRM reports its name, "
		     "description and date.");
	igt_subtest("driver-name") {
		drmVersionPtr version = drmGetVersion(fd);

		check_version(version);
		igt_info("%s %d.%d.%d (%s): %s\n", version->name, version->version_major,
			 version->version_minor, version->version_patchlevel,
			 version->date, version->desc);
		drmFreeVersion(version);
	}

	igt_describe("Every open file of the device reports the same driver version.");
	igt_subtest("driver-version") {
		int fd2 = nova_open();
		drmVersionPtr a = drmGetVersion(fd);
		drmVersionPtr b = drmGetVersion(fd2);

		check_version(a);
		check_version(b);
		igt_assert_eq(a->version_major, b->version_major);
		igt_assert_eq(a->version_minor, b->version_minor);
		igt_assert_eq(a->version_patchlevel, b->version_patchlevel);
		igt_assert(strcmp(a->date, b->date) == 0);
		drmFreeVersion(a);
		drmFreeVersion(b);
		close(fd2);
	}

	igt_describe("Each uAPI version 1 parameter answers with a value that "
		     "satisfies its documented meaning.");
	igt_subtest_with_dynamic("getparam") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(v1_params); i++) {
			igt_dynamic(v1_params[i].name) {
				uint64_t value = 0;

				igt_assert_eq(__nova_getparam(fd, v1_params[i].param, &value), 0);
				igt_debug("%s = %#llx\n", v1_params[i].name,
					  (unsigned long long)value);
				v1_params[i].check(value);
			}
		}
	}

	igt_describe("Parameters added by a later uAPI revision exist exactly when "
		     "the device reports that revision or a newer one.");
	igt_subtest_with_dynamic("getparam-revisions") {
		for (volatile unsigned int i = 0; i < ARRAY_SIZE(later_params); i++) {
			igt_dynamic(later_params[i].name) {
				uint64_t value = 0;
				int ret = __nova_getparam(fd, later_params[i].param, &value);

				if (info.uapi_version >= later_params[i].since)
					igt_assert_eq(ret, 0);
				else
					igt_assert_eq(ret, -EINVAL);
			}
		}
	}

	igt_describe("GETPARAM ignores the input value of the output field.");
	igt_subtest("getparam-value-ignored") {
		struct drm_nova_getparam args = {
			.param = NOVA_GETPARAM_PAGE_SIZE,
			.value = ~0ull,
		};

		igt_assert_eq(__nova_ioctl_getparam(fd, &args), 0);
		igt_assert_eq_u64(args.value, info.page_size);
	}

	igt_describe("Parameters are fixed while the module is loaded: every file "
		     "and every call sees the same values.");
	igt_subtest("getparam-stable") {
		int fd2 = nova_open();
		struct nova_device_info again;

		for (int round = 0; round < 16; round++) {
			nova_get_device_info(round & 1 ? fd2 : fd, &again);
			igt_assert_eq_u64(again.uapi_version, info.uapi_version);
			igt_assert_eq_u64(again.vram_bar_size, info.vram_bar_size);
			igt_assert_eq_u64(again.max_object_size, info.max_object_size);
			igt_assert_eq_u64(again.page_size, info.page_size);
			igt_assert_eq_u64(again.object_budget, info.object_budget);
		}
		close(fd2);
	}

	igt_describe("The render node is nova's and allows every nova ioctl.");
	igt_subtest("render-node") {
		int render = nova_open_render();
		uint64_t size = 1;
		uint32_t handle;

		igt_assert_eq(drmGetNodeTypeFromFd(render), DRM_NODE_RENDER);
		igt_assert_eq_u64(nova_getparam(render, NOVA_GETPARAM_UAPI_VERSION),
				  info.uapi_version);
		igt_assert_eq(__nova_gem_create(render, &size, &handle), 0);
		igt_assert_eq_u64(size, info.page_size);
		igt_assert_eq_u64(nova_gem_info(render, handle), info.page_size);
		igt_assert_neq_u64(nova_gem_mmap_offset(render, handle), 0);
		gem_close(render, handle);
		close(render);
	}

	igt_describe("Many files can be open on the device at once, each with its "
		     "own objects.");
	igt_subtest("many-files") {
		int fds[32];
		uint32_t handles[32];

		for (int i = 0; i < 32; i++) {
			fds[i] = nova_open();
			handles[i] = nova_gem_create(fds[i], (uint64_t)(i + 1) * info.page_size);
		}
		for (int i = 0; i < 32; i++)
			igt_assert_eq_u64(nova_gem_info(fds[i], handles[i]),
					  (uint64_t)(i + 1) * info.page_size);
		for (int i = 0; i < 32; i++)
			close(fds[i]);
	}

	igt_fixture {
		close(fd);
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the VM_BIND cases (test_vm_*.c): the raw ioctl, the device's VA
 * parameters, and what the kernel shows of a VA space in debugfs.
 *
 * debugfs, in /sys/kernel/debug/dri/<minor>/ of the nova device (or in the
 * directory the environment variable NOVA_DEBUGFS_DIR names):
 *
 *   nova_vm     one line per mapping of every open file, in address order:
 *               "client <pid> va 0x<start>-0x<end> object <id> offset 0x<off> flags 0x<f>"
 *               <end> is exclusive; <id> is a device-wide object id (not a
 *               handle). Parsing is lenient: fields are found by their
 *               keyword anywhere in the line, lines without "va" are
 *               ignored, and lines naming another client's pid are skipped
 *               (a file without "client" fields is taken whole).
 *   nova_stats  "<key>: <N>" lines for the device ("objects", "object_bytes",
 *               "files", "mappings", "mapping_bytes"), then per client
 *               "pid <pid> objects <N> bytes <N> mappings <N>".
 *
 * Each case runs in a process of its own with one device file, so the
 * mappings of its pid are those of its file; cases that open a second file
 * rely on the device counters instead.
 */
#ifndef NOVA_TEST_VM_UTIL_H
#define NOVA_TEST_VM_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "runner.h"
#include "util.h"

#define OP_SIZE		sizeof(struct drm_nova_vm_bind_op)

/* The raw call, all fields given. */
int raw_vm_bind(int fd, uint32_t vm_id, uint32_t flags, uint32_t op_count,
		uint32_t op_stride, const void *ops);
/* The ordinary call: vm 0, no flags, a packed array. */
int vm_bind(int fd, const struct drm_nova_vm_bind_op *ops, uint32_t count);

struct drm_nova_vm_bind_op op_map(uint32_t handle, uint64_t bo_offset,
				  uint64_t va, uint64_t range, uint32_t flags);
struct drm_nova_vm_bind_op op_unmap(uint64_t va, uint64_t range);
int vm_map(int fd, uint32_t handle, uint64_t bo_offset, uint64_t va,
	   uint64_t range, uint32_t flags);
int vm_unmap(int fd, uint64_t va, uint64_t range);

#define VM_MAX_OBJECTS	8

/* Everything a VM case needs; see vm_env_open(). */
struct vm_env {
	struct nova_device *dev;
	int fd;
	uint64_t uapi_version;
	uint64_t va_start;
	uint64_t va_size;
	uint64_t va_end;	/* va_start + va_size */
	uint64_t align;		/* VA_ALIGNMENT */
	uint64_t max_ops;
	uint64_t page_size;
	char debugfs[320];	/* the device's debugfs directory, "" if unknown */
	/* The debugfs ids of the objects a case refers to by index, 0 until seen. */
	uint64_t object_ids[VM_MAX_OBJECTS];
};

/*
 * Open the first nova device and read its VM parameters. Skips the case
 * when the kernel's uAPI version is below 2, and, with @need_debugfs, when
 * the nova_vm/nova_stats files cannot be found. Returns TEST_PASS to go on.
 */
enum test_result vm_env_open(struct vm_env *env, bool need_debugfs);

#define VM_ENV_OPEN(env, need_debugfs)					\
	do {								\
		enum test_result r_ = vm_env_open(env, need_debugfs);	\
		if (r_ != TEST_PASS)					\
			return r_;					\
	} while (0)

/* The VA of the @n-th alignment unit of the test area (from VA_START). */
static inline uint64_t vm_va(const struct vm_env *env, uint64_t n)
{
	return env->va_start + n * env->align;
}

/* A new object of @units alignment units; its handle. */
int vm_object(const struct vm_env *env, uint64_t units, uint32_t *handle);

struct vm_mapping {
	uint64_t start;
	uint64_t end;		/* exclusive */
	uint64_t object;
	uint64_t offset;
	uint32_t flags;
};

/*
 * This process's mappings from nova_vm, sorted by address. Return: the
 * count, -ENOENT without debugfs, -EPROTO for a line that cannot be parsed,
 * -E2BIG when there are more than @max.
 */
int vm_read_mappings(const struct vm_env *env, struct vm_mapping *out,
		     unsigned int max);

/* A device-wide "<key>: N" of nova_stats. Return: 0, -ENOENT, -EPROTO. */
int vm_read_stat(const struct vm_env *env, const char *key, uint64_t *value);

/*
 * What a case expects of its VA space. @object is an index: the first time
 * a check sees it, the id debugfs shows there is learned, after which that
 * index must always show that id and no other index may.
 */
struct vm_expect {
	uint64_t start;		/* in alignment units, from VA_START */
	uint64_t end;		/* exclusive, in units */
	unsigned int object;
	uint64_t offset;	/* in units */
	uint32_t flags;
};

/*
 * Compare the VA space with @expect (which must be sorted), after merging on
 * both sides the neighbours that continue each other (same object and flags,
 * contiguous offsets): the uAPI does not say whether the kernel merges them,
 * so the check neither requires nor forbids it. Mismatches are printed in
 * full on stderr. The count of mappings in nova_stats' line for this
 * client must also be the number of nova_vm lines, before merging.
 */
enum test_result vm_check(struct vm_env *env, const struct vm_expect *expect,
			  unsigned int count, const char *file, int line);

#define VM_CHECK(env, ...)						\
	do {								\
		const struct vm_expect e_[] = { __VA_ARGS__ };		\
		if (vm_check(env, e_, sizeof(e_) / sizeof(e_[0]),	\
			     TEST_FILE, __LINE__) != TEST_PASS)		\
			return TEST_FAIL;				\
	} while (0)

#define VM_CHECK_EMPTY(env)						\
	do {								\
		if (vm_check(env, NULL, 0, TEST_FILE, __LINE__) != TEST_PASS) \
			return TEST_FAIL;				\
	} while (0)

/*
 * A snapshot of the VA space (debugfs) and of the device counters, to show
 * that a failed call changed nothing. Without debugfs only errnos are
 * checked: the snapshot is empty and the comparison passes.
 */
struct vm_snapshot {
	int count;
	struct vm_mapping maps[64];
	uint64_t mappings;
	uint64_t objects;
	bool valid;
};

void vm_snapshot(const struct vm_env *env, struct vm_snapshot *snap);
enum test_result vm_check_unchanged(const struct vm_env *env,
				    const struct vm_snapshot *before,
				    const char *what, const char *file, int line);

#define VM_UNCHANGED(env, snap, what)					\
	do {								\
		if (vm_check_unchanged(env, snap, what, TEST_FILE,	\
				       __LINE__) != TEST_PASS)		\
			return TEST_FAIL;				\
	} while (0)

#endif /* NOVA_TEST_VM_UTIL_H */

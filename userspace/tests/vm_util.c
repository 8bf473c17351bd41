// SPDX-License-Identifier: MIT
/*
 * Helpers of the VM_BIND cases; the debugfs formats are described in
 * vm_util.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vm_util.h"

#define DEBUGFS_DRI	"/sys/kernel/debug/dri"

int raw_vm_bind(int fd, uint32_t vm_id, uint32_t flags, uint32_t op_count,
		uint32_t op_stride, const void *ops)
{
	struct drm_nova_vm_bind args = {
		.vm_id = vm_id,
		.flags = flags,
		.op_count = op_count,
		.op_stride = op_stride,
		.ops = (uint64_t)(uintptr_t)ops,
	};

	return raw_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &args);
}

int vm_bind(int fd, const struct drm_nova_vm_bind_op *ops, uint32_t count)
{
	return raw_vm_bind(fd, 0, 0, count, OP_SIZE, ops);
}

struct drm_nova_vm_bind_op op_map(uint32_t handle, uint64_t bo_offset,
				  uint64_t va, uint64_t range, uint32_t flags)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP,
		.flags = flags,
		.handle = handle,
		.bo_offset = bo_offset,
		.va = va,
		.range = range,
	};
}

struct drm_nova_vm_bind_op op_unmap(uint64_t va, uint64_t range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_UNMAP,
		.va = va,
		.range = range,
	};
}

int vm_map(int fd, uint32_t handle, uint64_t bo_offset, uint64_t va,
	   uint64_t range, uint32_t flags)
{
	struct drm_nova_vm_bind_op op = op_map(handle, bo_offset, va, range, flags);

	return vm_bind(fd, &op, 1);
}

int vm_unmap(int fd, uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op op = op_unmap(va, range);

	return vm_bind(fd, &op, 1);
}

int vm_object(const struct vm_env *env, uint64_t units, uint32_t *handle)
{
	return raw_gem_create(env->fd, units * env->align, handle, NULL);
}

/* --- finding the device's debugfs directory ------------------------------- */

static bool has_vm_files(const char *dir)
{
	char path[352];

	snprintf(path, sizeof(path), "%s/nova_vm", dir);
	if (access(path, R_OK))
		return false;
	snprintf(path, sizeof(path), "%s/nova_stats", dir);
	return access(path, R_OK) == 0;
}

/*
 * debugfs names a device's directory after a minor number: the primary
 * node's, and on some kernels the render node's as well. Try the fd's own
 * minor and its primary/render twin; failing that, take the only directory
 * that has nova's files, if there is only one device with them.
 * NOVA_DEBUGFS_DIR, when set, names the directory instead.
 */
static void find_debugfs(struct vm_env *env)
{
	char found[320] = "", real_found[PATH_MAX] = "", real[PATH_MAX];
	unsigned int m, twin, i;
	struct dirent *entry;
	struct stat st;
	bool ambiguous = false;
	DIR *dir;

	env->debugfs[0] = '\0';
	if (getenv("NOVA_DEBUGFS_DIR")) {
		snprintf(env->debugfs, sizeof(env->debugfs), "%s", getenv("NOVA_DEBUGFS_DIR"));
		if (!has_vm_files(env->debugfs))
			env->debugfs[0] = '\0';
		return;
	}
	if (fstat(env->fd, &st) == 0 && S_ISCHR(st.st_mode)) {
		m = minor(st.st_rdev);
		twin = m >= 128 ? m - 128 : m + 128;
		for (i = 0; i < 2; i++) {
			snprintf(env->debugfs, sizeof(env->debugfs), DEBUGFS_DRI "/%u",
				 i ? twin : m);
			if (has_vm_files(env->debugfs))
				return;
		}
		env->debugfs[0] = '\0';
	}

	dir = opendir(DEBUGFS_DRI);
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		char path[320];

		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), DEBUGFS_DRI "/%s", entry->d_name);
		if (!has_vm_files(path) || !realpath(path, real))
			continue;
		if (!found[0]) {
			snprintf(found, sizeof(found), "%s", path);
			snprintf(real_found, sizeof(real_found), "%s", real);
		} else if (strcmp(real, real_found) != 0) {
			ambiguous = true;
		}
	}
	closedir(dir);

	if (found[0] && !ambiguous)
		snprintf(env->debugfs, sizeof(env->debugfs), "%s", found);
}

enum test_result vm_env_open(struct vm_env *env, bool need_debugfs)
{
	int ret;

	memset(env, 0, sizeof(*env));
	ret = nova_device_open(&env->dev);
	if (ret)
		return test_fail(TEST_FILE, __LINE__, "nova_device_open() returned %s",
				 test_errname(ret));
	env->fd = nova_device_fd(env->dev);

	ret = raw_getparam(env->fd, NOVA_GETPARAM_UAPI_VERSION, &env->uapi_version);
	if (ret)
		return test_skip("the kernel does not answer NOVA_GETPARAM_UAPI_VERSION "
				 "(%s): no VM_BIND", test_errname(ret));
	if (env->uapi_version < 2)
		return test_skip("the kernel's uAPI version is %" PRIu64
				 ", VM_BIND needs version 2", env->uapi_version);

	if ((ret = raw_getparam(env->fd, NOVA_GETPARAM_VA_START, &env->va_start)) ||
	    (ret = raw_getparam(env->fd, NOVA_GETPARAM_VA_SIZE, &env->va_size)) ||
	    (ret = raw_getparam(env->fd, NOVA_GETPARAM_VA_ALIGNMENT, &env->align)) ||
	    (ret = raw_getparam(env->fd, NOVA_GETPARAM_VM_BIND_MAX_OPS, &env->max_ops)) ||
	    (ret = raw_getparam(env->fd, NOVA_GETPARAM_PAGE_SIZE, &env->page_size)))
		return test_fail(TEST_FILE, __LINE__, "uAPI version %" PRIu64
				 " but a VM parameter fails: %s", env->uapi_version,
				 test_errname(ret));
	if (!env->align || (env->align & (env->align - 1)) || !env->va_size ||
	    env->va_size > UINT64_MAX - env->va_start || !env->max_ops)
		return test_fail(TEST_FILE, __LINE__, "unusable VM parameters: start 0x%"
				 PRIx64 " size 0x%" PRIx64 " alignment 0x%" PRIx64
				 " max ops %" PRIu64, env->va_start, env->va_size,
				 env->align, env->max_ops);
	env->va_end = env->va_start + env->va_size;

	find_debugfs(env);
	if (need_debugfs && !env->debugfs[0])
		return test_skip("cannot find nova_vm and nova_stats of this device under "
				 DEBUGFS_DRI " (is debugfs mounted, are we root?)");
	return TEST_PASS;
}

/* --- parsing debugfs ------------------------------------------------------------- */

static FILE *open_debugfs(const struct vm_env *env, const char *name)
{
	char path[352];

	if (!env->debugfs[0])
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", env->debugfs, name);
	return fopen(path, "re");
}

/* What follows the word @keyword and a space in @line, or NULL. */
static const char *after_word(const char *line, const char *keyword)
{
	size_t len = strlen(keyword);
	const char *p = line;

	while ((p = strstr(p, keyword))) {
		bool word_start = p == line || p[-1] == ' ' || p[-1] == '\t';

		if (word_start && p[len] == ' ')
			return p + len + 1;
		p += len;
	}
	return NULL;
}

/* A number in @base (16 takes a 0x prefix) at @p; its end in *@end. */
static bool number(const char *p, int base, uint64_t *value, const char **end)
{
	char *e;

	if (!p || *p == '-' || *p == ' ')
		return false;
	errno = 0;
	*value = strtoull(p, &e, base);
	if (e == p || errno)
		return false;
	if (end)
		*end = e;
	return true;
}

/* The number after the word @keyword in @line; false if absent. */
static bool field(const char *line, const char *keyword, int base, uint64_t *value)
{
	return number(after_word(line, keyword), base, value, NULL);
}

static int compare_mappings(const void *a, const void *b)
{
	const struct vm_mapping *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int vm_read_mappings(const struct vm_env *env, struct vm_mapping *out,
		     unsigned int max)
{
	unsigned int count = 0;
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;
	FILE *f;

	f = open_debugfs(env, "nova_vm");
	if (!f)
		return -ENOENT;

	while (getline(&line, &cap, f) > 0) {
		struct vm_mapping m = { 0 };
		const char *va = after_word(line, "va"), *end;
		uint64_t pid, flags;

		if (!va)
			continue;
		if (field(line, "client", 10, &pid) && pid != (uint64_t)getpid())
			continue;
		if (!number(va, 16, &m.start, &end) || *end != '-' ||
		    !number(end + 1, 16, &m.end, NULL) ||
		    !field(line, "object", 10, &m.object) ||
		    !field(line, "offset", 16, &m.offset) ||
		    !field(line, "flags", 16, &flags) || flags > UINT32_MAX) {
			fprintf(stderr, "vm_util: cannot parse nova_vm line: %s", line);
			ret = -EPROTO;
			break;
		}
		if (count == max) {
			ret = -E2BIG;
			break;
		}
		m.flags = (uint32_t)flags;
		out[count++] = m;
	}

	free(line);
	fclose(f);
	if (ret)
		return ret;
	qsort(out, count, sizeof(*out), compare_mappings);
	return (int)count;
}

int vm_read_stat(const struct vm_env *env, const char *key, uint64_t *value)
{
	size_t len = strlen(key);
	char *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;
	FILE *f;

	f = open_debugfs(env, "nova_stats");
	if (!f)
		return -ENOENT;

	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, key, len) == 0 && line[len] == ':') {
			const char *p = line + len + 1;

			while (*p == ' ')
				p++;
			ret = number(p, 10, value, NULL) ? 0 : -EPROTO;
			break;
		}
	}

	free(line);
	fclose(f);
	return ret;
}

/*
 * The "mappings" of this process's client line in nova_stats. Return: 0,
 * -ENOENT when there is no such line, -EBUSY when there are several (this
 * process has several files open).
 */
static int read_client_mappings(const struct vm_env *env, uint64_t *value)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;
	uint64_t pid;
	FILE *f;

	f = open_debugfs(env, "nova_stats");
	if (!f)
		return -ENOENT;

	while (getline(&line, &cap, f) > 0) {
		if (!field(line, "pid", 10, &pid) || pid != (uint64_t)getpid())
			continue;
		if (ret == 0) {
			ret = -EBUSY;
			break;
		}
		ret = field(line, "mappings", 10, value) ? 0 : -ENOENT;
	}

	free(line);
	fclose(f);
	return ret;
}

/* --- comparing ---------------------------------------------------------------------- */

/* Merge the neighbours that continue each other; returns the new count. */
static unsigned int merge_mappings(struct vm_mapping *m, unsigned int count)
{
	unsigned int i, n = 0;

	for (i = 0; i < count; i++) {
		struct vm_mapping *prev = n ? &m[n - 1] : NULL;

		if (prev && prev->end == m[i].start && prev->object == m[i].object &&
		    prev->flags == m[i].flags &&
		    prev->offset + (prev->end - prev->start) == m[i].offset) {
			prev->end = m[i].end;
			continue;
		}
		m[n++] = m[i];
	}
	return n;
}

static void dump_mappings(const struct vm_env *env, const char *title,
			  const struct vm_mapping *m, unsigned int count, bool indexes)
{
	unsigned int i;

	fprintf(stderr, "  %s (%u):\n", title, count);
	for (i = 0; i < count; i++) {
		fprintf(stderr, "    va 0x%" PRIx64 "-0x%" PRIx64 " (units %" PRIu64 "-%" PRIu64
			") object %s%" PRIu64 " offset 0x%" PRIx64 " flags 0x%x\n",
			m[i].start, m[i].end, (m[i].start - env->va_start) / env->align,
			(m[i].end - env->va_start) / env->align, indexes ? "#" : "",
			m[i].object, m[i].offset, m[i].flags);
	}
}

#define CHECK_MAX	256

enum test_result vm_check(struct vm_env *env, const struct vm_expect *expect,
			  unsigned int count, const char *file, int line)
{
	static struct vm_mapping actual[CHECK_MAX], wanted[CHECK_MAX];
	unsigned int n_actual, n_wanted, i, j;
	uint64_t client_mappings;
	const char *why = NULL;
	int ret;

	ret = vm_read_mappings(env, actual, CHECK_MAX);
	if (ret < 0)
		return test_fail(file, line, "reading %s/nova_vm: %s", env->debugfs,
				 test_errname(ret));
	n_actual = (unsigned int)ret;

	/* nova_stats must count what nova_vm lists. */
	if (read_client_mappings(env, &client_mappings) == 0 &&
	    client_mappings != n_actual)
		return test_fail(file, line, "nova_stats counts %" PRIu64 " mappings for pid %d, "
				 "nova_vm lists %u", client_mappings, getpid(), n_actual);

	for (i = 0; i < count && i < CHECK_MAX; i++) {
		wanted[i] = (struct vm_mapping){
			.start = vm_va(env, expect[i].start),
			.end = vm_va(env, expect[i].end),
			.object = expect[i].object,
			.offset = expect[i].offset * env->align,
			.flags = expect[i].flags,
		};
	}
	n_wanted = merge_mappings(wanted, count);
	n_actual = merge_mappings(actual, n_actual);

	if (n_actual != n_wanted)
		why = "a different number of mappings";
	for (i = 0; !why && i < n_wanted; i++) {
		const struct vm_mapping *a = &actual[i], *w = &wanted[i];
		uint64_t *id = &env->object_ids[w->object];

		if (a->start != w->start || a->end != w->end)
			why = "a mapping with other bounds";
		else if (a->offset != w->offset)
			why = "a mapping at another object offset";
		else if (a->flags != w->flags)
			why = "a mapping with other flags";
		else if (*id && *id != a->object)
			why = "a mapping of another object";
		if (why || *id)
			continue;
		for (j = 0; j < VM_MAX_OBJECTS; j++) {
			if (env->object_ids[j] == a->object)
				why = "one object where two different ones were expected";
		}
		*id = a->object;
	}

	if (why) {
		fprintf(stderr, "%s:%d: the VA space differs from the expected one "
			"(adjacent continuing mappings merged on both sides):\n", file, line);
		dump_mappings(env, "expected, objects by index", wanted, n_wanted, true);
		dump_mappings(env, "nova_vm", actual, n_actual, false);
		return test_fail(file, line, "nova_vm shows %s (%u mappings, expected %u; "
				 "details on stderr)", why, n_actual, n_wanted);
	}
	return TEST_PASS;
}

void vm_snapshot(const struct vm_env *env, struct vm_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	snap->count = vm_read_mappings(env, snap->maps, 64);
	snap->valid = snap->count >= 0 &&
		      !vm_read_stat(env, "mappings", &snap->mappings) &&
		      !vm_read_stat(env, "objects", &snap->objects);
}

enum test_result vm_check_unchanged(const struct vm_env *env,
				    const struct vm_snapshot *before,
				    const char *what, const char *file, int line)
{
	struct vm_snapshot after;

	if (!before->valid)
		return TEST_PASS;	/* no debugfs: only the errno was checked */

	vm_snapshot(env, &after);
	if (!after.valid)
		return test_fail(file, line, "after %s: cannot read debugfs", what);
	if (after.mappings != before->mappings || after.objects != before->objects)
		return test_fail(file, line, "after the failed %s: %" PRIu64 " mappings and %"
				 PRIu64 " objects, before %" PRIu64 " and %" PRIu64, what,
				 after.mappings, after.objects, before->mappings,
				 before->objects);
	if (after.count != before->count ||
	    memcmp(after.maps, before->maps, (size_t)after.count * sizeof(after.maps[0])))
		return test_fail(file, line, "the failed %s changed the VA space: %d mappings "
				 "before, %d after", what, before->count, after.count);
	return TEST_PASS;
}

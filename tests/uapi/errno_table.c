// SPDX-License-Identifier: GPL-2.0
/*
 * Walks Documentation/uapi-errors.csv against the real driver: each row names
 * an ioctl, the input that differs from a valid call, and the errno the
 * documentation promises (0 for success). Documentation and test read the
 * same file, so they cannot disagree.
 *
 * Input language (space-separated assignments, applied to a valid call):
 *   field=EXPR        a field of the ioctl's struct
 *   op.field=EXPR     VM_BIND: a field of its single operation
 *   tail=EXPR         VM_BIND: a byte past the known op size (with op_stride)
 *   setup=fill_budget GEM_CREATE: fill the object budget first
 *   arg=bad_pointer   pass an unreadable pointer as the ioctl's argument
 *   ops=straddle      VM_BIND: the op array runs into an unreadable page
 * EXPR is terms joined by + - |, a term is [~]ATOM[*ATOM], an ATOM a number or
 * a name: page, max_object_size, max_ops, va_start, va_end, object,
 * object_size, unknown, bad_pointer, kernel_pointer, MAP, UNMAP, or a NOVA_*
 * constant.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include <nova/nova.h>
#include "nova_drm.h"

struct env {
	int fd;
	uint64_t uapi_version;
	uint64_t page, max_object_size, budget, va_start, va_end, max_ops;
	uint32_t object;	/* a live 4-page object of this file */
	uint64_t object_size;
};

struct field {
	const char *name;
	size_t offset, size;
};

#define FIELD(type, name) { #name, offsetof(struct type, name), sizeof(((struct type *)0)->name) }

static const struct field getparam_fields[] = {
	FIELD(drm_nova_getparam, param), FIELD(drm_nova_getparam, value), { 0 } };
static const struct field gem_create_fields[] = {
	FIELD(drm_nova_gem_create, handle), FIELD(drm_nova_gem_create, pad),
	FIELD(drm_nova_gem_create, size), { 0 } };
static const struct field gem_info_fields[] = {
	FIELD(drm_nova_gem_info, handle), FIELD(drm_nova_gem_info, pad),
	FIELD(drm_nova_gem_info, size), { 0 } };
static const struct field mmap_offset_fields[] = {
	FIELD(drm_nova_gem_mmap_offset, handle), FIELD(drm_nova_gem_mmap_offset, flags),
	FIELD(drm_nova_gem_mmap_offset, offset), { 0 } };
static const struct field vm_bind_fields[] = {
	FIELD(drm_nova_vm_bind, vm_id), FIELD(drm_nova_vm_bind, flags),
	FIELD(drm_nova_vm_bind, op_count), FIELD(drm_nova_vm_bind, op_stride),
	FIELD(drm_nova_vm_bind, ops), { 0 } };
static const struct field vm_bind_op_fields[] = {
	FIELD(drm_nova_vm_bind_op, op), FIELD(drm_nova_vm_bind_op, flags),
	FIELD(drm_nova_vm_bind_op, handle), FIELD(drm_nova_vm_bind_op, pad),
	FIELD(drm_nova_vm_bind_op, bo_offset), FIELD(drm_nova_vm_bind_op, va),
	FIELD(drm_nova_vm_bind_op, range), { 0 } };

static const struct {
	const char *name;
	uint64_t value;
} constants[] = {
#define CONSTANT(name) { #name, name }
	CONSTANT(NOVA_GETPARAM_VRAM_BAR_SIZE), CONSTANT(NOVA_GETPARAM_UAPI_VERSION),
	CONSTANT(NOVA_GETPARAM_MAX_OBJECT_SIZE), CONSTANT(NOVA_GETPARAM_PAGE_SIZE),
	CONSTANT(NOVA_GETPARAM_OBJECT_BUDGET), CONSTANT(NOVA_GETPARAM_VA_START),
	CONSTANT(NOVA_GETPARAM_VA_SIZE), CONSTANT(NOVA_GETPARAM_VA_ALIGNMENT),
	CONSTANT(NOVA_GETPARAM_VM_BIND_MAX_OPS), CONSTANT(NOVA_VM_BIND_MAP_READONLY),
	CONSTANT(NOVA_VM_BIND_MAP_NOEXEC),
	{ "MAP", NOVA_VM_BIND_OP_MAP }, { "UNMAP", NOVA_VM_BIND_OP_UNMAP },
#undef CONSTANT
};

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "0", 0 }, { "EINVAL", EINVAL }, { "ENOENT", ENOENT }, { "E2BIG", E2BIG },
	{ "ENOSPC", ENOSPC }, { "EFAULT", EFAULT }, { "ENOMEM", ENOMEM },
	{ "EACCES", EACCES },
};

/* Evaluates one name or number; returns -1 when it is unknown. */
static int atom(const struct env *env, const char *s, size_t len, uint64_t *out)
{
	char name[64];
	char *end;

	if (len == 0 || len >= sizeof(name))
		return -1;
	memcpy(name, s, len);
	name[len] = 0;
	if (isdigit((unsigned char)name[0])) {
		*out = strtoull(name, &end, 0);
		return *end ? -1 : 0;
	}
	const struct {
		const char *name;
		uint64_t value;
	} symbols[] = {
		{ "page", env->page }, { "max_object_size", env->max_object_size },
		{ "max_ops", env->max_ops }, { "va_start", env->va_start },
		{ "va_end", env->va_end }, { "object", env->object },
		{ "object_size", env->object_size }, { "unknown", 0x7fffffff },
		/* The first page is never mapped in a process. */
		{ "bad_pointer", 8 },
		/* The kernel's direct map: never a valid user pointer. */
		{ "kernel_pointer", 0xffff888000000000ull },
	};
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		if (!strcmp(name, symbols[i].name)) {
			*out = symbols[i].value;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++) {
		if (!strcmp(name, constants[i].name)) {
			*out = constants[i].value;
			return 0;
		}
	}
	return -1;
}

static int term(const struct env *env, const char **p, uint64_t *out)
{
	int invert = 0;
	uint64_t value, factor;
	const char *s;

	if (**p == '~') {
		invert = 1;
		(*p)++;
	}
	s = *p;
	while (isalnum((unsigned char)**p) || **p == '_')
		(*p)++;
	if (atom(env, s, *p - s, &value))
		return -1;
	if (invert)
		value = ~value;
	if (**p == '*') {
		s = ++*p;
		while (isalnum((unsigned char)**p) || **p == '_')
			(*p)++;
		if (atom(env, s, *p - s, &factor))
			return -1;
		value *= factor;
	}
	*out = value;
	return 0;
}

static int eval(const struct env *env, const char *expr, uint64_t *out)
{
	const char *p = expr;
	uint64_t value, next;
	char op;

	if (term(env, &p, &value))
		return -1;
	while (*p) {
		op = *p++;
		if (term(env, &p, &next))
			return -1;
		if (op == '+')
			value += next;
		else if (op == '-')
			value -= next;
		else if (op == '|')
			value |= next;
		else
			return -1;
	}
	*out = value;
	return 0;
}

static int set_field(const struct field *fields, void *base, const char *name, uint64_t value)
{
	for (const struct field *f = fields; f->name; f++) {
		if (strcmp(f->name, name))
			continue;
		if (f->size == 4)
			*(uint32_t *)((char *)base + f->offset) = (uint32_t)value;
		else
			*(uint64_t *)((char *)base + f->offset) = value;
		return 0;
	}
	return -1;
}

/*
 * Fills the object budget to the last page: the largest objects first, then
 * halves, down to single pages, so that a few dozen objects suffice.
 */
static int fill_budget(const struct env *env, uint32_t *handles, int max)
{
	int n = 0;

	for (uint64_t size = env->max_object_size; size >= env->page; size /= 2) {
		while (n < max) {
			struct drm_nova_gem_create create = { .size = size };

			if (drmIoctl(env->fd, DRM_IOCTL_NOVA_GEM_CREATE, &create))
				break;
			handles[n++] = create.handle;
		}
	}
	return n;
}

static void close_handle(int fd, uint32_t handle)
{
	struct drm_gem_close close_args = { .handle = handle };

	drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &close_args);
}

static void unmap_everything(const struct env *env)
{
	struct drm_nova_vm_bind_op op = {
		.op = NOVA_VM_BIND_OP_UNMAP,
		.va = env->va_start,
		.range = env->va_end - env->va_start,
	};
	struct drm_nova_vm_bind bind = {
		.op_count = 1, .op_stride = sizeof(op), .ops = (uintptr_t)&op,
	};

	drmIoctl(env->fd, DRM_IOCTL_NOVA_VM_BIND, &bind);
}

/*
 * Runs one row; returns the errno the kernel gave (0 for success), or -1
 * with @why set when the row itself is malformed.
 */
static int run_row(const struct env *env, const char *ioctl_name, char *input, const char **why)
{
	union {
		struct drm_nova_getparam getparam;
		struct drm_nova_gem_create gem_create;
		struct drm_nova_gem_info gem_info;
		struct drm_nova_gem_mmap_offset mmap_offset;
		struct drm_nova_vm_bind vm_bind;
	} args;
	/* Room for a longer op version whose tail the row may set. */
	unsigned char ops[2 * sizeof(struct drm_nova_vm_bind_op)] = { 0 };
	struct drm_nova_vm_bind_op *op = (void *)ops;
	const struct field *fields;
	unsigned long request;
	uint32_t budget_handles[4096];
	int filled = 0, ret, bad_arg = 0, straddle = 0;
	uint64_t tail = 0;

	memset(&args, 0, sizeof(args));
	if (!strcmp(ioctl_name, "GETPARAM")) {
		request = DRM_IOCTL_NOVA_GETPARAM;
		fields = getparam_fields;
		args.getparam.param = NOVA_GETPARAM_VRAM_BAR_SIZE;
	} else if (!strcmp(ioctl_name, "GEM_CREATE")) {
		request = DRM_IOCTL_NOVA_GEM_CREATE;
		fields = gem_create_fields;
		args.gem_create.size = env->page;
	} else if (!strcmp(ioctl_name, "GEM_INFO")) {
		request = DRM_IOCTL_NOVA_GEM_INFO;
		fields = gem_info_fields;
		args.gem_info.handle = env->object;
	} else if (!strcmp(ioctl_name, "GEM_MMAP_OFFSET")) {
		request = DRM_IOCTL_NOVA_GEM_MMAP_OFFSET;
		fields = mmap_offset_fields;
		args.mmap_offset.handle = env->object;
	} else if (!strcmp(ioctl_name, "VM_BIND")) {
		request = DRM_IOCTL_NOVA_VM_BIND;
		fields = vm_bind_fields;
		args.vm_bind.op_count = 1;
		args.vm_bind.op_stride = sizeof(*op);
		args.vm_bind.ops = (uintptr_t)ops;
		op->op = NOVA_VM_BIND_OP_MAP;
		op->handle = env->object;
		op->va = env->va_start;
		op->range = env->page;
	} else {
		*why = "unknown ioctl";
		return -1;
	}

	for (char *save, *tok = strtok_r(input, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');
		uint64_t value;

		if (!eq) {
			*why = "an input is not NAME=VALUE";
			return -1;
		}
		*eq = 0;
		if (!strcmp(tok, "arg") && !strcmp(eq + 1, "bad_pointer")) {
			bad_arg = 1;
			continue;
		}
		if (!strcmp(tok, "ops") && !strcmp(eq + 1, "straddle")) {
			straddle = 1;
			continue;
		}
		if (!strcmp(tok, "setup")) {
			if (strcmp(eq + 1, "fill_budget")) {
				*why = "unknown setup";
				return -1;
			}
			filled = fill_budget(env, budget_handles, 4096);
			continue;
		}
		if (eval(env, eq + 1, &value)) {
			*why = "cannot evaluate a value";
			return -1;
		}
		if (!strcmp(tok, "tail"))
			tail = value;
		else if (!strncmp(tok, "op.", 3) ? set_field(vm_bind_op_fields, op, tok + 3, value)
						 : set_field(fields, &args, tok, value)) {
			*why = "unknown field";
			return -1;
		}
	}
	if (tail)
		ops[sizeof(*op)] = (unsigned char)tail;
	if (straddle) {
		/* All but the op's last 8 bytes readable; then a PROT_NONE page. */
		unsigned char *pages = mmap(NULL, 2 * env->page, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (pages == MAP_FAILED) {
			*why = "cannot map the straddle pages";
			return -1;
		}
		mprotect(pages + env->page, env->page, PROT_NONE);
		memcpy(pages + env->page - (sizeof(*op) - 8), ops, sizeof(*op) - 8);
		args.vm_bind.ops = (uintptr_t)(pages + env->page - (sizeof(*op) - 8));
		ret = drmIoctl(env->fd, request, &args) ? errno : 0;
		munmap(pages, 2 * env->page);
	} else {
		ret = drmIoctl(env->fd, request, bad_arg ? (void *)8 : (void *)&args) ? errno : 0;
	}

	if (ret == 0 && request == DRM_IOCTL_NOVA_GEM_CREATE)
		close_handle(env->fd, args.gem_create.handle);
	if (request == DRM_IOCTL_NOVA_VM_BIND)
		unmap_everything(env);
	while (filled > 0)
		close_handle(env->fd, budget_handles[--filled]);
	return ret;
}

static int param(int fd, uint64_t id, uint64_t *value)
{
	struct drm_nova_getparam args = { .param = id };

	if (drmIoctl(fd, DRM_IOCTL_NOVA_GETPARAM, &args))
		return -errno;
	*value = args.value;
	return 0;
}

static int setup(struct nova_device *dev, struct env *env)
{
	struct drm_nova_gem_create create = { 0 };
	uint64_t va_size = 0;

	memset(env, 0, sizeof(*env));
	env->fd = nova_device_fd(dev);
	if (param(env->fd, NOVA_GETPARAM_UAPI_VERSION, &env->uapi_version) ||
	    param(env->fd, NOVA_GETPARAM_PAGE_SIZE, &env->page) ||
	    param(env->fd, NOVA_GETPARAM_MAX_OBJECT_SIZE, &env->max_object_size) ||
	    param(env->fd, NOVA_GETPARAM_OBJECT_BUDGET, &env->budget))
		return -1;
	if (env->uapi_version >= 2 &&
	    (param(env->fd, NOVA_GETPARAM_VA_START, &env->va_start) ||
	     param(env->fd, NOVA_GETPARAM_VA_SIZE, &va_size) ||
	     param(env->fd, NOVA_GETPARAM_VM_BIND_MAX_OPS, &env->max_ops)))
		return -1;
	env->va_end = env->va_start + va_size;
	env->object_size = 4 * env->page;
	create.size = env->object_size;
	if (drmIoctl(env->fd, DRM_IOCTL_NOVA_GEM_CREATE, &create))
		return -1;
	env->object = create.handle;
	return 0;
}

static int errno_of(const char *name, int *value)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++) {
		if (!strcmp(errnos[i].name, name)) {
			*value = errnos[i].value;
			return 0;
		}
	}
	return -1;
}

static const char *errno_name(int value)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].value == value)
			return errnos[i].name;
	return strerror(value);
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0, line_no = 0;
	struct nova_device *dev;
	char line[512];
	struct env env;
	FILE *table;
	int ret;

	if (argc != 2 || !strcmp(argv[1], "--help")) {
		printf("usage: %s Documentation/uapi-errors.csv\n"
		       "Runs every row of the uAPI errno table against the nova device.\n", argv[0]);
		return argc == 2 ? 0 : 2;
	}
	table = fopen(argv[1], "r");
	if (!table) {
		perror(argv[1]);
		return 2;
	}
	ret = nova_device_open(&dev);
	if (ret) {
		fprintf(stderr, "uapi-errors: no nova device: %s\n", strerror(-ret));
		return 2;
	}
	if (setup(dev, &env)) {
		fprintf(stderr, "uapi-errors: cannot set up the fixture: %s\n", strerror(errno));
		return 2;
	}

	while (fgets(line, sizeof(line), table)) {
		char *ioctl_name, *input, *expected, *why, *save;
		const char *problem = NULL;
		char input_copy[256];
		int want, got;

		if (++line_no == 1)
			continue; /* header */
		line[strcspn(line, "\n")] = 0;
		ioctl_name = strtok_r(line, ",", &save);
		input = strtok_r(NULL, ",", &save);
		expected = strtok_r(NULL, ",", &save);
		why = strtok_r(NULL, "", &save);
		if (!ioctl_name || !input || !expected || !why || errno_of(expected, &want)) {
			printf("FAIL line %d: malformed row\n", line_no);
			failed++;
			continue;
		}
		if (!strcmp(ioctl_name, "VM_BIND") && env.uapi_version < 2) {
			printf("skip line %d: %s %s: needs uAPI version 2\n", line_no, ioctl_name, input);
			skipped++;
			continue;
		}
		snprintf(input_copy, sizeof(input_copy), "%s", input);
		got = run_row(&env, ioctl_name, input_copy, &problem);
		if (got < 0) {
			printf("FAIL line %d: %s %s: %s\n", line_no, ioctl_name, input, problem);
			failed++;
		} else if (got != want) {
			printf("FAIL line %d: %s %s: got %s, the table says %s (%s)\n", line_no,
			       ioctl_name, input, errno_name(got), expected, why);
			failed++;
		} else {
			printf("ok line %d: %s %s -> %s\n", line_no, ioctl_name, input, expected);
			passed++;
		}
	}
	fclose(table);
	nova_device_close(dev);
	if (skipped)
		printf("uapi-errors: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	else
		printf("uapi-errors: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

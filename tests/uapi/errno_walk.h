/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The walker of Documentation/uapi-errors.csv, the one piece of code that
 * executes the table's rows. Two front ends link it: nova-uapi-errors
 * (errno_table.c, one line per row) and igt's nova_bad_input (one dynamic
 * subtest per row). Neither repeats a row by hand.
 *
 * Needs libdrm (drmIoctl) and nothing else: no libnova, no igt.
 */
#ifndef NOVA_ERRNO_WALK_H
#define NOVA_ERRNO_WALK_H

#include <stddef.h>
#include <stdint.h>

/* What a row's expressions may name; filled by errno_walk_setup(). */
struct errno_walk_env {
	int fd;			/* the caller's nova file */
	int other_fd;		/* a second file of the same device, ours */
	uint64_t uapi_version;
	uint64_t page, max_object_size, va_start, va_end, max_ops;
	uint64_t max_mappings;	/* 0 before uAPI version 3 */
	uint32_t object;	/* a live 4-page object of fd */
	uint64_t object_size;
	uint32_t foreign;	/* a handle of other_fd that fd does not have */
	uint32_t closed;	/* a handle fd had and closed */
	uint64_t budget_left;	/* GEM_CREATE bytes fd could still create */
	/* uAPI version 4 (0 before): the engine's limits. */
	uint64_t max_queues, exec_max_cmdbufs, exec_max_syncs, max_cmdbuf_size;
	uint32_t foreign_queue;	/* a queue id only other_fd has */
	/*
	 * Made for one row and gone after it (errno_walk.c's setup steps):
	 * the row's queue, which QUEUE_DESTROY, EXEC and QUEUE_GET_STATE use
	 * by default; a queue id the row's setup destroyed; a lost queue; a
	 * syncobj. 0 outside a row.
	 */
	uint32_t queue, destroyed_queue, lost_queue, syncobj;
};

/* One row of the table, as read. */
struct errno_walk_row {
	int line;		/* in the CSV file, from 1 (the header) */
	char ioctl[32];
	char input[256];
	char expected[16];	/* errno name, or "0" */
	/* Its value; -1 when the row is malformed (a missing column, an unknown ioctl or errno). */
	int want;
	char why[160];
	char name[96];		/* "lineN-ioctl-input", [a-z0-9_-] only (igt's rule) */
};

/* The ioctl names a row may start with, NULL-terminated. */
extern const char *const errno_walk_ioctls[];

/*
 * Reads every row of the CSV at @path (after its header) into a malloc()ed
 * array. Return: 0, or -errno when the file cannot be read.
 */
int errno_walk_load(const char *path, struct errno_walk_row **rows, size_t *count);

/* Fills @env for @fd (a nova file). Return: 0 or -errno. */
int errno_walk_setup(struct errno_walk_env *env, int fd);
void errno_walk_teardown(struct errno_walk_env *env);

/* Why @row cannot run on this driver (too old a uAPI), or NULL. */
const char *errno_walk_skip(const struct errno_walk_env *env, const struct errno_walk_row *row);

/*
 * Runs @row and checks that it left nothing behind (the budget left is
 * what it was). Return: the errno the kernel gave (0 for success), or -1
 * with *@problem set when the row is malformed or leaked an object.
 */
int errno_walk_run(const struct errno_walk_env *env, const struct errno_walk_row *row,
		   const char **problem);

/* The table's name of an errno value ("0", "EINVAL", ...). */
const char *errno_walk_name(int value);

#endif /* NOVA_ERRNO_WALK_H */

/* SPDX-License-Identifier: MIT */
/*
 * A device's live buffer objects by GEM handle: what makes PRIME import
 * return the nova_bo the device already has for a handle (handle
 * de-duplication) instead of a second object that would close the handle
 * under the first one's feet.
 *
 * A chained hash table with intrusive nodes; it grows by doubling when it
 * holds more nodes than slots. Insertion never fails: when growing cannot
 * allocate, the table just stays at its size and its chains get longer.
 * Does not depend on libdrm. Not thread-safe: the caller locks.
 */
#ifndef LIBNOVA_HANDLES_H
#define LIBNOVA_HANDLES_H

#include <stdint.h>

struct libnova_handle_node {
	struct libnova_handle_node *next;
	uint32_t handle;
};

struct libnova_handle_table {
	struct libnova_handle_node **slots;
	uint32_t mask;		/* slot count - 1, a power of two minus one */
	uint32_t count;
};

/* Return: 0 or -ENOMEM. */
int libnova_handles_init(struct libnova_handle_table *table);
/* Frees the slots; nodes still in the table are forgotten. */
void libnova_handles_fini(struct libnova_handle_table *table);

/* @node->handle must not be in the table already. */
void libnova_handles_insert(struct libnova_handle_table *table,
			    struct libnova_handle_node *node);
void libnova_handles_remove(struct libnova_handle_table *table,
			    struct libnova_handle_node *node);
struct libnova_handle_node *libnova_handles_find(const struct libnova_handle_table *table,
						 uint32_t handle);

#endif /* LIBNOVA_HANDLES_H */

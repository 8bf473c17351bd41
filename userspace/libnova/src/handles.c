// SPDX-License-Identifier: MIT
/*
 * The handle table of handles.h. GEM handles are small integers handed out
 * densely by the kernel's idr, so a multiplicative hash spreads them well.
 */
#include <errno.h>
#include <stdlib.h>

#include "handles.h"

#define INITIAL_SLOTS	64u

static uint32_t slot_of(uint32_t handle, uint32_t mask)
{
	return (handle * 2654435761u) & mask;
}

int libnova_handles_init(struct libnova_handle_table *table)
{
	table->slots = calloc(INITIAL_SLOTS, sizeof(*table->slots));
	if (!table->slots)
		return -ENOMEM;
	table->mask = INITIAL_SLOTS - 1;
	table->count = 0;
	return 0;
}

void libnova_handles_fini(struct libnova_handle_table *table)
{
	free(table->slots);
	table->slots = NULL;
	table->count = 0;
}

static void grow(struct libnova_handle_table *table)
{
	uint32_t new_mask = table->mask * 2 + 1, i;
	struct libnova_handle_node **slots;

	if (new_mask < table->mask)
		return;
	slots = calloc((size_t)new_mask + 1, sizeof(*slots));
	if (!slots)
		return;

	for (i = 0; i <= table->mask; i++) {
		struct libnova_handle_node *node = table->slots[i], *next;

		for (; node; node = next) {
			uint32_t s = slot_of(node->handle, new_mask);

			next = node->next;
			node->next = slots[s];
			slots[s] = node;
		}
	}
	free(table->slots);
	table->slots = slots;
	table->mask = new_mask;
}

void libnova_handles_insert(struct libnova_handle_table *table,
			    struct libnova_handle_node *node)
{
	uint32_t s;

	if (table->count > table->mask)
		grow(table);
	s = slot_of(node->handle, table->mask);
	node->next = table->slots[s];
	table->slots[s] = node;
	table->count++;
}

void libnova_handles_remove(struct libnova_handle_table *table,
			    struct libnova_handle_node *node)
{
	struct libnova_handle_node **link = &table->slots[slot_of(node->handle, table->mask)];

	for (; *link; link = &(*link)->next) {
		if (*link == node) {
			*link = node->next;
			node->next = NULL;
			table->count--;
			return;
		}
	}
}

struct libnova_handle_node *libnova_handles_find(const struct libnova_handle_table *table,
						 uint32_t handle)
{
	struct libnova_handle_node *node = table->slots[slot_of(handle, table->mask)];

	while (node && node->handle != handle)
		node = node->next;
	return node;
}

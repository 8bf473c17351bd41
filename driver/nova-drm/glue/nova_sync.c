// SPDX-License-Identifier: GPL-2.0
/*
 * Sync elements to fences and back (nova_sync.h): what EXEC and
 * asynchronous VM_BIND share. A WAIT on a binary syncobj takes the fence it
 * holds now; on a timeline, the fence of its point, which must have been
 * submitted. A SIGNAL replaces a binary syncobj's fence, or adds a point to
 * a timeline with a chain node allocated here.
 */

#include <linux/dma-fence-chain.h>
#include <linux/slab.h>

#include <drm/drm_syncobj.h>

#include "nova_drv.h"
#include "nova_sync.h"

struct nova_signal {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

static int nova_sync_alloc(const struct drm_nova_sync *syncs, u32 count, struct nova_waits *waits,
			   struct nova_signals *signals)
{
	u32 i, nwaits = 0;

	for (i = 0; i < count; i++)
		nwaits += !!(syncs[i].flags & NOVA_SYNC_WAIT);
	if (nwaits) {
		waits->fences = kcalloc(nwaits, sizeof(*waits->fences), NOVA_GFP_CLIENT);
		if (!waits->fences)
			return -ENOMEM;
	}
	if (count - nwaits) {
		signals->items = kcalloc(count - nwaits, sizeof(*signals->items), NOVA_GFP_CLIENT);
		if (!signals->items)
			return -ENOMEM;
	}
	return 0;
}

int nova_syncs_resolve(struct drm_file *file, const struct drm_nova_sync *syncs, u32 count,
		       struct nova_waits *waits, struct nova_signals *signals)
{
	u32 i;
	int ret;

	ret = nova_sync_alloc(syncs, count, waits, signals);
	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		const struct drm_nova_sync *sync = &syncs[i];
		struct nova_signal *signal;

		if (sync->flags & NOVA_SYNC_WAIT) {
			/* -ENOENT without a syncobj, -EINVAL without a fence. */
			ret = drm_syncobj_find_fence(file, sync->handle, sync->point, 0,
						     &waits->fences[waits->count]);
			if (ret)
				return ret;
			waits->count++;
			continue;
		}
		signal = &signals->items[signals->count];
		signal->syncobj = drm_syncobj_find(file, sync->handle);
		if (!signal->syncobj)
			return -ENOENT;
		signals->count++;
		signal->point = sync->point;
		if (sync->flags & NOVA_SYNC_TIMELINE) {
			signal->chain = dma_fence_chain_alloc();
			if (!signal->chain)
				return -ENOMEM;
		}
	}
	return 0;
}

struct dma_fence *nova_waits_next(struct nova_waits *waits)
{
	struct dma_fence *fence;

	if (waits->next == waits->count)
		return NULL;
	fence = waits->fences[waits->next];
	waits->fences[waits->next++] = NULL;
	return fence;
}

void nova_waits_fini(struct nova_waits *waits)
{
	u32 i;

	for (i = waits->next; i < waits->count; i++)
		dma_fence_put(waits->fences[i]);
	kfree(waits->fences);
	waits->fences = NULL;
	waits->count = 0;
	waits->next = 0;
}

void nova_signals_install(struct nova_signals *signals, struct dma_fence *fence)
{
	u32 i;

	for (i = 0; i < signals->count; i++) {
		struct nova_signal *signal = &signals->items[i];

		if (signal->chain) {
			drm_syncobj_add_point(signal->syncobj, signal->chain, fence, signal->point);
			/* The timeline owns the node now. */
			signal->chain = NULL;
		} else {
			drm_syncobj_replace_fence(signal->syncobj, fence);
		}
	}
}

void nova_signals_fini(struct nova_signals *signals)
{
	u32 i;

	for (i = 0; i < signals->count; i++) {
		drm_syncobj_put(signals->items[i].syncobj);
		dma_fence_chain_free(signals->items[i].chain);
	}
	kfree(signals->items);
	signals->items = NULL;
	signals->count = 0;
}

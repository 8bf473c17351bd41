/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sync elements of an EXEC job or an asynchronous bind, resolved into
 * what drm_sched and the syncobjs need (nova_sync.c): the fences a job
 * waits for, handed to drm_sched one at a time, and the syncobjs (with a
 * chain node for each timeline point) that get its finished fence.
 *
 * Everything that can fail happens in nova_syncs_resolve(), before the job
 * is armed; installing the fence afterwards cannot fail.
 */
#ifndef NOVA_SYNC_H
#define NOVA_SYNC_H

#include <linux/dma-fence.h>
#include <linux/types.h>

struct drm_file;
struct drm_nova_sync;

/* The WAIT elements' fences: part of the job, until drm_sched took them. */
struct nova_waits {
	u32 count;
	u32 next;
	struct dma_fence **fences;
};

/*
 * The SIGNAL elements: the submitter's, never the job's, since the job may
 * be freed as soon as it is pushed.
 */
struct nova_signals {
	u32 count;
	struct nova_signal *items;
};

/*
 * Looks up every syncobj of @syncs (checked by the logic) and allocates
 * what the signals need. -ENOENT for a handle without a syncobj, -EINVAL
 * for a WAIT on one without a fence, -ENOMEM. Both halves are released
 * with their fini whether this succeeds or not.
 */
int nova_syncs_resolve(struct drm_file *file, const struct drm_nova_sync *syncs, u32 count,
		       struct nova_waits *waits, struct nova_signals *signals);

/* The next fence to wait for, handing over the reference; NULL when done. */
struct dma_fence *nova_waits_next(struct nova_waits *waits);
/* Drops the fences not handed over. */
void nova_waits_fini(struct nova_waits *waits);

/* Installs @fence in every signal's syncobj. */
void nova_signals_install(struct nova_signals *signals, struct dma_fence *fence);
void nova_signals_fini(struct nova_signals *signals);

#endif /* NOVA_SYNC_H */

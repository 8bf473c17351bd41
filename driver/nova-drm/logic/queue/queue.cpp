// SPDX-License-Identifier: GPL-2.0
//
// The queue table and the checks of QUEUE_CREATE, QUEUE_DESTROY,
// QUEUE_GET_STATE and EXEC. uapi/nova_drm.h documents every errno; the
// order of the checks below is the order in which the first failing one
// decides it.
#include "queue/queue.hpp"
#include "uapi/arrays.hpp"
#include "uapi_layout.hpp"

namespace nova {

Status QueueTable::init(u32 max_queues)
{
	NOVA_TRY(lock_.init(NOVA_LOCK_QUEUES));
	// The logic never allocates under one of its locks, and no one else
	// sees the table before its file is open: the slots need no lock yet.
	lock_.assert_held();
	return slots_.allocate(max_queues) ? Status() : error(-ENOMEM);
}

Result<u32> QueueTable::create(nova_svc_file *file, nova_logic_file *owner, u32 priority)
{
	// The glue's queue and the record are made before the table is
	// locked: both allocate, and a slot is only taken if they succeed.
	nova_svc_queue *svc;
	NOVA_TRY(nova_svc_queue_create(file, owner, priority, &svc));
	RefPtr<Queue> queue = adopt_ref(new (may_fail) Queue(svc));
	if (!queue) {
		nova_svc_queue_destroy(svc);
		return error(-ENOMEM);
	}

	RefPtr<Queue> unused;
	{
		Guard guard(lock_);

		for (u32 i = 0; i < slots_.count(); i++) {
			if (!slots_[i]) {
				slots_[i] = move(queue);
				return i + 1;
			}
		}
		// Full: destroyed below, outside the lock.
		unused = move(queue);
	}
	return error(-ENOSPC);
}

Status QueueTable::destroy(u32 id)
{
	RefPtr<Queue> doomed;
	{
		Guard guard(lock_);

		if (id == 0 || id > slots_.count() || !slots_[id - 1])
			return error(-ENOENT);
		doomed = move(slots_[id - 1]);
	}
	// The last reference, unless an ioctl still uses the queue: stopping
	// it waits, so never under the table's lock.
	return {};
}

Result<RefPtr<Queue>> QueueTable::lookup(u32 id)
{
	Guard guard(lock_);

	if (id == 0 || id > slots_.count() || !slots_[id - 1])
		return error(-ENOENT);
	return slots_[id - 1];
}

void QueueTable::destroy_all()
{
	for (u32 id = 1;; id++) {
		RefPtr<Queue> doomed;
		{
			Guard guard(lock_);

			if (id > slots_.count())
				return;
			doomed = move(slots_[id - 1]);
		}
	}
}

Status queue_create(QueueTable &queues, nova_svc_file *file, nova_logic_file *owner,
		    drm_nova_queue_create &args)
{
	if (args.vm_id != 0 || args.flags != 0)
		return error(-EINVAL);
	if (args.priority > NOVA_QUEUE_PRIORITY_HIGH)
		return error(-EINVAL);
	args.queue_id = NOVA_TRY(queues.create(file, owner, args.priority));
	return {};
}

Status queue_get_state(QueueTable &queues, drm_nova_queue_get_state &args)
{
	if (args.flags != 0 || args.pad != 0)
		return error(-EINVAL);

	RefPtr<Queue> queue = NOVA_TRY(queues.lookup(args.queue_id));
	nova_svc_queue_get_state(queue->svc(), &args);
	return {};
}

namespace {

Status check_cmdbuf(const nova_logic_device_config &config, const drm_nova_exec_cmdbuf &buf)
{
	u64 end;

	if (buf.size == 0 || !is_aligned(buf.va | buf.size, 8))
		return error(-EINVAL);
	if (__builtin_add_overflow(buf.va, buf.size, &end))
		return error(-EINVAL);
	if (buf.size > config.max_cmdbuf_size)
		return error(-E2BIG);
	return {};
}

} // namespace

Status exec(const nova_logic_device_config &config, QueueTable &queues, drm_nova_exec &args)
{
	constexpr u32 kCmdbufSize = sizeof(drm_nova_exec_cmdbuf);
	constexpr u32 kSyncSize = sizeof(drm_nova_sync);
	BoxArray<drm_nova_exec_cmdbuf> cmdbufs;
	BoxArray<drm_nova_sync> syncs;

	if (args.flags != 0)
		return error(-EINVAL);
	if (args.cmdbuf_count > config.exec_max_cmdbufs || args.sync_count > config.exec_max_syncs)
		return error(-E2BIG);
	if ((args.cmdbuf_count && args.cmdbuf_stride < kCmdbufSize) ||
	    (args.sync_count && args.sync_stride < kSyncSize))
		return error(-EINVAL);

	// The queue before the arrays: naming no queue is -ENOENT whatever the
	// arrays hold. Whether it is lost only the glue knows, after the
	// arrays passed their checks (a bad array on a lost queue is the
	// array's errno).
	RefPtr<Queue> queue = NOVA_TRY(queues.lookup(args.queue_id));

	if (args.cmdbuf_count && !cmdbufs.allocate(args.cmdbuf_count))
		return error(-ENOMEM);
	for (u32 i = 0; i < args.cmdbuf_count; i++) {
		NOVA_TRY(read_element(args.cmdbufs, i, args.cmdbuf_stride, &cmdbufs[i], kCmdbufSize));
		NOVA_TRY(check_cmdbuf(config, cmdbufs[i]));
	}
	NOVA_TRY(read_syncs(args.syncs, args.sync_count, args.sync_stride, syncs));

	nova_svc_exec job{};
	job.cmdbufs = args.cmdbuf_count ? &cmdbufs[0] : nullptr;
	job.cmdbuf_count = args.cmdbuf_count;
	job.syncs = args.sync_count ? &syncs[0] : nullptr;
	job.sync_count = args.sync_count;
	u64 seqno;
	NOVA_TRY(nova_svc_queue_exec(queue->svc(), &job, &seqno));
	args.seqno = seqno;
	return {};
}

} // namespace nova

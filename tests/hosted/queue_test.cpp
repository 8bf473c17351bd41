// SPDX-License-Identifier: GPL-2.0
//
// Queues and EXEC through nova_logic.h: QUEUE_CREATE, QUEUE_DESTROY, EXEC
// and QUEUE_GET_STATE against the hosted fake queues (every errno the logic
// decides, what reaches the glue, lifetimes, allocation failures), the
// engine's parameters, VM_BIND making mapped objects resident, and the
// engine's view of the VA space (nova_logic_file_va_translate()).
#include <cstring>
#include <vector>

#include "fixture.hpp"
#include "sync_fixture.hpp"
#include "vm_fixture.hpp"

// Next to the uAPI's structs (the global namespace), where the standard
// library's comparisons and GoogleTest's printer look for them.
static bool operator==(const drm_nova_exec_cmdbuf &a, const drm_nova_exec_cmdbuf &b)
{
	return a.va == b.va && a.size == b.size;
}

static std::ostream &operator<<(std::ostream &out, const drm_nova_exec_cmdbuf &buf)
{
	return out << std::hex << "{va 0x" << buf.va << " size 0x" << buf.size << "}" << std::dec;
}

namespace hosted {
namespace {

constexpr std::uint32_t kCmdbufSize = sizeof(drm_nova_exec_cmdbuf);

std::uint64_t va(std::uint64_t page)
{
	return kVaStart + page * kPage;
}

std::uint64_t pages(std::uint64_t count)
{
	return count * kPage;
}

drm_nova_exec_cmdbuf cmdbuf(std::uint64_t address, std::uint64_t size)
{
	drm_nova_exec_cmdbuf buf{};
	buf.va = address;
	buf.size = size;
	return buf;
}

// An EXEC with its arrays in memory that lives as long as the call needs.
struct Exec {
	std::vector<std::uint8_t> cmdbuf_bytes, sync_bytes;
	drm_nova_exec args{};

	Exec(std::uint32_t queue_id, const std::vector<drm_nova_exec_cmdbuf> &cmdbufs,
	     const std::vector<drm_nova_sync> &syncs = {}, std::uint32_t cmdbuf_stride = kCmdbufSize,
	     std::uint32_t sync_stride = kSyncSize)
		: cmdbuf_bytes(array_of(cmdbufs, cmdbuf_stride)), sync_bytes(array_of(syncs, sync_stride))
	{
		args.queue_id = queue_id;
		args.cmdbuf_count = std::uint32_t(cmdbufs.size());
		args.cmdbuf_stride = cmdbuf_stride;
		args.cmdbufs = user_ptr(cmdbuf_bytes.data());
		args.sync_count = std::uint32_t(syncs.size());
		args.sync_stride = sync_stride;
		args.syncs = user_ptr(sync_bytes.data());
		args.seqno = 0xbadbadbadull; // output only
	}
};

class QueueTest : public LogicTest {
protected:
	static int queue_create(File &file, std::uint32_t *id = nullptr,
				std::uint32_t priority = NOVA_QUEUE_PRIORITY_NORMAL, std::uint32_t vm_id = 0,
				std::uint32_t flags = 0)
	{
		drm_nova_queue_create args{};
		args.vm_id = vm_id;
		args.priority = priority;
		args.flags = flags;
		args.queue_id = 0xdead; // output only
		int ret = nova_logic_ioctl_queue_create(file.logic(), &args);
		if (ret == 0 && id)
			*id = args.queue_id;
		return ret;
	}

	// A queue that must be created; its id and its fake.
	static std::uint32_t new_queue(File &file, FakeQueue **fake = nullptr)
	{
		std::uint32_t id = 0;
		EXPECT_EQ(queue_create(file, &id), 0);
		if (fake)
			*fake = last_queue();
		return id;
	}

	static int queue_destroy(File &file, std::uint32_t id, std::uint32_t pad = 0)
	{
		drm_nova_queue_destroy args{};
		args.queue_id = id;
		args.pad = pad;
		return nova_logic_ioctl_queue_destroy(file.logic(), &args);
	}

	static int exec(File &file, Exec &exec)
	{
		return nova_logic_ioctl_exec(file.logic(), &exec.args);
	}

	static int exec(File &file, std::uint32_t queue_id,
			const std::vector<drm_nova_exec_cmdbuf> &cmdbufs,
			const std::vector<drm_nova_sync> &syncs = {})
	{
		Exec call(queue_id, cmdbufs, syncs);
		return exec(file, call);
	}

	static int get_state(File &file, drm_nova_queue_get_state &args)
	{
		return nova_logic_ioctl_queue_get_state(file.logic(), &args);
	}

	static int get_state(File &file, std::uint32_t id)
	{
		drm_nova_queue_get_state args{};
		args.queue_id = id;
		return get_state(file, args);
	}

	static std::uint64_t getparam(File &file, std::uint64_t param)
	{
		drm_nova_getparam args{};
		args.param = param;
		EXPECT_EQ(nova_logic_ioctl_getparam(file.logic(), &args), 0) << param;
		return args.value;
	}

	std::uint32_t object(File &file, std::uint64_t size_pages)
	{
		std::uint32_t handle = 0;
		EXPECT_EQ(create(file, pages(size_pages), &handle), 0);
		return handle;
	}
};

const drm_nova_exec_cmdbuf kGoodBuf = cmdbuf(0x100000, 64);

// --- configuration and GETPARAM ----------------------------------------------

int create_with(nova_logic_device_config config)
{
	nova_logic_device *device = nullptr;
	int ret = nova_logic_device_create(&config, &device);

	if (ret == 0)
		nova_logic_device_put(device);
	return ret;
}

TEST(QueueConfig, RejectsBadEngineLimits)
{
	auto config = small_config();

	config.max_cmdbuf_size = 0;
	EXPECT_EQ(create_with(config), -EINVAL);
	config.max_cmdbuf_size = 12;
	EXPECT_EQ(create_with(config), -EINVAL);
	config = small_config();
	config.max_queues = 0;
	EXPECT_EQ(create_with(config), -EINVAL);
	config = small_config();
	config.queue_max_jobs = 0;
	EXPECT_EQ(create_with(config), -EINVAL);
	config = small_config();
	config.job_timeout_ms = 0;
	EXPECT_EQ(create_with(config), -EINVAL);
	config = small_config();
	config.max_cmdbuf_size = 8;
	config.max_queues = 1;
	config.queue_max_jobs = 1;
	config.job_timeout_ms = 1;
	EXPECT_EQ(create_with(config), 0);
	EXPECT_EQ(live_mutexes(), 0);
}

TEST_F(QueueTest, GetParamAnswersTheEngineParameters)
{
	File file(device_);
	struct {
		std::uint64_t param, value;
	} expected[] = {
		{ NOVA_GETPARAM_MAX_QUEUES, kMaxQueues },
		{ NOVA_GETPARAM_EXEC_MAX_CMDBUFS, kExecMaxCmdbufs },
		{ NOVA_GETPARAM_EXEC_MAX_SYNCS, kExecMaxSyncs },
		{ NOVA_GETPARAM_MAX_CMDBUF_SIZE, kMaxCmdbufSize },
		{ NOVA_GETPARAM_JOB_TIMEOUT_MS, kJobTimeoutMs },
		{ NOVA_GETPARAM_CALL_MAX_DEPTH, kCallMaxDepth },
		{ NOVA_GETPARAM_QUEUE_MAX_JOBS, kQueueMaxJobs },
		{ NOVA_GETPARAM_TIMESTAMP_FREQUENCY, kTimestampFrequency },
		{ NOVA_GETPARAM_UAPI_VERSION, 5 },
	};

	for (auto &e : expected)
		EXPECT_EQ(getparam(file, e.param), e.value) << std::hex << e.param;
}

TEST_F(QueueTest, FileOpenFailsCleanlyAtEveryAllocation)
{
	for (long nth = 0;; nth++) {
		fail_allocation(nth);
		int ret;
		{
			File file(device_);
			ret = file.open_error();
		}
		fail_allocation(-1);
		if (ret == 0) {
			// The file, its VA space's lock, the queue table's
			// lock and slots.
			EXPECT_GE(nth, 4);
			break;
		}
		EXPECT_EQ(ret, -ENOMEM) << "allocation " << nth;
		EXPECT_EQ(device_stats().files, 0u) << "allocation " << nth;
		ASSERT_LT(nth, 16);
	}
	EXPECT_EQ(queues_created(), 0u);
}

// --- QUEUE_CREATE ---------------------------------------------------------------

TEST_F(QueueTest, CreateMakesAGlueQueueForTheFileWithItsPriority)
{
	File file(device_);
	std::uint32_t ids[3];
	const std::uint32_t priorities[3] = { NOVA_QUEUE_PRIORITY_LOW, NOVA_QUEUE_PRIORITY_NORMAL,
					      NOVA_QUEUE_PRIORITY_HIGH };

	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(queue_create(file, &ids[i], priorities[i]), 0);
		EXPECT_NE(ids[i], 0u);
		FakeQueue *fake = queue_created(i);
		ASSERT_NE(fake, nullptr);
		EXPECT_EQ(fake->priority, priorities[i]);
		EXPECT_EQ(fake->owner, file.logic());
		EXPECT_EQ(fake->file, file.svc());
	}
	EXPECT_NE(ids[0], ids[1]);
	EXPECT_NE(ids[1], ids[2]);
	EXPECT_NE(ids[0], ids[2]);
	EXPECT_EQ(live_queues(), 3);
}

TEST_F(QueueTest, CreateRejectsBadArguments)
{
	File file(device_);

	EXPECT_EQ(queue_create(file, nullptr, NOVA_QUEUE_PRIORITY_NORMAL, 1), -EINVAL);
	EXPECT_EQ(queue_create(file, nullptr, NOVA_QUEUE_PRIORITY_NORMAL, ~0u), -EINVAL);
	EXPECT_EQ(queue_create(file, nullptr, NOVA_QUEUE_PRIORITY_NORMAL, 0, 1), -EINVAL);
	EXPECT_EQ(queue_create(file, nullptr, NOVA_QUEUE_PRIORITY_NORMAL, 0, 1u << 31), -EINVAL);
	EXPECT_EQ(queue_create(file, nullptr, NOVA_QUEUE_PRIORITY_HIGH + 1), -EINVAL);
	EXPECT_EQ(queue_create(file, nullptr, ~0u), -EINVAL);
	// Refused before the glue is asked.
	EXPECT_EQ(queues_created(), 0u);
}

TEST_F(QueueTest, CreateStopsAtMaxQueuesAndAFreedIdIsReused)
{
	File file(device_);
	std::vector<std::uint32_t> ids;

	ASSERT_EQ(getparam(file, NOVA_GETPARAM_MAX_QUEUES), kMaxQueues);
	for (std::uint32_t i = 0; i < kMaxQueues; i++)
		ids.push_back(new_queue(file));
	std::uint32_t id = 0;
	EXPECT_EQ(queue_create(file, &id), -ENOSPC);
	EXPECT_EQ(queue_create(file, &id, NOVA_QUEUE_PRIORITY_HIGH), -ENOSPC);
	// The glue's queues made for the refused calls are gone again.
	EXPECT_EQ(live_queues(), long(kMaxQueues));
	EXPECT_TRUE(last_queue()->destroyed);

	ASSERT_EQ(queue_destroy(file, ids[1]), 0);
	ASSERT_EQ(queue_create(file, &id), 0);
	EXPECT_EQ(id, ids[1]);
	EXPECT_EQ(queue_create(file, &id), -ENOSPC);
}

TEST_F(QueueTest, MaxQueuesIsPerFile)
{
	File a(device_), b(device_);

	for (std::uint32_t i = 0; i < kMaxQueues; i++)
		new_queue(a);
	EXPECT_EQ(queue_create(a), -ENOSPC);
	for (std::uint32_t i = 0; i < kMaxQueues; i++)
		new_queue(b);
	EXPECT_EQ(live_queues(), 2 * long(kMaxQueues));
}

TEST_F(QueueTest, CreatePassesTheGluesErrorOn)
{
	File file(device_);

	fail_next_queue_create(-ENODEV);
	EXPECT_EQ(queue_create(file), -ENODEV);
	EXPECT_EQ(live_queues(), 0);
	// The id was not taken: all of them are still there.
	for (std::uint32_t i = 0; i < kMaxQueues; i++)
		new_queue(file);
}

TEST_F(QueueTest, CreateFailsCleanlyAtEveryAllocation)
{
	File file(device_);
	std::uint32_t first = new_queue(file);

	for (long nth = 0;; nth++) {
		fail_allocation(nth);
		std::uint32_t id = 0;
		int ret = queue_create(file, &id);
		long seen = allocations_seen();
		fail_allocation(-1);
		if (ret == 0) {
			// The glue's queue and the logic's record.
			EXPECT_EQ(nth, 2);
			EXPECT_EQ(seen, 2);
			EXPECT_NE(id, first);
			break;
		}
		ASSERT_EQ(ret, -ENOMEM) << "allocation " << nth;
		ASSERT_EQ(live_queues(), 1) << "allocation " << nth;
		ASSERT_LT(nth, 8);
	}
	EXPECT_EQ(live_queues(), 2);
	// Every slot but the two is still free.
	for (std::uint32_t i = 2; i < kMaxQueues; i++)
		new_queue(file);
	EXPECT_EQ(queue_create(file), -ENOSPC);
}

// --- QUEUE_DESTROY --------------------------------------------------------------

TEST_F(QueueTest, DestroyRejectsBadArgumentsAndUnknownIds)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);

	EXPECT_EQ(queue_destroy(file, id, 1), -EINVAL);
	EXPECT_EQ(queue_destroy(file, id, ~0u), -EINVAL);
	EXPECT_FALSE(fake->destroyed);
	EXPECT_EQ(queue_destroy(file, 0), -ENOENT);
	EXPECT_EQ(queue_destroy(file, id + 1), -ENOENT); // a free slot
	EXPECT_EQ(queue_destroy(file, kMaxQueues + 1), -ENOENT);
	EXPECT_EQ(queue_destroy(file, ~0u), -ENOENT);
	EXPECT_EQ(live_queues(), 1);

	EXPECT_EQ(queue_destroy(file, id), 0);
	EXPECT_TRUE(fake->destroyed);
	EXPECT_EQ(live_queues(), 0);
	// Once only: the second time the id names nothing (and the glue's
	// queue is not destroyed again, which the fake would report).
	EXPECT_EQ(queue_destroy(file, id), -ENOENT);
}

TEST_F(QueueTest, IdsAreReusedAfterDestroyForANewQueue)
{
	File file(device_);
	std::uint32_t a = new_queue(file), b = new_queue(file), c = new_queue(file);
	FakeQueue *old_b = queue_created(1);

	ASSERT_EQ(queue_destroy(file, b), 0);
	EXPECT_EQ(exec(file, b, { kGoodBuf }), -ENOENT);
	FakeQueue *new_b;
	EXPECT_EQ(new_queue(file, &new_b), b);
	EXPECT_NE(new_b, old_b);
	ASSERT_EQ(exec(file, b, { kGoodBuf }), 0);
	EXPECT_EQ(new_b->jobs.size(), 1u);
	EXPECT_TRUE(old_b->jobs.empty());
	EXPECT_EQ(exec(file, a, {}), 0);
	EXPECT_EQ(exec(file, c, {}), 0);
}

TEST_F(QueueTest, QueuesBelongToTheirFile)
{
	File a(device_), b(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(a, &fake);

	EXPECT_EQ(exec(b, id, { kGoodBuf }), -ENOENT);
	EXPECT_EQ(get_state(b, id), -ENOENT);
	EXPECT_EQ(queue_destroy(b, id), -ENOENT);
	EXPECT_FALSE(fake->destroyed);
	EXPECT_TRUE(fake->jobs.empty());
	EXPECT_EQ(exec(a, id, { kGoodBuf }), 0);
}

TEST_F(QueueTest, DestroyWhileAnExecUsesTheQueue)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	FakeQueue *successor = nullptr;
	std::uint32_t successor_id = 0;

	fake->during_exec = [&] {
		// The EXEC holds its reference: the id goes now, the queue
		// only once the EXEC is done with it.
		EXPECT_EQ(queue_destroy(file, id), 0);
		EXPECT_FALSE(fake->destroyed);
		EXPECT_EQ(live_queues(), 1);
		EXPECT_EQ(queue_destroy(file, id), -ENOENT);
		// The id is free for a new queue at once.
		successor_id = new_queue(file, &successor);
	};
	Exec call(id, { kGoodBuf });
	EXPECT_EQ(exec(file, call), 0);
	EXPECT_EQ(call.args.seqno, 1u);
	EXPECT_EQ(fake->jobs.size(), 1u);
	EXPECT_TRUE(fake->destroyed);
	EXPECT_EQ(successor_id, id);
	ASSERT_NE(successor, nullptr);
	EXPECT_EQ(live_queues(), 1);

	// The old id now names the successor; destroyed, it names nothing.
	EXPECT_EQ(exec(file, id, { kGoodBuf }), 0);
	EXPECT_EQ(successor->jobs.size(), 1u);
	ASSERT_EQ(queue_destroy(file, id), 0);
	EXPECT_EQ(exec(file, id, { kGoodBuf }), -ENOENT);
	EXPECT_EQ(get_state(file, id), -ENOENT);
}

TEST_F(QueueTest, FileCloseDestroysEveryQueueBeforeTheVaSpace)
{
	std::vector<FakeQueue *> fakes;
	std::vector<std::uint64_t> mappings_seen;
	{
		File file(device_);
		std::uint32_t bo = object(file, 4);
		ASSERT_EQ(vm_bind(file, { map_op(bo, va(0), pages(2)), map_op(bo, va(4), pages(2)) }),
			  0);
		for (std::uint32_t i = 0; i < 3; i++) {
			FakeQueue *fake;
			new_queue(file, &fake);
			fakes.push_back(fake);
		}
		ASSERT_EQ(queue_destroy(file, 2), 0);
		nova_logic_file *logic = file.logic();
		for (FakeQueue *fake : fakes) {
			fake->during_destroy = [&mappings_seen, logic] {
				// A stopping queue's job may still read its VA
				// space: it is all there.
				nova_logic_file_stats stats{};
				nova_logic_file_get_stats(logic, &stats);
				mappings_seen.push_back(stats.mappings);
				nova_svc_gem *gem = nullptr;
				__u64 offset = 0, len = 0;
				__u32 flags = 0;
				nova_logic_file_va_lock(logic);
				EXPECT_EQ(nova_logic_file_va_translate(logic, va(4), &gem, &offset,
								       &len, &flags),
					  0);
				nova_logic_file_va_unlock(logic);
				EXPECT_NE(gem, nullptr);
			};
		}
		fakes[1]->during_destroy = nullptr; // destroyed already
		EXPECT_EQ(live_queues(), 2);
	}
	EXPECT_EQ(mappings_seen, (std::vector<std::uint64_t>{ 2, 2 }));
	for (FakeQueue *fake : fakes)
		EXPECT_TRUE(fake->destroyed);
	EXPECT_EQ(live_queues(), 0);
}

// --- EXEC: what the glue receives ------------------------------------------------

TEST_F(QueueTest, ExecHandsTheCheckedJobToTheGlueInOrder)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	const std::vector<drm_nova_exec_cmdbuf> bufs = {
		cmdbuf(va(3), 8), cmdbuf(va(0) + 8, pages(2)), cmdbuf(va(7) + 0x100, kMaxCmdbufSize),
	};
	const std::vector<drm_nova_sync> syncs = {
		sync_of(5, NOVA_SYNC_WAIT),
		sync_of(3, NOVA_SYNC_SIGNAL),
		sync_of(9, NOVA_SYNC_WAIT | NOVA_SYNC_TIMELINE, 17),
		sync_of(9, NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE, ~0ull),
	};

	Exec first(id, bufs, syncs);
	ASSERT_EQ(exec(file, first), 0);
	EXPECT_EQ(first.args.seqno, 1u);
	ASSERT_EQ(fake->jobs.size(), 1u);
	EXPECT_EQ(fake->jobs[0].cmdbufs, bufs);
	EXPECT_EQ(fake->jobs[0].syncs, syncs);

	// Reversed, another job with the next number.
	Exec second(id, { bufs[2], bufs[1] }, { syncs[3] });
	ASSERT_EQ(exec(file, second), 0);
	EXPECT_EQ(second.args.seqno, 2u);
	ASSERT_EQ(fake->jobs.size(), 2u);
	EXPECT_EQ(fake->jobs[1].cmdbufs, (std::vector<drm_nova_exec_cmdbuf>{ bufs[2], bufs[1] }));
	EXPECT_EQ(fake->jobs[1].syncs, (std::vector<drm_nova_sync>{ syncs[3] }));
	// The first job's record holds copies: the arrays were the logic's.
	EXPECT_EQ(fake->jobs[0].cmdbufs, bufs);
}

TEST_F(QueueTest, SyncHandlesAreTheGluesToResolve)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	const std::vector<drm_nova_sync> syncs = { sync_of(0, NOVA_SYNC_WAIT),
						   sync_of(~0u, NOVA_SYNC_SIGNAL) };

	ASSERT_EQ(exec(file, id, {}, syncs), 0);
	ASSERT_EQ(fake->jobs.size(), 1u);
	EXPECT_EQ(fake->jobs[0].syncs, syncs);
}

TEST_F(QueueTest, AnEmptyJobIsAJobAndItsStridesAreNotLookedAt)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	drm_nova_exec args{};

	args.queue_id = id;
	ASSERT_EQ(nova_logic_ioctl_exec(file.logic(), &args), 0);
	EXPECT_EQ(args.seqno, 1u);
	// Counts zero: strides below 16 and unreadable pointers are fine.
	args.cmdbuf_stride = 3;
	args.cmdbufs = 8;
	args.sync_stride = 0;
	args.syncs = ~0ull;
	ASSERT_EQ(nova_logic_ioctl_exec(file.logic(), &args), 0);
	EXPECT_EQ(args.seqno, 2u);
	ASSERT_EQ(fake->jobs.size(), 2u);
	EXPECT_TRUE(fake->jobs[1].cmdbufs.empty());
	EXPECT_TRUE(fake->jobs[1].syncs.empty());

	// Only one of the two counts zero: the other's stride still counts.
	Exec only_syncs(id, {}, { sync_of(1, NOVA_SYNC_SIGNAL) });
	only_syncs.args.cmdbuf_stride = 1;
	EXPECT_EQ(exec(file, only_syncs), 0);
	Exec only_bufs(id, { kGoodBuf });
	only_bufs.args.sync_stride = 1;
	EXPECT_EQ(exec(file, only_bufs), 0);
	EXPECT_EQ(fake->jobs.size(), 4u);
}

// --- EXEC: errnos the logic decides ---------------------------------------------

TEST_F(QueueTest, ExecRejectsFlags)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);

	for (std::uint32_t flags : { 1u, 2u, 1u << 31, ~0u }) {
		Exec call(id, { kGoodBuf });
		call.args.flags = flags;
		EXPECT_EQ(exec(file, call), -EINVAL) << flags;
	}
	EXPECT_TRUE(fake->jobs.empty());
}

TEST_F(QueueTest, ExecCountsAboveTheirParametersAreTooBig)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);

	ASSERT_EQ(getparam(file, NOVA_GETPARAM_EXEC_MAX_CMDBUFS), kExecMaxCmdbufs);
	ASSERT_EQ(getparam(file, NOVA_GETPARAM_EXEC_MAX_SYNCS), kExecMaxSyncs);
	std::vector<drm_nova_exec_cmdbuf> bufs(kExecMaxCmdbufs, kGoodBuf);
	std::vector<drm_nova_sync> syncs(kExecMaxSyncs, sync_of(1, NOVA_SYNC_WAIT));

	EXPECT_EQ(exec(file, id, bufs, syncs), 0);
	bufs.push_back(kGoodBuf);
	EXPECT_EQ(exec(file, id, bufs, {}), -E2BIG);
	bufs.pop_back();
	syncs.push_back(sync_of(1, NOVA_SYNC_WAIT));
	EXPECT_EQ(exec(file, id, bufs, syncs), -E2BIG);
	EXPECT_EQ(exec(file, id, {}, syncs), -E2BIG);

	// Huge counts are refused without reading (or allocating for) the arrays.
	drm_nova_exec args{};
	args.queue_id = id;
	args.cmdbuf_count = ~0u;
	args.cmdbuf_stride = kCmdbufSize;
	fail_allocation(0, true);
	EXPECT_EQ(nova_logic_ioctl_exec(file.logic(), &args), -E2BIG);
	args.cmdbuf_count = 0;
	args.sync_count = ~0u;
	args.sync_stride = kSyncSize;
	EXPECT_EQ(nova_logic_ioctl_exec(file.logic(), &args), -E2BIG);
	fail_allocation(-1);
	EXPECT_EQ(fake->jobs.size(), 1u);
}

TEST_F(QueueTest, ExecStridesBelowSixteenAreInvalid)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);

	for (std::uint32_t stride : { 0u, 1u, 8u, 15u }) {
		// Laid out at 16 bytes, so only the stride is wrong.
		Exec bufs(id, { kGoodBuf });
		bufs.args.cmdbuf_stride = stride;
		EXPECT_EQ(exec(file, bufs), -EINVAL) << stride;
		Exec syncs(id, {}, { sync_of(1, NOVA_SYNC_SIGNAL) });
		syncs.args.sync_stride = stride;
		EXPECT_EQ(exec(file, syncs), -EINVAL) << stride;
	}
	EXPECT_TRUE(fake->jobs.empty());
}

TEST_F(QueueTest, ExecLongerStridesWithZeroTailsAreAccepted)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	const std::vector<drm_nova_exec_cmdbuf> bufs = { cmdbuf(va(1), 16), cmdbuf(va(2), 24),
							 cmdbuf(va(3), 32) };
	const std::vector<drm_nova_sync> syncs = { sync_of(1, NOVA_SYNC_WAIT),
						   sync_of(2, NOVA_SYNC_SIGNAL | NOVA_SYNC_TIMELINE, 4) };

	for (std::uint32_t stride : { 17u, 24u, 40u, 4096u }) {
		Exec call(id, bufs, syncs, stride, stride + 8);
		ASSERT_EQ(exec(file, call), 0) << stride;
		EXPECT_EQ(fake->jobs.back().cmdbufs, bufs) << stride;
		EXPECT_EQ(fake->jobs.back().syncs, syncs) << stride;
	}
}

TEST_F(QueueTest, ExecNonZeroBytesPastTheKnownSizeAreInvalid)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	const std::uint32_t stride = 32;

	// A non-zero byte in the tail of each element in turn, first and
	// last byte of the tail.
	for (std::uint32_t element = 0; element < 3; element++) {
		for (std::uint32_t at : { 16u, 31u }) {
			Exec bufs(id, { kGoodBuf, kGoodBuf, kGoodBuf }, {}, stride);
			bufs.cmdbuf_bytes[element * stride + at] = 1;
			EXPECT_EQ(exec(file, bufs), -EINVAL) << element << " " << at;
			Exec syncs(id, {},
				   { sync_of(1, NOVA_SYNC_WAIT), sync_of(2, NOVA_SYNC_WAIT),
				     sync_of(3, NOVA_SYNC_SIGNAL) },
				   kCmdbufSize, stride);
			syncs.sync_bytes[element * stride + at] = 0x80;
			EXPECT_EQ(exec(file, syncs), -EINVAL) << element << " " << at;
		}
	}
	EXPECT_TRUE(fake->jobs.empty());
}

TEST_F(QueueTest, ExecUnreadableArraysFault)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);

	for (std::uint64_t bad : { 0ull, 8ull, 1ull << 47, ~0ull - 8 }) {
		Exec bufs(id, { kGoodBuf });
		bufs.args.cmdbufs = bad;
		EXPECT_EQ(exec(file, bufs), -EFAULT) << bad;
		Exec syncs(id, { kGoodBuf }, { sync_of(1, NOVA_SYNC_WAIT) });
		syncs.args.syncs = bad;
		EXPECT_EQ(exec(file, syncs), -EFAULT) << bad;
	}

	// The user's memory ends inside the last element (of either array),
	// or right at the start of the last one.
	const std::vector<drm_nova_exec_cmdbuf> bufs = { kGoodBuf, kGoodBuf, kGoodBuf };
	const std::vector<drm_nova_sync> syncs = { sync_of(1, NOVA_SYNC_WAIT),
						   sync_of(2, NOVA_SYNC_SIGNAL) };
	for (std::uint32_t cut : { 2 * kCmdbufSize + 15, 2 * kCmdbufSize + 1, 2 * kCmdbufSize }) {
		Exec call(id, bufs, syncs);
		fail_copies_from(call.args.cmdbufs + cut);
		EXPECT_EQ(exec(file, call), -EFAULT) << cut;
		fail_copies_from(0);
	}
	for (std::uint32_t cut : { kSyncSize + 15, kSyncSize + 1, kSyncSize }) {
		Exec call(id, bufs, syncs);
		fail_copies_from(call.args.syncs + cut);
		EXPECT_EQ(exec(file, call), -EFAULT) << cut;
		fail_copies_from(0);
	}
	// With a longer stride the tail is read too: a fault in it faults.
	Exec wide(id, bufs, {}, 24);
	fail_copies_from(wide.args.cmdbufs + 2 * 24 + 20);
	EXPECT_EQ(exec(file, wide), -EFAULT);
	fail_copies_from(0);
	EXPECT_TRUE(fake->jobs.empty());
	// Ending right after the arrays is fine.
	Exec exact(id, bufs, {});
	fail_copies_from(exact.args.cmdbufs + 3 * kCmdbufSize);
	EXPECT_EQ(exec(file, exact), 0);
	fail_copies_from(0);
}

TEST_F(QueueTest, ExecRejectsMalformedCommandBuffers)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	struct {
		drm_nova_exec_cmdbuf buf;
		int err;
	} cases[] = {
		{ cmdbuf(va(0), 0), -EINVAL },		     // empty
		{ cmdbuf(va(0), 4), -EINVAL },		     // not a multiple of 8
		{ cmdbuf(va(0), 12), -EINVAL },
		{ cmdbuf(va(0), kMaxCmdbufSize + 4), -EINVAL }, // unaligned beats too big
		{ cmdbuf(va(0) + 4, 8), -EINVAL },	     // unaligned
		{ cmdbuf(va(0) + 1, 16), -EINVAL },
		{ cmdbuf(~0ull - 7, 16), -EINVAL },	     // wraps around
		{ cmdbuf(1ull << 63, (1ull << 63) + 8), -EINVAL }, // wraps, and too big
		{ cmdbuf(~0ull - 7, 8), -EINVAL },	     // ends past 2^64 - 1
		{ cmdbuf(va(0), kMaxCmdbufSize + 8), -E2BIG },
		{ cmdbuf(0, ~0ull - 7), -E2BIG },
		{ cmdbuf(va(0), kMaxCmdbufSize), 0 },
		{ cmdbuf(8, 8), 0 }, // where it is mapped is the engine's to find
		{ cmdbuf(~0ull - 15, 8), 0 },
	};

	ASSERT_EQ(getparam(file, NOVA_GETPARAM_MAX_CMDBUF_SIZE), kMaxCmdbufSize);
	std::size_t accepted = 0;
	for (auto &c : cases) {
		EXPECT_EQ(exec(file, id, { c.buf }), c.err) << std::hex << c.buf.va << " " << c.buf.size;
		// A bad buffer behind good ones fails the whole call.
		EXPECT_EQ(exec(file, id, { kGoodBuf, kGoodBuf, c.buf }), c.err)
			<< std::hex << c.buf.va << " " << c.buf.size;
		accepted += c.err == 0 ? 2 : 0;
	}
	EXPECT_EQ(fake->jobs.size(), accepted);
}

TEST_F(QueueTest, ExecRejectsMalformedSyncElements)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	const std::uint32_t W = NOVA_SYNC_WAIT, S = NOVA_SYNC_SIGNAL, T = NOVA_SYNC_TIMELINE;
	struct {
		drm_nova_sync sync;
		int err;
	} cases[] = {
		{ sync_of(1, 0), -EINVAL },			// neither
		{ sync_of(1, W | S), -EINVAL },			// both
		{ sync_of(1, W | S | T, 1), -EINVAL },
		{ sync_of(1, T, 1), -EINVAL },			// a timeline, neither
		{ sync_of(1, W | (1u << 3)), -EINVAL },		// unknown flags
		{ sync_of(1, S | (1u << 31)), -EINVAL },
		{ sync_of(1, W | T | (1u << 3), 1), -EINVAL },
		{ sync_of(1, W, 1), -EINVAL },			// point without TIMELINE
		{ sync_of(1, S, ~0ull), -EINVAL },
		{ sync_of(1, W | T, 0), -EINVAL },		// TIMELINE with point 0
		{ sync_of(1, S | T, 0), -EINVAL },
		{ sync_of(1, W), 0 },
		{ sync_of(1, S), 0 },
		{ sync_of(1, W | T, 1), 0 },
		{ sync_of(1, S | T, ~0ull), 0 },
	};

	std::size_t accepted = 0;
	for (auto &c : cases) {
		EXPECT_EQ(exec(file, id, {}, { c.sync }), c.err)
			<< std::hex << c.sync.flags << " " << c.sync.point;
		EXPECT_EQ(exec(file, id, { kGoodBuf }, { sync_of(2, S), sync_of(3, W), c.sync }), c.err)
			<< std::hex << c.sync.flags << " " << c.sync.point;
		accepted += c.err == 0 ? 2 : 0;
	}
	EXPECT_EQ(fake->jobs.size(), accepted);
}

TEST_F(QueueTest, ExecOnUnknownQueuesIsNoEntry)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	std::uint32_t gone = new_queue(file);
	ASSERT_EQ(queue_destroy(file, gone), 0);

	for (std::uint32_t bad : { 0u, gone, gone + 1, kMaxQueues, kMaxQueues + 1, ~0u })
		EXPECT_EQ(exec(file, bad, { kGoodBuf }), -ENOENT) << bad;
	// The queue is named before the arrays are read.
	Exec unreadable(0, { kGoodBuf });
	unreadable.args.cmdbufs = 0;
	EXPECT_EQ(exec(file, unreadable), -ENOENT);
	EXPECT_TRUE(fake->jobs.empty());
	EXPECT_EQ(exec(file, id, { kGoodBuf }), 0);
}

TEST_F(QueueTest, ExecPassesTheGluesErrorsOnUnchanged)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);

	// A WAIT on a syncobj without a fence, an unknown handle, a signal
	// while the queue was full.
	for (int err : { -EINVAL, -ENOENT, -EINTR, -ENOMEM, -ENODEV }) {
		fake->fail_next_exec = err;
		EXPECT_EQ(exec(file, id, { kGoodBuf }, { sync_of(1, NOVA_SYNC_WAIT) }), err);
	}
	EXPECT_TRUE(fake->jobs.empty());
	Exec call(id, { kGoodBuf });
	ASSERT_EQ(exec(file, call), 0);
	EXPECT_EQ(call.args.seqno, 1u);

	// Lost: -EIO from then on, the job not queued.
	fake->lost = true;
	EXPECT_EQ(exec(file, id, { kGoodBuf }), -EIO);
	EXPECT_EQ(exec(file, id, {}), -EIO);
	EXPECT_EQ(fake->jobs.size(), 1u);
	// A lost queue is destroyed like any other.
	EXPECT_EQ(queue_destroy(file, id), 0);
	EXPECT_TRUE(fake->destroyed);
}

TEST_F(QueueTest, ExecFailsCleanlyAtEveryAllocation)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	const std::vector<drm_nova_exec_cmdbuf> bufs = { kGoodBuf, cmdbuf(va(4), 32) };
	const std::vector<drm_nova_sync> syncs = { sync_of(1, NOVA_SYNC_WAIT),
						   sync_of(2, NOVA_SYNC_SIGNAL) };
	struct {
		std::vector<drm_nova_exec_cmdbuf> bufs;
		std::vector<drm_nova_sync> syncs;
		long allocations; // the logic's arrays, the glue's job
	} calls[] = { { bufs, syncs, 3 }, { bufs, {}, 2 }, { {}, syncs, 2 }, { {}, {}, 1 } };

	std::size_t jobs = 0;
	for (auto &c : calls) {
		for (long nth = 0;; nth++) {
			Exec call(id, c.bufs, c.syncs);
			fail_allocation(nth);
			int ret = exec(file, call);
			long seen = allocations_seen();
			fail_allocation(-1);
			if (ret == 0) {
				EXPECT_EQ(nth, c.allocations);
				EXPECT_EQ(seen, c.allocations);
				EXPECT_EQ(call.args.seqno, ++jobs);
				break;
			}
			ASSERT_EQ(ret, -ENOMEM) << "allocation " << nth;
			ASSERT_EQ(fake->jobs.size(), jobs) << "allocation " << nth;
			ASSERT_LT(nth, 8);
		}
	}
	EXPECT_EQ(fake->jobs.size(), 4u);
	EXPECT_EQ(fake->jobs[0].cmdbufs, bufs);
	EXPECT_EQ(fake->jobs[0].syncs, syncs);
}

// --- QUEUE_GET_STATE ------------------------------------------------------------

TEST_F(QueueTest, GetStateRejectsBadArgumentsAndUnknownIds)
{
	File file(device_);
	FakeQueue *fake;
	std::uint32_t id = new_queue(file, &fake);
	drm_nova_queue_get_state args{};

	args.queue_id = id;
	args.flags = 1;
	EXPECT_EQ(get_state(file, args), -EINVAL);
	args.flags = 1u << 31;
	EXPECT_EQ(get_state(file, args), -EINVAL);
	args.flags = 0;
	args.pad = 1;
	EXPECT_EQ(get_state(file, args), -EINVAL);
	args.pad = 0;
	for (std::uint32_t bad : { 0u, id + 1, kMaxQueues + 1, ~0u }) {
		args.queue_id = bad;
		EXPECT_EQ(get_state(file, args), -ENOENT) << bad;
	}
	EXPECT_EQ(fake->get_state_calls, 0);
	EXPECT_EQ(get_state(file, id), 0);
	EXPECT_EQ(fake->get_state_calls, 1);
}

TEST_F(QueueTest, GetStateReportsWhatTheGlueSays)
{
	File file(device_);
	FakeQueue *fake;
	new_queue(file);
	std::uint32_t id = new_queue(file, &fake);

	ASSERT_EQ(exec(file, id, { kGoodBuf }), 0);
	ASSERT_EQ(exec(file, id, {}), 0);
	ASSERT_EQ(exec(file, id, { kGoodBuf }), 0);
	fake->state.state = NOVA_QUEUE_STATE_LOST;
	fake->state.fault_type = NOVA_FAULT_READONLY;
	fake->state.fault_access = NOVA_ACCESS_WRITE;
	fake->state.fault_va = 0x123456789abcull;
	fake->state.fault_seqno = 2;
	fake->state.completed = 2;

	drm_nova_queue_get_state args;
	std::memset(&args, 0xa5, sizeof(args)); // outputs ignored on input
	args.queue_id = id;
	args.flags = 0;
	args.pad = 0;
	ASSERT_EQ(get_state(file, args), 0);
	EXPECT_EQ(args.queue_id, id);
	EXPECT_EQ(args.flags, 0u);
	EXPECT_EQ(args.pad, 0u);
	EXPECT_EQ(args.state, std::uint32_t(NOVA_QUEUE_STATE_LOST));
	EXPECT_EQ(args.fault_type, std::uint32_t(NOVA_FAULT_READONLY));
	EXPECT_EQ(args.fault_access, std::uint32_t(NOVA_ACCESS_WRITE));
	EXPECT_EQ(args.fault_va, 0x123456789abcull);
	EXPECT_EQ(args.fault_seqno, 2u);
	EXPECT_EQ(args.submitted, 3u);
	EXPECT_EQ(args.completed, 2u);
	// The other queue's state is its own.
	drm_nova_queue_get_state other{};
	other.queue_id = 1;
	ASSERT_EQ(get_state(file, other), 0);
	EXPECT_EQ(other.state, std::uint32_t(NOVA_QUEUE_STATE_ACTIVE));
	EXPECT_EQ(other.submitted, 0u);
}

// --- VM_BIND makes mapped objects resident --------------------------------------

TEST_F(QueueTest, MapMakesTheObjectResident)
{
	File file(device_);
	std::uint32_t a = object(file, 4), b = object(file, 4), unmapped = object(file, 1);
	std::uint32_t foreign = file.import_foreign(pages(2));

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(2)), map_op(a, va(2), pages(2), pages(2)),
				  map_op(foreign, va(8), pages(2)) }),
		  0);
	// Once per object and batch: @a's second MAP finds it resident.
	EXPECT_EQ(make_resident_calls(), 2);
	ASSERT_EQ(vm_bind(file, { unmap_op(va(0), pages(4)) }), 0);
	EXPECT_EQ(make_resident_calls(), 2) << "UNMAP made something resident";
	ASSERT_EQ(vm_bind(file, { map_op(b, va(20), pages(1)) }), 0);
	EXPECT_EQ(make_resident_calls(), 3);

	for (auto [handle, resident] : { std::pair{ a, true }, std::pair{ b, true },
					 std::pair{ foreign, true }, std::pair{ unmapped, false } }) {
		nova_svc_gem *gem = file.hold(handle);
		ASSERT_NE(gem, nullptr);
		EXPECT_EQ(is_resident(gem), resident) << handle;
		File::put_object(gem);
	}
}

TEST_F(QueueTest, AFailedMakeResidentFailsTheWholeBatch)
{
	File file(device_);
	std::uint32_t a = object(file, 8), b = object(file, 8), c = object(file, 8);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(8)) }), 0);
	const auto before = mappings(file);
	const std::vector<drm_nova_vm_bind_op> batch = {
		unmap_op(va(0), pages(2)),
		map_op(b, va(4), pages(2)),
		map_op(c, va(16), pages(4)),
		map_op(b, va(30), pages(1), pages(7)),
	};

	// Fail the first, second and third MAP of the batch in turn.
	for (long skip = 0; skip < 3; skip++) {
		for (int err : { -ENOMEM, -EFAULT, -EIO }) {
			fail_next_make_resident(err, skip);
			EXPECT_EQ(vm_bind(file, batch), err) << skip;
			fail_next_make_resident(0);
			EXPECT_EQ(mappings(file), before) << skip << " " << err;
			EXPECT_EQ(device_stats().mappings, before.size());
		}
	}
	EXPECT_EQ(live_objects(), 3);
	ASSERT_EQ(vm_bind(file, batch), 0);
	EXPECT_EQ(mappings(file).size(), 5u);
}

// --- the engine's view of the VA space --------------------------------------------

struct Translation {
	int err;
	nova_svc_gem *gem;
	__u64 offset, len;
	__u32 flags;
};

Translation translate(File &file, std::uint64_t address)
{
	Translation t{ 0, nullptr, ~0ull, ~0ull, ~0u };

	nova_logic_file_va_lock(file.logic());
	t.err = nova_logic_file_va_translate(file.logic(), address, &t.gem, &t.offset, &t.len,
					     &t.flags);
	nova_logic_file_va_unlock(file.logic());
	return t;
}

TEST_F(QueueTest, TranslateNamesTheMappingsObjectOffsetLengthAndFlags)
{
	File file(device_);
	std::uint32_t a = object(file, 16), b = object(file, 4);
	nova_svc_gem *ga = file.hold(a), *gb = file.hold(b);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(8), pages(2), NOVA_VM_BIND_MAP_READONLY),
				  map_op(b, va(10), pages(4), 0, NOVA_VM_BIND_MAP_NOEXEC) }),
		  0);

	Translation t = translate(file, va(0));
	EXPECT_EQ(t.err, 0);
	EXPECT_EQ(t.gem, ga);
	EXPECT_EQ(t.offset, pages(2));
	EXPECT_EQ(t.len, pages(8));
	EXPECT_EQ(t.flags, std::uint32_t(NOVA_VM_BIND_MAP_READONLY));

	t = translate(file, va(3) + 5);
	EXPECT_EQ(t.err, 0);
	EXPECT_EQ(t.gem, ga);
	EXPECT_EQ(t.offset, pages(5) + 5);
	EXPECT_EQ(t.len, pages(5) - 5);

	t = translate(file, va(8) - 1); // the last byte
	EXPECT_EQ(t.err, 0);
	EXPECT_EQ(t.offset, pages(10) - 1);
	EXPECT_EQ(t.len, 1u);

	t = translate(file, va(12) + 8);
	EXPECT_EQ(t.err, 0);
	EXPECT_EQ(t.gem, gb);
	EXPECT_EQ(t.offset, pages(2) + 8);
	EXPECT_EQ(t.len, pages(2) - 8);
	EXPECT_EQ(t.flags, std::uint32_t(NOVA_VM_BIND_MAP_NOEXEC));

	// Holes, the ends of mappings, outside the VA range.
	for (std::uint64_t hole : std::initializer_list<std::uint64_t>{
		     va(8), va(9) + 77, va(14), va(14) + pages(100), kVaStart - 1, 0, kVaStart + kVaSize,
		     ~0ull })
		EXPECT_EQ(translate(file, hole).err, -EFAULT) << std::hex << hole;

	ASSERT_EQ(vm_bind(file, { unmap_op(va(0), pages(20)) }), 0);
	EXPECT_EQ(translate(file, va(0)).err, -EFAULT);
	EXPECT_EQ(translate(file, va(12)).err, -EFAULT);
	File::put_object(ga);
	File::put_object(gb);
}

TEST_F(QueueTest, TranslateFollowsSplitsAndReplacements)
{
	File file(device_);
	std::uint32_t a = object(file, 16), b = object(file, 4);
	nova_svc_gem *ga = file.hold(a), *gb = file.hold(b);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(12), pages(4)) }), 0);
	// Split by an UNMAP in the middle and by a MAP of b further on.
	ASSERT_EQ(vm_bind(file, { unmap_op(va(2), pages(2)), map_op(b, va(6), pages(2), pages(1)) }),
		  0);

	Translation t = translate(file, va(1) + 3);
	EXPECT_EQ(t.err, 0);
	EXPECT_EQ(t.gem, ga);
	EXPECT_EQ(t.offset, pages(5) + 3);
	EXPECT_EQ(t.len, pages(1) - 3); // up to the hole at va(2)
	EXPECT_EQ(translate(file, va(2)).err, -EFAULT);
	EXPECT_EQ(translate(file, va(4) - 1).err, -EFAULT);

	t = translate(file, va(4));
	EXPECT_EQ(t.err, 0);
	EXPECT_EQ(t.gem, ga);
	EXPECT_EQ(t.offset, pages(8)); // the right part keeps its offset
	EXPECT_EQ(t.len, pages(2));	// up to b

	t = translate(file, va(7));
	EXPECT_EQ(t.err, 0);
	EXPECT_EQ(t.gem, gb);
	EXPECT_EQ(t.offset, pages(2));
	EXPECT_EQ(t.len, pages(1));

	t = translate(file, va(8) + 16);
	EXPECT_EQ(t.err, 0);
	EXPECT_EQ(t.gem, ga);
	EXPECT_EQ(t.offset, pages(12) + 16);
	EXPECT_EQ(t.len, pages(4) - 16);
	EXPECT_EQ(translate(file, va(12)).err, -EFAULT);
	File::put_object(ga);
	File::put_object(gb);
}

TEST_F(QueueTest, TranslateReachesTheEndOfTheVaRange)
{
	File file(device_);
	std::uint32_t a = object(file, 2);
	const std::uint64_t last = kVaStart + kVaSize - pages(1);

	ASSERT_EQ(vm_bind(file, { map_op(a, last, pages(1), pages(1)) }), 0);
	Translation t = translate(file, kVaStart + kVaSize - 1);
	EXPECT_EQ(t.err, 0);
	EXPECT_EQ(t.offset, pages(2) - 1);
	EXPECT_EQ(t.len, 1u);
	EXPECT_EQ(translate(file, last - 1).err, -EFAULT);
	EXPECT_EQ(translate(file, kVaStart + kVaSize).err, -EFAULT);
}

} // namespace
} // namespace hosted

// SPDX-License-Identifier: GPL-2.0
/*
 * nova_core's command engine in the kernel: the data movers of
 * driver/nova-core/mover.c against memmove() and the fill pattern (the
 * hosted tests link their own movers, so only here are the kernel's
 * checked), and the channels of engine.c on a function of the test's own
 * (in order within a channel, independent across channels, faults, stop on
 * destroy). Linked into nova_core.o.
 */

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kunit/test.h>

#include "nova-core/core.h"
#include "nova_engine.h"
#include "uapi/nova_drm.h"

/* --- the movers ----------------------------------------------------------------- */

#define MOVER_BUF 8192

/* Every length up to a few steps, every alignment within a step, both overlaps. */
static void movers_match_memmove_and_the_pattern(struct kunit *test)
{
	u8 *got = kunit_kzalloc(test, MOVER_BUF, GFP_KERNEL);
	u8 *want = kunit_kzalloc(test, MOVER_BUF, GFP_KERNEL);
	static const u32 lens[] = { 0, 1, 3, 4, 7, 8, 63, 64, 65, 127, 128, 200, 4096, 4099 };
	unsigned int l, i, src, dst;

	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, want);
	for (l = 0; l < ARRAY_SIZE(lens); l++) {
		for (src = 0; src < 2 * 64; src += 9) {
			for (dst = 0; dst < 2 * 64; dst += 13) {
				u32 len = lens[l], pattern = 0x9e3779b9u * (len + src + dst);

				for (i = 0; i < MOVER_BUF; i++)
					got[i] = want[i] = i * 7 + l;
				/* In one buffer: dst above, below or equal to src. */
				nova_engine_move(got + dst, got + src, len);
				memmove(want + dst, want + src, len);
				KUNIT_ASSERT_EQ_MSG(test, memcmp(got, want, MOVER_BUF), 0,
						    "move len %u src %u dst %u", len, src, dst);

				nova_engine_fill32(got + dst, pattern, len);
				for (i = 0; i < len; i++)
					want[dst + i] = pattern >> (8 * (i & 3));
				KUNIT_ASSERT_EQ_MSG(test, memcmp(got, want, MOVER_BUF), 0,
						    "fill len %u dst %u", len, dst);
			}
		}
	}
}

/* --- the channels ----------------------------------------------------------------- */

/*
 * The test's GPU memory: 16 KiB at ENGINE_VA, RW and executable in the
 * first half, read-only in the next quarter, nothing mapped past that.
 */
#define ENGINE_VA	0x100000ull
#define ENGINE_RW	SZ_8K
#define ENGINE_RO	SZ_4K
#define ENGINE_MEM	(ENGINE_RW + ENGINE_RO)
/* Where the test's semaphores and results live, after the command buffers. */
#define ENGINE_SLOTS	(ENGINE_RW - 256)
/* Long enough for TCG and UML, short enough to fail fast. */
#define ENGINE_WAIT_MS	5000

struct engine_fixture {
	struct device *bus;
	struct nova_function *fn;
	u8 *mem;
	u32 used;			/* qwords emitted so far */
	struct completion raised;
	struct nova_engine_job *reaped[8];
	unsigned int reaped_count;
};

static void engine_raise(struct nova_function *fn, u32 status)
{
	struct engine_fixture *f = fn->priv;

	complete(&f->raised);
}

/* The engine ends its waits through raise: nothing to wait for here. */
static void engine_sync_irq(struct nova_function *fn)
{
}

static const struct nova_function_ops engine_fixture_ops = {
	.raise = engine_raise,
	.sync_irq = engine_sync_irq,
};

static const struct nova_function_info engine_fixture_info = {
	.name = "kunit",
	.major = 1,
	.is_virtual = true,
};

static void engine_no_window(void *ctx)
{
}

static u32 engine_translate(void *ctx, u64 va, u32 access, void **ptr, u64 *len)
{
	struct engine_fixture *f = ctx;
	u64 off = va - ENGINE_VA;

	if (va < ENGINE_VA || off >= ENGINE_MEM)
		return NOVA_FAULT_UNMAPPED;
	if (off >= ENGINE_RW && access == NOVA_ACCESS_WRITE)
		return NOVA_FAULT_READONLY;
	if (off >= ENGINE_RW && access == NOVA_ACCESS_EXEC)
		return NOVA_FAULT_NOEXEC;
	*ptr = f->mem + off;
	*len = (off < ENGINE_RW ? ENGINE_RW : ENGINE_MEM) - off;
	return NOVA_FAULT_NONE;
}

static u64 engine_timestamp(void *ctx)
{
	return ktime_get_ns();
}

/* A WAIT is polled about every millisecond; the test's own watchdog bounds it. */
static u32 engine_check(void *ctx, int waiting)
{
	if (waiting)
		usleep_range(500, 1000);
	return NOVA_FAULT_NONE;
}

static const struct nova_engine_ops engine_fixture_job_ops = {
	.begin_access = engine_no_window,
	.end_access = engine_no_window,
	.translate = engine_translate,
	.timestamp = engine_timestamp,
	.check = engine_check,
};

static int engine_init(struct kunit *test)
{
	struct engine_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->mem = kunit_kzalloc(test, ENGINE_MEM, GFP_KERNEL);
	if (!f->mem)
		return -ENOMEM;
	init_completion(&f->raised);
	f->bus = root_device_register("nova-kunit-engine");
	if (IS_ERR(f->bus))
		return PTR_ERR(f->bus);
	/* Never published: no DRM side binds it, the test is its only user. */
	f->fn = nova_function_create(f->bus, &engine_fixture_info, &engine_fixture_ops, f);
	if (IS_ERR(f->fn)) {
		root_device_unregister(f->bus);
		return PTR_ERR(f->fn);
	}
	test->priv = f;
	return 0;
}

/* Unregistering the bus device stops the engine and drops the function. */
static void engine_exit(struct kunit *test)
{
	struct engine_fixture *f = test->priv;

	root_device_unregister(f->bus);
}

/* Appends a command of @n qwords; returns the GPU address of its first. */
static u64 emit(struct engine_fixture *f, const u64 *q, unsigned int n)
{
	u64 va = ENGINE_VA + 8ull * f->used;

	memcpy(f->mem + 8 * f->used, q, 8 * n);
	f->used += n;
	return va;
}

static u64 slot_va(unsigned int i)
{
	return ENGINE_VA + ENGINE_SLOTS + 8 * i;
}

static u32 *slot(struct engine_fixture *f, unsigned int i)
{
	return (u32 *)(f->mem + ENGINE_SLOTS + 8 * i);
}

/* A one-buffer job: @cmds from the current emit point, NOPs never needed. */
static struct nova_engine_job *job(struct kunit *test, const u64 *cmds, unsigned int n)
{
	struct engine_fixture *f = test->priv;
	struct nova_engine_cmdbuf *buf = kunit_kzalloc(test, sizeof(*buf), GFP_KERNEL);
	struct nova_engine_job *j = kunit_kzalloc(test, sizeof(*j), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, j);
	KUNIT_ASSERT_LE(test, 8 * (f->used + n), ENGINE_SLOTS);
	buf->va = emit(f, cmds, n);
	buf->size = 8ull * n;
	j->bufs = buf;
	j->buf_count = 1;
	j->ops = &engine_fixture_job_ops;
	j->ctx = f;
	return j;
}

static void engine_reaped(struct nova_engine_job *j, void *data)
{
	struct engine_fixture *f = data;

	if (f->reaped_count < ARRAY_SIZE(f->reaped))
		f->reaped[f->reaped_count] = j;
	f->reaped_count++;
}

/* Reaps until @count jobs have ended, as the DRM side's interrupt would. */
static void reap_until(struct kunit *test, unsigned int count)
{
	struct engine_fixture *f = test->priv;
	unsigned long deadline = jiffies + msecs_to_jiffies(ENGINE_WAIT_MS);

	for (;;) {
		nova_function_engine_reap(f->fn, engine_reaped, f);
		if (f->reaped_count >= count || time_after(jiffies, deadline))
			break;
		wait_for_completion_timeout(&f->raised, msecs_to_jiffies(10));
	}
	KUNIT_ASSERT_EQ(test, f->reaped_count, count);
}

static struct nova_engine_channel *channel(struct kunit *test)
{
	struct engine_fixture *f = test->priv;
	struct nova_engine_channel *ch = nova_function_engine_channel_create(f->fn, false);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ch);
	return ch;
}

/* Headers; the operands follow them in each command array. */
#define WAIT_EQ		NOVA_CMD_HEADER(NOVA_CMD_WAIT, NOVA_CMD_WAIT_EQUAL, 0)
#define STORE32(value)	NOVA_CMD_HEADER(NOVA_CMD_STORE32, 0, value)

/*
 * Job i waits for the counter to be i and then makes it i + 1: a job that
 * ran before the one ahead of it would wait for ever.
 */
static void a_channels_jobs_run_in_submission_order(struct kunit *test)
{
	struct engine_fixture *f = test->priv;
	struct nova_engine_channel *ch = channel(test);
	struct nova_engine_job *jobs[4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(jobs); i++) {
		const u64 cmds[] = { WAIT_EQ, slot_va(0), i, STORE32(i + 1), slot_va(0) };

		jobs[i] = job(test, cmds, ARRAY_SIZE(cmds));
	}
	for (i = 0; i < ARRAY_SIZE(jobs); i++)
		nova_function_engine_submit(ch, jobs[i]);
	reap_until(test, ARRAY_SIZE(jobs));
	nova_function_engine_channel_destroy(ch);

	KUNIT_EXPECT_EQ(test, *slot(f, 0), ARRAY_SIZE(jobs));
	for (i = 0; i < ARRAY_SIZE(jobs); i++) {
		KUNIT_EXPECT_PTR_EQ(test, f->reaped[i], jobs[i]);
		KUNIT_EXPECT_EQ(test, jobs[i]->fault.type, NOVA_FAULT_NONE);
	}
}

/* A job waiting on one channel is released by a job on another. */
static void a_waiting_channel_holds_up_no_other(struct kunit *test)
{
	struct engine_fixture *f = test->priv;
	struct nova_engine_channel *waiting = channel(test), *other = channel(test);
	const u64 wait_cmds[] = { WAIT_EQ, slot_va(1), 1, STORE32(2), slot_va(2) };
	const u64 release_cmds[] = { STORE32(1), slot_va(1) };
	struct nova_engine_job *w = job(test, wait_cmds, ARRAY_SIZE(wait_cmds));
	struct nova_engine_job *r = job(test, release_cmds, ARRAY_SIZE(release_cmds));

	nova_function_engine_submit(waiting, w);
	nova_function_engine_submit(other, r);
	reap_until(test, 2);
	nova_function_engine_channel_destroy(waiting);
	nova_function_engine_channel_destroy(other);

	KUNIT_EXPECT_EQ(test, w->fault.type, NOVA_FAULT_NONE);
	KUNIT_EXPECT_EQ(test, r->fault.type, NOVA_FAULT_NONE);
	KUNIT_EXPECT_EQ(test, *slot(f, 2), 2);
}

/* Each fault ends its job at the faulting address; the channel goes on. */
static void faults_end_the_job_where_they_happen(struct kunit *test)
{
	struct engine_fixture *f = test->priv;
	struct nova_engine_channel *ch = channel(test);
	const u64 readonly[] = { STORE32(1), ENGINE_VA + ENGINE_RW, STORE32(3), slot_va(3) };
	const u64 unmapped[] = { STORE32(1), ENGINE_VA + ENGINE_MEM };
	const u64 invalid[] = { NOVA_CMD_HEADER(0xff, 0, 0) };
	const u64 fine[] = { STORE32(4), slot_va(4) };
	struct nova_engine_job *jobs[] = {
		job(test, readonly, ARRAY_SIZE(readonly)),
		job(test, unmapped, ARRAY_SIZE(unmapped)),
		job(test, invalid, ARRAY_SIZE(invalid)),
		job(test, fine, ARRAY_SIZE(fine)),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(jobs); i++)
		nova_function_engine_submit(ch, jobs[i]);
	reap_until(test, ARRAY_SIZE(jobs));
	nova_function_engine_channel_destroy(ch);

	KUNIT_EXPECT_EQ(test, jobs[0]->fault.type, NOVA_FAULT_READONLY);
	KUNIT_EXPECT_EQ(test, jobs[0]->fault.access, NOVA_ACCESS_WRITE);
	KUNIT_EXPECT_EQ(test, jobs[0]->fault.va, ENGINE_VA + ENGINE_RW);
	/* Nothing after the fault ran. */
	KUNIT_EXPECT_EQ(test, *slot(f, 3), 0);
	KUNIT_EXPECT_EQ(test, jobs[1]->fault.type, NOVA_FAULT_UNMAPPED);
	KUNIT_EXPECT_EQ(test, jobs[1]->fault.va, ENGINE_VA + ENGINE_MEM);
	KUNIT_EXPECT_EQ(test, jobs[2]->fault.type, NOVA_FAULT_INVALID_COMMAND);
	KUNIT_EXPECT_EQ(test, jobs[2]->fault.va, jobs[2]->bufs[0].va);
	/* The engine does not stop a channel after a fault: nova.ko does. */
	KUNIT_EXPECT_EQ(test, jobs[3]->fault.type, NOVA_FAULT_NONE);
	KUNIT_EXPECT_EQ(test, *slot(f, 4), 4);
}

/* Destroy ends the running job at its next check and the queued ones unrun. */
static void destroy_stops_the_running_job_and_the_queued_ones(struct kunit *test)
{
	struct engine_fixture *f = test->priv;
	struct nova_engine_channel *ch = channel(test);
	const u64 never[] = { WAIT_EQ, slot_va(5), 1 };
	const u64 queued[] = { STORE32(6), slot_va(6) };
	struct nova_engine_job *running = job(test, never, ARRAY_SIZE(never));
	struct nova_engine_job *behind = job(test, queued, ARRAY_SIZE(queued));

	nova_function_engine_submit(ch, running);
	nova_function_engine_submit(ch, behind);
	/* Let the first job reach its WAIT; either way both must stop. */
	msleep(20);
	nova_function_engine_channel_destroy(ch);
	reap_until(test, 2);

	KUNIT_EXPECT_PTR_EQ(test, f->reaped[0], running);
	KUNIT_EXPECT_EQ(test, running->fault.type, NOVA_ENGINE_STOPPED);
	KUNIT_EXPECT_EQ(test, behind->fault.type, NOVA_ENGINE_STOPPED);
	KUNIT_EXPECT_EQ(test, *slot(f, 6), 0);
}

static struct kunit_case nova_core_engine_cases[] = {
	KUNIT_CASE(movers_match_memmove_and_the_pattern),
	KUNIT_CASE(a_channels_jobs_run_in_submission_order),
	KUNIT_CASE(a_waiting_channel_holds_up_no_other),
	KUNIT_CASE(faults_end_the_job_where_they_happen),
	KUNIT_CASE(destroy_stops_the_running_job_and_the_queued_ones),
	{}
};

static struct kunit_suite nova_core_engine_suite = {
	.name = "nova_core_engine",
	.init = engine_init,
	.exit = engine_exit,
	.test_cases = nova_core_engine_cases,
};

kunit_test_suite(nova_core_engine_suite);

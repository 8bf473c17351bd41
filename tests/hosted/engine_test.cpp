// SPDX-License-Identifier: GPL-2.0
//
// The command engine (driver/nova-core/engine/) on the fake MMU: each
// command, each fault and what it reports, CALL nesting and its limit, WAIT
// satisfied and timing out, stopping, instructions straddling pages, and
// the runner's rules (access windows, check() calls).
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "engine_fake_mmu.hpp"

using namespace engine_test;

namespace {

constexpr std::uint64_t kCode = 0x100000;
constexpr std::uint64_t kData = 0x200000;

class EngineTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		mmu.map(kCode, 4);
		mmu.map(kData, 8);
	}

	// Runs @qwords as one buffer at @at.
	std::uint32_t run(const std::vector<std::uint64_t> &qwords, std::uint64_t at = kCode)
	{
		std::uint64_t size = mmu.emit(at, qwords);
		return mmu.execute({ { at, size } }, &fault, depth);
	}

	void expect_fault(std::uint32_t type, std::uint32_t access, std::uint64_t va)
	{
		EXPECT_EQ(fault.type, type);
		EXPECT_EQ(fault.access, access);
		EXPECT_EQ(fault.va, va) << std::hex << "fault va 0x" << fault.va << ", want 0x" << va;
	}

	FakeMmu mmu;
	nova_engine_fault fault = { 0xdead, 0xdead, 0xdead };
	std::uint32_t depth = 4;
};

TEST_F(EngineTest, EmptyJobAndNop)
{
	EXPECT_EQ(mmu.execute({}, &fault), NOVA_FAULT_NONE);
	expect_fault(NOVA_FAULT_NONE, NOVA_ACCESS_NONE, 0);
	EXPECT_EQ(run({ hdr(NOVA_CMD_NOP), hdr(NOVA_CMD_NOP) }), NOVA_FAULT_NONE);
	expect_fault(NOVA_FAULT_NONE, NOVA_ACCESS_NONE, 0);
	// One check and one window per command.
	EXPECT_EQ(mmu.checks, 2u);
	EXPECT_EQ(mmu.windows, 2u);
}

TEST_F(EngineTest, Store32Store64Timestamp)
{
	EXPECT_EQ(run({ hdr(NOVA_CMD_STORE32, 0, 0xcafef00d), kData + 4,
			hdr(NOVA_CMD_STORE64), kData + 8, 0x0123456789abcdefull,
			hdr(NOVA_CMD_TIMESTAMP), kData + 16 }),
		  NOVA_FAULT_NONE);
	EXPECT_EQ(mmu.peek32(kData), 0u);
	EXPECT_EQ(mmu.peek32(kData + 4), 0xcafef00du);
	EXPECT_EQ(mmu.peek64(kData + 8), 0x0123456789abcdefull);
	EXPECT_EQ(mmu.peek64(kData + 16), 1001000u);
	EXPECT_EQ(mmu.timestamps, 1u);
}

TEST_F(EngineTest, FillPatternAcrossPages)
{
	// 3 pages minus a bit, starting mid-page: every chunk has a phase.
	const std::uint64_t at = kData + 100, size = 3 * kPage - 200;
	for (std::uint64_t limit : { 0ull, 6ull, 1ull, 101ull, 4000ull }) {
		mmu.chunk_limit = limit;
		std::uint32_t pattern = 0x11223344u + static_cast<std::uint32_t>(limit);
		ASSERT_EQ(run({ hdr(NOVA_CMD_FILL, 0, pattern), at, size }), NOVA_FAULT_NONE);
		for (std::uint64_t i = 0; i < size; i++)
			ASSERT_EQ(*mmu.host(at + i), static_cast<std::uint8_t>(pattern >> (8 * (i % 4))))
				<< "limit " << limit << " byte " << i;
		EXPECT_EQ(*mmu.host(at - 1), 0);
		EXPECT_EQ(*mmu.host(at + size), 0);
	}
	// A uniform pattern (memset) and a zero-size fill.
	ASSERT_EQ(run({ hdr(NOVA_CMD_FILL, 0, 0x5a5a5a5au), kData, 8192, hdr(NOVA_CMD_FILL, 0, 1),
			kData, 0 }),
		  NOVA_FAULT_NONE);
	for (std::uint64_t i = 0; i < 8192; i++)
		ASSERT_EQ(*mmu.host(kData + i), 0x5a);
}

TEST_F(EngineTest, CopyAnyAlignmentAcrossPages)
{
	for (std::uint64_t i = 0; i < 3 * kPage; i++)
		*mmu.host(kData + i) = static_cast<std::uint8_t>(i * 7 + 3);
	for (std::uint64_t limit : { 0ull, 5ull }) {
		mmu.chunk_limit = limit;
		const std::uint64_t dst = kData + 4 * kPage + 1001, src = kData + 13, size = 2 * kPage + 77;
		ASSERT_EQ(run({ hdr(NOVA_CMD_COPY), dst, src, size }), NOVA_FAULT_NONE);
		for (std::uint64_t i = 0; i < size; i++)
			ASSERT_EQ(*mmu.host(dst + i), *mmu.host(src + i)) << i;
		EXPECT_EQ(*mmu.host(dst - 1), 0);
		EXPECT_EQ(*mmu.host(dst + size), 0);
	}
	EXPECT_EQ(run({ hdr(NOVA_CMD_COPY), kData, 0xdead0000, 0 }), NOVA_FAULT_NONE);
}

TEST_F(EngineTest, UnmappedFaults)
{
	const std::uint64_t hole = 0x300000;
	EXPECT_EQ(run({ hdr(NOVA_CMD_STORE32, 0, 1), hole + 4 }), NOVA_FAULT_UNMAPPED);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_WRITE, hole + 4);
	// FILL faults at the first unmapped byte, having written the ones before.
	EXPECT_EQ(run({ hdr(NOVA_CMD_FILL, 0, 0x01010101), kData + 8 * kPage - 8, 64 }),
		  NOVA_FAULT_UNMAPPED);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_WRITE, kData + 8 * kPage);
	EXPECT_EQ(mmu.peek64(kData + 8 * kPage - 8), 0x0101010101010101ull);
	// COPY: the source is read before the destination is written.
	EXPECT_EQ(run({ hdr(NOVA_CMD_COPY), hole, hole + 0x10000, 16 }), NOVA_FAULT_UNMAPPED);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_READ, hole + 0x10000);
	EXPECT_EQ(run({ hdr(NOVA_CMD_COPY), hole + 3, kData, 16 }), NOVA_FAULT_UNMAPPED);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_WRITE, hole + 3);
	EXPECT_EQ(run({ hdr(NOVA_CMD_COPY), kData, kData + 8 * kPage - 5, 16 }), NOVA_FAULT_UNMAPPED);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_READ, kData + 8 * kPage);
	// WAIT reads its semaphore.
	EXPECT_EQ(run({ hdr(NOVA_CMD_WAIT, NOVA_CMD_WAIT_64BIT), hole + 8, 0 }), NOVA_FAULT_UNMAPPED);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_READ, hole + 8);
	// Fetching from nowhere: the command's address.
	EXPECT_EQ(mmu.execute({ { hole, 8 } }, &fault), NOVA_FAULT_UNMAPPED);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_EXEC, hole);
}

TEST_F(EngineTest, CommandsBeforeAFaultTookEffect)
{
	EXPECT_EQ(run({ hdr(NOVA_CMD_STORE32, 0, 7), kData, hdr(NOVA_CMD_STORE32, 0, 8), 0x300000,
			hdr(NOVA_CMD_STORE32, 0, 9), kData + 4 }),
		  NOVA_FAULT_UNMAPPED);
	EXPECT_EQ(mmu.peek32(kData), 7u);
	EXPECT_EQ(mmu.peek32(kData + 4), 0u);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_WRITE, 0x300000);
}

TEST_F(EngineTest, ReadOnlyFaults)
{
	mmu.set_flags(kData + kPage, kReadOnly);
	mmu.poke64(kData + kPage, 42);
	EXPECT_EQ(run({ hdr(NOVA_CMD_STORE64), kData + kPage, 1 }), NOVA_FAULT_READONLY);
	expect_fault(NOVA_FAULT_READONLY, NOVA_ACCESS_WRITE, kData + kPage);
	EXPECT_EQ(run({ hdr(NOVA_CMD_TIMESTAMP), kData + kPage + 8 }), NOVA_FAULT_READONLY);
	expect_fault(NOVA_FAULT_READONLY, NOVA_ACCESS_WRITE, kData + kPage + 8);
	// Reading a READONLY page is fine, so are WAITs on it.
	EXPECT_EQ(run({ hdr(NOVA_CMD_COPY), kData, kData + kPage, 8, hdr(NOVA_CMD_WAIT,
			NOVA_CMD_WAIT_EQUAL), kData + kPage, 42 }),
		  NOVA_FAULT_NONE);
	EXPECT_EQ(mmu.peek64(kData), 42u);
	EXPECT_EQ(run({ hdr(NOVA_CMD_COPY), kData + kPage - 2, kData, 8 }), NOVA_FAULT_READONLY);
	expect_fault(NOVA_FAULT_READONLY, NOVA_ACCESS_WRITE, kData + kPage);
	EXPECT_EQ(mmu.peek64(kData + kPage), 42u);
	// Commands run from a READONLY page.
	mmu.set_flags(kCode, kReadOnly);
	EXPECT_EQ(run({ hdr(NOVA_CMD_NOP) }), NOVA_FAULT_NONE);
}

TEST_F(EngineTest, NoExecFaults)
{
	mmu.map(0x400000, 1, kNoExec);
	mmu.emit(0x400000, { hdr(NOVA_CMD_NOP) });
	EXPECT_EQ(mmu.execute({ { 0x400000, 8 } }, &fault), NOVA_FAULT_NOEXEC);
	expect_fault(NOVA_FAULT_NOEXEC, NOVA_ACCESS_EXEC, 0x400000);
	// Data accesses to a NOEXEC page are fine.
	EXPECT_EQ(run({ hdr(NOVA_CMD_STORE32, 0, 5), 0x400010, hdr(NOVA_CMD_COPY), kData, 0x400010,
			4 }),
		  NOVA_FAULT_NONE);
	EXPECT_EQ(mmu.peek32(kData), 5u);
	// An operand on a NOEXEC page: the command's address.
	mmu.set_flags(kCode + kPage, kNoExec);
	EXPECT_EQ(run({ hdr(NOVA_CMD_STORE32, 0, 5), kData }, kCode + kPage - 8), NOVA_FAULT_NOEXEC);
	expect_fault(NOVA_FAULT_NOEXEC, NOVA_ACCESS_EXEC, kCode + kPage - 8);
}

TEST_F(EngineTest, InstructionStraddlesPages)
{
	// A COPY whose header is the last qword of one page, operands on the next.
	for (std::uint64_t i = 0; i < 64; i++)
		*mmu.host(kData + i) = static_cast<std::uint8_t>(i + 1);
	const std::uint64_t at = kCode + kPage - 8;
	for (std::uint64_t limit : { 0ull, 3ull }) {
		mmu.chunk_limit = limit;
		ASSERT_EQ(run({ hdr(NOVA_CMD_COPY), kData + 100, kData, 64 }, at), NOVA_FAULT_NONE);
		for (std::uint64_t i = 0; i < 64; i++)
			ASSERT_EQ(*mmu.host(kData + 100 + i), i + 1);
	}
	// The second page unmapped: a fetch fault at the command.
	mmu.unmap(kCode + kPage, 1);
	EXPECT_EQ(run({ hdr(NOVA_CMD_NOP) }, at), NOVA_FAULT_NONE);
	mmu.emit(at, { hdr(NOVA_CMD_STORE32, 0, 1) });
	EXPECT_EQ(mmu.execute({ { at, 16 } }, &fault), NOVA_FAULT_UNMAPPED);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_EXEC, at);
}

TEST_F(EngineTest, InvalidCommands)
{
	struct Case {
		const char *what;
		std::vector<std::uint64_t> cmd;
	};
	const std::uint64_t max = 1 << 20;
	const std::vector<Case> cases = {
		{ "unknown opcode", { hdr(0x08) } },
		{ "unknown opcode 0xff", { hdr(0xff) } },
		{ "reserved bit 16", { hdr(NOVA_CMD_NOP) | 1ull << 16 } },
		{ "reserved bit 31", { hdr(NOVA_CMD_NOP) | 1ull << 31 } },
		{ "NOP flags", { hdr(NOVA_CMD_NOP, 1) } },
		{ "NOP immediate", { hdr(NOVA_CMD_NOP, 0, 1) } },
		{ "STORE32 unaligned", { hdr(NOVA_CMD_STORE32), kData + 2 } },
		{ "STORE32 flags", { hdr(NOVA_CMD_STORE32, 0x80), kData } },
		{ "STORE32 wraps", { hdr(NOVA_CMD_STORE32), ~3ull } },
		{ "STORE64 unaligned", { hdr(NOVA_CMD_STORE64), kData + 4, 0 } },
		{ "STORE64 immediate", { hdr(NOVA_CMD_STORE64, 0, 1), kData, 0 } },
		{ "TIMESTAMP unaligned", { hdr(NOVA_CMD_TIMESTAMP), kData + 4 } },
		{ "TIMESTAMP immediate", { hdr(NOVA_CMD_TIMESTAMP, 0, 2), kData } },
		{ "FILL unaligned", { hdr(NOVA_CMD_FILL), kData + 1, 4 } },
		{ "FILL size", { hdr(NOVA_CMD_FILL), kData, 6 } },
		{ "FILL wraps", { hdr(NOVA_CMD_FILL), ~0ull - 7, 8 } },
		{ "FILL flags", { hdr(NOVA_CMD_FILL, 1), kData, 4 } },
		{ "COPY destination wraps", { hdr(NOVA_CMD_COPY), ~0ull, kData, 1 } },
		{ "COPY source wraps", { hdr(NOVA_CMD_COPY), kData, ~0ull - 1, 2 } },
		{ "COPY immediate", { hdr(NOVA_CMD_COPY, 0, 1), kData, kData + 64, 4 } },
		{ "WAIT unknown flag", { hdr(NOVA_CMD_WAIT, 4), kData, 0 } },
		{ "WAIT32 unaligned", { hdr(NOVA_CMD_WAIT), kData + 2, 0 } },
		{ "WAIT64 unaligned", { hdr(NOVA_CMD_WAIT, NOVA_CMD_WAIT_64BIT), kData + 4, 0 } },
		{ "WAIT32 value's upper half", { hdr(NOVA_CMD_WAIT), kData, 1ull << 32 } },
		{ "WAIT immediate", { hdr(NOVA_CMD_WAIT, 0, 1), kData, 0 } },
		{ "CALL size 0", { hdr(NOVA_CMD_CALL), kCode + 0x800, 0 } },
		{ "CALL size unaligned", { hdr(NOVA_CMD_CALL), kCode + 0x800, 12 } },
		{ "CALL target unaligned", { hdr(NOVA_CMD_CALL), kCode + 0x804, 8 } },
		{ "CALL too large", { hdr(NOVA_CMD_CALL), kCode + 0x800, max + 8 } },
		{ "CALL wraps", { hdr(NOVA_CMD_CALL), ~7ull, 8 } },
		{ "CALL flags", { hdr(NOVA_CMD_CALL, 2), kCode + 0x800, 8 } },
	};
	mmu.emit(kCode + 0x800, { hdr(NOVA_CMD_NOP) });
	for (const auto &c : cases) {
		fault = {};
		std::vector<std::uint64_t> cmds = { hdr(NOVA_CMD_STORE32, 0, 1), kData + 64 };
		cmds.insert(cmds.end(), c.cmd.begin(), c.cmd.end());
		cmds.push_back(hdr(NOVA_CMD_STORE32, 0, 2));
		cmds.push_back(kData + 64);
		mmu.poke32(kData + 64, 0);
		EXPECT_EQ(run(cmds), NOVA_FAULT_INVALID_COMMAND) << c.what;
		EXPECT_EQ(fault.access, NOVA_ACCESS_NONE) << c.what;
		EXPECT_EQ(fault.va, kCode + 16) << c.what;
		EXPECT_EQ(mmu.peek32(kData + 64), 1u) << c.what;
	}
}

TEST_F(EngineTest, CommandRunsPastItsBuffer)
{
	// The operands are there in memory, but beyond the buffer's size.
	mmu.emit(kCode, { hdr(NOVA_CMD_NOP), hdr(NOVA_CMD_COPY), kData, kData + 8, 8 });
	EXPECT_EQ(mmu.execute({ { kCode, 32 } }, &fault), NOVA_FAULT_INVALID_COMMAND);
	expect_fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, kCode + 8);
	// An invalid command at the end of the page is caught before its
	// operands are fetched from the unmapped page after.
	mmu.unmap(kCode + kPage, 1);
	mmu.emit(kCode + kPage - 8, { hdr(0x42) });
	EXPECT_EQ(mmu.execute({ { kCode + kPage - 8, 32 } }, &fault), NOVA_FAULT_INVALID_COMMAND);
	expect_fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, kCode + kPage - 8);
}

TEST_F(EngineTest, InvalidBuffersAndLimits)
{
	mmu.emit(kCode, { hdr(NOVA_CMD_NOP) });
	for (nova_engine_cmdbuf buf : { nova_engine_cmdbuf{ kCode + 4, 8 }, nova_engine_cmdbuf{ kCode, 0 },
					nova_engine_cmdbuf{ kCode, 12 },
					nova_engine_cmdbuf{ kCode, (1 << 20) + 8 } }) {
		EXPECT_EQ(mmu.execute({ { kCode, 8 }, buf }, &fault), NOVA_FAULT_INVALID_COMMAND);
		expect_fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, buf.va);
	}
	// A runner asking for deeper nesting than the engine holds.
	mmu.checks = 0;
	EXPECT_EQ(mmu.execute({ { kCode, 8 } }, &fault, 1000), NOVA_FAULT_INVALID_COMMAND);
	expect_fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, 0);
	EXPECT_EQ(mmu.checks, 0u);
	EXPECT_EQ(mmu.execute({ { kCode, 8 } }, &fault, 16), NOVA_FAULT_NONE);
}

TEST_F(EngineTest, CallNestsAndReturns)
{
	// main: STORE 1; CALL a; STORE 4.  a: STORE 2; CALL b; b: STORE 3.
	const std::uint64_t a = kCode + 0x400, b = kCode + kPage - 8;
	std::uint64_t b_size = mmu.emit(b, { hdr(NOVA_CMD_STORE32, 0, 3), kData + 8 });
	std::uint64_t a_size = mmu.emit(a, { hdr(NOVA_CMD_STORE32, 0, 2), kData + 4,
					     hdr(NOVA_CMD_CALL), b, b_size });
	EXPECT_EQ(run({ hdr(NOVA_CMD_STORE32, 0, 1), kData, hdr(NOVA_CMD_CALL), a, a_size,
			hdr(NOVA_CMD_STORE32, 0, 4), kData + 12 }),
		  NOVA_FAULT_NONE);
	EXPECT_EQ(mmu.peek32(kData), 1u);
	EXPECT_EQ(mmu.peek32(kData + 4), 2u);
	EXPECT_EQ(mmu.peek32(kData + 8), 3u);
	EXPECT_EQ(mmu.peek32(kData + 12), 4u);
	// A fault inside a CALL names the callee's command.
	mmu.emit(b, { hdr(NOVA_CMD_STORE32, 0, 3), 0x300000 });
	EXPECT_EQ(run({ hdr(NOVA_CMD_CALL), a, a_size }), NOVA_FAULT_UNMAPPED);
	expect_fault(NOVA_FAULT_UNMAPPED, NOVA_ACCESS_WRITE, 0x300000);
}

TEST_F(EngineTest, CallDepthLimit)
{
	// A buffer that calls itself: each level increments a counter first.
	const std::uint64_t self = kCode + 0x800;
	for (std::uint32_t limit : { 0u, 1u, 4u, 16u }) {
		mmu.emit(self, { hdr(NOVA_CMD_COPY), kData + 0x100, kData + 0x200, 4,
				 hdr(NOVA_CMD_CALL), self, 7 * 8 });
		depth = limit;
		mmu.poke32(kData + 0x200, 0x77);
		EXPECT_EQ(run({ hdr(NOVA_CMD_CALL), self, 7 * 8 }), NOVA_FAULT_INVALID_COMMAND);
		// The CALL that went one deeper than allowed: at depth @limit.
		expect_fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, limit == 0 ? kCode : self + 32);
	}
	// Exactly at the limit is fine: a chain of 4 distinct buffers.
	depth = 4;
	std::uint64_t next = 0, next_size = 0;
	for (int level = 4; level >= 1; level--) {
		std::uint64_t at = kCode + 0x100 * level;
		std::vector<std::uint64_t> q = { hdr(NOVA_CMD_STORE32, 0, level), kData + 4 * level };
		if (next) {
			q.push_back(hdr(NOVA_CMD_CALL));
			q.push_back(next);
			q.push_back(next_size);
		}
		next_size = mmu.emit(at, q);
		next = at;
	}
	EXPECT_EQ(run({ hdr(NOVA_CMD_CALL), next, next_size }, kCode + 0x800), NOVA_FAULT_NONE);
	for (int level = 1; level <= 4; level++)
		EXPECT_EQ(mmu.peek32(kData + 4 * level), static_cast<std::uint32_t>(level));
	depth = 3;
	EXPECT_EQ(run({ hdr(NOVA_CMD_CALL), next, next_size }, kCode + 0x800),
		  NOVA_FAULT_INVALID_COMMAND);
	expect_fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, kCode + 0x300 + 16);
}

TEST_F(EngineTest, WaitSatisfied)
{
	mmu.poke32(kData, 5);
	mmu.poke64(kData + 8, 1ull << 40);
	EXPECT_EQ(run({ hdr(NOVA_CMD_WAIT), kData, 5, hdr(NOVA_CMD_WAIT), kData, 4,
			hdr(NOVA_CMD_WAIT, NOVA_CMD_WAIT_EQUAL), kData, 5,
			hdr(NOVA_CMD_WAIT, NOVA_CMD_WAIT_64BIT), kData + 8, 1ull << 39,
			hdr(NOVA_CMD_WAIT, NOVA_CMD_WAIT_64BIT | NOVA_CMD_WAIT_EQUAL), kData + 8,
			1ull << 40 }),
		  NOVA_FAULT_NONE);
	EXPECT_EQ(mmu.wait_checks, 0u);
	// A 32-bit wait compares the low half only.
	mmu.poke32(kData + 4, 0xffffffff);
	EXPECT_EQ(run({ hdr(NOVA_CMD_WAIT, NOVA_CMD_WAIT_EQUAL), kData, 5 }), NOVA_FAULT_NONE);
}

TEST_F(EngineTest, WaitSatisfiedLater)
{
	// The semaphore is released by "another engine" after 3 polls.
	mmu.hook = [this](int waiting) -> std::uint32_t {
		if (waiting && mmu.wait_checks == 3)
			mmu.poke32(kData, 10);
		return NOVA_FAULT_NONE;
	};
	EXPECT_EQ(run({ hdr(NOVA_CMD_WAIT), kData, 10, hdr(NOVA_CMD_STORE32, 0, 1), kData + 4 }),
		  NOVA_FAULT_NONE);
	EXPECT_EQ(mmu.wait_checks, 3u);
	EXPECT_EQ(mmu.peek32(kData + 4), 1u);
	// One window per poll, none held across the check.
	EXPECT_EQ(mmu.windows, 2u + 3u);
}

TEST_F(EngineTest, WaitNeverSatisfiedTimesOut)
{
	mmu.hook = [this](int waiting) -> std::uint32_t {
		return waiting && mmu.wait_checks >= 50 ? NOVA_FAULT_TIMEOUT : NOVA_FAULT_NONE;
	};
	EXPECT_EQ(run({ hdr(NOVA_CMD_WAIT, NOVA_CMD_WAIT_EQUAL), kData, 1,
			hdr(NOVA_CMD_STORE32, 0, 1), kData + 4 }),
		  NOVA_FAULT_TIMEOUT);
	expect_fault(NOVA_FAULT_TIMEOUT, NOVA_ACCESS_NONE, 0);
	EXPECT_EQ(mmu.wait_checks, 50u);
	EXPECT_EQ(mmu.peek32(kData + 4), 0u);
}

TEST_F(EngineTest, StoppedBetweenCommands)
{
	mmu.check_budget = 2;
	mmu.check_result = NOVA_ENGINE_STOPPED;
	EXPECT_EQ(run({ hdr(NOVA_CMD_STORE32, 0, 1), kData, hdr(NOVA_CMD_STORE32, 0, 2), kData + 4,
			hdr(NOVA_CMD_STORE32, 0, 3), kData + 8 }),
		  NOVA_ENGINE_STOPPED);
	expect_fault(NOVA_ENGINE_STOPPED, NOVA_ACCESS_NONE, 0);
	EXPECT_EQ(mmu.peek32(kData), 1u);
	EXPECT_EQ(mmu.peek32(kData + 4), 2u);
	EXPECT_EQ(mmu.peek32(kData + 8), 0u);
	// Stopped while waiting.
	mmu.check_budget = 0;
	mmu.hook = [](int waiting) { return waiting ? NOVA_ENGINE_STOPPED : NOVA_FAULT_NONE; };
	EXPECT_EQ(run({ hdr(NOVA_CMD_WAIT), kData + 12, 1 }), NOVA_ENGINE_STOPPED);
	expect_fault(NOVA_ENGINE_STOPPED, NOVA_ACCESS_NONE, 0);
}

TEST_F(EngineTest, SecondBufferRunsAfterFirst)
{
	mmu.emit(kCode, { hdr(NOVA_CMD_STORE32, 0, 1), kData });
	mmu.emit(kCode + 0x100, { hdr(NOVA_CMD_WAIT, NOVA_CMD_WAIT_EQUAL), kData, 1,
				  hdr(NOVA_CMD_STORE32, 0, 2), kData + 4 });
	EXPECT_EQ(mmu.execute({ { kCode, 16 }, { kCode + 0x100, 40 } }, &fault), NOVA_FAULT_NONE);
	EXPECT_EQ(mmu.peek32(kData + 4), 2u);
}

TEST_F(EngineTest, SelfModifyingStreamSeesItsWrites)
{
	// The STORE64 rewrites the next command (a NOP) into a STORE32.
	EXPECT_EQ(run({ hdr(NOVA_CMD_STORE64), kCode + 24, hdr(NOVA_CMD_STORE32, 0, 9),
			hdr(NOVA_CMD_NOP), kData }),
		  NOVA_FAULT_NONE);
	EXPECT_EQ(mmu.peek32(kData), 9u);
}

} // namespace

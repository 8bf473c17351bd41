// SPDX-License-Identifier: GPL-2.0
//
// libFuzzer target: the command engine's decoder and executor
// (driver/nova-core/engine/) on one job decoded from the input, checked
// against the engine's reference model (tests/hosted/engine_reference.hpp).
//
// The input sets up a fake MMU (tests/hosted/engine_fake_mmu.hpp) over code
// and data pages, each mapped or not, READONLY or NOEXEC, with translations
// of a few bytes at times, a watchdog budget, the call depth and the
// largest buffer; then the main buffer and three sub-buffers for CALL.
// Their commands are built from the input (an opcode byte, then operands
// aimed mostly at the mapped pages, so that they land somewhere that
// matters), or, for one buffer in four, taken as raw qwords for the
// decoder. The executor and the reference run on identical copies and must
// end with the same fault (type, access, address), leave the same memory
// and call check() and timestamp() the same number of times; the fake MMU
// reports any access outside its window rules. A difference aborts
// (failure_abort.cpp), and libFuzzer keeps the input.
#include <cstring>
#include <vector>

#include "engine_fake_mmu.hpp"
#include "engine_reference.hpp"
#include "input.hpp"

using namespace engine_test;

namespace {

constexpr std::uint64_t kBase = 0x10000000;
constexpr std::uint64_t kCodePages = 4;
constexpr std::uint64_t kDataPages = 4;
constexpr std::uint64_t kPages = kCodePages + kDataPages;
constexpr int kSubs = 3;
constexpr std::uint32_t kMaxCommands = 32;

// An address: mostly on the mapped pages (a data page, or anywhere in the
// region and just around it), sometimes any value.
std::uint64_t address(fuzz::Input &in, std::uint64_t align)
{
	std::uint8_t how = in.u8();
	std::uint64_t va;

	switch (how >> 6) {
	case 0:
	case 1:
		va = kBase + kCodePages * kPage + in.u16() % (kDataPages * kPage);
		break;
	case 2:
		va = kBase - 64 + in.u16() % (kPages * kPage + 128);
		break;
	default:
		va = how & 1 ? in.u64() : ~0ull - in.below(32);
		return va;
	}
	return how & 0x20 ? va : va & ~(align - 1);
}

std::uint64_t length(fuzz::Input &in)
{
	std::uint8_t how = in.u8();

	switch (how >> 6) {
	case 0: return how & 0x3f;
	case 1: return in.u16() % (3 * kPage);
	case 2: return 4 * (how & 0x3f);
	default: return how & 1 ? in.u64() : 0;
	}
}

struct Cmd {
	std::vector<std::uint64_t> q;
	int call_target = -1; // a sub-buffer: q[1] and q[2] filled in at layout
};

std::uint64_t header(fuzz::Input &in, std::uint32_t op, std::uint32_t flags, std::uint32_t imm)
{
	std::uint64_t h = hdr(op, flags, imm);
	std::uint8_t noise = in.u8();

	// Now and then a stray flag, reserved bit or immediate bit.
	if (noise >= 0xf0)
		h ^= 1ull << (8 + in.below(56));
	return h;
}

Cmd command(fuzz::Input &in)
{
	Cmd c;
	std::uint8_t op = in.u8();

	switch (op % 10) {
	case 0:
		c.q = { header(in, NOVA_CMD_NOP, 0, 0) };
		break;
	case 1:
		c.q = { header(in, NOVA_CMD_STORE32, 0, in.u32()), address(in, 4) };
		break;
	case 2:
		c.q = { header(in, NOVA_CMD_STORE64, 0, 0), address(in, 8), in.u64() };
		break;
	case 3:
		c.q = { header(in, NOVA_CMD_TIMESTAMP, 0, 0), address(in, 8) };
		break;
	case 4:
		c.q = { header(in, NOVA_CMD_FILL, 0, in.u32()), address(in, 4), length(in) & ~3ull };
		break;
	case 5: {
		using u128 = unsigned __int128;
		std::uint64_t dst = address(in, 1), src = address(in, 1), size = length(in);
		// Overlapping ranges are undefined behaviour of the engine:
		// kept apart (the copy shortened to the distance between
		// them), also when the size would wrap around.
		if (u128(dst) < u128(src) + size && u128(src) < u128(dst) + size)
			size = dst > src ? dst - src : src - dst;
		c.q = { header(in, NOVA_CMD_COPY, 0, 0), dst, src, size };
		break;
	}
	case 6: {
		std::uint32_t flags = in.below(4);
		std::uint64_t value = in.below(8) | (op >= 0xf0 ? 1ull << 32 : 0);
		c.q = { header(in, NOVA_CMD_WAIT, flags, 0),
			address(in, flags & NOVA_CMD_WAIT_64BIT ? 8 : 4), value };
		break;
	}
	case 7:
	case 8:
		c.q = { header(in, NOVA_CMD_CALL, 0, 0), 0, 0 };
		if (op < 0xf0) {
			c.call_target = int(in.below(kSubs));
		} else {
			c.q[1] = address(in, 8);
			c.q[2] = length(in) & ~7ull;
		}
		break;
	default:
		// Garbage: an unknown opcode, or any qword.
		c.q = { op >= 0x80 ? in.u64() : hdr(8 + in.below(248)) };
		break;
	}
	return c;
}

std::vector<Cmd> commands(fuzz::Input &in, std::uint32_t max)
{
	std::vector<Cmd> cmds;
	std::uint8_t how = in.u8();
	std::uint32_t count = 1 + how % max;

	if ((how & 0xc0) == 0xc0) { // raw qwords, for the decoder
		for (std::uint32_t i = 0; i < count; i++)
			cmds.push_back({ { in.u64() } });
		return cmds;
	}
	for (std::uint32_t i = 0; i < count && !in.empty(); i++)
		cmds.push_back(command(in));
	return cmds;
}

std::uint64_t qwords_of(const std::vector<Cmd> &cmds)
{
	std::uint64_t n = 0;

	for (const Cmd &c : cmds)
		n += c.q.size();
	return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	fuzz::Input in(data, size);
	FakeMmu mmu;
	std::uint8_t layout = in.u8();

	// The pages: code pages mapped (rarely READONLY or NOEXEC), data
	// pages mapped or not, with their permissions, and a fill pattern.
	std::uint8_t fill = in.u8();
	for (std::uint64_t p = 0; p < kPages; p++) {
		std::uint8_t b = in.u8();
		bool code = p < kCodePages;
		unsigned flags = 0;

		if (!code && (b & 3) == 3)
			continue;
		if (b >= (code ? 0xf0 : 0xb0))
			flags |= kReadOnly;
		if ((b & 0x4c) == (code ? 0x4c : 0x40))
			flags |= kNoExec;
		mmu.map(kBase + p * kPage, 1, flags);
		if (!code) {
			std::uint8_t *mem = mmu.host(kBase + p * kPage);
			for (std::uint64_t i = 0; i < kPage; i++)
				mem[i] = std::uint8_t(i * fill >> 3) % 7;
		}
	}
	mmu.chunk_limit = layout & 1 ? 1 + in.below(12) : 0;
	mmu.check_budget = 1 + in.u8();
	mmu.check_result = layout & 2 ? NOVA_ENGINE_STOPPED : NOVA_FAULT_TIMEOUT;
	std::uint32_t depth = in.below(6);
	std::uint64_t max_size = layout & 4 ? 8 * (1 + in.below(16)) : 1 << 20;

	// The main buffer at the start of code page 0, the sub-buffers
	// ending near the ends of pages 1 to 3 (some across them).
	std::vector<Cmd> main_cmds = commands(in, kMaxCommands);
	std::vector<Cmd> subs[kSubs];
	std::uint64_t sub_va[kSubs], sub_size[kSubs];
	for (int i = 0; i < kSubs; i++) {
		subs[i] = commands(in, 8);
		sub_size[i] = 8 * qwords_of(subs[i]);
		sub_va[i] = kBase + (i + 1) * kPage - 8 * (1 + in.below(48)) - sub_size[i] / 2;
	}
	auto lay_out = [&](std::uint64_t va, std::vector<Cmd> &cmds) {
		std::vector<std::uint64_t> q;
		for (Cmd &c : cmds) {
			if (c.call_target >= 0) {
				c.q[1] = sub_va[c.call_target];
				c.q[2] = sub_size[c.call_target];
			}
			q.insert(q.end(), c.q.begin(), c.q.end());
		}
		return mmu.emit(va, q);
	};
	std::uint64_t main_va = kBase + 8 * (layout >> 3);
	std::uint64_t main_size = lay_out(main_va, main_cmds);
	for (int i = 0; i < kSubs; i++)
		lay_out(sub_va[i], subs[i]);

	std::vector<nova_engine_cmdbuf> bufs = { { main_va, main_size } };
	std::uint8_t more = in.u8();
	if (more & 1)
		bufs.push_back({ sub_va[more % kSubs], sub_size[more % kSubs] });
	if ((more & 6) == 6) // a buffer EXEC would refuse, or one the MMU lacks
		bufs.push_back({ address(in, 8), length(in) });

	auto reference = mmu.clone();
	nova_engine_fault got = {}, want = {};
	std::uint32_t got_ret = mmu.execute(bufs, &got, depth, max_size);
	Reference model(*reference, depth, max_size);
	std::uint32_t want_ret = model.run(bufs, &want);
	if (model.undefined())
		return 0;

	std::uint64_t where = 0;
	bool same_memory = mmu.same_memory(*reference, &where);
	if (got_ret != want_ret || got.type != want.type || got.access != want.access ||
	    got.va != want.va || !same_memory || mmu.checks != reference->checks ||
	    mmu.timestamps != reference->timestamps)
		HOSTED_FAILURE() << "executor " << got_ret << "/" << got.access << "@0x" << std::hex
				 << got.va << ", reference " << std::dec << want_ret << "/"
				 << want.access << "@0x" << std::hex << want.va << std::dec
				 << "; checks " << mmu.checks << " vs " << reference->checks
				 << "; timestamps " << mmu.timestamps << " vs "
				 << reference->timestamps << "; memory "
				 << (same_memory ? "same" : "differs at 0x") << std::hex
				 << (same_memory ? 0 : where) << std::dec << " (chunk limit "
				 << mmu.chunk_limit << ")";
	return 0;
}

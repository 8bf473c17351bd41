// SPDX-License-Identifier: GPL-2.0
//
// The command engine against its reference model (engine_reference.hpp):
// random command streams, mostly valid, some not, over a fake MMU with holes,
// READONLY and NOEXEC pages and (in some runs) translations of a few bytes
// only; both run on identical copies and must leave the same memory, end
// with the same fault, and call check() and timestamp() the same number of
// times.
//
// NOVA_ENGINE_DIFF_STREAMS sets the number of streams (default 2000),
// NOVA_ENGINE_DIFF_SEED the random seed.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "engine_fake_mmu.hpp"
#include "engine_reference.hpp"

using namespace engine_test;

namespace {

constexpr std::uint64_t kBase = 0x10000000;
constexpr std::uint64_t kCodePages = 4;
constexpr std::uint64_t kDataPages = 8;
constexpr std::uint64_t kPages = kCodePages + kDataPages;
constexpr int kSubs = 3;

std::uint64_t env_or(const char *name, std::uint64_t fallback)
{
	const char *value = std::getenv(name);
	return value && *value ? std::strtoull(value, nullptr, 0) : fallback;
}

class Generator {
public:
	explicit Generator(std::uint64_t seed) : rng_(seed) {}

	std::uint64_t below(std::uint64_t n) { return n ? rng_() % n : 0; }
	bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
	std::uint64_t any() { return rng_(); }

	// An address near the mapped region, usually aligned to @align.
	std::uint64_t address(std::uint64_t align)
	{
		if (chance(0.02))
			return any() & ~(align - 1);
		if (chance(0.02))
			return ~0ull - below(16);
		std::uint64_t va = kBase - 32 + below(kPages * kPage + 64);
		if (chance(0.93))
			va &= ~(align - 1);
		return va;
	}

	// A data address: mostly on the data pages.
	std::uint64_t data_address(std::uint64_t align)
	{
		if (chance(0.7))
			return (kBase + kCodePages * kPage + below(kDataPages * kPage)) & ~(align - 1);
		return address(align);
	}

	std::uint64_t size(std::uint64_t multiple)
	{
		std::uint64_t s;
		if (chance(0.1))
			s = 0;
		else if (chance(0.6))
			s = 1 + below(64);
		else
			s = below(3 * kPage);
		if (chance(0.95))
			s &= ~(multiple - 1);
		return s;
	}

	std::uint32_t header_noise()
	{
		// Occasionally a stray flag, reserved bit or immediate.
		if (!chance(0.015))
			return 0;
		return static_cast<std::uint32_t>(1u << below(32));
	}

private:
	std::mt19937_64 rng_;
};

// A command with CALL targets left symbolic until the layout is known.
struct Cmd {
	std::vector<std::uint64_t> q;
	int call_target = -1; // a sub-buffer index: q[1], q[2] filled at layout
};

Cmd random_command(Generator &g)
{
	Cmd c;
	auto noisy = [&](std::uint32_t op, std::uint32_t flags, std::uint32_t imm) {
		std::uint64_t h = hdr(op, flags, imm);
		std::uint32_t noise = g.header_noise();
		if (noise)
			h ^= static_cast<std::uint64_t>(noise) << (g.chance(0.5) ? 8 : 32);
		return h;
	};
	// Garbage and unknown opcodes (18, 19) rarely: they end a stream.
	switch (g.chance(0.92) ? g.below(18) : g.below(20)) {
	case 0:
		c.q = { noisy(NOVA_CMD_NOP, 0, 0) };
		break;
	case 1:
	case 2:
		c.q = { noisy(NOVA_CMD_STORE32, 0, static_cast<std::uint32_t>(g.below(8))),
			g.data_address(4) };
		break;
	case 3:
		c.q = { noisy(NOVA_CMD_STORE64, 0, 0), g.data_address(8), g.below(8) };
		break;
	case 4:
		c.q = { noisy(NOVA_CMD_TIMESTAMP, 0, 0), g.data_address(8) };
		break;
	case 5:
	case 6:
	case 7: {
		std::uint32_t pattern = g.chance(0.3) ? 0x01010101u * static_cast<std::uint32_t>(g.below(256))
						      : static_cast<std::uint32_t>(g.any());
		c.q = { noisy(NOVA_CMD_FILL, 0, pattern), g.data_address(4), g.size(4) };
		break;
	}
	case 8:
	case 9:
	case 10:
	case 11: {
		std::uint64_t size = g.size(1), dst = g.data_address(1), src = g.address(1);
		// Overlapping ranges are undefined: keep them apart.
		if (dst < src + size && src < dst + size)
			dst = src + size + g.below(16);
		c.q = { noisy(NOVA_CMD_COPY, 0, 0), dst, src, size };
		break;
	}
	case 12:
	case 13:
	case 14: {
		std::uint32_t flags = static_cast<std::uint32_t>(g.below(4));
		std::uint64_t value = g.below(6);
		if (g.chance(0.03))
			value |= 1ull << 32;
		c.q = { noisy(NOVA_CMD_WAIT, flags, 0),
			g.data_address(flags & NOVA_CMD_WAIT_64BIT ? 8 : 4), value };
		break;
	}
	case 15:
	case 16:
	case 17:
		c.q = { noisy(NOVA_CMD_CALL, 0, 0), 0, 0 };
		if (g.chance(0.9)) {
			c.call_target = static_cast<int>(g.below(kSubs));
		} else {
			c.q[1] = g.address(8);
			c.q[2] = g.size(8);
		}
		break;
	case 18:
		// Garbage.
		c.q = { g.any() };
		break;
	default:
		c.q = { hdr(static_cast<std::uint32_t>(8 + g.below(248))) };
		break;
	}
	return c;
}

struct Outcome {
	std::uint32_t ret;
	nova_engine_fault fault;
};

} // namespace

TEST(EngineDifferential, ExecutorMatchesReference)
{
	const std::uint64_t streams = env_or("NOVA_ENGINE_DIFF_STREAMS", 2000);
	const std::uint64_t seed = env_or("NOVA_ENGINE_DIFF_SEED", 20261201);
	std::map<std::uint32_t, std::uint64_t> outcomes;
	std::uint64_t failures = 0, commands = 0;

	for (std::uint64_t n = 0; n < streams && failures < 5; n++) {
		Generator g(seed * 1000003 + n);
		FakeMmu mmu;

		for (std::uint64_t p = 0; p < kPages; p++) {
			bool code = p < kCodePages;
			if (!code && g.chance(0.1))
				continue;
			unsigned flags = 0;
			if (g.chance(code ? 0.05 : 0.2))
				flags |= kReadOnly;
			if (g.chance(code ? 0.05 : 0.2))
				flags |= kNoExec;
			mmu.map(kBase + p * kPage, 1, flags);
			if (!code)
				for (std::uint64_t i = 0; i < kPage; i++)
					*mmu.host(kBase + p * kPage + i) =
						static_cast<std::uint8_t>(g.chance(0.5) ? g.below(6) : g.any());
		}
		mmu.chunk_limit = g.chance(0.6) ? 0 : 1 + g.below(12);
		mmu.check_budget = 1 + g.below(300);
		mmu.check_result = g.chance(0.8) ? NOVA_FAULT_TIMEOUT : NOVA_ENGINE_STOPPED;
		std::uint32_t depth = static_cast<std::uint32_t>(g.below(6));
		std::uint64_t max_size = g.chance(0.9) ? 1 << 20 : 8 * (1 + g.below(16));

		// The main buffer at the start of code page 0, the sub-buffers
		// ending near the ends of pages 1 to 3 (some straddle them).
		std::vector<Cmd> main_cmds(1 + g.below(24));
		std::vector<std::vector<Cmd>> subs(kSubs);
		for (auto &c : main_cmds)
			c = random_command(g);
		for (auto &sub : subs) {
			sub.resize(1 + g.below(10));
			for (auto &c : sub)
				c = random_command(g);
		}
		auto qwords_of = [](const std::vector<Cmd> &cmds) {
			std::uint64_t n = 0;
			for (const auto &c : cmds)
				n += c.q.size();
			return n;
		};
		std::uint64_t sub_va[kSubs], sub_size[kSubs];
		for (int i = 0; i < kSubs; i++) {
			sub_size[i] = 8 * qwords_of(subs[i]);
			sub_va[i] = kBase + (i + 1) * kPage - 8 * (1 + g.below(48)) - sub_size[i] / 2;
		}
		auto lay_out = [&](std::uint64_t va, std::vector<Cmd> &cmds) {
			std::vector<std::uint64_t> q;
			for (auto &c : cmds) {
				if (c.call_target >= 0) {
					c.q[1] = sub_va[c.call_target];
					c.q[2] = sub_size[c.call_target];
				}
				q.insert(q.end(), c.q.begin(), c.q.end());
			}
			return mmu.emit(va, q);
		};
		std::uint64_t main_va = kBase + 8 * g.below(64);
		std::uint64_t main_size = lay_out(main_va, main_cmds);
		for (int i = 0; i < kSubs; i++)
			lay_out(sub_va[i], subs[i]);
		commands += main_cmds.size();

		std::vector<nova_engine_cmdbuf> bufs = { { main_va, main_size } };
		if (g.chance(0.3)) {
			int k = static_cast<int>(g.below(kSubs));
			bufs.push_back({ sub_va[k], sub_size[k] });
		}

		auto reference = mmu.clone();
		Outcome got = {}, want = {};
		got.ret = mmu.execute(bufs, &got.fault, depth, max_size);
		Reference model(*reference, depth, max_size);
		want.ret = model.run(bufs, &want.fault);

		std::uint64_t where = 0;
		bool same_memory = mmu.same_memory(*reference, &where);
		bool same = got.ret == want.ret && got.fault.type == want.fault.type &&
			    got.fault.access == want.fault.access && got.fault.va == want.fault.va &&
			    same_memory && mmu.checks == reference->checks &&
			    mmu.timestamps == reference->timestamps;
		if (!same) {
			failures++;
			ADD_FAILURE() << "stream " << n << " (NOVA_ENGINE_DIFF_SEED=" << seed << "): executor "
				      << got.ret << "/" << got.fault.access << "@0x" << std::hex
				      << got.fault.va << ", reference " << std::dec << want.ret << "/"
				      << want.fault.access << "@0x" << std::hex << want.fault.va
				      << std::dec << "; checks " << mmu.checks << " vs "
				      << reference->checks << "; memory "
				      << (same_memory ? "same" : "differs at 0x") << std::hex
				      << (same_memory ? 0 : where) << std::dec << " (chunk limit "
				      << mmu.chunk_limit << ")";
		}
		outcomes[want.ret]++;
	}

	std::printf("engine differential: %llu streams, %llu top-level commands, outcomes:",
		    static_cast<unsigned long long>(streams), static_cast<unsigned long long>(commands));
	for (const auto &[type, count] : outcomes)
		std::printf(" %#x=%llu", type, static_cast<unsigned long long>(count));
	std::printf("\n");

	// A generator that stopped reaching some outcome would test less than
	// it claims: each must occur in a run of the default size.
	if (streams >= 2000) {
		for (std::uint32_t type : std::initializer_list<std::uint32_t>{ NOVA_FAULT_NONE, NOVA_FAULT_UNMAPPED, NOVA_FAULT_READONLY,
					    NOVA_FAULT_NOEXEC, NOVA_FAULT_INVALID_COMMAND,
					    NOVA_FAULT_TIMEOUT, (std::uint32_t)NOVA_ENGINE_STOPPED })
			EXPECT_GT(outcomes[type], 0u) << "no stream ended with " << type;
	}
}

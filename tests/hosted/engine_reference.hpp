// SPDX-License-Identifier: GPL-2.0
//
// The command engine's reference model, for the differential test: the
// instruction set of uapi/nova_drm.h and Documentation/engine.rst written
// the obvious way, one byte at a time, recursing for CALL, sharing nothing
// with driver/nova-core/engine/ but the fake MMU's permission lookup. Slow
// and simple on purpose: where it and the executor disagree, read this one
// first.
#pragma once

#include <cstdint>
#include <vector>

#include "engine_fake_mmu.hpp"

namespace engine_test {

class Reference {
public:
	Reference(FakeMmu &mmu, std::uint32_t max_call_depth, std::uint64_t max_cmdbuf_size)
		: mmu_(mmu), max_depth_(max_call_depth), max_size_(max_cmdbuf_size)
	{
	}

	std::uint32_t run(const std::vector<nova_engine_cmdbuf> &bufs, nova_engine_fault *fault)
	{
		fault_ = fault;
		set(NOVA_FAULT_NONE, NOVA_ACCESS_NONE, 0);
		for (const auto &buf : bufs) {
			if (!buffer_ok(buf.va, buf.size))
				return set(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, buf.va);
			if (std::uint32_t t = run_buffer(buf.va, buf.size, 0))
				return t;
		}
		return NOVA_FAULT_NONE;
	}

	// A COPY whose ranges overlap ran: the uAPI leaves what it writes, and
	// so everything after it, undefined. A generator can keep its own
	// COPYs apart, but a stream that rewrites itself (a TIMESTAMP landing
	// on a later COPY's size) can make one as it runs.
	bool undefined() const { return undefined_; }

private:
	using u64 = std::uint64_t;
	using u32 = std::uint32_t;

	u32 set(u32 type, u32 access, u64 va)
	{
		fault_->type = type;
		fault_->access = access;
		fault_->va = va;
		return type;
	}

	// The range [va, va + size) ends at or below 2^64 - 1.
	static bool no_wrap(u64 va, u64 size)
	{
		return static_cast<unsigned __int128>(va) + size <= UINT64_MAX;
	}

	bool buffer_ok(u64 va, u64 size) const
	{
		return va % 8 == 0 && size > 0 && size % 8 == 0 && size <= max_size_ && no_wrap(va, size);
	}

	u32 read_byte(u64 va, u32 access, std::uint8_t *out)
	{
		std::uint8_t *p;
		u32 t = mmu_.lookup(va, access, &p);
		if (t == NOVA_FAULT_NONE)
			*out = *p;
		return t;
	}

	u32 write_byte(u64 va, std::uint8_t value)
	{
		std::uint8_t *p;
		u32 t = mmu_.lookup(va, NOVA_ACCESS_WRITE, &p);
		if (t == NOVA_FAULT_NONE)
			*p = value;
		return t;
	}

	// Little-endian value of @width bytes, one byte at a time.
	u32 write_value(u64 va, u64 value, int width)
	{
		for (int i = 0; i < width; i++)
			if (u32 t = write_byte(va + i, static_cast<std::uint8_t>(value >> (8 * i))))
				return set(t, NOVA_ACCESS_WRITE, va + i);
		return NOVA_FAULT_NONE;
	}

	u32 read_value(u64 va, int width, u32 access, u64 *value, u64 *bad)
	{
		*value = 0;
		for (int i = 0; i < width; i++) {
			std::uint8_t b;
			if (u32 t = read_byte(va + i, access, &b)) {
				*bad = va + i;
				return t;
			}
			*value |= static_cast<u64>(b) << (8 * i);
		}
		return NOVA_FAULT_NONE;
	}

	static int length_of(u32 opcode)
	{
		switch (opcode) {
		case NOVA_CMD_NOP: return 1;
		case NOVA_CMD_STORE32: return 2;
		case NOVA_CMD_STORE64: return 3;
		case NOVA_CMD_TIMESTAMP: return 2;
		case NOVA_CMD_FILL: return 3;
		case NOVA_CMD_COPY: return 4;
		case NOVA_CMD_WAIT: return 3;
		case NOVA_CMD_CALL: return 3;
		default: return -1;
		}
	}

	bool valid(u32 opcode, u32 flags, u32 reserved, u32 imm, const u64 *op) const
	{
		if (reserved != 0)
			return false;
		if (opcode == NOVA_CMD_WAIT ? (flags & ~3u) != 0 : flags != 0)
			return false;
		if (opcode != NOVA_CMD_STORE32 && opcode != NOVA_CMD_FILL && imm != 0)
			return false;
		switch (opcode) {
		case NOVA_CMD_NOP:
			return true;
		case NOVA_CMD_STORE32:
			return op[0] % 4 == 0 && no_wrap(op[0], 4);
		case NOVA_CMD_STORE64:
		case NOVA_CMD_TIMESTAMP:
			return op[0] % 8 == 0 && no_wrap(op[0], 8);
		case NOVA_CMD_FILL:
			return op[0] % 4 == 0 && op[1] % 4 == 0 && no_wrap(op[0], op[1]);
		case NOVA_CMD_COPY:
			return no_wrap(op[0], op[2]) && no_wrap(op[1], op[2]);
		case NOVA_CMD_WAIT:
			if (flags & NOVA_CMD_WAIT_64BIT)
				return op[0] % 8 == 0 && no_wrap(op[0], 8);
			return op[0] % 4 == 0 && no_wrap(op[0], 4) && op[1] <= 0xffffffffu;
		case NOVA_CMD_CALL:
			return buffer_ok(op[0], op[1]);
		}
		return false;
	}

	u32 run_buffer(u64 va, u64 size, u32 depth)
	{
		u64 end = va + size;
		u64 pc = va;

		while (pc < end) {
			if (u32 t = mmu_.check(0))
				return set(t, NOVA_ACCESS_NONE, 0);

			u64 header, bad;
			if (u32 t = read_value(pc, 8, NOVA_ACCESS_EXEC, &header, &bad))
				return set(t, NOVA_ACCESS_EXEC, pc);
			u32 opcode = header & 0xff;
			u32 flags = (header >> 8) & 0xff;
			u32 reserved = (header >> 16) & 0xffff;
			u32 imm = header >> 32;
			int length = length_of(opcode);
			if (length < 0 || pc + 8 * length > end)
				return set(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, pc);
			u64 op[3] = {};
			for (int i = 1; i < length; i++)
				if (u32 t = read_value(pc + 8 * i, 8, NOVA_ACCESS_EXEC, &op[i - 1], &bad))
					return set(t, NOVA_ACCESS_EXEC, pc);
			if (!valid(opcode, flags, reserved, imm, op))
				return set(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, pc);
			u64 at = pc;
			pc += 8 * length;

			switch (opcode) {
			case NOVA_CMD_NOP:
				break;
			case NOVA_CMD_STORE32:
				if (u32 t = write_value(op[0], imm, 4))
					return t;
				break;
			case NOVA_CMD_STORE64:
				if (u32 t = write_value(op[0], op[1], 8))
					return t;
				break;
			case NOVA_CMD_TIMESTAMP:
				if (u32 t = write_value(op[0], mmu_.timestamp(), 8))
					return t;
				break;
			case NOVA_CMD_FILL:
				for (u64 i = 0; i < op[1]; i++)
					if (u32 t = write_byte(op[0] + i, imm >> (8 * (i % 4))))
						return set(t, NOVA_ACCESS_WRITE, op[0] + i);
				break;
			case NOVA_CMD_COPY:
				if (static_cast<unsigned __int128>(op[0]) < static_cast<unsigned __int128>(op[1]) + op[2] &&
				    static_cast<unsigned __int128>(op[1]) < static_cast<unsigned __int128>(op[0]) + op[2])
					undefined_ = true;
				for (u64 i = 0; i < op[2]; i++) {
					std::uint8_t b;
					if (u32 t = read_byte(op[1] + i, NOVA_ACCESS_READ, &b))
						return set(t, NOVA_ACCESS_READ, op[1] + i);
					if (u32 t = write_byte(op[0] + i, b))
						return set(t, NOVA_ACCESS_WRITE, op[0] + i);
				}
				break;
			case NOVA_CMD_WAIT: {
				int width = (flags & NOVA_CMD_WAIT_64BIT) ? 8 : 4;
				for (;;) {
					u64 value;
					if (u32 t = read_value(op[0], width, NOVA_ACCESS_READ, &value, &bad))
						return set(t, NOVA_ACCESS_READ, bad);
					bool done = (flags & NOVA_CMD_WAIT_EQUAL) ? value == op[1]
										  : value >= op[1];
					if (done)
						break;
					if (u32 t = mmu_.check(1))
						return set(t, NOVA_ACCESS_NONE, 0);
				}
				break;
			}
			case NOVA_CMD_CALL:
				if (depth + 1 > max_depth_)
					return set(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, at);
				if (u32 t = run_buffer(op[0], op[1], depth + 1))
					return t;
				break;
			}
		}
		return NOVA_FAULT_NONE;
	}

	FakeMmu &mmu_;
	u32 max_depth_;
	u64 max_size_;
	bool undefined_ = false;
	nova_engine_fault *fault_ = nullptr;
};

} // namespace engine_test

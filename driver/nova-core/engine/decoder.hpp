// SPDX-License-Identifier: GPL-2.0
//
// The command engine's decoder: the instruction set of uapi/nova_drm.h
// (NOVA_CMD_*) as data. It knows how long each command is and which
// operands are valid; it never touches memory, which is the executor's
// (executor.cpp).
#pragma once

#include "cxx/types.hpp"
#include "nova_engine.h"
#include "uapi/nova_drm.h"

namespace nova::engine {

using u8 = __u8;

// The most qwords a command has (COPY: header, destination, source, size).
constexpr u32 kMaxCommandQwords = 4;

// The deepest CALL nesting the executor's fixed stack holds; limits asking
// for more are refused (nova_engine_execute() faults before running).
// inline: one variable for every includer, so that those which do not use it
// (the decoder) draw no unused-variable warning where drm/ builds with W=1
// (a kernel tree's drivers/gpu/drm, as KUnit's on 6.12).
inline constexpr u32 kMaxCallDepthCap = 16;

// One command as fetched: the header's fields and the operand qwords.
struct Command {
	u64 va;		// the header's address
	u32 opcode;
	u32 flags;
	u32 reserved;
	u32 imm;
	u64 operand[kMaxCommandQwords - 1];
};

// The number of qwords of @opcode's commands, header included; 0 for an
// unknown opcode.
constexpr u32 command_qwords(u32 opcode)
{
	switch (opcode) {
	case NOVA_CMD_NOP:
		return 1;
	case NOVA_CMD_STORE32:
	case NOVA_CMD_TIMESTAMP:
		return 2;
	case NOVA_CMD_STORE64:
	case NOVA_CMD_FILL:
	case NOVA_CMD_WAIT:
	case NOVA_CMD_CALL:
		return 3;
	case NOVA_CMD_COPY:
		return 4;
	default:
		return 0;
	}
}

// Fills @cmd's header fields from the header qword @header at @va.
void decode_header(u64 va, u64 header, Command *cmd);

// Whether [@va, @va + @size) stays below 2^64 (an end of exactly 2^64
// counts as a wrap: the sum must not overflow).
constexpr bool range_fits(u64 va, u64 size)
{
	return va + size >= va;
}

// Whether a command buffer (EXEC's or a CALL's target) is well formed:
// 8-byte aligned, a non-zero multiple of 8, at most @max_size, no wrap.
constexpr bool cmdbuf_valid(u64 va, u64 size, u64 max_size)
{
	return is_aligned(va, 8) && size != 0 && is_aligned(size, 8) && size <= max_size &&
	       range_fits(va, size);
}

// Whether @cmd (header and operands fetched) is a valid command under
// @limits, CALL depth aside (the executor knows the depth). A false answer
// is NOVA_FAULT_INVALID_COMMAND.
bool command_valid(const Command &cmd, const nova_engine_limits &limits);

} // namespace nova::engine

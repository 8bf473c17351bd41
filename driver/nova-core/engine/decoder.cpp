// SPDX-License-Identifier: GPL-2.0
//
// The command engine's decoder: header fields and operand validation, the
// rules of uapi/nova_drm.h's instruction set and of Documentation/engine.rst
// ("Validation").
#include "decoder.hpp"

namespace nova::engine {

void decode_header(u64 va, u64 header, Command *cmd)
{
	cmd->va = va;
	cmd->opcode = NOVA_CMD_OPCODE(header);
	cmd->flags = NOVA_CMD_FLAGS(header);
	cmd->reserved = NOVA_CMD_RESERVED(header);
	cmd->imm = NOVA_CMD_IMM(header);
}

namespace {

constexpr bool uses_imm(u32 opcode)
{
	return opcode == NOVA_CMD_STORE32 || opcode == NOVA_CMD_FILL;
}

constexpr u32 allowed_flags(u32 opcode)
{
	return opcode == NOVA_CMD_WAIT ? NOVA_CMD_WAIT_FLAGS : 0;
}

// An access of @size bytes at @va, @align-aligned, that does not wrap.
constexpr bool access_valid(u64 va, u64 size, u64 align)
{
	return is_aligned(va, align) && range_fits(va, size);
}

} // namespace

bool command_valid(const Command &cmd, const nova_engine_limits &limits)
{
	const u64 *op = cmd.operand;

	if (command_qwords(cmd.opcode) == 0 || cmd.reserved != 0)
		return false;
	if (cmd.flags & ~allowed_flags(cmd.opcode))
		return false;
	if (!uses_imm(cmd.opcode) && cmd.imm != 0)
		return false;

	switch (cmd.opcode) {
	case NOVA_CMD_NOP:
		return true;
	case NOVA_CMD_STORE32:
		return access_valid(op[0], 4, 4);
	case NOVA_CMD_STORE64:
	case NOVA_CMD_TIMESTAMP:
		return access_valid(op[0], 8, 8);
	case NOVA_CMD_FILL:
		return is_aligned(op[0], 4) && is_aligned(op[1], 4) && range_fits(op[0], op[1]);
	case NOVA_CMD_COPY:
		return range_fits(op[0], op[2]) && range_fits(op[1], op[2]);
	case NOVA_CMD_WAIT:
		if (cmd.flags & NOVA_CMD_WAIT_64BIT)
			return access_valid(op[0], 8, 8);
		return access_valid(op[0], 4, 4) && (op[1] >> 32) == 0;
	case NOVA_CMD_CALL:
		return cmdbuf_valid(op[0], op[1], limits.max_cmdbuf_size);
	default:
		return false;
	}
}

} // namespace nova::engine

// SPDX-License-Identifier: GPL-2.0
//
// The command engine's executor: nova_engine_execute() (nova_engine.h).
//
// It runs command buffers the way hardware would, through the runner's MMU
// (struct nova_engine_ops): every command is fetched and executed in one
// access window of its own, every address is translated when it is used,
// chunk by chunk as the translation allows, and the first access that does
// not translate ends the job with a fault. CALL nests on a fixed stack, so
// nothing here recurses or allocates; between commands the runner's check()
// may end the job (watchdog, stop). Documentation/engine.rst has the rules
// the uAPI leaves open.
#include "decoder.hpp"

namespace nova::engine {
namespace {

constexpr u64 min(u64 a, u64 b)
{
	return a < b ? a : b;
}

class Executor {
public:
	Executor(const nova_engine_limits &limits, const nova_engine_ops *ops, void *ctx,
		 nova_engine_fault *fault)
		: limits_(limits), ops_(ops), ctx_(ctx), fault_(fault)
	{
	}

	u32 run(const nova_engine_cmdbuf *bufs, u32 count);

private:
	struct Frame {
		u64 pc;
		u64 end;
	};

	u32 run_buffer(const nova_engine_cmdbuf &buf);
	u32 fetch(const Frame &frame, Command *cmd);
	u32 execute(const Command &cmd, Frame *stack, u32 *depth, bool *waiting);
	u32 poll(const Command &cmd, bool *waiting);

	u32 translate(u64 va, u32 access, void **ptr, u64 *len);
	u32 read(u64 va, void *dst, u64 size, u32 access, u64 *bad);
	u32 write(u64 va, const void *src, u64 size, u64 *bad);
	u32 load(u64 va, u32 width, u64 *value);
	u32 store(u64 va, u32 width, u64 value);
	u32 fill(u64 va, u64 size, u32 pattern);
	u32 copy(u64 dst, u64 src, u64 size);

	u32 fault(u32 type, u32 access, u64 va)
	{
		fault_->type = type;
		fault_->access = access;
		fault_->va = va;
		return type;
	}

	const nova_engine_limits &limits_;
	const nova_engine_ops *ops_;
	void *ctx_;
	nova_engine_fault *fault_;
};

// The runner promises a length of at least 1; a zero one would never end a
// chunk loop, so it counts as unmapped.
u32 Executor::translate(u64 va, u32 access, void **ptr, u64 *len)
{
	u32 type = ops_->translate(ctx_, va, access, ptr, len);

	if (type == NOVA_FAULT_NONE && *len == 0)
		return NOVA_FAULT_UNMAPPED;
	return type;
}

// Copies @size bytes at @va out, translation by translation; on a fault,
// *@bad is the first byte that did not translate.
u32 Executor::read(u64 va, void *dst, u64 size, u32 access, u64 *bad)
{
	u8 *out = static_cast<u8 *>(dst);

	while (size) {
		void *ptr;
		u64 len;
		u32 type = translate(va, access, &ptr, &len);

		if (type != NOVA_FAULT_NONE) {
			*bad = va;
			return type;
		}
		len = min(len, size);
		__builtin_memcpy(out, ptr, len);
		out += len;
		va += len;
		size -= len;
	}
	return NOVA_FAULT_NONE;
}

u32 Executor::write(u64 va, const void *src, u64 size, u64 *bad)
{
	const u8 *in = static_cast<const u8 *>(src);

	while (size) {
		void *ptr;
		u64 len;
		u32 type = translate(va, NOVA_ACCESS_WRITE, &ptr, &len);

		if (type != NOVA_FAULT_NONE) {
			*bad = va;
			return type;
		}
		len = min(len, size);
		__builtin_memcpy(ptr, in, len);
		in += len;
		va += len;
		size -= len;
	}
	return NOVA_FAULT_NONE;
}

// A semaphore read (WAIT): one aligned access when the translation allows,
// so that a writer on another engine or CPU is seen whole.
u32 Executor::load(u64 va, u32 width, u64 *value)
{
	void *ptr;
	u64 len, bad;
	u32 type = translate(va, NOVA_ACCESS_READ, &ptr, &len);

	if (type != NOVA_FAULT_NONE)
		return fault(type, NOVA_ACCESS_READ, va);
	if (len >= width && (reinterpret_cast<__UINTPTR_TYPE__>(ptr) & (width - 1)) == 0) {
		if (width == 4)
			*value = __atomic_load_n(static_cast<u32 *>(ptr), __ATOMIC_ACQUIRE);
		else
			*value = __atomic_load_n(static_cast<u64 *>(ptr), __ATOMIC_ACQUIRE);
		return NOVA_FAULT_NONE;
	}
	if (width == 4) {
		u32 v32 = 0;

		type = read(va, &v32, 4, NOVA_ACCESS_READ, &bad);
		*value = v32;
	} else {
		type = read(va, value, 8, NOVA_ACCESS_READ, &bad);
	}
	return type == NOVA_FAULT_NONE ? type : fault(type, NOVA_ACCESS_READ, bad);
}

// A semaphore release (STORE32/64, TIMESTAMP): ordered after every write
// of the commands before it.
u32 Executor::store(u64 va, u32 width, u64 value)
{
	void *ptr;
	u64 len, bad;
	u32 v32 = static_cast<u32>(value);
	u32 type = translate(va, NOVA_ACCESS_WRITE, &ptr, &len);

	if (type != NOVA_FAULT_NONE)
		return fault(type, NOVA_ACCESS_WRITE, va);
	if (len >= width && (reinterpret_cast<__UINTPTR_TYPE__>(ptr) & (width - 1)) == 0) {
		if (width == 4)
			__atomic_store_n(static_cast<u32 *>(ptr), v32, __ATOMIC_RELEASE);
		else
			__atomic_store_n(static_cast<u64 *>(ptr), value, __ATOMIC_RELEASE);
		return NOVA_FAULT_NONE;
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	type = write(va, width == 4 ? static_cast<const void *>(&v32) : &value, width, &bad);
	return type == NOVA_FAULT_NONE ? type : fault(type, NOVA_ACCESS_WRITE, bad);
}

// Where a FILL with a non-uniform pattern copies its pattern from: bytes
// it has already written (in this or an earlier chunk of the same command,
// inside the same access window), byte k being pattern byte (phase + k) % 4.
struct PatternSource {
	const u8 *ptr;
	u64 len;
	u32 phase;
};

// The most a FILL writes by doubling before it copies from what it wrote:
// a source that stays in the L1 cache.
constexpr u64 kPatternBlock = 4096;

// Writes the 32-bit @pattern over @size bytes at @dst, starting at byte
// @phase of the pattern: 64 bytes by qword stores and doubling up to
// kPatternBlock when there is no source yet, then copies from @src, so
// that the bulk runs at memcpy's speed from a cache-hot source. Bytes are
// the same whichever page they land in (the address is 4-byte aligned,
// mappings page aligned), so a source page mapped twice stays right.
void fill_pattern(u8 *dst, u64 size, u32 pattern, u32 phase, PatternSource *src)
{
	u64 done = 0;

	if (src->len < 64 + 4) {
		u32 rotated = phase ? (pattern >> (8 * phase)) | (pattern << (32 - 8 * phase))
				    : pattern;
		u64 qword = rotated | static_cast<u64>(rotated) << 32;
		u64 head = min(size, 64);

		for (; done + 8 <= head; done += 8)
			__builtin_memcpy(dst + done, &qword, 8);
		__builtin_memcpy(dst + done, &qword, head - done);
		// 64 is a multiple of the pattern's period, and so is every copy.
		for (done = head; done < min(size, kPatternBlock);) {
			u64 chunk = min(done, min(size, kPatternBlock) - done);

			__builtin_memcpy(dst + done, dst, chunk);
			done += chunk;
		}
		if ((done & ~3ull) > src->len)
			*src = PatternSource{ dst, done & ~3ull, phase };
	}
	while (done < size) {
		u64 offset = (phase + done - src->phase) & 3;
		u64 len = min((src->len - offset) & ~3ull, size - done);

		__builtin_memmove(dst + done, src->ptr + offset, len);
		done += len;
	}
}
u32 Executor::fill(u64 va, u64 size, u32 pattern)
{
	bool uniform = pattern == (pattern & 0xff) * 0x01010101u;
	PatternSource src = { nullptr, 0, 0 };

	for (u64 done = 0; done < size;) {
		void *ptr;
		u64 len;
		u32 type = translate(va + done, NOVA_ACCESS_WRITE, &ptr, &len);

		if (type != NOVA_FAULT_NONE)
			return fault(type, NOVA_ACCESS_WRITE, va + done);
		len = min(len, size - done);
		if (uniform)
			__builtin_memset(ptr, pattern & 0xff, len);
		else
			fill_pattern(static_cast<u8 *>(ptr), len, pattern, done & 3, &src);
		done += len;
	}
	return NOVA_FAULT_NONE;
}

// Byte i of the source is read before byte i of the destination is
// written, so the first fault is the one a byte-by-byte copy would meet.
u32 Executor::copy(u64 dst, u64 src, u64 size)
{
	for (u64 done = 0; done < size;) {
		void *from, *to;
		u64 from_len, to_len;
		u32 type = translate(src + done, NOVA_ACCESS_READ, &from, &from_len);

		if (type != NOVA_FAULT_NONE)
			return fault(type, NOVA_ACCESS_READ, src + done);
		type = translate(dst + done, NOVA_ACCESS_WRITE, &to, &to_len);
		if (type != NOVA_FAULT_NONE)
			return fault(type, NOVA_ACCESS_WRITE, dst + done);
		u64 len = min(min(from_len, to_len), size - done);

		__builtin_memmove(to, from, len);
		done += len;
	}
	return NOVA_FAULT_NONE;
}

// Fetches the command at @frame's pc: the header, then (once the opcode is
// known and the command fits in its buffer) its operands. Every fault is
// reported at the command's own address.
u32 Executor::fetch(const Frame &frame, Command *cmd)
{
	u64 header, bad;
	u32 type = read(frame.pc, &header, 8, NOVA_ACCESS_EXEC, &bad);

	if (type != NOVA_FAULT_NONE)
		return fault(type, NOVA_ACCESS_EXEC, frame.pc);
	decode_header(frame.pc, header, cmd);
	u32 qwords = command_qwords(cmd->opcode);

	if (qwords == 0 || (frame.end - frame.pc) / 8 < qwords)
		return fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, frame.pc);
	type = read(frame.pc + 8, cmd->operand, 8 * (qwords - 1), NOVA_ACCESS_EXEC, &bad);
	if (type != NOVA_FAULT_NONE)
		return fault(type, NOVA_ACCESS_EXEC, frame.pc);
	if (!command_valid(*cmd, limits_))
		return fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, frame.pc);
	return NOVA_FAULT_NONE;
}

// Re-reads a WAIT's semaphore; *@waiting says whether it is unsatisfied.
u32 Executor::poll(const Command &cmd, bool *waiting)
{
	u32 width = (cmd.flags & NOVA_CMD_WAIT_64BIT) ? 8 : 4;
	u64 value = 0;
	u32 type = load(cmd.operand[0], width, &value);

	if (type != NOVA_FAULT_NONE)
		return type;
	if (cmd.flags & NOVA_CMD_WAIT_EQUAL)
		*waiting = value != cmd.operand[1];
	else
		*waiting = value < cmd.operand[1];
	return NOVA_FAULT_NONE;
}

u32 Executor::execute(const Command &cmd, Frame *stack, u32 *depth, bool *waiting)
{
	const u64 *op = cmd.operand;

	switch (cmd.opcode) {
	case NOVA_CMD_NOP:
		return NOVA_FAULT_NONE;
	case NOVA_CMD_STORE32:
		return store(op[0], 4, cmd.imm);
	case NOVA_CMD_STORE64:
		return store(op[0], 8, op[1]);
	case NOVA_CMD_TIMESTAMP:
		return store(op[0], 8, ops_->timestamp(ctx_));
	case NOVA_CMD_FILL:
		return fill(op[0], op[1], cmd.imm);
	case NOVA_CMD_COPY:
		return copy(op[0], op[1], op[2]);
	case NOVA_CMD_WAIT:
		return poll(cmd, waiting);
	case NOVA_CMD_CALL:
		if (*depth >= limits_.max_call_depth)
			return fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, cmd.va);
		++*depth;
		stack[*depth] = Frame{ op[0], op[0] + op[1] };
		return NOVA_FAULT_NONE;
	default:
		return fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, cmd.va);
	}
}

u32 Executor::run_buffer(const nova_engine_cmdbuf &buf)
{
	Frame stack[kMaxCallDepthCap + 1];
	u32 depth = 0;

	stack[0] = Frame{ buf.va, buf.va + buf.size };
	for (;;) {
		Frame &frame = stack[depth];
		Command cmd;
		bool waiting = false;
		u32 type;

		if (frame.pc == frame.end) {
			if (depth == 0)
				return NOVA_FAULT_NONE;
			--depth;
			continue;
		}
		type = ops_->check(ctx_, 0);
		if (type != NOVA_FAULT_NONE)
			return fault(type, NOVA_ACCESS_NONE, 0);

		ops_->begin_access(ctx_);
		type = fetch(frame, &cmd);
		if (type == NOVA_FAULT_NONE) {
			frame.pc += 8 * command_qwords(cmd.opcode);
			type = execute(cmd, stack, &depth, &waiting);
		}
		ops_->end_access(ctx_);

		while (type == NOVA_FAULT_NONE && waiting) {
			type = ops_->check(ctx_, 1);
			if (type != NOVA_FAULT_NONE)
				return fault(type, NOVA_ACCESS_NONE, 0);
			ops_->begin_access(ctx_);
			type = poll(cmd, &waiting);
			ops_->end_access(ctx_);
		}
		if (type != NOVA_FAULT_NONE)
			return type;
	}
}

u32 Executor::run(const nova_engine_cmdbuf *bufs, u32 count)
{
	fault(NOVA_FAULT_NONE, NOVA_ACCESS_NONE, 0);
	// A runner asking for more nesting than the stack holds is refused whole.
	if (limits_.max_call_depth > kMaxCallDepthCap)
		return fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, 0);
	for (u32 i = 0; i < count; i++) {
		if (!cmdbuf_valid(bufs[i].va, bufs[i].size, limits_.max_cmdbuf_size))
			return fault(NOVA_FAULT_INVALID_COMMAND, NOVA_ACCESS_NONE, bufs[i].va);
		u32 type = run_buffer(bufs[i]);

		if (type != NOVA_FAULT_NONE)
			return type;
	}
	return NOVA_FAULT_NONE;
}

} // namespace
} // namespace nova::engine

extern "C" __u32 nova_engine_execute(const struct nova_engine_limits *limits,
				     const struct nova_engine_cmdbuf *bufs, __u32 count,
				     const struct nova_engine_ops *ops, void *ctx,
				     struct nova_engine_fault *fault)
{
	nova::engine::Executor executor(*limits, ops, ctx, fault);

	return executor.run(bufs, count);
}

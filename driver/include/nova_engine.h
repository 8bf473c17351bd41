/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nova_engine.h: the command engine's decoder and executor, C++ logic of
 * nova_core.ko, and what they need from whoever runs them.
 *
 * The engine is the function's hardware: it executes command buffers (the
 * instruction set of uapi/nova_drm.h, NOVA_CMD_*) and reaches memory only
 * through the memory-management unit it is given, struct nova_engine_ops,
 * which translates one GPU virtual address at a time, the way an MMU walks
 * page tables. It never allocates, never sleeps except in ops->wait_tick(),
 * and keeps no state between calls, so the same code runs in nova_core.ko
 * (driver/nova-core/engine.c drives it) and hosted, under GoogleTest and the
 * sanitizers (tests/hosted/).
 *
 * Like nova_logic.h and nova_services.h, this header is a boundary: the
 * engine's C++ (driver/nova-core/engine/) includes it, the uapi headers and
 * driver/cxx/ headers that need no services, never a kernel header; the C
 * side includes it and never an engine .hpp. Only <linux/types.h> types
 * cross.
 */
#ifndef NOVA_ENGINE_H
#define NOVA_ENGINE_H

#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Why a job ended early that is no fault of its commands: the runner asked
 * the engine to stop (queue destroyed, function unplugged). Beyond the uAPI's
 * enum drm_nova_fault_type, never reported to userspace as a fault.
 */
#define NOVA_ENGINE_STOPPED	0x100

/* One command buffer: the uAPI's struct drm_nova_exec_cmdbuf, checked. */
struct nova_engine_cmdbuf {
	__u64 va;	/* 8-byte aligned */
	__u64 size;	/* non-zero multiple of 8 */
};

/* Where and why execution stopped (type NOVA_FAULT_NONE: it did not). */
struct nova_engine_fault {
	__u32 type;	/* enum drm_nova_fault_type, or NOVA_ENGINE_STOPPED */
	__u32 access;	/* enum drm_nova_access */
	__u64 va;	/* the faulting address; a command's own for command faults */
};

/*
 * What the engine asks of its runner. @ctx is the runner's. Every function
 * may be called from a sleepable context only (the engine's worker).
 */
struct nova_engine_ops {
	/*
	 * An access window: between begin_access() and end_access() the
	 * translations translate() gives stay valid (the runner holds off
	 * changes to the VA space). The engine opens one per command, never
	 * across a wait_tick(), and never nests them.
	 */
	void (*begin_access)(void *ctx);
	void (*end_access)(void *ctx);
	/*
	 * Translates @va for @access (NOVA_ACCESS_READ, _WRITE or _EXEC),
	 * inside an access window. On NOVA_FAULT_NONE, *@ptr points at the
	 * byte @va, and *@len (at least 1) bytes from it may be accessed that
	 * way (up to the end of the page or mapping). Otherwise returns the
	 * fault: NOVA_FAULT_UNMAPPED, _READONLY or _NOEXEC, and @ptr/@len are
	 * not written.
	 */
	__u32 (*translate)(void *ctx, __u64 va, __u32 access, void **ptr, __u64 *len);
	/* The engine's clock, in nanoseconds (NOVA_CMD_TIMESTAMP). */
	__u64 (*timestamp)(void *ctx);
	/*
	 * Called between commands and outside any access window: returns
	 * NOVA_FAULT_NONE to go on, or NOVA_FAULT_TIMEOUT (the watchdog) or
	 * NOVA_ENGINE_STOPPED to end the job now. With @waiting set, a
	 * NOVA_CMD_WAIT is not satisfied yet: the runner may sleep a little
	 * before it answers.
	 */
	__u32 (*check)(void *ctx, int waiting);
};

/* Fixed properties of an engine. */
struct nova_engine_limits {
	__u64 max_cmdbuf_size;	/* NOVA_GETPARAM_MAX_CMDBUF_SIZE, for CALL targets */
	__u32 max_call_depth;	/* NOVA_GETPARAM_CALL_MAX_DEPTH */
};

/*
 * The engine's data movers: the runner links them in (nova_core.ko:
 * 64-byte register moves, driver/nova-core/mover.c;
 * hosted: tests/hosted/engine_movers.cpp). COPY and FILL spend their time
 * here. Any alignment, any length, never sleep.
 */
/* Copies @len bytes from @src to @dst, like memmove(). */
void nova_engine_move(void *dst, const void *src, __u64 len);
/* Writes @len bytes at @dst: byte i is byte (i % 4) of @pattern, little endian. */
void nova_engine_fill32(void *dst, __u32 pattern, __u64 len);

/*
 * Runs @count command buffers in order. Returns NOVA_FAULT_NONE when every
 * command ran, else the fault (also in *@fault, which is written either way)
 * after which nothing more of the job ran. Commands before the fault have
 * taken effect.
 */
__u32 nova_engine_execute(const struct nova_engine_limits *limits,
			  const struct nova_engine_cmdbuf *bufs, __u32 count,
			  const struct nova_engine_ops *ops, void *ctx,
			  struct nova_engine_fault *fault);

#if defined(__cplusplus)
}
#endif

#endif /* NOVA_ENGINE_H */

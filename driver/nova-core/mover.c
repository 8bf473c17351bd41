// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's data movers (nova_engine.h): what COPY and FILL spend their
 * time in, the engine's "DMA".
 *
 * Both move 64 bytes per step through eight general-purpose registers,
 * in plain C. Measured in the guest (nova-bench's exec rows, QEMU 7.2
 * TCG, 2 MiB COPY against userspace's memcpy of the same size): this loop
 * 0.80x memcpy's time, rep movsq 0.92x, 64-byte SSE moves inside
 * kernel_fpu_begin/end 1.6x-1.75x (each SSE load goes through QEMU's CPU
 * state in memory), the kernel's memcpy() 5.96x (it takes rep movsb on
 * ERMS CPUs, one emulated iteration per byte). Plain C also keeps every
 * access visible to KASAN on the debug kernel and runs unchanged on UML
 * for KUnit.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/byteorder.h>

#include "nova_engine.h"

#define NOVA_MOVER_STEP 64

/*
 * Any alignment: a fixed-size memcpy() compiles to one load or store (and
 * one KASAN check). Not the kernel's unaligned helpers, whose header moved
 * between the kernels nova builds for.
 */
static inline u64 nova_load64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void nova_store64(u8 *p, u64 v)
{
	memcpy(p, &v, sizeof(v));
}

/* Moves the whole 64-byte steps of @len forward; returns the bytes moved. */
static u64 nova_move_steps(u8 *d, const u8 *s, u64 len)
{
	u64 done;

	for (done = 0; len - done >= NOVA_MOVER_STEP; done += NOVA_MOVER_STEP) {
		/* All loads before any store: one step may overlap itself. */
		u64 q0 = nova_load64(s + done);
		u64 q1 = nova_load64(s + done + 8);
		u64 q2 = nova_load64(s + done + 16);
		u64 q3 = nova_load64(s + done + 24);
		u64 q4 = nova_load64(s + done + 32);
		u64 q5 = nova_load64(s + done + 40);
		u64 q6 = nova_load64(s + done + 48);
		u64 q7 = nova_load64(s + done + 56);

		nova_store64(d + done, q0);
		nova_store64(d + done + 8, q1);
		nova_store64(d + done + 16, q2);
		nova_store64(d + done + 24, q3);
		nova_store64(d + done + 32, q4);
		nova_store64(d + done + 40, q5);
		nova_store64(d + done + 48, q6);
		nova_store64(d + done + 56, q7);
	}
	return done;
}

void nova_engine_move(void *dst, const void *src, __u64 len)
{
	u8 *d = dst;
	const u8 *s = src;
	u64 done = 0;

	/*
	 * Forward steps give memmove()'s result unless @dst lies inside the
	 * source above @src, where they would read bytes already overwritten:
	 * that overlap is memmove()'s to handle.
	 */
	if (!(d > s && d < s + len))
		done = nova_move_steps(d, s, len);
	memmove(d + done, s + done, len - done);
}

void nova_engine_fill32(void *dst, __u32 pattern, __u64 len)
{
	/* Little endian in memory, whatever the CPU's byte order. */
	u64 q = (__force u64)cpu_to_le64((u64)pattern << 32 | pattern);
	__le32 word = cpu_to_le32(pattern);
	u8 *d = dst;
	u64 i;

	for (i = 0; len - i >= NOVA_MOVER_STEP; i += NOVA_MOVER_STEP) {
		nova_store64(d + i, q);
		nova_store64(d + i + 8, q);
		nova_store64(d + i + 16, q);
		nova_store64(d + i + 24, q);
		nova_store64(d + i + 32, q);
		nova_store64(d + i + 40, q);
		nova_store64(d + i + 48, q);
		nova_store64(d + i + 56, q);
	}
	/* The tail starts on a pattern word boundary, since 64 is a multiple of 4. */
	for (; len - i >= 4; i += 4)
		memcpy(d + i, &word, sizeof(word));
	for (; i < len; i++)
		d[i] = pattern >> (8 * (i & 3));
}

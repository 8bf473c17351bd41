// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's data movers (nova_engine.h): what COPY and FILL spend their
 * time in, the engine's "DMA".
 *
 * The kernel's memcpy() and memset() are tuned for the small copies the
 * kernel makes; a bulk mover on x86-64 moves 64 bytes per step through
 * four SSE registers instead, inside kernel_fpu_begin()/end() (one 4 KiB
 * page per section at most, since a section holds off preemption). That is
 * also what makes it match userspace's memcpy under QEMU's TCG, where each
 * guest instruction costs several host ones. Elsewhere (UML for KUnit),
 * when the FPU is not usable here, for short moves and on KASAN kernels
 * (inline assembly is invisible to KASAN, and the debug kernel wants every
 * engine access checked) the kernel's own routines do the work.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#if IS_ENABLED(CONFIG_X86_64) && !IS_ENABLED(CONFIG_UML) && !IS_ENABLED(CONFIG_KASAN)
#define NOVA_MOVER_SSE 1
#include <asm/fpu/api.h>
#else
#define NOVA_MOVER_SSE 0
#endif

#include "nova_engine.h"

/* Below this, saving the FPU state costs more than it saves. */
#define NOVA_MOVER_MIN		512
#define NOVA_MOVER_SECTION	4096

#if NOVA_MOVER_SSE
/* @len is a multiple of 64. */
static void nova_sse_copy(u8 *dst, const u8 *src, size_t len)
{
	for (; len; len -= 64, dst += 64, src += 64)
		asm volatile("movdqu   (%0), %%xmm0\n\t"
			     "movdqu 16(%0), %%xmm1\n\t"
			     "movdqu 32(%0), %%xmm2\n\t"
			     "movdqu 48(%0), %%xmm3\n\t"
			     "movdqu %%xmm0,   (%1)\n\t"
			     "movdqu %%xmm1, 16(%1)\n\t"
			     "movdqu %%xmm2, 32(%1)\n\t"
			     "movdqu %%xmm3, 48(%1)"
			     : : "r"(src), "r"(dst) : "memory");
}

/* @len is a multiple of 64; the pattern is loaded into %xmm0 first. */
static void nova_sse_fill(u8 *dst, u32 pattern, size_t len)
{
	asm volatile("movd %0, %%xmm0\n\t"
		     "pshufd $0, %%xmm0, %%xmm0" : : "r"(pattern));
	for (; len; len -= 64, dst += 64)
		asm volatile("movdqu %%xmm0,   (%0)\n\t"
			     "movdqu %%xmm0, 16(%0)\n\t"
			     "movdqu %%xmm0, 32(%0)\n\t"
			     "movdqu %%xmm0, 48(%0)"
			     : : "r"(dst) : "memory");
}

static bool nova_mover_sse(u64 len)
{
	return len >= NOVA_MOVER_MIN && irq_fpu_usable();
}
#endif

void nova_engine_move(void *dst, const void *src, __u64 len)
{
#if NOVA_MOVER_SSE
	u8 *d = dst;
	const u8 *s = src;

	/* Forward only: an overlap with @dst above @src takes memmove(). */
	if (nova_mover_sse(len) && !(d > s && d < s + len)) {
		while (len >= 64) {
			size_t step = min_t(u64, len, NOVA_MOVER_SECTION) & ~63ull;

			kernel_fpu_begin();
			nova_sse_copy(d, s, step);
			kernel_fpu_end();
			d += step;
			s += step;
			len -= step;
		}
		dst = d;
		src = s;
	}
#endif
	memmove(dst, src, len);
}

void nova_engine_fill32(void *dst, __u32 pattern, __u64 len)
{
	u8 *d = dst;
	u64 i;

#if NOVA_MOVER_SSE
	if (nova_mover_sse(len)) {
		while (len >= 64) {
			size_t step = min_t(u64, len, NOVA_MOVER_SECTION) & ~63ull;

			kernel_fpu_begin();
			nova_sse_fill(d, pattern, step);
			kernel_fpu_end();
			d += step;
			len -= step;
		}
	}
#endif
	/* A pattern of one repeated byte is memset()'s. */
	if (pattern == (pattern & 0xff) * 0x01010101u) {
		memset(d, pattern & 0xff, len);
		return;
	}
	for (i = 0; i + 4 <= len; i += 4)
		memcpy(d + i, &pattern, 4);
	for (; i < len; i++)
		d[i] = pattern >> (8 * (i & 3));
}

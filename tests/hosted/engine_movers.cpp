// SPDX-License-Identifier: GPL-2.0
//
// The engine's data movers (nova_engine.h) in userspace: the C library's
// memmove, and a fill that writes its pattern word by word. The kernel's
// (driver/nova-core/mover.c) must give the same bytes; the engine tests
// and the differential test check what the executor makes of them.
#include <cstring>

extern "C" {
#include "nova_engine.h"
}

extern "C" void nova_engine_move(void *dst, const void *src, __u64 len)
{
	std::memmove(dst, src, len);
}

extern "C" void nova_engine_fill32(void *dst, __u32 pattern, __u64 len)
{
	auto *d = static_cast<unsigned char *>(dst);
	__u64 i = 0;

	for (; i + 4 <= len; i += 4)
		std::memcpy(d + i, &pattern, 4);
	for (; i < len; i++)
		d[i] = static_cast<unsigned char>(pattern >> (8 * (i & 3)));
}

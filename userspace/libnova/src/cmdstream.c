// SPDX-License-Identifier: MIT
/*
 * The command-stream builder: a growable array of qwords and one emit
 * function per command of the engine's instruction set (NOVA_CMD_* of
 * nova_drm.h), each writing that command's documented encoding.
 *
 * libdrm-free and device-free, like the VA heap: the hosted test
 * (tests/host/cmdstream_test.c) links this file alone and decodes what it
 * wrote. Uploading a stream for the GPU is cmdbuf.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nova/nova.h"
#include "nova_drm.h"

#define NOVA_EXPORT __attribute__((visibility("default")))

/* The first allocation: a page of qwords, which most streams never leave. */
#define INITIAL_QWORDS	512u

struct nova_cmdstream {
	uint64_t *qwords;
	size_t count;
	size_t capacity;
	int error;		/* the first failed emit's, then sticky */
};

NOVA_EXPORT int nova_cmdstream_create(struct nova_cmdstream **out)
{
	struct nova_cmdstream *cs;

	if (!out)
		return -EINVAL;
	*out = NULL;
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return -ENOMEM;
	*out = cs;
	return 0;
}

NOVA_EXPORT void nova_cmdstream_destroy(struct nova_cmdstream *cs)
{
	if (!cs)
		return;
	free(cs->qwords);
	free(cs);
}

NOVA_EXPORT int nova_cmdstream_reset(struct nova_cmdstream *cs)
{
	if (!cs)
		return -EINVAL;
	cs->count = 0;
	cs->error = 0;
	return 0;
}

NOVA_EXPORT const uint64_t *nova_cmdstream_data(const struct nova_cmdstream *cs)
{
	return cs && cs->count ? cs->qwords : NULL;
}

NOVA_EXPORT uint64_t nova_cmdstream_size(const struct nova_cmdstream *cs)
{
	return cs ? (uint64_t)cs->count * 8 : 0;
}

NOVA_EXPORT int nova_cmdstream_error(const struct nova_cmdstream *cs)
{
	return cs ? cs->error : -EINVAL;
}

/* Make room for @n more qwords, doubling; -ENOMEM leaves the stream as is. */
static int reserve(struct nova_cmdstream *cs, size_t n)
{
	size_t capacity = cs->capacity ? cs->capacity : INITIAL_QWORDS;
	uint64_t *grown;

	if (cs->count + n <= cs->capacity)
		return 0;
	while (capacity < cs->count + n) {
		if (capacity > SIZE_MAX / 16)
			return -ENOMEM;
		capacity *= 2;
	}
	grown = realloc(cs->qwords, capacity * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	cs->qwords = grown;
	cs->capacity = capacity;
	return 0;
}

/* Append @n qwords, or poison the stream with the error. */
static int emit(struct nova_cmdstream *cs, const uint64_t *q, size_t n)
{
	int ret;

	if (!cs)
		return -EINVAL;
	if (cs->error)
		return cs->error;
	ret = reserve(cs, n);
	if (ret)
		return cs->error = ret;
	memcpy(cs->qwords + cs->count, q, n * sizeof(*q));
	cs->count += n;
	return 0;
}

/* An operand breaks the command's rule: poison the stream with -EINVAL. */
static int refuse(struct nova_cmdstream *cs)
{
	if (!cs)
		return -EINVAL;
	if (!cs->error)
		cs->error = -EINVAL;
	return cs->error;
}

#define ALIGNED(x, a)	(((x) & ((a) - 1)) == 0)

NOVA_EXPORT int nova_cmdstream_emit_nop(struct nova_cmdstream *cs)
{
	const uint64_t q[] = { NOVA_CMD_HEADER(NOVA_CMD_NOP, 0, 0) };

	return emit(cs, q, 1);
}

NOVA_EXPORT int nova_cmdstream_emit_store32(struct nova_cmdstream *cs, uint64_t va,
					    uint32_t value)
{
	const uint64_t q[] = { NOVA_CMD_HEADER(NOVA_CMD_STORE32, 0, value), va };

	if (!ALIGNED(va, 4))
		return refuse(cs);
	return emit(cs, q, 2);
}

NOVA_EXPORT int nova_cmdstream_emit_store64(struct nova_cmdstream *cs, uint64_t va,
					    uint64_t value)
{
	const uint64_t q[] = { NOVA_CMD_HEADER(NOVA_CMD_STORE64, 0, 0), va, value };

	if (!ALIGNED(va, 8))
		return refuse(cs);
	return emit(cs, q, 3);
}

NOVA_EXPORT int nova_cmdstream_emit_timestamp(struct nova_cmdstream *cs, uint64_t va)
{
	const uint64_t q[] = { NOVA_CMD_HEADER(NOVA_CMD_TIMESTAMP, 0, 0), va };

	if (!ALIGNED(va, 8))
		return refuse(cs);
	return emit(cs, q, 2);
}

NOVA_EXPORT int nova_cmdstream_emit_fill(struct nova_cmdstream *cs, uint64_t va,
					 uint64_t size, uint32_t pattern)
{
	const uint64_t q[] = { NOVA_CMD_HEADER(NOVA_CMD_FILL, 0, pattern), va, size };

	if (!ALIGNED(va, 4) || !ALIGNED(size, 4))
		return refuse(cs);
	return emit(cs, q, 3);
}

NOVA_EXPORT int nova_cmdstream_emit_copy(struct nova_cmdstream *cs, uint64_t dst,
					 uint64_t src, uint64_t size)
{
	const uint64_t q[] = { NOVA_CMD_HEADER(NOVA_CMD_COPY, 0, 0), dst, src, size };

	return emit(cs, q, 4);
}

NOVA_EXPORT int nova_cmdstream_emit_wait(struct nova_cmdstream *cs, uint64_t va,
					 uint64_t value, uint32_t flags)
{
	const uint64_t q[] = { NOVA_CMD_HEADER(NOVA_CMD_WAIT, flags, 0), va, value };
	int wide = flags & NOVA_CMD_WAIT_64BIT;

	if (flags & ~NOVA_CMD_WAIT_FLAGS || !ALIGNED(va, wide ? 8 : 4) ||
	    (!wide && value > UINT32_MAX))
		return refuse(cs);
	return emit(cs, q, 3);
}

NOVA_EXPORT int nova_cmdstream_emit_call(struct nova_cmdstream *cs, uint64_t va,
					 uint64_t size)
{
	const uint64_t q[] = { NOVA_CMD_HEADER(NOVA_CMD_CALL, 0, 0), va, size };

	if (!ALIGNED(va, 8) || !size || !ALIGNED(size, 8))
		return refuse(cs);
	return emit(cs, q, 3);
}

NOVA_EXPORT int nova_cmdstream_emit_raw(struct nova_cmdstream *cs, const uint64_t *qwords,
					uint32_t count)
{
	if (!cs || (count && !qwords))
		return refuse(cs);
	if (!count)
		return cs->error;
	return emit(cs, qwords, count);
}

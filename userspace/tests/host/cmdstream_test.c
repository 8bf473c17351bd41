// SPDX-License-Identifier: MIT
/*
 * nova-cmdstream-test - the command-stream builder (libnova/src/cmdstream.c)
 * on the build host: every emit function against the encoding nova_drm.h
 * documents, written out here qword by qword from the header's bit layout
 * (not through NOVA_CMD_HEADER, so that a wrong macro would show too), the
 * operand checks and the poisoning, growth past the first allocation, and
 * reset. The builder is linked in as it is; no device, no libdrm.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nova/nova.h>

#include "host.h"
#include "nova_drm.h"

const char host_suite_name[] = "cmdstream";

/* opcode in bits 0..7, flags in 8..15, reserved 16..31, immediate 32..63. */
static uint64_t header(uint64_t opcode, uint64_t flags, uint64_t imm)
{
	return opcode | flags << 8 | imm << 32;
}

/* The stream holds exactly @n qwords equal to @want. */
static int stream_is(const struct nova_cmdstream *cs, const uint64_t *want, size_t n)
{
	return nova_cmdstream_size(cs) == n * 8 &&
	       memcmp(nova_cmdstream_data(cs), want, n * 8) == 0;
}

#define VA	0x0000123456789000ull

static enum test_result cs_encodings(void)
{
	struct nova_cmdstream *cs;
	const uint64_t want[] = {
		header(0x00, 0, 0),
		header(0x01, 0, 0xdeadbeef), VA + 4,
		header(0x02, 0, 0), VA + 8, 0x0123456789abcdefull,
		header(0x03, 0, 0), VA + 16,
		header(0x04, 0, 0xa5a5a5a5), VA + 64, 4096,
		header(0x05, 0, 0), VA + 8192, VA + 1, 4097,
		header(0x06, 0, 0), VA + 4, 7,
		header(0x06, 3, 0), VA + 8, 0xffffffff00000001ull,
		header(0x06, 2, 0), VA + 12, 0xffffffffull,
		header(0x07, 0, 0), VA + 0x10000, 256,
	};

	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK(nova_cmdstream_size(cs) == 0 && nova_cmdstream_data(cs) == NULL);
	CHECK_OK(nova_cmdstream_emit_nop(cs));
	CHECK_OK(nova_cmdstream_emit_store32(cs, VA + 4, 0xdeadbeef));
	CHECK_OK(nova_cmdstream_emit_store64(cs, VA + 8, 0x0123456789abcdefull));
	CHECK_OK(nova_cmdstream_emit_timestamp(cs, VA + 16));
	CHECK_OK(nova_cmdstream_emit_fill(cs, VA + 64, 4096, 0xa5a5a5a5));
	CHECK_OK(nova_cmdstream_emit_copy(cs, VA + 8192, VA + 1, 4097));
	CHECK_OK(nova_cmdstream_emit_wait(cs, VA + 4, 7, 0));
	CHECK_OK(nova_cmdstream_emit_wait(cs, VA + 8, 0xffffffff00000001ull,
					  NOVA_CMD_WAIT_64BIT | NOVA_CMD_WAIT_EQUAL));
	CHECK_OK(nova_cmdstream_emit_wait(cs, VA + 12, 0xffffffffull, NOVA_CMD_WAIT_EQUAL));
	CHECK_OK(nova_cmdstream_emit_call(cs, VA + 0x10000, 256));
	CHECK(stream_is(cs, want, sizeof(want) / sizeof(want[0])));
	CHECK_OK(nova_cmdstream_error(cs));
	/* The opcodes are the header's, the sizes the header's operand counts. */
	CHECK(NOVA_CMD_OPCODE(want[1]) == NOVA_CMD_STORE32 && NOVA_CMD_IMM(want[1]) == 0xdeadbeef);
	CHECK(NOVA_CMD_FLAGS(want[18]) == NOVA_CMD_WAIT_FLAGS);
	nova_cmdstream_destroy(cs);
	return TEST_PASS;
}

/* One emit that breaks a rule of the header, by number; -1 past the last. */
static int bad_emit(struct nova_cmdstream *cs, unsigned int i, const char **what)
{
	switch (i) {
#define BAD(n, name, call) case n: *what = name; return call
	BAD(0, "store32 unaligned", nova_cmdstream_emit_store32(cs, VA + 2, 1));
	BAD(1, "store64 unaligned", nova_cmdstream_emit_store64(cs, VA + 4, 1));
	BAD(2, "timestamp unaligned", nova_cmdstream_emit_timestamp(cs, VA + 4));
	BAD(3, "fill unaligned", nova_cmdstream_emit_fill(cs, VA + 2, 4, 0));
	BAD(4, "fill size", nova_cmdstream_emit_fill(cs, VA, 6, 0));
	BAD(5, "wait32 unaligned", nova_cmdstream_emit_wait(cs, VA + 2, 0, 0));
	BAD(6, "wait64 unaligned", nova_cmdstream_emit_wait(cs, VA + 4, 0, NOVA_CMD_WAIT_64BIT));
	BAD(7, "wait32 wide value", nova_cmdstream_emit_wait(cs, VA, 1ull << 32, 0));
	BAD(8, "wait flag", nova_cmdstream_emit_wait(cs, VA, 0, 0x4));
	BAD(9, "call unaligned", nova_cmdstream_emit_call(cs, VA + 4, 8));
	BAD(10, "call empty", nova_cmdstream_emit_call(cs, VA, 0));
	BAD(11, "call size", nova_cmdstream_emit_call(cs, VA, 12));
	BAD(12, "raw NULL", nova_cmdstream_emit_raw(cs, NULL, 1));
#undef BAD
	}
	return -1;
}

/* Each rule of the header refused, nothing written, the stream poisoned. */
static enum test_result cs_operand_checks(void)
{
	struct nova_cmdstream *cs;
	const char *what = NULL;
	unsigned int i;
	int ret;

	CHECK_OK(nova_cmdstream_create(&cs));
	for (i = 0;; i++) {
		CHECK_OK(nova_cmdstream_reset(cs));
		CHECK_OK(nova_cmdstream_emit_nop(cs));
		ret = bad_emit(cs, i, &what);
		if (ret == -1)
			break;
		if (ret != -EINVAL)
			FAIL("%s: not refused with -EINVAL", what);
		CHECK_ERR(nova_cmdstream_error(cs), -EINVAL);
		/* Poisoned: later emits write nothing and return the error. */
		CHECK_ERR(nova_cmdstream_emit_nop(cs), -EINVAL);
		CHECK_ERR(nova_cmdstream_emit_store32(cs, VA, 1), -EINVAL);
		if (nova_cmdstream_size(cs) != 8)
			FAIL("%s: the stream changed", what);
	}
	CHECK_U64(i, ==, 13);
	CHECK_OK(nova_cmdstream_reset(cs));
	CHECK_OK(nova_cmdstream_error(cs));
	CHECK(nova_cmdstream_size(cs) == 0);
	nova_cmdstream_destroy(cs);
	return TEST_PASS;
}

static enum test_result cs_null_args(void)
{
	struct nova_cmdstream *cs = (struct nova_cmdstream *)1;

	CHECK_ERR(nova_cmdstream_create(NULL), -EINVAL);
	CHECK_ERR(nova_cmdstream_emit_nop(NULL), -EINVAL);
	CHECK_ERR(nova_cmdstream_emit_store32(NULL, VA, 0), -EINVAL);
	CHECK_ERR(nova_cmdstream_emit_store32(NULL, VA + 1, 0), -EINVAL);
	CHECK_ERR(nova_cmdstream_emit_raw(NULL, NULL, 0), -EINVAL);
	CHECK_ERR(nova_cmdstream_reset(NULL), -EINVAL);
	CHECK_ERR(nova_cmdstream_error(NULL), -EINVAL);
	CHECK(nova_cmdstream_size(NULL) == 0 && nova_cmdstream_data(NULL) == NULL);
	nova_cmdstream_destroy(NULL);
	CHECK_OK(nova_cmdstream_create(&cs));
	CHECK_OK(nova_cmdstream_emit_raw(cs, NULL, 0));	/* nothing to add */
	CHECK(nova_cmdstream_size(cs) == 0);
	nova_cmdstream_destroy(cs);
	return TEST_PASS;
}

/* Far past the first allocation: every qword where it was written. */
static enum test_result cs_growth(void)
{
	const unsigned int n = 100000;
	struct nova_cmdstream *cs;
	const uint64_t *q;
	uint64_t raw[3];
	unsigned int i;

	CHECK_OK(nova_cmdstream_create(&cs));
	for (i = 0; i < n; i++)
		CHECK_OK(nova_cmdstream_emit_store64(cs, VA + 8 * (uint64_t)i, i));
	raw[0] = header(0x7f, 0, 0);	/* an opcode the engine does not know */
	raw[1] = 1;
	raw[2] = 2;
	CHECK_OK(nova_cmdstream_emit_raw(cs, raw, 3));
	CHECK_U64(nova_cmdstream_size(cs), ==, (3ull * n + 3) * 8);
	q = nova_cmdstream_data(cs);
	for (i = 0; i < n; i++) {
		if (q[3 * i] != header(0x02, 0, 0) || q[3 * i + 1] != VA + 8ull * i ||
		    q[3 * i + 2] != i)
			FAIL("command %u is not the STORE64 that was emitted", i);
	}
	CHECK(memcmp(q + 3 * n, raw, sizeof(raw)) == 0);
	nova_cmdstream_destroy(cs);
	return TEST_PASS;
}

const struct test_case host_tests[] = {
	{ "cs_encodings", cs_encodings, 0 },
	{ "cs_operand_checks", cs_operand_checks, 0 },
	{ "cs_null_args", cs_null_args, 0 },
	{ "cs_growth", cs_growth, 0 },
	{ NULL, NULL, 0 },
};

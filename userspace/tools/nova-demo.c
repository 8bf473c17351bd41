// SPDX-License-Identifier: MIT
/*
 * nova-demo - the smallest complete nova client, step by step.
 *
 * It opens the first nova device, creates a buffer object, fills it through
 * one CPU mapping, drops that mapping, maps the object afresh and checks that
 * the data survived: the data lives in the object, not in a mapping.
 *
 * Then it plays a userspace driver preparing work for the GPU, the way a
 * Mesa driver uses its winsys: it allocates a GPU VA range from the VA heap,
 * creates a vertex, an index and a command buffer, writes them through
 * their CPU mappings (the command buffer refers to the others by their GPU
 * addresses, as a real one would), binds all three in one atomic VM_BIND
 * batch, shares one of them through PRIME and imports it back (the same
 * object), and tears everything down, the buffers going to the buffer
 * cache.
 *
 * Finally the GPU executes (uAPI version 4): a queue, a command stream that
 * FILLs a buffer, COPYs it to a second one, STORE32s a semaphore and
 * TIMESTAMPs, submitted with a signal on a timeline syncobj point that the
 * CPU waits on before it checks every word (a wrong one fails the run);
 * then a job that writes to an unmapped address, whose fault is shown as
 * the fence's error and QUEUE_GET_STATE report it. Each step is printed in
 * plain words so that the output explains itself.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nova/nova.h>

#include "cli.h"
#include "nova_drm.h"	/* the uAPI; installed as <nova/nova_drm.h> */

#define DEFAULT_SIZE (1ull << 20)

static const char *prog;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [--size N] [--no-driver] [--help]\n"
		"\n"
		"Create a nova buffer object, write a pattern through one CPU mapping,\n"
		"read it back through a second, fresh mapping and check it. Then play a\n"
		"userspace driver: allocate a GPU VA range, create and fill a vertex, an\n"
		"index and a command buffer, bind them in one VM_BIND batch, share one\n"
		"through PRIME, and tear it all down, printing each step. Then execute\n"
		"on the GPU (uAPI 4): FILL, COPY, STORE32 and TIMESTAMP in one job, waited\n"
		"for on a timeline syncobj point and checked word by word, and a job that\n"
		"faults on an unmapped address, with the fault the kernel reports.\n"
		"\n"
		"  --size N      buffer size in bytes, with an optional K, M or G suffix\n"
		"                (powers of 1024); default 1M\n"
		"  --no-driver   only the buffer round trip (no driver, no GPU part)\n"
		"  --help        show this help\n"
		"\n"
		"Exit status: 0 when every step succeeded and the data (the GPU's\n"
		"too) matched and the fault was reported as documented, 1\n"
		"otherwise, 2 on a usage error.\n",
		prog);
}

/* Report a failed step and make main() exit non-zero. */
static int fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s failed: %s\n", prog, what, strerror(-err));
	return 1;
}

/*
 * A pattern in which every 64-bit word differs from its neighbours and from
 * zero, so that a lost write, a shifted page or a zero page all show up.
 */
static uint64_t pattern(uint64_t word)
{
	return (word + 1) * 0x9e3779b97f4a7c15ull;
}

static uint64_t count_nonzero(const uint64_t *p, uint64_t words)
{
	uint64_t i, n = 0;

	for (i = 0; i < words; i++)
		n += p[i] != 0;
	return n;
}

static void write_pattern(uint64_t *p, uint64_t words)
{
	uint64_t i;

	for (i = 0; i < words; i++)
		p[i] = pattern(i);
}

static uint64_t check_pattern(const uint64_t *p, uint64_t words)
{
	uint64_t i, bad = 0;

	for (i = 0; i < words; i++) {
		if (p[i] == pattern(i))
			continue;
		if (!bad)
			fprintf(stderr,
				"%s: first mismatch at byte offset %" PRIu64
				": read 0x%016" PRIx64 ", expected 0x%016" PRIx64 "\n",
				prog, i * 8, p[i], pattern(i));
		bad++;
	}
	return bad;
}

static int run(struct nova_device *dev, uint64_t size)
{
	uint64_t words, bad, nonzero, info_size, page_size = 0;
	struct nova_bo *bo;
	void *map;
	int ret, status = 1;

	nova_device_get_param(dev, NOVA_GETPARAM_PAGE_SIZE, &page_size);

	ret = nova_bo_create(dev, size, &bo);
	if (ret)
		return fail("creating the buffer object (GEM_CREATE)", ret);
	printf("2. Created buffer object: handle %" PRIu32 ", %" PRIu64
	       " bytes requested, %" PRIu64 " bytes allocated (rounded up to the %"
	       PRIu64 "-byte page size).\n",
	       nova_bo_handle(bo), size, nova_bo_size(bo), page_size);

	/* Objects are page multiples, so the size is a whole number of words. */
	words = nova_bo_size(bo) / sizeof(uint64_t);

	ret = nova_bo_map(bo, &map);
	if (ret) {
		fail("mapping the buffer (GEM_MMAP_OFFSET + mmap)", ret);
		goto out;
	}
	printf("3. Mapped it for the CPU at %p.\n", map);

	nonzero = count_nonzero(map, words);
	printf("4. Checked that a new buffer reads as zeros: %" PRIu64
	       " of %" PRIu64 " words are non-zero.\n", nonzero, words);
	if (nonzero) {
		fprintf(stderr, "%s: a new buffer object must be zero-filled\n", prog);
		goto out;
	}

	write_pattern(map, words);
	printf("5. Wrote a pattern of %" PRIu64 " 64-bit words (%" PRIu64
	       " bytes) through that mapping.\n", words, nova_bo_size(bo));

	ret = nova_bo_unmap(bo);
	if (ret) {
		fail("unmapping the buffer", ret);
		goto out;
	}
	printf("6. Unmapped it: the CPU no longer sees the buffer.\n");

	ret = nova_bo_map(bo, &map);
	if (ret) {
		fail("mapping the buffer again", ret);
		goto out;
	}
	printf("7. Mapped it again with a new mmap offset and a new mapping, at %p.\n",
	       map);

	bad = check_pattern(map, words);
	if (bad) {
		printf("8. Read the pattern back: %" PRIu64 " of %" PRIu64
		       " words are WRONG.\n", bad, words);
		goto out;
	}
	printf("8. Read the pattern back: all %" PRIu64 " words match.\n", words);

	ret = nova_bo_query_size(dev, nova_bo_handle(bo), &info_size);
	if (ret) {
		fail("querying the size (GEM_INFO)", ret);
		goto out;
	}
	printf("9. Asked the kernel for the object's size (GEM_INFO): %" PRIu64
	       " bytes, %s.\n", info_size,
	       info_size == nova_bo_size(bo) ? "as expected" : "WRONG");
	if (info_size != nova_bo_size(bo))
		goto out;

	status = 0;
out:
	nova_bo_destroy(bo);
	return status;
}

/* --- playing a userspace driver ---------------------------------------------- */

struct demo_buffer {
	const char *name;
	uint64_t size;
	struct nova_bo *bo;
	void *map;
	uint64_t va;
};

/* Command words of a made-up GPU: opcode, then operands. */
#define CMD_SET_VERTEX_BUFFER	0x10
#define CMD_SET_INDEX_BUFFER	0x11
#define CMD_DRAW_INDEXED	0x20
#define CMD_END			0xff

static int fill_buffers(struct demo_buffer *vtx, struct demo_buffer *idx,
			struct demo_buffer *cmd)
{
	static const float triangle[] = { -0.5f, -0.5f, 0.0f, 0.5f, -0.5f, 0.0f,
					  0.0f, 0.5f, 0.0f };
	static const uint16_t indices[] = { 0, 1, 2 };
	uint64_t *words = cmd->map;
	unsigned int n = 0;

	memcpy(vtx->map, triangle, sizeof(triangle));
	memcpy(idx->map, indices, sizeof(indices));
	/* The command stream names the other buffers by GPU address. */
	words[n++] = CMD_SET_VERTEX_BUFFER;
	words[n++] = vtx->va;
	words[n++] = CMD_SET_INDEX_BUFFER;
	words[n++] = idx->va;
	words[n++] = CMD_DRAW_INDEXED;
	words[n++] = 3;
	words[n++] = CMD_END;
	return (int)n;
}

static int play_driver(struct nova_device *dev)
{
	struct demo_buffer bufs[] = {
		{ .name = "vertex buffer", .size = 64 << 10 },
		{ .name = "index buffer", .size = 16 << 10 },
		{ .name = "command buffer", .size = 4 << 10 },
	};
	const unsigned int count = sizeof(bufs) / sizeof(bufs[0]);
	struct nova_bo_cache_stats cache = { .struct_size = sizeof(cache) };
	uint64_t base, total = 0, align, *words, cached_before, hits_before, reused;
	struct nova_vm_bind_batch *batch;
	struct nova_bo *imported;
	unsigned int i, step = 10;
	struct nova_vm *vm;
	int ret, fd, nwords, status = 1;

	nova_device_bo_cache_stats(dev, &cache);
	cached_before = cache.cached_objects;
	hits_before = cache.hits;

	ret = nova_device_get_vm(dev, &vm);
	if (ret == -EOPNOTSUPP) {
		printf("%u. The driver has no VM_BIND (uAPI version %" PRIu64
		       "): skipping the userspace driver part.\n", step,
		       nova_device_uapi_version(dev));
		return 0;
	}
	if (ret)
		return fail("getting the GPU VA space", ret);
	align = nova_vm_va_alignment(vm);
	printf("%u. Got the GPU VA space: [0x%" PRIx64 ", 0x%" PRIx64 "), %" PRIu64
	       "-byte alignment, up to %" PRIu32 " operations per VM_BIND.\n", step++,
	       nova_vm_va_start(vm), nova_vm_va_start(vm) + nova_vm_va_size(vm), align,
	       nova_vm_max_ops(vm));

	for (i = 0; i < count; i++)
		total += (bufs[i].size + align - 1) & ~(align - 1);
	ret = nova_vm_va_alloc(vm, total, 0, &base);
	if (ret)
		return fail("allocating a GPU VA range", ret);
	printf("%u. Allocated %" PRIu64 " bytes of GPU addresses from the VA heap at 0x%"
	       PRIx64 ".\n", step++, total, base);

	for (i = 0; i < count; i++) {
		ret = nova_bo_create(dev, bufs[i].size, &bufs[i].bo);
		if (!ret)
			ret = nova_bo_map(bufs[i].bo, &bufs[i].map);
		if (ret) {
			fail("creating and mapping a buffer", ret);
			goto out;
		}
		bufs[i].va = i ? bufs[i - 1].va + ((bufs[i - 1].size + align - 1) & ~(align - 1))
			       : base;
	}
	printf("%u. Created and CPU-mapped %u buffers.\n", step++, count);

	nwords = fill_buffers(&bufs[0], &bufs[1], &bufs[2]);
	printf("%u. Wrote a triangle (3 vertices), its 3 indices and a %d-word command\n"
	       "    stream that points at the other two by GPU address.\n", step++, nwords);

	ret = nova_vm_bind_begin(vm, &batch);
	for (i = 0; !ret && i < count; i++)
		ret = nova_vm_bind_add_map(batch, bufs[i].bo, 0, bufs[i].va,
					   nova_bo_size(bufs[i].bo), 0);
	if (!ret)
		ret = nova_vm_bind_submit(batch);
	else if (batch)
		nova_vm_bind_abort(batch);
	if (ret) {
		fail("binding the buffers (VM_BIND)", ret);
		goto out;
	}
	printf("%u. Bound all %u in one atomic VM_BIND batch:\n", step++, count);
	for (i = 0; i < count; i++)
		printf("      %-15s handle %-3" PRIu32 " %6" PRIu64 " bytes at GPU VA 0x%"
		       PRIx64 "-0x%" PRIx64 "\n", bufs[i].name, nova_bo_handle(bufs[i].bo),
		       nova_bo_size(bufs[i].bo), bufs[i].va,
		       bufs[i].va + nova_bo_size(bufs[i].bo));

	words = bufs[2].map;
	if (words[1] != bufs[0].va || words[3] != bufs[1].va) {
		fprintf(stderr, "%s: the command buffer lost its addresses\n", prog);
		goto unbind;
	}
	printf("%u. Read the command stream back: SET_VERTEX_BUFFER 0x%" PRIx64
	       ", SET_INDEX_BUFFER 0x%" PRIx64 ", DRAW_INDEXED %" PRIu64 ".\n", step++,
	       words[1], words[3], words[5]);

	ret = nova_bo_export(bufs[0].bo, &fd);
	if (!ret) {
		ret = nova_bo_import(dev, fd, &imported);
		close(fd);
	}
	if (ret) {
		fail("sharing the vertex buffer through PRIME", ret);
		goto unbind;
	}
	printf("%u. Exported the vertex buffer as a dma-buf and imported it back: %s.\n",
	       step++, imported == bufs[0].bo ? "the same object, one more reference"
					      : "ANOTHER object (wrong)");
	nova_bo_unref(imported);
	if (imported != bufs[0].bo)
		goto unbind;
	status = 0;

unbind:
	ret = nova_vm_unmap(vm, base, total);
	if (ret) {
		fail("unbinding", ret);
		status = 1;
	} else {
		printf("%u. Unbound the whole range in one VM_BIND.\n", step++);
	}
out:
	for (i = 0; i < count; i++)
		nova_bo_unref(bufs[i].bo);
	nova_vm_va_free(vm, base, total);
	nova_device_bo_cache_stats(dev, &cache);
	reused = cache.hits - hits_before;
	printf("%u. Released the buffers and the VA range. %" PRIu64 " of the %u came from the\n"
	       "    buffer cache (a reused handle); being GPU-mapped (and one shared), none went\n"
	       "    back to it: it holds %" PRIu64 " object(s), %" PRIu64 " bytes.\n",
	       step, reused, count, cache.cached_objects, cache.cached_bytes);
	if (cache.cached_objects != cached_before - reused) {
		fprintf(stderr, "%s: the buffer cache kept a GPU-mapped buffer\n", prog);
		status = 1;
	}
	return status;
}

/*
 * The GPU at work (uAPI version 4): one job FILLs a source buffer, COPYs
 * it to a destination, STORE32s a semaphore and TIMESTAMPs, signalling a
 * timeline point that the CPU waits on before it checks every byte; then a
 * job that writes to an unmapped address, and the fault as the kernel
 * reports it.
 */
#define GPU_PATTERN	0x5eed1234u
#define GPU_SEMAPHORE	0x600dcafeu

struct gpu_buffer {
	const char *name;
	struct nova_bo *bo;
	uint64_t va;
	uint64_t size;
	void *map;
};

static uint64_t now_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Create, CPU-map and GPU-map @b at a VA from the heap. */
static int gpu_buffer_init(struct nova_vm *vm, struct gpu_buffer *b)
{
	struct nova_device *dev = nova_vm_device(vm);
	int ret;

	ret = nova_bo_create(dev, b->size, &b->bo);
	if (ret)
		return fail("creating a buffer for the GPU", ret);
	b->size = nova_bo_size(b->bo);
	ret = nova_bo_map(b->bo, &b->map);
	if (!ret)
		ret = nova_vm_va_alloc(vm, b->size, 0, &b->va);
	if (!ret)
		ret = nova_vm_map(vm, b->bo, 0, b->va, b->size, 0);
	if (ret)
		return fail("mapping a buffer for the GPU", ret);
	return 0;
}

static void gpu_buffer_fini(struct nova_vm *vm, struct gpu_buffer *b)
{
	if (!b->bo)
		return;
	if (b->va) {
		nova_vm_unmap(vm, b->va, b->size);
		nova_vm_va_free(vm, b->va, b->size);
	}
	nova_bo_unref(b->bo);
}

/* Every 32-bit word of @b is @value: the count of those that are not. */
static uint64_t count_not(const struct gpu_buffer *b, uint32_t value)
{
	const volatile uint32_t *p = b->map;
	uint64_t i, bad = 0;

	for (i = 0; i < b->size / 4; i++) {
		if (p[i] != value) {
			if (bad < 4)
				fprintf(stderr, "%s: %s at 0x%" PRIx64 ": 0x%08" PRIx32
					", expected 0x%08" PRIx32 "\n", prog, b->name, i * 4,
					p[i], value);
			bad++;
		}
	}
	return bad;
}

/* The faulting job: a STORE32 into a VA range that nothing maps. */
static int gpu_fault(struct nova_device *dev, struct nova_vm *vm, unsigned int *step)
{
	struct nova_queue_state st = { .struct_size = sizeof(st) };
	struct nova_cmdstream *cs = NULL;
	struct nova_cmdbuf *cb = NULL;
	struct nova_queue *q = NULL;
	struct nova_exec_cmdbuf cmd;
	struct nova_sync_point signal = { 0 };
	uint64_t hole = 0, align = nova_vm_va_alignment(vm), seqno = 0;
	int ret, fence = 0, status = 1;

	ret = nova_vm_va_alloc(vm, align, 0, &hole);
	if (ret)
		return fail("allocating an unmapped VA range", ret);
	ret = nova_queue_create(dev, NOVA_QUEUE_PRIORITY_NORMAL, &q);
	if (!ret)
		ret = nova_syncobj_create(dev, 0, &signal.syncobj);
	if (!ret)
		ret = nova_cmdstream_create(&cs);
	if (!ret)
		ret = nova_cmdstream_emit_store32(cs, hole + 16, 0xbad);
	if (!ret)
		ret = nova_cmdstream_upload(cs, dev, &cb);
	if (ret) {
		fail("preparing the faulting job", ret);
		goto out;
	}
	cmd.va = nova_cmdbuf_va(cb);
	cmd.size = nova_cmdbuf_size(cb);
	ret = nova_queue_exec(q, &cmd, 1, NULL, 0, &signal, 1, &seqno);
	if (ret) {
		fail("submitting the faulting job", ret);
		goto out;
	}
	printf("%u. Submitted a job to queue %" PRIu32 " that STORE32s to 0x%" PRIx64
	       ", which nothing maps.\n", (*step)++, nova_queue_id(q), hole + 16);

	ret = nova_syncobj_wait(dev, &signal.syncobj, 1, 10ll * 1000000000, 0, NULL);
	if (!ret)
		ret = nova_syncobj_fence_status(dev, signal.syncobj, 0, &fence);
	if (!ret)
		ret = nova_queue_get_state(q, &st);
	if (ret) {
		fail("waiting for the faulting job", ret);
		goto out;
	}
	printf("%u. Its fence signalled with %s (%d); QUEUE_GET_STATE: state %s, fault %s,\n"
	       "    access %s, va 0x%" PRIx64 ", job %" PRIu64 " of %" PRIu64 ".\n",
	       (*step)++, fence < 0 ? strerror(-fence) : "no error", fence,
	       st.state == NOVA_QUEUE_STATE_LOST ? "LOST" : "ACTIVE",
	       nova_fault_name(st.fault_type) ? nova_fault_name(st.fault_type) : "?",
	       st.fault_access == NOVA_ACCESS_WRITE ? "WRITE" :
	       st.fault_access == NOVA_ACCESS_READ ? "READ" :
	       st.fault_access == NOVA_ACCESS_EXEC ? "EXEC" : "NONE",
	       st.fault_va, st.fault_seqno, st.submitted);
	if (fence != -EFAULT || st.state != NOVA_QUEUE_STATE_LOST ||
	    st.fault_type != NOVA_FAULT_UNMAPPED || st.fault_access != NOVA_ACCESS_WRITE ||
	    st.fault_va != hole + 16 || st.fault_seqno != seqno) {
		fprintf(stderr, "%s: the fault was not reported as documented: expected fence "
			"-EFAULT, LOST, UNMAPPED, WRITE at 0x%" PRIx64 ", job %" PRIu64 "\n",
			prog, hole + 16, seqno);
		goto out;
	}
	ret = nova_queue_exec(q, NULL, 0, NULL, 0, NULL, 0, NULL);
	printf("%u. The queue is lost: a further EXEC fails with %s.\n", (*step)++,
	       ret ? strerror(-ret) : "success (!)");
	if (ret != -EIO) {
		fprintf(stderr, "%s: EXEC on a lost queue returned %d, expected -EIO\n", prog, ret);
		goto out;
	}
	printf("    GPU fault reported: UNMAPPED WRITE at the faulting address, fence -EFAULT.\n");
	status = 0;
out:
	nova_cmdbuf_destroy(cb);
	nova_cmdstream_destroy(cs);
	if (signal.syncobj)
		nova_syncobj_destroy(dev, signal.syncobj);
	nova_queue_unref(q);
	nova_vm_va_free(vm, hole, align);
	return status;
}

static int run_gpu(struct nova_device *dev, uint64_t size)
{
	struct gpu_buffer src = { .name = "source", .size = size };
	struct gpu_buffer dst = { .name = "destination", .size = size };
	struct gpu_buffer sem = { .name = "semaphore page", .size = 4096 };
	struct nova_sync_point signal = { 0 };
	struct nova_cmdstream *cs = NULL;
	struct nova_cmdbuf *cb = NULL;
	struct nova_queue *q = NULL;
	struct nova_exec_cmdbuf cmd;
	uint64_t seqno = 0, before, after, ts, bad, point = 1;
	volatile uint32_t *sem32;
	unsigned int step = 20;
	struct nova_vm *vm;
	int ret, status = 1;

	if (nova_device_uapi_version(dev) < 4) {
		printf("20. The driver's uAPI version is %" PRIu64 ": no queues (EXEC needs 4);"
		       " the GPU part is skipped.\n", nova_device_uapi_version(dev));
		return 0;
	}
	ret = nova_device_get_vm(dev, &vm);
	if (ret)
		return fail("getting the VA space", ret);
	if (gpu_buffer_init(vm, &src) || gpu_buffer_init(vm, &dst) || gpu_buffer_init(vm, &sem))
		goto out;
	sem32 = sem.map;
	memset(dst.map, 0, dst.size);
	printf("%u. Created and GPU-mapped a %" PRIu64 "-byte source at 0x%" PRIx64
	       ", a destination at 0x%" PRIx64 " and a semaphore page at 0x%" PRIx64 ".\n",
	       step++, src.size, src.va, dst.va, sem.va);

	ret = nova_queue_create(dev, NOVA_QUEUE_PRIORITY_NORMAL, &q);
	if (!ret)
		ret = nova_syncobj_create(dev, 0, &signal.syncobj);
	if (ret) {
		fail("creating a queue and a timeline syncobj", ret);
		goto out;
	}
	signal.point = point;

	ret = nova_cmdstream_create(&cs);
	if (!ret)
		ret = nova_cmdstream_emit_fill(cs, src.va, src.size, GPU_PATTERN);
	if (!ret)
		ret = nova_cmdstream_emit_copy(cs, dst.va, src.va, src.size);
	if (!ret)
		ret = nova_cmdstream_emit_store32(cs, sem.va, GPU_SEMAPHORE);
	if (!ret)
		ret = nova_cmdstream_emit_timestamp(cs, sem.va + 8);
	if (!ret)
		ret = nova_cmdstream_upload(cs, dev, &cb);
	if (ret) {
		fail("building the command stream", ret);
		goto out;
	}
	printf("%u. Created queue %" PRIu32 " and built a %" PRIu64 "-byte command stream at"
	       " 0x%" PRIx64 " (read-only):\n"
	       "    FILL the source with 0x%08x, COPY it to the destination, STORE32 0x%08x\n"
	       "    to the semaphore, TIMESTAMP next to it.\n",
	       step++, nova_queue_id(q), nova_cmdbuf_size(cb), nova_cmdbuf_va(cb),
	       GPU_PATTERN, GPU_SEMAPHORE);

	cmd.va = nova_cmdbuf_va(cb);
	cmd.size = nova_cmdbuf_size(cb);
	before = now_raw_ns();
	ret = nova_queue_exec(q, &cmd, 1, NULL, 0, &signal, 1, &seqno);
	if (ret) {
		fail("submitting the job (EXEC)", ret);
		goto out;
	}
	ret = nova_syncobj_timeline_wait(dev, &signal.syncobj, &point, 1, 10ll * 1000000000,
					 0, NULL);
	after = now_raw_ns();
	if (ret) {
		fail("waiting for the timeline point", ret);
		goto out;
	}
	ret = nova_queue_wait(q, seqno, 0);
	printf("%u. Submitted it as job %" PRIu64 ", signalling point %" PRIu64 " of timeline"
	       " syncobj %" PRIu32 ";\n    the point signalled after %.3f ms; the job ended"
	       " with %s.\n", step++, seqno, point, signal.syncobj,
	       (double)(after - before) / 1e6, ret ? strerror(-ret) : "no error");
	if (ret) {
		fail("the job", ret);
		goto out;
	}

	bad = count_not(&src, GPU_PATTERN) + count_not(&dst, GPU_PATTERN);
	ts = *(volatile uint64_t *)(sem32 + 2);
	printf("%u. Read back with the CPU: source and destination %s 0x%08x in all %" PRIu64
	       " words,\n    semaphore 0x%08" PRIx32 ", timestamp %" PRIu64 " ns (the CPU's"
	       " clock: %" PRIu64 "-%" PRIu64 ").\n", step++, bad ? "do NOT hold" : "hold",
	       GPU_PATTERN, 2 * src.size / 4, sem32[0], ts, before, after);
	if (bad || sem32[0] != GPU_SEMAPHORE || ts < before || ts > after) {
		fprintf(stderr, "%s: the GPU-written data is wrong: %" PRIu64 " bad words, "
			"semaphore 0x%08" PRIx32 ", timestamp %s\n", prog, bad, sem32[0],
			ts < before || ts > after ? "outside the job's time" : "ok");
		goto out;
	}
	printf("    GPU result verified: FILL, COPY, STORE32 and TIMESTAMP.\n");

	status = gpu_fault(dev, vm, &step);
out:
	nova_cmdbuf_destroy(cb);
	nova_cmdstream_destroy(cs);
	if (signal.syncobj)
		nova_syncobj_destroy(dev, signal.syncobj);
	nova_queue_unref(q);
	gpu_buffer_fini(vm, &sem);
	gpu_buffer_fini(vm, &dst);
	gpu_buffer_fini(vm, &src);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "size", required_argument, NULL, 's' },
		{ "no-driver", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t size = DEFAULT_SIZE;
	struct nova_device *dev;
	int major = 0, minor = 0, patch = 0;
	int opt, status, driver = 1;

	prog = argv[0];
	while ((opt = getopt_long(argc, argv, "s:h", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (cli_parse_size(optarg, &size)) {
				fprintf(stderr, "%s: invalid size '%s'\n", prog, optarg);
				return 2;
			}
			break;
		case 'n':
			driver = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(stderr);
		return 2;
	}

	if (cli_open_nova(prog, &dev))
		return 1;

	nova_device_driver_version(dev, &major, &minor, &patch);
	printf("1. Opened %s: driver %s %d.%d.%d (%s).\n",
	       nova_device_node_path(dev) ? nova_device_node_path(dev) : "the nova device",
	       nova_device_driver_name(dev), major, minor, patch,
	       nova_device_driver_desc(dev));

	status = run(dev, size);
	if (!status)
		printf("   The data written through the first mapping was read back intact"
		       " through the second.\n");
	if (!status && driver)
		status = play_driver(dev);
	if (!status && driver)
		status = run_gpu(dev, size);
	nova_device_close(dev);

	printf("%s\n", status ? "FAILED." : "Done.");
	return status;
}

// SPDX-License-Identifier: MIT
//
// nova-cxx-test - <nova/nova.hpp> compiled with warnings as errors against
// the installed-style include path, then run in the guest against nova.ko:
// the RAII types must release what they own (the device's object count in
// the buffer cache statistics and the kernel's handles tell), copies of a
// Bo must share one reference-counted nova_bo, and PRIME import of an
// exported Bo must give back the same object.
//
// Output: "ok NAME" / "FAIL NAME: reason" lines, then
// "nova.hpp: N passed, N failed". Exit status 0 when nothing failed.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <nova/nova.hpp>

namespace {

int g_passed, g_failed;

#define EXPECT(cond)                                                            \
	do {                                                                    \
		if (!(cond)) {                                                  \
			std::printf("FAIL %s: line %d: %s\n", name, __LINE__, #cond); \
			g_failed++;                                             \
			return;                                                 \
		}                                                               \
	} while (0)

void pass(const char *name)
{
	std::printf("ok %s\n", name);
	g_passed++;
}

void device_and_bo()
{
	const char *name = "cxx_device_and_bo";
	nova::Device dev;
	EXPECT(nova::Device::open(dev) == 0 && dev);
	EXPECT(std::strcmp(dev.driver_name(), "nova") == 0);
	EXPECT(dev.set_bo_cache(false) == 0);

	std::uint32_t handle;
	{
		nova::Bo bo;
		EXPECT(nova::Bo::create(dev, 4096, bo) == 0 && bo);
		handle = bo.handle();
		nova::Bo copy = bo; // a second reference
		nova::Bo moved = std::move(copy);
		EXPECT(!copy && moved == bo);
		void *p = nullptr;
		EXPECT(moved.map(p) == 0 && p);
		std::memset(p, 0x42, 4096);
		std::uint64_t size = 0;
		EXPECT(nova_bo_query_size(dev.get(), handle, &size) == 0 && size == 4096);
	}
	// Both references gone: the handle is closed.
	std::uint64_t size = 0;
	EXPECT(nova_bo_query_size(dev.get(), handle, &size) == -ENOENT);

	nova::Bo none;
	EXPECT(nova::Bo::create(dev, 0, none) == -EINVAL && !none);
	pass(name);
}

void prime()
{
	const char *name = "cxx_prime";
	nova::Device dev;
	EXPECT(nova::Device::open(dev) == 0);
	nova::Bo bo;
	EXPECT(nova::Bo::create(dev, 8192, bo) == 0);
	nova::Fd fd;
	EXPECT(bo.export_fd(fd) == 0 && fd);
	nova::Bo again;
	EXPECT(nova::Bo::import(dev, fd.get(), again) == 0 && again == bo);
	nova::Bo bad;
	EXPECT(nova::Bo::import(dev, -1, bad) == -EBADF && !bad);
	pass(name);
}

void cache()
{
	const char *name = "cxx_cache";
	nova::Device dev;
	EXPECT(nova::Device::open(dev) == 0);
	EXPECT(dev.set_bo_cache(true) == 0);
	std::uint32_t handle;
	{
		nova::Bo bo;
		EXPECT(nova::Bo::create(dev, 12288, bo) == 0);
		handle = bo.handle();
	}
	nova_bo_cache_stats stats{};
	EXPECT(dev.bo_cache_stats(stats) == 0 && stats.cached_objects == 1);
	nova::Bo bo;
	EXPECT(nova::Bo::create(dev, 12288, bo) == 0 && bo.handle() == handle);
	EXPECT(dev.trim_bo_cache() == 0);
	pass(name);
}

void vm()
{
	const char *name = "cxx_vm";
	nova::Device dev;
	EXPECT(nova::Device::open(dev) == 0);
	nova::Vm vm;
	int ret = nova::Vm::of(dev, vm);
	if (ret == -EOPNOTSUPP) {
		std::printf("skip %s: no VM_BIND\n", name);
		return;
	}
	EXPECT(ret == 0 && vm);
	nova::Bo bo;
	EXPECT(nova::Bo::create(dev, 2 * vm.va_alignment(), bo) == 0);
	std::uint64_t va;
	{
		nova::VaRange range;
		EXPECT(nova::VaRange::alloc(vm, bo.size(), 0, range) == 0 && range);
		va = range.va();
		nova::BindBatch batch;
		EXPECT(nova::BindBatch::begin(vm, batch) == 0);
		EXPECT(batch.add_map(bo, 0, range.va(), bo.size()) == 0);
		EXPECT(batch.add_unmap(range.va(), bo.size()) == 0);
		EXPECT(batch.count() == 2);
		EXPECT(batch.submit() == 0 && !batch);
		EXPECT(vm.map(bo, 0, range.va(), bo.size()) == 0);
		EXPECT(vm.unmap(range.va(), bo.size()) == 0);
	}
	// The range went back to the heap: the same address is free again.
	nova::VaRange again;
	EXPECT(nova::VaRange::alloc_addr(vm, va, bo.size(), again) == 0);
	{
		// An unsubmitted batch is aborted by its destructor.
		nova::BindBatch batch;
		EXPECT(nova::BindBatch::begin(vm, batch) == 0);
		EXPECT(batch.add_map(bo, 0, va, bo.size()) == 0);
	}
	pass(name);
}

// A queue, a timeline syncobj and an uploaded stream that STOREs into a
// buffer: the wrappers release them all, and the GPU wrote the value.
void queue()
{
	const char *name = "cxx_queue";
	nova::Device dev;
	EXPECT(nova::Device::open(dev) == 0);
	if (dev.uapi_version() < 4) {
		std::printf("skip %s: uAPI version below 4 (no queues)\n", name);
		return;
	}
	nova::Vm vm;
	EXPECT(nova::Vm::of(dev, vm) == 0);
	nova::Bo bo;
	EXPECT(nova::Bo::create(dev, vm.va_alignment(), bo) == 0);
	nova::VaRange range;
	EXPECT(nova::VaRange::alloc(vm, bo.size(), 0, range) == 0);
	EXPECT(vm.map(bo, 0, range.va(), bo.size()) == 0);
	void *p = nullptr;
	EXPECT(bo.map(p) == 0);
	{
		nova::Queue q;
		EXPECT(nova::Queue::create(dev, 1 /* NORMAL */, q) == 0 && q && q.id() != 0);
		nova::Queue copy = q; // a second reference to the same queue
		EXPECT(copy.id() == q.id());
		nova::Syncobj timeline;
		EXPECT(nova::Syncobj::create(dev, 0, timeline) == 0 && timeline);
		nova::CmdStream cs;
		EXPECT(nova::CmdStream::create(cs) == 0);
		EXPECT(cs.store32(range.va(), 0x600dcafe) == 0 && cs.size() == 16);
		EXPECT(cs.store32(range.va() + 2, 1) == -EINVAL && cs.error() == -EINVAL);
		EXPECT(cs.reset() == 0 && cs.error() == 0);
		EXPECT(cs.store32(range.va(), 0x600dcafe) == 0);
		nova::CmdBuf cb;
		EXPECT(cs.upload(dev, cb) == 0 && cb);
		nova_exec_cmdbuf cmd = cb.exec_cmdbuf();
		nova_sync_point signal = timeline.at(1);
		std::uint64_t seqno = 0;
		EXPECT(copy.exec(&cmd, 1, nullptr, 0, &signal, 1, &seqno) == 0 && seqno == 1);
		EXPECT(timeline.wait_point(1, 10000000000ll) == 0);
		EXPECT(q.wait(seqno) == 0);
		EXPECT(*static_cast<volatile std::uint32_t *>(p) == 0x600dcafe);
		nova_queue_state st;
		EXPECT(q.state(st) == 0 && st.completed == 1 && st.fault_type == 0);
		std::uint64_t last = 0;
		EXPECT(timeline.query(last) == 0 && last == 1);
	}
	EXPECT(vm.unmap(range.va(), bo.size()) == 0);
	pass(name);
}

// The NOVA_0.5 additions: an asynchronous batch that waits for a job and
// signals a syncobj, and a VA range freed after that signal.
void async_bind()
{
	const char *name = "cxx_async_bind";
	nova::Device dev;

	EXPECT(nova::Device::open(dev) == 0);
	if (dev.uapi_version() < 5) {
		std::printf("skip %s: uAPI version below 5 (no asynchronous VM_BIND)\n", name);
		return;
	}
	nova::Vm vm;
	EXPECT(nova::Vm::of(dev, vm) == 0);
	nova::Bo bo;
	EXPECT(nova::Bo::create(dev, vm.va_alignment(), bo) == 0);
	nova::VaRange range;
	EXPECT(nova::VaRange::alloc(vm, bo.size(), 0, range) == 0);
	const std::uint64_t va = range.va();
	nova::Queue q;
	EXPECT(nova::Queue::create(dev, 1 /* NORMAL */, q) == 0);
	std::uint64_t seqno = 0;
	EXPECT(q.exec(nullptr, 0, nullptr, 0, nullptr, 0, &seqno) == 0 && seqno == 1);
	nova::Syncobj done;
	EXPECT(nova::Syncobj::create(dev, 0, done) == 0);

	nova::BindBatch batch;
	EXPECT(nova::BindBatch::begin(vm, batch) == 0);
	EXPECT(batch.add_map(bo, 0, va, bo.size()) == 0);
	EXPECT(batch.add_wait(q.at(seqno)) == 0);
	EXPECT(batch.add_signal(done.at()) == 0);
	std::uint32_t failed = 0;
	EXPECT(batch.submit_ex(1 /* NOVA_VM_BIND_ASYNC */, &failed) == 0 && !batch);
	EXPECT(failed == 0xffffffffu);
	EXPECT(done.wait(10000000000ll) == 0);
	int status = 0;
	EXPECT(done.fence_status(0, status) == 0 && status == 1);

	// A bad operation is named by its index.
	EXPECT(nova::BindBatch::begin(vm, batch) == 0);
	EXPECT(batch.add_unmap(va, bo.size()) == 0);
	EXPECT(batch.add_unmap(va + 1, bo.size()) == 0);
	EXPECT(batch.submit_ex(0, &failed) == -EINVAL && failed == 1);

	EXPECT(range.free_after(done.at()) == 0 && !range);
	EXPECT(vm.va_reclaim(0) == 0);
	nova::VaRange again;
	EXPECT(nova::VaRange::alloc_addr(vm, va, bo.size(), again) == 0);
	pass(name);
}

} // namespace

int main(int argc, char **argv)
{
	if (argc > 1) {
		std::printf("Usage: %s\nRuns the nova.hpp cases against the first nova device.\n",
			    argv[0]);
		return std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	device_and_bo();
	prime();
	cache();
	vm();
	queue();
	async_bind();
	std::printf("nova.hpp: %d passed, %d failed\n", g_passed, g_failed);
	return g_failed ? 1 : 0;
}

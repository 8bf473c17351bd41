/* SPDX-License-Identifier: MIT */
/*
 * nova.hpp - header-only C++ RAII types over libnova's C API (<nova/nova.h>).
 *
 * Nothing here is compiled into libnova: the types are inline wrappers of
 * the versioned C functions, so the library's ABI stays the C one and any
 * C++ standard library and compiler may be used (C++17 or later). No
 * exceptions are thrown: like the C API, fallible calls return 0 or a
 * negative errno, and factories fill an out-parameter. Moved-from and
 * default-constructed objects are empty (operator bool is false) and their
 * destructors do nothing.
 *
 * Ownership:
 * - Device owns a nova_device and closes it. Destroy every Bo, VaRange and
 *   BindBatch of a device before the Device (declare the Device first).
 * - Bo holds one reference to a nova_bo: copies take another reference
 *   (nova_bo_ref()), destruction drops one (nova_bo_unref()).
 * - Fd owns a file descriptor (a dma-buf's) and closes it.
 * - Vm is a non-owning view of the device's nova_vm.
 * - VaRange owns a VA heap allocation and frees it; free_after() hands the
 *   free to the heap, deferred until a fence signals (NOVA_0.5).
 * - BindBatch owns an unsubmitted batch; submit() and submit_ex() consume
 *   it, otherwise the destructor aborts it. Waits, signals and asynchronous
 *   submission need uAPI version 5 (NOVA_0.5).
 * - Queue holds one reference to a nova_queue, like Bo: copies take another
 *   (nova_queue_ref()), destruction drops one; the last destroys the queue.
 * - CmdStream owns a command-stream builder; CmdBuf owns an uploaded stream
 *   (its object, VA range and mapping): destroy it only after its jobs ended.
 * - Syncobj owns a syncobj handle of a device and destroys it; the Device
 *   must outlive it.
 *
 * Thread-safety is the C API's (see nova.h): these wrappers add no state.
 */
#ifndef NOVA_NOVA_HPP
#define NOVA_NOVA_HPP

#include <cstdint>
#include <utility>

#include <unistd.h>

#include "nova.h"

namespace nova {

class Fd {
public:
	Fd() = default;
	explicit Fd(int fd) : fd_(fd) {}
	Fd(Fd &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
	Fd &operator=(Fd &&other) noexcept
	{
		reset(std::exchange(other.fd_, -1));
		return *this;
	}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd() { reset(); }

	int get() const { return fd_; }
	explicit operator bool() const { return fd_ >= 0; }
	int release() { return std::exchange(fd_, -1); }
	void reset(int fd = -1)
	{
		if (fd_ >= 0)
			::close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};

class Device {
public:
	Device() = default;
	Device(Device &&other) noexcept : dev_(std::exchange(other.dev_, nullptr)) {}
	Device &operator=(Device &&other) noexcept
	{
		if (this != &other) {
			nova_device_close(dev_);
			dev_ = std::exchange(other.dev_, nullptr);
		}
		return *this;
	}
	Device(const Device &) = delete;
	Device &operator=(const Device &) = delete;
	~Device() { nova_device_close(dev_); }

	static int open(Device &out) { return out.adopt(open_first, 0u); }
	static int open_index(unsigned int index, Device &out)
	{
		return out.adopt(nova_device_open_index, index);
	}
	static int open_path(const char *path, Device &out)
	{
		return out.adopt(nova_device_open_path, path);
	}
	static int open_fd(int fd, Device &out) { return out.adopt(nova_device_open_fd, fd); }
	static int count() { return nova_device_count(); }

	nova_device *get() const { return dev_; }
	explicit operator bool() const { return dev_ != nullptr; }

	int fd() const { return nova_device_fd(dev_); }
	const char *node_path() const { return nova_device_node_path(dev_); }
	const char *driver_name() const { return nova_device_driver_name(dev_); }
	const char *driver_date() const { return nova_device_driver_date(dev_); }
	const char *driver_desc() const { return nova_device_driver_desc(dev_); }
	std::uint64_t uapi_version() const { return nova_device_uapi_version(dev_); }
	int get_param(std::uint64_t param, std::uint64_t &value) const
	{
		return nova_device_get_param(dev_, param, &value);
	}

	int set_bo_cache(bool enable) { return nova_device_set_bo_cache(dev_, enable); }
	int trim_bo_cache(std::uint64_t max_age_ns = 0)
	{
		return nova_device_bo_cache_trim(dev_, max_age_ns);
	}
	int bo_cache_stats(nova_bo_cache_stats &stats) const
	{
		stats.struct_size = sizeof(stats);
		return nova_device_bo_cache_stats(dev_, &stats);
	}

private:
	template <typename Fn, typename Arg>
	int adopt(Fn fn, Arg arg)
	{
		nova_device *dev = nullptr;
		int ret = fn(arg, &dev);

		if (ret == 0) {
			nova_device_close(dev_);
			dev_ = dev;
		}
		return ret;
	}

	static int open_first(unsigned int, nova_device **out) { return nova_device_open(out); }

	nova_device *dev_ = nullptr;
};

class Bo {
public:
	Bo() = default;
	// Adopts one reference the caller owns.
	explicit Bo(nova_bo *bo) : bo_(bo) {}
	Bo(const Bo &other) : bo_(nova_bo_ref(other.bo_)) {}
	Bo(Bo &&other) noexcept : bo_(std::exchange(other.bo_, nullptr)) {}
	Bo &operator=(Bo other) noexcept
	{
		std::swap(bo_, other.bo_);
		return *this;
	}
	~Bo() { nova_bo_unref(bo_); }

	static int create(Device &dev, std::uint64_t size, Bo &out)
	{
		nova_bo *bo = nullptr;
		int ret = nova_bo_create(dev.get(), size, &bo);

		if (ret == 0)
			out = Bo(bo);
		return ret;
	}
	// The same dma-buf imported twice gives two Bo of the same nova_bo.
	static int import(Device &dev, int fd, Bo &out)
	{
		nova_bo *bo = nullptr;
		int ret = nova_bo_import(dev.get(), fd, &bo);

		if (ret == 0)
			out = Bo(bo);
		return ret;
	}

	int export_fd(Fd &out) const
	{
		int fd = -1;
		int ret = nova_bo_export(bo_, &fd);

		if (ret == 0)
			out.reset(fd);
		return ret;
	}
	int map(void *&ptr) const { return nova_bo_map(bo_, &ptr); }
	int unmap() const { return nova_bo_unmap(bo_); }

	nova_bo *get() const { return bo_; }
	explicit operator bool() const { return bo_ != nullptr; }
	std::uint32_t handle() const { return nova_bo_handle(bo_); }
	std::uint64_t size() const { return nova_bo_size(bo_); }
	nova_device *device() const { return nova_bo_device(bo_); }
	friend bool operator==(const Bo &a, const Bo &b) { return a.bo_ == b.bo_; }
	friend bool operator!=(const Bo &a, const Bo &b) { return a.bo_ != b.bo_; }

private:
	nova_bo *bo_ = nullptr;
};

class Vm {
public:
	Vm() = default;
	static int of(Device &dev, Vm &out) { return nova_device_get_vm(dev.get(), &out.vm_); }

	nova_vm *get() const { return vm_; }
	explicit operator bool() const { return vm_ != nullptr; }
	std::uint64_t va_start() const { return nova_vm_va_start(vm_); }
	std::uint64_t va_size() const { return nova_vm_va_size(vm_); }
	std::uint64_t va_alignment() const { return nova_vm_va_alignment(vm_); }
	std::uint32_t max_ops() const { return nova_vm_max_ops(vm_); }

	int map(const Bo &bo, std::uint64_t bo_offset, std::uint64_t va, std::uint64_t range,
		std::uint32_t flags = 0) const
	{
		return nova_vm_map(vm_, bo.get(), bo_offset, va, range, flags);
	}
	int unmap(std::uint64_t va, std::uint64_t range) const { return nova_vm_unmap(vm_, va, range); }
	// Takes back the deferred frees that signalled; 0 polls, < 0 no limit.
	int va_reclaim(std::int64_t timeout_ns = 0) const { return nova_vm_va_reclaim(vm_, timeout_ns); }

private:
	nova_vm *vm_ = nullptr;
};

class VaRange {
public:
	VaRange() = default;
	VaRange(VaRange &&other) noexcept
		: vm_(std::exchange(other.vm_, nullptr)), va_(other.va_), size_(other.size_)
	{
	}
	VaRange &operator=(VaRange &&other) noexcept
	{
		if (this != &other) {
			reset();
			vm_ = std::exchange(other.vm_, nullptr);
			va_ = other.va_;
			size_ = other.size_;
		}
		return *this;
	}
	VaRange(const VaRange &) = delete;
	VaRange &operator=(const VaRange &) = delete;
	~VaRange() { reset(); }

	static int alloc(const Vm &vm, std::uint64_t size, std::uint64_t alignment, VaRange &out)
	{
		std::uint64_t va = 0;
		int ret = nova_vm_va_alloc(vm.get(), size, alignment, &va);

		if (ret == 0)
			out.assign(vm.get(), va, size);
		return ret;
	}
	static int alloc_addr(const Vm &vm, std::uint64_t va, std::uint64_t size, VaRange &out)
	{
		int ret = nova_vm_va_alloc_addr(vm.get(), va, size);

		if (ret == 0)
			out.assign(vm.get(), va, size);
		return ret;
	}

	explicit operator bool() const { return vm_ != nullptr; }
	std::uint64_t va() const { return va_; }
	std::uint64_t size() const { return size_; }

	void reset()
	{
		if (vm_)
			nova_vm_va_free(std::exchange(vm_, nullptr), va_, size_);
	}
	// The range goes back to the heap once @fence signals; on success the
	// object is empty, on failure it still owns the range.
	int free_after(const nova_sync_point &fence)
	{
		int ret = nova_vm_va_free_deferred(vm_, va_, size_, &fence);

		if (ret == 0)
			vm_ = nullptr;
		return ret;
	}

private:
	void assign(nova_vm *vm, std::uint64_t va, std::uint64_t size)
	{
		reset();
		vm_ = vm;
		va_ = va;
		size_ = size;
	}

	nova_vm *vm_ = nullptr;
	std::uint64_t va_ = 0;
	std::uint64_t size_ = 0;
};

class BindBatch {
public:
	BindBatch() = default;
	BindBatch(BindBatch &&other) noexcept : batch_(std::exchange(other.batch_, nullptr)) {}
	BindBatch &operator=(BindBatch &&other) noexcept
	{
		if (this != &other) {
			nova_vm_bind_abort(batch_);
			batch_ = std::exchange(other.batch_, nullptr);
		}
		return *this;
	}
	BindBatch(const BindBatch &) = delete;
	BindBatch &operator=(const BindBatch &) = delete;
	~BindBatch() { nova_vm_bind_abort(batch_); }

	static int begin(const Vm &vm, BindBatch &out)
	{
		nova_vm_bind_batch *batch = nullptr;
		int ret = nova_vm_bind_begin(vm.get(), &batch);

		if (ret == 0)
			out = BindBatch(batch);
		return ret;
	}

	int add_map(const Bo &bo, std::uint64_t bo_offset, std::uint64_t va, std::uint64_t range,
		    std::uint32_t flags = 0)
	{
		return nova_vm_bind_add_map(batch_, bo.get(), bo_offset, va, range, flags);
	}
	int add_unmap(std::uint64_t va, std::uint64_t range)
	{
		return nova_vm_bind_add_unmap(batch_, va, range);
	}
	int add_wait(const nova_sync_point &wait) { return nova_vm_bind_add_wait(batch_, &wait); }
	int add_signal(const nova_sync_point &signal)
	{
		return nova_vm_bind_add_signal(batch_, &signal);
	}
	unsigned int count() const { return nova_vm_bind_count(batch_); }
	// Applies and frees the batch, success or not; the object is empty after.
	int submit() { return nova_vm_bind_submit(std::exchange(batch_, nullptr)); }
	// flags: 0 or NOVA_VM_BIND_ASYNC of <nova/nova_drm.h>; consumes the
	// batch like submit(); *failed_op: the failing operation's index.
	int submit_ex(std::uint32_t flags, std::uint32_t *failed_op = nullptr)
	{
		return nova_vm_bind_submit_ex(std::exchange(batch_, nullptr), flags, failed_op);
	}

	explicit operator bool() const { return batch_ != nullptr; }

private:
	explicit BindBatch(nova_vm_bind_batch *batch) : batch_(batch) {}

	nova_vm_bind_batch *batch_ = nullptr;
};

class Queue {
public:
	Queue() = default;
	// Adopts one reference the caller owns.
	explicit Queue(nova_queue *q) : q_(q) {}
	Queue(const Queue &other) : q_(nova_queue_ref(other.q_)) {}
	Queue(Queue &&other) noexcept : q_(std::exchange(other.q_, nullptr)) {}
	Queue &operator=(Queue other) noexcept
	{
		std::swap(q_, other.q_);
		return *this;
	}
	~Queue() { nova_queue_unref(q_); }

	// priority: NOVA_QUEUE_PRIORITY_* of <nova/nova_drm.h> (1 is NORMAL).
	static int create(Device &dev, std::uint32_t priority, Queue &out)
	{
		nova_queue *q = nullptr;
		int ret = nova_queue_create(dev.get(), priority, &q);

		if (ret == 0)
			out = Queue(q);
		return ret;
	}

	int exec(const nova_exec_cmdbuf *cmdbufs, std::uint32_t cmdbuf_count,
		 const nova_sync_point *waits, std::uint32_t wait_count,
		 const nova_sync_point *signals, std::uint32_t signal_count,
		 std::uint64_t *seqno = nullptr) const
	{
		return nova_queue_exec(q_, cmdbufs, cmdbuf_count, waits, wait_count, signals,
				       signal_count, seqno);
	}
	// timeout_ns < 0: no limit.
	int wait(std::uint64_t seqno, std::int64_t timeout_ns = -1) const
	{
		return nova_queue_wait(q_, seqno, timeout_ns);
	}
	int state(nova_queue_state &st) const
	{
		st.struct_size = sizeof(st);
		return nova_queue_get_state(q_, &st);
	}

	nova_queue *get() const { return q_; }
	explicit operator bool() const { return q_ != nullptr; }
	std::uint32_t id() const { return nova_queue_id(q_); }
	nova_device *device() const { return nova_queue_device(q_); }
	// Job @seqno's fence, for a wait elsewhere (a bind, another queue,
	// VaRange::free_after()); never signal it.
	nova_sync_point at(std::uint64_t seqno) const
	{
		return nova_sync_point{ nova_queue_timeline(q_), 0, seqno };
	}

private:
	nova_queue *q_ = nullptr;
};

class CmdBuf {
public:
	CmdBuf() = default;
	explicit CmdBuf(nova_cmdbuf *cb) : cb_(cb) {}
	CmdBuf(CmdBuf &&other) noexcept : cb_(std::exchange(other.cb_, nullptr)) {}
	CmdBuf &operator=(CmdBuf &&other) noexcept
	{
		if (this != &other) {
			nova_cmdbuf_destroy(cb_);
			cb_ = std::exchange(other.cb_, nullptr);
		}
		return *this;
	}
	CmdBuf(const CmdBuf &) = delete;
	CmdBuf &operator=(const CmdBuf &) = delete;
	~CmdBuf() { nova_cmdbuf_destroy(cb_); }

	nova_cmdbuf *get() const { return cb_; }
	explicit operator bool() const { return cb_ != nullptr; }
	std::uint64_t va() const { return nova_cmdbuf_va(cb_); }
	std::uint64_t size() const { return nova_cmdbuf_size(cb_); }
	// The element to pass to Queue::exec().
	nova_exec_cmdbuf exec_cmdbuf() const { return nova_exec_cmdbuf{ va(), size() }; }

private:
	nova_cmdbuf *cb_ = nullptr;
};

class CmdStream {
public:
	CmdStream() = default;
	CmdStream(CmdStream &&other) noexcept : cs_(std::exchange(other.cs_, nullptr)) {}
	CmdStream &operator=(CmdStream &&other) noexcept
	{
		if (this != &other) {
			nova_cmdstream_destroy(cs_);
			cs_ = std::exchange(other.cs_, nullptr);
		}
		return *this;
	}
	CmdStream(const CmdStream &) = delete;
	CmdStream &operator=(const CmdStream &) = delete;
	~CmdStream() { nova_cmdstream_destroy(cs_); }

	static int create(CmdStream &out)
	{
		nova_cmdstream *cs = nullptr;
		int ret = nova_cmdstream_create(&cs);

		if (ret == 0) {
			nova_cmdstream_destroy(out.cs_);
			out.cs_ = cs;
		}
		return ret;
	}

	int nop() { return nova_cmdstream_emit_nop(cs_); }
	int store32(std::uint64_t va, std::uint32_t value)
	{
		return nova_cmdstream_emit_store32(cs_, va, value);
	}
	int store64(std::uint64_t va, std::uint64_t value)
	{
		return nova_cmdstream_emit_store64(cs_, va, value);
	}
	int timestamp(std::uint64_t va) { return nova_cmdstream_emit_timestamp(cs_, va); }
	int fill(std::uint64_t va, std::uint64_t size, std::uint32_t pattern)
	{
		return nova_cmdstream_emit_fill(cs_, va, size, pattern);
	}
	int copy(std::uint64_t dst, std::uint64_t src, std::uint64_t size)
	{
		return nova_cmdstream_emit_copy(cs_, dst, src, size);
	}
	int wait(std::uint64_t va, std::uint64_t value, std::uint32_t flags = 0)
	{
		return nova_cmdstream_emit_wait(cs_, va, value, flags);
	}
	int call(std::uint64_t va, std::uint64_t size)
	{
		return nova_cmdstream_emit_call(cs_, va, size);
	}
	int raw(const std::uint64_t *qwords, std::uint32_t count)
	{
		return nova_cmdstream_emit_raw(cs_, qwords, count);
	}
	int reset() { return nova_cmdstream_reset(cs_); }
	int upload(Device &dev, CmdBuf &out) const
	{
		nova_cmdbuf *cb = nullptr;
		int ret = nova_cmdstream_upload(cs_, dev.get(), &cb);

		if (ret == 0)
			out = CmdBuf(cb);
		return ret;
	}

	nova_cmdstream *get() const { return cs_; }
	explicit operator bool() const { return cs_ != nullptr; }
	const std::uint64_t *data() const { return nova_cmdstream_data(cs_); }
	std::uint64_t size() const { return nova_cmdstream_size(cs_); }
	int error() const { return nova_cmdstream_error(cs_); }

private:
	nova_cmdstream *cs_ = nullptr;
};

class Syncobj {
public:
	Syncobj() = default;
	Syncobj(Syncobj &&other) noexcept
		: dev_(std::exchange(other.dev_, nullptr)), handle_(std::exchange(other.handle_, 0))
	{
	}
	Syncobj &operator=(Syncobj &&other) noexcept
	{
		if (this != &other) {
			reset();
			dev_ = std::exchange(other.dev_, nullptr);
			handle_ = std::exchange(other.handle_, 0);
		}
		return *this;
	}
	Syncobj(const Syncobj &) = delete;
	Syncobj &operator=(const Syncobj &) = delete;
	~Syncobj() { reset(); }

	// flags: 0 or DRM_SYNCOBJ_CREATE_SIGNALED.
	static int create(Device &dev, std::uint32_t flags, Syncobj &out)
	{
		std::uint32_t handle = 0;
		int ret = nova_syncobj_create(dev.get(), flags, &handle);

		if (ret == 0) {
			out.reset();
			out.dev_ = dev.get();
			out.handle_ = handle;
		}
		return ret;
	}

	// The sync point of this syncobj for Queue::exec(): 0 is binary.
	nova_sync_point at(std::uint64_t point = 0) const
	{
		return nova_sync_point{ handle_, 0, point };
	}
	int wait(std::int64_t timeout_ns = -1, std::uint32_t flags = 0) const
	{
		return nova_syncobj_wait(dev_, &handle_, 1, timeout_ns, flags, nullptr);
	}
	int wait_point(std::uint64_t point, std::int64_t timeout_ns = -1,
		       std::uint32_t flags = 0) const
	{
		return nova_syncobj_timeline_wait(dev_, &handle_, &point, 1, timeout_ns, flags,
						  nullptr);
	}
	int query(std::uint64_t &point) const { return nova_syncobj_query(dev_, &handle_, &point, 1); }
	int fence_status(std::uint64_t point, int &status) const
	{
		return nova_syncobj_fence_status(dev_, handle_, point, &status);
	}
	int export_sync_file(Fd &out) const
	{
		int fd = -1;
		int ret = nova_syncobj_export_sync_file(dev_, handle_, &fd);

		if (ret == 0)
			out.reset(fd);
		return ret;
	}
	int import_sync_file(int fd) const { return nova_syncobj_import_sync_file(dev_, handle_, fd); }

	explicit operator bool() const { return dev_ != nullptr; }
	std::uint32_t handle() const { return handle_; }

	void reset()
	{
		if (dev_)
			nova_syncobj_destroy(std::exchange(dev_, nullptr), std::exchange(handle_, 0));
	}

private:
	nova_device *dev_ = nullptr;
	std::uint32_t handle_ = 0;
};

} // namespace nova

#endif /* NOVA_NOVA_HPP */

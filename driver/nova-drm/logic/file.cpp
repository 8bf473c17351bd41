// SPDX-License-Identifier: GPL-2.0
//
// Per-client state and the semantics of every nova ioctl.
//
// DRM has already copied the user's struct into kernel memory (and zeroed
// what the user's, possibly older and shorter, struct did not cover); these
// handlers validate it, act, and fill in the outputs that DRM copies back.
// The documented errno of each case lives in uapi/nova_drm.h.
#include "file.hpp"
#include "device.hpp"
#include "uapi_layout.hpp"
#include "vm/vm_bind.hpp"

namespace nova {

Result<RefPtr<File>> File::open(Device &device, nova_svc_file *svc_file)
{
	RefPtr<File> file = adopt_ref(new (may_fail) File(device, svc_file));

	if (!file)
		return error(-ENOMEM);
	file->gem_ = NOVA_TRY(GemFileAccount::create(device));
	NOVA_TRY(file->va_.init());
	NOVA_TRY(file->queues_.init(device.config().max_queues));
	file->client_id_ = device.file_opened(*file);
	return file;
}

void File::close()
{
	// The binds still pending first: they are dropped, not applied. Were
	// the queues stopped before, a bind waiting for one of their jobs
	// would see that job's fence signal (cancelled) and be applied before
	// the bind queue is told it is dying. Then the queues: stopping them
	// ends every job that could still read the VA space. Then the
	// mappings: the objects only they kept alive are freed now. The objects
	// still alive keep the file's account alive, and stay on it.
	binds_.destroy();
	queues_.destroy_all();
	va_.teardown();
}

File::~File()
{
	// A file whose open failed never joined the device.
	if (linked())
		device_->file_closed(*this);
}

Status File::getparam(drm_nova_getparam &args)
{
	// @value is output only: upstream nova does not require it to be zero,
	// and clients built against upstream's header must keep working.
	args.value = NOVA_TRY(device_->param(args.param));
	return {};
}

Status File::gem_create(drm_nova_gem_create &args)
{
	const nova_logic_device_config &config = device_->config();
	u64 size;

	if (args.pad != 0 || args.size == 0)
		return error(-EINVAL);
	if (args.size > config.max_object_size)
		return error(-E2BIG);
	// Cannot overflow: max_object_size is itself page aligned.
	if (!align_up(args.size, config.page_size, &size))
		return error(-E2BIG);

	GemManager::Reservation reservation = NOVA_TRY(device_->gem().reserve(size));
	nova_svc_gem *gem;
	nova_logic_gem_storage *storage;
	NOVA_TRY(nova_svc_gem_alloc(svc_file_, size, &gem, &storage));
	// Cannot fail: from here on the object owns the record, and publish
	// owns the object.
	GemObject *object = new (storage) GemObject(gem_, move(reservation));
	u32 handle;
	NOVA_TRY(nova_svc_gem_publish(svc_file_, gem, object, &handle));
	// The handle is visible to userspace from here on: another thread may
	// already have closed it, so the object must not be touched again.
	args.handle = handle;
	args.size = size;
	return {};
}

Status File::gem_info(drm_nova_gem_info &args)
{
	if (args.pad != 0)
		return error(-EINVAL);

	GemRef gem = NOVA_TRY(GemRef::lookup(svc_file_, args.handle));
	args.size = gem.size();
	return {};
}

Status File::gem_mmap_offset(drm_nova_gem_mmap_offset &args)
{
	if (args.flags != 0)
		return error(-EINVAL);

	GemRef gem = NOVA_TRY(GemRef::lookup(svc_file_, args.handle));
	u64 offset;
	NOVA_TRY(nova_svc_gem_mmap_offset(gem.get(), &offset));
	args.offset = offset;
	return {};
}

Status File::vm_bind(drm_nova_vm_bind &args)
{
	return nova::vm_bind(*device_, BindTarget{ svc_file_, va_, binds_ }, args);
}

Status File::queue_create(drm_nova_queue_create &args)
{
	return nova::queue_create(queues_, svc_file_, this, args);
}

Status File::queue_destroy(drm_nova_queue_destroy &args)
{
	if (args.pad != 0)
		return error(-EINVAL);
	return queues_.destroy(args.queue_id);
}

Status File::exec(drm_nova_exec &args)
{
	return nova::exec(device_->config(), queues_, args);
}

Status File::queue_get_state(drm_nova_queue_get_state &args)
{
	return nova::queue_get_state(queues_, args);
}

nova_logic_file_stats File::stats()
{
	GemTotals totals = gem_->totals();

	return { totals.objects, totals.bytes, mappings(), client_id_,
		 __atomic_load_n(&busy_ns_, __ATOMIC_RELAXED) };
}

} // namespace nova

using nova::File;

extern "C" int nova_logic_file_open(nova_logic_device *device, nova_svc_file *svc_file,
				    nova_logic_file **file)
{
	auto opened = File::open(nova::Device::from(device), svc_file);

	if (!opened.ok())
		return opened.error();
	*file = opened.release_value().leak_ref();
	return 0;
}

// Takes back the glue's reference and drops it once the file is closed.
extern "C" void nova_logic_file_close(nova_logic_file *file)
{
	nova::RefPtr<File> closing = nova::adopt_ref(&File::from(file));

	closing->close();
}

extern "C" void nova_logic_file_get_stats(nova_logic_file *file, nova_logic_file_stats *stats)
{
	*stats = File::from(file).stats();
}

extern "C" void nova_logic_file_add_busy(nova_logic_file *file, __u64 ns)
{
	File::from(file).add_busy(ns);
}

extern "C" void nova_logic_file_for_each_mapping(nova_logic_file *file, nova_logic_mapping_fn fn,
						 void *ctx)
{
	File::from(file).for_each_mapping(fn, ctx);
}

extern "C" int nova_logic_ioctl_getparam(nova_logic_file *file, drm_nova_getparam *args)
{
	return File::from(file).getparam(*args).error();
}

extern "C" int nova_logic_ioctl_gem_create(nova_logic_file *file, drm_nova_gem_create *args)
{
	return File::from(file).gem_create(*args).error();
}

extern "C" int nova_logic_ioctl_gem_info(nova_logic_file *file, drm_nova_gem_info *args)
{
	return File::from(file).gem_info(*args).error();
}

extern "C" int nova_logic_ioctl_gem_mmap_offset(nova_logic_file *file,
						drm_nova_gem_mmap_offset *args)
{
	return File::from(file).gem_mmap_offset(*args).error();
}

extern "C" int nova_logic_ioctl_vm_bind(nova_logic_file *file, drm_nova_vm_bind *args)
{
	return File::from(file).vm_bind(*args).error();
}

extern "C" int nova_logic_ioctl_queue_create(nova_logic_file *file, drm_nova_queue_create *args)
{
	return File::from(file).queue_create(*args).error();
}

extern "C" int nova_logic_ioctl_queue_destroy(nova_logic_file *file, drm_nova_queue_destroy *args)
{
	return File::from(file).queue_destroy(*args).error();
}

extern "C" int nova_logic_ioctl_exec(nova_logic_file *file, drm_nova_exec *args)
{
	return File::from(file).exec(*args).error();
}

extern "C" int nova_logic_ioctl_queue_get_state(nova_logic_file *file,
						drm_nova_queue_get_state *args)
{
	return File::from(file).queue_get_state(*args).error();
}

// The glue holds the VA lock from one call to the next (nova_mmu.c).
extern "C" void nova_logic_file_va_lock(nova_logic_file *file) TA_NO_THREAD_SAFETY_ANALYSIS
{
	File::from(file).va().lock();
}

extern "C" void nova_logic_file_va_unlock(nova_logic_file *file) TA_NO_THREAD_SAFETY_ANALYSIS
{
	File::from(file).va().unlock();
}

extern "C" int nova_logic_file_va_translate(nova_logic_file *file, __u64 va, nova_svc_gem **gem,
					    __u64 *offset, __u64 *len, __u32 *flags)
{
	return File::from(file).va().translate(va, gem, offset, len, flags).error();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Fixtures shared by nova's KUnit suites (see nova_kunit.h).
 */

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <kunit/resource.h>
#include <kunit/test.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>

/* drm_file_alloc() and drm_file_free(): built in, reachable, not exported. */
#include "../../../drm_internal.h"

#include "nova_function.h"
#include "nova_kunit.h"

/*
 * The same hooks as nova_drv.c's nova_drm_driver (which is static): nova's
 * open/postclose, GEM object constructor and ioctl table. Only the name
 * differs, so a test device is never mistaken for the real one.
 */
DEFINE_DRM_GEM_FOPS(nova_kunit_fops);

static const struct drm_driver nova_kunit_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open = nova_open,
	.postclose = nova_postclose,
	.gem_create_object = nova_gem_create_object,
	.ioctls = nova_ioctls,
	.num_ioctls = ARRAY_SIZE(nova_ioctls),
	.fops = &nova_kunit_fops,
	.name = "nova-kunit",
	.desc = NOVA_DRIVER_DESC,
	.date = NOVA_DRIVER_DATE,
	.major = NOVA_DRIVER_MAJOR,
	.minor = NOVA_DRIVER_MINOR,
	.patchlevel = NOVA_DRIVER_PATCHLEVEL,
};

void nova_kunit_config(struct nova_logic_device_config *config)
{
	*config = (struct nova_logic_device_config){
		.page_size = PAGE_SIZE,
		.max_object_size = NOVA_KUNIT_MAX_OBJECT,
		.object_budget = NOVA_KUNIT_BUDGET,
		.vram_bar_size = 0,
		.va_start = SZ_1M,
		.va_size = SZ_1G,
		.va_alignment = PAGE_SIZE,
		.vm_bind_max_ops = 64,
		.max_mappings = 1u << 20,
		/* The module's defaults (nova_drv.c's nova_logic_config()). */
		.max_cmdbuf_size = NOVA_ENGINE_MAX_CMDBUF_SIZE,
		.max_queues = NOVA_MAX_QUEUES,
		.exec_max_cmdbufs = NOVA_EXEC_MAX_CMDBUFS,
		.exec_max_syncs = NOVA_EXEC_MAX_SYNCS,
		.job_timeout_ms = 1000,
		.call_max_depth = NOVA_ENGINE_MAX_CALL_DEPTH,
		.queue_max_jobs = NOVA_QUEUE_MAX_JOBS,
		.timestamp_frequency = NSEC_PER_SEC,
	};
}

/* --- device ------------------------------------------------------------------ */

/* nova_drv.c's nova_logic_release(), counted. */
static void nova_kunit_logic_release(struct drm_device *drm, void *data)
{
	struct nova_kunit_dev *dev = data;

	nova_logic_device_put(dev->logic);
	dev->releases++;
}

void nova_kunit_dev_remove(struct nova_kunit_dev *dev)
{
	if (dev->unregistered)
		return;
	dev->unregistered = true;
	/* drm_dev_unplug() has unregistered it already. */
	if (dev->drm && !drm_dev_is_unplugged(dev->drm))
		drm_dev_unregister(dev->drm);
	devres_release_group(dev->parent, dev->devres_group);
	root_device_unregister(dev->parent);
}

static void nova_kunit_drm_put(void *drm)
{
	drm_dev_put(drm);
}

static void nova_kunit_dev_free(struct kunit_resource *res)
{
	nova_kunit_dev_remove(res->data);
}

static int nova_kunit_dev_init(struct kunit_resource *res, void *context)
{
	static atomic_t seq = ATOMIC_INIT(0);
	struct nova_kunit_dev *dev = context;
	char name[32];

	snprintf(name, sizeof(name), "nova-kunit-%d", atomic_inc_return(&seq));
	dev->parent = root_device_register(name);
	if (IS_ERR(dev->parent))
		return PTR_ERR(dev->parent);
	dev->devres_group = devres_open_group(dev->parent, NULL, GFP_KERNEL);
	if (!dev->devres_group) {
		root_device_unregister(dev->parent);
		return -ENOMEM;
	}
	res->data = dev;
	return 0;
}

struct nova_kunit_dev *nova_kunit_dev_create(struct kunit *test,
					     const struct nova_logic_device_config *config)
{
	struct nova_logic_device_config defaults;
	struct nova_kunit_dev *dev;
	struct nova_device *ndev;
	struct drm_device *drm;
	int ret;

	if (!config) {
		nova_kunit_config(&defaults);
		config = &defaults;
	}

	/* Allocated before the device resource, so freed after it. */
	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, nova_kunit_dev_init,
							 nova_kunit_dev_free, GFP_KERNEL, dev));

	/*
	 * From here on, the steps of nova_drv.c's nova_probe(), minus the
	 * function: a bare drm_device, nova's struct in its managed memory.
	 * The probe's reference is dropped by devres on the root device, so
	 * the devres group's release is the remove's drm_dev_put().
	 */
	drm = drm_dev_alloc(&nova_kunit_driver, dev->parent);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, drm);
	ret = devm_add_action_or_reset(dev->parent, nova_kunit_drm_put, drm);
	KUNIT_ASSERT_EQ(test, ret, 0);
	dev->drm = drm;
	ndev = drmm_kzalloc(drm, sizeof(*ndev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ndev);
	ndev->drm = drm;
	ndev->job_timeout_ms = 1000;
	drm->dev_private = ndev;
	/* Without a function: the queue list and its lock, no interrupt. */
	ret = nova_queues_init(ndev);
	KUNIT_ASSERT_EQ(test, ret, 0);

	ret = nova_logic_device_create(config, &dev->logic);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = drmm_add_action_or_reset(dev->drm, nova_kunit_logic_release, dev);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ndev->logic = dev->logic;

	ret = drm_dev_register(dev->drm, 0);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return dev;
}

void nova_kunit_dev_stats(struct nova_kunit_dev *dev, struct nova_logic_device_stats *stats)
{
	nova_logic_device_get_stats(dev->logic, stats);
}

/* --- files ------------------------------------------------------------------- */

void nova_kunit_close(struct nova_kunit_file *file)
{
	if (file->closed)
		return;
	file->closed = true;
	drm_file_free(file->file);
}

static void nova_kunit_file_free(struct kunit_resource *res)
{
	nova_kunit_close(res->data);
}

static int nova_kunit_file_init(struct kunit_resource *res, void *context)
{
	struct nova_kunit_file *file = context;
	struct drm_file *opened;

	opened = drm_file_alloc(file->minor);
	if (IS_ERR(opened))
		return PTR_ERR(opened);
	file->file = opened;
	file->filp->private_data = opened;
	res->data = file;
	return 0;
}

static struct nova_kunit_file *nova_kunit_open_minor(struct kunit *test,
						     struct nova_kunit_dev *dev,
						     struct drm_minor *minor)
{
	struct nova_kunit_file *file;

	KUNIT_ASSERT_NOT_NULL(test, minor);
	file = kunit_kzalloc(test, sizeof(*file), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, file);
	file->filp = kunit_kzalloc(test, sizeof(*file->filp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, file->filp);
	file->dev = dev;
	file->minor = minor;
	KUNIT_ASSERT_NOT_NULL_MSG(test, kunit_alloc_resource(test, nova_kunit_file_init,
							     nova_kunit_file_free, GFP_KERNEL,
							     file),
				  "drm_file_alloc() failed");
	return file;
}

struct nova_kunit_file *nova_kunit_open(struct kunit *test, struct nova_kunit_dev *dev)
{
	return nova_kunit_open_minor(test, dev, dev->drm->render);
}

struct nova_kunit_file *nova_kunit_open_primary(struct kunit *test, struct nova_kunit_dev *dev)
{
	return nova_kunit_open_minor(test, dev, dev->drm->primary);
}

int nova_kunit_client_init(struct kunit *test)
{
	struct nova_kunit_client *client = kunit_kzalloc(test, sizeof(*client), GFP_KERNEL);

	if (!client)
		return -ENOMEM;
	client->dev = nova_kunit_dev_create(test, NULL);
	client->file = nova_kunit_open(test, client->dev);
	test->priv = client;
	return 0;
}

struct nova_logic_file *nova_kunit_logic_file(struct nova_kunit_file *file)
{
	return file->file->driver_priv;
}

bool nova_kunit_has_handle(struct nova_kunit_file *file, u32 handle)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file->file, handle);

	if (!obj)
		return false;
	drm_gem_object_put(obj);
	return true;
}

void nova_kunit_file_stats(struct nova_kunit_file *file, struct nova_logic_file_stats *stats)
{
	nova_logic_file_get_stats(nova_kunit_logic_file(file), stats);
}

/* --- ioctls ------------------------------------------------------------------ */

int nova_kunit_ioctl(struct nova_kunit_file *file, unsigned int cmd, void *data)
{
	unsigned int nr = DRM_IOCTL_NR(cmd);
	const struct drm_ioctl_desc *desc;

	/* drm_ioctl()'s lookup of a driver ioctl. */
	if (nr < DRM_COMMAND_BASE || nr - DRM_COMMAND_BASE >= ARRAY_SIZE(nova_ioctls))
		return -EINVAL;
	desc = &nova_ioctls[nr - DRM_COMMAND_BASE];
	if (!desc->func)
		return -EINVAL;
	return drm_ioctl_kernel(file->filp, desc->func, data, desc->flags);
}

int nova_kunit_gem_create(struct nova_kunit_file *file, u64 size, u32 *handle, u64 *rounded)
{
	struct drm_nova_gem_create args = { .size = size };
	int ret;

	ret = nova_kunit_ioctl(file, DRM_IOCTL_NOVA_GEM_CREATE, &args);
	if (handle)
		*handle = args.handle;
	if (rounded)
		*rounded = args.size;
	return ret;
}

int nova_kunit_vm_bind(struct kunit *test, struct nova_kunit_file *file,
		       const struct drm_nova_vm_bind_op *ops, u32 count, bool direct)
{
	size_t bytes = max_t(size_t, (size_t)count * sizeof(*ops), 1);
	void __user *uops = nova_kunit_user_alloc(test, bytes);
	struct drm_nova_vm_bind args = {
		.op_count = count,
		.op_stride = sizeof(*ops),
		.ops = (uintptr_t)uops,
	};

	if (!uops)
		return -ENOMEM;
	if (copy_to_user(uops, ops, (size_t)count * sizeof(*ops)))
		return -EFAULT;
	if (direct)
		return nova_logic_ioctl_vm_bind(nova_kunit_logic_file(file), &args);
	return nova_kunit_ioctl(file, DRM_IOCTL_NOVA_VM_BIND, &args);
}

/* --- user memory -------------------------------------------------------------- */

static int nova_kunit_attach_mm(void)
{
	struct mm_struct *mm;

	if (current->mm)
		return 0;
	mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	mm->task_size = TASK_SIZE;
	/* Without a layout, vm_mmap() finds no place for a mapping. */
	arch_pick_mmap_layout(mm, &current->signal->rlim[RLIMIT_STACK]);
	/* The thread's exit drops it (exit_mm), with every mapping in it. */
	kthread_use_mm(mm);
	return 0;
}

void __user *nova_kunit_user_alloc(struct kunit *test, size_t size)
{
	unsigned long addr;

	KUNIT_ASSERT_EQ_MSG(test, nova_kunit_attach_mm(), 0, "no mm for user memory");
	addr = vm_mmap(NULL, 0, size, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "vm_mmap: %ld", (long)addr);
	return (void __user *)addr;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * GEM objects: shmem-backed drm_gem_objects that carry the logic's record.
 *
 * The shmem helper does the real work (pages, mmap, sg tables, PRIME); nova
 * adds a pointer to the logic's accounting record and tells the logic when the
 * object is freed.
 *
 * PRIME imports of another driver's dma-buf also come through
 * nova_gem_create_object() (drm_gem_shmem_prime_import_sg_table() allocates
 * with it), so they are nova_gem_objects too, but without a record: the
 * logic neither counts them against the budget nor in its statistics, since
 * the exporter owns their memory. Their GEM_INFO, GEM_MMAP_OFFSET (mmap is
 * forwarded to the exporter's dma-buf) and VM_BIND (object id 0) work like
 * those of any object. A dma-buf nova exported and imports again resolves
 * to the original object, record and all.
 */

#include <linux/err.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>

#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_prime.h>
#include <drm/drm_vma_manager.h>

#include "nova_drv.h"

struct nova_gem_object {
	/* First member: the shmem helper kfree()s the object through it. */
	struct drm_gem_shmem_object shmem;
	/*
	 * The logic's record, built in @record by the logic; NULL for objects
	 * the logic did not create.
	 */
	struct nova_logic_gem *logic;
	struct nova_logic_gem_storage record;
	/*
	 * The pages the engine reaches the object through, once VM_BIND made
	 * it resident (nova_svc_gem_make_resident()); NULL before. Our own
	 * objects: the shmem helper's pages, held by one get_pages() of ours
	 * until the object is freed. Imports: an array of the exporter's pages
	 * built from its sg table, ours to free. Set once, under resident_lock.
	 */
	struct page **resident;
	/*
	 * Those pages mapped contiguously into the kernel (vmap()), so that
	 * one translation of the engine covers a whole mapping rather than a
	 * page. Set last, once, under resident_lock, and read without it
	 * (acquire/release): a set pointer means the object is resident.
	 */
	void *resident_vaddr;
	struct mutex resident_lock;
};

static const struct drm_gem_object_funcs nova_gem_funcs;

static struct nova_gem_object *to_nova_gem(struct drm_gem_object *obj)
{
	return container_of(obj, struct nova_gem_object, shmem.base);
}

static struct drm_gem_object *nova_gem_of(const struct nova_svc_gem *gem)
{
	return (struct drm_gem_object *)gem;
}

static void nova_gem_free(struct drm_gem_object *obj)
{
	struct nova_gem_object *nobj = to_nova_gem(obj);
	struct nova_logic_gem *logic = nobj->logic;

	if (nobj->resident_vaddr)
		vunmap(nobj->resident_vaddr);
	if (nobj->resident) {
		if (obj->import_attach)
			kvfree(nobj->resident);
		else
			drm_gem_shmem_unpin(&nobj->shmem);
	}
	mutex_destroy(&nobj->resident_lock);
	/* The record lives in @nobj: released before the helper frees it. */
	nova_logic_gem_release(logic);
	drm_gem_shmem_free(&nobj->shmem);
}

static const struct drm_gem_object_funcs nova_gem_funcs = {
	.free = nova_gem_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/* drm_driver.gem_create_object: the shmem helper allocates through this. */
struct drm_gem_object *nova_gem_create_object(struct drm_device *drm, size_t size)
{
	struct nova_gem_object *nobj;

	nobj = kzalloc(sizeof(*nobj), NOVA_GFP_CLIENT);
	if (!nobj)
		return ERR_PTR(-ENOMEM);
	nobj->shmem.base.funcs = &nova_gem_funcs;
	mutex_init(&nobj->resident_lock);
	return &nobj->shmem.base;
}

/*
 * drm_driver.gem_prime_import: another device's dma-buf is attached to nova's
 * DMA device (see nova_probe()), not to the drm_device's parent, whose mask is
 * the function's (edu: 28 bits) and would refuse pages above 256 MiB. nova's
 * own dma-bufs still resolve to the original object: the helper checks that
 * before it attaches.
 */
struct drm_gem_object *nova_gem_prime_import(struct drm_device *drm, struct dma_buf *dma_buf)
{
	return drm_gem_prime_import_dev(drm, dma_buf, to_nova_device(drm)->dma_dev);
}

struct nova_svc_status nova_svc_gem_alloc(struct nova_svc_file *svc_file, __u64 size,
					  struct nova_svc_gem **gem,
					  struct nova_logic_gem_storage **storage)
{
	struct drm_gem_shmem_object *shmem;

	shmem = drm_gem_shmem_create(nova_drm_file(svc_file)->minor->dev, size);
	if (IS_ERR(shmem))
		return nova_svc_errno(nova_helper_alloc_errno(PTR_ERR(shmem)));
	*gem = (struct nova_svc_gem *)&shmem->base;
	*storage = &to_nova_gem(&shmem->base)->record;
	return nova_svc_errno(0);
}

struct nova_svc_status nova_svc_gem_publish(struct nova_svc_file *svc_file,
					    struct nova_svc_gem *gem,
					    struct nova_logic_gem *logic, __u32 *handle)
{
	struct drm_gem_object *obj = nova_gem_of(gem);
	int ret;

	to_nova_gem(obj)->logic = logic;
	ret = drm_gem_handle_create(nova_drm_file(svc_file), obj, handle);
	/* The handle holds the object now; on failure this frees it. */
	drm_gem_object_put(obj);
	return nova_svc_errno(nova_helper_alloc_errno(ret));
}

struct nova_svc_status nova_svc_gem_lookup(struct nova_svc_file *file, __u32 handle,
					   struct nova_svc_gem **gem)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(nova_drm_file(file), handle);

	if (!obj)
		return nova_svc_errno(-ENOENT);
	*gem = (struct nova_svc_gem *)obj;
	return nova_svc_errno(0);
}

void nova_svc_gem_get(struct nova_svc_gem *gem)
{
	drm_gem_object_get(nova_gem_of(gem));
}

void nova_svc_gem_put(struct nova_svc_gem *gem)
{
	drm_gem_object_put(nova_gem_of(gem));
}

__u64 nova_svc_gem_size(const struct nova_svc_gem *gem)
{
	return nova_gem_of(gem)->size;
}

struct nova_logic_gem *nova_svc_gem_logic(const struct nova_svc_gem *gem)
{
	struct drm_gem_object *obj = nova_gem_of(gem);

	if (obj->funcs != &nova_gem_funcs)
		return NULL;
	return to_nova_gem(obj)->logic;
}

struct nova_svc_status nova_svc_gem_mmap_offset(struct nova_svc_gem *gem, __u64 *offset)
{
	struct drm_gem_object *obj = nova_gem_of(gem);
	int ret;

	ret = drm_gem_create_mmap_offset(obj);
	if (ret)
		return nova_svc_errno(nova_helper_alloc_errno(ret));
	*offset = drm_vma_node_offset_addr(&obj->vma_node);
	return nova_svc_errno(0);
}

/* The exporter's pages of an imported object, from its sg table. */
static struct page **nova_gem_import_pages(struct nova_gem_object *nobj)
{
	size_t count = nobj->shmem.base.size >> PAGE_SHIFT;
	struct page **pages;

	pages = kvmalloc_array(count, sizeof(*pages), NOVA_GFP_CLIENT);
	if (!pages)
		return ERR_PTR(-ENOMEM);
	if (drm_prime_sg_to_page_array(nobj->shmem.sgt, pages, count)) {
		kvfree(pages);
		return ERR_PTR(-ENOMEM);
	}
	return pages;
}

struct nova_svc_status nova_svc_gem_make_resident(struct nova_svc_gem *gem)
{
	struct drm_gem_object *obj = nova_gem_of(gem);
	struct nova_gem_object *nobj = to_nova_gem(obj);
	struct page **pages;
	void *vaddr;
	int ret = 0;

	/* Pairs with the release below: a set pointer comes with its pages. */
	if (smp_load_acquire(&nobj->resident_vaddr))
		return nova_svc_errno(0);
	mutex_lock(&nobj->resident_lock);
	if (nobj->resident_vaddr)
		goto out;
	if (obj->import_attach) {
		pages = nova_gem_import_pages(nobj);
		ret = PTR_ERR_OR_ZERO(pages);
	} else {
		/*
		 * Pinned, not merely got: the pages must stay for as long as
		 * the vmap below (the shrinker must not take them), and a pin
		 * is what every kernel's shmem helper exports for that (later
		 * ones take the reservation lock inside).
		 */
		ret = drm_gem_shmem_pin(&nobj->shmem);
		pages = nobj->shmem.pages;
	}
	if (ret)
		goto out;
	vaddr = vmap(pages, obj->size >> PAGE_SHIFT, VM_MAP, PAGE_KERNEL);
	if (!vaddr) {
		if (obj->import_attach)
			kvfree(pages);
		else
			drm_gem_shmem_unpin(&nobj->shmem);
		ret = -ENOMEM;
		goto out;
	}
	nobj->resident = pages;
	/* Publishes the mapping made above to the lock-free readers. */
	smp_store_release(&nobj->resident_vaddr, vaddr);
out:
	mutex_unlock(&nobj->resident_lock);
	return nova_svc_errno(nova_helper_alloc_errno(ret));
}

void *nova_gem_resident_vaddr(struct nova_svc_gem *gem)
{
	/* Pairs with nova_svc_gem_make_resident()'s release. */
	return smp_load_acquire(&to_nova_gem(nova_gem_of(gem))->resident_vaddr);
}

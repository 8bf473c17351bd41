// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes of nova's GEM objects, files and devices on a registered
 * drm_device: the logic's accounting follows the real objects (freed object,
 * closed file, object that outlives its file or its device), and removing
 * the device the way rmmod does releases the logic; and the DRM device nova
 * binds to nova_core's virtual function.
 */

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/platform_device.h>

#include <kunit/test.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>

#include "nova_kunit.h"

#define PAGE	((u64)PAGE_SIZE)

static void expect_device(struct kunit *test, struct nova_kunit_dev *dev, u64 objects, u64 bytes,
			  u64 files)
{
	struct nova_logic_device_stats stats;

	nova_kunit_dev_stats(dev, &stats);
	KUNIT_EXPECT_EQ(test, stats.objects, objects);
	KUNIT_EXPECT_EQ(test, stats.object_bytes, bytes);
	KUNIT_EXPECT_EQ(test, stats.files, files);
}

static void freed_objects_return_their_accounting(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *file = nova_kunit_open(test, dev);
	struct nova_logic_file_stats fstats;
	u32 h1, h2;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(file, 2 * PAGE, &h1, NULL), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(file, PAGE, &h2, NULL), 0);
	expect_device(test, dev, 2, 3 * PAGE, 1);

	/* The handle held the only reference: closing it frees the object. */
	KUNIT_ASSERT_EQ(test, drm_gem_handle_delete(file->file, h1), 0);
	expect_device(test, dev, 1, PAGE, 1);
	KUNIT_ASSERT_EQ(test, drm_gem_handle_delete(file->file, h2), 0);
	expect_device(test, dev, 0, 0, 1);
	nova_kunit_file_stats(file, &fstats);
	KUNIT_EXPECT_EQ(test, fstats.objects, 0ULL);
	KUNIT_EXPECT_EQ(test, fstats.object_bytes, 0ULL);
}

static void closing_a_file_frees_its_objects(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *a = nova_kunit_open(test, dev);
	struct nova_kunit_file *b = nova_kunit_open(test, dev);
	u32 handle;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(a, PAGE, &handle, NULL), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(a, 4 * PAGE, &handle, NULL), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(b, 2 * PAGE, &handle, NULL), 0);
	expect_device(test, dev, 3, 7 * PAGE, 2);

	nova_kunit_close(a);
	expect_device(test, dev, 1, 2 * PAGE, 1);
	nova_kunit_close(b);
	expect_device(test, dev, 0, 0, 0);
}

static void an_object_outlives_its_file(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *file = nova_kunit_open(test, dev);
	struct nova_kunit_file *other = nova_kunit_open(test, dev);
	struct drm_gem_object *obj;
	u32 handle;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(file, 3 * PAGE, &handle, NULL), 0);
	/* Someone else holds the object, as an mmap or a dma-buf would. */
	obj = drm_gem_object_lookup(file->file, handle);
	KUNIT_ASSERT_NOT_NULL(test, obj);

	nova_kunit_close(file);
	/* Still accounted to the device, no longer to any file. */
	expect_device(test, dev, 1, 3 * PAGE, 1);

	/* The device's budget still counts it; other clients keep working. */
	KUNIT_EXPECT_EQ(test, nova_kunit_gem_create(other, PAGE, &handle, NULL), 0);
	expect_device(test, dev, 2, 4 * PAGE, 1);

	drm_gem_object_put(obj);
	expect_device(test, dev, 1, PAGE, 1);
}

static void removing_the_device_releases_the_logic(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *a = nova_kunit_open(test, dev);
	struct nova_kunit_file *b = nova_kunit_open(test, dev);
	u32 handle;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(a, PAGE, &handle, NULL), 0);
	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(b, 2 * PAGE, &handle, NULL), 0);

	/* Clients exit, then rmmod. */
	nova_kunit_close(a);
	nova_kunit_close(b);
	expect_device(test, dev, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, dev->releases, 0U);
	nova_kunit_dev_remove(dev);
	KUNIT_EXPECT_EQ(test, dev->releases, 1U);
}

static void an_object_outlives_the_device(struct kunit *test)
{
	struct nova_kunit_dev *dev = nova_kunit_dev_create(test, NULL);
	struct nova_kunit_file *file = nova_kunit_open(test, dev);
	struct drm_device *drm = dev->drm;
	struct drm_gem_object *obj;
	u32 handle;

	KUNIT_ASSERT_EQ(test, nova_kunit_gem_create(file, 2 * PAGE, &handle, NULL), 0);
	/* What an exported dma-buf holds: the object and the drm_device. */
	obj = drm_gem_object_lookup(file->file, handle);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	drm_dev_get(drm);

	nova_kunit_close(file);
	nova_kunit_dev_remove(dev);
	/* Unregistered, but not released: the accounting is intact. */
	KUNIT_EXPECT_EQ(test, dev->releases, 0U);
	expect_device(test, dev, 1, 2 * PAGE, 0);

	drm_gem_object_put(obj);
	expect_device(test, dev, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, dev->releases, 0U);
	drm_dev_put(drm);
	KUNIT_EXPECT_EQ(test, dev->releases, 1U);
}

/*
 * Built in, nova_core made one virtual function (kunit-run.sh boots with
 * nova_core.virtual_functions=1) and nova's initcall registered the
 * auxiliary driver that binds it: the function's auxiliary device is bound
 * to nova, and its DRM device is nova's, registered, parented on the
 * function's platform device (what libdrm enumerates) and importing through
 * the auxiliary device, whose DMA mask reaches everything.
 */
static void the_virtual_function_has_a_drm_device(struct kunit *test)
{
	struct nova_device *ndev;
	struct device *pdev, *adev;
	struct drm_device *drm;

	pdev = bus_find_device_by_name(&platform_bus_type, NULL, "nova_core_vf.0");
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	adev = device_find_child_by_name(pdev, "nova_core.drm.0");
	put_device(pdev);
	KUNIT_ASSERT_NOT_NULL(test, adev);

	device_lock(adev);
	KUNIT_EXPECT_NOT_NULL(test, adev->driver);
	if (adev->driver)
		KUNIT_EXPECT_STREQ(test, adev->driver->name, NOVA_DRIVER_NAME);
	ndev = adev->driver ? dev_get_drvdata(adev) : NULL;
	KUNIT_EXPECT_NOT_NULL(test, ndev);
	if (ndev) {
		drm = ndev->drm;
		KUNIT_EXPECT_STREQ(test, drm->driver->name, NOVA_DRIVER_NAME);
		KUNIT_EXPECT_TRUE(test, drm->registered);
		KUNIT_EXPECT_PTR_EQ(test, drm->dev, pdev);
		KUNIT_EXPECT_PTR_EQ(test, ndev->dma_dev, adev);
		KUNIT_EXPECT_EQ(test, dma_get_mask(adev), DMA_BIT_MASK(64));
		KUNIT_EXPECT_NOT_NULL(test, ndev->fn);
	}
	device_unlock(adev);
	put_device(adev);
}

static struct kunit_case nova_glue_gem_cases[] = {
	KUNIT_CASE(freed_objects_return_their_accounting),
	KUNIT_CASE(closing_a_file_frees_its_objects),
	KUNIT_CASE(an_object_outlives_its_file),
	KUNIT_CASE(removing_the_device_releases_the_logic),
	KUNIT_CASE(an_object_outlives_the_device),
	KUNIT_CASE(the_virtual_function_has_a_drm_device),
	{}
};

static struct kunit_suite nova_glue_gem_suite = {
	.name = "nova_glue_gem",
	.test_cases = nova_glue_gem_cases,
};

kunit_test_suite(nova_glue_gem_suite);

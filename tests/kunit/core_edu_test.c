// SPDX-License-Identifier: GPL-2.0
/*
 * nova_core's probe refuses what is not an edu function: the identification
 * register check (driver/nova-core/edu.c) as a function of the value read,
 * since UML has no edu device to read it from. Linked into nova_core.o.
 */

#include <linux/device.h>
#include <linux/err.h>

#include <kunit/test.h>

#include "nova-core/core.h"

/* The message names a device; a root device of the test's own is one. */
static int core_edu_init(struct kunit *test)
{
	struct device *dev = root_device_register("nova-kunit-edu");

	if (IS_ERR(dev))
		return PTR_ERR(dev);
	test->priv = dev;
	return 0;
}

static void core_edu_exit(struct kunit *test)
{
	root_device_unregister(test->priv);
}

static void qemus_edu_is_accepted(struct kunit *test)
{
	struct nova_function_info info = {};

	KUNIT_ASSERT_EQ(test, nova_edu_identify(test->priv, 0x010000ed, &info), 0);
	KUNIT_EXPECT_STREQ(test, info.name, "edu");
	KUNIT_EXPECT_EQ(test, info.major, 1);
	KUNIT_EXPECT_EQ(test, info.minor, 0);
	KUNIT_EXPECT_FALSE(test, info.is_virtual);
}

/* A minor revision only adds: still accepted, and reported. */
static void a_newer_minor_revision_is_accepted(struct kunit *test)
{
	struct nova_function_info info = {};

	KUNIT_ASSERT_EQ(test, nova_edu_identify(test->priv, 0x010700ed, &info), 0);
	KUNIT_EXPECT_EQ(test, info.major, 1);
	KUNIT_EXPECT_EQ(test, info.minor, 7);
}

static void a_wrong_identification_is_refused(struct kunit *test)
{
	/* Not edu's form: another device, a wrong BAR, a missing device. */
	static const u32 wrong[] = { 0, 0xffffffff, 0x010000ee, 0x12345678, 0x0100ed00 };
	struct nova_function_info info = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wrong); i++)
		KUNIT_EXPECT_EQ_MSG(test, nova_edu_identify(test->priv, wrong[i], &info), -ENODEV,
				    "identification 0x%08x", wrong[i]);
	/* A refusal fills in nothing. */
	KUNIT_EXPECT_NULL(test, info.name);
}

/* A new major revision may have changed the registers the driver uses. */
static void an_unknown_major_revision_is_refused(struct kunit *test)
{
	struct nova_function_info info = {};

	KUNIT_EXPECT_EQ(test, nova_edu_identify(test->priv, 0x020000ed, &info), -ENODEV);
	KUNIT_EXPECT_EQ(test, nova_edu_identify(test->priv, 0x000100ed, &info), -ENODEV);
	KUNIT_EXPECT_NULL(test, info.name);
}

static struct kunit_case nova_core_edu_cases[] = {
	KUNIT_CASE(qemus_edu_is_accepted),
	KUNIT_CASE(a_newer_minor_revision_is_accepted),
	KUNIT_CASE(a_wrong_identification_is_refused),
	KUNIT_CASE(an_unknown_major_revision_is_refused),
	{}
};

static struct kunit_suite nova_core_edu_suite = {
	.name = "nova_core_edu",
	.init = core_edu_init,
	.exit = core_edu_exit,
	.test_cases = nova_core_edu_cases,
};

kunit_test_suite(nova_core_edu_suite);

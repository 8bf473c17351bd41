// SPDX-License-Identifier: GPL-2.0
/*
 * The C layout pins, compiled in userspace: the same file the glue includes
 * (driver/include/nova_uapi_layout.h), here against libdrm's or the kernel's drm.h.
 * Compiling is the test: a moved field fails the build with its name.
 */
#include "nova_uapi_layout.h"

int main(void)
{
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
//
// The C++ layout pins, compiled in userspace: the same file the logic includes
// (driver/nova-drm/logic/uapi_layout.hpp). Compiling is the test.
#include "uapi_layout.hpp"

int main()
{
	return 0;
}

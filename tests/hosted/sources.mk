# SPDX-License-Identifier: GPL-2.0
#
# What the hosted builds share (included by tests/hosted/Makefile and
# tests/fuzz/Makefile, which set ROOT to the checkout first): the core's
# C++ sources, the kernel build's include paths, and the hosted services.

# The same C++ sources the Kbuild file compiles into nova.ko, except the
# kernel runtime (operator new/delete), which hosted_services.cpp replaces.
LOGIC := $(ROOT)/driver/nova-drm/logic
LOGIC_SRCS := $(addprefix $(LOGIC)/,device.cpp file.cpp gem/gem.cpp \
	queue/queue.cpp uapi/arrays.cpp vm/bind_queue.cpp vm/va_space.cpp vm/vm_bind.cpp) $(ROOT)/driver/cxx/intrusive_tree.cpp
# nova_core.ko's C++: the command engine, on a fake MMU instead of services.
ENGINE := $(ROOT)/driver/nova-core/engine
LOGIC_SRCS += $(addprefix $(ENGINE)/,decoder.cpp executor.cpp)

# The kernel build's include paths (Kbuild): the boundary headers, driver/
# for uapi/ and cxx/, and the logic's own folder.
INCLUDES := -I$(ROOT)/driver/include -I$(ROOT)/driver -I$(LOGIC) -I$(ROOT)/driver/uapi \
	$(shell pkg-config --cflags libdrm)

# The hosted services (nova_services.h, the bind queue, the engine's data
# movers), in tests/hosted; they report failures through
# hosted::report_failure() (failure.hpp), which each binary links in.
HOSTED := $(ROOT)/tests/hosted
HOSTED_SRCS := hosted_services.cpp hosted_bind_queue.cpp engine_movers.cpp

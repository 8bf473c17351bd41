// SPDX-License-Identifier: GPL-2.0
//
// The little C++ runtime nova's C++ needs, mapped onto the kernel services.
//
// Only the non-throwing allocation functions exist; see alloc.hpp for why the
// throwing ones must stay undefined. Deletion covers the sized variants that
// g++ emits for delete-expressions since C++14.
#include "cxx/alloc.hpp"

void *operator new(size_t size, const nova::MayFail &) noexcept
{
	return nova_svc_zalloc(size);
}

void operator delete(void *ptr) noexcept
{
	nova_svc_free(ptr);
}

void operator delete(void *ptr, size_t) noexcept
{
	nova_svc_free(ptr);
}

// Called if a pure virtual function is ever reached through a half-built or
// half-destroyed object: a bug in the logic.
// Declared first: kernels whose flags carry -Wmissing-declarations (6.12)
// want a prototype for every function with external linkage.
extern "C" void __cxa_pure_virtual();
extern "C" void __cxa_pure_virtual()
{
	nova_svc_invariant_failed(__FILE__, __LINE__, "pure virtual call");
}

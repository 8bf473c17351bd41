// SPDX-License-Identifier: GPL-2.0
//
// Fundamental types and helpers of the freestanding C++ support library.
//
// nova's C++ is built without libstdc++ (-nostdinc++ in the kernel), so the few
// pieces of <utility> and <type_traits> it needs live here, in namespace nova.
// Only uapi headers are included: <linux/types.h> and <linux/errno.h> resolve
// to include/uapi in the kernel build and to the libc's copies in userspace.
#pragma once

#include <stddef.h>
#include <linux/types.h>
#include <linux/errno.h>

#include "nova_services.h"

namespace nova {

using u32 = __u32;
using u64 = __u64;

template <typename T> struct RemoveReference { using Type = T; };
template <typename T> struct RemoveReference<T &> { using Type = T; };
template <typename T> struct RemoveReference<T &&> { using Type = T; };

template <typename T>
constexpr typename RemoveReference<T>::Type &&move(T &&value) noexcept
{
	return static_cast<typename RemoveReference<T>::Type &&>(value);
}

template <typename T>
constexpr T exchange(T &target, T replacement) noexcept
{
	T old = target;
	target = replacement;
	return old;
}

constexpr bool is_power_of_two(u64 value)
{
	return value != 0 && (value & (value - 1)) == 0;
}

constexpr bool is_aligned(u64 value, u64 alignment)
{
	return (value & (alignment - 1)) == 0;
}

// Rounds @value up to @alignment (a power of two). Returns false instead of
// wrapping around when the result does not fit in 64 bits.
[[nodiscard]] constexpr bool align_up(u64 value, u64 alignment, u64 *result)
{
	u64 mask = alignment - 1;

	if (value > ~0ull - mask)
		return false;
	*result = (value + mask) & ~mask;
	return true;
}

// Non-copyable base for types that own a resource.
class NoCopy {
public:
	NoCopy() = default;
	NoCopy(const NoCopy &) = delete;
	NoCopy &operator=(const NoCopy &) = delete;
};

} // namespace nova

// A broken invariant is a bug in the logic, never bad user input: report it
// loudly (WARN in the kernel, test failure when hosted) and carry on.
#define NOVA_ASSERT(expr)                                                 \
	do {                                                              \
		if (__builtin_expect(!(expr), 0))                         \
			nova_svc_invariant_failed(__FILE__, __LINE__, #expr); \
	} while (0)

// The kernel's WARN_ON idiom: reports a broken invariant and yields whether it
// was broken, so the caller can refuse to make things worse.
#define NOVA_WARN_ON(cond)                                                \
	({                                                                \
		bool _nova_broken = !!(cond);                             \
		if (__builtin_expect(_nova_broken, 0))                    \
			nova_svc_invariant_failed(__FILE__, __LINE__, #cond); \
		_nova_broken;                                             \
	})

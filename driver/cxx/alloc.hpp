// SPDX-License-Identifier: GPL-2.0
//
// Allocation in nova's C++: every allocation can fail and says so.
//
// `new (nova::may_fail) T(...)` calls the non-throwing operator new below,
// which goes through nova_svc_zalloc() and yields nullptr on failure; the
// compiler checks that result before running the constructor. The plain,
// throwing `new T` is deliberately left undefined: using it leaves an
// undefined _Znwm in nova.ko, which the module check rejects.
#pragma once

#include "cxx/types.hpp"

#if __has_include(<new>)
#include <new>
#else
// Placement new, normally from <new>, which a freestanding build lacks.
inline void *operator new(size_t, void *where) noexcept
{
	return where;
}
#endif

namespace nova {

struct MayFail {};
inline constexpr MayFail may_fail{};

} // namespace nova

void *operator new(size_t size, const nova::MayFail &) noexcept;

namespace nova {

// Sole owner of a heap object, like std::unique_ptr.
template <typename T> class Box : NoCopy {
public:
	Box() = default;
	explicit Box(T *ptr) : ptr_(ptr) {}
	Box(Box &&other) noexcept : ptr_(exchange(other.ptr_, static_cast<T *>(nullptr))) {}
	~Box() { delete ptr_; }

	T *get() const { return ptr_; }
	T *operator->() const { return ptr_; }
	T &operator*() const { return *ptr_; }
	explicit operator bool() const { return ptr_ != nullptr; }

	// Gives up ownership without destroying the object, once someone else
	// took it over.
	T *leak() { return exchange(ptr_, static_cast<T *>(nullptr)); }

private:
	T *ptr_ = nullptr;
};

// Sole owner of a heap array of default-constructed T, sized at run time.
//
// Not new T[n]: for a run-time length g++ checks the size computation and
// may call __cxa_throw_bad_array_new_length, a C++ runtime symbol. Here the
// overflow check is ours and a failure is an empty array.
template <typename T> class BoxArray : NoCopy {
public:
	BoxArray() = default;
	~BoxArray()
	{
		for (unsigned long i = 0; i < count_; i++)
			items_[i].~T();
		nova_svc_free(items_);
	}

	// False when memory runs out (or @count cannot be sized).
	[[nodiscard]] bool allocate(unsigned long count)
	{
		NOVA_ASSERT(!items_);
		if (count > ~0ul / sizeof(T))
			return false;
		items_ = static_cast<T *>(nova_svc_zalloc(count * sizeof(T)));
		if (!items_)
			return false;
		for (count_ = 0; count_ < count; count_++)
			new (&items_[count_]) T();
		return true;
	}

	unsigned long count() const { return count_; }
	T &operator[](unsigned long index) const
	{
		NOVA_ASSERT(index < count_);
		return items_[index];
	}

private:
	T *items_ = nullptr;
	unsigned long count_ = 0;
};

} // namespace nova

// SPDX-License-Identifier: GPL-2.0
//
// Shared ownership written into the types, after Zircon's fbl::RefPtr.
//
// A reference-counted class derives from RefCounted<Self>; it is born with
// one reference, which adopt_ref() hands to the first RefPtr. Copying a
// RefPtr takes a reference, destroying one drops it, and the last one
// deletes the object: nobody calls get() or put() by hand. A reference
// crosses to the C glue as a plain pointer with leak_ref() and comes back
// with adopt_ref(). The count has the kernel's refcount_t semantics
// (saturation, a warning on misuse) through the services.
#pragma once

#include "cxx/types.hpp"

namespace nova {

template <typename T> class RefPtr;

template <typename T> class RefCounted : NoCopy {
protected:
	RefCounted() { nova_svc_refcount_set(&refs_, 1); }
	~RefCounted() = default;

private:
	friend class RefPtr<T>;

	void add_ref() { nova_svc_refcount_inc(&refs_); }
	// True when the last reference went away.
	[[nodiscard]] bool release_ref() { return nova_svc_refcount_dec_and_test(&refs_) != 0; }

	nova_svc_refcount refs_;
};

template <typename T> class RefPtr {
public:
	RefPtr() = default;
	// A new reference on an object someone else keeps alive.
	explicit RefPtr(T *ptr) : ptr_(ptr)
	{
		if (ptr_)
			ptr_->add_ref();
	}
	RefPtr(const RefPtr &other) : RefPtr(other.ptr_) {}
	RefPtr(RefPtr &&other) noexcept : ptr_(exchange(other.ptr_, static_cast<T *>(nullptr))) {}
	RefPtr &operator=(RefPtr other) noexcept
	{
		T *old = exchange(ptr_, exchange(other.ptr_, static_cast<T *>(nullptr)));

		other.ptr_ = old; // dropped by @other's destructor
		return *this;
	}
	~RefPtr() { reset(); }

	T *get() const { return ptr_; }
	T *operator->() const { return ptr_; }
	T &operator*() const { return *ptr_; }
	explicit operator bool() const { return ptr_ != nullptr; }

	void reset()
	{
		T *old = exchange(ptr_, static_cast<T *>(nullptr));

		if (old && old->release_ref())
			delete old;
	}

	// Hands this reference over as a plain pointer (to the C glue).
	[[nodiscard]] T *leak_ref() { return exchange(ptr_, static_cast<T *>(nullptr)); }

	template <typename U> friend RefPtr<U> adopt_ref(U *ptr);

private:
	struct Adopt {};
	RefPtr(T *ptr, Adopt) : ptr_(ptr) {}

	T *ptr_ = nullptr;
};

// Takes over a reference nobody else owns: the one an object is born with,
// or one that leak_ref() handed to the glue. Null stays null.
template <typename T> [[nodiscard]] RefPtr<T> adopt_ref(T *ptr)
{
	return RefPtr<T>(ptr, typename RefPtr<T>::Adopt{});
}

} // namespace nova

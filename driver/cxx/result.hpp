// SPDX-License-Identifier: GPL-2.0
//
// Result<T>: a value or a negative errno, the only error channel of nova's C++.
//
// The kernel build has no exceptions; every fallible call returns a Result
// (Status when there is no value) or, for a kernel service, a
// nova_svc_status, and callers propagate failures with NOVA_TRY alone, so
// an error path costs one token and cannot be dropped silently
// ([[nodiscard]], warn_unused_result on the services).
#pragma once

#include "cxx/types.hpp"

namespace nova {

// A negative errno, wrapped so that it cannot be mistaken for a value.
struct Error {
	int code;
};

[[nodiscard]] constexpr Error error(int negative_errno)
{
	return Error{ negative_errno };
}

template <typename T> class [[nodiscard]] Result {
public:
	Result(T value) : value_(move(value)), error_(0) {}
	Result(Error err) : value_(), error_(err.code)
	{
		NOVA_ASSERT(err.code < 0);
	}

	bool ok() const { return error_ == 0; }
	int error() const { return error_; }

	T release_value()
	{
		NOVA_ASSERT(ok());
		return move(value_);
	}

private:
	T value_;
	int error_;
};

// Result<void>: success or an errno.
template <> class [[nodiscard]] Result<void> {
public:
	Result() : error_(0) {}
	Result(Error err) : error_(err.code)
	{
		NOVA_ASSERT(err.code < 0);
	}
	// What a kernel service answers, so that a Status function can return
	// a service call directly.
	Result(nova_svc_status status) : error_(status.error)
	{
		NOVA_ASSERT(status.error <= 0);
	}

	bool ok() const { return error_ == 0; }
	// 0 or the errno: what the glue returns to DRM.
	int error() const { return error_; }
	// Nothing: lets NOVA_TRY treat Status like any Result.
	void release_value() const {}

private:
	int error_;
};

using Status = Result<void>;

// What NOVA_TRY accepts: any Result as it is, and a service's status as the
// Status it stands for. Nothing else converts, so a plain int (a count, a
// size) cannot be mistaken for an errno.
template <typename T> Result<T> &&try_operand(Result<T> &&result)
{
	return move(result);
}

inline Status try_operand(nova_svc_status status)
{
	return Status(status);
}

} // namespace nova

// Evaluates a Result, a Status or a service call; on failure returns its
// error from the enclosing function, otherwise yields the value (nothing for
// a Status). A GNU statement expression, which both g++ and clang accept.
#define NOVA_TRY(expr)                                                  \
	({                                                              \
		auto _nova_result = ::nova::try_operand((expr));        \
		if (!_nova_result.ok())                                 \
			return ::nova::Error{ _nova_result.error() };   \
		_nova_result.release_value();                           \
	})

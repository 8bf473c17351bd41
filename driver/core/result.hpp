// SPDX-License-Identifier: GPL-2.0
//
// Result<T>: a value or a negative errno, the core's only error channel.
//
// The kernel build has no exceptions; every fallible call returns a Result
// and callers propagate failures with NOVA_TRY, so an error path costs one
// token and cannot be dropped silently ([[nodiscard]]).
#pragma once

#include "core/types.hpp"

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

	T &value()
	{
		NOVA_ASSERT(ok());
		return value_;
	}
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

	// Adapts the services' "0 or negative errno" convention.
	static Result from_errno(int ret)
	{
		return ret < 0 ? Result(Error{ ret }) : Result();
	}

	bool ok() const { return error_ == 0; }
	int error() const { return error_; }
	// The value the glue returns to DRM.
	int to_errno() const { return error_; }

private:
	int error_;
};

using Status = Result<void>;

} // namespace nova

// Evaluates a Result; on failure returns its error from the enclosing
// function, otherwise yields the value (GNU statement expression, which both
// g++ and clang accept).
#define NOVA_TRY(expr)                                              \
	({                                                          \
		auto _nova_result = (expr);                         \
		if (!_nova_result.ok())                             \
			return ::nova::Error{ _nova_result.error() }; \
		_nova_result.release_value();                       \
	})

// NOVA_TRY for Status, which carries no value.
#define NOVA_CHECK(expr)                                            \
	do {                                                        \
		auto _nova_status = (expr);                         \
		if (!_nova_status.ok())                             \
			return ::nova::Error{ _nova_status.error() }; \
	} while (0)

// SPDX-License-Identifier: GPL-2.0
//
// How the hosted services, fakes and models report a failure of the code
// under test, without naming a test framework: HOSTED_FAILURE() << "what";
// builds the message and hands it to hosted::report_failure(), which the
// binary links in: GoogleTest's non-fatal failure for the hosted tests
// (failure_gtest.cpp), a report and abort() for the fuzz targets
// (tests/fuzz/failure_abort.cpp), so that libFuzzer keeps the input.
#pragma once

#include <sstream>
#include <string>

namespace hosted {

void report_failure(const char *file, int line, const std::string &message);

// Reports what was streamed into it when the full expression ends.
class Failure {
public:
	Failure(const char *file, int line) : file_(file), line_(line) {}
	~Failure() { report_failure(file_, line_, out_.str()); }
	Failure(const Failure &) = delete;
	Failure &operator=(const Failure &) = delete;

	template <typename T> Failure &operator<<(const T &value)
	{
		out_ << value;
		return *this;
	}

private:
	const char *file_;
	int line_;
	std::ostringstream out_;
};

} // namespace hosted

#define HOSTED_FAILURE() ::hosted::Failure(__FILE__, __LINE__)
#define HOSTED_FAILURE_AT(file, line) ::hosted::Failure(file, line)

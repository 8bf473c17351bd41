// SPDX-License-Identifier: GPL-2.0
//
// hosted::report_failure() for the GoogleTest binaries: a non-fatal failure
// of the running test, at the place that reported it.
#include <gtest/gtest.h>

#include "failure.hpp"

void hosted::report_failure(const char *file, int line, const std::string &message)
{
	ADD_FAILURE_AT(file, line) << message;
}

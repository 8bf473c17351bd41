// SPDX-License-Identifier: GPL-2.0
//
// hosted::report_failure() for the fuzz targets: a broken invariant, a
// lock-discipline violation or an oracle mismatch is a finding, so it is
// printed and the process aborts, which libFuzzer (or the replay main)
// reports as a crash and keeps the input as its reproducer.
#include <cstdio>
#include <cstdlib>

#include "failure.hpp"

void hosted::report_failure(const char *file, int line, const std::string &message)
{
	std::fprintf(stderr, "%s:%d: finding: %s\n", file, line, message.c_str());
	std::abort();
}

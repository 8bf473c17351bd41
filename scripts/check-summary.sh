#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints one line per test suite (passed, failed, skipped) from the logs that
# `make check` saved, and a closing total. Exits non-zero when a suite failed
# or when a log has no result at all (a suite that ran no test is a failure).
set -euo pipefail

if [ "${1:-}" = "--help" ] || [ $# -eq 0 ]; then
	echo "usage: $0 SUITE=LOG..."
	echo "Summarizes GoogleTest logs, and logs with a 'SUITE: N passed, N failed' line."
	[ "${1:-}" = "--help" ]
	exit
fi

total_pass=0
total_fail=0
total_skip=0
status=0

for arg in "$@"; do
	suite=${arg%%=*}
	log=${arg#*=}
	pass= fail=0 skip=0
	if [ -f "$log" ]; then
		if line=$(grep -E '^\[==========\] [0-9]+ tests? from' "$log" | tail -n 1); then
			# GoogleTest: total ran, then FAILED and SKIPPED counts.
			ran=$(sed -E 's/^\[==========\] ([0-9]+) .*/\1/' <<<"$line")
			fail=$(sed -n -E 's/^\[  FAILED  \] ([0-9]+) tests?, listed below:.*/\1/p' "$log" | tail -n 1)
			skip=$(sed -n -E 's/^\[  SKIPPED \] ([0-9]+) tests?, listed below:.*/\1/p' "$log" | tail -n 1)
			fail=${fail:-0}
			skip=${skip:-0}
			pass=$((ran - fail - skip))
		elif line=$(grep -E "^$suite: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1); then
			pass=$(sed -E 's/^[^:]+: ([0-9]+) passed.*/\1/' <<<"$line")
			fail=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
			skip=$(sed -n -E 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")
			skip=${skip:-0}
		fi
	fi
	if [ -z "$pass" ]; then
		echo "$suite: no result (see $log)"
		status=1
		continue
	fi
	printf '%s: %d passed, %d failed, %d skipped\n' "$suite" "$pass" "$fail" "$skip"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	[ "$fail" -eq 0 ] || status=1
done

printf 'total: %d passed, %d failed, %d skipped\n' "$total_pass" "$total_fail" "$total_skip"
exit $status

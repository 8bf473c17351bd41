#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Checks igt_nova.h against the real libigt.so.0: runs each subtest of
# igt_api_selftest and compares its result line, exit code and messages with
# what igt 1.27 prints when every prototype, value and macro shape is right.
# A wrong prototype shows up here as a wrong file, line, value or message.
set -uo pipefail

usage() {
	cat <<EOF
Usage: tests/igt/check-api.sh [--help] SELFTEST_BINARY

Runs igt_api_selftest's subtests one by one (--run-subtest) and checks their
results, exit codes and messages, plus --list-subtests, --describe,
--help-description, --dynamic-subtest, --debug and an unknown subtest name.
Needs no device. With IGT_FORCE_DRIVER=vgem in the environment and vgem
loaded (in the guest), also checks the DRIVER_ANY and DRIVER_VGEM masks.
Exit status 0 when every check passes.
EOF
}

case ${1:-} in
-h | --help)
	usage
	exit 0
	;;
"")
	usage >&2
	exit 2
	;;
esac

bin=$1
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/igt_api_selftest.c
[[ -x $bin ]] || {
	echo "check-api: $bin is not an executable" >&2
	exit 2
}
[[ -f $src ]] || {
	echo "check-api: $src is missing" >&2
	exit 2
}

passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); }
bad() {
	failed=$((failed + 1))
	echo "check-api: FAIL: $*"
}

# The line of the first source line containing the fixed string $1.
line_of() {
	local n
	n=$(grep -nF -- "$1" "$src" | head -n1 | cut -d: -f1)
	[[ -n $n ]] || {
		echo "check-api: '$1' not found in $src" >&2
		exit 2
	}
	echo "$n"
}

# run NAME [ARGS...]: runs the selftest, stdout in $tmp/out, stderr in $tmp/err.
run() {
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# expect_text WHAT STREAM TEXT: STREAM (out|err) holds TEXT (fixed string);
# '!' before TEXT: does not hold it.
expect_text() {
	local what=$1 stream=$2 text=$3
	if [[ $text == '!'* ]]; then
		text=${text#!}
		if grep -qF -- "$text" "$tmp/$stream"; then
			bad "$what: std$stream has '$text'"
		else
			ok
		fi
	elif grep -qF -- "$text" "$tmp/$stream"; then
		ok
	else
		bad "$what: std$stream lacks '$text'"
		sed 's/^/    | /' "$tmp/$stream" | head -n 20
	fi
}

# subtest NAME RC RESULT [STREAM:TEXT...]: --run-subtest NAME exits with RC,
# prints "Subtest NAME: RESULT" and every TEXT on its STREAM.
subtest() {
	local name=$1 want_rc=$2 result=$3
	shift 3
	run --run-subtest "$name"
	if [[ $rc -eq $want_rc ]]; then ok; else bad "$name: exit code $rc, expected $want_rc"; fi
	expect_text "$name" out "Subtest $name: $result ("
	local spec
	for spec in "$@"; do
		expect_text "$name" "${spec%%:*}" "${spec#*:}"
	done
}

file=igt_api_selftest.c

# --- every subtest on its own ------------------------------------------------

subtest pass 0 SUCCESS
subtest fail-assert 98 FAIL \
	"err:Test assertion failure function nova_igt_main_body" \
	"err:$file:$(line_of 'igt_assert_eq(fixture_value + 1, 3);'):" \
	"err:Failed assertion: fixture_value + 1 == 3" \
	"err:error: 43 != 3"
subtest fail-assert-f 98 FAIL \
	"err:$file:$(line_of 'custom message %d'):" \
	"err:Failed assertion: fixture_value == 0" \
	"err:custom message 7 seven 0x123456789abcdef0"
subtest fail-u64 98 FAIL "err:error: 0x123456789abcdef0 != 0xfedcba987654321"
subtest fail-s64 98 FAIL "err:error: -5 != 5"
subtest fail-errno 98 FAIL "err:Last errno: 2, No such file or directory"
subtest fail-direct 98 FAIL
subtest skip-require 77 SKIP \
	"out:Test requirement not met in function nova_igt_main_body" \
	"out:$file:$(line_of 'igt_require(fixture_value == 0);'):" \
	"out:Test requirement: fixture_value == 0"
subtest skip-require-f 77 SKIP "out:skip reason 77 marker"
subtest skip-on 77 SKIP "out:Test requirement: !(fixture_value == 42)"
subtest skip-explicit 77 SKIP "out:explicit skip marker 0xfedcba987654321"
subtest formatted-7-name 0 SUCCESS
subtest dynamic-pass 0 SUCCESS \
	"out:Dynamic subtest one: SUCCESS" "out:Dynamic subtest two-2: SUCCESS"
subtest dynamic-mixed 98 FAIL \
	"out:Dynamic subtest ok: SUCCESS" "out:Dynamic subtest bad: FAIL" \
	"out:Dynamic subtest skipped: SKIP" "out:Dynamic subtest after: SUCCESS" \
	"err:error: 42 != 43"
subtest dynamic-none 77 SKIP "out:No dynamic tests executed."
subtest dynamic-require 77 SKIP "out:dynamic container skip" "out:!Dynamic subtest never"
subtest log-levels 0 SUCCESS \
	"out:info-marker 2 0x123456789abcdef0" "err:WARNING: warn-marker 3" \
	"out:!debug-marker" "err:!debug-marker"
subtest ioctl-hook 0 SUCCESS
subtest exit-handler 0 SUCCESS "out:exit-handler-marker sig 0"
if [[ $(grep -c exit-handler-marker "$tmp/out") -eq 1 ]]; then
	ok
else
	bad "exit-handler: the handler installed twice did not run exactly once"
fi
subtest group-skipped 77 SKIP "out:group fixture skip marker"
subtest group-failed 0 SUCCESS
subtest after-groups 0 SUCCESS
if [[ ${IGT_FORCE_DRIVER:-} == vgem ]]; then
	# drm_open_driver() prints the mask with "0x%u": DRIVER_ANY is ~4.
	subtest drm-driver-any 77 SKIP \
		"out:No known gpu found for chipset flags 0x4294967291 (any)"
else
	subtest drm-driver-any 77 SKIP "out:needs IGT_FORCE_DRIVER=vgem"
fi

# A failing fixture fails the subtests of its group.
export NOVA_IGT_SELFTEST_FAIL_FIXTURE=1
subtest group-failed 98 FAIL "err:group fixture failure marker"
unset NOVA_IGT_SELFTEST_FAIL_FIXTURE

# --- options -----------------------------------------------------------------

expected_list=(pass fail-assert fail-assert-f fail-u64 fail-s64 fail-errno fail-direct
	skip-require skip-require-f skip-on skip-explicit formatted-7-name dynamic-pass
	dynamic-mixed dynamic-none dynamic-require log-levels ioctl-hook exit-handler group-skipped
	group-failed after-groups drm-driver-any)
run --list-subtests
mapfile -t listed <"$tmp/out"
if [[ $rc -eq 0 && "${listed[*]}" == "${expected_list[*]}" ]]; then
	ok
else
	bad "--list-subtests: exit code $rc, list: ${listed[*]}"
fi

run --describe=pass
expect_text --describe out "SUB pass "
expect_text --describe out "$file:$(line_of 'igt_subtest("pass")'):"
expect_text --describe out "describe-marker-pass"
run --describe=group-skipped
expect_text --describe out "describe-marker-group"

run --help-description
expect_text --help-description out "selftest-description-marker"

run --run-subtest does-not-exist
if [[ $rc -eq 79 ]]; then ok; else bad "unknown subtest: exit code $rc, expected 79"; fi

run --run-subtest 'skip-*'
if [[ $rc -eq 77 ]]; then ok; else bad "only skips: exit code $rc, expected 77"; fi

run --run-subtest dynamic-mixed --dynamic-subtest after
if [[ $rc -eq 0 ]]; then ok; else bad "--dynamic-subtest after: exit code $rc, expected 0"; fi
expect_text --dynamic-subtest out "Dynamic subtest after: SUCCESS"
expect_text --dynamic-subtest out "!Dynamic subtest bad"

run --run-subtest log-levels --debug
expect_text --debug out "DEBUG: debug-marker 1"

# Everything at once: some failures, so igt's failure code.
run
if [[ $rc -eq 98 ]]; then ok; else bad "full run: exit code $rc, expected 98"; fi
for result in SUCCESS:8 FAIL:7 SKIP:8; do
	n=$(grep -c "^Subtest .*: ${result%:*} (" "$tmp/out")
	if [[ $n -eq ${result#*:} ]]; then
		ok
	else
		bad "full run: $n subtests ${result%:*}, expected ${result#*:}"
	fi
done

echo "igt-api: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

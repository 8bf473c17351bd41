#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest: nova-demo, judged by its exit status and by what
# it printed. With uAPI version 4 (queues and EXEC) the GPU part must have
# run: its result verified word by word (FILL, COPY, STORE32, TIMESTAMP)
# and the fault reported as the header documents; nova-demo exits non-zero
# when the GPU-written data is wrong, and a run that skipped the GPU part
# on a uAPI 4 driver fails here too.
set -u

if [ "${1:-}" = "--help" ] || [ $# -lt 1 ]; then
	echo "usage: $0 USERSPACE_BUILD_DIR [NOVA_DEMO_ARGS...]"
	echo "Runs nova-demo and checks its exit status and its GPU lines;"
	echo "prints 'nova-demo: N passed, N failed'."
	[ "${1:-}" = "--help" ]
	exit
fi

bin=$1
shift
out=${TMPDIR:-/tmp}/nova-demo.out
passed=0
failed=0

check() {
	name=$1
	shift
	if "$@"; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}

"$bin/nova-demo" "$@" >"$out" 2>&1
rc=$?
cat "$out"
check nova_demo_exit_status [ "$rc" = 0 ]
check nova_demo_done grep -q '^Done\.$' "$out"
uapi=$("$bin/novainfo" --json | python3 -c \
	'import json, sys; print(json.load(sys.stdin)["devices"][0]["uapi_version"])')
if [ "${uapi:-0}" -ge 4 ]; then
	check nova_demo_gpu_result grep -q 'GPU result verified: FILL, COPY, STORE32 and TIMESTAMP' "$out"
	check nova_demo_gpu_fault grep -q 'GPU fault reported: UNMAPPED WRITE' "$out"
else
	echo "skip nova_demo_gpu: the driver's uAPI version is ${uapi:-unknown}, EXEC needs 4"
fi
echo "nova-demo: $passed passed, $failed failed"
[ "$failed" = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest (busybox sh; python3 comes from the host's root,
# shared over 9p): novainfo --json must be valid JSON (python3 -m json.tool)
# and must describe the nova device with every parameter libnova knows.
set -u

if [ "${1:-}" = "--help" ] || [ $# != 1 ]; then
	echo "usage: $0 USERSPACE_BUILD_DIR"
	echo "Checks novainfo --json with python3 -m json.tool and the device's fields;"
	echo "prints 'novainfo-json: N passed, N failed'."
	[ "${1:-}" = "--help" ]
	exit
fi

bin=$1
out=${TMPDIR:-/tmp}/novainfo.json
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

check novainfo_json_runs sh -c "'$bin/novainfo' --json > '$out'"
check novainfo_json_valid sh -c "python3 -m json.tool '$out' > /dev/null"
# Every parameter of the text listing appears in the JSON with a value.
check novainfo_json_fields python3 - "$out" "$bin/novainfo" <<'PY'
import json, subprocess, sys
doc = json.load(open(sys.argv[1]))
devices = doc["devices"] if isinstance(doc, dict) else doc
assert devices, "no device listed"
dev = devices[0]
assert dev["driver"] == "nova", dev["driver"]
assert dev["uapi_version"] >= 1
text = subprocess.run([sys.argv[2]], capture_output=True, text=True, check=True).stdout
lines = [line for line in text.splitlines() if "(0x" in line]
names = [line.split()[0] for line in lines]
assert names, "the text listing shows no parameter"
for line, name in zip(lines, names):
    assert name in dev["parameters"], name + " missing from the JSON"
    if "not reported by the driver" in line:  # a later uAPI's parameter
        assert dev["parameters"][name] is None, name + " has a value the text lacks"
    else:
        assert isinstance(dev["parameters"][name], int), name + " has no value"
# uAPI 4's queues and command engine: every one of its parameters reported.
if dev["uapi_version"] >= 4:
    for name in ("MAX_QUEUES", "EXEC_MAX_CMDBUFS", "EXEC_MAX_SYNCS", "MAX_CMDBUF_SIZE",
                 "JOB_TIMEOUT_MS", "CALL_MAX_DEPTH", "QUEUE_MAX_JOBS",
                 "TIMESTAMP_FREQUENCY"):
        assert isinstance(dev["parameters"].get(name), int), name + " not reported"
    assert dev["parameters"]["MAX_QUEUES"] >= 1
    assert dev["parameters"]["TIMESTAMP_FREQUENCY"] == 1000000000
assert dev["parameters"]["PAGE_SIZE"] >= 4096
assert dev["bo_cache"]["enabled"] in (True, False)
PY
echo "novainfo-json: $passed passed, $failed failed"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Proves that "make check-abi" can fail: builds scratch copies of libnova
# with deliberate ABI breaks and expects check-abi to refuse each one.
set -euo pipefail

usage() {
	cat <<EOF2
Usage: $0 [--help] WORKDIR

Copies userspace/ and driver/uapi/ into WORKDIR (wiped first), then, one
at a time, applies a deliberate ABI break to libnova and runs check-abi
there, which must fail:
  field    a field of struct nova_bo_cache_stats changes type (uint64 -> uint32)
  return   nova_bo_size() returns uint32_t instead of uint64_t
  removed  nova_bo_ref() is no longer exported
Exit status 0 when check-abi refused every break, 1 otherwise.
EOF2
}

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	usage
	exit 0
fi
if [ $# != 1 ]; then
	usage >&2
	exit 2
fi

work=$1
here=$(cd "$(dirname "$0")/../../.." && pwd)
failures=0

run_break() {
	local name=$1
	shift
	rm -rf "${work:?}/$name"
	mkdir -p "$work/$name"
	mkdir -p "$work/$name/driver"
	cp -r "$here/userspace" "$work/$name/"
	cp -r "$here/driver/uapi" "$work/$name/driver/"
	(cd "$work/$name/userspace" && "$@")
	if make --no-print-directory -C "$work/$name/userspace" O="$work/$name/build" \
		check-abi >"$work/$name.log" 2>&1; then
		echo "abi-break: FAIL $name: check-abi accepted a broken ABI (log: $work/$name.log)"
		failures=$((failures + 1))
	elif ! grep -q "^abi: \(INCOMPATIBLE\|ABI CHANGED\)" "$work/$name.log"; then
		echo "abi-break: FAIL $name: check-abi failed for another reason (log: $work/$name.log)"
		failures=$((failures + 1))
	else
		echo "abi-break: ok $name: $(grep '^abi: \(INCOMPATIBLE\|ABI CHANGED\)' "$work/$name.log")"
	fi
}

field() {
	sed -i 's/^\tuint64_t hits;/\tuint32_t hits;/' libnova/include/nova/nova.h
}
return_type() {
	sed -i 's/^uint64_t nova_bo_size(/uint32_t nova_bo_size(/' libnova/include/nova/nova.h
	sed -i 's/^NOVA_EXPORT uint64_t nova_bo_size(/NOVA_EXPORT uint32_t nova_bo_size(/' libnova/src/bo.c
}
removed() {
	# Renamed: the old name is gone from the library (callers would not link).
	sed -i 's/nova_bo_ref(/nova_bo_ref_renamed(/' libnova/include/nova/nova.h libnova/src/bo.c
	sed -i 's/nova_bo_ref;/nova_bo_ref_renamed;/' libnova/libnova.map
}

rm -rf "$work"
mkdir -p "$work"
echo "abi-break: scratch copies in $work, each built and checked against the baseline"
run_break field field
run_break return return_type
run_break removed removed
rm -rf "$work"/*/build
if [ "$failures" != 0 ]; then
	echo "abi-break: $failures deliberate breaks were not caught"
	exit 1
fi
echo "abi-break: 3 deliberate breaks, all refused by check-abi"

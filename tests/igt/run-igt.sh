#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Runs nova's igt tests the way igt_runner does: each subtest of each binary
# in its own process (--run-subtest), its result taken from igt's output and
# exit code. Meant to run where nova_core.ko and nova.ko are loaded, e.g. in
# the guest:
#
#   scripts/guest-run.sh --module nova_core.ko --module nova.ko \
#           --env IGT_FORCE_DRIVER=nova -- \
#           tests/igt/run-igt.sh build/igt
set -uo pipefail

usage() {
	cat <<EOF
Usage: tests/igt/run-igt.sh [OPTIONS] BINDIR [BINARY...]

Runs every subtest of every igt binary BINDIR/nova_* (or only the BINARY
names given), one process per subtest, and prints one summary line per
binary and a total line:
  igt: N passed, N failed, N skipped

A subtest passes on "Subtest NAME: SUCCESS" with exit code 0, skips on SKIP
with 77, and fails on FAIL with 98. Anything else (a crash, a timeout, an
unexpected exit code, a missing or contradicting result line) is a failure.
The output of every failed subtest is printed.

IGT_FORCE_DRIVER defaults to nova, so that igt's drm_open_driver(DRIVER_ANY)
picks nova among the guest's DRM devices (virtio_gpu, vgem).

Options:
  -v, --verbose      print every subtest's result, with dynamic subtests
  --timeout SEC      kill a subtest after SEC seconds (default 120)
  --results DIR      keep each subtest's output in DIR/BINARY/SUBTEST.txt
  -h, --help         this text

Exit status: 0 when nothing failed (skips are fine), 1 when a subtest failed
or a binary could not list its subtests, 2 on a usage error.
EOF
}

verbose=0
timeout_s=120
results=
opts=$(getopt -n run-igt -o hv -l help,verbose,timeout:,results: -- "$@") || {
	usage >&2
	exit 2
}
eval set -- "$opts"
while [[ $1 != -- ]]; do
	case $1 in
	-v | --verbose) verbose=1 ;;
	--timeout) timeout_s=$2 && shift ;;
	--results) results=$2 && shift ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done
shift
bindir=${1:-}
only=("${@:2}")
if [[ -z $bindir || ! -d $bindir ]]; then
	echo "run-igt: no such directory: ${bindir:-(none given)}" >&2
	usage >&2
	exit 2
fi

export IGT_FORCE_DRIVER=${IGT_FORCE_DRIVER:-nova}

bins=()
if [[ ${#only[@]} -gt 0 ]]; then
	for b in "${only[@]}"; do bins+=("$bindir/$b"); done
else
	for b in "$bindir"/nova_*; do
		[[ -f $b && -x $b ]] && bins+=("$b")
	done
fi
if [[ ${#bins[@]} -eq 0 ]]; then
	echo "run-igt: no igt binaries (nova_*) in $bindir" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/run-igt.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Under TCG every exec costs a good part of a second: the per-subtest loop
# below uses bash builtins only, apart from timeout(1) and the test itself.
now_ms() { local us=${EPOCHREALTIME/./}; echo $((us / 1000)); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
# indent FILE: the file's lines, prefixed for the log.
indent() {
	local l
	while IFS= read -r l || [[ -n $l ]]; do echo "    | $l"; done <"$1"
}

total_pass=0
total_fail=0
total_skip=0
broken=0
start_all=$(now_ms)
echo "run-igt: IGT_FORCE_DRIVER=$IGT_FORCE_DRIVER, ${#bins[@]} binaries from $bindir"

for bin in "${bins[@]}"; do
	name=${bin##*/}
	if [[ ! -x $bin ]]; then
		echo "$name: not an executable"
		broken=1
		continue
	fi
	# libigt.so.0 pulls in some forty libraries: say which one is missing
	# rather than letting each subtest die in the dynamic loader.
	ldd "$bin" >"$work/ldd" 2>&1
	if grep -q 'not found' "$work/ldd"; then
		echo "$name: unresolved libraries:"
		grep 'not found' "$work/ldd"
		broken=1
		continue
	fi
	if ! "$bin" --list-subtests >"$work/list" 2>"$work/list.err"; then
		echo "$name: --list-subtests failed"
		indent "$work/list.err"
		broken=1
		continue
	fi
	mapfile -t subtests <"$work/list"
	if [[ ${#subtests[@]} -eq 0 ]]; then
		echo "$name: lists no subtests"
		broken=1
		continue
	fi

	pass=0
	fail=0
	skip=0
	dynamic=0
	start_bin=$(now_ms)
	out=$work/out
	for sub in "${subtests[@]}"; do
		t0=$(now_ms)
		timeout -k 5 "$timeout_s" "$bin" --run-subtest "$sub" >"$out" 2>&1
		rc=$?
		ms=$(($(now_ms) - t0))
		result=
		dyn_lines=()
		while IFS= read -r l; do
			if [[ $l =~ ^Subtest\ ([^ ]+):\ ([A-Z]+) && ${BASH_REMATCH[1]} == "$sub" ]]; then
				result=${BASH_REMATCH[2]}
			elif [[ $l =~ ^Dynamic\ subtest\ ([^ ]+):\ ([A-Z]+) ]]; then
				dyn_lines+=("${BASH_REMATCH[1]}: ${BASH_REMATCH[2]}")
			fi
		done <"$out"
		dynamic=$((dynamic + ${#dyn_lines[@]}))
		case "$rc:$result" in
		0:SUCCESS) verdict=pass ;;
		77:SKIP) verdict=skip ;;
		98:FAIL) verdict=fail ;;
		124:* | 137:*) verdict=fail result="TIMEOUT after ${timeout_s}s" ;;
		*) verdict=fail result="${result:-no result line}, exit code $rc" ;;
		esac
		case $verdict in
		pass) pass=$((pass + 1)) ;;
		skip) skip=$((skip + 1)) ;;
		fail) fail=$((fail + 1)) ;;
		esac
		if [[ $verbose -eq 1 || $verdict == fail ]]; then
			echo "  $name/$sub: $result ($(secs "$ms")s)"
			if [[ $verbose -eq 1 ]]; then
				for l in "${dyn_lines[@]}"; do echo "    $l"; done
			fi
		fi
		if [[ $verdict == fail ]]; then
			indent "$out"
		fi
		if [[ -n $results ]]; then
			mkdir -p "$results/$name"
			cp "$out" "$results/$name/$sub.txt"
		fi
	done
	echo "$name: $pass passed, $fail failed, $skip skipped" \
		"($((pass + fail + skip)) subtests, $dynamic dynamic, $(secs $(($(now_ms) - start_bin)))s)"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
done

echo "run-igt: finished in $(secs $(($(now_ms) - start_all)))s"
echo "igt: $total_pass passed, $total_fail failed, $total_skip skipped"
[[ $total_fail -eq 0 && $broken -eq 0 ]]

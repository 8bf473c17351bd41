#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs one libFuzzer target of tests/fuzz (the Makefile's check, fuzz and
# merge), on its seed corpus (corpus/NAME) and dictionary (NAME.dict):
#
#   run-target.sh --runs N --seed S NAME BINARY WORKDIR [LIBFUZZER-OPTION...]
#   run-target.sh --seconds S NAME BINARY WORKDIR [LIBFUZZER-OPTION...]
#   run-target.sh --merge NAME BINARY WORKDIR [LIBFUZZER-OPTION...]
#
# New inputs go to WORKDIR/corpus (emptied first by --runs), never into the
# checkout; a finding's input to WORKDIR/artifacts/, and the command that
# replays it is printed. libFuzzer's whole output is in WORKDIR/fuzz.log;
# its progress lines (each power of two of executions) and the finding
# come through. The last line, "fuzz-NAME: P passed, F failed", is what
# scripts/check-summary.py records. --merge minimises corpus/NAME together
# with WORKDIR/corpus (what --seconds found) into corpus/NAME (-merge=1).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=
value=
seed=0
while [ $# -gt 0 ]; do
	case $1 in
	--runs | --seconds) mode=${1#--}; value=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--merge) mode=merge; shift ;;
	*) break ;;
	esac
done
if [ -z "$mode" ] || [ $# -lt 3 ]; then
	sed -n '4,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
fi
name=$1 binary=$2 work=$3
shift 3
seeds=$here/corpus/$name
dict=$here/$name.dict
log=$work/fuzz.log
mkdir -p "$work/corpus" "$work/artifacts"

if [ "$mode" = merge ]; then
	fresh=$work/merged
	rm -rf "$fresh" && mkdir -p "$fresh"
	# Edges only, not their hit counts: a seed corpus of tens of files,
	# not hundreds.
	"$binary" -merge=1 -use_counters=0 "$@" "$fresh" "$seeds" "$work/corpus" >"$log" 2>&1 || {
		tail -n 20 "$log" >&2
		exit 1
	}
	rm -f "$seeds"/* && cp "$fresh"/* "$seeds"/
	echo "fuzz-$name: corpus/$name: $(find "$seeds" -type f | wc -l) inputs," \
		"$(du -sb "$seeds" | cut -f1) bytes"
	exit 0
fi

# A stale finding from an earlier run would mislead: the artifacts start
# empty. A check starts from the seed corpus alone, so that the same build
# runs the same inputs every time; a long run goes on from the last one's.
rm -f "$work"/artifacts/*
case $mode in
runs)
	rm -rf "$work/corpus" && mkdir -p "$work/corpus"
	limit=(-runs="$value" -seed="$seed")
	;;
seconds) limit=(-max_total_time="$value") ;;
esac
# UBSan's reports with their stack, and fatal (as -fno-sanitize-recover).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "[fuzz] $name: ${limit[*]} (log: $log)"
start=$SECONDS
"$binary" "${limit[@]}" -dict="$dict" -artifact_prefix="$work/artifacts/" \
	-detect_leaks=1 -timeout=20 -print_final_stats=1 "$@" "$work/corpus" "$seeds" \
	>"$log" 2>&1 &
pid=$!
# Progress: libFuzzer's pulse lines, as they come.
tail -n +1 --pid=$pid -f "$log" 2>/dev/null |
	grep --line-buffered -E '^#[0-9]+[[:space:]]+(INITED|pulse|DONE)' | sed -u "s/^/  $name: /" &
wait $pid
status=$?
wait # the progress lines' tail, which ends within a second of the fuzzer
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
echo "  $name: ${execs:-?} executions in $((SECONDS - start)) s (${rate:-?} exec/s)"
found=$(find "$work/artifacts" -type f | head -n 1)
if [ "$status" -ne 0 ] || [ -n "$found" ]; then
	# The oracle's message, or the sanitizer's report and where it came from.
	sed -n '/finding:/,/ERROR: libFuzzer/p' "$log" | head -n 30
	grep -E -m 1 -A 14 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log"
	grep -E -m 1 '^SUMMARY:' "$log"
	echo "  $name: FAILED (exit $status); reproducer: ${found:-none written}"
	[ -n "$found" ] && echo "  replay: $binary $found"
	echo "fuzz-$name: 0 passed, 1 failed"
	exit 1
fi
echo "fuzz-$name: 1 passed, 0 failed"

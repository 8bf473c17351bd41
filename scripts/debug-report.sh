#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints the figures of a debug-kernel run (make check-debug) from the
# guest's output dir and the run's log, and fails when the kernel reported
# anything: KASAN, lockdep, UBSAN, kmemleak, debug-objects, warnings, bugs.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ ${1:-} == --help || $# -ne 2 ]]; then
	echo "usage: $0 GUEST_OUT_DIR LOG"
	echo "Counts KASAN/lockdep/UBSAN/kmemleak/other reports in GUEST_OUT_DIR/dmesg.txt and"
	echo "kmemleak.txt, prints them with the fuzz and stress figures from LOG; exit 1 on any report."
	[[ ${1:-} == --help ]]
	exit
fi
out=$1
log=$2
dmesg=$out/dmesg.txt
kml=$out/kmemleak.txt

count() { grep -cE "$1" "$dmesg" 2>/dev/null || true; }
if [[ ! -f $dmesg ]]; then
	echo "debug-report: no $dmesg: the guest did not finish" >&2
	exit 1
fi
kasan=$(count "$REPORT_KASAN")
lockdep=$(count "$REPORT_LOCKDEP")
ubsan=$(count "$REPORT_UBSAN")
debugobj=$(count "$REPORT_ODEBUG")
# Objects listed in kmemleak.txt; without that file, kmemleak's own count in dmesg.
if [[ -f $kml ]]; then
	kmemleak=$(grep -c '^unreferenced object' "$kml" || true)
else
	kmemleak=$(count 'kmemleak: [0-9]+ new suspected memory leaks')
fi
# Every other kernel report, minus the lines already counted above (a
# lockdep or debug-objects report opens with a WARNING: line of its own).
other=$(grep -E "$REPORT_OTHER" "$dmesg" |
	grep -cvE "KASAN|$REPORT_LOCKDEP|$REPORT_ODEBUG|debugobjects" || true)
scanned=no
[[ -f $kml ]] && scanned=yes

checkers=$(grep -oE 'KernelAddressSanitizer initialized|kmemleak: Kernel memory leak detector initialized|Lock dependency validator' "$dmesg" | sort -u | tr '\n' ' ' || true)
echo "debug-report: kernel $(sed -n 's/^.*Linux version \([^ ]*\).*$/\1/p' "$dmesg" | head -n1), checkers seen at boot: ${checkers:-none}"
# The fuzzer's figures: its run's, or each job's ("[k] ...") and their total (--jobs).
grep -E '^(\[[0-9]+\] )?nova-fuzz: ([0-9]+ iterations, |[0-9]+ jobs, [0-9]+ iterations in |unplug events: [0-9]+ of)' \
	"$log" | sed 's/^/debug-report: /' || true
grep -E '^nova-stress: (ran|[0-9]+ operations)' "$log" | tail -n 2 | sed 's/^/debug-report: /' || true
# What a failed stress run objected to: a CI log shows only this summary.
grep -E '^nova-stress\[[0-9]+\]: ' "$log" | sort | uniq -c | sort -rn | head -n 10 |
	sed 's/^/debug-report: /' || true
grep -E '^debug-load-cycles:' "$log" | tail -n 1 | sed 's/^/debug-report: /' || true
echo "debug-report: reports: KASAN $kasan, lockdep $lockdep, UBSAN $ubsan, debug-objects $debugobj, kmemleak $kmemleak (scan after the clients exited: $scanned), other warnings $other"
total=$((kasan + lockdep + ubsan + debugobj + kmemleak + other))
if [[ $total -ne 0 ]]; then
	echo "debug-report: FAIL: $total kernel reports, see $dmesg" >&2
	exit 1
fi
if [[ $scanned != yes ]]; then
	echo "debug-report: FAIL: no kmemleak scan ran (not a debug kernel?)" >&2
	exit 1
fi

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The debug-kernel suite, run inside the guest (scripts/guest-run.sh --script,
# as make check-debug does) with nova.ko already loaded: every test program,
# then nova's accounting must be back to zero and nova must unload and load
# again; then load/unload cycles with a client in between. The harness's
# final rmmod and kmemleak scan follow, and it fails the run on any KASAN,
# lockdep, UBSAN or kmemleak report in dmesg.
#
# Environment (set with guest-run.sh --env):
#   NOVA_KO               nova.ko to reload after each program (required)
#   NOVA_USERSPACE        build/userspace (nova-libtest)
#   NOVA_UAPI             build/uapi (nova-uapi-errors)
#   NOVA_RELIABILITY      build/reliability (nova-fuzz, nova-stress, nova-isolation,
#                         nova-limits)
#   NOVA_IGT              build/igt: also run the igt tests (optional)
#   NOVA_FUZZ_ITERATIONS  default 20000
#   NOVA_STRESS_SECONDS   default 30
#   NOVA_LOAD_CYCLES      default 50
# Prints 'debug-NAME: N passed, N failed' per program and a closing
# 'debug-suite: N passed, N failed' (one per program, cycles included).

if [ "${1:-}" = "--help" ]; then
	sed -n '3,23p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
set -u
: "${NOVA_KO:?NOVA_KO must name nova.ko}"
us=${NOVA_USERSPACE:-build/userspace}
uapi=${NOVA_UAPI:-build/uapi}
rel=${NOVA_RELIABILITY:-build/reliability}
iterations=${NOVA_FUZZ_ITERATIONS:-20000}
seconds=${NOVA_STRESS_SECONDS:-30}
cycles=${NOVA_LOAD_CYCLES:-50}
here=$(dirname "$0")
leak_check=$here/../guest/leak-check.sh
tmp=$(mktemp -d)
passed=0
failed=0

say() { echo "[debug-suite] $*"; }

reload() {
	rmmod nova || { say "rmmod nova FAILED"; return 1; }
	insmod "$NOVA_KO" || { say "insmod $NOVA_KO FAILED"; return 1; }
}

# suite NAME CMD...: runs CMD, then the accounting check and a reload.
suite() {
	name=$1
	shift
	say "$name: $* (guest uptime $(cut -d' ' -f1 /proc/uptime) s)"
	t0=$(date +%s)
	{
		"$@"
		echo $? >"$tmp/rc"
	} 2>&1 | tee "$tmp/out"
	rc=$(cat "$tmp/rc")
	"$leak_check" || rc=1
	reload || rc=1
	result=$(grep -E '^[A-Za-z-]+: [0-9]+ passed, [0-9]+ failed' "$tmp/out" | tail -n 1)
	result=${result#*: }
	[ -n "$result" ] || result="0 passed, 1 failed"
	[ "$rc" = 0 ] || case $result in *" 0 failed"*) result="${result%% passed*} passed, 1 failed" ;; esac
	echo "debug-$name: $result ($(($(date +%s) - t0)) s)"
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

# Leaks the kernel itself made while booting are not nova's: scan once now,
# then clear, so that the harness's closing scan reports only what the
# tests leaked (from nova's first load on: the reloads below repeat it).
kml=/sys/kernel/debug/kmemleak
if [ -w $kml ]; then
	# Two scans: kmemleak reports nothing it has not scanned twice.
	echo scan >$kml
	echo scan >$kml
	boot_leaks=$(grep -c '^unreferenced object' $kml)
	echo clear >$kml
	say "kmemleak: $boot_leaks objects suspected before the tests (boot), cleared"
fi

suite libnova "$us/nova-libtest"
suite uapi-errors "$uapi/nova-uapi-errors" Documentation/uapi-errors.csv
suite isolation "$rel/nova-isolation"
suite limits "$rel/nova-limits" --module "$NOVA_KO"
suite fuzz "$rel/nova-fuzz" --iterations "$iterations"
suite stress "$rel/nova-stress" --seconds "$seconds"
if [ -n "${NOVA_IGT:-}" ]; then
	suite igt env IGT_FORCE_DRIVER=nova tests/igt/run-igt.sh "$NOVA_IGT"
fi

# Load and unload with a client in between, each cycle a different seed.
cycle_fail=0
t0=$(date +%s)
say "load-cycles: $cycles x (rmmod, insmod, nova-fuzz --iterations 100, leak check)"
i=1
while [ $i -le "$cycles" ]; do
	if ! "$rel/nova-fuzz" --iterations 100 --seed "$i" >"$tmp/cycle" 2>&1; then
		say "cycle $i: client failed:"
		cat "$tmp/cycle"
		cycle_fail=$((cycle_fail + 1))
	elif ! "$leak_check" >"$tmp/cycle" 2>&1; then
		say "cycle $i: leak:"
		cat "$tmp/cycle"
		cycle_fail=$((cycle_fail + 1))
	fi
	reload || cycle_fail=$((cycle_fail + 1))
	[ $((i % 10)) -ne 0 ] || say "  ... $i cycles"
	i=$((i + 1))
done
echo "debug-load-cycles: $((cycles - cycle_fail)) passed, $cycle_fail failed ($(($(date +%s) - t0)) s)"
if [ $cycle_fail = 0 ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

rm -rf "$tmp"
echo "debug-suite: $passed passed, $failed failed"
[ $failed = 0 ]

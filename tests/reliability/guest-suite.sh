#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The debug-kernel suite, run inside the guest (scripts/guest-run.sh --script,
# as make check-debug does) with nova_core.ko and nova.ko already loaded
# (nova_core stays loaded throughout; only nova is reloaded): every test program
# through tests/guest/suite.sh (after each, nova's accounting must be back
# to zero and nova must unload and load again); then load/unload cycles
# with a client in between. The harness's final rmmod and kmemleak scan
# follow, and it fails the run on any KASAN, lockdep, UBSAN or kmemleak
# report in dmesg.
#
# Environment (set with guest-run.sh --env):
#   NOVA_KO               nova.ko to reload after each program (required)
#   NOVA_KO_PARAMS        its module parameters at each reload (optional)
#   NOVA_USERSPACE        build/userspace (nova-libtest)
#   NOVA_UAPI             build/uapi (nova-uapi-errors)
#   NOVA_RELIABILITY      build/reliability (nova-fuzz, nova-stress, nova-isolation,
#                         nova-limits)
#   NOVA_IGT              build/igt: also run the igt tests (optional)
#   NOVA_FUZZ_ITERATIONS  default 20000 (in all, when shared out between jobs)
#   NOVA_FUZZ_JOBS        nova-fuzz processes at once (--jobs), default 1
#   NOVA_FUZZ_UNPLUG_EVERY  nova-fuzz's unplug events, about one per that many
#                         iterations (--unplug-every), default 0: none
#   NOVA_FUZZ_UNPLUG_FUNCTION  the percentage of them that unbind nova_core
#                         from the PCI function (--unplug-function), default 0
#   NOVA_STRESS_SECONDS   default 30
#   NOVA_LOAD_CYCLES      default 50
#   NOVA_CORE_KO          nova_core.ko, for nova-unplug's rmmod scenario
#   NOVA_UNPLUG_CYCLES    nova-unplug's aux-unbind cycles, default 20
#   NOVA_UNPLUG_FUNCTION_CYCLES  its cycles of the other scenarios, default 2
#   NOVA_RESULTS          where each suite's result is written (optional)
# Prints 'debug-NAME: N passed, N failed, N skipped' per program and a
# closing 'debug-suite: N passed, N failed' (one per program, cycles included).

if [ "${1:-}" = "--help" ]; then
	# The header above, up to its first blank line.
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
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
suite_dir=$(dirname "$0")/../guest
# shellcheck source=tests/guest/suite.sh
. "$suite_dir/suite.sh"

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

suite debug-libnova "$us/nova-libtest"
suite debug-uapi-errors "$uapi/nova-uapi-errors" Documentation/uapi-errors.csv
suite debug-isolation "$rel/nova-isolation"
# The charge is measured over fewer mappings than on Debian's kernel, within
# the debug run's smaller mapping limit (DEBUG_NOVA_PARAMS in the Makefile).
suite debug-limits "$rel/nova-limits" --module "$NOVA_KO" --mappings 10000
suite debug-fuzz "$rel/nova-fuzz" --iterations "$iterations" --jobs "${NOVA_FUZZ_JOBS:-1}" \
	--unplug-every "${NOVA_FUZZ_UNPLUG_EVERY:-0}" --unplug-function "${NOVA_FUZZ_UNPLUG_FUNCTION:-0}"
suite debug-stress "$rel/nova-stress" --seconds "$seconds"
# Unplug: nova's own unbind every cycle it is asked for; the scenarios that
# probe the function again (nova_core's unbind, PCI remove, device_del,
# rmmod) a few cycles only: each probe spends about 30 s in ACPI's _PRT under
# KASAN and TCG (DEBUG_UNPLUG_FUNCTION_CYCLES in the Makefile).
suite debug-unplug-aux "$rel/nova-unplug" --cycles "${NOVA_UNPLUG_CYCLES:-20}" aux-unbind
suite debug-unplug-function "$rel/nova-unplug" --cycles "${NOVA_UNPLUG_FUNCTION_CYCLES:-2}" \
	${NOVA_CORE_KO:+--nova-ko "$NOVA_KO" --nova-core-ko "$NOVA_CORE_KO"} \
	${NOVA_KO_PARAMS:+--ko-params "$NOVA_KO_PARAMS"} core-unbind pci-remove device-del rmmod
if [ -n "${NOVA_IGT:-}" ]; then
	suite debug-igt env IGT_FORCE_DRIVER=nova tests/igt/run-igt.sh "$NOVA_IGT"
fi

# Load and unload with a client in between, each cycle a different seed.
cycle_fail=0
t0=$(date +%s)
say "load-cycles: $cycles x (nova-fuzz --iterations 100, leak check, rmmod, insmod)"
i=1
while [ $i -le "$cycles" ]; do
	ok=1
	"$rel/nova-fuzz" --iterations 100 --seed "$i" >"$suite_tmp/cycle" 2>&1 ||
		{ say "cycle $i: client failed:" && cat "$suite_tmp/cycle" && ok=0; }
	after_client >"$suite_tmp/cycle" 2>&1 ||
		{ say "cycle $i: leak or reload failure:" && cat "$suite_tmp/cycle" && ok=0; }
	[ $ok = 1 ] || cycle_fail=$((cycle_fail + 1))
	[ $((i % 10)) -ne 0 ] || say "  ... $i cycles"
	i=$((i + 1))
done
suite_record debug-load-cycles $((cycles - cycle_fail)) $cycle_fail 0 $(($(date +%s) - t0))
suite_done debug-suite

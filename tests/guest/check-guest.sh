#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-guest's suites, run in the guest (scripts/guest-run.sh
# --script) on Debian's kernel with nova_core.ko and nova.ko loaded: the
# modules' shape and PRIME between two functions (functions.sh), libnova's
# suite, the C++ wrapper's, nova-demo, novainfo's JSON, a short run of the
# buffer churn benchmark (figures only), a smoke run of nova-bench (its
# JSON must be complete; no timing is judged), the documented errno table,
# the isolation tests, the limits tests (nova-limits reloads nova itself)
# and the unplug scenarios (nova-unplug; device-del needs guest-run.sh
# --monitor). After each one nova's accounting must be back to zero and nova
# must reload (tests/guest/suite.sh; nova_core stays loaded). With --igt,
# the igt tests instead (make check-igt), each subtest in its own process.
#
# Environment (guest-run.sh --env): NOVA_KO (nova.ko, for the reloads),
# NOVA_CORE_KO (nova_core.ko, which functions.sh reloads with a virtual
# function and nova-unplug's rmmod scenario unloads), NOVA_GUEST_FUNCTIONS
# (the guest's edu functions, default 1), NOVA_USERSPACE, NOVA_UAPI,
# NOVA_RELIABILITY (build directories), NOVA_RESULTS (where suite.sh writes
# one result per suite), NOVA_UNPLUG_CYCLES (default 20).

usage() {
	sed -n '4,19p' "$0" | sed 's/^# \{0,1\}//'
	echo "usage: $0 [--igt BINDIR [BINARY...]]"
}
opts=$(getopt -n check-guest -o h -l help,igt: -- "$@") || { usage >&2 && exit 2; }
eval set -- "$opts"
igt=
while [ "$1" != -- ]; do
	case $1 in
	--igt) igt=$2 && shift ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done
shift
set -u
suite_dir=$(dirname "$0")
# shellcheck source=tests/guest/suite.sh
. "$suite_dir/suite.sh"

if [ -n "$igt" ]; then
	suite igt env IGT_FORCE_DRIVER=nova tests/igt/run-igt.sh "$igt" "$@"
	suite_done igt-suite
	exit
fi

us=${NOVA_USERSPACE:-build/userspace}
uapi=${NOVA_UAPI:-build/uapi}
rel=${NOVA_RELIABILITY:-build/reliability}

bench_smoke() {
	"$us/nova-bench" --quick --rounds 1 --json >"$suite_tmp/bench.json" 2>"$suite_tmp/bench.err"
	python3 "$suite_dir/bench-smoke.py" --exit-status $? "$suite_tmp/bench.json" ||
		{ cat "$suite_tmp/bench.err" && return 1; }
}

suite functions "$suite_dir/functions.sh" "${NOVA_GUEST_FUNCTIONS:-1}" "$us"
suite libnova "$us/nova-libtest"
suite nova.hpp "$us/nova-cxx-test"
suite nova-demo "$suite_dir/nova-demo.sh" "$us" --size 64K
suite novainfo-json "$suite_dir/novainfo-json.sh" "$us"
suite_exit bo-churn "$us/nova-bench" --bo-churn --size 64K --iterations 100 --rounds 1
suite uapi-errors "$uapi/nova-uapi-errors" Documentation/uapi-errors.csv
suite bench-smoke bench_smoke
suite isolation "$rel/nova-isolation"
suite limits "$rel/nova-limits" --module "$NOVA_KO"
suite unplug "$rel/nova-unplug" --cycles "${NOVA_UNPLUG_CYCLES:-20}" \
	${NOVA_CORE_KO:+--nova-ko "$NOVA_KO" --nova-core-ko "$NOVA_CORE_KO"} \
	${NOVA_KO_PARAMS:+--ko-params "$NOVA_KO_PARAMS"}
suite_done guest-suite

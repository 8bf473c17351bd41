# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The suite runner of nova's in-guest checks, sourced by POSIX sh scripts
# that run with nova.ko loaded (tests/guest/check-guest.sh,
# tests/reliability/guest-suite.sh; busybox sh or dash).
#
#   suite NAME CMD...       runs CMD; its result is CMD's closing line
#                           "X: N passed, N failed[, N skipped]" (none: one
#                           failure), a non-zero exit adds a failure if none
#                           was counted
#   suite_exit NAME CMD...  the same for a program that is one test, judged
#                           by its exit status
#   suite_record NAME P F S SECONDS   records a result the caller counted
#   suite_done LABEL        prints "LABEL: N passed, N failed" (suites),
#                           fails if one failed
#
# After each suite nova's accounting must be back to zero (leak-check.sh,
# every nova DRM device's) and, with NOVA_KO set, nova must unload and
# load again (with the module parameters in NOVA_KO_PARAMS, space
# separated, if set); either failing is one more failure of that suite.
# Each result is printed as
# "NAME: N passed, N failed, N skipped (T s)" and, with NOVA_RESULTS set
# (a directory the guest can write), written to NOVA_RESULTS/NAME.result
# as "passed=N failed=N skipped=N seconds=T" for scripts/check-summary.py.

# The caller sets suite_dir to tests/guest (sh cannot tell a sourced
# file's own path).
: "${suite_dir:?set suite_dir to the directory of suite.sh before sourcing it}"
suite_tmp=$(mktemp -d)
suites_passed=0
suites_failed=0

say() { echo "[$(basename "$0" .sh)] $*"; }

# Only nova: nova_core stays loaded, and nova's probe binds its functions
# again during insmod (the auxiliary bus probes synchronously).
reload() {
	rmmod nova || { say "rmmod nova FAILED"; return 1; }
	# shellcheck disable=SC2086 # NOVA_KO_PARAMS is a list of parameters
	insmod "$NOVA_KO" ${NOVA_KO_PARAMS:-} || { say "insmod $NOVA_KO FAILED"; return 1; }
}

# The checks that follow every suite (and every load cycle).
after_client() {
	"$suite_dir/leak-check.sh" || return 1
	[ -z "${NOVA_KO:-}" ] || reload
}

suite_record() {
	echo "$1: $2 passed, $3 failed, $4 skipped ($5 s)"
	[ -z "${NOVA_RESULTS:-}" ] ||
		echo "passed=$2 failed=$3 skipped=$4 seconds=$5" >"$NOVA_RESULTS/$1.result"
	if [ "$3" = 0 ]; then
		suites_passed=$((suites_passed + 1))
	else
		suites_failed=$((suites_failed + 1))
	fi
}

# Seconds since boot, builtins only: under TCG every exec costs a good part
# of a second.
uptime_s() {
	read -r up _ </proc/uptime
	echo "${up%.*}"
}

# run_suite MODE NAME CMD...: MODE is "lines" or "exit".
run_suite() {
	mode=$1 name=$2
	shift 2
	t0=$(uptime_s)
	say "$name: $* (uptime $t0 s)"
	{
		"$@"
		echo $? >"$suite_tmp/rc"
	} 2>&1 | tee "$suite_tmp/out"
	read -r rc <"$suite_tmp/rc"
	after_client || rc=1
	# The last closing line, split at ' ', ',' and ':' into
	# NAME P passed F failed [S skipped].
	# shellcheck disable=SC2016 # sed, not shell
	line=$(sed -n -E '/^[A-Za-z0-9._-]+: [0-9]+ passed, [0-9]+ failed/h; ${x;p}' "$suite_tmp/out")
	saved_ifs=$IFS
	IFS=' ,:'
	# shellcheck disable=SC2086 # splitting is the point
	set -- $line
	IFS=$saved_ifs
	p=0 f=1 s=0
	if [ "$mode" = exit ]; then
		p=1 f=0
	elif [ $# -ge 5 ]; then
		p=$2 f=$4
		[ "${7:-}" != skipped ] || s=$6
	else
		say "$name: no closing line 'X: N passed, N failed' in its output"
		rc=1
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		[ "$mode" = lines ] || p=0
		f=1
	fi
	suite_record "$name" "$p" "$f" "$s" $(($(uptime_s) - t0))
}
suite() { run_suite lines "$@"; }
suite_exit() { run_suite exit "$@"; }

suite_done() {
	rm -rf "$suite_tmp"
	echo "$1: $suites_passed passed, $suites_failed failed"
	[ "$suites_failed" = 0 ]
}

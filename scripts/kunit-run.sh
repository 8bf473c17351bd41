#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs nova's KUnit suites (tests/kunit/) with the kernel's own kunit.py on
# UML, in the kernel tree of Debian's linux-source package of exactly the
# version of the headers nova builds against.
#
# The unpacked tree and kunit.py's build directory are cached outside the
# checkout, keyed by that version, so a warm run only recompiles nova. Each
# run copies the driver afresh into the tree as drivers/gpu/drm/nova (which
# also proves that nova builds in a kernel tree), builds a UML kernel with
# nova and its suites built in, boots it, and checks kunit.py's results:
# every test must pass, and every suite defined in tests/kunit/*.c must have
# run (a suite that silently did not build or register fails the run).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat <<'EOF'
Usage: scripts/kunit-run.sh [options]

Runs nova's KUnit suites on UML with the kernel's tools/testing/kunit/kunit.py
and prints one line per suite and a closing line
    kunit: N passed, N failed, N skipped
Exits non-zero when a test failed, a suite is missing, the kernel did not
build or boot, or the kernel log shows a warning or bug during the tests.

Options:
  --src DIR       the nova checkout to test (default: the one holding this
                  script); its driver/, Kbuild, scripts/install-kernel-uapi.sh
                  and tests/kunit/ are copied into the kernel tree
  --jobs N        parallel build jobs (default: 2)
  --filter GLOB   run only the suites matching GLOB (kunit.py's filter_glob,
                  e.g. 'nova_core_*'); only those are then expected
  --timeout S     seconds the tests may run once booted (default: 120)
  --clean         delete the build directory first (full kernel rebuild)
  --clean-all     delete this version's whole cache first (tree and build)
  --cache-dir     print the cache directory of this version and exit
  -h, --help      this text

Cache: ${NOVA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nova}/kunit/<version>/
         linux/    the unpacked linux-source tree (nova is placed in it)
         build/    kunit.py's build directory (.config, objects, test.log,
                   results.json)
<version> is scripts/kernel-env.sh's NOVA_KPKG_VERSION (override with
NOVA_KPKG_VERSION=...). A cold run downloads linux-source-<major.minor> at
that version with apt-get download (or uses /usr/src's tarball when that
exact version is installed), unpacks it and builds the whole kernel
(minutes); a warm run rebuilds what changed.

Needs: python3, make, gcc, g++, flex, bison, bc, rsync, xz (all in
scripts/install-deps.sh).
EOF
}

log() { echo "[kunit] $*"; }
die() {
	echo "[kunit] ERROR: $*" >&2
	exit 1
}

src=$(cd "$here/.." && pwd)
jobs=2
filter=
timeout=120
clean=0
clean_all=0
print_cache=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--src)
		[[ $# -ge 2 ]] || die "--src needs a directory"
		src=$(cd "$2" && pwd) || die "no such directory: $2"
		shift
		;;
	--src=*) src=$(cd "${1#*=}" && pwd) || die "no such directory: ${1#*=}" ;;
	--jobs)
		[[ $# -ge 2 ]] || die "--jobs needs a number"
		jobs=$2
		shift
		;;
	--jobs=*) jobs=${1#*=} ;;
	--filter)
		[[ $# -ge 2 ]] || die "--filter needs a glob"
		filter=$2
		shift
		;;
	--filter=*) filter=${1#*=} ;;
	--timeout)
		[[ $# -ge 2 ]] || die "--timeout needs seconds"
		timeout=$2
		shift
		;;
	--timeout=*) timeout=${1#*=} ;;
	--clean) clean=1 ;;
	--clean-all) clean_all=1 ;;
	--cache-dir) print_cache=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage >&2
		exit 2
		;;
	esac
	shift
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, not '$jobs'"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout wants a positive number, not '$timeout'"

# --- where ---------------------------------------------------------------------

version=${NOVA_KPKG_VERSION:-}
if [[ -z $version ]]; then
	version=$("$here/kernel-env.sh" --version) ||
		die "cannot tell the kernel version (run scripts/install-deps.sh)"
fi
[[ $version =~ ^[0-9]+\.[0-9]+[0-9A-Za-z.+~:-]*$ ]] || die "odd kernel package version '$version'"
series=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$version")
pkg=linux-source-$series

# CI may run without HOME; fall back to /tmp rather than die on set -u.
cache_root=${NOVA_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/nova}
cache=$cache_root/kunit/$version
tree=$cache/linux
build=$cache/build

if [[ $print_cache -eq 1 ]]; then
	printf '%s\n' "$cache"
	exit 0
fi

for tool in python3 make gcc g++ flex bison bc rsync xz tar; do
	command -v "$tool" >/dev/null || die "$tool is missing (run scripts/install-deps.sh as root)"
done
[[ -f $src/Kbuild && -d $src/driver && -f $src/tests/kunit/Kbuild ]] ||
	die "$src does not look like a nova checkout (Kbuild, driver/, tests/kunit/Kbuild)"

mkdir -p "$cache"
# One run per version at a time: the tree and the build directory are shared.
exec 9>"$cache/.lock"
if ! flock -n 9; then
	log "waiting for another run on $cache"
	flock 9
fi

if [[ $clean_all -eq 1 ]]; then
	log "deleting $cache/{linux,build}"
	rm -rf "$tree" "$build" "$cache"/.tmp.*
elif [[ $clean -eq 1 ]]; then
	log "deleting $build"
	rm -rf "$build"
fi

# --- the kernel tree -----------------------------------------------------------

# Does apt know package $1 at exactly version $2?
has_version() {
	apt-cache policy "$1" 2>/dev/null |
		awk -v v="$2" '/Version table:/ {t = 1; next} t && ($1 == v || ($1 == "***" && $2 == v)) {f = 1} END {exit !f}'
}

# Prints the path of linux-source's tarball at $version, downloading the
# package into $1 when /usr/src does not hold that exact version.
find_tarball() {
	local dl=$1 installed debs
	installed=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' "$pkg" 2>/dev/null || true)
	if [[ $installed == "ii |$version" && -f /usr/src/$pkg.tar.xz ]]; then
		log "using /usr/src/$pkg.tar.xz ($pkg $version is installed)" >&2
		printf '%s\n' "/usr/src/$pkg.tar.xz"
		return
	fi
	if ! has_version "$pkg" "$version"; then
		log "$pkg $version is not in the apt lists; running apt-get update" >&2
		if [[ $(id -u) -eq 0 ]]; then
			apt-get update -q >&2 || true
		fi
		has_version "$pkg" "$version" ||
			die "apt knows no $pkg at version $version (apt-cache policy $pkg)"
	fi
	log "downloading $pkg=$version" >&2
	# apt-get download run as root hands the transfer to the _apt user,
	# which needs a directory it may write to.
	chmod 0777 "$dl"
	(cd "$dl" && apt-get download -q "$pkg=$version" >&2) || die "apt-get download $pkg=$version failed"
	debs=("$dl"/*.deb)
	[[ -f ${debs[0]} ]] || die "apt-get download produced no .deb"
	dpkg-deb -x "${debs[0]}" "$dl/root"
	rm -f "${debs[@]}"
	[[ -f $dl/root/usr/src/$pkg.tar.xz ]] || die "$pkg has no usr/src/$pkg.tar.xz"
	printf '%s\n' "$dl/root/usr/src/$pkg.tar.xz"
}

if [[ ! -f $tree/.nova-complete ]]; then
	t0=$SECONDS
	rm -rf "$tree" "$build" "$cache"/.tmp.*
	staging=$(mktemp -d "$cache/.tmp.XXXXXX")
	dl=$(mktemp -d "${TMPDIR:-/tmp}/nova-kunit-dl.XXXXXX")
	trap 'rm -rf "$staging" "$dl"' EXIT
	tarball=$(find_tarball "$dl")
	log "unpacking $(basename "$tarball") ($(du -h "$tarball" | cut -f1)); this takes a while"
	tar -xJf "$tarball" -C "$staging" 9>&- &
	tar_pid=$!
	while sleep 10 && kill -0 "$tar_pid" 2>/dev/null; do
		log "  ... unpacking, $((SECONDS - t0)) s, $(du -sm "$staging" 2>/dev/null | cut -f1) MB so far"
	done
	wait "$tar_pid" || die "unpacking $tarball failed"
	[[ -f $staging/$pkg/Makefile && -x $staging/$pkg/tools/testing/kunit/kunit.py ]] ||
		die "$tarball holds no $pkg/ kernel tree with tools/testing/kunit/kunit.py"
	printf '%s\n' "$version" >"$staging/$pkg/.nova-version"
	mv "$staging/$pkg" "$tree"
	touch "$tree/.nova-complete"
	rm -rf "$staging" "$dl"
	trap - EXIT
	log "kernel tree ready in $tree ($((SECONDS - t0)) s)"
else
	log "kernel tree: $tree (cached)"
fi

# --- nova in the tree ----------------------------------------------------------

# drivers/gpu/drm/nova gets exactly the project's build inputs: the project's
# Kbuild (as Kbuild.nova, included by tests/kunit/Kbuild.intree), the driver
# sources, the uapi installer and the suites. rsync --checksum rewrites only
# what changed (new mtime: make rebuilds it) and --delete drops what the
# project no longer has, so no stale file lingers.
nova_dir=$tree/drivers/gpu/drm/nova
stage=$(mktemp -d "${TMPDIR:-/tmp}/nova-kunit-src.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/scripts" "$stage/tests/kunit"
cp "$src/Kbuild" "$stage/Kbuild.nova"
cp "$src/tests/kunit/Kbuild.intree" "$stage/Kbuild"
cp "$src/tests/kunit/Kconfig" "$stage/Kconfig"
cp "$src/scripts/install-kernel-uapi.sh" "$stage/scripts/"
(cd "$src" && find driver tests/kunit -type f \
	\( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' -o -name Kbuild \) \
	! -name '*.mod.c' -print0 | xargs -0 cp --parents -t "$stage")
mkdir -p "$nova_dir"
rsync -r --delete --checksum "$stage/" "$nova_dir/"
rm -rf "$stage"
trap - EXIT

# Wire nova into drivers/gpu/drm (idempotent: the cached tree keeps it).
add_line() {
	grep -qxF "$2" "$1" || printf '\n# nova (scripts/kunit-run.sh)\n%s\n' "$2" >>"$1"
}
add_line "$tree/drivers/gpu/drm/Kconfig" 'source "drivers/gpu/drm/nova/Kconfig"'
# shellcheck disable=SC2016 # a make variable, for the Makefile
add_line "$tree/drivers/gpu/drm/Makefile" 'obj-$(CONFIG_DRM_NOVA) += nova/'

# --- the suites we expect ------------------------------------------------------

# Every struct kunit_suite defined in tests/kunit/*.c, by its .name.
mapfile -t expected < <(
	awk '/struct kunit_suite [A-Za-z0-9_]+ = \{/ {s = 1}
	     s && match($0, /\.name = "[^"]+"/) {print substr($0, RSTART + 9, RLENGTH - 10); s = 0}' \
		"$src"/tests/kunit/*.c | sort -u
)
[[ ${#expected[@]} -gt 0 ]] || die "found no struct kunit_suite in $src/tests/kunit/*.c"
if [[ -n $filter ]]; then
	suite_glob=${filter%%.*}
	selected=()
	for s in "${expected[@]}"; do
		# shellcheck disable=SC2053 # a glob match is the point
		[[ $s == $suite_glob ]] && selected+=("$s")
	done
	[[ ${#selected[@]} -gt 0 ]] || die "--filter '$filter' matches none of: ${expected[*]}"
	expected=("${selected[@]}")
fi
log "expecting ${#expected[@]} suites: ${expected[*]}"

# --- build and run -------------------------------------------------------------

mkdir -p "$build"
results=$build/results.json
rm -f "$results" "$build/test.log"
if [[ -f $build/.config ]]; then
	log "building (incremental) and running in $build"
else
	log "building the UML kernel from scratch in $build (several minutes)"
fi

# kunit.py is quiet while make runs: report progress from the objects made.
stamp=$build/.nova-run-start
touch "$stamp"
t0=$SECONDS
(
	exec 9>&- # the run's lock stays with the run
	while sleep 30; do
		n=$(find "$build" -name '*.o' -newer "$stamp" 2>/dev/null | wc -l)
		log "  ... $((SECONDS - t0)) s, $n objects built so far"
	done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT

kunit_args=(run
	--kunitconfig="$src/tests/kunit/.kunitconfig"
	--build_dir="$build"
	--arch=um
	--jobs="$jobs"
	--timeout="$timeout"
	--json="$results")
# kunit.py's own filter: only nova's suites (others are not built anyway).
kunit_args+=("${filter:-nova*}")

set +e
# -u: kunit.py's lines as they come, not when its buffer fills. Its closing
# "stty sane" complains when there is no terminal: drop that line.
(cd "$tree" && python3 -u tools/testing/kunit/kunit.py "${kunit_args[@]}" 9>&-) 2>&1 |
	grep --line-buffered -v "^stty: 'standard input'"
kunit_status=${PIPESTATUS[0]}
set -e
kill "$ticker" 2>/dev/null || true
wait "$ticker" 2>/dev/null || true
trap - EXIT
log "kunit.py finished in $((SECONDS - t0)) s (exit $kunit_status)"

# --- verdict -------------------------------------------------------------------

if [[ ! -s $results ]]; then
	[[ -f $build/test.log ]] && tail -n 40 "$build/test.log"
	die "kunit.py produced no results (build or boot failure; see above and $build/test.log)"
fi

# Per-suite counts from kunit.py's JSON, and the suites that are missing.
counts=$build/.nova-counts
set +e
python3 - "$results" "$counts" "${expected[@]}" <<'PY'
import json
import sys

results, counts_file, expected = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(results) as f:
    root = json.load(f)

def leaves(group):
    """Yields the status of every test case under group, params included."""
    for case in group.get("test_cases", []):
        yield case.get("status", "FAIL")
    for sub in group.get("sub_groups", []):
        yield from leaves(sub)

suites = {}
def collect(group):
    for sub in group.get("sub_groups", []):
        name = sub.get("name", "")
        if name.startswith("nova"):
            suites[name] = sub
        else:
            collect(sub)
collect(root)

total = {"PASS": 0, "FAIL": 0, "SKIP": 0}
status = 0
for name in sorted(suites):
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for s in leaves(suites[name]):
        counts[s if s in counts else "FAIL"] += 1
    if sum(counts.values()) == 0:
        counts["FAIL"] += 1  # a suite that ran no case
    for k in total:
        total[k] += counts[k]
    print(f"  {name}: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    if counts["FAIL"]:
        status = 1
for name in expected:
    if name not in suites:
        print(f"  {name}: MISSING (defined in tests/kunit but did not run)")
        total["FAIL"] += 1
        status = 1
for name in sorted(set(suites) - set(expected)):
    print(f"  note: suite {name} ran but is not defined in tests/kunit/*.c")
with open(counts_file, "w") as f:
    f.write(f"{total['PASS']} {total['FAIL']} {total['SKIP']}\n")
sys.exit(status)
PY
verdict=$?
set -e
read -r passed failed skipped <"$counts" || die "no counts from the results parser"

# The kernel log around the tests must be clean: a WARN (the core's
# invariant reports are WARNs), BUG, oops or lockdep splat fails the run even
# when every expectation held. Before the first KTAP line (boot), only
# reports that mention nova count: UML's own boot has unrelated warnings.
kernel_bad=$(awk '
	/^(K?TAP version|# Subtest: nova)/ {tests = 1}
	/^(WARNING:|BUG:|kernel BUG|Oops|UBSAN:|general protection|Kernel panic|WARNING: possible|refcount_t:)/ ||
	/(core invariant broken|possible circular locking|suspicious RCU usage|INFO: task .* blocked)/ {
		if (tests || $0 ~ /nova/) print "    " $0
	}' "$build/test.log" | head -n 20)
# Such a problem counts as one more failed check, so that the closing line
# alone tells a failed run (scripts/check-summary.sh reads only that line).
if [[ -n $kernel_bad ]]; then
	echo "  kernel log: FAILED, it reports problems during the tests (see $build/test.log):"
	printf '%s\n' "$kernel_bad"
	failed=$((failed + 1))
fi
if [[ $kunit_status -ne 0 && $verdict -eq 0 && $failed -eq 0 ]]; then
	echo "  kunit.py: FAILED, exit $kunit_status although every expected suite passed"
	failed=$((failed + 1))
fi
echo "kunit: $passed passed, $failed failed, $skipped skipped"
[[ $verdict -eq 0 && $failed -eq 0 ]]

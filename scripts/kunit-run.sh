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
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nova_prefix=kunit

usage() {
	cat <<'EOF'
Usage: scripts/kunit-run.sh [options]

Runs nova's KUnit suites on UML with the kernel's tools/testing/kunit/kunit.py
and prints one line per suite and a closing line
    kunit: N passed, N failed, N skipped
Exits non-zero when a test failed, a suite is missing, the kernel did not
build or boot, or the kernel log shows a warning or bug during the tests.
With NOVA_RESULTS set (make check), kunit.py's JSON is copied to
$NOVA_RESULTS/kunit.json for scripts/check-summary.py.

Options:
  --src DIR       the nova checkout to test (default: the one holding this
                  script); its module sources (scripts/module-tree.sh) and
                  tests/kunit/ are copied into the kernel tree
  --jobs N        parallel build jobs (default: 2)
  --filter GLOB   run only the suites matching GLOB (kunit.py's filter_glob,
                  e.g. 'nova_logic_*'); only those are then expected
  --timeout S     seconds the tests may run once booted (default: 120)
  --kernel-arg A  one more argument for the UML kernel's command line (may
                  be repeated), e.g. nova.gpuvm_bench_live=1024,65536
  --kunitconfig F the configuration kunit.py builds (default:
                  tests/kunit/.kunitconfig, with KASAN and lockdep); another
                  one builds in a build directory of its own, named after it
  --clean         delete the build directory first (full kernel rebuild)
  --clean-all     delete this version's KUnit cache first (tree view and build)
  --cache-dir     print the cache directory of this version and exit
  -h, --help      this text

Cache: ${NOVA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nova}/kunit/<version>/
         linux/    KUnit's view of the shared linux-source tree (lib.sh):
                   hard links to its files, nova placed in drivers/gpu/drm/nova
         build/    kunit.py's build directory (.config, objects, test.log,
                   results.json); build-NAME/ for --kunitconfig NAME.kunitconfig
<version> is scripts/kernel-env.sh's NOVA_KPKG_VERSION of the kernel
NOVA_KERNEL names (release, the default, or backports: its linux-source
then is linux-source-6.12 of bookworm-backports), or NOVA_KPKG_VERSION=...
when set. A cold run fetches and unpacks linux-source of that
version once for the debug kernel and KUnit alike, and builds the whole
kernel (minutes); a warm run rebuilds what changed.

Needs: python3, make, gcc, g++, flex, bison, bc, rsync, xz (all in
scripts/install-deps.sh).
EOF
}

src=$src_dir
jobs=2
filter=
timeout=120
kernel_args=()
kunitconfig=
clean=0
clean_all=0
print_cache=0
opts=$(getopt -n kunit-run -o hj: -l help,src:,jobs:,filter:,timeout:,kernel-arg:,kunitconfig:,clean,clean-all,cache-dir -- "$@") || {
	usage >&2
	exit 2
}
eval set -- "$opts"
while [[ $1 != -- ]]; do
	case $1 in
	--src)
		src=$(cd "$2" && pwd) || die "no such directory: $2"
		shift
		;;
	-j | --jobs) jobs=$2 && shift ;;
	--filter) filter=$2 && shift ;;
	--timeout) timeout=$2 && shift ;;
	--kernel-arg) kernel_args+=("$2") && shift ;;
	--kunitconfig)
		kunitconfig=$(realpath "$2") || die "no such file: $2"
		shift
		;;
	--clean) clean=1 ;;
	--clean-all) clean_all=1 ;;
	--cache-dir) print_cache=1 ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, not '$jobs'"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout wants a positive number, not '$timeout'"

# --- where ---------------------------------------------------------------------

version=$(kernel_version)
cache=$nova_cache/kunit/$version
tree=$cache/linux
# The default configuration's build is build/; another one's is its own, so
# that switching between them rebuilds nothing.
config_name=
if [[ -n $kunitconfig ]]; then
	config_name=$(basename "$kunitconfig" .kunitconfig)
	[[ $config_name =~ ^[A-Za-z0-9_-]+$ ]] || die "--kunitconfig wants a file NAME.kunitconfig"
else
	kunitconfig=$src/tests/kunit/.kunitconfig
fi
[[ -f $kunitconfig ]] || die "no such kunitconfig: $kunitconfig"
build=$cache/build${config_name:+-$config_name}

if [[ $print_cache -eq 1 ]]; then
	printf '%s\n' "$cache"
	exit 0
fi

need_tools python3 make gcc g++ flex bison bc rsync xz tar
[[ -f $src/Kbuild && -d $src/driver && -f $src/tests/kunit/Kbuild ]] ||
	die "$src does not look like a nova checkout (Kbuild, driver/, tests/kunit/Kbuild)"

mkdir -p "$cache"
# One run per version at a time: the tree view and the build are shared.
lock_on "$cache/.lock"
if [[ $clean_all -eq 1 ]]; then
	log "deleting $cache/{linux,build}"
	rm -rf "$tree" "$build"
elif [[ $clean -eq 1 ]]; then
	log "deleting $build"
	rm -rf "$build"
fi

# --- the kernel tree -----------------------------------------------------------

# KUnit needs nova inside the tree, the debug kernel a pristine one: KUnit
# builds in a copy made of hard links (seconds, no space), in which the few
# files it changes are replaced, never edited in place. The files keep
# their times, so the build directory stays valid across a new view. (A
# tree from before the shared one, a full copy, is replaced by a view.)
if [[ ! -f $tree/.nova-view ]]; then
	shared=$(linux_source "$version")
	rm -rf "$tree" "$tree.tmp"
	cp -al "$shared/." "$tree.tmp"
	mv "$tree.tmp" "$tree"
	touch "$tree/.nova-view"
	log "kernel tree: $tree (hard links to $shared)"
else
	log "kernel tree: $tree (cached)"
fi
[[ -x $tree/tools/testing/kunit/kunit.py ]] || die "$tree has no tools/testing/kunit/kunit.py"

# --- nova in the tree ----------------------------------------------------------

# drivers/gpu/drm/nova gets exactly the project's build inputs: the module's
# source tree as scripts/module-tree.sh makes it for every other build, its
# Kbuild renamed Kbuild.nova (included by tests/kunit/Kbuild.intree), and
# the suites. rsync --checksum rewrites only
# what changed (new mtime: make rebuilds it) and --delete drops what the
# project no longer has, so no stale file lingers.
nova_dir=$tree/drivers/gpu/drm/nova
stage=$(mktemp -d "${TMPDIR:-/tmp}/nova-kunit-src.XXXXXX")
trap 'rm -rf "$stage"' EXIT
"$src/scripts/module-tree.sh" "$stage"
mv "$stage/Kbuild" "$stage/Kbuild.nova"
cp "$src/tests/kunit/Kbuild.intree" "$stage/Kbuild"
cp "$src/tests/kunit/Kconfig" "$stage/Kconfig"
(cd "$src" && find tests/kunit -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \) -print0 |
	xargs -0 cp --parents -t "$stage")
mkdir -p "$nova_dir"
rsync -r --delete --checksum "$stage/" "$nova_dir/"
rm -rf "$stage"
trap - EXIT

# Wire nova into drivers/gpu/drm (idempotent: the cached view keeps it).
# The file is replaced, not appended to: it is a hard link into the shared tree.
add_line() {
	grep -qxF "$2" "$1" && return
	{ cat "$1" && printf '\n# nova (scripts/kunit-run.sh)\n%s\n' "$2"; } >"$1.nova"
	mv "$1.nova" "$1"
}
add_line "$tree/drivers/gpu/drm/Kconfig" 'source "drivers/gpu/drm/nova/Kconfig"'
# shellcheck disable=SC2016 # a make variable, for the Makefile
add_line "$tree/drivers/gpu/drm/Makefile" 'obj-$(CONFIG_DRM_NOVA) += nova/'

# --- build and run -------------------------------------------------------------

mkdir -p "$build"
results=$build/results.json
rm -f "$results" "$build/test.log"
if [[ -f $build/.config ]]; then
	log "building (incremental) and running in $build"
else
	log "building the UML kernel from scratch in $build (several minutes)"
fi

# nova_core, built in, makes one virtual function (UML has no edu device),
# which the built-in nova binds: nova_glue_gem checks that DRM device.
kunit_args=(run
	--kunitconfig="$kunitconfig"
	--build_dir="$build"
	--arch=um
	--jobs="$jobs"
	--timeout="$timeout"
	--json="$results"
	--kernel_args=nova_core.virtual_functions=1)
for arg in "${kernel_args[@]}"; do
	kunit_args+=("--kernel_args=$arg")
done
# kunit.py's own filter: only nova's suites (others are not built anyway).
kunit_args+=("${filter:-nova*}")

# -u: kunit.py's lines as they come, not when its buffer fills. Its closing
# "stty sane" complains when there is no terminal: drop that line.
kunit() {
	(cd "$tree" && python3 -u tools/testing/kunit/kunit.py "${kunit_args[@]}" 9>&-) 2>&1 |
		grep --line-buffered -v "^stty: 'standard input'"
	return "${PIPESTATUS[0]}"
}
# kunit.py is quiet while make runs: report progress from the objects made.
stamp=$build/.nova-run-start
touch "$stamp"
objects() { echo "$(find "$build" -name '*.o' -newer "$stamp" 2>/dev/null | wc -l) objects built so far"; }
t0=$SECONDS
kunit_status=0
with_progress objects kunit || kunit_status=$?
log "kunit.py finished in $((SECONDS - t0)) s (exit $kunit_status)"

# --- verdict -------------------------------------------------------------------

if [[ ! -s $results ]]; then
	[[ -f $build/test.log ]] && tail -n 40 "$build/test.log"
	die "kunit.py produced no results (build or boot failure; see above and $build/test.log)"
fi
[[ -z ${NOVA_RESULTS:-} ]] || cp "$results" "$NOVA_RESULTS/kunit.json"

# Per-suite counts from kunit.py's JSON; a suite defined in tests/kunit/*.c
# (and matching --filter) that did not run counts as a failure.
counts=$(python3 "$scripts_dir/check-summary.py" kunit "$results" "$src/tests/kunit" "${filter%%.*}") &&
	verdict=0 || verdict=$?
sed '$d' <<<"$counts"
read -r passed failed skipped < <(tail -n 1 <<<"$counts") || die "no counts from check-summary.py kunit"

# The kernel log around the tests must be clean: a WARN (the logic's
# invariant reports are WARNs), BUG, oops or lockdep splat fails the run even
# when every expectation held. Before the first KTAP line (boot), only
# reports that mention nova count: UML's own boot has unrelated warnings.
kernel_bad=$(awk -v bad="$KERNEL_REPORT" '
	/^(K?TAP version|# Subtest: nova)/ {tests = 1}
	$0 ~ bad && (tests || /nova/) {print "    " $0}' "$build/test.log" | head -n 20)
# Such a problem counts as one more failed check, so that the closing line
# alone tells a failed run.
if [[ -n $kernel_bad ]]; then
	echo "  kernel log: FAILED, it reports problems during the tests (see $build/test.log):"
	printf '%s\n' "$kernel_bad"
	failed=$((failed + 1))
fi
if [[ $kunit_status -ne 0 && $verdict -eq 0 && $failed -eq 0 ]]; then
	echo "  kunit.py: FAILED, exit $kunit_status although every expected suite passed"
	failed=$((failed + 1))
fi
# Benchmark suites report their figures as "bench:" lines (never as
# results): show them.
bench=$(sed -n 's/^.*# [^ ]*: bench: /  bench: /p' "$build/test.log")
[[ -z $bench ]] || printf '%s\n' "$bench"
echo "kunit: $passed passed, $failed failed, $skipped skipped"
[[ $verdict -eq 0 && $failed -eq 0 ]]

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # its variables are for the scripts that source it
#
# What nova's scripts share, sourced (never run) after `set -euo pipefail`:
# messages with the script's prefix, the cache root, Debian package lookups,
# the two kernels' headers packages,
# the one unpacked linux-source tree per kernel version, progress reports
# for long commands, and the patterns that make a kernel log a failure.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   nova_prefix=NAME        messages read "[NAME] ..." (default: the script's name)
#   nova_log_fd=N           where messages go (default 2)
#   nova_die_status=N       die's exit status (default 1)

scripts_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src_dir=$(dirname "$scripts_dir")
nova_prefix=$(basename "$0" .sh)
nova_log_fd=2
nova_die_status=1

log() { echo "[$nova_prefix] $*" >&"$nova_log_fd"; }
die() {
	echo "[$nova_prefix] ERROR: $*" >&"$nova_log_fd"
	exit "$nova_die_status"
}

# Expensive downloads and builds live outside the checkout. CI may run
# without HOME: /tmp then, rather than dying on set -u.
nova_cache=${NOVA_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/nova}

# For a script whose only option is --help (its usage() says the rest):
# prints usage() and exits 0 for it, exits 2 on any other option, and
# leaves the operands in the array operands.
help_only_options() {
	local opts
	opts=$(getopt -n "$nova_prefix" -o h -l help -- "$@") || {
		usage >&2
		exit 2
	}
	eval set -- "$opts"
	while [[ $1 != -- ]]; do
		case $1 in
		-h | --help) usage && exit 0 ;;
		esac
		shift
	done
	shift
	operands=("$@")
}

need_tools() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || die "$tool is missing (run scripts/install-deps.sh as root)"
	done
}

# The version of the headers' package (NOVA_KPKG_VERSION overrides it):
# the kernel image, linux-source and the caches are all keyed by it.
kernel_version() {
	if [[ -n ${NOVA_KPKG_VERSION:-} ]]; then
		printf '%s\n' "$NOVA_KPKG_VERSION"
	else
		"$scripts_dir/kernel-env.sh" --version || die "cannot tell the kernel version (run scripts/install-deps.sh)"
	fi
}

# apt-cache ARGS...: apt-cache with a package cache of nova's own. Where
# apt's configuration switches its cache off (Debian's container images set
# Dir::Cache::pkgcache ""), every call parses all package lists again (0.7 s
# here; 0.04 s with the cache). apt itself checks the cache against the
# lists and dpkg's status, and rebuilds it when they changed.
apt_cache() {
	mkdir -p "$nova_cache/apt"
	apt-cache -o "Dir::Cache::pkgcache=$nova_cache/apt/pkgcache.bin" \
		-o "Dir::Cache::srcpkgcache=$nova_cache/apt/srcpkgcache.bin" "$@"
}

# Does apt know package $1 at exactly version $2? (apt-cache policy lists
# every known version in its "Version table".)
has_version() {
	apt_cache policy "$1" 2>/dev/null |
		awk -v v="$2" '/Version table:/ {t = 1; next} t && ($1 == v || ($1 == "***" && $2 == v)) {f = 1} END {exit !f}'
}

# apt_pick VERSION PKG...: prints the first PKG apt knows at exactly
# VERSION. A fresh machine may never have run apt-get update: that is the
# one retry (as root only).
apt_pick() {
	local version=$1 p pass
	shift
	for pass in 1 2; do
		for p in "$@"; do
			if has_version "$p" "$version"; then
				printf '%s\n' "$p"
				return 0
			fi
		done
		[[ $pass -eq 1 && $(id -u) -eq 0 ]] || break
		log "none of $* is in the apt lists at $version; running apt-get update"
		apt-get update -q >&2 || true
	done
	die "apt knows none of $* at version $version (apt-cache policy $1)"
}

# apt_unpack PKG VERSION DIR: downloads PKG=VERSION (apt-get download) and
# unpacks it into DIR (dpkg-deb -x).
apt_unpack() {
	local dl debs
	# World-writable: apt-get download run as root hands the transfer to the
	# _apt user, which cannot enter a 0700 $HOME.
	dl=$(mktemp -d "${TMPDIR:-/tmp}/nova-dl.XXXXXX")
	chmod 0777 "$dl"
	log "downloading $1=$2"
	(cd "$dl" && apt-get download -q "$1=$2" >&2) || die "apt-get download $1=$2 failed"
	debs=("$dl"/*.deb)
	[[ -f ${debs[0]} ]] || die "apt-get download $1=$2 produced no .deb"
	log "unpacking $(basename "${debs[0]}") ($(du -h "${debs[0]}" | cut -f1))"
	mkdir -p "$3"
	dpkg-deb -x "${debs[0]}" "$3"
	rm -rf "$dl"
}

# with_progress STATUS_FN CMD...: runs CMD and meanwhile, every 30 s, logs
# the seconds so far and what STATUS_FN prints. Returns CMD's status. The
# lock on fd 9 (lock_on) stays with this script, not with the reporter.
with_progress() {
	local status_fn=$1 t0=$SECONDS pid rc=0
	shift
	(
		exec 9>&-
		while sleep 30; do log "  ... $((SECONDS - t0)) s, $("$status_fn")"; done
	) &
	pid=$!
	"$@" || rc=$?
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return "$rc"
}

# lock_on FILE: holds an exclusive lock on FILE (fd 9) until the script
# exits, waiting for another holder first. Children that outlive a step
# get 9>&- so that a killed run frees the lock.
lock_on() {
	exec 9>"$1"
	if ! flock -n 9; then
		log "waiting for another run holding $1"
		flock 9
	fi
}

# --- the kernels ------------------------------------------------------------

# nova is built for and tested on two kernels, selected by name (NOVA_KERNEL,
# or scripts/kernel-env.sh --kernel):
#   release    what the installed linux-headers-amd64 metapackage depends on
#   backports  what bookworm-backports' linux-headers-amd64 depends on
NOVA_KERNELS="release backports"
backports_suite=bookworm-backports

# headers_dep DEPENDS [VERSION]: prints "PKG VERSION" for the versioned
# headers package a linux-headers-amd64 metapackage's Depends names, e.g.
# "linux-headers-6.1.0-57-amd64 (= 6.1.192-3)"; VERSION when the Depends
# pins none. The name is read, never made from a version, so that an ABI
# bump (6.1.0-NN) or a new naming (6.12.NN+deb12) is picked up by itself.
headers_dep() {
	local re='(linux-headers-[0-9][^ ,|()]*-amd64)( \(= ([^)]*)\))?'
	[[ $1 =~ $re ]] || return 1
	printf '%s %s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]:-${2:-}}"
}

# backports_headers: prints "PKG VERSION" of the versioned headers package
# that the newest backports version (~bpo) of linux-headers-amd64 known to
# apt depends on; fails when apt knows none (the suite is not in apt's
# sources, or apt-get update has not run since it was added). The
# metapackage itself is never installed: it would replace the release one.
backports_headers() {
	local best="" best_dep="" v dep
	while IFS='|' read -r v dep; do
		if [[ -z $best ]] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v best_dep=$dep
		fi
	done < <(apt_cache show linux-headers-amd64 2>/dev/null | awk '
		/^Version:/ {v = $2}
		/^Depends:/ {d = $0}
		/^$/ {if (v ~ /~bpo/) print v "|" d; v = d = ""}
		END {if (v ~ /~bpo/) print v "|" d}')
	[[ -n $best ]] && headers_dep "$best_dep" "$best"
}

# --- linux-source ----------------------------------------------------------

# The unpacked linux-source of VERSION that the debug kernel and KUnit
# both build from (out of tree, O=): nothing writes into it. A cache made
# before it was shared keeps the debug kernel's tree, linked here, so that
# the debug build made from it stays valid.
linux_source_dir() { printf '%s\n' "$nova_cache/linux-source/$1"; }

# linux_source VERSION: prints linux_source_dir VERSION, downloading and
# unpacking linux-source-MAJOR.MINOR at exactly VERSION first when needed
# (/usr/src's tarball when that exact version is installed).
linux_source() (
	version=$1
	[[ $version =~ ^[0-9]+\.[0-9]+[0-9A-Za-z.+~:-]*$ ]] || die "odd kernel package version '$version'"
	pkg=linux-source-$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$version")
	tree=$(linux_source_dir "$version")
	legacy=$nova_cache/debug-kernel/$version/linux
	if [[ ! -f $tree/.nova-complete ]]; then
		mkdir -p "${tree%/*}"
		lock_on "$tree.lock"
	fi
	if [[ -f $tree/.nova-complete ]]; then
		printf '%s\n' "$tree"
		exit 0
	fi
	if [[ -f $legacy/.nova-complete ]]; then
		rm -rf "$tree"
		ln -s "$legacy" "$tree"
		log "linux-source tree: $legacy (made before the tree was shared), linked as $tree"
		printf '%s\n' "$tree"
		exit 0
	fi
	need_tools xz tar dpkg-deb
	rm -rf "$tree" "$tree".tmp.*
	staging=$(mktemp -d "$tree.tmp.XXXXXX")
	trap 'rm -rf "$staging"' EXIT
	tarball=/usr/src/$pkg.tar.xz
	if [[ $(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' "$pkg" 2>/dev/null) != "ii |$version" ||
		! -f $tarball ]]; then
		pkg_known=$(apt_pick "$version" "$pkg")
		apt_unpack "$pkg_known" "$version" "$staging/deb"
		tarball=$staging/deb/usr/src/$pkg.tar.xz
		[[ -f $tarball ]] || die "$pkg has no usr/src/$pkg.tar.xz"
	fi
	log "unpacking $(basename "$tarball") ($(du -h "$tarball" | cut -f1)) into $tree"
	# shellcheck disable=SC2317 # called by with_progress
	unpacked() { echo "$(du -sm "$staging" 2>/dev/null | cut -f1) MB so far"; }
	with_progress unpacked tar -xJf "$tarball" -C "$staging" 9>&- || die "unpacking $tarball failed"
	[[ -f $staging/$pkg/Makefile ]] || die "$tarball holds no $pkg/ kernel tree"
	printf '%s\n' "$version" >"$staging/$pkg/.nova-version"
	mv "$staging/$pkg" "$tree"
	touch "$tree/.nova-complete"
	log "linux-source tree ready: $tree"
	printf '%s\n' "$tree"
)

# --- kernel reports --------------------------------------------------------

# Lines of a kernel log that mean the kernel (most likely nova) misbehaved,
# by checker (extended regular expressions). A lockdep or debug-objects
# report opens with a WARNING: line of its own, a KASAN one with BUG:.
REPORT_KASAN='BUG: KASAN:'
REPORT_LOCKDEP='possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|bad unlock balance|lock held when returning'
REPORT_UBSAN='UBSAN:'
REPORT_ODEBUG='ODEBUG:'
REPORT_KMEMLEAK='unreferenced object|suspected memory leak'
REPORT_OTHER='WARNING:|BUG:|kernel BUG|Oops|general protection|Kernel panic|refcount_t:|logic invariant broken|INFO: task .* blocked for more than|rcu_.*detected stalls|self-detected stall'
# Any of them; a Call Trace without a header (dump_stack) counts too.
KERNEL_REPORT="$REPORT_KASAN|$REPORT_LOCKDEP|$REPORT_UBSAN|$REPORT_ODEBUG|$REPORT_KMEMLEAK|$REPORT_OTHER|Call Trace"
readonly REPORT_KASAN REPORT_LOCKDEP REPORT_UBSAN REPORT_ODEBUG REPORT_KMEMLEAK REPORT_OTHER KERNEL_REPORT

# --- the module's source tree ------------------------------------------------

# kbuild_scripts KBUILD: the scripts/NAME the Kbuild file KBUILD runs (each
# $(src)/scripts/NAME or $(nova_src)/scripts/NAME it names), one a line:
# a copy of the module's source needs them beside Kbuild.
kbuild_scripts() {
	grep -oE '\$\((nova_)?src\)/scripts/[A-Za-z0-9_.-]+' "$1" | sed 's|.*/scripts/|scripts/|' | sort -u
}

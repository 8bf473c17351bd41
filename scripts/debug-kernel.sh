#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds nova's debug kernel (KASAN, lockdep, kmemleak, debug objects, UBSAN)
# from Debian's linux-source package of exactly the headers' version, with
# x86_64_defconfig, the kernel's kvm_guest.config and the fragment
# tests/debug/kernel.config merged, and caches it outside the checkout keyed
# by that version and a hash of the
# fragment. The cached build tree doubles as the KDIR that nova.ko is built
# against for it (make -C DIR M=...).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)

usage() {
	cat <<'EOF2'
Usage: scripts/debug-kernel.sh [--jobs N] [--print-dir] [--clean] [--help]

Prints the build directory of the debug kernel on stdout (progress goes to
stderr), building it first when the cache has none:
  DIR/arch/x86/boot/bzImage         the kernel QEMU boots
  DIR/include/config/kernel.release its release (6.1.x-nova-debug)
  DIR/modules.builtin               what is built in (guest-run.sh --kernel)
  DIR/.nova-build-seconds           how long the cold build took
  DIR/.nova-cmdline                 what the guest's command line needs
DIR is ${NOVA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nova}/debug-kernel/VERSION/HASH/build
with VERSION the headers' package version (scripts/kernel-env.sh) and HASH
the first 12 hex digits of sha256(tests/debug/kernel.config). The unpacked
linux-source tree is shared by all hashes of one VERSION (.../VERSION/linux).

A cold build takes 10-20 minutes on 2 busy cores (log: DIR/../build.log,
progress every 30 s); a warm run returns at once.

  --jobs N      parallel make jobs (default 2)
  --print-dir   print DIR without building (exit 1 if it is not complete)
  --clean       delete this HASH's build first (full rebuild)
  -h, --help    this text

Needs: make gcc flex bison bc xz tar, libelf-dev and libssl-dev (objtool,
certificates), all in scripts/install-deps.sh.
EOF2
}

log() { echo "[debug-kernel] $*" >&2; }
die() {
	echo "[debug-kernel] ERROR: $*" >&2
	exit 1
}

jobs=2
print_only=0
clean=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--jobs)
		[[ $# -ge 2 ]] || die "--jobs needs a number"
		jobs=$2
		shift
		;;
	--jobs=*) jobs=${1#*=} ;;
	--print-dir) print_only=1 ;;
	--clean) clean=1 ;;
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

fragment=$src/tests/debug/kernel.config
[[ -f $fragment ]] || die "$fragment missing"
version=${NOVA_KPKG_VERSION:-$("$here/kernel-env.sh" --version)} ||
	die "cannot tell the kernel version (run scripts/install-deps.sh)"
series=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$version")
pkg=linux-source-$series
hash=$(sha256sum "$fragment" | cut -c1-12)

cache_root=${NOVA_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/nova}
vcache=$cache_root/debug-kernel/$version
tree=$vcache/linux
kcache=$vcache/$hash
build=$kcache/build
marker=$kcache/.complete
# A cache made before the bzImage was built is not complete.
complete() { [[ -f $marker && -f $build/arch/x86/boot/bzImage ]]; }

if [[ $print_only -eq 1 ]]; then
	complete || die "no complete debug kernel in $kcache (run scripts/debug-kernel.sh)"
	printf '%s\n' "$build"
	exit 0
fi
if [[ $clean -eq 0 ]] && complete; then
	printf '%s\n' "$build"
	exit 0
fi

for tool in make gcc flex bison bc xz tar; do
	command -v "$tool" >/dev/null || die "$tool is missing (run scripts/install-deps.sh as root)"
done

mkdir -p "$vcache"
exec 9>"$vcache/.lock"
if ! flock -n 9; then
	log "waiting for another build in $vcache"
	flock 9
fi
if [[ $clean -eq 1 ]]; then
	log "deleting $kcache"
	rm -rf "$kcache"
elif complete; then
	printf '%s\n' "$build"
	exit 0
fi

# --- the source tree -----------------------------------------------------------

has_version() {
	apt-cache policy "$1" 2>/dev/null |
		awk -v v="$2" '/Version table:/ {t = 1; next} t && ($1 == v || ($1 == "***" && $2 == v)) {f = 1} END {exit !f}'
}

# The tarball of linux-source at $version: /usr/src's when that exact
# version is installed, else downloaded (apt-get download) into $1.
find_tarball() {
	local dl=$1 installed debs
	installed=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' "$pkg" 2>/dev/null || true)
	if [[ $installed == "ii |$version" && -f /usr/src/$pkg.tar.xz ]]; then
		printf '%s\n' "/usr/src/$pkg.tar.xz"
		return
	fi
	if ! has_version "$pkg" "$version"; then
		log "$pkg $version is not in the apt lists; running apt-get update"
		[[ $(id -u) -ne 0 ]] || apt-get update -q >&2 || true
		has_version "$pkg" "$version" || die "apt knows no $pkg at version $version"
	fi
	log "downloading $pkg=$version"
	chmod 0777 "$dl" # apt hands the transfer to the _apt user
	(cd "$dl" && apt-get download -q "$pkg=$version" >&2) || die "apt-get download $pkg=$version failed"
	debs=("$dl"/*.deb)
	[[ -f ${debs[0]} ]] || die "apt-get download produced no .deb"
	dpkg-deb -x "${debs[0]}" "$dl/root"
	rm -f "${debs[@]}"
	[[ -f $dl/root/usr/src/$pkg.tar.xz ]] || die "$pkg has no usr/src/$pkg.tar.xz"
	printf '%s\n' "$dl/root/usr/src/$pkg.tar.xz"
}

t_cold=$SECONDS
if [[ ! -f $tree/.nova-complete ]]; then
	rm -rf "$tree" "$vcache"/.tmp.*
	staging=$(mktemp -d "$vcache/.tmp.XXXXXX")
	dl=$(mktemp -d "${TMPDIR:-/tmp}/nova-debug-kernel-dl.XXXXXX")
	trap 'rm -rf "$staging" "$dl"' EXIT
	tarball=$(find_tarball "$dl")
	log "unpacking $(basename "$tarball")"
	tar -xJf "$tarball" -C "$staging" 9>&-
	[[ -f $staging/$pkg/Makefile ]] || die "$tarball holds no $pkg/ kernel tree"
	mv "$staging/$pkg" "$tree"
	touch "$tree/.nova-complete"
	rm -rf "$staging" "$dl"
	trap - EXIT
	log "source tree ready in $tree ($((SECONDS - t_cold)) s)"
fi

# --- configure -----------------------------------------------------------------

mkdir -p "$build"
blog=$kcache/build.log
: >"$blog"
kmake() { make -C "$tree" O="$build" "$@" >>"$blog" 2>&1; }

log "configuring: x86_64_defconfig + kvm_guest.config + tests/debug/kernel.config (hash $hash)"
kmake x86_64_defconfig || die "x86_64_defconfig failed (see $blog)"
(cd "$build" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
	"$tree/kernel/configs/kvm_guest.config" "$fragment") >>"$blog" 2>&1 ||
	die "merge_config.sh failed (see $blog)"
kmake olddefconfig || die "olddefconfig failed (see $blog)"

# Every line of the fragment must have survived Kconfig's dependency
# resolution: a silently dropped KASAN would make every run vacuous.
bad=0
while IFS= read -r line; do
	[[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]] || continue
	sym=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
	if [[ $want == n ]]; then
		if grep -q "^$sym=" "$build/.config"; then
			log "config: $sym=n was asked for, but .config has $(grep "^$sym=" "$build/.config")"
			bad=1
		fi
	elif ! grep -qxF "$sym=$want" "$build/.config"; then
		log "config: $sym=$want was asked for, but .config has '$(grep -E "^(# )?${sym}[= ]" "$build/.config" || echo nothing)'"
		bad=1
	fi
done <"$fragment"
[[ $bad -eq 0 ]] || die "the fragment does not apply cleanly to $pkg $version"

# --- build ---------------------------------------------------------------------

# bzImage, not the ELF vmlinux that guest-run.sh boots for Debian's kernel
# through its PVH note: this config's PVH entry dies before the console
# is up, and the bzImage costs only its compression.
log "building with make -j$jobs bzImage modules (log: $blog)"
t0=$SECONDS
(
	exec 9>&-
	while sleep 30; do
		n=$(find "$build" -name '*.o' 2>/dev/null | wc -l)
		log "  ... $((SECONDS - t0)) s, $n objects so far"
	done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT
if ! kmake -j"$jobs" bzImage modules; then
	tail -n 30 "$blog" | sed 's/^/    /' >&2
	die "kernel build failed (see $blog)"
fi
kill "$ticker" 2>/dev/null || true
trap - EXIT
[[ -f $build/arch/x86/boot/bzImage && -f $build/Module.symvers ]] ||
	die "build left no arch/x86/boot/bzImage or Module.symvers"
# The guest's command line for this kernel (guest-run.sh --kernel adds it):
# no5lvl: under TCG with -cpu max the guest would use 5-level paging, and
# on this kernel an interrupt arriving during early CPU setup then trips a
# KASAN wild-memory-access report in the IRQ code (seen once in a few boots,
# before nova is loaded): 4-level paging, as on the machines nova targets.
echo "no5lvl" >"$build/.nova-cmdline"
krel=$(cat "$build/include/config/kernel.release")
secs=$((SECONDS - t0))
echo "$secs" >"$build/.nova-build-seconds"
touch "$marker"
log "built $krel in $secs s (cold total $((SECONDS - t_cold)) s): $build"
printf '%s\n' "$build"

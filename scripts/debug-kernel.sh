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
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

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
with VERSION the headers' package version (scripts/kernel-env.sh: of the
release kernel unless NOVA_KERNEL says otherwise; make check-debug runs on
the release kernel) and HASH
the first 12 hex digits of sha256(tests/debug/kernel.config), built out of
tree (O=DIR) from the linux-source tree that KUnit shares (lib.sh).

A cold build takes about 13 minutes on 2 quiet cores, 45 on busy ones
(log: DIR/../build.log, progress every 30 s); a warm run returns at once.

  --jobs N      parallel make jobs (default 2)
  --print-dir   print DIR without building (exit 1 if it is not complete)
  --clean       delete this HASH's build first (full rebuild)
  -h, --help    this text

Needs: make gcc flex bison bc xz tar, libelf-dev and libssl-dev (objtool,
certificates), all in scripts/install-deps.sh.
EOF2
}

jobs=2
print_only=0
clean=0
opts=$(getopt -n debug-kernel -o hj: -l help,jobs:,print-dir,clean -- "$@") || {
	usage >&2
	exit 2
}
eval set -- "$opts"
while [[ $1 != -- ]]; do
	case $1 in
	-j | --jobs) jobs=$2 && shift ;;
	--print-dir) print_only=1 ;;
	--clean) clean=1 ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, not '$jobs'"

fragment=$src_dir/tests/debug/kernel.config
[[ -f $fragment ]] || die "$fragment missing"
version=$(kernel_version)
hash=$(sha256sum "$fragment" | cut -c1-12)
vcache=$nova_cache/debug-kernel/$version
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

need_tools make gcc flex bison bc xz tar
mkdir -p "$vcache"
lock_on "$vcache/.lock"
if [[ $clean -eq 1 ]]; then
	log "deleting $kcache"
	rm -rf "$kcache"
elif complete; then
	printf '%s\n' "$build"
	exit 0
fi
t_cold=$SECONDS
tree=$(linux_source "$version")

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
[[ $bad -eq 0 ]] || die "the fragment does not apply cleanly to linux-source $version"

# --- build ---------------------------------------------------------------------

# bzImage, not the ELF vmlinux that guest-run.sh boots for Debian's kernel
# through its PVH note: this config's PVH entry dies before the console
# is up, and the bzImage costs only its compression.
log "building with make -j$jobs bzImage modules (log: $blog)"
t0=$SECONDS
objects() { echo "$(find "$build" -name '*.o' 2>/dev/null | wc -l) objects so far"; }
if ! with_progress objects kmake -j"$jobs" bzImage modules; then
	tail -n 30 "$blog" | sed 's/^/    /' >&2
	die "kernel build failed (see $blog)"
fi
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

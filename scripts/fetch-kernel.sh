#!/usr/bin/env bash
# Fetch Debian's kernel image that matches the installed headers into a cache
# outside the checkout, so the guest boots exactly the kernel nova.ko was
# built against (vermagic and symbol CRCs must match), without touching the
# host's /boot or /lib/modules.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nova_prefix=kernel

usage() {
	cat <<'EOF'
Usage: scripts/fetch-kernel.sh [--force] [--help]

Downloads linux-image-$NOVA_KREL-unsigned at exactly $NOVA_KPKG_VERSION (falling
back to the signed linux-image-$NOVA_KREL) with `apt-get download`, unpacks it
with `dpkg -x` into
  ${NOVA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nova}/kernel/$NOVA_KPKG_VERSION/
and prints that directory on stdout (progress goes to stderr). The directory
holds boot/vmlinuz-$NOVA_KREL, boot/config-$NOVA_KREL and
lib/modules/$NOVA_KREL/, and boot/vmlinux-$NOVA_KREL once the linux-source
tree of that version is unpacked (its scripts/extract-vmlinux makes it). A
complete cache (marker file .complete, written last) is reused instantly.

  --force     re-download even if the cache is complete
  -h, --help  this text

Environment: NOVA_KERNEL (release or backports: which kernel's image, see
scripts/kernel-env.sh), NOVA_CACHE, XDG_CACHE_HOME (cache location).
EOF
}

force=0
opts=$(getopt -n fetch-kernel -o h -l help,force -- "$@") || {
	usage >&2
	exit 2
}
eval set -- "$opts"
while [[ $1 != -- ]]; do
	case $1 in
	--force) force=1 ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done

eval "$("$scripts_dir/kernel-env.sh")"
dest=$nova_cache/kernel/$NOVA_KPKG_VERSION
marker=$dest/.complete
source_tree=$(linux_source_dir "$NOVA_KPKG_VERSION")

# The ELF vmlinux inside the bzImage: QEMU boots an ELF kernel with a PVH
# note directly (Debian sets CONFIG_PVH=y), which under TCG skips the BIOS
# real-mode boot and the decompression of the bzImage, ~5 s of every guest
# boot. The kernel's own scripts/extract-vmlinux gets it out, from the
# linux-source tree the debug kernel and KUnit unpack; until that tree
# exists guests boot the bzImage.
has_vmlinux() {
	[[ -f $dest/boot/vmlinux-$NOVA_KREL || -f $dest/boot/.no-vmlinux || ! -f $source_tree/.nova-complete ]]
}
extract_vmlinux() {
	local root=$1
	[[ -f $source_tree/.nova-complete ]] || return 0
	if sh "$source_tree/scripts/extract-vmlinux" "$root/boot/vmlinuz-$NOVA_KREL" >"$root/boot/.vmlinux.tmp"; then
		mv "$root/boot/.vmlinux.tmp" "$root/boot/vmlinux-$NOVA_KREL"
		log "extracted boot/vmlinux-$NOVA_KREL for direct PVH boot"
	else
		rm -f "$root/boot/.vmlinux.tmp"
		touch "$root/boot/.no-vmlinux"
		log "could not extract vmlinux from the bzImage; guests will boot the bzImage (slower)"
	fi
}

is_complete() {
	[[ -f $marker && -f $dest/boot/vmlinuz-$NOVA_KREL && -d $dest/lib/modules/$NOVA_KREL/kernel ]]
}

# Fast path: no lock, no apt.
if [[ $force -eq 0 ]] && is_complete && has_vmlinux; then
	printf '%s\n' "$dest"
	exit 0
fi

mkdir -p "$nova_cache/kernel"
# Two harness runs started together must not both download and then rename
# over each other's half-written tree.
lock_on "$nova_cache/kernel/.lock"
if [[ $force -eq 0 ]] && is_complete; then
	has_vmlinux || extract_vmlinux "$dest"
	printf '%s\n' "$dest"
	exit 0
fi

pkg=$(apt_pick "$NOVA_KPKG_VERSION" "linux-image-$NOVA_KREL-unsigned" "linux-image-$NOVA_KREL")
# Staged next to its final place (same filesystem, so the final mv is a rename).
tmp=$(mktemp -d "$nova_cache/kernel/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
t0=$SECONDS
apt_unpack "$pkg" "$NOVA_KPKG_VERSION" "$tmp/root"
[[ -f $tmp/root/boot/vmlinuz-$NOVA_KREL ]] || die "package has no boot/vmlinuz-$NOVA_KREL"
[[ -d $tmp/root/lib/modules/$NOVA_KREL/kernel ]] || die "package has no lib/modules/$NOVA_KREL/kernel"
extract_vmlinux "$tmp/root"
printf 'package=%s\nversion=%s\nkrel=%s\n' "$pkg" "$NOVA_KPKG_VERSION" "$NOVA_KREL" >"$tmp/root/.source"

# Replace atomically-enough: readers only trust a tree with the marker, and
# the marker is the last thing written.
rm -rf "$dest"
mv "$tmp/root" "$dest"
touch "$marker"
log "cached in $dest ($((SECONDS - t0)) s)"
printf '%s\n' "$dest"

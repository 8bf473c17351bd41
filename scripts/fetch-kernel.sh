#!/usr/bin/env bash
# Fetch Debian's kernel image that matches the installed headers into a cache
# outside the checkout, so the guest boots exactly the kernel nova.ko was
# built against (vermagic and symbol CRCs must match), without touching the
# host's /boot or /lib/modules.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat <<'EOF'
Usage: scripts/fetch-kernel.sh [--force] [--help]

Downloads linux-image-$NOVA_KREL-unsigned at exactly $NOVA_KPKG_VERSION (falling
back to the signed linux-image-$NOVA_KREL) with `apt-get download`, unpacks it
with `dpkg -x` into
  ${NOVA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nova}/kernel/$NOVA_KPKG_VERSION/
and prints that directory on stdout (progress goes to stderr). The directory
holds boot/vmlinuz-$NOVA_KREL, boot/config-$NOVA_KREL and
lib/modules/$NOVA_KREL/. A complete cache (marker file .complete, written
last) is reused instantly.

  --force     re-download even if the cache is complete
  -h, --help  this text

Environment: NOVA_CACHE, XDG_CACHE_HOME (cache location).
EOF
}

force=0
for arg in "$@"; do
	case $arg in
	--force) force=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage >&2
		exit 2
		;;
	esac
done

log() { echo "[kernel] $*" >&2; }
die() {
	echo "[kernel] ERROR: $*" >&2
	exit 1
}

eval "$("$here/kernel-env.sh")"
# CI may run without HOME; fall back to /tmp rather than die on set -u.
cache_root=${NOVA_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/nova}
dest=$cache_root/kernel/$NOVA_KPKG_VERSION
marker=$dest/.complete

is_complete() {
	[[ -f $marker && -f $dest/boot/vmlinuz-$NOVA_KREL && -d $dest/lib/modules/$NOVA_KREL/kernel ]] &&
		[[ -f $dest/boot/vmlinux-$NOVA_KREL || -f $dest/boot/.no-vmlinux ]]
}

# Unpack the ELF vmlinux from the bzImage into $1/boot/vmlinux-$KREL.
# Why: QEMU boots an ELF kernel with a PVH note directly (Debian sets
# CONFIG_PVH=y). Under TCG that skips the BIOS real-mode boot and the xz
# decompression of the bzImage, which take ~5 s of every guest boot. Best
# effort: on failure, the guest boots the bzImage.
extract_vmlinux() {
	local root=$1 img off magic tool
	img=$root/boot/vmlinuz-$NOVA_KREL
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		tool=${magic%%:*}
		command -v "$tool" >/dev/null || continue
		# The first match is not always the payload (a gzip magic can occur
		# by chance): try each offset until one decompresses to an ELF file.
		for off in $(LC_ALL=C grep -obUaP "${magic#*:}" "$img" 2>/dev/null | cut -d: -f1 | head -n 5); do
			# The decompressor complains about the bytes after the payload;
			# only the result matters.
			tail -c +$((off + 1)) "$img" | "$tool" -dc >"$root/boot/.vmlinux.tmp" 2>/dev/null || true
			if [[ $(head -c 4 "$root/boot/.vmlinux.tmp" | od -An -c | tr -d ' ') == '177ELF' ]]; then
				mv "$root/boot/.vmlinux.tmp" "$root/boot/vmlinux-$NOVA_KREL"
				log "extracted boot/vmlinux-$NOVA_KREL ($tool payload) for direct PVH boot"
				return 0
			fi
		done
	done
	rm -f "$root/boot/.vmlinux.tmp"
	log "could not extract vmlinux from the bzImage; guests will boot the bzImage (slower)"
	touch "$root/boot/.no-vmlinux"
}

# Fast path: no lock, no apt.
if [[ $force -eq 0 ]] && is_complete; then
	printf '%s\n' "$dest"
	exit 0
fi

mkdir -p "$cache_root/kernel"
# Two harness runs started together must not both download and then rename
# over each other's half-written tree.
exec 9>"$cache_root/kernel/.lock"
flock 9
if [[ $force -eq 0 ]] && is_complete; then
	printf '%s\n' "$dest"
	exit 0
fi
# A cache made before vmlinux extraction existed: upgrade it in place.
if [[ $force -eq 0 && -f $marker ]] && [[ -f $dest/boot/vmlinuz-$NOVA_KREL ]]; then
	extract_vmlinux "$dest"
	printf '%s\n' "$dest"
	exit 0
fi

# Does apt know package $1 at exactly version $2? (apt-cache policy lists
# every version in its "Version table".)
has_version() {
	apt-cache policy "$1" 2>/dev/null |
		awk -v v="$2" '/Version table:/ {t = 1; next} t && ($1 == v || ($1 == "***" && $2 == v)) {f = 1} END {exit !f}'
}

pick_package() {
	local p
	for p in "linux-image-$NOVA_KREL-unsigned" "linux-image-$NOVA_KREL"; do
		if has_version "$p" "$NOVA_KPKG_VERSION"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

pkg=$(pick_package) || {
	# A fresh machine may never have run apt-get update; that is the only
	# network-touching retry we do.
	log "linux-image-$NOVA_KREL(-unsigned) $NOVA_KPKG_VERSION not in apt lists; running apt-get update"
	if [[ $(id -u) -eq 0 ]]; then
		apt-get update -q >&2 || true
	fi
	pkg=$(pick_package)
} || die "neither linux-image-$NOVA_KREL-unsigned nor linux-image-$NOVA_KREL is available at version $NOVA_KPKG_VERSION (apt-cache policy shows no such version)"

# The unpacked tree is staged next to its final place (same filesystem, so
# the final mv is a rename). The .deb goes to a world-accessible temp dir:
# apt-get download run as root hands the transfer to the _apt user, which
# cannot enter a 0700 $HOME and would make apt warn and fall back.
tmp=$(mktemp -d "$cache_root/kernel/.tmp.XXXXXX")
dl=$(mktemp -d "${TMPDIR:-/tmp}/nova-kernel-dl.XXXXXX")
trap 'rm -rf "$tmp" "$dl"' EXIT
chmod 0777 "$dl"
log "downloading $pkg=$NOVA_KPKG_VERSION"
t0=$SECONDS
(cd "$dl" && apt-get download -q "$pkg=$NOVA_KPKG_VERSION" >&2) ||
	die "apt-get download $pkg=$NOVA_KPKG_VERSION failed"
debs=("$dl"/*.deb)
[[ -f ${debs[0]} ]] || die "apt-get download produced no .deb"
log "unpacking $(basename "${debs[0]}") ($(du -h "${debs[0]}" | cut -f1)) with dpkg -x"
mkdir "$tmp/root"
dpkg -x "${debs[0]}" "$tmp/root"
rm -f "${debs[@]}"

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

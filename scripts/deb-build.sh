#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the nova-dkms Debian package (make deb) with Debian's own tooling:
# dpkg-buildpackage, debhelper and its DKMS add-on (packaging/debian/).
#
# The package's source is a staged copy, not the checkout: the module tree
# (scripts/module-tree.sh) under src/, packaging/dkms.conf and
# packaging/debian/, in OUT/nova-VERSION. dpkg-buildpackage writes the .deb
# into the parent of the tree it builds, so that is OUT, never the
# checkout's parent directory. The version is the driver's own
# (NOVA_DRIVER_MAJOR.MINOR.PATCHLEVEL in driver/nova-drm/glue/nova_drv.h);
# debian/changelog is written from it and from the commit it was built from.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nova_prefix=deb

usage() {
	cat <<'EOF'
Usage: scripts/deb-build.sh [--out DIR] [--print-version] [--help]

Stages nova's module source with packaging/ into DIR/nova-VERSION and runs
dpkg-buildpackage -b there. Prints the path of DIR/nova-dkms_VERSION_all.deb
on stdout; dpkg-buildpackage's output goes to DIR/dpkg-buildpackage.log
(shown when it fails).

  --out DIR        where to stage and build (default: build/deb)
  --print-version  print the package version (the driver's) and exit
  -h, --help       this text
EOF
}

out=$src_dir/build/deb
print_version=0
opts=$(getopt -n deb-build -o h -l help,out:,print-version -- "$@") || {
	usage >&2
	exit 2
}
eval set -- "$opts"
while [[ $1 != -- ]]; do
	case $1 in
	--out)
		out=$2
		shift
		;;
	--print-version) print_version=1 ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done
shift
[[ $# -eq 0 ]] || {
	usage >&2
	exit 2
}

drv_h=$src_dir/driver/nova-drm/glue/nova_drv.h
version=$(awk '$1 == "#define" && $2 ~ /^NOVA_DRIVER_(MAJOR|MINOR|PATCHLEVEL)$/ { v[$2] = $3 }
	END { if (length(v) == 3) print v["NOVA_DRIVER_MAJOR"] "." v["NOVA_DRIVER_MINOR"] "." v["NOVA_DRIVER_PATCHLEVEL"] }' "$drv_h")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
	die "no NOVA_DRIVER_MAJOR, _MINOR and _PATCHLEVEL in $drv_h"
if [[ $print_version -eq 1 ]]; then
	printf '%s\n' "$version"
	exit 0
fi
need_tools dpkg-buildpackage dh dh_dkms

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$out/nova-$version
rm -rf "$out"/nova-* "$out"/nova_* "$out/dpkg-buildpackage.log"
"$scripts_dir/module-tree.sh" "$stage/src"
cp -a "$src_dir/packaging/debian" "$stage/debian"
cp -a "$src_dir/packaging/dkms.conf" "$stage/dkms.conf"

# The changelog's one entry. Its date is the commit's: dpkg-buildpackage
# makes it SOURCE_DATE_EPOCH, to which dh_builddeb clamps the files' times,
# so fresh checkouts of one commit make the same package.
maintainer=$(sed -n 's/^Maintainer: //p' "$stage/debian/control")
if commit=$(git -C "$src_dir" rev-parse --short=12 HEAD 2>/dev/null); then
	date=$(git -C "$src_dir" log -1 --format=%aD)
	git -C "$src_dir" diff --quiet HEAD -- Kbuild driver scripts packaging ||
		commit="$commit with uncommitted changes"
else
	commit="a tree outside git"
	date=$(date -R)
fi
cat >"$stage/debian/changelog" <<EOF
nova ($version) bookworm; urgency=medium

  * nova's kernel modules, built from $commit.

 -- $maintainer  $date
EOF

log "dpkg-buildpackage -b in $stage"
# The caller's make flags (-k, jobserver) are not debian/rules' business.
if ! (cd "$stage" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	dpkg-buildpackage -b --no-sign >"$out/dpkg-buildpackage.log" 2>&1); then
	tail -n 30 "$out/dpkg-buildpackage.log" >&2
	die "dpkg-buildpackage failed (all of it: $out/dpkg-buildpackage.log)"
fi
deb=$out/nova-dkms_${version}_all.deb
[[ -f $deb ]] || die "dpkg-buildpackage made no $deb"
log "$deb"
printf '%s\n' "$deb"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the kernel uapi headers the C++ logic includes (and the headers they
# include in turn) into a private directory, sanitized by the kernel's own
# scripts/headers_install.sh exactly as `make headers_install` would.
#
# Why: the logic must not see kernel-internal headers, and the raw
# include/uapi files of a headers package still pull some in (for example
# linux/compiler_types.h); the sanitized copies are what userspace sees.
set -euo pipefail

usage() {
	cat <<USAGE
usage: $0 OBJTREE SRCTREE SRCARCH OUTDIR

Installs linux/types.h, linux/errno.h, drm/drm.h and everything they include
from the kernel tree (OBJTREE is the build tree, e.g. a linux-headers-*-amd64
directory; SRCTREE its source tree) into OUTDIR.
USAGE
}

if [ "${1:-}" = "--help" ] || [ $# -ne 4 ]; then
	usage
	[ "${1:-}" = "--help" ]
	exit
fi

objtree=$(realpath "$1")
srctree=$(realpath "$2")
srcarch=$3
outdir=$4

search=(
	"$srctree/arch/$srcarch/include/uapi"
	"$objtree/arch/$srcarch/include/generated/uapi"
	"$srctree/include/uapi"
	"$objtree/include/generated/uapi"
)

tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT

declare -A done_headers=()
queue=(linux/types.h linux/errno.h drm/drm.h)

while [ ${#queue[@]} -gt 0 ]; do
	header=${queue[0]}
	queue=("${queue[@]:1}")
	[ -n "${done_headers[$header]:-}" ] && continue
	done_headers[$header]=1

	src=
	for dir in "${search[@]}"; do
		if [ -f "$dir/$header" ]; then
			src=$dir/$header
			break
		fi
	done
	# Not a kernel header (stdint.h, sys/ioccom.h in drm.h's BSD branch):
	# left to the compiler, which fails loudly if it is really needed.
	[ -n "$src" ] || continue

	mkdir -p "$tmpdir/$(dirname "$header")"
	# headers_install.sh calls scripts/unifdef relative to the build tree.
	(cd "$objtree" && sh "$srctree/scripts/headers_install.sh" "$src" "$tmpdir/$header")

	# Follow <...> includes, and "..." ones relative to the header's folder.
	while read -r inc; do
		queue+=("$inc")
	done < <(sed -n -E 's@^[[:space:]]*#[[:space:]]*include[[:space:]]*<([^>]+)>.*@\1@p' "$tmpdir/$header")
	while read -r inc; do
		queue+=("$(dirname "$header")/$inc")
	done < <(sed -n -E 's@^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*@\1@p' "$tmpdir/$header")
done

rm -rf "$outdir"
mkdir -p "$(dirname "$outdir")"
mv "$tmpdir" "$outdir"
trap - EXIT
chmod -R a+rX "$outdir"

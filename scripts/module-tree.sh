#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Copies the kernel modules' source tree, everything Kbuild builds
# nova_core.ko and nova.ko from and nothing it builds, into a directory of
# its own. Kbuild in 6.1 and 6.12 has no MO=: a build for a second kernel
# (the debug kernel) or by DKMS (the Debian package) needs its own copy of
# the sources, and the in-tree build's objects next to them must not follow.
# This is the one list of what makes up the module's source.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'EOF'
Usage: scripts/module-tree.sh DEST
       scripts/module-tree.sh --help

Makes DEST a copy of the module's sources (rsync --delete: files gone from
the checkout go from DEST too, and timestamps are kept, so a build in DEST
stays incremental):
  Kbuild                     the one build file of both modules
  driver/**/*.{c,h,cpp,hpp}  C glue, freestanding C++, boundary headers, the
                             uAPI, kernel probes (Kbuild's *.mod.c left out)
  scripts/NAME               each script Kbuild runs: every $(src)/scripts/NAME
                             or $(nova_src)/scripts/NAME the Kbuild file names
Then `make -C KDIR M=DEST modules` builds both modules in DEST.

  -h, --help  this text
EOF
}

help_only_options "$@"
set -- "${operands[@]}"
[[ $# -eq 1 ]] || {
	usage >&2
	exit 2
}
dest=$1
need_tools rsync

# Read from the Kbuild file, so that a script Kbuild starts to run is
# copied without a second list to keep.
mapfile -t scripts < <(kbuild_scripts "$src_dir/Kbuild")

mkdir -p "$dest/scripts"
rsync -a --delete --include='*/' --include='*.c' --include='*.h' --include='*.cpp' \
	--include='*.hpp' --exclude='*.mod.c' --exclude='*' "$src_dir/driver/" "$dest/driver/"
rsync -a "$src_dir/Kbuild" "$dest/Kbuild"
rsync -a "${scripts[@]/#/$src_dir/}" "$dest/scripts/"

#!/usr/bin/env bash
# Describe the kernel nova is built for and tested on.
#
# The target is whatever Debian's linux-headers-amd64 metapackage currently
# points at, NOT the running kernel: builds happen in containers/VMs whose
# `uname -r` has nothing to do with the headers we compile against, and the
# guest boots Debian's image of exactly that version (see fetch-kernel.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'EOF'
Usage: scripts/kernel-env.sh [--krel | --kdir | --version | --help]

Prints the target kernel, resolved from the installed linux-headers-amd64
metapackage (never from `uname -r`).

  (no option)  shell assignments, for: eval "$(scripts/kernel-env.sh)"
                 NOVA_KREL=6.1.0-NN-amd64        kernel release
                 NOVA_KPKG_VERSION=6.1.x-y       version of linux-headers-$NOVA_KREL
                 NOVA_KDIR=/usr/src/linux-headers-$NOVA_KREL
  --krel       print NOVA_KREL only     (make: $(shell scripts/kernel-env.sh --krel))
  --kdir       print NOVA_KDIR only     (make: KDIR ?= $(shell scripts/kernel-env.sh --kdir))
  --version    print NOVA_KPKG_VERSION only
  -h, --help   this text

Exits 1 (message on stderr, nothing on stdout) when the headers are not
installed: run scripts/install-deps.sh first.
EOF
}

mode=all
opts=$(getopt -n kernel-env -o h -l help,krel,kdir,version -- "$@") || {
	usage >&2
	exit 2
}
eval set -- "$opts"
while [[ $1 != -- ]]; do
	case $1 in
	--krel | --kdir | --version)
		[[ $mode == all ]] || { usage >&2 && exit 2; }
		mode=${1#--}
		;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done
shift
[[ $# -eq 0 ]] || {
	usage >&2
	exit 2
}

# ${Depends} of the metapackage looks like
#   "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)"
# We take the package name from it rather than from the version so that a
# future ABI bump (NN) is picked up automatically.
meta_status=$(dpkg-query -W -f='${db:Status-Abbrev}' linux-headers-amd64 2>/dev/null) ||
	die "linux-headers-amd64 is not installed (run scripts/install-deps.sh)"
[[ $meta_status == ii* ]] ||
	die "linux-headers-amd64 is not fully installed (status '$meta_status'; run scripts/install-deps.sh)"
depends=$(dpkg-query -W -f='${Depends}' linux-headers-amd64)
hdr_pkg=$(grep -oE 'linux-headers-[0-9][^ ,|()]*-amd64' <<<"$depends" | head -n1) ||
	die "cannot find linux-headers-*-amd64 in linux-headers-amd64's Depends: '$depends'"
krel=${hdr_pkg#linux-headers-}

# The version that matters is the one of the versioned headers package
# (the image we boot must be byte-for-byte that build), not the metapackage's.
hdr_status=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' "$hdr_pkg" 2>/dev/null) ||
	die "$hdr_pkg (required by linux-headers-amd64) is not installed"
[[ $hdr_status == ii* ]] || die "$hdr_pkg is not fully installed (status '${hdr_status%%|*}')"
version=${hdr_status#*|}
kdir=/usr/src/linux-headers-$krel
[[ -f $kdir/Makefile ]] || die "$kdir/Makefile missing although $hdr_pkg is installed"

case $mode in
krel) printf '%s\n' "$krel" ;;
kdir) printf '%s\n' "$kdir" ;;
version) printf '%s\n' "$version" ;;
all)
	# Values contain only [A-Za-z0-9.+~:/_-], so plain single quotes are safe.
	printf "NOVA_KREL='%s'\n" "$krel"
	printf "NOVA_KPKG_VERSION='%s'\n" "$version"
	printf "NOVA_KDIR='%s'\n" "$kdir"
	;;
esac

#!/usr/bin/env bash
# Describe the kernel nova is built for and tested on.
#
# Two kernels, by name (NOVA_KERNEL or --kernel; see lib.sh): the release
# kernel is whatever the installed linux-headers-amd64 metapackage points at,
# the backports kernel whatever bookworm-backports' linux-headers-amd64
# points at; NOT the running kernel: builds happen in containers/VMs whose
# `uname -r` has nothing to do with the headers we compile against, and the
# guest boots Debian's image of exactly that version (see fetch-kernel.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'EOF'
Usage: scripts/kernel-env.sh [--kernel NAME] [--krel | --kdir | --version | --help]

Prints the target kernel NAME (default: $NOVA_KERNEL, else release):
  release     the kernel the installed linux-headers-amd64 metapackage
              depends on
  backports   the kernel the newest bookworm-backports (~bpo) version of
              linux-headers-amd64 known to apt depends on (that metapackage
              is not installed; its versioned headers package must be)
never the one `uname -r` names.

  (no option)  shell assignments, for: eval "$(scripts/kernel-env.sh)"
                 NOVA_KERNEL=release|backports
                 NOVA_KREL=6.1.0-NN-amd64        kernel release
                 NOVA_KPKG_VERSION=6.1.x-y       version of linux-headers-$NOVA_KREL
                 NOVA_KDIR=/usr/src/linux-headers-$NOVA_KREL
  --kernel NAME  release or backports
  --krel       print NOVA_KREL only     (make: $(shell scripts/kernel-env.sh --krel))
  --kdir       print NOVA_KDIR only     (make: KDIR ?= $(shell scripts/kernel-env.sh --kdir))
  --version    print NOVA_KPKG_VERSION only
  -h, --help   this text

Exits 1 (message on stderr, nothing on stdout) when the headers are not
installed: run scripts/install-deps.sh first.
EOF
}

mode=all
kernel=${NOVA_KERNEL:-release}
opts=$(getopt -n kernel-env -o h -l help,kernel:,krel,kdir,version -- "$@") || {
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
	--kernel) kernel=$2 && shift ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done
shift
[[ $# -eq 0 ]] || {
	usage >&2
	exit 2
}

case $kernel in
release)
	# The installed metapackage's ${Depends} looks like
	#   "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)"
	meta_status=$(dpkg-query -W -f='${db:Status-Abbrev}' linux-headers-amd64 2>/dev/null) ||
		die "linux-headers-amd64 is not installed (run scripts/install-deps.sh)"
	[[ $meta_status == ii* ]] ||
		die "linux-headers-amd64 is not fully installed (status '$meta_status'; run scripts/install-deps.sh)"
	depends=$(dpkg-query -W -f='${Depends}' linux-headers-amd64)
	read -r hdr_pkg _ < <(headers_dep "$depends") ||
		die "cannot find linux-headers-*-amd64 in linux-headers-amd64's Depends: '$depends'"
	;;
backports)
	read -r hdr_pkg want < <(backports_headers) ||
		die "apt knows no $backports_suite version of linux-headers-amd64 (run scripts/install-deps.sh)"
	;;
*) die "--kernel / NOVA_KERNEL: '$kernel' is none of: $NOVA_KERNELS" ;;
esac
krel=${hdr_pkg#linux-headers-}

# The version that matters is the one of the versioned headers package
# (the image we boot must be byte-for-byte that build), not the metapackage's.
hdr_status=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' "$hdr_pkg" 2>/dev/null) ||
	die "$hdr_pkg ($kernel kernel's headers) is not installed (run scripts/install-deps.sh)"
[[ $hdr_status == ii* ]] || die "$hdr_pkg is not fully installed (status '${hdr_status%%|*}')"
version=${hdr_status#*|}
# The backports headers must be the build bookworm-backports has now: its
# image and source are fetched at exactly this version.
[[ -z ${want:-} || $version == "$want" ]] ||
	die "$hdr_pkg is installed at $version, $backports_suite has $want (run scripts/install-deps.sh)"
kdir=/usr/src/linux-headers-$krel
[[ -f $kdir/Makefile ]] || die "$kdir/Makefile missing although $hdr_pkg is installed"

case $mode in
krel) printf '%s\n' "$krel" ;;
kdir) printf '%s\n' "$kdir" ;;
version) printf '%s\n' "$version" ;;
all)
	# Values contain only [A-Za-z0-9.+~:/_-], so plain single quotes are safe.
	printf "NOVA_KERNEL='%s'\n" "$kernel"
	printf "NOVA_KREL='%s'\n" "$krel"
	printf "NOVA_KPKG_VERSION='%s'\n" "$version"
	printf "NOVA_KDIR='%s'\n" "$kdir"
	;;
esac

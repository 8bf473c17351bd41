#!/usr/bin/env bash
# Install the Debian 12 packages nova needs to build and to run its guest tests.
#
# A fresh machine (CI, a new developer box) has none of them, so every entry
# point that needs a tool should be able to call this first; that is why it is
# idempotent and costs well under a second when nothing is missing.
set -euo pipefail

# Build: the module (kbuild needs make/gcc and the headers; kmod for modinfo),
# the C++ logic and its unit tests/benchmarks, the userspace library (libdrm).
BUILD_PKGS=(
	make gcc g++
	linux-headers-amd64 # metapackage: kernel-env.sh resolves the versioned one from it
	kmod                # modinfo/depmod: module dependency closure for the guest
	pkg-config libdrm-dev
	googletest libgtest-dev # libgtest-dev alone lacks gmock sources on some setups
	libbenchmark-dev
	intel-gpu-tools    # libigt.so.0, the igt runtime tests/igt links against (no headers)
	python3 dwarves    # uAPI layout baseline: pahole reads struct layouts from DWARF
	abigail-tools      # libnova ABI baseline: abidw records it, abidiff checks it (make check-abi)
	python3-sphinx     # make docs
	flex bison bc rsync xz-utils # make check-kunit: a UML kernel from linux-source (kunit-run.sh)
	libelf-dev libssl-dev # make check-debug: an x86_64 debug kernel (objtool, certs) from linux-source
	dkms dh-dkms debhelper lintian # make deb: nova-dkms (dh_dkms is dh-dkms's); make check-dkms
)
# Guest: Debian's kernel image is fetched with apt-get download (apt is
# always there); qemu boots it, busybox-static + cpio make the initramfs.
# dpkg-deb unpacks the xz-compressed kernel .deb itself and the image's
# modules are uncompressed, so zstd is not needed.
GUEST_PKGS=(
	qemu-system-x86
	busybox-static
	cpio
	libdrm-tests # drmdevice: harness self-test (dynamically linked libdrm user in the guest)
	pciutils     # lspci -k: which driver binds the guest's PCI functions (edu: nova_core)
)
# Lint: the scripts are kept shellcheck-clean.
LINT_PKGS=(shellcheck)

usage() {
	cat <<EOF
Usage: scripts/install-deps.sh [--check] [--dry-run] [--help]

Installs (apt-get, as root, --no-install-recommends) the packages nova needs:
  build: ${BUILD_PKGS[*]}
  guest: ${GUEST_PKGS[*]}
  lint:  ${LINT_PKGS[*]}
Runs 'apt-get update' only when something is missing. Prints what it installs.
Fast no-op (one dpkg-query call) when everything is already installed.

  --check     only report missing packages; exit 1 if any is missing
  --dry-run   print the apt-get commands instead of running them
  -h, --help  this text
EOF
}

check_only=0
dry_run=0
opts=$(getopt -n install-deps -o h -l help,check,dry-run -- "$@") || {
	usage >&2
	exit 2
}
eval set -- "$opts"
while [[ $1 != -- ]]; do
	case $1 in
	--check) check_only=1 ;;
	--dry-run) dry_run=1 ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done

pkgs=("${BUILD_PKGS[@]}" "${GUEST_PKGS[@]}" "${LINT_PKGS[@]}")

# One dpkg-query for all packages keeps the no-op case fast. Packages dpkg has
# never heard of are absent from its output (and make it exit 1), so we
# compare against the list instead of trusting the exit code.
declare -A installed=()
while IFS=' ' read -r name status; do
	[[ $status == ii ]] && installed[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${pkgs[@]}" 2>/dev/null || true)

missing=()
for p in "${pkgs[@]}"; do
	[[ -n ${installed[$p]:-} ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "[deps] all ${#pkgs[@]} packages present"
	exit 0
fi

echo "[deps] missing: ${missing[*]}"
if [[ $check_only -eq 1 ]]; then
	exit 1
fi

run() {
	if [[ $dry_run -eq 1 ]]; then
		echo "[deps] would run: $*"
	else
		"$@"
	fi
}

if [[ $dry_run -eq 0 && $(id -u) -ne 0 ]]; then
	echo "[deps] must run as root to install: ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# The package lists of a fresh machine may be empty or stale; refresh only
# now that we know we have to install something.
echo "[deps] apt-get update"
run apt-get update -q
echo "[deps] installing: ${missing[*]}"
run apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "[deps] done"

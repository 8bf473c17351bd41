#!/usr/bin/env bash
# Install the Debian 12 packages nova needs to build and to run its guest tests.
#
# A fresh machine (CI, a new developer box) has none of them, so every entry
# point that needs a tool should be able to call this first; that is why it is
# idempotent and costs well under a second when nothing is missing.
#
# The second kernel (NOVA_KERNEL=backports, scripts/kernel-env.sh) comes from
# Debian's bookworm-backports suite: this adds the suite to apt's sources
# from the mirror the machine's own bookworm entry uses, and installs the
# versioned headers package bookworm-backports' linux-headers-amd64 depends
# on (not that metapackage: it would replace the release one).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nova_prefix=deps
nova_log_fd=1
# Where this script adds bookworm-backports when apt's sources lack it.
backports_source=/etc/apt/sources.list.d/nova-$backports_suite.sources

# Build: the module (kbuild needs make/gcc and the headers; kmod for modinfo),
# the C++ logic and its unit tests/benchmarks, the userspace library (libdrm).
BUILD_PKGS=(
	make gcc g++
	linux-headers-amd64 # metapackage: kernel-env.sh resolves the versioned one from it
	kmod                # modinfo/depmod: module dependency closure for the guest
	pkg-config libdrm-dev
	googletest libgtest-dev # libgtest-dev alone lacks gmock sources on some setups
	libbenchmark-dev
	clang                 # clang++: tests/hosted's thread-safety analysis, tests/fuzz's targets
	libclang-rt-14-dev    # libFuzzer and clang's sanitizer runtimes (-fsanitize=fuzzer)
	llvm                  # llvm-symbolizer: source lines in the fuzz targets' sanitizer reports
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
# dpkg-deb unpacks the xz-compressed kernel .deb itself; 6.1's image has
# plain modules, 6.12's .ko.xz ones, which guest-run.sh decompresses with xz
# (xz-utils, above), so zstd is not needed.
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
  backports: linux-headers-VERSION-amd64, the package $backports_suite'
         linux-headers-amd64 depends on, at exactly its version
First adds $backports_suite to apt's sources when they lack it, with the
URI of the machine's own ${backports_suite%-backports} entry:
  $backports_source
Runs 'apt-get update' only when something is missing or apt does not know
$backports_suite yet. Prints what it installs. Fast no-op (no apt-get; one
apt-cache and one dpkg-query call) when everything is already installed.

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

run() {
	if [[ $dry_run -eq 1 ]]; then
		log "would run: $*"
	else
		"$@"
	fi
}
need_root() {
	[[ $dry_run -eq 1 || $(id -u) -eq 0 ]] || die "must run as root to $*"
}
export DEBIAN_FRONTEND=noninteractive
# The package lists of a fresh machine may be empty or stale; refresh only
# when we know we need them, and once.
updated=0
apt_update() {
	[[ $updated -eq 0 ]] || return 0
	log "apt-get update"
	run apt-get update -q
	updated=1
}

# --- bookworm-backports in apt's sources -------------------------------------

# "SUITE URI SIGNED-BY" for each suite of every enabled deb entry in apt's
# sources: deb822 stanzas (*.sources) and one-line entries (*.list);
# SIGNED-BY is "-" when the entry names no keyring file (an inline key is
# not carried over: apt's default keyrings hold Debian's keys anyway).
apt_sources() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -f $f ]] || continue
		awk '
			function flush(  n, i, s, u) {
				if (types ~ /(^| )deb( |$)/ && enabled != "no" && split(uris, u, " ")) {
					n = split(suites, s, " ")
					for (i = 1; i <= n; i++) print s[i], u[1], (signed ~ /^\// ? signed : "-")
				}
				types = uris = suites = signed = enabled = key = ""
			}
			/^#/ {next}
			/^[ \t]*$/ {flush(); next}
			/^[ \t]/ {
				if (key == "uris") uris = uris " " $0
				else if (key == "suites") suites = suites " " $0
				else if (key == "signed-by") signed = "inline"
				next
			}
			{
				key = tolower(substr($0, 1, index($0, ":") - 1))
				v = substr($0, index($0, ":") + 1)
				gsub(/^[ \t]+|[ \t]+$/, "", v)
				if (key == "types") types = v
				else if (key == "uris") uris = v
				else if (key == "suites") suites = v
				else if (key == "signed-by") signed = v
				else if (key == "enabled") enabled = tolower(v)
			}
			END {flush()}' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -f $f ]] || continue
		# deb [OPTIONS] URI SUITE COMPONENT...
		awk '$1 == "deb" {
			line = $0; opts = ""; signed = "-"
			if (match(line, /\[[^]]*\]/)) {
				opts = substr(line, RSTART + 1, RLENGTH - 2)
				line = substr(line, 1, RSTART - 1) substr(line, RSTART + RLENGTH)
			}
			if (match(opts, /signed-by=[^ ]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
			split(line, w, " ")
			print w[3], w[2], signed
		}' "$f"
	done
}

sources=$(apt_sources)
if ! awk -v s="$backports_suite" '$1 == s {f = 1} END {exit !f}' <<<"$sources"; then
	release_suite=${backports_suite%-backports}
	read -r _ uri signed < <(awk -v s="$release_suite" '$1 == s' <<<"$sources") ||
		die "apt's sources (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list, *.sources) have no" \
			"enabled deb entry for $release_suite: cannot tell which mirror carries $backports_suite"
	if [[ $check_only -eq 1 ]]; then
		log "missing: $backports_suite in apt's sources (from $uri)"
		exit 1
	fi
	need_root "add $backports_suite to apt's sources"
	log "adding $backports_suite from $uri (the mirror of $release_suite): $backports_source"
	entry=$(
		echo "# $backports_suite for nova's second kernel, written by nova's scripts/install-deps.sh"
		echo "# from this machine's own $release_suite entry."
		echo "Types: deb"
		echo "URIs: $uri"
		echo "Suites: $backports_suite"
		echo "Components: main"
		[[ $signed == - ]] || echo "Signed-By: $signed"
	)
	if [[ $dry_run -eq 1 ]]; then
		log "would write $backports_source:"
		printf '    %s\n' "${entry//$'\n'/$'\n    '}"
	else
		printf '%s\n' "$entry" >"$backports_source"
	fi
	apt_update
fi

# --- the packages ----------------------------------------------------------------

pkgs=("${BUILD_PKGS[@]}" "${GUEST_PKGS[@]}" "${LINT_PKGS[@]}")
# Exact versions wanted (name -> version): the backports headers.
declare -A want=()
if ! bpo=$(backports_headers); then
	if [[ $check_only -eq 1 ]]; then
		log "missing: apt knows no $backports_suite version of linux-headers-amd64 (apt-get update)"
		exit 1
	fi
	need_root "run apt-get update"
	apt_update
	bpo=$(backports_headers) || [[ $dry_run -eq 1 ]] ||
		die "$backports_suite has no linux-headers-amd64 after apt-get update:" \
			"does the mirror of its entry in apt's sources carry it? (apt-cache policy linux-headers-amd64)"
fi
if [[ -n $bpo ]]; then
	read -r name version <<<"$bpo"
	pkgs+=("$name")
	want[$name]=$version
fi

# One dpkg-query for all packages keeps the no-op case fast. Packages dpkg has
# never heard of are absent from its output (and make it exit 1), so we
# compare against the list instead of trusting the exit code.
declare -A installed=()
while IFS=' ' read -r name status version; do
	[[ $status == ii && ${want[$name]:-$version} == "$version" ]] && installed[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev} ${Version}\n' "${pkgs[@]}" 2>/dev/null || true)

missing=()
for p in "${pkgs[@]}"; do
	[[ -n ${installed[$p]:-} ]] || missing+=("$p${want[$p]:+=${want[$p]}}")
done

if [[ ${#missing[@]} -eq 0 ]]; then
	log "all ${#pkgs[@]} packages present"
	exit 0
fi

log "missing: ${missing[*]}"
if [[ $check_only -eq 1 ]]; then
	exit 1
fi
need_root "install: ${missing[*]}"
apt_update
log "installing: ${missing[*]}"
run apt-get install -y -q --no-install-recommends "${missing[@]}"
log "done"

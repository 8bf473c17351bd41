#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-dkms: the nova-dkms package (scripts/deb-build.sh) holds what
# DKMS needs and nothing the build makes, and DKMS builds and installs it for
# each kernel given, the way it would on a user's machine, but in a scratch
# tree: the package unpacked into OUT/root (dpkg-deb -x), DKMS's tree in
# OUT/tree and its install tree in OUT/modules (dkms --sourcetree,
# --dkmstree, --installtree, --no-depmod), its module signing key in OUT.
# The host's /var/lib/dkms, /lib/modules and /usr/src must stay untouched.
#
# A kernel's build is kept while nothing it depends on changed: the packaged
# source (its content, not its timestamps), the headers' package version,
# dkms's version and the kernel's compiler. A warm run then only checks
# what that build installed.
# shellcheck disable=SC2317 # the tests are functions that check() calls
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'EOF'
Usage: scripts/check-dkms.sh --deb FILE [--out DIR] NAME=KDIR...
       scripts/check-dkms.sh --help

Checks the nova-dkms package FILE, then builds it with DKMS for each kernel
KDIR (a headers tree, e.g. /usr/src/linux-headers-6.1.0-57-amd64; empty: the
NAME kernel's headers were not found, a failure) in a scratch tree. Prints one closing line per suite for check-summary.py:
  dkms-package   the package's metadata, dkms.conf, maintainer scripts and
                 files (sources present, no build products), lintian; dkms add
  dkms-NAME      dkms build and install for KDIR: both modules built and
                 installed in KREL/updates/dkms, their vermagic is KDIR's
                 release, nova.ko depends on nova_core.ko, and the host's
                 DKMS tree, module and source directories are untouched

  --deb FILE  the package (make deb: build/deb/nova-dkms_VERSION_all.deb)
  --out DIR   the scratch tree (default: build/dkms)
  -h, --help  this text
EOF
}

deb=
out=$src_dir/build/dkms
opts=$(getopt -n check-dkms -o h -l help,deb:,out: -- "$@") || {
	usage >&2
	exit 2
}
eval set -- "$opts"
while [[ $1 != -- ]]; do
	case $1 in
	--deb)
		deb=$2
		shift
		;;
	--out)
		out=$2
		shift
		;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done
shift
[[ -n $deb && $# -gt 0 ]] || {
	usage >&2
	exit 2
}
for k in "$@"; do
	[[ $k == ?*=* ]] || die "'$k' is not NAME=KDIR"
done
need_tools dkms dpkg-deb lintian modinfo sha256sum
[[ -f $deb ]] || die "$deb missing (make deb)"

# --- results -------------------------------------------------------------------

suite=
passed=0
failed=0
skipped=0
any_failed=0
begin() {
	suite=$1 passed=0 failed=0 skipped=0
	log "$suite: $2"
}
# check DESCRIPTION CMD...: one test, CMD's status.
check() {
	if "${@:2}"; then
		echo "  ok: $1"
		passed=$((passed + 1))
	else
		echo "  FAIL: $1"
		failed=$((failed + 1))
	fi
}
skip() {
	echo "  skipped: $1"
	skipped=$((skipped + 1))
}
end() {
	echo "$suite: $passed passed, $failed failed, $skipped skipped"
	[[ $failed -eq 0 ]] || any_failed=1
}

# --- the package ---------------------------------------------------------------

mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$out/root
tree=$out/tree
installtree=$out/modules
started=$out/.started
touch "$started"

version=$(dpkg-deb -f "$deb" Version)
pkg_src=usr/src/nova-$version
rm -rf "$root"
dpkg-deb -x "$deb" "$root"
listing=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./||')

begin dkms-package "$(basename "$deb")"

metadata_ok() {
	[[ $(dpkg-deb -f "$deb" Package) == nova-dkms && $(dpkg-deb -f "$deb" Architecture) == all &&
		$(dpkg-deb -f "$deb" Depends) =~ (^|, )dkms( |,|$) ]]
}
check "nova-dkms $version, Architecture all, depends on dkms" metadata_ok

in_package() { grep -qxF "$pkg_src/$1" <<<"$listing"; }
# dkms.conf, Kbuild, and each script the packaged Kbuild runs.
files_ok() {
	local f rc=0
	for f in dkms.conf Kbuild $(kbuild_scripts "$root/$pkg_src/Kbuild"); do
		in_package "$f" || {
			echo "    $pkg_src/$f missing"
			rc=1
		}
	done
	return "$rc"
}
check "dkms.conf, Kbuild and the scripts Kbuild runs in /$pkg_src" files_ok

# Every object the Kbuild file names, from the Kbuild file packaged.
sources_ok() {
	local obj n=0 rc=0
	while read -r obj; do
		n=$((n + 1))
		in_package "${obj%.o}.c" || in_package "${obj%.o}.cpp" || {
			echo "    no source of $obj"
			rc=1
		}
	done < <(grep -oE 'driver/[A-Za-z0-9_/.-]+\.o' "$root/$pkg_src/Kbuild" | sort -u)
	[[ $n -gt 0 ]] || echo "    Kbuild names no driver/*.o"
	[[ $n -gt 0 && $rc -eq 0 ]]
}
check "a C or C++ source for each object Kbuild lists" sources_ok

products_ok() {
	awk '/\.(o|ko|ko\.xz|a|mod|mod\.c|cmd|order|symvers)$|(^|\/)build\// { print "    build product: " $0; f = 1 }
		END { exit f }' <<<"$listing"
}
check "no build products (objects, modules, .cmd files, Kbuild's build/)" products_ok

# dkms.conf as DKMS reads it (it sources the file with these set).
conf_ok() (
	# shellcheck disable=SC2034 # dkms.conf reads them
	kernel_source_dir=/KDIR dkms_tree=/DKMS module=nova module_version=$version
	# shellcheck source=/dev/null
	. "$root/$pkg_src/dkms.conf"
	# shellcheck disable=SC2153 # dkms.conf's variables
	[[ $PACKAGE_NAME == nova && $PACKAGE_VERSION == "$version" && $AUTOINSTALL == yes &&
		"${BUILT_MODULE_NAME[*]}" == "nova_core nova" &&
		"${DEST_MODULE_LOCATION[*]}" == "/updates/dkms /updates/dkms" &&
		${MAKE[0]} == "make -C /KDIR M=/DKMS/nova/$version/build modules" ]] || {
		echo "    $PACKAGE_NAME $PACKAGE_VERSION: ${BUILT_MODULE_NAME[*]} in ${DEST_MODULE_LOCATION[*]}, MAKE: ${MAKE[0]}"
		return 1
	}
)
check "dkms.conf: nova $version, nova_core and nova to /updates/dkms, MAKE runs Kbuild's modules" conf_ok

scripts_ok() {
	local postinst prerm
	postinst=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst)
	prerm=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./prerm)
	grep -q '/usr/lib/dkms/common.postinst' <<<"$postinst" && grep -qx 'DKMS_NAME=nova' <<<"$postinst" &&
		grep -qx "DKMS_VERSION=$version" <<<"$postinst" && grep -qx 'DKMS_NAME=nova' <<<"$prerm" &&
		grep -qx "DKMS_VERSION=$version" <<<"$prerm" && grep -q 'dkms remove ' <<<"$prerm"
}
check "postinst registers and builds nova $version with DKMS, prerm removes it" scripts_ok

# Debian's own checker of packages; root is what make check runs as here.
lintian_ok() {
	local out rc=0
	out=$(lintian --fail-on error,warning "$deb" 2>&1) || rc=$?
	awk '!/^running with root privileges/ { print "    " $0 }' <<<"$out"
	return "$rc"
}
check "lintian: no error or warning" lintian_ok

# DKMS's tree, and the builds in it, are kept while the packaged source is
# the same: its files' names and contents.
src_key=$(cd "$root/$pkg_src" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [[ $(cat "$tree/.nova-source" 2>/dev/null) != "$src_key" ]]; then
	rm -rf "$tree" "$installtree"
fi
mkdir -p "$tree" "$installtree"
# Module signing as Debian's DKMS does it, with a key of the scratch tree's
# own instead of /var/lib/dkms/mok.key (dkms makes it on first use).
export mok_signing_key=$out/mok.key mok_certificate=$out/mok.pub
dkms_in() { dkms "$@" -m nova -v "$version" --sourcetree "$root/usr/src" --dkmstree "$tree" --installtree "$installtree"; }
added() { [[ -L $tree/nova/$version/source ]]; }
add() {
	added || dkms_in add >"$out/add.log" 2>&1 || {
		cat "$out/add.log"
		return 1
	}
	echo "$src_key" >"$tree/.nova-source"
}
check "dkms add registers the packaged source" add
end

# --- each kernel ---------------------------------------------------------------

# The build's inputs besides the source: the compiler is the kernel's own
# (CONFIG_CC_VERSION_TEXT), and g++ of the same name compiles the C++.
kernel_key() {
	local cc
	cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$1/.config")
	printf '%s\n' "$src_key" "$(dpkg-query -W -f='${Version}' "linux-headers-$2" 2>/dev/null || echo unpackaged)" \
		"$(dkms --version)" "$("$cc" --version 2>&1 | head -n1)" "$("${cc/gcc/g++}" --version 2>&1 | head -n1)"
}

host_untouched() {
	local d dirs=()
	for d in /var/lib/dkms /lib/modules /usr/src; do
		[[ -d $d ]] && dirs+=("$d")
	done
	find "${dirs[@]}" -newer "$started" 2>/dev/null | head -n 5 |
		awk '{ print "    changed: " $0; f = 1 } END { exit f }'
}

# The steps of one kernel's suite, on $name, $kdir, $krel, $key and $stamp.
build_ok() {
	local t0=$SECONDS
	added || dkms_in add >/dev/null
	log "dkms-$name: dkms build for $krel"
	if ! dkms_in build -k "$krel" --kernelsourcedir "$kdir" >"$out/build-$krel.log" 2>&1; then
		cat "$out/build-$krel.log"
		tail -n 40 "$tree/nova/$version/build/make.log" 2>/dev/null
		return 1
	fi
	log "dkms-$name: built in $((SECONDS - t0)) s"
}
# dkms install must run as root; it writes only into the install tree.
install_ok() {
	mkdir -p "$installtree/$krel"
	dkms_in install -k "$krel" --kernelsourcedir "$kdir" --no-depmod >"$out/install-$krel.log" 2>&1 || {
		cat "$out/install-$krel.log"
		return 1
	}
	echo "$key" >"$stamp"
}
installed() { compgen -G "$installtree/$krel/updates/dkms/$1.ko*" >/dev/null; }
# module_file MODULE: the module as installed, else as DKMS built it.
module_file() {
	compgen -G "$installtree/$krel/updates/dkms/$1.ko*" ||
		compgen -G "$tree/nova/$version/$krel/*/module/$1.ko*" || true
}
# vermagic_ok MODULE: its vermagic's first word is the kernel release.
vermagic_ok() {
	local ko v=
	ko=$(module_file "$1" | head -n1)
	if [[ -n $ko ]]; then v=$(modinfo -F vermagic "$ko" 2>/dev/null) || true; fi
	[[ ${v%% *} == "$krel" ]] || {
		echo "    ${ko:-$1.ko missing}: vermagic '$v'"
		return 1
	}
}
depends_ok() {
	local ko
	ko=$(module_file nova | head -n1)
	[[ -n $ko && ,$(modinfo -F depends "$ko"), == *,nova_core,* ]]
}
in_updates_ok() { installed nova && installed nova_core; }

declare -A kernel_of=()
for spec in "$@"; do
	name=${spec%%=*}
	kdir=${spec#*=}
	begin "dkms-$name" "${kdir:-no headers}"
	if [[ -z $kdir ]]; then
		check "headers of the $name kernel (scripts/kernel-env.sh found none)" false
		end
		continue
	fi
	# Two names for one kernel would pass for a kernel never built.
	if [[ -n ${kernel_of[$kdir]:-} ]]; then
		check "the $name kernel's headers are not the ${kernel_of[$kdir]} kernel's" false
		end
		continue
	fi
	kernel_of[$kdir]=$name
	# The release modules built there carry in their vermagic (Debian's 6.1
	# headers say 6.1.192 in include/config/kernel.release).
	krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null) || krel=
	if [[ -z $krel ]]; then
		check "headers at $kdir (include/generated/utsrelease.h)" false
		end
		continue
	fi
	key=$(kernel_key "$kdir" "$krel")
	stamp=$tree/.nova-$krel
	status=$(dkms_in status -k "$krel" 2>/dev/null || true)
	if [[ $(cat "$stamp" 2>/dev/null) == "$key" && $status == *": installed"* ]]; then
		log "dkms-$name: kept the build for $krel (same source, headers, dkms and compiler)"
		check "dkms build and install for $krel (kept)" true
	else
		rm -f "$stamp"
		[[ -z $status ]] || dkms_in remove -k "$krel" --no-depmod >/dev/null 2>&1 || true
		check "dkms build for $krel" build_ok
		if [[ ! -d $tree/nova/$version/$krel ]]; then
			# Nothing built: the checks of what it built would only repeat that.
			check "the host's /var/lib/dkms, /lib/modules and /usr/src untouched" host_untouched
			end
			continue
		elif [[ $(id -u) -ne 0 ]]; then
			skip "dkms install for $krel (not root)"
		else
			check "dkms install for $krel" install_ok
		fi
	fi
	for m in nova_core nova; do
		check "$m.ko's vermagic is $krel" vermagic_ok "$m"
	done
	check "nova.ko depends on nova_core.ko" depends_ok
	[[ $(id -u) -ne 0 ]] || check "both modules installed in $krel/updates/dkms" in_updates_ok
	check "the host's /var/lib/dkms, /lib/modules and /usr/src untouched" host_untouched
	end
done
exit "$any_failed"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# "make install PREFIX=... DESTDIR=..." gives a usable libnova: the files
# land under DESTDIR/PREFIX with PREFIX (not DESTDIR) in nova.pc, the
# library has SONAME libnova.so.0 and the NOVA_0.1 .. NOVA_0.5 version
# nodes; and, installed into a PREFIX of its own, a C and a C++ program
# built with nothing but "pkg-config nova" link against it and run (no
# device needed). (PKG_CONFIG_SYSROOT_DIR cannot stand in for the second
# install: it would prefix the system libdrm's paths too.)
set -euo pipefail

usage() {
	cat <<EOF2
Usage: $0 [--help] USERSPACE_BUILD_DIR WORKDIR

Installs libnova from the build in USERSPACE_BUILD_DIR into WORKDIR/stage
with PREFIX=/opt/nova and checks the result, installs it again with
PREFIX=WORKDIR/prefix, builds a C and a C++ client against that through
pkg-config, runs them, and prints "install: N passed, N failed".
EOF2
}

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	usage
	exit 0
fi
if [ $# != 2 ]; then
	usage >&2
	exit 2
fi

build=$1
work=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
stage=$work/stage
prefix=/opt/nova
passed=0
failed=0

check() {
	local name=$1
	shift
	if "$@" >"$work/$name.log" 2>&1; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name (log: $work/$name.log)"
		sed 's/^/    /' "$work/$name.log" | tail -n 20
		failed=$((failed + 1))
	fi
}

rm -rf "${work:?}"
mkdir -p "$work"

check install_runs make --no-print-directory -C "$src" O="$build" install \
	PREFIX="$prefix" DESTDIR="$stage"

installed_files() {
	local f
	for f in lib/libnova.so.0 lib/libnova.so include/nova/nova.h \
		include/nova/nova.hpp include/nova/nova_drm.h lib/pkgconfig/nova.pc \
		bin/novainfo bin/nova-demo bin/nova-bench; do
		[ -e "$stage$prefix/$f" ] || { echo "missing: $prefix/$f"; return 1; }
	done
}
check install_files installed_files

soname_and_versions() {
	local lib=$stage$prefix/lib/libnova.so.0
	readelf -d "$lib" | grep -q 'SONAME.*\[libnova\.so\.0\]' || { echo "no SONAME libnova.so.0"; return 1; }
	for node in NOVA_0.1 NOVA_0.2 NOVA_0.3 NOVA_0.4 NOVA_0.5; do
		readelf -V "$lib" | grep -q "Name: $node" || { echo "no version node $node"; return 1; }
	done
	# Nothing but nova_* leaves the library.
	if nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | grep -v '^nova_'; then
		echo "exported symbols outside nova_*"
		return 1
	fi
}
check install_soname_versions soname_and_versions
check install_pc_prefix grep -qx "prefix=$prefix" "$stage$prefix/lib/pkgconfig/nova.pc"

own=$work/prefix
check install_own_prefix make --no-print-directory -C "$src" O="$build" install PREFIX="$own"
export PKG_CONFIG_PATH=$own/lib/pkgconfig

cat >"$work/client.c" <<'C'
#include <stdio.h>
#include <nova/nova.h>
#include <nova/nova_drm.h>

int main(void)
{
	struct nova_bo_cache_stats st = { .struct_size = sizeof(st) };

	/* No device: these need none, and must fail cleanly. */
	if (nova_param_count() == 0 || !nova_param_name(NOVA_GETPARAM_PAGE_SIZE))
		return 1;
	if (nova_device_bo_cache_stats(NULL, &st) != -22 || nova_bo_ref(NULL))
		return 1;
	puts("c client ok");
	return 0;
}
C
cat >"$work/client.cpp" <<'CXX'
#include <cstdio>
#include <nova/nova.hpp>

int main()
{
	nova::Bo none;
	nova::Device dev;
	if (none || dev || nova_param_count() == 0)
		return 1;
	std::puts("c++ client ok");
	return 0;
}
CXX

build_and_run() {
	local compiler=$1 file=$2 out=$3
	# shellcheck disable=SC2046 # pkg-config's output is meant to be split
	"$compiler" -Wall -Werror -o "$work/$out" "$work/$file" $(pkg-config --cflags --libs nova)
	readelf -d "$work/$out" | grep -q 'NEEDED.*\[libnova\.so\.0\]'
	# The installed library, found through the NEEDED entry alone.
	LD_LIBRARY_PATH=$own/lib "$work/$out"
}
modversion_is() {
	[ "$(pkg-config --modversion nova)" = "$1" ]
}
check install_pkgconfig_version modversion_is "$(sed -n 's/^VERSION := //p' "$src/Makefile")"
check install_c_client build_and_run gcc client.c client-c
check install_cxx_client build_and_run g++ client.cpp client-cxx

echo "install: $passed passed, $failed failed"
[ "$failed" = 0 ]

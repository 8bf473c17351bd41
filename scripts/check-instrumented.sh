#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# On a debug kernel, the C++ logic must be instrumented like the C glue.
# Kbuild adds $(CFLAGS_KASAN) and $(CFLAGS_UBSAN) to C objects on its own;
# the Kbuild C++ rule has to pass them explicitly, and this catches the day
# it does not: every -fsanitize= flag Kbuild gave the C glue (read from the
# saved command line of driver/nova-drm/glue/nova_drv.o) must be on each C++ object's
# command line too, and each C++ object must call into KASAN. That covers
# every .cpp under driver/: nova.ko's logic and nova_core.ko's engine
# (driver/nova-core/engine/).
set -euo pipefail

if [[ ${1:-} == --help || $# -ne 1 ]]; then
	echo "usage: $0 MODULE_BUILD_DIR"
	echo "Fails unless each C++ object (nova.ko's, nova_core.ko's) in MODULE_BUILD_DIR got the C glue's"
	echo "-fsanitize= flags and references __asan_* (a KASAN kernel's build), and"
	echo "nova_core.ko references __asan_* too."
	[[ ${1:-} == --help ]]
	exit
fi
dir=$1
sanitizers() { grep -oE -- '-fsanitize=[^ ]+' "$1" | sort -u; }

ref_cmd=$dir/driver/nova-drm/glue/.nova_drv.o.cmd
[[ -f $ref_cmd ]] || {
	echo "check-instrumented: $ref_cmd missing (build the module first)" >&2
	exit 1
}
reference=$(sanitizers "$ref_cmd")
grep -qx -- -fsanitize=kernel-address <<<"$reference" || {
	echo "check-instrumented: the C glue has no -fsanitize=kernel-address: not a KASAN kernel" >&2
	exit 1
}
n=0
fail=0
while IFS= read -r src; do
	obj=${src%.cpp}.o
	cmd=$(dirname "$obj")/.$(basename "$obj").cmd
	[[ -f $obj && -f $cmd ]] || continue
	missing=$(comm -23 <(echo "$reference") <(sanitizers "$cmd"))
	if [[ -n $missing ]]; then
		echo "check-instrumented: ${obj#"$dir"/} lacks $(echo "$missing" | tr '\n' ' ')" >&2
		fail=1
	fi
	if ! nm -u "$obj" | grep -q ' __asan_'; then
		echo "check-instrumented: ${obj#"$dir"/} has no __asan_* calls" >&2
		fail=1
	fi
	n=$((n + 1))
done < <(find "$dir/driver" -name '*.cpp')
[[ $n -gt 0 ]] || {
	echo "check-instrumented: no C++ objects under $dir/driver" >&2
	exit 1
}
# nova_core's C is instrumented by Kbuild itself, its engine C++ by the
# loop above; the module is checked all the same, since a module the suite
# reloads must report its bugs too.
core=$dir/nova_core.ko
if [[ ! -f $core ]]; then
	echo "check-instrumented: $core missing (build the modules first)" >&2
	fail=1
elif ! nm -u "$core" | grep -q ' __asan_'; then
	echo "check-instrumented: nova_core.ko has no __asan_* calls" >&2
	fail=1
fi
[[ $fail -eq 0 ]] || exit 1
echo "check-instrumented: nova_core.ko instrumented; $n C++ objects carry the C glue's sanitizers: $(echo "$reference" | sed 's/-fsanitize=//' | tr '\n' ' ')"

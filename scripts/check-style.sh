#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's coding style on nova's kernel C: every .c and .h of driver/
# and tests/kunit/ through the kernel's own scripts/checkpatch.pl, from the
# linux-source tree of the kernel nova builds against (the one KUnit and
# the debug kernel use: lib.sh's linux_source). The C++ core has a style of
# its own (.clang-format) and userspace C follows libdrm's, so neither is
# checked here.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'USAGE'
Usage: scripts/check-style.sh [--help] [FILE...]

Runs checkpatch.pl (--no-tree -f, lines up to 100 columns, as the kernel
accepts since 5.7) on FILEs, by default on every .c and .h file git knows in
driver/ and tests/kunit/. Prints each finding and a closing line
    check-style: N files, N findings
and exits 1 when there is any finding (errors, warnings and checks alike).
USAGE
}
help_only_options "$@"
set -- "${operands[@]}"

need_tools perl git
checkpatch=$(linux_source "$(kernel_version)")/scripts/checkpatch.pl
[[ -f $checkpatch ]] || die "no $checkpatch"
if [[ $# -eq 0 ]]; then
	mapfile -t files < <(git -C "$src_dir" ls-files -- 'driver/*.[ch]' 'tests/kunit/*.[ch]')
	files=("${files[@]/#/$src_dir/}")
else
	files=("$@")
fi
[[ ${#files[@]} -gt 0 ]] || die "no files to check"

findings=0
for file in "${files[@]}"; do
	# --terse: one line per finding, "FILE:LINE: LEVEL: message".
	out=$(perl "$checkpatch" --no-tree -f --terse --max-line-length=100 \
		--show-types "$file" | grep -E ': (ERROR|WARNING|CHECK):' || true)
	[[ -z $out ]] && continue
	printf '%s\n' "${out//$src_dir\//}"
	findings=$((findings + $(wc -l <<<"$out")))
done
echo "check-style: ${#files[@]} files, $findings findings"
[[ $findings -eq 0 ]]

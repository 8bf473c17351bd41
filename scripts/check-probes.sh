#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks the promise of driver/probes/: the driver adapts to a kernel by
# what the kernel has (compile probes), never by its version number, and a
# probe's answer can never silently go missing.
#   1. No kernel-version comparison anywhere in driver/ or Kbuild.
#   2. Every probe has its answer in the build's nova_probes.h.
#   3. For each probe: nova_drv.c, compiled as the build compiled it but
#      with that one answer deleted from nova_probes.h, must fail with a
#      message naming the probe (and compiles with the header intact).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<'USAGE'
Usage: scripts/check-probes.sh [--help] KDIR BUILD_DIR

KDIR is the kernel the module in BUILD_DIR (where Kbuild put nova_probes.h
and the objects) was built against; the compile commands Kbuild saved there
are run again from KDIR. Prints one line per check; exit 1 on any failure.
USAGE
}
help_only_options "$@"
set -- "${operands[@]}"
[[ $# -eq 2 ]] || { usage >&2 && exit 2; }
kdir=$1 build=$(cd "$2" && pwd)
header=$build/nova_probes.h
[[ -f $header ]] || die "$header missing: build the module first"
failed=0
fail() {
	echo "check-probes: FAIL: $*"
	failed=1
}
indent() { sed 's/^/    /'; }

# 1. Version checks: the glue must ask the kernel, not its number.
if hits=$(grep -rnE 'LINUX_VERSION_CODE|KERNEL_VERSION[[:space:]]*\(|LINUX_VERSION_(MAJOR|PATCHLEVEL|SUBLEVEL)' \
	"$src_dir/driver" "$src_dir/Kbuild"); then
	fail "kernel-version comparisons in the driver:"
	indent <<<"$hits"
else
	echo "check-probes: no kernel-version comparison in driver/ or Kbuild"
fi

# The command Kbuild compiled nova_drv.c with (cmd_ on 6.1, savedcmd_ on
# later kernels; up to the first ';', where 6.1 appends objtool's run), to
# be rerun with -fsyntax-only and a directory of ours first on the include
# path, ahead of the build's own nova_probes.h.
cmdfile=$build/driver/nova-drm/glue/.nova_drv.o.cmd
[[ -f $cmdfile ]] || die "$cmdfile missing: build the module first"
cc=$(sed -n 's/^\(saved\)\{0,1\}cmd_[^ ]*nova_drv\.o := *//p' "$cmdfile" | head -n1)
cc=${cc%%;*}
[[ $cc == *" -c "* ]] || die "no compile command in $cmdfile"
compile_with() {
	local compiler=${cc%% *} args=${cc#* }
	(cd "$kdir" && eval "$compiler -I$1 ${args/ -c / -fsyntax-only -c }" -o /dev/null) 2>&1
}

probes=()
for probe in "$src_dir"/driver/probes/*.c; do
	probes+=("$(basename "$probe" .c)")
done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/nova-probes.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp "$header" "$scratch/nova_probes.h"
if ! msgs=$(compile_with "$scratch"); then
	fail "nova_drv.c does not compile with the build's own nova_probes.h:"
	indent <<<"$msgs" | head -n 20
fi
for name in "${probes[@]}"; do
	macro=NOVA_HAVE_$(tr '[:lower:]-' '[:upper:]_' <<<"$name")
	# 2. The build's answer.
	if ! answer=$(sed -n "s/^#define $macro \([01]\)$/\1/p" "$header") || [[ -z $answer ]]; then
		fail "$name: no answer in $header"
		continue
	fi
	# 3. Without it, the build must stop and say which probe.
	grep -v "^#define $macro " "$header" >"$scratch/nova_probes.h"
	if msgs=$(compile_with "$scratch"); then
		fail "$name: nova_drv.c still compiles without the probe's answer"
	elif ! grep -q "probe $name " <<<"$msgs"; then
		fail "$name: the build failed without naming the probe:"
		indent <<<"$msgs" | head -n 5
	else
		echo "check-probes: $name = $answer; without it: $(grep -o "error: .*probe $name [^\"]*" <<<"$msgs" | head -n1)"
	fi
done
[[ $failed -eq 0 ]] || exit 1
echo "check-probes: ${#probes[@]} probes, all answered, each missing one stops the build by name"

#!/usr/bin/env bash
# Run a command inside a QEMU guest booted on Debian's kernel image matching
# the installed headers, with nova.ko (and any other --module) loaded.
#
# The guest sees the host's whole filesystem read-only through virtio-9p and
# chroots into it, so host-built binaries and their libraries run unchanged,
# in the same cwd; only the output dir is writable (and /tmp, /run in RAM).
# See usage() for the contract and scripts/guest-init.sh for the guest side.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here=$scripts_dir
t_start=$EPOCHREALTIME

usage() {
	cat <<'EOF'
Usage: scripts/guest-run.sh [OPTIONS] -- CMD [ARGS...]
       scripts/guest-run.sh [OPTIONS] --script FILE

Boots Debian's kernel (the one matching linux-headers-amd64; NOVA_KERNEL=
backports: bookworm-backports' one, see scripts/kernel-env.sh) under QEMU with
virtio-gpu and vgem loaded and --functions edu PCI devices, insmods each
--module, runs CMD (or `sh FILE`) as root chrooted into the host's /
(read-only, via 9p) in the current directory, rmmods the --modules in reverse
order, and powers off.

Options:
  --module PATH[:PARAMS]  insmod PATH (host path, relative to cwd) with PARAMS
                          (space separated, e.g. 'nova.ko:debug=1 vram_mb=64');
                          repeatable; loaded in order, removed in reverse order.
                          Its in-kernel dependencies (modinfo depends) are
                          added to the initramfs automatically.
  --out DIR               output dir, shared writable at the same path
                          (default: $PWD/build/guest). Receives console.log,
                          dmesg.txt, status (and kmemleak.txt on debug kernels).
  --timeout SEC           kill the guest after SEC seconds (default 300, or
                          $NOVA_GUEST_TIMEOUT); exit status 124
                          A guest that has not started the command
                          ($NOVA_GUEST_BOOT_TIMEOUT seconds, default 300,
                          after QEMU started) is killed and booted once more;
                          so is one whose idle vCPU lost its timer interrupt
                          (RCU's stall report of an idle CPU, then its
                          "timer wakeup didn't happen")
  --accel tcg|kvm|auto    default auto ($NOVA_ACCEL): KVM only if a cached probe
                          boot showed that KVM works here, else TCG
  --script FILE           run `sh FILE` in the guest instead of CMD
  --env NAME=VALUE        set an environment variable for the command
                          (repeatable; the command otherwise gets PATH, HOME,
                          TERM, LANG only)
  --append ARGS           extra kernel command line (e.g. 'drm.debug=0x1e')
  --memory MB             guest RAM (default 1024)
  --functions N           QEMU edu PCI devices in the guest, the GPU functions
                          nova_core.ko binds: 0 to 8 (default 1, or
                          $NOVA_GUEST_FUNCTIONS), with QEMU ids edu0, edu1, ...
                          on the PCI root bus, where they can be hot-unplugged
  --monitor               give the command QEMU's monitor (QMP): a relay on the
                          host (scripts/monitor-relay.py, ended with QEMU)
                          serves requests that tests/guest/qemu-monitor.sh in
                          the guest drops into OUT/.nova-monitor (the command
                          gets NOVA_MONITOR set to that directory), e.g.
                            tests/guest/qemu-monitor.sh device_del id=edu0
                            tests/guest/qemu-monitor.sh device_add driver=edu id=edu1
                            tests/guest/qemu-monitor.sh --hmp 'info pci'
                          QMP events land in OUT/.nova-monitor/events, the
                          relay's messages in OUT/monitor.log
  --kernel DIR            boot the kernel built in DIR (a build tree made by
                          scripts/debug-kernel.sh: DIR/arch/x86/boot/bzImage,
                          its release in
                          DIR/include/config/kernel.release) instead of
                          Debian's image; the base modules it has built in
                          (DIR/modules.builtin) are not loaded, and
                          DIR/.nova-cmdline is added to the command line;
                          TCG unless --accel kvm is given
  --interactive           attach the terminal to the guest console (command's
                          stdin is the console; Ctrl-A x quits QEMU; no
                          timeout unless --timeout is given)
  --reprobe-kvm           forget the cached KVM probe result
  -h, --help              this text

Exit status: the command's status when it is non-zero; otherwise 1 if an
rmmod failed or the guest's dmesg shows a kernel problem (WARNING:, BUG:,
Oops, Call Trace, general protection, KASAN:, UBSAN:, possible circular
locking, kmemleak reports, Kernel panic, hung tasks, RCU stalls); 0 if all is
clean. 124: timeout. 125: the harness or guest setup failed (QEMU error, guest
crash, a --module failed to insmod); the command did not run to completion.

Caches (outside the checkout) under ${NOVA_CACHE:-${XDG_CACHE_HOME:-~/.cache}/nova}:
  kernel/VERSION/          Debian's image unpacked (scripts/fetch-kernel.sh)
  initramfs/VERSION-HASH   keyed by kernel, module list, init script, busybox
  kvm-probe/VERSION        cached result of the KVM probe boot

Pitfalls: the guest's /tmp is the host's /tmp overlaid with RAM (writes stay
in the guest); everything else outside --out is read-only. Module params with
spaces inside one value are not supported.
EOF
}

# fd 4 = the caller's stderr, so that messages still get out of blocks whose
# stderr is silenced (see the QEMU wait loop).
exec 4>&2
nova_log_fd=4
nova_die_status=125

# Single-quote for sh (the guest init and the host /bin/sh both read it).
shq() {
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

# ---------------------------------------------------------------- arguments
modules=()
envs=()
out=""
timeout=""
accel=${NOVA_ACCEL:-auto}
script=""
append=""
memory=1024
functions=${NOVA_GUEST_FUNCTIONS:-1}
interactive=0
reprobe=0
kernel_dir=""
monitor=0

# +: options end at CMD, whose own options stay its own.
opts=$(getopt -n guest-run -o +h -l help,module:,out:,timeout:,accel:,script:,env:,append:,memory:,functions:,kernel:,interactive,reprobe-kvm,monitor -- "$@") || {
	usage >&2
	exit 2
}
eval set -- "$opts"
while [[ $1 != -- ]]; do
	case $1 in
	--module) modules+=("$2") ;;
	--out) out=$2 ;;
	--timeout) timeout=$2 ;;
	--accel) accel=$2 ;;
	--script) script=$2 ;;
	--env) envs+=("$2") ;;
	--append) append="$append $2" ;;
	--memory) memory=$2 ;;
	--functions) functions=$2 ;;
	--kernel) kernel_dir=$2 ;;
	--interactive) interactive=1 && shift && continue ;;
	--reprobe-kvm) reprobe=1 && shift && continue ;;
	--monitor) monitor=1 && shift && continue ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift 2
done
shift
cmd=("$@")

if [[ -n $script && ${#cmd[@]} -gt 0 ]]; then
	die "give either --script FILE or -- CMD, not both"
fi
if [[ -z $script && ${#cmd[@]} -eq 0 ]]; then
	die "nothing to run: give -- CMD [ARGS...] or --script FILE (see --help)"
fi
# A person at an --interactive shell should not be cut off after 5 minutes.
if [[ -z $timeout ]]; then
	timeout=${NOVA_GUEST_TIMEOUT:-300}
	[[ $interactive -eq 0 ]] || timeout=${NOVA_GUEST_TIMEOUT:-86400}
fi
[[ $timeout =~ ^[0-9]+$ && $timeout -gt 0 ]] || die "--timeout wants a positive number of seconds, not '$timeout'"
[[ $memory =~ ^[0-9]+$ ]] || die "--memory wants megabytes, not '$memory'"
[[ $functions =~ ^[0-8]$ ]] || die "--functions wants 0 to 8 edu functions, not '$functions'"
case $accel in tcg | kvm | auto) ;; *) die "--accel must be tcg, kvm or auto, not '$accel'" ;; esac
for e in "${envs[@]}"; do
	[[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env wants NAME=VALUE, not '$e'"
done

# ---------------------------------------------------------------- host setup
# A fresh machine has neither QEMU nor busybox; installing is a no-op (one
# dpkg-query) when everything is there.
"$here/install-deps.sh" --check >/dev/null || "$here/install-deps.sh" >&2 ||
	die "missing packages; run scripts/install-deps.sh as root"

eval "$("$here/kernel-env.sh")"
kcache=$("$here/fetch-kernel.sh") || die "could not fetch the kernel image"
# Prefer the ELF vmlinux fetch-kernel.sh extracted: QEMU enters it through
# its PVH note, skipping BIOS boot and bzImage decompression (~5 s under TCG).
vmlinuz=$kcache/boot/vmlinux-$NOVA_KREL
[[ -f $vmlinuz ]] || vmlinuz=$kcache/boot/vmlinuz-$NOVA_KREL
kmods=$kcache/lib/modules/$NOVA_KREL
# Module names use '_' where the file name may use '-' (virtio-gpu.ko is
# module virtio_gpu), and the file may be compressed (6.12's images have
# virtio-gpu.ko.xz). Sets n, without a subshell: the image has thousands.
modname() {
	n=${1##*/}
	n=${n%.ko*}
	n=${n//-/_}
}
if [[ -n $kernel_dir ]]; then
	[[ -f $kernel_dir/arch/x86/boot/bzImage && -f $kernel_dir/include/config/kernel.release ]] ||
		die "--kernel $kernel_dir: no arch/x86/boot/bzImage or include/config/kernel.release (run scripts/debug-kernel.sh)"
	kernel_dir=$(cd "$kernel_dir" && pwd)
	vmlinuz=$kernel_dir/arch/x86/boot/bzImage
	NOVA_KREL=$(cat "$kernel_dir/include/config/kernel.release")
	# Such a kernel has everything the guest needs built in; its module tree
	# (if any) is the build tree itself.
	kmods=$kernel_dir
	NOVA_KPKG_VERSION="$NOVA_KPKG_VERSION-$(basename "$(dirname "$kernel_dir")")"
	[[ $accel != auto ]] || accel=tcg
	# What that kernel needs on its command line (debug-kernel.sh says).
	if [[ -f $kernel_dir/.nova-cmdline ]]; then
		append="$append $(cat "$kernel_dir/.nova-cmdline")"
	fi
fi

cwd=$PWD
out=${out:-$cwd/build/guest}
mkdir -p "$out"
out=$(cd "$out" && pwd)
[[ $out != / ]] || die "--out / is not allowed"

if [[ -n $script ]]; then
	[[ -f $script ]] || die "--script $script: no such file"
	script=$(realpath "$script")
fi

# ---------------------------------------------------------------- modules
# Index of the image's modules: name -> path.
declare -A kmod_path=()
while IFS= read -r f; do modname "$f" && kmod_path[$n]=$f; done < <(find "$kmods/kernel" -name '*.ko*' 2>/dev/null || true)
# Its built-in modules (name -> 1), which need no loading: a --kernel build
# has everything the guest needs built in, and Debian's 6.12 has virtio_pci.
declare -A builtin=()
if [[ -f $kmods/modules.builtin ]]; then
	while IFS= read -r f; do modname "$f" && builtin[$n]=1; done <"$kmods/modules.builtin"
fi

# What the guest always loads: virtio PCI transport + 9p (to mount the host),
# overlay (for /tmp), the DRM core and helpers nova uses, and virtio_gpu + vgem
# so that nova is never the only DRM device (tests must not assume minors).
BASE_MODULES=(virtio_pci 9pnet_virtio 9p overlay drm drm_kms_helper drm_shmem_helper virtio_gpu vgem)

# --module entries: resolve path, name, params, and the image modules they
# need (modinfo depends) so that e.g. a new dependency of nova.ko on
# drm_display_helper just works.
user_names=()
user_paths=()
user_params=()
extra_roots=()
for spec in "${modules[@]}"; do
	path=${spec%%:*}
	params=""
	[[ $spec == *:* ]] && params=${spec#*:}
	[[ -f $path ]] || die "--module $path: no such file"
	path=$(realpath "$path")
	name=$(modinfo -F name "$path" 2>/dev/null || true)
	[[ -n $name ]] || { modname "$path" && name=$n; }
	# A module built against other headers would only fail inside the guest
	# with a terse "Invalid module format"; say it here.
	vermagic=$(modinfo -F vermagic "$path" 2>/dev/null || true)
	if [[ ${vermagic%% *} != "$NOVA_KREL" ]]; then
		die "$path was built for kernel '${vermagic%% *}', the guest runs $NOVA_KREL (rebuild against $NOVA_KDIR)"
	fi
	user_names+=("$name")
	user_paths+=("$path")
	user_params+=("$params")
	deps=$(modinfo -F depends "$path" 2>/dev/null || true)
	IFS=, read -r -a deps_a <<<"$deps"
	extra_roots+=("${deps_a[@]}")
done

is_user_module() {
	local n
	for n in "${user_names[@]}"; do [[ $n == "$1" ]] && return 0; done
	return 1
}

# Dependency closure in load order (depth-first post-order on modinfo's
# depends field, read from the cached image's .ko files).
declare -A visited=()
load_order=()
visit() {
	local m=$1 d deps
	m=${m//-/_}
	[[ -n ${visited[$m]:-} ]] && return 0
	visited[$m]=1
	[[ -z ${builtin[$m]:-} ]] || return 0
	[[ -n ${kmod_path[$m]:-} ]] || die "module $m not found in $kmods (built into the kernel? then drop it)"
	deps=$(modinfo -F depends "${kmod_path[$m]}")
	local -a deps_a=()
	IFS=, read -r -a deps_a <<<"$deps"
	for d in "${deps_a[@]}"; do
		[[ -n $d ]] && visit "$d"
	done
	load_order+=("$m")
}
for m in "${BASE_MODULES[@]}" "${extra_roots[@]}"; do
	[[ -n $m ]] || continue
	is_user_module "$m" && continue # a --module that needs another --module
	visit "$m"
done

# ---------------------------------------------------------------- initramfs
init_script=$here/guest-init.sh
busybox_id=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || sha256sum /bin/busybox)
# Anything that changes the initramfs contents must be in this key.
key=$(
	{
		echo "format=1 krel=$NOVA_KREL version=$NOVA_KPKG_VERSION busybox=$busybox_id"
		printf '%s\n' "${load_order[@]}"
		cat "$init_script"
	} | sha256sum | cut -c1-16
)
initrd_dir=$nova_cache/initramfs
initrd=$initrd_dir/$NOVA_KPKG_VERSION-$key.cpio
if [[ -f $initrd ]]; then
	log "initramfs cached: $initrd"
	touch "$initrd" # keep recently used ones out of the pruning below
else
	log "building initramfs (${#load_order[@]} modules) -> $initrd"
	mkdir -p "$initrd_dir"
	stage=$(mktemp -d "$initrd_dir/.stage.XXXXXX")
	# shellcheck disable=SC2064 # expand $stage now
	trap "rm -rf '$stage'" EXIT
	mkdir -p "$stage/root/bin" "$stage/root/lib/nova-modules" "$stage/root/dev" \
		"$stage/root/proc" "$stage/root/sys"
	cp /bin/busybox "$stage/root/bin/busybox"
	# Applet symlinks made here, not by `busybox --install` at boot, so boot
	# does not pay for them.
	for a in $(/bin/busybox --list); do
		[[ $a == busybox ]] || ln -s busybox "$stage/root/bin/$a"
	done
	cp "$init_script" "$stage/root/init"
	chmod 0755 "$stage/root/init"
	# A kernel with everything built in loads nothing, from an empty list.
	: >"$stage/root/lib/nova-modules/order"
	# Compressed modules are decompressed here, once per initramfs, rather
	# than by the guest kernel at every insmod (6.12's Debian kernel could,
	# CONFIG_MODULE_DECOMPRESS; 6.1's cannot, and its modules are plain).
	for m in "${load_order[@]}"; do
		f=${kmod_path[$m]}
		case $f in
		*.ko) cp "$f" "$stage/root/lib/nova-modules/$m.ko" ;;
		*.ko.xz) xz -dc "$f" >"$stage/root/lib/nova-modules/$m.ko" ;;
		*) die "$f: no decompressor for this module compression (add it here, its package to install-deps.sh)" ;;
		esac
		echo "$m" >>"$stage/root/lib/nova-modules/order"
	done
	# Uncompressed: decompressing in the guest under TCG costs more than
	# QEMU copying a few more MB into guest RAM.
	(cd "$stage/root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0) >"$stage/initrd.cpio"
	mv "$stage/initrd.cpio" "$initrd"
	rm -rf "$stage"
	trap - EXIT
	# Old keys (edited init, other module sets) pile up otherwise.
	find "$initrd_dir" -maxdepth 1 -name '*.cpio' -mtime +14 -delete 2>/dev/null || true
fi
log "guest modules: ${load_order[*]}"

# ---------------------------------------------------------------- per-run config
# Passed to the guest through the output share, so nothing has to be quoted
# through the kernel command line.
conf=$out/.nova-guest
rm -rf "$conf"
rm -f "$out/status" "$out/status.tmp" "$out/dmesg.txt" "$out/kmemleak.txt" "$out/console.log" \
	"$out/console-lost-wakeup.log"
mkdir -p "$conf"
mondir=$out/.nova-monitor
rm -rf "$mondir" "$out/monitor.log"
[[ $monitor -eq 0 ]] || mkdir -p "$mondir"
{
	echo "NOVA_OUT=$(shq "$out")"
	echo "NOVA_CWD=$(shq "$cwd")"
	echo "NOVA_TERM=$(shq "${TERM:-linux}")"
} >"$conf/conf"
: >"$conf/modules"
for i in "${!user_names[@]}"; do
	[[ ${user_paths[$i]} != *$'\t'* && ${user_params[$i]} != *$'\t'* ]] ||
		die "tabs in --module are not supported"
	printf '%s\t%s\t%s\n' "${user_names[$i]}" "${user_paths[$i]}" "${user_params[$i]}" >>"$conf/modules"
done
{
	echo "# generated by scripts/guest-run.sh; run by the guest's /bin/sh in the chroot"
	echo "cd $(shq "$cwd") || { echo $(shq "[guest] cannot cd to $cwd, running in /"); cd /; }"
	for e in "${envs[@]}"; do
		echo "export $(shq "$e")"
	done
	[[ $monitor -eq 0 ]] || echo "export NOVA_MONITOR=$(shq "$mondir")"
	if [[ -n $script ]]; then
		echo "exec sh $(shq "$script")"
	else
		line="exec"
		for a in "${cmd[@]}"; do line+=" $(shq "$a")"; done
		echo "$line"
	fi
} >"$conf/cmd.sh"
[[ $interactive -eq 1 ]] && : >"$conf/interactive"

# ---------------------------------------------------------------- qemu
qemu_base=(
	qemu-system-x86_64
	-m "$memory" -smp 2
	# qboot (shipped with QEMU) instead of SeaBIOS: faster, and it does not
	# write terminal-clearing escape sequences to the serial console.
	-bios qboot.rom
	-vga none -no-reboot
	-kernel "$vmlinuz" -initrd "$initrd"
	-device virtio-gpu-pci
	-nic none
)
# quiet keeps the console to errors so the command's output stays readable;
# dmesg.txt has everything. A larger log buffer keeps a chatty test's early
# messages (module load) from being overwritten before dmesg is saved.
kcmdline="console=ttyS0 quiet panic=-1 log_buf_len=4M"

# qemu option values use ',' as separator; a literal ',' is written ',,'.
qesc() { printf '%s' "${1//,/,,}"; }

probe_file=$nova_cache/kvm-probe/$NOVA_KPKG_VERSION
# Boot the real kernel and initramfs with KVM, init only says hello (nova.probe=1).
# FACTS.md: here -enable-kvm once hung before the kernel printed anything, so
# this runs with a short timeout and its verdict is remembered.
kvm_probe() {
	local plog rc=1 pid t0 deadline
	plog=$(mktemp)
	t0=$SECONDS
	deadline=$((SECONDS + 20))
	log "probing KVM (once per kernel; cached in $probe_file)"
	"${qemu_base[@]}" -nographic -accel kvm -cpu host -append "$kcmdline nova.probe=1" \
		</dev/null >"$plog" 2>&1 &
	pid=$!
	# bash reports a background job that died of a signal ("Aborted") on
	# stderr whenever it reaps it; QEMU aborting is an expected probe outcome.
	{
		while kill -0 "$pid" && [[ $SECONDS -lt $deadline ]]; do
			sleep 0.2
		done
		kill -KILL "$pid" || true
		wait "$pid" || true
	} 2>/dev/null
	if grep -q NOVA_PROBE_OK "$plog"; then
		rc=0
		echo "ok $((SECONDS - t0))s" >"$probe_file"
	else
		echo "fail: $(tr -d '\r' <"$plog" | grep -v '^$' | tail -n 3 | tr '\n' ' ')" >"$probe_file"
	fi
	log "KVM probe: $(cat "$probe_file")"
	rm -f "$plog"
	return $rc
}

if [[ $accel == auto ]]; then
	accel=tcg
	if [[ -r /dev/kvm && -w /dev/kvm ]]; then
		mkdir -p "${probe_file%/*}"
		[[ $reprobe -eq 1 ]] && rm -f "$probe_file"
		if [[ -f $probe_file ]]; then
			[[ $(cat "$probe_file") == ok* ]] && accel=kvm
		elif kvm_probe; then
			accel=kvm
		fi
	fi
fi
if [[ $accel == kvm ]]; then
	accel_args=(-accel kvm -cpu host)
else
	# -cpu max: host binaries built with newer ISA extensions still run.
	accel_args=(-accel tcg -cpu max)
fi

qemu=(
	"${qemu_base[@]}" "${accel_args[@]}"
	-append "$kcmdline${append}"
	# The host's / read-only: the guest chroots into it. multidevs=remap keeps
	# inode numbers unique across the host's many filesystems.
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$(qesc "$out"),mount_tag=novaout,security_model=none,multidevs=remap"
)
# QEMU's edu device stands in for a GPU's PCI function (nova_core.ko binds
# it); without nova_core loaded nothing binds it and it costs nothing. Last,
# so that the other devices keep their PCI addresses. Devices given with
# -device on the i440fx root bus are hot-pluggable (ACPI PCI hotplug, which
# the guest kernel drives with CONFIG_HOTPLUG_PCI_ACPI): the ids let
# device_del name them.
for ((i = 0; i < functions; i++)); do
	qemu+=(-device "edu,id=edu$i")
done

rundir=$(mktemp -d "${TMPDIR:-/tmp}/nova-guest-run.XXXXXX")
qpid=""
rpid=""
mpid=""
if [[ $monitor -eq 1 ]]; then
	qemu+=(-qmp "unix:$(qesc "$rundir/qmp.sock"),server=on,wait=off")
fi
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	if [[ -n $qpid ]] && kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null || true
		sleep 0.5
		kill -KILL "$qpid" 2>/dev/null || true
	fi
	if [[ -n $rpid ]]; then
		kill "$rpid" 2>/dev/null || true
	fi
	if [[ -n $mpid ]]; then
		kill "$mpid" 2>/dev/null || true
		wait "$mpid" 2>/dev/null || true
	fi
	rm -rf "$rundir"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

console_log=$out/console.log
log "booting $NOVA_KREL ($NOVA_KPKG_VERSION) with $accel, timeout ${timeout}s, out $out"
if [[ -n $script ]]; then
	log "running: sh $script"
else
	log "running: ${cmd[*]}"
fi
# A boot that hangs before the guest starts the command (seen once under
# TCG with two vCPUs: the console stayed empty for 18 minutes, QEMU nearly
# idle) is the emulator's or the boot's, not the command's: such a guest is
# killed and booted again, once, with a line saying so. So is a guest whose
# idle vCPU never gets its timer interrupt (seen once in CI under TCG, in the
# middle of a suite): RCU reports the stall of an idle CPU, then the
# GP kthread's timer that did not fire, and every grace period from then on
# hangs. Its signature (the two RCU lines, in that order) is one no driver
# bug produces: a CPU that a driver keeps busy is not idle.
boot_timeout=${NOVA_GUEST_BOOT_TIMEOUT:-300}
[[ $boot_timeout =~ ^[0-9]+$ && $boot_timeout -gt 0 ]] ||
	die "NOVA_GUEST_BOOT_TIMEOUT wants a positive number of seconds, not '$boot_timeout'"
for attempt in 1 2; do
t_qemu=$EPOCHREALTIME

if [[ $interactive -eq 1 ]]; then
	# The terminal talks to the serial port directly (QEMU puts it in raw
	# mode); QEMU itself writes the log.
	qemu+=(-display none
		-chardev "stdio,id=con0,mux=on,signal=off,logfile=$(qesc "$console_log")"
		-serial chardev:con0 -mon chardev=con0)
	# Without job control bash gives a background job /dev/null as stdin
	# unless stdin is redirected explicitly: hand it the terminal.
	"${qemu[@]}" 0<&0 &
	qpid=$!
else
	# The serial console is streamed through a reader that strips the CR of
	# the tty's CRLF, copies it to the terminal and console.log, and notes
	# when the guest starts the command (for the boot time).
	fifo=$rundir/console
	rm -f "$fifo" "$rundir/t_run" "$rundir/qmp.sock" "$rundir/idle_stall" "$rundir/lost_wakeup"
	mkfifo "$fifo"
	{
		while IFS= read -r line || [[ -n $line ]]; do
			line=${line%$'\r'}
			printf '%s\n' "$line"
			printf '%s\n' "$line" >&3
			if [[ $line == "[guest] running"* ]]; then
				echo "$EPOCHREALTIME" >"$rundir/t_run"
			fi
			# RCU's stall report, for an idle CPU (in an extended
			# quiescent state: "false positive?") whose timer
			# never fired, followed by its "timer wakeup didn't
			# happen": the emulator lost the vCPU's wake-up.
			if [[ $line == *"rcu:"*"(false positive?)"* ]]; then
				: >"$rundir/idle_stall"
			elif [[ $line == *"rcu:"*"kthread timer wakeup didn't happen"* &&
				-f $rundir/idle_stall ]]; then
				echo "$line" >"$rundir/lost_wakeup"
			fi
		done
	} <"$fifo" 3>"$console_log" &
	rpid=$!
	# stdin from /dev/null: QEMU must not put the caller's terminal in raw
	# mode, and Ctrl-C must reach us rather than the guest.
	"${qemu[@]}" -nographic </dev/null >"$fifo" 2>&1 &
	qpid=$!
fi

# The monitor relay: connects once QEMU has made its socket, exits when QEMU
# closes it (or when this script is gone); cleanup() kills it in any case.
if [[ $monitor -eq 1 ]]; then
	python3 "$here/monitor-relay.py" --socket "$rundir/qmp.sock" --dir "$mondir" \
		</dev/null >"$out/monitor.log" 2>&1 &
	mpid=$!
fi

deadline=$((SECONDS + timeout))
boot_deadline=$((SECONDS + boot_timeout))
timed_out=0
boot_hung=0
lost_wakeup=0
qrc=0
# stderr silenced: bash would announce a QEMU killed by a signal ("Killed").
{
	while kill -0 "$qpid"; do
		if [[ $interactive -eq 0 && ! -f $rundir/t_run && $SECONDS -ge $boot_deadline ]]; then
			boot_hung=1
		fi
		[[ ! -f $rundir/lost_wakeup ]] || lost_wakeup=1
		if [[ $SECONDS -ge $deadline || $boot_hung -eq 1 || $lost_wakeup -eq 1 ]]; then
			timed_out=1
			kill -TERM "$qpid" || true
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				kill -0 "$qpid" || break
				sleep 0.2
			done
			kill -KILL "$qpid" || true
			break
		fi
		sleep 0.1
	done
	wait "$qpid" || qrc=$?
} 2>/dev/null
qpid=""
if [[ -n $rpid ]]; then
	wait "$rpid" || true
	rpid=""
fi
if [[ -n $mpid ]]; then
	# QEMU is gone, so the relay is ending (or already has).
	kill "$mpid" 2>/dev/null || true
	wait "$mpid" 2>/dev/null || true
	mpid=""
fi
[[ ($boot_hung -eq 1 || $lost_wakeup -eq 1) && $attempt -eq 1 ]] || break
if [[ $boot_hung -eq 1 ]]; then
	log "the guest did not start the command within ${boot_timeout}s of QEMU's start (console:" \
		"$(wc -l <"$console_log") lines): killed, booting again (attempt 2 of 2)"
else
	log "the emulator lost an idle vCPU's timer interrupt (console: $(cat "$rundir/lost_wakeup"));" \
		"the guest cannot finish a grace period: killed, booting again (attempt 2 of 2)"
	cp "$console_log" "$out/console-lost-wakeup.log"
fi
done
t_end=$EPOCHREALTIME

# ---------------------------------------------------------------- verdict
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
timing="total $(secs "$t_start" "$t_end") s, guest $(secs "$t_qemu" "$t_end") s"
if [[ -f $rundir/t_run ]]; then
	timing="boot $(secs "$t_qemu" "$(cat "$rundir/t_run")") s (qemu start -> command), $timing"
fi

if [[ $boot_hung -eq 1 ]]; then
	log "TIMEOUT: twice the guest did not start the command within ${boot_timeout}s ($timing);" \
		"console: $console_log"
	exit 124
fi
if [[ $lost_wakeup -eq 1 ]]; then
	log "TIMEOUT: twice the emulator lost an idle vCPU's timer interrupt ($timing);" \
		"consoles: $out/console-lost-wakeup.log, $console_log"
	exit 124
fi
if [[ $timed_out -eq 1 ]]; then
	log "TIMEOUT after ${timeout}s: guest killed ($timing); console: $console_log"
	log "(no dmesg.txt: the guest never got to save it; console.log has error-level kernel messages only)"
	exit 124
fi

status_file=$out/status
if [[ ! -f $status_file ]]; then
	log "guest ended without reporting a status (qemu exit $qrc): crash, panic or setup failure"
	if [[ -f $console_log ]]; then
		log "last console lines ($console_log):"
		tail -n 25 "$console_log" | sed 's/^/    /' >&2
	fi
	exit 125
fi

field() { sed -n "s/^$1=//p" "$status_file"; }
setup=$(field setup)
cmd_status=$(field cmd)
rmmod_status=$(field rmmod)

# Kernel problems: anything that means the kernel (most likely our module)
# misbehaved, even if the command itself passed.
bad_lines=""
if [[ -f $out/dmesg.txt ]]; then
	bad_lines=$(grep -E "$KERNEL_REPORT" "$out/dmesg.txt" || true)
else
	bad_lines="(dmesg.txt missing)"
fi
if [[ -s $out/kmemleak.txt ]]; then
	bad_lines+=$'\n'"kmemleak: $(grep -c unreferenced "$out/kmemleak.txt" || true) leaks, see $out/kmemleak.txt"
fi

rc=0
if [[ $setup != ok ]]; then
	log "guest setup failed: $setup"
	rc=125
elif [[ $cmd_status != 0 ]]; then
	log "command failed with exit status $cmd_status"
	rc=$cmd_status
fi
if [[ $rmmod_status != ok ]]; then
	log "rmmod failed for: $rmmod_status (module still referenced after the command)"
	[[ $rc -ne 0 ]] || rc=1
fi
if [[ -n $bad_lines ]]; then
	log "kernel problems in guest dmesg ($out/dmesg.txt):"
	head -n 40 <<<"$bad_lines" | sed 's/^/    /' >&2
	[[ $rc -ne 0 ]] || rc=1
fi
if [[ $rc -eq 0 ]]; then
	log "PASS ($timing)"
else
	log "FAIL, exit $rc ($timing)"
fi
exit "$rc"

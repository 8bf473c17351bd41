#!/bin/busybox sh
# shellcheck shell=sh
#
# PID 1 of the nova test guest. Not run on the host: scripts/guest-run.sh
# copies it into the initramfs as /init (its text is part of the initramfs
# cache key, so editing it rebuilds the initramfs).
#
# What it does, in order:
#   1. insmod the kernel modules baked into the initramfs (9p transport, DRM
#      core, virtio_gpu, vgem, ...) in the dependency order the host computed;
#   2. mount the host's / (9p tag hostroot, read-only) and the writable output
#      share (tag novaout), build a chroot of the host with fresh proc, sys,
#      dev, /run and a RAM-backed /tmp, the output share at the host's path;
#   3. insmod the --module files (from the host, via 9p) with their params;
#   4. run the command chrooted, in the host's cwd;
#   5. rmmod the --modules in reverse order, save dmesg, write the status
#      file LAST (the host treats its presence as "the guest finished"), and
#      power off.
# Everything here is busybox; the host's tools are only used inside the chroot.

PATH=/bin
export PATH

# /dev/console may be missing from the initramfs (it is built without root
# rights, so it holds no device nodes): mount devtmpfs first, then attach
# stdio to the console so that our messages reach the serial port.
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

say() { echo "[guest] $*"; }

# Something the host cannot recover from: explain on the console (the host
# prints the console) and power off without a status file.
fatal() {
	echo "[guest] FATAL: $*"
	dmesg | tail -n 40
	echo "NOVA_GUEST_FATAL"
	poweroff -f
	sleep 60
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# KVM probe (guest-run.sh --accel auto): reaching init is all we want to know.
case " $(cat /proc/cmdline) " in
*" nova.probe=1 "*)
	echo "NOVA_PROBE_OK"
	poweroff -f
	sleep 60
	;;
esac

MODDIR=/lib/nova-modules
say "kernel up after $(uptime_s) s; insmod $(tr '\n' ' ' <$MODDIR/order)"
while read -r m; do
	insmod "$MODDIR/$m.ko" || fatal "insmod $m failed"
done <$MODDIR/order

NINEP=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /host /out /newroot /ovl
# The host's root is read-only and does not change during a run, so let the
# guest cache it (cache=loose): binaries and shared libraries start faster.
mount -t 9p -o "$NINEP,ro,cache=loose" hostroot /host || fatal "cannot mount 9p hostroot"
# The output share is written by the guest and read by the host afterwards:
# no caching, writes go straight to the host file.
mount -t 9p -o "$NINEP" novaout /out || fatal "cannot mount 9p novaout"
CONF=/out/.nova-guest
[ -f $CONF/conf ] || fatal "$CONF/conf missing on the output share"
# Sets NOVA_OUT (host path of the output dir) and NOVA_CWD.
# shellcheck source=/dev/null # generated per run by guest-run.sh
. $CONF/conf

# A virtio-9p channel can be mounted only once, so the chroot gets bind mounts
# of the two shares rather than second mounts. /host stays an unadorned view
# of the host (the chroot's /tmp hides the host's /tmp).
R=/newroot
mount -o bind /host $R || fatal "bind mount of hostroot failed"
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null || true
mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null || true
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t tmpfs -o mode=755 tmpfs $R/run
# /tmp must be writable, yet a checkout or a module under the host's /tmp
# (CI clones, throwaway modules) must stay visible at the same path: overlay
# the host's /tmp with a RAM upper layer. Plain tmpfs if overlay is refused.
mount -t tmpfs tmpfs /ovl
mkdir -p /ovl/upper /ovl/work
chmod 1777 /ovl/upper
if ! mount -t overlay overlay -o lowerdir=/host/tmp,upperdir=/ovl/upper,workdir=/ovl/work $R/tmp 2>/dev/null; then
	say "overlay on /tmp refused; /tmp is an empty tmpfs (host /tmp not visible)"
	mount -t tmpfs -o mode=1777 tmpfs $R/tmp
fi
if ! mkdir -p "$R$NOVA_OUT" || ! mount -o bind /out "$R$NOVA_OUT"; then
	fatal "cannot mount the output share at $NOVA_OUT"
fi

# virtio_gpu and vgem are the DRM devices nova's tests must coexist with; a
# missing one would make "works next to other DRM devices" vacuous.
cards() {
	for c in /sys/class/drm/card*; do
		case ${c##*/} in *-*) continue ;; esac # connectors (card0-Virtual-1)
		[ -e "$c" ] && echo "${c##*/}"
	done
}
i=0
while [ "$(cards | wc -l)" -lt 2 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
drm=""
for c in $(cards); do
	# debugfs names the DRM driver ("virtio_gpu dev=0000:00:02.0 ...").
	drv=$(cut -d' ' -f1 "$R/sys/kernel/debug/dri/${c#card}/name" 2>/dev/null)
	drm="$drm $c=${drv:-?}"
done
say "DRM devices:${drm:- none}"

status_setup=ok
loaded=""
TAB=$(printf '\t')
set -f # module params are split on spaces, never globbed
while IFS=$TAB read -r name path params; do
	[ -n "$name" ] || continue
	say "insmod $path${params:+ $params}"
	# shellcheck disable=SC2086 # params are deliberately word-split
	if ! insmod "/host$path" $params; then
		status_setup="insmod $name failed"
		say "$status_setup"
		break
	fi
	loaded="$name $loaded" # reverse order for rmmod
done <$CONF/modules
set +f

cmd_status=""
if [ "$status_setup" = ok ]; then
	say "running (guest uptime $(uptime_s) s)"
	# Clean environment: the host's, minus what only makes sense on the host.
	# setsid -c gives the command the console as controlling tty, so Ctrl-C
	# works in --interactive mode.
	if [ -f $CONF/interactive ]; then
		setsid -c env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root TERM="${NOVA_TERM:-linux}" LANG=C.UTF-8 \
			chroot $R /bin/sh "$NOVA_OUT/.nova-guest/cmd.sh"
	else
		env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root TERM=dumb LANG=C.UTF-8 \
			chroot $R /bin/sh "$NOVA_OUT/.nova-guest/cmd.sh" </dev/null
	fi
	cmd_status=$?
	say "command exited with status $cmd_status (guest uptime $(uptime_s) s)"
fi

# Processes the command left behind would keep the device open and make the
# rmmod below fail for a reason that is not the driver's.
kill -KILL -1 2>/dev/null
sleep 0.1

rmmod_status=ok
for name in $loaded; do
	if rmmod "$name"; then
		say "rmmod $name"
	else
		say "rmmod $name FAILED"
		rmmod_status="$rmmod_status $name"
	fi
done
[ "$rmmod_status" = ok ] || rmmod_status=${rmmod_status#ok }

# On a kernel with kmemleak (debug builds), ask for a scan now; reports land
# in dmesg and in kmemleak.txt. kmemleak ignores objects younger than 5 s,
# hence the wait: leaks made by the command or by rmmod just now count too.
# Two scans: kmemleak reports an object only once its contents were the same
# in two scans in a row, so a single scan never reports a leak it has not
# seen before (the first one only takes the objects' checksums).
KML=$R/sys/kernel/debug/kmemleak
if [ -w $KML ]; then
	say "kmemleak scan (waiting 5 s for young objects to age, then two scans)"
	sleep 5
	echo scan >$KML
	echo scan >$KML
	cat $KML >"/out/kmemleak.txt"
fi

dmesg >/out/dmesg.txt
{
	echo "setup=$status_setup"
	echo "cmd=$cmd_status"
	echo "rmmod=$rmmod_status"
} >/out/status.tmp
mv /out/status.tmp /out/status
echo "NOVA_GUEST_DONE cmd=$cmd_status rmmod=$rmmod_status"
sync
umount "$R$NOVA_OUT" 2>/dev/null
umount /out 2>/dev/null
poweroff -f
sleep 60

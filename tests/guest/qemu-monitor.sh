#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of scripts/guest-run.sh --monitor: sends one command to
# QEMU's monitor (QMP) through the relay on the host and prints QEMU's
# answer, one JSON line. Run in the guest, where guest-run.sh sets
# NOVA_MONITOR to the request directory on the writable output share.
#
#   qemu-monitor.sh [OPTIONS] COMMAND [KEY=VALUE...]
#       a QMP command with string arguments, e.g.
#       device_del id=edu0; device_add driver=edu id=edu1
#   qemu-monitor.sh [OPTIONS] --hmp 'HUMAN MONITOR COMMAND'
#       an HMP command (e.g. 'info pci'); prints its text
#   qemu-monitor.sh [OPTIONS] --json '{"execute": ...}'
#       a QMP command as given
#
# Options:
#   --wait-event EVENT[:ID]  after the command succeeded, also wait for the
#                            QMP event EVENT (for device ID): device_del is
#                            done only at DEVICE_DELETED, once the guest
#                            has ejected the device
#   --timeout SEC            give up after SEC seconds (default 30)
#   -h, --help               this text
#
# Exit status: 0 if QEMU answered "return", 1 on an error answer (printed),
# 2 on bad usage, 3 if no answer came in time or there is no monitor.

usage() {
	sed -n '4,25p' "$0" | sed 's/^# \{0,1\}//'
}
opts=$(getopt -n qemu-monitor -o h -l help,hmp:,json:,wait-event:,timeout: -- "$@") ||
	{ usage >&2 && exit 2; }
eval set -- "$opts"
hmp="" json="" event="" timeout=30
while [ "$1" != -- ]; do
	case $1 in
	--hmp) hmp=$2 && shift ;;
	--json) json=$2 && shift ;;
	--wait-event) event=$2 && shift ;;
	--timeout) timeout=$2 && shift ;;
	-h | --help) usage && exit 0 ;;
	esac
	shift
done
shift
set -u

dir=${NOVA_MONITOR:-}
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
	echo "qemu-monitor: no monitor (run the guest with scripts/guest-run.sh --monitor)" >&2
	exit 3
fi
case $timeout in '' | *[!0-9]*) echo "qemu-monitor: --timeout wants seconds" >&2 && exit 2 ;; esac

# JSON string escaping of the few characters that need it.
jstr() {
	printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

if [ -n "$hmp" ]; then
	req="{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": $(jstr "$hmp")}"
elif [ -n "$json" ]; then
	req=${json%\}}
else
	[ $# -ge 1 ] || { usage >&2 && exit 2; }
	req="{\"execute\": $(jstr "$1")"
	shift
	sep=
	args=
	for kv in "$@"; do
		case $kv in *=*) ;; *) echo "qemu-monitor: argument '$kv' is not KEY=VALUE" >&2 && exit 2 ;; esac
		args="$args$sep$(jstr "${kv%%=*}"): $(jstr "${kv#*=}")"
		sep=", "
	done
	[ -z "$args" ] || req="$req, \"arguments\": {$args}"
fi
if [ -n "$event" ]; then
	req="$req, \"nova-wait-event\": $(jstr "${event%%:*}"), \"nova-timeout\": $timeout"
	case $event in *:*) req="$req, \"nova-event-device\": $(jstr "${event#*:}")" ;; esac
fi
req="$req}"

# Written under another name and renamed: the relay never reads half a request.
name=$$.$(date +%s%N)
printf '%s\n' "$req" >"$dir/new.$name"
mv "$dir/new.$name" "$dir/req.$name"
rsp=$dir/rsp.$name
# Polling in tenths of a second; the relay answers within one of its polls.
n=$((timeout * 10 + 20))
while [ ! -f "$rsp" ]; do
	n=$((n - 1))
	if [ $n -le 0 ]; then
		rm -f "$dir/req.$name"
		echo "qemu-monitor: no answer in $timeout s (is the relay running? see monitor.log in the output dir)" >&2
		exit 3
	fi
	sleep 0.1
done
answer=$(cat "$rsp")
rm -f "$rsp"
case $answer in
'{"return": "'*)
	# HMP's answer is a string: print it as text.
	if [ -n "$hmp" ]; then
		printf '%s\n' "$answer" | python3 -c 'import json, sys; print(json.load(sys.stdin)["return"], end="")'
	else
		printf '%s\n' "$answer"
	fi
	;;
'{"return"'*) printf '%s\n' "$answer" ;;
*)
	printf '%s\n' "$answer" >&2
	exit 1
	;;
esac

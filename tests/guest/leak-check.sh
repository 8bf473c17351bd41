#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest after the clients exited: nova's debugfs accounting
# must be back to zero objects, zero bytes, zero open files and zero GPU VA
# mappings. (busybox sh)
set -eu

if [ "${1:-}" = "--help" ]; then
	echo "usage: $0"
	echo "Fails unless every nova device reports 0 objects, 0 bytes, 0 files and 0 mappings in debugfs."
	exit 0
fi

debugfs=/sys/kernel/debug
grep -qs " $debugfs " /proc/mounts || mount -t debugfs debugfs "$debugfs"

found=0
for dir in "$debugfs"/dri/*; do
	[ -f "$dir/nova_stats" ] || continue
	found=1
	for key in objects object_bytes files mappings mapping_bytes; do
		value=$(sed -n "s/^$key: //p" "$dir/nova_stats")
		if [ "$value" != 0 ]; then
			echo "leak-check: $dir: $key is $value after all clients exited" >&2
			cat "$dir/nova_stats" >&2
			exit 1
		fi
	done
	echo "leak-check: $dir: 0 objects, 0 bytes, 0 files, 0 mappings"
done
if [ "$found" = 0 ]; then
	echo "leak-check: no nova_stats in $debugfs/dri" >&2
	exit 1
fi

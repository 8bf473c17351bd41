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
[ -d $debugfs/dri ] || mount -t debugfs debugfs "$debugfs"

found=0
for dir in "$debugfs"/dri/*; do
	[ -f "$dir/nova_stats" ] || continue
	found=1
	# One awk per device: under TCG every exec costs a good part of a second.
	awk -v dir="$dir" '
		{ v[$1] = $2 }
		END {
			n = split("objects: object_bytes: files: mappings: mapping_bytes:", keys, " ")
			for (i = 1; i <= n; i++)
				if (v[keys[i]] != "0") {
					printf "leak-check: %s: %s is %s after all clients exited\n", dir, keys[i], v[keys[i]] > "/dev/stderr"
					bad = 1
				}
			if (bad) exit 1
			print "leak-check: " dir ": 0 objects, 0 bytes, 0 files, 0 mappings"
		}' "$dir/nova_stats" || { cat "$dir/nova_stats" >&2 && exit 1; }
done
if [ "$found" = 0 ]; then
	echo "leak-check: no nova_stats in $debugfs/dri" >&2
	exit 1
fi

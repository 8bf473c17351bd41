#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# make check-novainfo-kernels' verdict: two `novainfo --json` reports of the
# same userspace binary, one from a guest on the release kernel and one on
# the backports kernel, must describe the same nova: the uAPI does not change
# with the kernel. Every field of every device is compared except the two
# that the kernel, not nova, answers (IGNORED).
# Prints one line per compared field and the closing line
#     novainfo-kernels: N passed, N failed
# that scripts/check-summary.py record turns into the suite's result.
import argparse
import json
import sys

# node: which DRM minor a device gets depends on the boot. date: since 6.12
# the DRM core answers DRM_IOCTL_VERSION's date with "0" for every driver
# (drm_ioctl.c: the driver date is deprecated), whatever the driver set.
IGNORED = {"node", "date"}


def devices(path):
    with open(path) as f:
        doc = json.load(f)
    return doc["devices"] if isinstance(doc, dict) else doc


def main():
    p = argparse.ArgumentParser(description="Compares two novainfo --json reports, field by field.")
    p.add_argument("first", help="novainfo --json of one kernel (e.g. release)")
    p.add_argument("second", help="novainfo --json of the other (e.g. backports)")
    a = p.parse_args()

    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        print(f"{'ok' if ok else 'FAIL'} {name}{detail}")
        if ok:
            passed += 1
        else:
            failed += 1

    first, second = devices(a.first), devices(a.second)
    check("devices", len(first) == len(second) and len(first) > 0,
          f" ({len(first)} and {len(second)})")
    for i, (d1, d2) in enumerate(zip(first, second)):
        for key in sorted((d1.keys() | d2.keys()) - IGNORED):
            v1, v2 = d1.get(key), d2.get(key)
            if key == "parameters" and isinstance(v1, dict) and isinstance(v2, dict):
                # One check per parameter, so that a failure names it.
                for name in sorted(v1.keys() | v2.keys()):
                    check(f"device{i}.parameters.{name}", v1.get(name) == v2.get(name),
                          f" ({v1.get(name)} and {v2.get(name)})")
            else:
                check(f"device{i}.{key}", v1 == v2, "" if v1 == v2 else f" ({v1} and {v2})")
    print(f"novainfo-kernels: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

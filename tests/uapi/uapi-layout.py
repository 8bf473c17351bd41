#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate, check and extend the layout baseline of nova's uAPI header.

The baseline lists every ioctl request value, every numeric constant, and for
every struct its size and alignment and each field's offset, size and type.
It is generated from the compiled header: pahole reads the fields from DWARF,
and a generated C program prints what the compiler computes (sizes,
alignments, constant values), so nothing is transcribed by hand.

  uapi-layout.py check BASELINE    fail on any difference, naming it
  uapi-layout.py update BASELINE   record appended structs, fields, ioctls and
                                   constants; refuse every other change
  uapi-layout.py show              print the current layout
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HEADER = os.path.join(ROOT, "driver", "uapi", "nova_drm.h")

# Constants whose value is meant to grow as the uAPI grows (a revision, a mask
# of all defined flags). They may only increase, and only through `update`.
GROWING = {"NOVA_UAPI_VERSION", "NOVA_VM_BIND_MAP_FLAGS", "NOVA_VM_BIND_FLAGS"}

IOC_SIZE_SHIFT = 16
IOC_SIZE_MASK = 0x3FFF << IOC_SIZE_SHIFT
IOC_DIR_SHIFT = 30
IOC_DIR_MASK = 0x3 << IOC_DIR_SHIFT


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def cflags():
    drm = run(["pkg-config", "--cflags", "libdrm"]).split()
    return ["-I" + os.path.dirname(HEADER)] + drm


def header_names(text):
    structs = re.findall(r"^struct (drm_nova_\w+) \{", text, re.M)
    enumerators = re.findall(r"^\s*(NOVA_\w+)\s*=", text, re.M)
    return structs, enumerators


def macro_names():
    out = run(["gcc", "-dM", "-E", "-x", "c", HEADER] + cflags())
    names = []
    for line in out.splitlines():
        m = re.match(r"#define ((?:DRM_IOCTL_NOVA|DRM_NOVA|NOVA)_\w+) ", line)
        if m:
            names.append(m.group(1))
    return names


def pahole_fields(tmp, structs):
    probe = os.path.join(tmp, "probe.c")
    with open(probe, "w") as f:
        f.write('#include "nova_drm.h"\n')
        for s in structs:
            f.write("struct %s *probe_%s;\n" % (s, s))
    obj = os.path.join(tmp, "probe.o")
    run(["gcc", "-g", "-c", "-o", obj, probe] + cflags())
    fields = {}
    current = None
    for line in run(["pahole", obj]).splitlines():
        m = re.match(r"^struct (\w+) \{", line)
        if m:
            current = m.group(1)
            fields[current] = []
            continue
        m = re.match(r"^\t(.+?)\s+(\w+)(\[\d+\])?;\s+/\*\s+(\d+)\s+(\d+)\s+\*/", line)
        if m and current:
            ftype = m.group(1).strip() + (m.group(3) or "")
            fields[current].append((m.group(2), int(m.group(4)), int(m.group(5)), ftype))
        if line.startswith("};"):
            current = None
    missing = [s for s in structs if s not in fields]
    if missing:
        sys.exit("uapi-layout: pahole did not describe %s" % ", ".join(missing))
    return fields


def compiled_values(tmp, structs, constants):
    prog = os.path.join(tmp, "values.c")
    with open(prog, "w") as f:
        f.write('#include <stdio.h>\n#include "nova_drm.h"\nint main(void)\n{\n')
        for s in structs:
            f.write('\tprintf("struct %s %%zu %%zu\\n", sizeof(struct %s), _Alignof(struct %s));\n'
                    % (s, s, s))
        for c in constants:
            f.write('\tprintf("const %s %%#llx\\n", (unsigned long long)(%s));\n' % (c, c))
        f.write("\treturn 0;\n}\n")
    exe = os.path.join(tmp, "values")
    run(["gcc", "-std=c11", "-o", exe, prog] + cflags())
    return run([exe]).splitlines()


def current_layout():
    with open(HEADER) as f:
        text = f.read()
    structs, enumerators = header_names(text)
    macros = [m for m in macro_names() if not m.startswith("NOVA_DRM_H")]
    # In the order the header defines them, so appends land at the end.
    constants = sorted(set(macros + enumerators),
                       key=lambda n: re.search(r"\b%s\b" % n, text).start())
    with tempfile.TemporaryDirectory() as tmp:
        fields = pahole_fields(tmp, structs)
        values = compiled_values(tmp, structs, constants)

    lines = []
    sizes = {}
    for v in values:
        kind, name, *rest = v.split()
        if kind == "struct":
            sizes[name] = (int(rest[0]), int(rest[1]))
    for v in values:
        kind, name, *rest = v.split()
        if kind == "const":
            kind = "ioctl" if name.startswith("DRM_IOCTL_") else "const"
            lines.append("%s %s %s" % (kind, name, rest[0]))
    for s in structs:
        size, align = sizes[s]
        lines.append("struct %s size=%d align=%d" % (s, size, align))
        for name, offset, fsize, ftype in fields[s]:
            lines.append("field %s.%s offset=%d size=%d type=%s" % (s, name, offset, fsize, ftype))
    return lines


def key(line):
    return tuple(line.split()[:2])


def attrs(line):
    return dict(tok.split("=", 1) for tok in line.split()[2:] if "=" in tok)


def read_baseline(path):
    with open(path) as f:
        return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]


def describe(line):
    kind, name = key(line)
    return "%s %s" % (kind, name)


def compare(old, new):
    """Returns (appended lines, allowed changes, forbidden differences)."""
    old_by_key = {key(l): l for l in old}
    new_by_key = {key(l): l for l in new}
    appended, allowed, forbidden = [], [], []
    grown_structs = {}

    for k, line in old_by_key.items():
        if k not in new_by_key:
            forbidden.append("removed: %s (was: %s)" % (describe(line), line))
    for k, line in new_by_key.items():
        if k not in old_by_key:
            appended.append(line)
            continue
        was = old_by_key[k]
        if was == line:
            continue
        kind, name = k
        if kind == "struct":
            a, b = attrs(was), attrs(line)
            if a["align"] == b["align"] and int(b["size"]) > int(a["size"]):
                grown_structs[name] = int(a["size"])
                allowed.append("grown: %s (%s -> %s)" % (describe(line), a["size"], b["size"]))
                continue
        if kind == "const" and name in GROWING:
            if int(line.split()[2], 0) > int(was.split()[2], 0):
                allowed.append("grown: %s (%s -> %s)" % (describe(line), was.split()[2], line.split()[2]))
                continue
        if kind == "ioctl":
            # A request may grow with its struct and gain a direction (an
            # output field appended to an _IOW struct): DRM finds the ioctl
            # by number, and an old request still reads and writes what it
            # always did. Type and number never change.
            a, b = int(was.split()[2], 0), int(line.split()[2], 0)
            fixed = ~(IOC_SIZE_MASK | IOC_DIR_MASK)
            a_dir, b_dir = a & IOC_DIR_MASK, b & IOC_DIR_MASK
            a_size, b_size = (a & IOC_SIZE_MASK) >> IOC_SIZE_SHIFT, (b & IOC_SIZE_MASK) >> IOC_SIZE_SHIFT
            if a & fixed == b & fixed and a_dir & b_dir == a_dir and b_size >= a_size:
                allowed.append("grown: %s (struct size %d -> %d, direction %d -> %d)" % (
                    describe(line), a_size, b_size, a_dir >> IOC_DIR_SHIFT, b_dir >> IOC_DIR_SHIFT))
                continue
        forbidden.append("changed: %s: %s -> %s" % (describe(line), " ".join(was.split()[2:]),
                                                      " ".join(line.split()[2:])))

    # A new field of an existing struct is an append only past the old end.
    for line in list(appended):
        kind, name = key(line)
        if kind != "field":
            continue
        struct = name.split(".")[0]
        if ("struct", struct) not in old_by_key:
            continue
        old_size = grown_structs.get(struct, int(attrs(old_by_key[("struct", struct)])["size"]))
        if int(attrs(line)["offset"]) < old_size:
            appended.remove(line)
            forbidden.append("inserted: %s at offset %s, inside the old struct (size %d)" % (
                describe(line), attrs(line)["offset"], old_size))
    return appended, allowed, forbidden


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["check", "update", "show"])
    parser.add_argument("baseline", nargs="?")
    args = parser.parse_args()

    new = current_layout()
    if args.command == "show":
        print("\n".join(new))
        return 0
    if not args.baseline:
        parser.error("%s needs BASELINE" % args.command)

    old = read_baseline(args.baseline) if os.path.exists(args.baseline) else []
    appended, allowed, forbidden = compare(old, new)
    for msg in forbidden:
        print("uapi-layout: %s" % msg, file=sys.stderr)

    # Fixed-size kernel types only: int, long, pointers and enums differ
    # between ABIs (32-bit userspace on a 64-bit kernel, for one).
    for line in new:
        if line.startswith("field "):
            ftype = attrs(line)["type"].split("[")[0]
            if ftype not in ("__u8", "__u16", "__u32", "__u64"):
                forbidden.append("type: %s is %s; use __u8, __u16, __u32 or __u64"
                                 % (describe(line), attrs(line)["type"]))
                print("uapi-layout: %s" % forbidden[-1], file=sys.stderr)

    if args.command == "check":
        for line in appended:
            print("uapi-layout: not in the baseline: %s (append it with `make uapi-baseline`)"
                  % describe(line), file=sys.stderr)
        for msg in allowed:
            print("uapi-layout: %s, not in the baseline (record it with `make uapi-baseline`)"
                  % msg, file=sys.stderr)
        if forbidden or appended or allowed:
            print("uapi-layout: %s differs from %s" % (os.path.relpath(HEADER, ROOT),
                                                      args.baseline), file=sys.stderr)
            return 1
        counts = {}
        for line in new:
            counts[line.split()[0]] = counts.get(line.split()[0], 0) + 1
        print("uapi-layout: matches the baseline: %d ioctls, %d constants, %d structs, %d fields"
              % (counts.get("ioctl", 0), counts.get("const", 0), counts.get("struct", 0),
                 counts.get("field", 0)))
        return 0

    if forbidden:
        print("uapi-layout: refusing to update: the uAPI is append-only", file=sys.stderr)
        return 1
    new_by_key = {key(l): l for l in new}
    merged = [new_by_key[key(l)] for l in old] + appended
    with open(args.baseline, "w") as f:
        f.write("# nova uAPI layout baseline, generated from driver/uapi/nova_drm.h.\n")
        f.write("# Append-only: update with `make uapi-baseline`, which refuses any other change.\n")
        f.write("\n".join(merged) + "\n")
    for msg in allowed:
        print("uapi-layout: recorded %s" % msg)
    for line in appended:
        print("uapi-layout: appended %s" % describe(line))
    print("uapi-layout: %s is up to date" % args.baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())

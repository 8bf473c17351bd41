#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Keeps tests/syzkaller/ true to driver/uapi/nova_drm.h.

syzkaller's own generator (syz-extract, syz-sysgen) cannot run here, so this
checks what it would rely on:

- every constant of the header (object-like NOVA_* and DRM_IOCTL_NOVA_*
  macros, enum members) is in nova_amd64.const, and every value there equals
  what a C compiler makes of the header (and of drm.h, for the DRM core's
  constants the descriptions use);
- every NOVA_*/DRM_* name nova.txt uses is in the .const file;
- every ioctl has an ioctl$ description, every struct drm_nova_* a syzlang
  struct (or a union whose variants are structs) whose fields have the
  header's names in the header's order;
- every ioctl$ of a DRM_IOCTL_NOVA_* request passes its argument in the
  request's direction: ptr[inout] (or out) when the kernel writes it back
  (_IOC_READ), ptr[in] when it does not, so that syzkaller reads the outputs
  (resources, @failed_op) an ioctl returns.

  syzkaller-check.py [--write-const] HEADER DIR CC [CFLAGS...]

--write-const rewrites nova_amd64.const from the compiled header (after an
appended ioctl or constant) instead of checking it.
"""
import os
import re
import subprocess
import sys
import tempfile


def fail(msgs):
    for m in msgs:
        print(f"syzkaller-check: {m}", file=sys.stderr)
    sys.exit(1)


def header_facts(text):
    """Constants, ioctls and struct field lists of the uAPI header."""
    consts = set()
    for m in re.finditer(r"^#define\s+((?:DRM_IOCTL_)?NOVA_\w+)(\(?)", text, re.M):
        if not m.group(2):  # function-like macros build headers; not constants
            consts.add(m.group(1))
    for body in re.findall(r"^enum\s+\w+\s*\{(.*?)\};", text, re.M | re.S):
        consts.update(re.findall(r"^\s*(NOVA_\w+)\s*=", body, re.M))
    structs = {}
    for name, body in re.findall(r"^struct\s+(drm_nova_\w+)\s*\{(.*?)\};", text, re.M | re.S):
        structs[name] = re.findall(r"^\s*__[us]\d+\s+(\w+)\s*(?:\[[^\]]*\])?;", body, re.M)
    ioctls = sorted(c for c in consts if c.startswith("DRM_IOCTL_NOVA_"))
    return consts, ioctls, structs


def syzlang_facts(text):
    """Struct and union field names, ioctl$ names and constant names used."""
    text = re.sub(r"#.*", "", text)
    blocks = {}
    for name, kind, body in re.findall(r"^(\w+)\s*([\{\[])(.*?)^[\}\]]", text, re.M | re.S):
        # (field name, type) per line: a union's types are its variants.
        fields = [tuple(line.split()[:2]) for line in body.strip().splitlines() if line.strip()]
        blocks[name] = (kind, fields)
    calls = set(re.findall(r"^ioctl\$(\w+)\(", text, re.M))
    used = set(re.findall(r"\b((?:DRM_IOCTL_)?(?:NOVA|DRM)_[A-Z0-9_]+)\b", text))
    # (description, request, argument direction) of each ioctl$ of a named request.
    directions = re.findall(r"^ioctl\$(\w+)\(.*cmd const\[(DRM_IOCTL_\w+)\], arg ptr\[(\w+),", text, re.M)
    return blocks, calls, used, directions


def compiled_values(names, header, cc, cflags):
    """What the compiler makes of each name, through the header."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "consts.c")
        exe = os.path.join(tmp, "consts")
        with open(src, "w") as f:
            f.write("#include <stdio.h>\n#include <drm.h>\n")
            f.write(f'#include "{header}"\nint main(void)\n{{\n')
            for n in sorted(names):
                f.write(f'\tprintf("%s %llu\\n", "{n}", (unsigned long long)({n}));\n')
            f.write("\treturn 0;\n}\n")
        subprocess.run([cc, *cflags, "-o", exe, src], check=True)
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    return {n: int(v) for n, v in (line.split() for line in out.splitlines())}


def main():
    args = sys.argv[1:]
    write = bool(args) and args[0] == "--write-const"
    args = args[1:] if write else args
    if len(args) < 3:
        fail(["usage: syzkaller-check.py [--write-const] HEADER DIR CC [CFLAGS...]"])
    header, desc_dir, cc, cflags = args[0], args[1], args[2], args[3:]
    consts, ioctls, structs = header_facts(open(header).read())
    blocks, calls, used, directions = syzlang_facts(open(os.path.join(desc_dir, "nova.txt")).read())
    const_file = {}
    for line in open(os.path.join(desc_dir, "nova_amd64.const")):
        m = re.match(r"^(\w+)\s*=\s*(\d+)\s*$", line)
        if m:
            const_file[m.group(1)] = int(m.group(2))

    # The ioctl numbers' parts (DRM_NOVA_*) only ever reach syzkaller inside DRM_IOCTL_NOVA_*.
    wanted = {c for c in consts if not c.startswith("DRM_NOVA_")}
    if write:
        values = compiled_values(wanted | used, os.path.abspath(header), cc, cflags)
        with open(os.path.join(desc_dir, "nova_amd64.const"), "w") as f:
            f.write("# Constants of nova_drm.h (and drm.h) for syzkaller (amd64), written by\n"
                    "# tests/uapi/syzkaller-check.py --write-const from the compiled headers.\n"
                    "arches = amd64\n")
            f.writelines(f"{n} = {v}\n" for n, v in sorted(values.items()))
        return
    errors = []
    errors += [f"{c} of the header is missing from nova_amd64.const" for c in sorted(wanted - const_file.keys())]
    errors += [f"nova.txt uses {c}, which nova_amd64.const lacks" for c in sorted(used - const_file.keys())]
    values = compiled_values(const_file.keys(), os.path.abspath(header), cc, cflags)
    errors += [f"nova_amd64.const says {n} = {v}, the header gives {values[n]}"
               for n, v in sorted(const_file.items()) if values[n] != v]
    errors += [f"{i} has no ioctl${i} description" for i in ioctls if i not in calls]
    # The direction bits of a Linux ioctl number (asm-generic): bit 31 is _IOC_READ.
    for call, request, direction in directions:
        if request not in values:
            continue
        reads_back = bool(values[request] >> 31 & 1)
        if reads_back != (direction in ("inout", "out")):
            errors.append(f"ioctl${call}: {request} is {'IOWR/IOR' if reads_back else 'IOW'}, "
                          f"its argument ptr[{direction}]")
    for name, fields in sorted(structs.items()):
        if name not in blocks:
            errors.append(f"struct {name} has no syzlang description")
            continue
        kind, members = blocks[name]
        if kind == "[":
            variants = [[f for f, _ in blocks.get(t, ("", []))[1]] for _, t in members]
        else:
            variants = [[f for f, _ in members]]
        for got in variants:
            if got != fields:
                errors.append(f"{name}: nova.txt has fields {got}, the header {fields}")
    if errors:
        fail(errors)
    print(f"syzkaller-check: nova.txt and nova_amd64.const match nova_drm.h ({len(ioctls)} ioctls, "
          f"{len(structs)} structs, {len(const_file)} constants compiled)")


if __name__ == "__main__":
    main()

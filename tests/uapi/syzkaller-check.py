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
- every constant of the header is used by nova.txt (in a flag set, a const
  or a type), but for the few that no argument takes (EXEMPT below, each
  with its reason); every mask of flags (NOVA_*_FLAGS) is covered by one
  flag set, and no flag set lists a bare number where the header has names;
- every ioctl has an ioctl$ description, every struct drm_nova_* a syzlang
  struct (or a union whose variants are structs) whose fields have the
  header's names in the header's order, at the header's offsets (the
  syzlang types' sizes, with natural alignment, against offsetof() and
  sizeof() of the compiled header);
- every ioctl$ of a DRM_IOCTL_NOVA_* request passes its argument in the
  request's direction: ptr[inout] (or out) when the kernel writes it back
  (_IOC_READ), ptr[in] when it does not, so that syzkaller reads the outputs
  (resources, @failed_op) an ioctl returns.

  syzkaller-check.py [--write-const | --selftest] HEADER DIR CC [CFLAGS...]

--write-const rewrites nova_amd64.const from the compiled header (after an
appended ioctl or constant) instead of checking it. --selftest plants one
mismatch at a time in copies of the three files (a wrong value in the
.const file, a struct field missing or of the wrong width, a flag missing
from its flag set, a bare number in a flag set, an ioctl$ missing or of the
wrong direction, a constant appended to the header and not described) and
fails unless the check finds each, and passes on the unchanged copies.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Constants of the header that no argument of a call takes: values the
# kernel answers with. Described as plain outputs, they are in the .const
# file (and checked there) but never named in nova.txt.
EXEMPT = {
    "NOVA_UAPI_VERSION": "what GETPARAM(NOVA_GETPARAM_UAPI_VERSION) answers",
    "NOVA_VM_BIND_NO_OP": "what VM_BIND writes to @failed_op when no operation failed",
}

# Sizes of the scalar syzlang types, and of the resources dev_dri.txt and
# the base descriptions define (amd64).
SCALARS = {"int8": 1, "int16": 2, "int32": 4, "int64": 8, "intptr": 8}
EXTERNAL_RESOURCES = {"drm_gem_handle": "int32", "fd_dri": "int32", "fd": "int32"}


def fail(msgs):
    for m in msgs:
        print(f"syzkaller-check: {m}", file=sys.stderr)
    sys.exit(1)


def header_facts(text):
    """Constants, ioctls, struct field lists and flag masks of the uAPI header."""
    consts = set()
    masks = {}
    for m in re.finditer(r"^#define\s+((?:DRM_IOCTL_)?NOVA_\w+)(\(?)(.*)$", text, re.M):
        if not m.group(2):  # function-like macros build headers; not constants
            consts.add(m.group(1))
            # A mask: the OR of other constants, e.g. (NOVA_SYNC_WAIT | NOVA_SYNC_SIGNAL).
            members = re.findall(r"NOVA_\w+", m.group(3))
            if members and re.fullmatch(r"[\s()|]*", re.sub(r"NOVA_\w+", "", m.group(3).split("/*")[0])):
                masks[m.group(1)] = members
    for body in re.findall(r"^enum\s+\w+\s*\{(.*?)\};", text, re.M | re.S):
        consts.update(re.findall(r"^\s*(NOVA_\w+)\s*=", body, re.M))
    structs = {}
    for name, body in re.findall(r"^struct\s+(drm_nova_\w+)\s*\{(.*?)\};", text, re.M | re.S):
        structs[name] = re.findall(r"^\s*__[us]\d+\s+(\w+)\s*(?:\[[^\]]*\])?;", body, re.M)
    ioctls = sorted(c for c in consts if c.startswith("DRM_IOCTL_NOVA_"))
    return consts, ioctls, structs, masks


def syzlang_facts(text):
    """Struct and union field names, ioctl$ names and constant names used."""
    text = re.sub(r"#.*", "", text)
    blocks = {}
    for name, kind, body in re.findall(r"^(\w+)\s*([\{\[])(.*?)^[\}\]]", text, re.M | re.S):
        # (field name, type) per line: a union's types are its variants.
        fields = [tuple(line.split(None, 1)) for line in body.strip().splitlines() if line.strip()]
        blocks[name] = (kind, [(f, re.sub(r"\s*\((?:out|in|inout)\)\s*$", "", t).strip())
                               for f, t in fields])
    calls = set(re.findall(r"^ioctl\$(\w+)\(", text, re.M))
    used = set(re.findall(r"\b((?:DRM_IOCTL_)?(?:NOVA|DRM)_[A-Z0-9_]+)\b", text))
    # (description, request, argument direction) of each ioctl$ of a named request.
    directions = re.findall(r"^ioctl\$(\w+)\(.*cmd const\[(DRM_IOCTL_\w+)\], arg ptr\[(\w+),", text, re.M)
    flag_sets = {n: [v.strip() for v in vals.split(",")]
                 for n, vals in re.findall(r"^(\w+)\s*=\s*(.+?)\s*$", text, re.M)}
    resources = dict(re.findall(r"^resource\s+(\w+)\[(\w+)\]", text, re.M))
    return blocks, calls, used, directions, flag_sets, resources


def type_size(t, resources):
    """Bytes of a syzlang field type as the header's structs use them (amd64)."""
    base = re.match(r"\w+", t).group(0)
    args = re.findall(r"\w+", t[len(base):])
    if base in SCALARS:
        return SCALARS[base]
    if base in ("const", "flags", "len"):
        # const[V, intN], flags[SET, intN], len[FIELD, intN]; intptr without one.
        return SCALARS.get(args[1], None) if len(args) > 1 else SCALARS["intptr"]
    if base in ("ptr", "ptr64"):
        return 8
    if base in resources:
        return type_size(resources[base], resources)
    if base in EXTERNAL_RESOURCES:
        return SCALARS[EXTERNAL_RESOURCES[base]]
    return None


def layout(members, resources):
    """(field, offset, size) triples and the size of a struct of scalars, aligned naturally."""
    offsets, offset, align = [], 0, 1
    for field, t in members:
        size = type_size(t, resources)
        if size is None:
            return None, None
        offset = (offset + size - 1) // size * size
        offsets.append((field, offset, size))
        offset += size
        align = max(align, size)
    return offsets, (offset + align - 1) // align * align


def compiled_values(names, header, cc, cflags):
    """What the compiler makes of each name, through the header."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "consts.c")
        exe = os.path.join(tmp, "consts")
        with open(src, "w") as f:
            f.write("#include <stddef.h>\n#include <stdio.h>\n#include <drm.h>\n")
            f.write(f'#include "{header}"\nint main(void)\n{{\n')
            for n in sorted(names):
                f.write(f'\tprintf("%s=%llu\\n", "{n}", (unsigned long long)({n}));\n')
            f.write("\treturn 0;\n}\n")
        cc_run = subprocess.run([cc, *cflags, "-o", exe, src], capture_output=True, text=True)
        if cc_run.returncode:
            return None, cc_run.stderr
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    return {n: int(v) for n, v in (line.rsplit("=", 1) for line in out.splitlines())}, ""


def read_const_file(path):
    const_file = {}
    for line in open(path):
        m = re.match(r"^(\w+)\s*=\s*(\d+)\s*$", line)
        if m:
            const_file[m.group(1)] = int(m.group(2))
    return const_file


def check(header, desc_dir, cc, cflags):
    """Every mismatch between the header and the descriptions, as messages."""
    consts, ioctls, structs, masks = header_facts(open(header).read())
    blocks, calls, used, directions, flag_sets, resources = syzlang_facts(
        open(os.path.join(desc_dir, "nova.txt")).read())
    const_file = read_const_file(os.path.join(desc_dir, "nova_amd64.const"))
    # The ioctl numbers' parts (DRM_NOVA_*) only ever reach syzkaller inside DRM_IOCTL_NOVA_*.
    wanted = {c for c in consts if not c.startswith("DRM_NOVA_")}
    errors = []
    errors += [f"{c} of the header is missing from nova_amd64.const" for c in sorted(wanted - const_file.keys())]
    errors += [f"nova.txt uses {c}, which nova_amd64.const lacks" for c in sorted(used - const_file.keys())]
    layout_exprs = set()
    for name, fields in structs.items():
        layout_exprs.add(f"sizeof(struct {name})")
        layout_exprs.update(f"offsetof(struct {name}, {f})" for f in fields)
        layout_exprs.update(f"sizeof(((struct {name} *)0)->{f})" for f in fields)
    # Names the compiler does not know (a constant the header lost) fail
    # the program: compile the ones it knows, report the others.
    names = set(const_file.keys())
    values, cc_err = compiled_values(names | layout_exprs, os.path.abspath(header), cc, cflags)
    if values is None:
        unknown = {n for n in names if re.search(rf"\b{n}\b", cc_err)}
        errors += [f"nova_amd64.const has {n}, which the header does not define" for n in sorted(unknown)]
        values, cc_err = compiled_values((names - unknown) | layout_exprs, os.path.abspath(header), cc, cflags)
        if values is None:
            return errors + [f"the header does not compile: {cc_err.strip()}"]
    errors += [f"nova_amd64.const says {n} = {v}, the header gives {values[n]}"
               for n, v in sorted(const_file.items()) if n in values and values[n] != v]
    # Every constant described: named in nova.txt, or a mask a flag set covers.
    for c in sorted(wanted - used - set(ioctls) - set(masks) - EXEMPT.keys()):
        errors.append(f"{c} of the header is not used by nova.txt (no flag set, const or type names it)")
    for name, vals in sorted(flag_sets.items()):
        errors += [f"flag set {name} lists {v}: name the header's constants" for v in vals if re.fullmatch(r"\d+|0x[0-9a-fA-F]+", v)]
    for mask, members in sorted(masks.items()):
        # By name: another set's values may OR to the same number by chance.
        covered = [n for n, vals in flag_sets.items() if set(members) <= set(vals)]
        if not covered:
            errors.append(f"no flag set of nova.txt covers {mask} ({' | '.join(members)})")
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
            variants = [(t, blocks.get(t, ("", []))[1]) for _, t in members]
        else:
            variants = [(name, members)]
        for variant, vmembers in variants:
            got = [f for f, _ in vmembers]
            if got != fields:
                errors.append(f"{name}: nova.txt has fields {got}, the header {fields}")
                continue
            offsets, size = layout(vmembers, resources)
            if offsets is None:
                errors.append(f"{variant}: a field's type has no size this check knows")
                continue
            for field, offset, fsize in offsets:
                want = values.get(f"offsetof(struct {name}, {field})")
                want_size = values.get(f"sizeof(((struct {name} *)0)->{field})")
                if want != offset:
                    errors.append(f"{variant}: {field} at offset {offset}, the header has it at {want}")
                if want_size != fsize:
                    errors.append(f"{variant}: {field} is {fsize} bytes wide, the header's {want_size}")
            if values.get(f"sizeof(struct {name})") != size:
                errors.append(f"{variant}: {size} bytes, the header's struct {name} "
                              f"{values.get(f'sizeof(struct {name})')}")
    return errors, (len(ioctls), len(structs), len(const_file))


# The self-test's plants: (what, file, old text, new text, a message the check must give).
PLANTS = [
    ("a wrong value in the .const file", "nova_amd64.const",
     "NOVA_SYNC_SIGNAL = 2", "NOVA_SYNC_SIGNAL = 3", "nova_amd64.const says NOVA_SYNC_SIGNAL = 3"),
    ("a constant missing from the .const file", "nova_amd64.const",
     "NOVA_FAULT_TIMEOUT = 5\n", "", "NOVA_FAULT_TIMEOUT of the header is missing from nova_amd64.const"),
    ("a constant the header does not have", "nova_amd64.const",
     "arches = amd64\n", "arches = amd64\nNOVA_PLANTED = 1\n", "nova_amd64.const has NOVA_PLANTED"),
    ("a struct field missing", "nova.txt",
     "\tseqno\t\tint64\t(out)\n", "", "drm_nova_exec: nova.txt has fields"),
    ("a struct field of the wrong width", "nova.txt",
     "\tsize\tint64[8:0x100000, 8]\n", "\tsize\tint32[8:0x100000, 8]\n", "drm_nova_exec_cmdbuf: size"),
    ("a flag missing from its flag set", "nova.txt",
     "NOVA_VM_BIND_MAP_READONLY, NOVA_VM_BIND_MAP_NOEXEC", "NOVA_VM_BIND_MAP_READONLY",
     "no flag set of nova.txt covers NOVA_VM_BIND_MAP_FLAGS"),
    ("a bare number in a flag set", "nova.txt",
     "NOVA_QUEUE_PRIORITY_NORMAL, NOVA_QUEUE_PRIORITY_HIGH", "NOVA_QUEUE_PRIORITY_NORMAL, 2",
     "flag set nova_queue_priorities lists 2"),
    ("an ioctl$ missing", "nova.txt",
     "ioctl$DRM_IOCTL_NOVA_QUEUE_GET_STATE(", "ioctl$DRM_IOCTL_NOVA_QUEUE_GET_STATE_renamed(",
     "DRM_IOCTL_NOVA_QUEUE_GET_STATE has no ioctl$"),
    ("an ioctl$ of the wrong direction", "nova.txt",
     "cmd const[DRM_IOCTL_NOVA_GEM_INFO], arg ptr[inout,", "cmd const[DRM_IOCTL_NOVA_GEM_INFO], arg ptr[in,",
     "ioctl$DRM_IOCTL_NOVA_GEM_INFO: DRM_IOCTL_NOVA_GEM_INFO is IOWR/IOR"),
    ("a constant appended to the header, not described", "nova_drm.h",
     "#define NOVA_UAPI_VERSION", "#define NOVA_GETPARAM_PLANTED\t\t0x1ff\n#define NOVA_UAPI_VERSION",
     "NOVA_GETPARAM_PLANTED of the header is not used by nova.txt"),
]


def selftest(header, desc_dir, cc, cflags):
    """Each plant must be found; the unchanged copies must pass."""
    problems, found = [], []
    with tempfile.TemporaryDirectory() as tmp:
        def fresh():
            shutil.copy(header, os.path.join(tmp, "nova_drm.h"))
            for f in ("nova.txt", "nova_amd64.const"):
                shutil.copy(os.path.join(desc_dir, f), os.path.join(tmp, f))
        fresh()
        errors, _ = check(os.path.join(tmp, "nova_drm.h"), tmp, cc, cflags)
        if errors:
            problems.append(f"the unchanged copies fail: {errors}")
        for what, name, old, new, expect in PLANTS:
            fresh()
            path = os.path.join(tmp, name)
            text = open(path).read()
            if old not in text:
                problems.append(f"plant '{what}': {name} no longer has {old!r}; update the plant")
                continue
            open(path, "w").write(text.replace(old, new, 1))
            errors, _ = check(os.path.join(tmp, "nova_drm.h"), tmp, cc, cflags)
            hits = [e for e in errors if expect in e]
            if hits:
                found.append(f"  {what}: {hits[0]}")
            else:
                problems.append(f"plant '{what}' was not found (expected '{expect}', got {errors})")
    if problems:
        fail(problems)
    print(f"syzkaller-check: self-test: each of {len(PLANTS)} planted mismatches found:")
    print("\n".join(found))


def main():
    args = sys.argv[1:]
    mode = args[0] if args and args[0] in ("--write-const", "--selftest") else None
    args = args[1:] if mode else args
    if len(args) < 3:
        fail(["usage: syzkaller-check.py [--write-const | --selftest] HEADER DIR CC [CFLAGS...]"])
    header, desc_dir, cc, cflags = args[0], args[1], args[2], args[3:]
    if mode == "--selftest":
        selftest(header, desc_dir, cc, cflags)
        return
    if mode == "--write-const":
        consts, _, _, _ = header_facts(open(header).read())
        used = syzlang_facts(open(os.path.join(desc_dir, "nova.txt")).read())[2]
        wanted = {c for c in consts if not c.startswith("DRM_NOVA_")}
        values, cc_err = compiled_values(wanted | used, os.path.abspath(header), cc, cflags)
        if values is None:
            fail([f"the header does not compile: {cc_err.strip()}"])
        with open(os.path.join(desc_dir, "nova_amd64.const"), "w") as f:
            f.write("# Constants of nova_drm.h (and drm.h) for syzkaller (amd64), written by\n"
                    "# tests/uapi/syzkaller-check.py --write-const from the compiled headers.\n"
                    "arches = amd64\n")
            f.writelines(f"{n} = {v}\n" for n, v in sorted(values.items()))
        return
    errors, (n_ioctls, n_structs, n_consts) = check(header, desc_dir, cc, cflags)
    if errors:
        fail(errors)
    print(f"syzkaller-check: nova.txt and nova_amd64.const match nova_drm.h ({n_ioctls} ioctls, "
          f"{n_structs} structs at their offsets, {n_consts} constants compiled and described)")


if __name__ == "__main__":
    main()

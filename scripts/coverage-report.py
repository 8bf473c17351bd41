#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# make coverage's report: line and branch coverage of nova's C++ core from
# the gcov data (.gcda) that instrumented builds left under the directories
# named, merged across them (the hosted tests' build, the fuzz targets'):
#
#   coverage-report.py --root CHECKOUT [--html DIR] [--list-below PCT] OBJDIR...
#
# Only the core counts: driver/nova-drm/logic/, driver/nova-core/engine/,
# driver/cxx/ (sources and headers); tests, hosted services and system
# headers are left out. Prints a table per file with a subtotal per area
# and the total, then the uncovered lines of every file below PCT (default
# 100) lines or branches, each range with its first line of source, and
# the lines whose branches were not all taken (but for assertions' and
# g++'s null checks, which no test can take); with several OBJDIRs, each
# one's total alone too. --html writes the same
# table and each file's annotated source there.
import argparse
import html
import json
import os
import re
import subprocess
import sys

# The core's areas, in the table's order: the first prefix a file starts
# with names its area.
AREAS = [
    ("logic/vm", "driver/nova-drm/logic/vm/"),
    ("logic/gem", "driver/nova-drm/logic/gem/"),
    ("logic/queue", "driver/nova-drm/logic/queue/"),
    ("logic", "driver/nova-drm/logic/"),
    ("engine", "driver/nova-core/engine/"),
    ("cxx", "driver/cxx/"),
]


def area_of(path):
    for name, prefix in AREAS:
        if path.startswith(prefix):
            return name
    return None


class FileCoverage:
    def __init__(self, path):
        self.path = path
        self.lines = {}  # line number -> execution count, summed
        self.branches = {}  # line number -> {branch index: times taken}

    def add_line(self, entry):
        number = entry["line_number"]
        self.lines[number] = self.lines.get(number, 0) + entry["count"]
        # An inline function or template emitted in several objects, or
        # instantiated several times, has the same branches on its line
        # each time: they are merged by their index on the line, so that a
        # branch counts as taken if any copy took it. Exception edges are
        # the compiler's, not the source's.
        taken = self.branches.setdefault(number, {}) if entry["branches"] else None
        index = 0
        for branch in entry["branches"]:
            if branch.get("throw"):
                continue
            taken[index] = taken.get(index, 0) + branch["count"]
            index += 1

    def line_figures(self):
        return len(self.lines), sum(1 for c in self.lines.values() if c)

    def branch_figures(self):
        total = sum(len(b) for b in self.branches.values())
        hit = sum(1 for b in self.branches.values() for c in b.values() if c)
        return total, hit

    def uncovered_ranges(self):
        """Runs of uncovered instrumented lines; lines without code between
        two uncovered ones do not break a run."""
        ranges = []
        numbers = sorted(self.lines)
        for i, number in enumerate(numbers):
            if self.lines[number]:
                continue
            previous = numbers[i - 1] if i else None
            if ranges and previous is not None and ranges[-1][1] == previous:
                ranges[-1][1] = number
            else:
                ranges.append([number, number])
        return ranges

    def partial_branches(self):
        """Lines run whose branches were not all taken: (line, taken, total)."""
        result = []
        for number in sorted(self.branches):
            counts = self.branches[number].values()
            hit = sum(1 for c in counts if c)
            if self.lines.get(number) and hit < len(counts):
                result.append((number, hit, len(counts)))
        return result


def gcov_files(objdirs):
    for objdir in objdirs:
        for dirpath, _, names in os.walk(objdir):
            for name in sorted(names):
                if name.endswith(".gcda"):
                    yield os.path.abspath(os.path.join(dirpath, name))


def collect(root, objdirs):
    files = {}
    count = 0
    for gcda in gcov_files(objdirs):
        count += 1
        out = subprocess.run(["gcov", "--stdout", "--json-format", "--branch-probabilities", gcda],
                             cwd=os.path.dirname(gcda), check=True, capture_output=True,
                             text=True).stdout
        for document in out.splitlines():
            if not document.strip():
                continue
            report = json.loads(document)
            cwd = report.get("current_working_directory", "")
            for source in report["files"]:
                path = os.path.relpath(os.path.normpath(os.path.join(cwd, source["file"])), root)
                if area_of(path) is None:
                    continue
                cov = files.setdefault(path, FileCoverage(path))
                for entry in source["lines"]:
                    cov.add_line(entry)
    if not count:
        sys.exit("coverage: no .gcda under " + " ".join(objdirs) + " (nothing ran?)")
    return files


def ratio(hit, total):
    return 100.0 * hit / total if total else 100.0


def percent(hit, total):
    return "%.1f%%" % ratio(hit, total) if total else "-"


def rows(files):
    """(label, lines, lines hit, branches, branches hit, path or None) per
    file, each area's subtotal after its files, and the total last."""
    total = [0, 0, 0, 0]
    for name, _ in AREAS:
        members = sorted(p for p in files if area_of(p) == name)
        if not members:
            continue
        subtotal = [0, 0, 0, 0]
        for path in members:
            figures = files[path].line_figures() + files[path].branch_figures()
            subtotal = [a + b for a, b in zip(subtotal, figures)]
            yield (path[len("driver/"):],) + figures + (path,)
        total = [a + b for a, b in zip(total, subtotal)]
        yield ("  " + name,) + tuple(subtotal) + (None,)
    yield ("TOTAL",) + tuple(total) + (None,)


def print_table(files):
    header = "%-38s %13s %7s %13s %8s" % ("File", "Lines", "Line %", "Branches", "Branch %")
    print(header)
    print("-" * len(header))
    for label, lines, lhit, branches, bhit, path in rows(files):
        if label == "TOTAL":
            print("-" * len(header))
        print("%-38s %13s %7s %13s %8s" % (label, "%d/%d" % (lhit, lines), percent(lhit, lines),
                                          "%d/%d" % (bhit, branches), percent(bhit, branches)))
        if path is None and label != "TOTAL":
            print()


def source_lines(root, path):
    with open(os.path.join(root, path), errors="replace") as f:
        return f.read().split("\n")


# Untaken branches that no test can take, counted but not listed: an
# assertion's failure side, and the null checks g++ adds to a delete
# expression and a pointer's static_cast whose operand cannot be null.
INVARIANT = re.compile(r"\bNOVA_ASSERT\(|\bdelete &|^\s*delete\b|static_cast<\w+ \*>\(")


def print_uncovered(root, files, below):
    listed = []
    invariant = 0
    for label, lines, lhit, branches, bhit, path in rows(files):
        if path is None:
            continue
        cov = files[path]
        text = source_lines(root, path)
        items = []
        for first, last in cov.uncovered_ranges():
            where = str(first) if first == last else "%d-%d" % (first, last)
            items.append((first, "  %-9s never run      %s" % (where, text[first - 1].strip()[:80])))
        for number, hit, total in cov.partial_branches():
            if INVARIANT.search(text[number - 1]):
                invariant += total - hit
                continue
            items.append((number, "  %-9s %s taken  %s" % (number, ("%d/%d" % (hit, total)).rjust(5),
                                                           text[number - 1].strip()[:80])))
        if items and (ratio(lhit, lines) < below or ratio(bhit, branches) < below):
            listed.append("%s  (lines %s, branches %s)" % (label, percent(lhit, lines),
                                                           percent(bhit, branches)))
            listed.extend(line for _, line in sorted(items))
    print()
    print("Not run, in files below %g%% of lines or branches (each with its first line of source;"
          % below)
    print("%d untaken branches of NOVA_ASSERT failures and of g++'s null checks not listed):"
          % invariant)
    print("\n".join(listed) if listed else "  nothing")


PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%s</title><style>
body { font-family: sans-serif; }
table { border-collapse: collapse; }
td, th { padding: 0 0.6em; text-align: right; }
td.name, th.name { text-align: left; }
pre { margin: 0; }
tr.run td.count { background: #cfc; }
tr.never td { background: #fcc; }
tr.partial td { background: #ffc; }
tr.area td { font-weight: bold; }
</style></head><body>
%s
</body></html>
"""


def page_name(path):
    return path.replace("/", "_") + ".html"


def write_html(root, files, outdir):
    os.makedirs(outdir, exist_ok=True)
    table = ['<h1>nova core coverage</h1><table><tr><th class="name">File</th><th>Lines</th>'
             '<th>Line %</th><th>Branches</th><th>Branch %</th></tr>']
    for label, lines, lhit, branches, bhit, path in rows(files):
        name = html.escape(label.strip())
        if path:
            name = '<a href="%s">%s</a>' % (page_name(path), name)
        table.append('<tr%s><td class="name">%s</td><td>%d/%d</td><td>%s</td><td>%d/%d</td>'
                     '<td>%s</td></tr>' % ('' if path else ' class="area"', name, lhit, lines,
                                           percent(lhit, lines), bhit, branches,
                                           percent(bhit, branches)))
    table.append("</table>")
    with open(os.path.join(outdir, "index.html"), "w") as f:
        f.write(PAGE % ("nova core coverage", "\n".join(table)))

    for path, cov in files.items():
        body = ['<p><a href="index.html">index</a></p><h1>%s</h1><table>' % html.escape(path),
                "<tr><th>Line</th><th>Count</th><th>Branches</th>"
                '<th class="name">Source</th></tr>']
        for number, text in enumerate(source_lines(root, path), 1):
            count = cov.lines.get(number)
            taken = cov.branches.get(number, {})
            hit = sum(1 for c in taken.values() if c)
            if count is None:
                css, shown = "", ""
            elif not count:
                css, shown = "never", "0"
            else:
                css, shown = ("partial" if hit < len(taken) else "run"), str(count)
            body.append('<tr class="%s"><td>%d</td><td class="count">%s</td><td>%s</td>'
                        '<td class="name"><pre>%s</pre></td></tr>'
                        % (css, number, shown, "%d/%d" % (hit, len(taken)) if taken else "",
                           html.escape(text.expandtabs(8))))
        body.append("</table>")
        with open(os.path.join(outdir, page_name(path)), "w") as f:
            f.write(PAGE % (html.escape(path), "\n".join(body)))


def main():
    parser = argparse.ArgumentParser(description="line and branch coverage of nova's C++ core")
    parser.add_argument("--root", required=True, help="the checkout")
    parser.add_argument("--html", help="write the HTML report in this directory")
    parser.add_argument("--list-below", type=float, default=100.0, metavar="PCT",
                        help="list the uncovered lines of files below PCT")
    parser.add_argument("objdirs", nargs="+", help="directories holding .gcda files")
    args = parser.parse_args()

    root = os.path.abspath(args.root)
    files = collect(root, args.objdirs)
    print_table(files)
    # What each build's runs reach alone, when there are several.
    measured = [d for d in args.objdirs if any(gcov_files([d]))]
    if len(measured) > 1:
        print()
        for objdir in measured:
            alone = list(rows(collect(root, [objdir])))[-1]
            print("%s alone: lines %s, branches %s" % (os.path.relpath(objdir, root),
                                                        percent(alone[2], alone[1]),
                                                        percent(alone[4], alone[3])))
    print_uncovered(root, files, args.list_below)
    if args.html:
        write_html(root, files, args.html)
        print()
        print("coverage: HTML report in %s/index.html" % args.html)


if __name__ == "__main__":
    main()

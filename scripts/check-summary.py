#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# make check's summary, from the machine output its suites leave in
# build/check/LAYER/ (one directory per check-LAYER target):
#   SUITE.json    GoogleTest's --gtest_output=json, or kunit.py's --json
#   SUITE.result  one line "passed=N failed=N skipped=N ...", written by
#                 tests/guest/suite.sh (or `record` below) as the suite ran
#   exit-status   the layer's exit status (the Makefile writes it)
# A layer whose command failed with no failed test counts one failure (a
# harness, ABI or kernel-log check failed); a suite without a result, or a
# layer that did not run, is a failure too.
import argparse
import fnmatch
from glob import glob as glob_files
import json
import os
import re
import sys
import tempfile

SUITE_NAME = re.compile(r'struct kunit_suite \w+ = \{[^;]*?\.name = "([^"]+)"', re.S)
CLOSING = re.compile(r"^([A-Za-z0-9._-]+): (\d+) passed, (\d+) failed(?:, (\d+) skipped)?")


def kunit_leaves(group):
    """The status of every test case under a kunit.py JSON group."""
    for case in group.get("test_cases", []):
        yield case.get("status", "FAIL")
    for sub in group.get("sub_groups", []):
        yield from kunit_leaves(sub)


def kunit_suites(root):
    """nova's suites in kunit.py's JSON: name -> [passed, failed, skipped]."""
    suites = {}

    def collect(group):
        for sub in group.get("sub_groups", []):
            if sub.get("name", "").startswith("nova"):
                counts = [0, 0, 0]
                for status in kunit_leaves(sub):
                    counts[{"PASS": 0, "SKIP": 2}.get(status, 1)] += 1
                if sum(counts) == 0:
                    counts[1] = 1  # a suite that ran no case
                suites[sub["name"]] = counts
            else:
                collect(sub)

    collect(root)
    return suites


def gtest_counts(root):
    """[passed, failed, skipped] and the names of the failed tests."""
    counts, failed = [0, 0, 0], []
    for suite in root.get("testsuites", []):
        for test in suite.get("testsuite", []):
            if test.get("failures"):
                counts[1] += 1
                failed.append(f"{suite.get('name')}.{test.get('name')}")
            elif test.get("result") == "SKIPPED" or test.get("status") == "NOTRUN":
                counts[2] += 1
            else:
                counts[0] += 1
    return counts, failed


def suite_counts(layer_dir, suite):
    """[passed, failed, skipped] of one suite (None without a result) and
    the failed tests' names where the output has them."""
    path = os.path.join(layer_dir, suite)
    try:
        if os.path.exists(path + ".json"):
            with open(path + ".json") as f:
                root = json.load(f)
            if "testsuites" in root:
                return gtest_counts(root)
            return [sum(c) for c in zip([0, 0, 0], *kunit_suites(root).values())], []
        with open(path + ".result") as f:
            fields = dict(kv.split("=", 1) for kv in f.read().split())
        return [int(fields["passed"]), int(fields["failed"]), int(fields["skipped"])], []
    except (OSError, ValueError, KeyError):
        return None, []


def fmt(counts):
    return f"{counts[0]} passed, {counts[1]} failed, {counts[2]} skipped"


def report(results, layers, out=sys.stdout):
    """Prints the summary of LAYER=SUITE,... specs; returns the exit status."""
    total, failed = [0, 0, 0], []
    print(f"check summary ({results}):", file=out)
    for spec in layers:
        layer, _, names = spec.partition("=")
        layer_dir = os.path.join(results, layer)
        suites = [n for n in names.split(",") if n]
        counts, lines = [0, 0, 0], []
        for suite in suites:
            c, failed_tests = suite_counts(layer_dir, suite)
            lines.append(f"    {suite}: " + (fmt(c) if c else f"no result (see {layer_dir})"))
            lines += [f"      failed: {t}" for t in failed_tests]
            c = c or [0, 1, 0]
            if c[1]:
                failed.append(layer if suite == layer else f"{layer}/{suite}")
            counts = [a + b for a, b in zip(counts, c)]
        try:
            with open(os.path.join(layer_dir, "exit-status")) as f:
                status = int(f.read())
            note = f" (exit {status})" if status else ""
        except (OSError, ValueError):
            note = " (did not run: a build it needs failed?)"
        if note and not counts[1]:
            counts[1] += 1
            failed.append(layer)
        tests = f": {fmt(counts)}" if suites else ""
        print(f"  {layer} {'FAILED' if counts[1] else 'ok'}{tests}{note}", file=out)
        if suites and (suites != [layer] or len(lines) > 1 or "no result" in lines[0]):
            print("\n".join(lines), file=out)
        total = [a + b for a, b in zip(total, counts)]
    print(f"total: {fmt(total)}", file=out)
    if failed:
        print("FAILED: " + " ".join(failed), file=out)
    return 1 if failed else 0


def record(results, names):
    """Copies stdin to stdout; each closing line of a suite in names becomes
    results/NAME.result (for programs run by a Makefile, not suite.sh)."""
    for line in sys.stdin:
        sys.stdout.write(line)
        sys.stdout.flush()
        m = CLOSING.match(line)
        if m and m.group(1) in names:
            with open(os.path.join(results, m.group(1) + ".result"), "w") as f:
                f.write(f"passed={m.group(2)} failed={m.group(3)} skipped={m.group(4) or 0}\n")
    return 0


def kunit(results, kunit_dir, glob):
    """kunit-run.sh's per-suite lines; the last line is 'PASSED FAILED SKIPPED'.
    Every struct kunit_suite of kunit_dir/*.c whose name matches glob must
    have run."""
    with open(results) as f:
        suites = kunit_suites(json.load(f))
    defined = set()
    for path in glob_files(os.path.join(kunit_dir, "*.c")):
        with open(path) as f:
            defined.update(SUITE_NAME.findall(f.read()))
    expected = {n for n in defined if fnmatch.fnmatch(n, glob or "*")}
    total = [0, 0, 0]
    for name in sorted(suites):
        print(f"  {name}: {fmt(suites[name])}")
        total = [a + b for a, b in zip(total, suites[name])]
    missing = sorted(expected - set(suites)) or ([] if expected else [f"(a suite matching '{glob}')"])
    for name in missing:
        print(f"  {name}: MISSING (defined in tests/kunit but did not run)")
    for name in sorted(set(suites) - defined):
        print(f"  note: suite {name} ran but is not defined in tests/kunit/*.c")
    total[1] += len(missing)
    print(*total)
    return 1 if total[1] else 0


def selftest():
    """Fake results with one failing suite: the summary must name it and
    fail; with that suite fixed it must pass."""
    with tempfile.TemporaryDirectory() as tmp:
        def put(path, text):
            os.makedirs(os.path.dirname(os.path.join(tmp, path)), exist_ok=True)
            with open(os.path.join(tmp, path), "w") as f:
                f.write(text)

        gtest = {"testsuites": [{"name": "T", "testsuite": [
            {"name": "a", "result": "COMPLETED"}, {"name": "b", "result": "SKIPPED"},
            {"name": "c", "result": "COMPLETED", "failures": [{"failure": "x"}]}]}]}
        kunit_json = {"name": "main", "sub_groups": [
            {"name": "nova_logic", "test_cases": [{"status": "PASS"}, {"status": "SKIP"}]}]}
        put("hosted/hosted.json", json.dumps(gtest))
        put("kunit/kunit.json", json.dumps(kunit_json))
        put("guest/libnova.result", "passed=5 failed=0 skipped=1 seconds=2\n")
        put("guest/isolation.result", "passed=3 failed=2 skipped=0 seconds=1\n")
        for layer in ("hosted", "kunit", "guest", "module"):
            put(f"{layer}/exit-status", "1\n" if layer in ("guest", "module") else "0\n")
        specs = ["hosted=hosted", "kunit=kunit", "guest=libnova,isolation", "module=", "lib=vaheap"]
        with tempfile.TemporaryFile("w+") as out:
            status = report(tmp, specs, out)
            out.seek(0)
            text = out.read()
        want = ["  hosted FAILED: 1 passed, 1 failed, 1 skipped",
                "      failed: T.c",
                "  kunit ok: 1 passed, 0 failed, 1 skipped",
                "  guest FAILED: 8 passed, 2 failed, 1 skipped (exit 1)",
                "    isolation: 3 passed, 2 failed, 0 skipped",
                "  module FAILED (exit 1)",
                "    vaheap: no result",
                "total: 10 passed, 5 failed, 3 skipped",
                "FAILED: hosted guest/isolation module lib/vaheap\n"]
        problems = [w for w in want if w not in text]
        if status != 1:
            problems.append(f"exit status {status}, not 1")
        gtest["testsuites"][0]["testsuite"].pop()
        put("hosted/hosted.json", json.dumps(gtest))
        put("guest/isolation.result", "passed=5 failed=0 skipped=0\n")
        put("guest/exit-status", "0\n")
        if report(tmp, specs[:3], open(os.devnull, "w")) != 0:
            problems.append("a passing set of results does not pass")
    for p in problems:
        print(f"summary-selftest: FAIL: {p!r} missing from:\n{text}")
    print(f"summary-selftest: {len(want) + 2 - len(problems)} passed, {len(problems)} failed")
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("report", help="print the summary of LAYER=SUITE,SUITE... specs")
    p.add_argument("results")
    p.add_argument("layers", nargs="*")
    p = sub.add_parser("record", help="tee stdin, writing RESULTS/NAME.result from closing lines")
    p.add_argument("results")
    p.add_argument("names", nargs="+")
    p = sub.add_parser("kunit", help="per-suite counts of kunit.py's JSON")
    p.add_argument("json")
    p.add_argument("kunit_dir")
    p.add_argument("glob", nargs="?", default="")
    sub.add_parser("selftest", help="check the summary on fake results")
    a = ap.parse_args()
    if a.cmd == "report":
        return report(a.results, a.layers)
    if a.cmd == "record":
        return record(a.results, a.names)
    if a.cmd == "kunit":
        return kunit(a.json, a.kunit_dir, a.glob)
    return selftest()


if __name__ == "__main__":
    sys.exit(main())

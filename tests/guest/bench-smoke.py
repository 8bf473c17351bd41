#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of nova-bench, run in the guest by `make check`: nova-bench ran
# with a tiny --rounds and --quick, and its JSON must be complete and
# self-consistent. It checks the shape of the output and the arithmetic of
# the ratios, never how fast anything was: benchmarks are not tests.
import argparse
import json
import math
import statistics
import sys

GROUPS = ("ioctl", "gem", "touch", "vm", "libnova", "exec")
# Rows every run must have (the VM rows of the smallest live set only: --quick).
EXPECTED_ROWS = (
    ("ioctl", "GETPARAM round trip"),
    ("gem", "GEM_CREATE+GEM_CLOSE 4 KiB"),
    ("gem", "GEM_CREATE+GEM_CLOSE 64 KiB"),
    ("gem", "GEM_CREATE+GEM_CLOSE 2 MiB"),
    ("touch", "first-touch write 2 MiB (mmap)"),
    ("vm", "MAP+UNMAP single, 1k live"),
    ("gem", "A/A: GEM_CREATE+GEM_CLOSE 64 KiB"),
    ("touch", "mmap + first-touch write 2 MiB"),
    ("vm", "MAP+UNMAP batched x16, 1k live"),
    ("vm", "MAP+UNMAP async single, 1k live"),
    ("libnova", "libnova churn 64 KiB, cache off"),
    ("libnova", "libnova churn 64 KiB, cache on"),
    ("libnova", "libnova churn 2 MiB, cache on"),
    ("exec", "empty job EXEC to signalled"),
    ("exec", "pipelined empty jobs"),
    ("exec", "EXEC + async bind behind it, to bind signalled"),
    ("exec", "COPY 4 KiB (4096 per job)"),
    ("exec", "COPY 64 KiB (256 per job)"),
    ("exec", "COPY 2 MiB (8 per job)"),
    ("exec", "FILL 4 KiB (4096 per job)"),
    ("exec", "FILL 64 KiB (256 per job)"),
    ("exec", "FILL 2 MiB (8 per job)"),
)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"bench-smoke: FAIL: {what}")


def positive(x):
    return isinstance(x, (int, float)) and math.isfinite(x) and x > 0


def check_stats(c, stats, rounds, where):
    c.check(isinstance(stats, dict), f"{where}: figures are an object")
    if not isinstance(stats, dict):
        return
    c.check(positive(stats.get("median")), f"{where}: median is a positive number")
    got = stats.get("rounds")
    c.check(isinstance(got, list) and len(got) in (1, rounds),
            f"{where}: one value per round (or one measured value)")
    if isinstance(got, list) and got and all(positive(v) for v in got):
        c.check(stats.get("min", -1) <= stats.get("median", -1) <= stats.get("max", -1),
                f"{where}: min <= median <= max")
        c.check(math.isclose(min(got), stats["min"], rel_tol=1e-3, abs_tol=1e-3) and
                math.isclose(max(got), stats["max"], rel_tol=1e-3, abs_tol=1e-3),
                f"{where}: min and max are those of the rounds")
    else:
        c.check(False, f"{where}: every round is a positive number")


def main():
    ap = argparse.ArgumentParser(description=__doc__ or "nova-bench JSON smoke test")
    ap.add_argument("json_file", help="nova-bench --json output")
    ap.add_argument("--exit-status", type=int, default=0,
                    help="nova-bench's exit status (must be 0)")
    args = ap.parse_args()
    c = Checks()

    c.check(args.exit_status == 0, f"nova-bench exited with status {args.exit_status}")
    try:
        with open(args.json_file, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        c.check(False, f"the output is valid JSON ({e})")
        print(f"bench-smoke: {c.passed} passed, {c.failed} failed")
        return 1
    c.check(True, "the output is valid JSON")

    c.check(doc.get("tool") == "nova-bench", "tool is nova-bench")
    machine = doc.get("machine", {})
    c.check(bool(machine.get("accel")), "the machine (TCG, KVM...) is named")
    c.check(isinstance(machine.get("emulated"), bool), "machine.emulated is a boolean")
    rounds = doc.get("rounds")
    c.check(isinstance(rounds, int) and rounds > 0, "rounds is a positive integer")
    c.check(bool(doc.get("nova_node")), "the nova node is named")
    c.check(bool(doc.get("vgem_node")), "the vgem node is named (vgem is the reference)")

    rows = doc.get("rows", [])
    c.check(isinstance(rows, list) and rows, "there are rows")
    names = {(r.get("group"), r.get("name")) for r in rows}
    for key in EXPECTED_ROWS:
        c.check(key in names, f"row {key[1]!r} of group {key[0]!r} is there")
    for group in GROUPS:
        c.check(any(r.get("group") == group for r in rows), f"group {group} has rows")
    failed_groups = [s for s in doc.get("not_measured", []) if "failed" in s.get("reason", "")]
    c.check(not failed_groups, f"no group failed ({failed_groups})")

    for r in rows:
        where = f"row {r.get('name')!r}"
        c.check(isinstance(r.get("ops_per_round"), int) and r["ops_per_round"] > 0,
                f"{where}: ops per round is a positive integer")
        check_stats(c, r.get("value"), rounds, where)
        ref = r.get("reference")
        if ref is None:
            c.check(r.get("ratio") is None, f"{where}: no reference, no ratio")
            continue
        check_stats(c, ref.get("value"), rounds, f"{where} reference")
        c.check(isinstance(r.get("paired"), bool), f"{where}: says whether it is paired")
        try:
            if r["paired"]:
                # Each round's own ratio, then their median.
                per_round = [a / b for a, b in zip(r["value"]["rounds"], ref["value"]["rounds"])]
                c.check(len(per_round) == rounds, f"{where}: a ratio per round")
                want = statistics.median(per_round)
                how = "the median of the per-round ratios"
            else:
                want = r["value"]["median"] / ref["value"]["median"]
                how = "median / reference median"
            c.check(math.isclose(r["ratio"], want, rel_tol=2e-3),
                    f"{where}: ratio {r['ratio']} is {how} ({want:.4f})")
        except (KeyError, TypeError, ZeroDivisionError):
            c.check(False, f"{where}: ratio can be checked")

    print(f"bench-smoke: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host half of `make profile-exec`: where an empty job's round trip goes.

Reads the ftrace text that scripts/exec-profile-guest.sh recorded in the
guest while nova-bench ran its exec rows, follows each nova job that ran
alone (the round-trip rows wait for each job before the next EXEC) through
the kernel's own tracepoints, and prints the median time of each stage:

  EXEC ioctl      sys_enter(ioctl) .. drm_sched_job (the job pushed)
  to scheduler    drm_sched_job .. drm_run_job (the scheduler's thread woke)
  to engine       drm_run_job .. workqueue_execute_start (the engine's worker)
  engine + raise  the worker running the job until the function's interrupt
                  (edu's MSI arrives while the worker is still in its raise)
  irq to fence    irq_handler_entry .. hardware fence signalled
  to finished     hardware fence .. the scheduler's finished fence
  to waiter       finished .. sys_exit of the waiting ioctl
"""
import argparse
import re
import statistics
import sys

LINE = re.compile(r'^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[\d+\]\s+\S+\s+(?P<ts>\d+\.\d+):\s+'
                  r'(?P<event>\w+):\s*(?P<body>.*)$')
STAGES = ['EXEC ioctl', 'to scheduler', 'to engine', 'engine + raise', 'irq to fence',
          'to finished', 'to waiter']


def events(path):
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE.match(line)
            if m:
                yield (float(m['ts']) * 1e6, int(m['pid']), m['event'], m['body'])


def jobs(evs, irq_name):
    """Yields the stage durations (us) of each job traced whole and alone."""
    last_enter = {}
    job = None
    for ts, pid, ev, body in evs:
        if ev == 'sys_enter':
            last_enter[pid] = ts
            continue
        if ev == 'drm_sched_job' and 'ring=nova' in body:
            job = {'pid': pid, 'enter': last_enter.get(pid), 'push': ts}
            continue
        if job is None:
            continue
        if ev == 'drm_run_job' and 'ring=nova' in body:
            job = job if 'run' not in job else None
            if job is not None:
                job['run'] = ts
        elif ev == 'workqueue_execute_start' and 'nova_engine_channel_work' in body:
            job.setdefault('ws', ts)
        elif ev == 'irq_handler_entry' and irq_name in body and 'ws' in job:
            job.setdefault('irq', ts)
        elif ev == 'dma_fence_signaled' and 'driver=nova ' in body and 'irq' in job:
            job.setdefault('hw', ts)
        elif ev == 'dma_fence_signaled' and 'driver=drm_sched' in body and 'hw' in job:
            job.setdefault('fin', ts)
        elif ev == 'sys_exit' and pid == job['pid'] and 'fin' in job:
            keys = ['enter', 'push', 'run', 'ws', 'irq', 'hw', 'fin']
            if all(job.get(k) is not None for k in keys):
                t = [job[k] for k in keys] + [ts]
                yield [b - a for a, b in zip(t, t[1:])]
            job = None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('trace', help='exec-trace.txt from the guest')
    ap.add_argument('--irq', default='nova_core', help='the function interrupt\'s name')
    args = ap.parse_args()
    samples = list(jobs(events(args.trace), args.irq))
    if not samples:
        sys.exit('exec-profile: no job traced whole (is tracing on in the guest kernel?)')
    medians = [statistics.median(s[i] for s in samples) for i in range(len(STAGES))]
    total = statistics.median(sum(s) for s in samples)
    print(f'exec-profile: {len(samples)} jobs traced whole (nearly all the empty jobs of the '
          f'round-trip rows); median per stage:')
    for name, us in zip(STAGES, medians):
        print(f'  {name:<14} {us:9.1f} us  {100 * us / total:5.1f} %')
    print(f'  {"round trip":<14} {total:9.1f} us')


if __name__ == '__main__':
    main()

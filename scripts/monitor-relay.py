#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host half of scripts/guest-run.sh --monitor: relays QMP commands that
a program in the guest drops into a directory of the shared output dir to
QEMU's QMP socket, and writes QEMU's answers back there.

Protocol (the guest half is tests/guest/qemu-monitor.sh):
  the guest writes DIR/req.NAME (atomically: written as another name, then
  renamed), one JSON object: a QMP command ({"execute": ..., "arguments":
  ...}), optionally with "nova-wait-event": EVENT and "nova-event-device": ID
  (after a successful command, also wait for the QMP event EVENT, for
  device ID if given: DEVICE_DELETED after device_del) and "nova-timeout": S
  (default 10 s for that wait);
  the relay deletes the request, runs it and writes DIR/rsp.NAME (again
  atomically): QEMU's answer ({"return": ...} or {"error": ...}), with
  "nova-event": the awaited event if one was asked for and came; a relay
  timeout is {"error": {"class": "NovaTimeout", "desc": ...}}.
Every QMP event QEMU sends is also appended to DIR/events, one JSON per line.

The relay exits when QEMU closes the socket, when its parent (guest-run.sh)
is gone, or on SIGTERM.
"""

import argparse
import json
import os
import signal
import socket
import sys
import time

POLL = 0.05


class Qmp:
    def __init__(self, path, connect_timeout, events_path):
        deadline = time.monotonic() + connect_timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.buf = b""
        self.events = []
        self.events_path = events_path
        self.recv_msg(None)  # the greeting
        self.command({"execute": "qmp_capabilities"})

    def recv_msg(self, deadline, events_too=False):
        """One message that is not an event (or any, with events_too);
        events are logged and kept. None when the deadline passed."""
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if not line.strip():
                    continue
                msg = json.loads(line)
                if "event" in msg:
                    self.events.append(msg)
                    with open(self.events_path, "a") as f:
                        f.write(json.dumps(msg) + "\n")
                    if not events_too:
                        continue
                return msg
            if deadline is None:
                self.sock.settimeout(None)
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not data:
                raise EOFError("QEMU closed the monitor")
            self.buf += data

    def command(self, cmd, timeout=30):
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        msg = self.recv_msg(time.monotonic() + timeout)
        if msg is None:
            return {"error": {"class": "NovaTimeout", "desc": "no answer from QEMU in %d s" % timeout}}
        return msg

    def wait_event(self, name, device, timeout, since):
        deadline = time.monotonic() + timeout
        while True:
            for ev in self.events[since:]:
                data = ev.get("data", {})
                if ev["event"] == name and (device is None or data.get("device") == device):
                    return ev
            since = len(self.events)
            if self.recv_msg(deadline, events_too=True) is None:
                return None


def handle(qmp, req):
    wait = req.pop("nova-wait-event", None)
    device = req.pop("nova-event-device", None)
    timeout = float(req.pop("nova-timeout", 10))
    since = len(qmp.events)
    rsp = qmp.command(req)
    if wait and "return" in rsp:
        ev = qmp.wait_event(wait, device, timeout, since)
        if ev is None:
            return {"error": {"class": "NovaTimeout",
                              "desc": "no %s event%s in %g s" % (wait, " for " + device if device else "", timeout)}}
        rsp["nova-event"] = ev
    return rsp


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    ap.add_argument("--socket", required=True, help="QEMU's QMP socket (unix)")
    ap.add_argument("--dir", required=True, help="request directory, shared with the guest")
    ap.add_argument("--connect-timeout", type=float, default=30,
                    help="seconds to wait for QEMU's socket (default 30)")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    parent = os.getppid()
    os.makedirs(args.dir, exist_ok=True)
    try:
        qmp = Qmp(args.socket, args.connect_timeout, os.path.join(args.dir, "events"))
    except (OSError, EOFError) as e:
        print("[monitor-relay] cannot connect to %s: %s" % (args.socket, e), file=sys.stderr)
        return 1
    while True:
        if os.getppid() != parent:
            return 0
        names = sorted(n for n in os.listdir(args.dir) if n.startswith("req.") and not n.endswith(".tmp"))
        for name in names:
            path = os.path.join(args.dir, name)
            try:
                with open(path) as f:
                    text = f.read()
                os.unlink(path)
            except OSError:
                continue
            try:
                req = json.loads(text)
                if not isinstance(req, dict):
                    raise ValueError("not a JSON object")
                rsp = handle(qmp, req)
            except ValueError as e:
                rsp = {"error": {"class": "NovaBadRequest", "desc": str(e)}}
            except EOFError:
                return 0
            write_atomic(os.path.join(args.dir, "rsp." + name[4:]), json.dumps(rsp) + "\n")
        # Events between requests (and noticing QEMU's exit).
        try:
            qmp.recv_msg(time.monotonic() + POLL, events_too=True)
        except EOFError:
            return 0


if __name__ == "__main__":
    sys.exit(main())

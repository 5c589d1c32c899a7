#!/usr/bin/env python3
"""Run a command and report its peak resident memory split by kind: anonymous (heap, buffers)
and file-backed (pages of the executable and libraries mapped in), sampled from
/proc/PID/status every half millisecond (VmHWM, the exact peak, comes from the kernel; RssAnon and
RssFile are those of the sample with the highest VmRSS, so they may miss the peak by a little).

Usage: scripts/rss-split.py LABEL COMMAND [ARG...]   prints "LABEL peak N MB: anon A MB, file F MB"
"""
import subprocess
import sys
import time

FIELDS = ('VmHWM', 'VmRSS', 'RssAnon', 'RssFile')


def sample(pid: int) -> dict:
    with open(f'/proc/{pid}/status') as f:
        return {l.split(':')[0]: int(l.split()[1]) for l in f if l.startswith(FIELDS)}


def main() -> None:
    label, cmd = sys.argv[1], sys.argv[2:]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    best: dict = {}
    hwm = 0
    while p.poll() is None:
        try:
            d = sample(p.pid)
        except (OSError, ValueError, IndexError):
            break
        hwm = max(hwm, d.get('VmHWM', 0))
        if d.get('VmRSS', 0) > best.get('VmRSS', 0):
            best = d
        time.sleep(0.0005)
    mb = lambda kb: kb // 1024
    print(f"{label} peak {mb(hwm)} MB: anon {mb(best.get('RssAnon', 0))} MB, file {mb(best.get('RssFile', 0))} MB")
    sys.exit(p.returncode)


if __name__ == '__main__':
    main()

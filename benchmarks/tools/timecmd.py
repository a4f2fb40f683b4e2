#!/usr/bin/env python3
"""Time a command (no shell) and report its peak RSS.

usage: timecmd.py [--runs N] [--warmup W] -- CMD [ARGS...]

Runs CMD W times untimed, then N times timed, with stdout sent to /dev/null
(stderr passes through).  Wall clock is measured with time.perf_counter();
peak RSS comes from os.wait4()'s rusage (on Linux this includes any
descendants the command waited for).  Prints one line to stdout:

    best=<s> mean=<s> max_rss_kb=<KiB> runs=<N>

Exits with the command's status if any run fails.  Used by km/run.sh when
hyperfine is not installed, and always for the peak-RSS column.
"""

import os
import subprocess
import sys
import time


def run_once(argv):
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss
    if sys.platform == "darwin":  # bytes on macOS, KiB on Linux
        rss //= 1024
    return proc.returncode, wall, rss


def main() -> int:
    args = sys.argv[1:]
    runs, warmup = 3, 0
    while args and args[0] != "--":
        opt = args.pop(0)
        if opt == "--runs":
            runs = int(args.pop(0))
        elif opt == "--warmup":
            warmup = int(args.pop(0))
        else:
            print(f"timecmd.py: unknown option {opt}", file=sys.stderr)
            return 2
    if not args or args[0] != "--" or len(args) < 2 or runs < 1:
        print(__doc__, file=sys.stderr)
        return 2
    argv = args[1:]
    times, peak = [], 0
    for i in range(warmup + runs):
        rc, wall, rss = run_once(argv)
        if rc != 0:
            print(f"timecmd.py: command failed with status {rc}: {argv}", file=sys.stderr)
            return rc if rc > 0 else 1
        peak = max(peak, rss)
        if i >= warmup:
            times.append(wall)
    print(f"best={min(times):.4f} mean={sum(times) / len(times):.4f} "
          f"max_rss_kb={peak} runs={runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

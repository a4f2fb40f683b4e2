#!/usr/bin/env python3
"""Time a command (no shell) and report its peak RSS.

usage: timecmd.py [--runs N] [--warmup W] [--timeout S] [--stdout FILE] -- CMD [ARGS...]

Runs CMD W times untimed, then N times timed, with stdout sent to /dev/null
(or, with --stdout, to FILE, overwritten on every run); stderr passes
through.  Wall clock is measured with time.perf_counter(); peak RSS comes
from os.wait4()'s rusage (on Linux this includes any descendants the command
waited for).  Prints one line to stdout:

    best=<s> mean=<s> max_rss_kb=<KiB> runs=<N>

With --timeout S (seconds, > 0) the command runs in its own session and its
whole process group is killed (SIGKILL) after S seconds of any one run; the
script then prints ``timed_out=<S>`` and exits with status 124.

Exits with the command's status if any run fails.  Used by benchmarks/lib.sh
for the first (sanity) run of every tool -- wall time, peak RSS, output --
and for the timed runs when hyperfine is not installed.
"""

import os
import signal
import subprocess
import sys
import threading
import time


def run_once(argv, timeout, stdout_path):
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, start_new_session=timeout > 0)
        fired = []
        timer = None
        if timeout > 0:
            def kill():
                fired.append(True)
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            timer = threading.Timer(timeout, kill)
            timer.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if timer is not None:
            timer.cancel()
    finally:
        if stdout_path:
            out.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss
    if sys.platform == "darwin":  # bytes on macOS, KiB on Linux
        rss //= 1024
    return proc.returncode, wall, rss, bool(fired)


def main() -> int:
    args = sys.argv[1:]
    runs, warmup, timeout, stdout_path = 3, 0, 0.0, None
    while args and args[0] != "--":
        opt = args.pop(0)
        if not args:
            print(f"timecmd.py: option {opt} needs a value", file=sys.stderr)
            return 2
        if opt == "--runs":
            runs = int(args.pop(0))
        elif opt == "--warmup":
            warmup = int(args.pop(0))
        elif opt == "--timeout":
            timeout = float(args.pop(0))
        elif opt == "--stdout":
            stdout_path = args.pop(0)
        else:
            print(f"timecmd.py: unknown option {opt}", file=sys.stderr)
            return 2
    if not args or args[0] != "--" or len(args) < 2 or runs < 1:
        print(__doc__, file=sys.stderr)
        return 2
    argv = args[1:]
    times, peak = [], 0
    for i in range(warmup + runs):
        rc, wall, rss, timed_out = run_once(argv, timeout, stdout_path)
        peak = max(peak, rss)
        if timed_out:
            print(f"timed_out={timeout:g} max_rss_kb={peak}")
            print(f"timecmd.py: killed after {timeout:g} s: {argv}", file=sys.stderr)
            return 124
        if rc != 0:
            print(f"timecmd.py: command failed with status {rc}: {argv}", file=sys.stderr)
            return rc if rc > 0 else 1
        if i >= warmup:
            times.append(wall)
    print(f"best={min(times):.4f} mean={sum(times) / len(times):.4f} "
          f"max_rss_kb={peak} runs={runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Peer implementation for the Kaplan-Meier benchmark: Python lifelines.

usage: python3 peer_lifelines.py DATA.csv [--print]

Reads DATA with pandas, fits a ``KaplanMeierFitter`` per group (lifelines
computes the survival function and its 95% exponential-Greenwood confidence
interval at fit time, as survkit does), extracts the median survival time and
its confidence interval per group, and formats the full curves (survival
function + CI for every time point) into /dev/null so the output work is
comparable to ``survkit km --format json``.

Internal timings (seconds) go to stderr as one line:
    peer_lifelines: import=... read=... fit=... summary=... total=...
With --print the per-group medians are printed to stdout.
"""

import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402
from lifelines import KaplanMeierFitter  # noqa: E402
from lifelines.utils import median_survival_times  # noqa: E402

t_import = time.perf_counter()


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--print"]
    do_print = "--print" in sys.argv[1:]
    if len(args) != 1:
        print("usage: python3 peer_lifelines.py DATA.csv [--print]", file=sys.stderr)
        return 2

    t1 = time.perf_counter()
    df = pd.read_csv(args[0], dtype={"time": "float64", "status": "int64", "group": "str"})
    t_read = time.perf_counter()

    fits = {}
    for name, sub in df.groupby("group", sort=True):
        kmf = KaplanMeierFitter(alpha=0.05)
        kmf.fit(sub["time"], event_observed=sub["status"], label=str(name))
        fits[name] = kmf
    t_fit = time.perf_counter()

    rows = []
    with open("/dev/null", "w") as devnull:
        for name, kmf in fits.items():
            med = kmf.median_survival_time_
            ci = median_survival_times(kmf.confidence_interval_)
            rows.append((name, int(kmf.event_table["observed"].sum()),
                         int(kmf.event_table["at_risk"].iloc[0]),
                         med, float(ci.iloc[0, 0]), float(ci.iloc[0, 1])))
            curve = kmf.survival_function_.join(kmf.confidence_interval_)
            devnull.write(curve.to_string())
    t_sum = time.perf_counter()

    if do_print:
        print(f"{'group':<6}{'n':>9}{'events':>9}{'median':>9}{'lower':>9}{'upper':>9}")
        for name, ev, n, med, lo, hi in rows:
            print(f"{name:<6}{n:>9}{ev:>9}{med:>9.2f}{lo:>9.2f}{hi:>9.2f}")

    print(f"peer_lifelines: import={t_import - t0:.3f} read={t_read - t1:.3f} "
          f"fit={t_fit - t_read:.3f} summary={t_sum - t_fit:.3f} "
          f"total={t_sum - t0:.3f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Peer for the SurvivalKit benchmarks: Python lifelines.

usage: python3 py_lifelines.py CAPABILITY DATA.csv      CAPABILITY: km, logrank, cox

Imports pandas + lifelines, reads DATA with ``pandas.read_csv``, then

km
    one ``KaplanMeierFitter`` per group (survival function and its 95%
    exponential-Greenwood CI are computed at fit, as survkit does); prints
    per-group n / events / median / median CI to stdout and formats every
    curve + CI into /dev/null (work comparable to ``survkit km --format json``).
logrank
    ``multivariate_logrank_test(df.time, df.group, df.status)``; prints
    ``chisq=... df=... p=...``.
cox
    ``CoxPHFitter().fit(df[time, status, x1..xK], 'time', 'status')``
    (lifelines handles tied times with Efron's method); prints params (coef)
    and standard errors per covariate and ``loglik=...``.  The string column
    ``group`` is dropped: lifelines would otherwise try to use it as a
    covariate.

Internal timings (seconds) go to stderr as one line:
    peer_lifelines[CAP]: import=... read=... fit=... output=... total=...
"""

import re
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402
from lifelines import CoxPHFitter, KaplanMeierFitter  # noqa: E402
from lifelines.statistics import multivariate_logrank_test  # noqa: E402
from lifelines.utils import median_survival_times  # noqa: E402

t_import = time.perf_counter()


def km_fit(df):
    fits = {}
    for name, sub in df.groupby("group", sort=True):
        kmf = KaplanMeierFitter(alpha=0.05)
        kmf.fit(sub["time"], event_observed=sub["status"], label=str(name))
        fits[name] = kmf
    return fits


def km_output(fits):
    print(f"{'group':<6}{'n':>9}{'events':>9}{'median':>9}{'lower':>9}{'upper':>9}")
    with open("/dev/null", "w") as devnull:
        for name, kmf in fits.items():
            ci = median_survival_times(kmf.confidence_interval_)
            print(f"{name:<6}{int(kmf.event_table['at_risk'].iloc[0]):>9}"
                  f"{int(kmf.event_table['observed'].sum()):>9}"
                  f"{kmf.median_survival_time_:>9.2f}"
                  f"{float(ci.iloc[0, 0]):>9.2f}{float(ci.iloc[0, 1]):>9.2f}")
            devnull.write(kmf.survival_function_.join(kmf.confidence_interval_).to_string())


def logrank_fit(df):
    return multivariate_logrank_test(df["time"], df["group"], df["status"])


def logrank_output(res):
    dof = getattr(res, "degrees_of_freedom", "?")
    print(f"chisq={res.test_statistic:.6f} df={dof} p={res.p_value:.6g}")


def cox_fit(df):
    covs = [c for c in df.columns if re.fullmatch(r"x[0-9]+", c)]
    return CoxPHFitter().fit(df[["time", "status"] + covs], "time", "status")


def cox_output(cph):
    table = pd.DataFrame({"coef": cph.params_, "se": cph.standard_errors_})
    print(table.to_string(float_format=lambda v: f"{v:.6f}"))
    print(f"loglik={cph.log_likelihood_:.6f}")


CAPS = {"km": (km_fit, km_output),
        "logrank": (logrank_fit, logrank_output),
        "cox": (cox_fit, cox_output)}


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in CAPS:
        print("usage: python3 py_lifelines.py {km|logrank|cox} DATA.csv", file=sys.stderr)
        return 2
    cap, path = sys.argv[1], sys.argv[2]
    fit, output = CAPS[cap]

    t1 = time.perf_counter()
    df = pd.read_csv(path, dtype={"time": "float64", "status": "int64", "group": "str"})
    t_read = time.perf_counter()
    model = fit(df)
    t_fit = time.perf_counter()
    output(model)
    t_out = time.perf_counter()

    print(f"peer_lifelines[{cap}]: import={t_import - t0:.3f} read={t_read - t1:.3f} "
          f"fit={t_fit - t_read:.3f} output={t_out - t_fit:.3f} "
          f"total={t_out - t0:.3f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

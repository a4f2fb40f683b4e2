#!/usr/bin/env python3
"""Synthetic competing-risk / parametric data for the SurvivalKit benchmarks.

usage: gen_competing.py N -o FILE

CSV columns time,status,cause,group,x1,x2: three groups A/B/C; two covariates (standard
normal, 4 decimals); two latent Weibull event times (causes 1 and 2) whose scales depend on
group and covariates, and an exponential censoring time (~30 % censored). time = the minimum
(2 decimals, so heavily tied; at least 0.01), cause = 0 censored / 1 / 2, status = cause > 0.
Deterministic (numpy PCG64, seed 20261126).
"""
import argparse

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("n", type=int)
p.add_argument("-o", "--output", required=True)
a = p.parse_args()
rng = np.random.default_rng(20261126)
n = a.n
group = rng.integers(0, 3, n)
x1 = np.round(rng.standard_normal(n), 4)
x2 = np.round(rng.standard_normal(n), 4)
lp1 = 0.4 * x1 - 0.2 * x2 + np.array([0.0, 0.3, -0.2])[group]
lp2 = -0.3 * x1 + 0.1 * x2 + np.array([0.0, -0.2, 0.2])[group]
t1 = np.exp(2.0 - lp1) * rng.weibull(1.3, n)
t2 = np.exp(2.3 - lp2) * rng.weibull(0.9, n)
c = rng.exponential(18.0, n)
t = np.minimum(np.minimum(t1, t2), c)
cause = np.where(t == c, 0, np.where(t1 <= t2, 1, 2))
t = np.maximum(np.round(t, 2), 0.01)
with open(a.output, "w") as f:
    f.write("time,status,cause,group,x1,x2\n")
    labels = np.array(["A", "B", "C"])[group]
    for row in zip(t, (cause > 0).astype(int), cause, labels, x1, x2):
        f.write("%.2f,%d,%d,%s,%.4f,%.4f\n" % row)

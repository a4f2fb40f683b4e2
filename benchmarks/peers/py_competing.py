#!/usr/bin/env python3
"""Peer for the competing-risk / parametric benchmarks: Python lifelines.

usage: py_competing.py CAPABILITY DATA.csv     CAPABILITY: cif, aft, rmst
  cif   AalenJohansenFitter per group and cause (lifelines has no Gray test or Fine-Gray)
  aft   WeibullAFTFitter on time, status ~ x1 + x2 + group dummies
  rmst  KaplanMeierFitter per group and restricted_mean_survival_time(return_variance=True)
"""
import sys
import warnings

import pandas as pd
from lifelines import AalenJohansenFitter, KaplanMeierFitter, WeibullAFTFitter
from lifelines.utils import restricted_mean_survival_time

warnings.simplefilter("ignore")
cap, path = sys.argv[1], sys.argv[2]
df = pd.read_csv(path, dtype={"group": str})
if cap == "cif":
    for g, d in df.groupby("group"):
        for k in (1, 2):
            ajf = AalenJohansenFitter(calculate_variance=True)
            ajf.fit(d["time"], d["cause"], event_of_interest=k)
            print(g, k, float(ajf.cumulative_density_.iloc[-1, 0]))
elif cap == "aft":
    X = pd.get_dummies(df[["time", "status", "x1", "x2", "group"]], columns=["group"],
                       drop_first=True, dtype=float)
    f = WeibullAFTFitter().fit(X, "time", "status")
    print(f.params_)
elif cap == "rmst":
    tau = df.groupby("group")["time"].max().min()
    for g, d in df.groupby("group"):
        km = KaplanMeierFitter().fit(d["time"], d["status"])
        print(g, restricted_mean_survival_time(km, t=tau, return_variance=True))

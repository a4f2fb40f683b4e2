"""lifelines peer for the Cox toolbox benchmark: python3 peers.py {predict|residuals} DATA OUT

predict:   CoxPHFitter().fit(df[time, status, x1..x3]) (Efron ties), then
           predict_survival_function of the profile x = 0 (lifelines gives no SE for it).
residuals: the same fit, compute_residuals(df, "delta_beta") (lifelines' dfbeta).
"""
import sys

import pandas as pd
from lifelines import CoxPHFitter

kind, path, out = sys.argv[1:4]
df = pd.read_csv(path, usecols=["time", "status", "x1", "x2", "x3"])
cph = CoxPHFitter().fit(df, "time", "status")
if kind == "predict":
    sf = cph.predict_survival_function(pd.DataFrame({"x1": [0.0], "x2": [0.0], "x3": [0.0]}))
    sf.to_csv(out)
    print(sf.iloc[[0, -1]])
else:
    r = cph.compute_residuals(df, "delta_beta")
    r.to_csv(out)
    print(r.sum())

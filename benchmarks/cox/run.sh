#!/usr/bin/env bash
# Cox proportional hazards end-to-end benchmark: survkit vs R survival vs
# Python lifelines, 10 covariates, tied event times (Efron).
#
# usage: bash benchmarks/cox/run.sh [N ...]     (rows; default 100000 1000000)
#
# survkit cox DATA "Surv(time, status) ~ x1 + ... + x10" --format json
#   vs coxph(..., ties = "efron") and CoxPHFitter().fit(df, 'time', 'status')
#   (benchmarks/peers/).  Data: benchmarks/data/cox_<N>_k10.csv
#   (gen_data.py --covariates 10; times rounded to 2 decimals, so heavily tied).
# Driver, environment overrides and method: benchmarks/lib.sh, README.md.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
[ "$#" -gt 0 ] || set -- 100000 1000000
bench_main cox "Cox PH (Efron ties), N = {n:,} rows, 10 covariates" \
  "Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10" \
  "cox_%N%_k10.csv" "--covariates 10" "$@"

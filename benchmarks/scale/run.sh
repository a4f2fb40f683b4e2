#!/usr/bin/env bash
# Scale benchmark (issue: 1e7 rows in seconds and little memory): Kaplan–Meier, log-rank and
# Cox (Efron, 10 covariates) end to end on the SAME 13-column file (time, status, group,
# x1..x10), so the readers must skip the columns a model does not use, beside R survival and
# lifelines. Reports wall time and peak resident memory of each tool.
#
# usage: bash benchmarks/scale/run.sh [N ...]     (rows; default 10000000)
#   The data file benchmarks/data/cox_<N>_k10.csv (about 840 MB at 1e7 rows) is generated
#   by benchmarks/gen_data.py when missing. Goals at 1e7 rows: KM and log-rank under 1.5 s
#   and 1 GiB, Cox under 6 s and 2 GiB; at 1e6 rows, at most 0.1 of the faster peer's time.
#   RUNS, WARMUP, SLOW, TIMEOUT as in benchmarks/lib.sh (defaults RUNS=1 WARMUP=0 here).
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
[ "$#" -gt 0 ] || set -- 10000000
export RUNS="${RUNS:-1}" WARMUP="${WARMUP:-0}"
# survkit's own phase times (read, sample, fit, output) are shown under its first run.
export SURVKIT_TIMINGS=1
bench_main km "Kaplan-Meier on the 13-column file, N = {n:,} rows, 3 groups" \
  "Surv(time, status) ~ group" "cox_%N%_k10.csv" "--covariates 10" "$@"
bench_main logrank "log-rank on the 13-column file, N = {n:,} rows, 3 groups" \
  "Surv(time, status) ~ group" "cox_%N%_k10.csv" "--covariates 10" "$@"
bench_main cox "Cox (Efron) on the 13-column file, N = {n:,} rows x 10 covariates" \
  "Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10" \
  "cox_%N%_k10.csv" "--covariates 10" "$@"

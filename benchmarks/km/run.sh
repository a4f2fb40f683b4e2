#!/usr/bin/env bash
# Kaplan-Meier end-to-end benchmark: survkit vs R survival vs Python lifelines.
#
# usage: bash benchmarks/km/run.sh [N ...]     (rows; default 1000000)
#
# survkit km DATA "Surv(time, status) ~ group" --format json
#   vs survfit(Surv(time, status) ~ group) and one KaplanMeierFitter per group
#   (benchmarks/peers/).  Data: benchmarks/data/km_<N>.csv (3 groups).
# Driver, environment overrides and method: benchmarks/lib.sh, README.md.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
[ "$#" -gt 0 ] || set -- 1000000
bench_main km "Kaplan-Meier, N = {n:,} rows, 3 groups" \
  "Surv(time, status) ~ group" "km_%N%.csv" "" "$@"

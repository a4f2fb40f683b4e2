#!/usr/bin/env bash
# Log-rank test end-to-end benchmark: survkit vs R survival vs Python lifelines.
#
# usage: bash benchmarks/logrank/run.sh [N ...]     (rows; default 1000000)
#
# survkit logrank DATA "Surv(time, status) ~ group" --format json
#   vs survdiff(Surv(time, status) ~ group) and
#   multivariate_logrank_test(df.time, df.group, df.status) (benchmarks/peers/).
#   Data: benchmarks/data/km_<N>.csv (3 groups, the Kaplan-Meier data).
# Driver, environment overrides and method: benchmarks/lib.sh, README.md.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
[ "$#" -gt 0 ] || set -- 1000000
bench_main logrank "Log-rank test, N = {n:,} rows, 3 groups" \
  "Surv(time, status) ~ group" "km_%N%.csv" "" "$@"

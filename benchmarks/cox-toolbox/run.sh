#!/usr/bin/env bash
# Cox toolbox benchmark (issue 11): predicted survival for a covariate profile
# (with its SE, as R's survfit(coxfit, newdata)) and dfbeta residuals, at
# N rows (default 1,000,000), survkit vs R survival vs lifelines.
#
# usage: bash benchmarks/cox-toolbox/run.sh [N]
#        (environment: RUNS=3, TIMEOUT=1200 seconds per run, TASKS="predict residuals")
#
# Data: benchmarks/data/cox_<N>_k3.csv (gen_data.py --covariates 3; times with
# 2 decimals, heavily tied). Each tool runs end to end (read, fit, compute,
# write the result to a file) once per RUNS (default 3); best wall clock.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-1000000}"
RUNS="${RUNS:-3}"
TIMEOUT="${TIMEOUT:-1200}"   # seconds per run; a tool still running then is killed and reported
SURVKIT="${SURVKIT:-$ROOT/.build/release/survkit}"
DATA="$ROOT/benchmarks/data/cox_${N}_k3.csv"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/survkit-toolbox.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
mkdir -p "$ROOT/benchmarks/data"
[ -s "$DATA" ] || python3 "$ROOT/benchmarks/gen_data.py" "$N" --covariates 3 -o "$DATA" >/dev/null
[ -x "$SURVKIT" ] || (cd "$ROOT" && swift build -c release --product survkit >/dev/null)
FORMULA="Surv(time, status) ~ x1 + x2 + x3"
best() { # label command...
  local label="$1"; shift
  local line
  local rc=0
  line="$(python3 "$ROOT/benchmarks/tools/timecmd.py" --runs "$RUNS" --warmup 0 \
    --timeout "$TIMEOUT" -- "$@")" || rc=$?
  if [ "$rc" -eq 124 ]; then echo "$label: not finished after ${TIMEOUT}s (killed)"; return 0; fi
  if [ "$rc" -ne 0 ]; then echo "$label: failed (exit status $rc)"; return 0; fi
  echo "$label: $line"
}
echo "data: $DATA ($N rows)"
for task in ${TASKS:-predict residuals}; do
  echo "== $task"
  if [ "$task" = predict ]; then
    best "survkit" "$SURVKIT" cox "$DATA" "$FORMULA" --predict "x1=0,x2=0,x3=0" \
      --format csv
  else
    best "survkit" "$SURVKIT" cox "$DATA" "$FORMULA" --residuals dfbeta --format csv
  fi
  best "R survival" Rscript "$HERE/peers.R" "$task" "$DATA" "$OUT/r.csv"
  if python3 -c "import lifelines" 2>/dev/null; then
    best "lifelines" python3 "$HERE/peers.py" "$task" "$DATA" "$OUT/py.csv"
  fi
done

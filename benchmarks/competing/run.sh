#!/usr/bin/env bash
# Competing risks, Fine-Gray, parametric (AFT) and RMST-contrast benchmarks: survkit beside R
# survival / cmprsk and Python lifelines (where it has the method), end to end.
#
# usage: bash benchmarks/competing/run.sh [N [N_FINEGRAY]]   (rows; default 1000000, 10000)
#
# Fine-Gray runs on N_FINEGRAY rows: R's crr has an O(n^2) variance and finegray() expands the
# data by the number of event times (at 1e5 rows it ran out of memory after 12 minutes here),
# so neither peer finishes at 1e6; survkit's Fine-Gray is also timed at N.
#
# Data: benchmarks/data/competing_<N>.csv from gen_competing.py (3 groups, 2 causes, ~30 %
# censored, times with 2 decimals). Each job runs once after one warm-up (RUNS, WARMUP to
# change) through tools/timecmd.py; peak RSS in MiB. Jobs a peer cannot do are marked "-".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(cd "$here/.." && pwd)"
root="$(cd "$bench/.." && pwd)"
n="${1:-1000000}"
nfg="${2:-10000}"
RUNS="${RUNS:-1}"; WARMUP="${WARMUP:-1}"; TIMEOUT="${TIMEOUT:-900}"
SURVKIT="${SURVKIT:-$root/.build/release/survkit}"
PYTHON="${PYTHON:-python3}"; RSCRIPT="${RSCRIPT:-Rscript}"
data="$bench/data/competing_${n}.csv"
mkdir -p "$bench/data"
[ -s "$data" ] || "$PYTHON" "$here/gen_competing.py" "$n" -o "$data"
fgdata="$bench/data/competing_${nfg}.csv"
[ -s "$fgdata" ] || "$PYTHON" "$here/gen_competing.py" "$nfg" -o "$fgdata"
echo "data: $data ($(wc -l < "$data") lines)"
time_it() { # LABEL CMD...
  local label="$1"; shift
  local out
  if out="$("$PYTHON" "$bench/tools/timecmd.py" --runs "$RUNS" --warmup "$WARMUP" --timeout "$TIMEOUT" -- "$@" 2>/dev/null)"; then
    local best rss
    best="$(sed -n 's/.*best=\([0-9.]*\).*/\1/p' <<< "$out")"
    rss="$(sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p' <<< "$out")"
    printf '%s\t%s\t%s\n' "$label" "$best" "$(( (rss + 512) / 1024 ))"
  else
    printf '%s\tfailed\t-\n' "$label"
  fi
}
{
  time_it "cif survkit" "$SURVKIT" cif "$data" "Surv(time, cause) ~ group" --format json
  time_it "cif R survfit" "$RSCRIPT" "$bench/peers/r_competing.R" cif "$data"
  time_it "cif R cuminc" "$RSCRIPT" "$bench/peers/r_competing.R" gray "$data"
  time_it "cif lifelines" "$PYTHON" "$bench/peers/py_competing.py" cif "$data"
  time_it "finegray survkit (N)" "$SURVKIT" finegray "$data" "Surv(time, cause) ~ x1 + x2 + group" --cause 1 --format json
  time_it "finegray survkit (N_FINEGRAY)" "$SURVKIT" finegray "$fgdata" "Surv(time, cause) ~ x1 + x2 + group" --cause 1 --format json
  time_it "finegray R crr (N_FINEGRAY)" "$RSCRIPT" "$bench/peers/r_competing.R" crr "$fgdata"
  time_it "finegray R finegray+coxph (N_FINEGRAY)" "$RSCRIPT" "$bench/peers/r_competing.R" finegray "$fgdata"
  time_it "aft survkit" "$SURVKIT" aft "$data" "Surv(time, status) ~ x1 + x2 + group" --format json
  time_it "aft R survreg" "$RSCRIPT" "$bench/peers/r_competing.R" aft "$data"
  time_it "aft lifelines" "$PYTHON" "$bench/peers/py_competing.py" aft "$data"
  time_it "rmst survkit" "$SURVKIT" km "$data" "Surv(time, status) ~ group" --contrast --format json
  time_it "rmst R survfit" "$RSCRIPT" "$bench/peers/r_competing.R" rmst "$data"
  time_it "rmst lifelines" "$PYTHON" "$bench/peers/py_competing.py" rmst "$data"
} | tee "$bench/data/competing_${n}_results.tsv"

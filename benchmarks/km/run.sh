#!/usr/bin/env bash
# Kaplan-Meier end-to-end benchmark: survkit vs R survival vs Python lifelines.
#
# usage: bash benchmarks/km/run.sh [N]        (N rows, default 1000000)
#
# Environment overrides:
#   SURVKIT=path     survkit binary (default: <repo>/.build/release/survkit,
#                    built with `swift build -c release --product survkit`
#                    if missing)
#   SKIP_SURVKIT=1   time only the peers (no survkit build/run, no ratio)
#   RUNS=3           timed runs per tool (best is reported)
#   WARMUP=1         untimed warm-up runs per tool
#   RSCRIPT=Rscript  PYTHON=python3
#
# Each tool is run end to end (process start, CSV read, fit, output) with
# stdout to /dev/null.  Wall clock: best of $RUNS via hyperfine if installed,
# otherwise via tools/timecmd.py.  Peak RSS: one extra run via timecmd.py
# (os.wait4 rusage).  The table is also saved to benchmarks/data/.
set -euo pipefail

N="${1:-1000000}"
case "$N" in
  ''|*[!0-9]*) echo "usage: bash benchmarks/km/run.sh [N]" >&2; exit 2 ;;
esac
RUNS="${RUNS:-3}"
WARMUP="${WARMUP:-1}"
RSCRIPT="${RSCRIPT:-Rscript}"
PYTHON="${PYTHON:-python3}"
SKIP_SURVKIT="${SKIP_SURVKIT:-0}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH="$(cd "$HERE/.." && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
DATA="$BENCH/data/km_${N}.csv"
FORMULA="Surv(time, status) ~ group"
TIMECMD="$BENCH/tools/timecmd.py"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/survkit-km-bench.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

command -v "$PYTHON" >/dev/null 2>&1 || { echo "error: $PYTHON not found (needed for data generation and timing)" >&2; exit 1; }

# ---------------------------------------------------------------- data
if [ ! -s "$DATA" ]; then
  echo "== generating $DATA"
  "$PYTHON" "$BENCH/gen_data.py" "$N" -o "$DATA" >/dev/null
fi

# ---------------------------------------------------------------- tools
# Parallel arrays: display name, command (argv joined by NUL-free \x1f).
NAMES=()
CMDS=()
add_tool() { # name argv...
  local name="$1"; shift
  local IFS=$'\x1f'
  NAMES+=("$name")
  CMDS+=("$*")
}

if [ "$SKIP_SURVKIT" != "1" ]; then
  if [ -z "${SURVKIT:-}" ]; then
    SURVKIT="$ROOT/.build/release/survkit"
    if [ ! -x "$SURVKIT" ]; then
      command -v swift >/dev/null 2>&1 || { echo "error: $SURVKIT missing and swift not found" >&2; exit 1; }
      echo "== $SURVKIT not found; building release binary"
      (cd "$ROOT" && swift build -c release --product survkit)
    fi
  fi
  [ -x "$SURVKIT" ] || { echo "error: survkit binary not found at $SURVKIT" >&2; exit 1; }
  add_tool "survkit" "$SURVKIT" km "$DATA" "$FORMULA" --format json
fi

if command -v "$RSCRIPT" >/dev/null 2>&1 \
   && "$RSCRIPT" -e 'quit(status = !requireNamespace("survival", quietly = TRUE))' >/dev/null 2>&1; then
  add_tool "R survival" "$RSCRIPT" "$HERE/peer_r.R" "$DATA"
else
  echo "-- skipping R survival: Rscript or the 'survival' package is not available" >&2
fi

if "$PYTHON" -c 'import lifelines' >/dev/null 2>&1; then
  add_tool "lifelines" "$PYTHON" "$HERE/peer_lifelines.py" "$DATA"
else
  echo "-- skipping lifelines: python package 'lifelines' is not installed" >&2
fi

if [ "${#NAMES[@]}" -eq 0 ]; then
  echo "error: nothing to benchmark" >&2
  exit 1
fi

# ---------------------------------------------------------------- env info
echo "== environment"
echo "data:     $DATA ($(wc -l < "$DATA" | tr -d ' ') lines, $(du -h "$DATA" | cut -f1))"
echo "host:     $(uname -sm), $("$PYTHON" -c 'import os; print(os.cpu_count())') CPUs"
if [ "$SKIP_SURVKIT" != "1" ]; then
  echo "survkit:  $SURVKIT ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no git'))"
fi
if command -v "$RSCRIPT" >/dev/null 2>&1; then
  "$RSCRIPT" -e 'cat(R.version.string, "| survival", format(packageVersion("survival")),
      "| data.table", if (requireNamespace("data.table", quietly = TRUE))
      format(packageVersion("data.table")) else "absent (read.csv)", "\n")' 2>/dev/null \
    | sed 's/^/R:        /' || true
fi
"$PYTHON" -c 'import sys
def ver(mod):
    try:
        return __import__(mod).__version__
    except ImportError:
        return "absent"
print("python:   %s | pandas %s | lifelines %s" % (sys.version.split()[0], ver("pandas"), ver("lifelines")))'
if command -v hyperfine >/dev/null 2>&1; then
  echo "timer:    $(hyperfine --version), best of $RUNS after $WARMUP warm-up"
else
  echo "timer:    tools/timecmd.py, best of $RUNS after $WARMUP warm-up"
fi

# ---------------------------------------------------------------- run
BEST=()
MEAN=()
RSS=()
KEEP_NAMES=()
for i in "${!NAMES[@]}"; do
  name="${NAMES[$i]}"
  IFS=$'\x1f' read -r -a argv <<< "${CMDS[$i]}"
  echo "== $name"

  # Sanity run (also shows the tool's own internal timings on stderr).
  if ! "${argv[@]}" > /dev/null; then
    if [ "$name" = "survkit" ]; then
      echo "error: survkit failed on $DATA" >&2
      exit 1
    fi
    echo "-- skipping $name: command failed" >&2
    continue
  fi

  if command -v hyperfine >/dev/null 2>&1; then
    cmdline="$(printf '%q ' "${argv[@]}")"
    hyperfine --style basic --runs "$RUNS" --warmup "$WARMUP" \
      --export-json "$TMP/h.json" "$cmdline > /dev/null" 2>/dev/null >/dev/null
    read -r best mean < <("$PYTHON" -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.4f %.4f" % (min(r["times"]), r["mean"]))' "$TMP/h.json")
    rss="$("$PYTHON" "$TIMECMD" --runs 1 -- "${argv[@]}" 2>/dev/null | sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p')"
  else
    out="$("$PYTHON" "$TIMECMD" --runs "$RUNS" --warmup "$WARMUP" -- "${argv[@]}" 2>/dev/null)"
    best="$(sed -n 's/.*best=\([0-9.]*\).*/\1/p' <<< "$out")"
    mean="$(sed -n 's/.*mean=\([0-9.]*\).*/\1/p' <<< "$out")"
    rss="$(sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p' <<< "$out")"
  fi
  echo "   best ${best}s  mean ${mean}s  peak RSS $((${rss:-0} / 1024)) MiB"
  KEEP_NAMES+=("$name"); BEST+=("$best"); MEAN+=("$mean"); RSS+=("${rss:-0}")
done

# ---------------------------------------------------------------- report
RESULT="$BENCH/data/km_${N}_results.md"
"$PYTHON" - "$N" "$RUNS" "${#KEEP_NAMES[@]}" "${KEEP_NAMES[@]}" "${BEST[@]}" "${MEAN[@]}" "${RSS[@]}" <<'PY' | tee "$RESULT"
import sys
n, runs, k = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rest = sys.argv[4:]
names, best, mean, rss = rest[:k], rest[k:2*k], rest[2*k:3*k], rest[3*k:4*k]
best = [float(x) for x in best]; mean = [float(x) for x in mean]; rss = [int(x) for x in rss]
print()
print(f"Kaplan-Meier, N = {n:,} rows, 3 groups (end to end, best of {runs})")
print()
print(f"| {'tool':<12} | {'best (s)':>9} | {'mean (s)':>9} | {'peak RSS (MiB)':>14} | {'vs survkit':>10} |")
print(f"|{'-'*14}|{'-'*11}|{'-'*11}|{'-'*16}|{'-'*12}|")
sk = best[names.index("survkit")] if "survkit" in names else None
for nm, b, m, r in zip(names, best, mean, rss):
    rel = f"{b / sk:.2f}x" if sk else "-"
    print(f"| {nm:<12} | {b:>9.3f} | {m:>9.3f} | {r / 1024:>14.0f} | {rel:>10} |")
peers = [(b, nm) for nm, b in zip(names, best) if nm != "survkit"]
print()
if sk is not None and peers:
    pb, pn = min(peers)
    print(f"survkit / fastest peer ({pn}): {sk / pb:.3f}  "
          f"({'survkit faster' if sk < pb else 'peer faster'}; < 1 means survkit is faster)")
elif sk is None:
    print("survkit not run (SKIP_SURVKIT=1): no ratio")
else:
    print("no peer available: no ratio")
PY
echo
echo "(saved to $RESULT)"

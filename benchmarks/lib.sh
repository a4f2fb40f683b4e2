# shellcheck shell=bash
# Shared driver for the end-to-end benchmarks: survkit vs R `survival` vs
# Python `lifelines`.  Sourced by benchmarks/<capability>/run.sh, which only
# declares what to run and then calls
#
#   bench_main CAP TITLE FORMULA DATA_PATTERN GEN_OPTS N [N ...]
#
#   CAP           survkit subcommand and peer capability (km, logrank, cox)
#   TITLE         table title, a Python format string with {n} (row count)
#   FORMULA       survkit formula ("Surv(time, status) ~ group")
#   DATA_PATTERN  data file name under benchmarks/data/, %N% = row count
#   GEN_OPTS      extra gen_data.py options used when the file is missing
#   N ...         row counts; one table per N
#
# For every N the tools are run end to end as separate processes, stdout to
# /dev/null:
#   survkit     $SURVKIT CAP DATA FORMULA --format json
#   R survival  $RSCRIPT benchmarks/peers/r_survival.R CAP DATA
#   lifelines   $PYTHON  benchmarks/peers/py_lifelines.py CAP DATA
#
# Environment overrides:
#   SURVKIT=path       survkit binary (default <repo>/.build/release/survkit,
#                      built with `swift build -c release --product survkit`
#                      only if that default is missing; an explicit SURVKIT
#                      is never built)
#   SKIP_SURVKIT=1     time only the peers
#   SKIP_PEERS=1       time only survkit (no ratio; for sizes where the peers take minutes)
#   REQUIRE_SURVKIT=1  exit 1 (after the peers) if survkit is unavailable or
#                      fails; by default that is reported and the peers are
#                      still timed
#   RUNS=3 WARMUP=1    timed / untimed runs per tool (best and mean reported)
#   SLOW=60            a tool whose first run takes longer than SLOW seconds
#                      is not repeated: that single run is reported
#   TIMEOUT=900        kill a tool's first run after TIMEOUT seconds
#   RSCRIPT=Rscript PYTHON=python3
#
# Per tool: one first ("sanity") run via tools/timecmd.py gives its exit
# status, own phase timings (stderr), result (stdout, shown when short) and
# peak RSS; then best/mean wall clock of RUNS runs after WARMUP via hyperfine
# if installed, else via timecmd.py.  The table goes to stdout and to
# benchmarks/data/<CAP>_<N>_results.md.

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
TIMECMD="$BENCH/tools/timecmd.py"
PEERS="$BENCH/peers"

RUNS="${RUNS:-3}"
WARMUP="${WARMUP:-1}"
SLOW="${SLOW:-60}"
TIMEOUT="${TIMEOUT:-900}"
RSCRIPT="${RSCRIPT:-Rscript}"
PYTHON="${PYTHON:-python3}"
SKIP_SURVKIT="${SKIP_SURVKIT:-0}"
SKIP_PEERS="${SKIP_PEERS:-0}"
REQUIRE_SURVKIT="${REQUIRE_SURVKIT:-0}"

bench_die() { echo "error: $*" >&2; exit 1; }

bench_is_count() { # STRING -> status 0 if a non-negative integer
  case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac
}

# Sets SURVKIT (binary) or SURVKIT_MISSING (why survkit will not be run).
bench_resolve_survkit() {
  SURVKIT_MISSING=""
  if [ "$SKIP_SURVKIT" = "1" ]; then
    SURVKIT_MISSING="skipped (SKIP_SURVKIT=1)"
  elif [ -n "${SURVKIT:-}" ]; then
    [ -x "$SURVKIT" ] || SURVKIT_MISSING="no executable at SURVKIT=$SURVKIT"
  else
    SURVKIT="$ROOT/.build/release/survkit"
    if [ ! -x "$SURVKIT" ]; then
      if command -v swift >/dev/null 2>&1; then
        echo "== $SURVKIT not found; building release binary"
        if ! (cd "$ROOT" && swift build -c release --product survkit); then
          SURVKIT_MISSING="release build failed"
        fi
      else
        SURVKIT_MISSING="$SURVKIT missing and swift not found"
      fi
    fi
  fi
}

bench_resolve_peers() {
  R_MISSING=""
  LIFELINES_MISSING=""
  if ! command -v "$RSCRIPT" >/dev/null 2>&1; then
    R_MISSING="$RSCRIPT not found"
  elif ! "$RSCRIPT" -e 'quit(status = !requireNamespace("survival", quietly = TRUE))' >/dev/null 2>&1; then
    R_MISSING="R package 'survival' not installed"
  fi
  if ! "$PYTHON" -c 'import pandas, lifelines' >/dev/null 2>&1; then
    LIFELINES_MISSING="python packages 'pandas'/'lifelines' not installed"
  fi
}

bench_env_header() {
  echo "== environment"
  echo "host:     $(uname -sm), $("$PYTHON" -c 'import os; print(os.cpu_count())') CPUs"
  if [ -z "$SURVKIT_MISSING" ]; then
    local ver mtime
    ver="$("$SURVKIT" --version 2>/dev/null || echo '?')"
    mtime="$("$PYTHON" -c 'import os, sys, time
print(time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(sys.argv[1]))))' "$SURVKIT")"
    echo "survkit:  $SURVKIT (version $ver, built $mtime; repo HEAD $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no git'))"
  else
    echo "survkit:  not run: $SURVKIT_MISSING"
  fi
  if [ -z "$R_MISSING" ]; then
    "$RSCRIPT" -e 'cat(R.version.string, "| survival", format(packageVersion("survival")),
        "| data.table", if (requireNamespace("data.table", quietly = TRUE))
        format(packageVersion("data.table")) else "absent (read.csv)", "\n")' 2>/dev/null \
      | sed 's/^/R:        /' || true
  else
    echo "R:        not run: $R_MISSING"
  fi
  "$PYTHON" -c 'import sys
def ver(mod):
    try:
        return __import__(mod).__version__
    except ImportError:
        return "absent"
print("python:   %s | numpy %s | pandas %s | lifelines %s"
      % (sys.version.split()[0], ver("numpy"), ver("pandas"), ver("lifelines")))'
  if command -v hyperfine >/dev/null 2>&1; then
    echo "timer:    $(hyperfine --version), best of $RUNS after $WARMUP warm-up (single run if the first takes > ${SLOW}s; timeout ${TIMEOUT}s)"
  else
    echo "timer:    tools/timecmd.py, best of $RUNS after $WARMUP warm-up (single run if the first takes > ${SLOW}s; timeout ${TIMEOUT}s)"
  fi
}

bench_data_info() { # DATA
  echo "data:     $1 ($(wc -l < "$1" | tr -d ' ') lines, $(du -h "$1" | cut -f1))"
  "$PYTHON" - "$1" <<'PY' 2>/dev/null || true
import sys
import pandas as pd
d = pd.read_csv(sys.argv[1], usecols=["time", "status"])
ev = d["time"][d["status"] == 1].value_counts()
print(f"ties:     {d['time'].nunique():,} distinct times; {len(ev):,} distinct event "
      f"times for {int(ev.sum()):,} events ({1 - ev.sum() / len(d):.1%} censored); "
      f"{ev[ev > 1].sum() / max(ev.sum(), 1):.1%} of events are tied, up to {int(ev.max()) if len(ev) else 0:,} at one time")
PY
}

# bench_note MESSAGE: print it and keep it for the report.
bench_note() {
  echo "   $1"
  echo "$1" >> "$TMP/notes"
}

# bench_tool NAME ARGV...: first run, then timed runs; appends one line
# "name<TAB>best<TAB>mean<TAB>rss_kb<TAB>runs" to $TMP/results.
bench_tool() {
  local name="$1"; shift
  local rc=0 why first rss best mean runs bytes out
  echo "== $name"
  "$PYTHON" "$TIMECMD" --runs 1 --timeout "$TIMEOUT" --stdout "$TMP/stdout" -- "$@" \
    > "$TMP/first" 2> "$TMP/stderr" || rc=$?
  if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq 124 ]; then
      why="killed after ${TIMEOUT}s (TIMEOUT)"
    else
      why="exit status $rc"
      # First line of the tool's own error message, if any (e.g. an unknown subcommand).
      local msg
      msg="$(grep -v '^timecmd.py:' "$TMP/stderr" | grep -v '^[[:space:]]*$' | head -n 1 || true)"
      [ -z "$msg" ] || why="$why: $msg"
    fi
    if [ "$name" = "survkit" ]; then
      bench_note "survkit $BENCH_CAP not available: $why"
      SURVKIT_FAILED=1
    else
      bench_note "$name failed: $why"
    fi
    grep -v '^timecmd.py:' "$TMP/stderr" | head -n 5 | sed 's/^/   | /' || true
    return 0
  fi
  sed 's/^/   /' "$TMP/stderr"             # the tool's own phase timings
  bytes="$(wc -c < "$TMP/stdout" | tr -d ' ')"
  if [ "$bytes" -le 2000 ]; then
    sed 's/^/   > /' "$TMP/stdout"
  else
    printf '   > %s ... (%s bytes on stdout)\n' "$(head -c 200 "$TMP/stdout" | tr '\n' ' ')" "$bytes"
  fi

  first="$(sed -n 's/.*best=\([0-9.]*\).*/\1/p' "$TMP/first")"
  rss="$(sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p' "$TMP/first")"
  if awk -v t="$first" -v s="$SLOW" 'BEGIN { exit !(t > s) }'; then
    best="$first"; mean="$first"; runs=1
    bench_note "$name: first run took ${first}s > SLOW=${SLOW}s, reported as a single run"
  elif command -v hyperfine >/dev/null 2>&1; then
    if ! hyperfine --style basic --runs "$RUNS" --warmup "$WARMUP" \
        --export-json "$TMP/h.json" "$(printf '%q ' "$@") > /dev/null" >/dev/null 2>&1; then
      bench_note "$name failed during the timed runs (hyperfine)"
      return 0
    fi
    read -r best mean < <("$PYTHON" -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.4f %.4f" % (min(r["times"]), r["mean"]))' "$TMP/h.json")
    runs="$RUNS"
  else
    if ! out="$("$PYTHON" "$TIMECMD" --runs "$RUNS" --warmup "$WARMUP" -- "$@" 2>/dev/null)"; then
      bench_note "$name failed during the timed runs"
      return 0
    fi
    best="$(sed -n 's/.*best=\([0-9.]*\).*/\1/p' <<< "$out")"
    mean="$(sed -n 's/.*mean=\([0-9.]*\).*/\1/p' <<< "$out")"
    local rss2
    rss2="$(sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p' <<< "$out")"
    [ "${rss2:-0}" -le "${rss:-0}" ] || rss="$rss2"
    runs="$RUNS"
  fi
  echo "   best ${best}s  mean ${mean}s  peak RSS $(( (${rss:-0} + 512) / 1024 )) MiB"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$best" "$mean" "${rss:-0}" "$runs" >> "$TMP/results"
}

bench_report() { # N TITLE RESULT_FILE
  "$PYTHON" - "$BENCH_CAP" "$1" "$2" "$RUNS" "$TMP/results" "$TMP/notes" <<'PY' | tee "$3"
import sys
cap, n, title, runs, results, notes = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
rows = []
for line in open(results):
    nm, b, m, r, k = line.rstrip("\n").split("\t")
    rows.append((nm, float(b), float(m), int(r), int(k)))
print()
print(f"{title.format(n=n)} (end to end, best of {runs})")
print()
print(f"| {'tool':<12} | {'best (s)':>9} | {'mean (s)':>9} | {'peak RSS (MiB)':>14} | {'vs survkit':>10} |")
print(f"|{'-'*14}|{'-'*11}|{'-'*11}|{'-'*16}|{'-'*12}|")
sk = next((b for nm, b, _, _, _ in rows if nm == "survkit"), None)
for nm, b, m, r, k in rows:
    rel = f"{b / sk:.2f}x" if sk else "-"
    print(f"| {nm:<12} | {b:>9.3f} | {m:>9.3f} | {r / 1024:>14.0f} | {rel:>10} |")
noted = [ln.rstrip("\n") for ln in open(notes) if ln.strip()]
if noted:
    print()
    for ln in noted:
        print(f"note: {ln}")
peers = [(b, nm) for nm, b, _, _, _ in rows if nm != "survkit"]
print()
if sk is not None and peers:
    pb, pn = min(peers)
    print(f"survkit / fastest peer ({pn}): {sk / pb:.3f}  "
          f"({'survkit faster' if sk < pb else 'peer faster'}; < 1 means survkit is faster)")
elif sk is None:
    print(f"survkit {cap} not available: no ratio")
else:
    print("no peer available: no ratio")
PY
  echo
  echo "(saved to $3)"
}

bench_main() { # CAP TITLE FORMULA DATA_PATTERN GEN_OPTS N [N ...]
  [ "$#" -ge 6 ] || bench_die "bench_main: expected CAP TITLE FORMULA DATA_PATTERN GEN_OPTS N..."
  BENCH_CAP="$1"
  local title="$2" formula="$3" pattern="$4" gen_opts="$5"
  shift 5
  local n data
  for n in "$@"; do
    bench_is_count "$n" || { echo "usage: bash benchmarks/$BENCH_CAP/run.sh [N ...]" >&2; exit 2; }
  done
  command -v "$PYTHON" >/dev/null 2>&1 \
    || bench_die "$PYTHON not found (needed for data generation and timing)"

  TMP="$(mktemp -d "${TMPDIR:-/tmp}/survkit-$BENCH_CAP-bench.XXXXXX")"
  trap 'rm -rf "$TMP"' EXIT
  SURVKIT_FAILED=0

  bench_resolve_survkit
  bench_resolve_peers
  bench_env_header

  for n in "$@"; do
    data="$BENCH/data/$(printf '%s' "$pattern" | sed "s/%N%/$n/g")"
    echo
    if [ ! -s "$data" ]; then
      echo "== generating $data"
      # shellcheck disable=SC2086  # GEN_OPTS is a word list
      "$PYTHON" "$BENCH/gen_data.py" "$n" $gen_opts -o "$data" >/dev/null
    fi
    bench_data_info "$data"
    : > "$TMP/results"
    : > "$TMP/notes"

    if [ -n "$SURVKIT_MISSING" ]; then
      echo "== survkit"
      bench_note "survkit $BENCH_CAP not available: $SURVKIT_MISSING"
      [ "$SKIP_SURVKIT" = "1" ] || SURVKIT_FAILED=1
    else
      bench_tool "survkit" "$SURVKIT" "$BENCH_CAP" "$data" "$formula" --format json
    fi
    if [ "$SKIP_PEERS" = "1" ]; then
      bench_note "peers skipped (SKIP_PEERS=1)"
    elif [ -z "$R_MISSING" ]; then
      bench_tool "R survival" "$RSCRIPT" "$PEERS/r_survival.R" "$BENCH_CAP" "$data"
    else
      echo "== R survival"
      bench_note "R survival skipped: $R_MISSING"
    fi
    if [ "$SKIP_PEERS" = "1" ]; then
      :
    elif [ -z "$LIFELINES_MISSING" ]; then
      bench_tool "lifelines" "$PYTHON" "$PEERS/py_lifelines.py" "$BENCH_CAP" "$data"
    else
      echo "== lifelines"
      bench_note "lifelines skipped: $LIFELINES_MISSING"
    fi

    bench_report "$n" "$title" "$BENCH/data/${BENCH_CAP}_${n}_results.md"
  done

  if [ "$REQUIRE_SURVKIT" = "1" ] && [ "$SURVKIT_FAILED" = "1" ]; then
    bench_die "survkit $BENCH_CAP not available (REQUIRE_SURVKIT=1)"
  fi
}

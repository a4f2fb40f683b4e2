#!/usr/bin/env bash
# Response benchmark: survkit logistic vs R glm, survkit table --exact vs R fisher.test.
#
# usage: bash benchmarks/response/run.sh [N ...]     (rows for the logistic fit; default 100000)
#
# Logistic: N rows, 5 numeric covariates (benchmarks/data/logistic_<N>.csv, made by the inline
# Python below with numpy's PCG64 seeded 13). survkit logistic fits the model AND computes
# profile-likelihood limits and likelihood-ratio tests for every coefficient and term; the R
# peer runs glm(family = binomial) plus drop1(test = "LRT") (R 4.2's stats has no profile
# confint for glm without MASS), so survkit does more work than R here.
# Fisher r x c: a 5 x 7 table with N = 60 (benchmarks/data/fisher_rxc.csv), survkit table
# --exact (network algorithm) vs fisher.test (FEXACT).
# Timing: benchmarks/tools/timecmd.py, best and mean of RUNS (3) runs after 1 warm-up.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SURVKIT="${SURVKIT:-$ROOT/.build/release/survkit}"
RUNS="${RUNS:-3}"
[ -x "$SURVKIT" ] || swift build -c release --product survkit
mkdir -p benchmarks/data
[ "$#" -gt 0 ] || set -- 100000
time_cmd() { python3 benchmarks/tools/timecmd.py --runs "$RUNS" --warmup 1 -- "$@"; }

for N in "$@"; do
  DATA="benchmarks/data/logistic_${N}.csv"
  if [ ! -f "$DATA" ]; then
    python3 - "$N" "$DATA" <<'PY'
import sys
import numpy as np
n, path = int(sys.argv[1]), sys.argv[2]
rng = np.random.Generator(np.random.PCG64(13))
x = rng.normal(size=(n, 5))
eta = -0.5 + x @ np.array([0.4, -0.3, 0.2, 0.0, 0.1])
y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
with open(path, "w") as fh:
    fh.write("y,x1,x2,x3,x4,x5\n")
    for i in range(n):
        fh.write("%d,%s\n" % (y[i], ",".join("%.6f" % v for v in x[i])))
PY
  fi
  echo "## Logistic regression, N = $N rows, 5 covariates"
  echo "survkit logistic: $(time_cmd "$SURVKIT" logistic "$DATA" "y ~ x1 + x2 + x3 + x4 + x5" --format json)"
  echo "R glm + drop1:    $(time_cmd Rscript -e "d <- read.csv('$DATA'); f <- glm(y ~ x1 + x2 + x3 + x4 + x5, family = binomial, data = d); invisible(drop1(f, test = 'LRT'))")"
done

TABLE="benchmarks/data/fisher_rxc.csv"
python3 - "$TABLE" <<'PY'
import sys
counts = [[1, 2, 2, 1, 1, 0, 1], [2, 0, 0, 2, 3, 0, 0], [0, 1, 1, 1, 2, 7, 3],
          [1, 1, 2, 0, 0, 0, 1], [0, 1, 1, 1, 1, 0, 0], [1, 2, 0, 1, 2, 1, 1]]
with open(sys.argv[1], "w") as fh:
    fh.write("row,col\n")
    for i, r in enumerate(counts):
        for j, c in enumerate(r):
            fh.write("r%d,c%d\n" % (i, j) * c)
PY
echo "## Fisher-Freeman-Halton, 6 x 7 table, N = 52"
echo "survkit table --exact: $(time_cmd "$SURVKIT" table "$TABLE" "col ~ row" --exact --format json)"
echo "R fisher.test:         $(time_cmd Rscript -e "d <- read.csv('$TABLE'); invisible(fisher.test(table(d\$row, d\$col), workspace = 2e8))")"
"$SURVKIT" table "$TABLE" "col ~ row" --exact | grep -i fisher
Rscript -e "d <- read.csv('$TABLE'); cat('R p =', format(fisher.test(table(d\$row, d\$col), workspace = 2e8)\$p.value, digits = 10), '\n')"

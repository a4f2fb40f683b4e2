#!/usr/bin/env bash
# The README's main command: installs what is missing, builds survkit (release) and runs the
# main job on a bundled data set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
swift build -c release --product survkit >&2
.build/release/survkit km datasets/lung.csv "Surv(time, status) ~ sex" \
  --times 180,365,730 --rmst 730

#!/usr/bin/env bash
# The README's main command: installs what is missing, builds survkit (release) and reruns the
# interim analysis of the bundled (synthetic) trial export, data cut 1. The report is written
# into notebooks-data/interim-cut1/report/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
swift build -c release --product survkit >&2
.build/release/survkit report notebooks-data/interim-cut1/plan.toml

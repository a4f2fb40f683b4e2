#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
# The tests compare against committed R fixtures, so R is not needed here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
swift build --build-tests
swift test --skip-build

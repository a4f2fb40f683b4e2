#!/usr/bin/env bash
# The README's test command: installs what is missing, checks formatting, builds the DocC
# documentation (a broken doc link or an undocumented parameter fails), builds and runs every
# test, after a short fuzzing run of the CSV reader, the formula parser and the plan reader
# (30 s each; SURVKIT_FUZZ_SECONDS=0 skips it). The tests compare against committed R
# fixtures, so R is not needed here.
# The suite is XCTest only (no Swift Testing), so the run closes on XCTest's summary,
# followed by a plain "N passed, M failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "== swift format lint --strict" >&2
swift format lint --strict --recursive Sources Tests Examples Fuzz Package.swift
echo "== DocC (warnings are errors)" >&2
bash scripts/docs.sh >/dev/null
fuzz_seconds="${SURVKIT_FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" != "0" ]; then
  echo "== fuzzing (libFuzzer + AddressSanitizer, $fuzz_seconds s per target)" >&2
  bash scripts/fuzz.sh "$fuzz_seconds" >&2
fi
echo "== build and test" >&2
swift build --build-tests
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
summary="$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 || true)"
if [ -n "$summary" ]; then
  total="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")"
  failed="$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")"
  echo "tests: $((total - failed)) passed, $failed failed"
fi
exit "$status"

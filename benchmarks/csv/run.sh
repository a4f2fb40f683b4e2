#!/usr/bin/env bash
# Throughput of SwiftCSV, CSV.swift and SurvivalKit's reader on a ~193 MB numeric CSV.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=benchmarks/data/numeric_193MB.csv
[ -f "$data" ] || python3 benchmarks/gen_data.py --numeric-only -o "$data"
swift build -c release --package-path benchmarks/csv --scratch-path .build-csvbench >&2
for which in survivalkit yaslab swiftcsv; do
  .build-csvbench/release/CSVBench "$data" "$which"
done

#!/usr/bin/env bash
# Builds the libFuzzer targets (CSV reader, formula parser, analysis-plan reader) with
# AddressSanitizer and runs each on its seed corpus.
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 30; CI runs 30 each, 90 s in all)
#
# How it is built (SwiftPM on Linux): each target is an executable whose main.swift defines
# LLVMFuzzerTestOneInput. Built with `-sanitize=fuzzer,address -parse-as-library -DFUZZING`,
# the file has no top-level code; SwiftPM links the executable's entry point as
# `<Target>_main`, which the file defines (under FUZZING) to hand over to libFuzzer's
# LLVMFuzzerRunDriver through Fuzz/FuzzSupport. In an ordinary build the targets are empty programs. The Swift runtime's
# one-time global allocations look like leaks to LeakSanitizer, so leak detection is off.
# A crash leaves its input in .build-fuzz/artifacts/; add it to Fuzz/corpus/<target>/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
# A fixed seed makes the CI run repeatable (the same inputs in the same order);
# FUZZ_SEED=0 lets libFuzzer pick one, for longer exploratory runs.
seed="${FUZZ_SEED:-1}"
scratch=.build-fuzz
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING)
mkdir -p "$scratch/artifacts"
status=0
for target in csv formula plan; do
  case "$target" in
    csv) product=FuzzCSV ;;
    formula) product=FuzzFormula ;;
    plan) product=FuzzPlan ;;
  esac
  swift build --scratch-path "$scratch" -c debug --product "$product" "${flags[@]}" >&2
  work="$(mktemp -d)"
  cp -r "Fuzz/corpus/$target/." "$work/"
  echo "== fuzzing $product for $seconds s" >&2
  # Swift's own backtracer is off: under AddressSanitizer it faults reading memory and stays
  # behind as a process; libFuzzer and ASan print the failure and its stack instead.
  if ! SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$scratch/debug/$product" -detect_leaks=0 \
    -seed="$seed" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$scratch/artifacts/$product-" -print_final_stats=1 "$work" \
    >"$scratch/$product.log" 2>&1; then
    echo "fuzz: $product found a problem:" >&2
    tail -n 40 "$scratch/$product.log" >&2
    status=1
  else
    grep -E "^Done|stat::number_of_executed_units" "$scratch/$product.log" >&2 || true
  fi
  rm -rf "$work"
done
exit "$status"

#!/usr/bin/env bash
# Builds the engine's DocC documentation into .build/docs/SurvivalKit.doccarchive; any DocC
# warning (a broken symbol link, an undocumented parameter) fails the build.
# Preview: open the archive with `docc preview`, or add --transform-for-static-hosting.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build/docs
rm -rf .build/docs/SurvivalKit.doccarchive
swift package --disable-sandbox --allow-writing-to-directory .build/docs \
  generate-documentation --target SurvivalKit --warnings-as-errors \
  --output-path .build/docs/SurvivalKit.doccarchive "$@"
echo "DocC archive: .build/docs/SurvivalKit.doccarchive"

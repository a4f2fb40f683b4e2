#!/usr/bin/env bash
# End-to-end benchmarks of survkit against R survival and Python lifelines.
#
# usage: bash benchmarks/run.sh CAPABILITY [N ...]    CAPABILITY: km, logrank, cox
#
# Same as `bash benchmarks/CAPABILITY/run.sh [N ...]`; see benchmarks/README.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cap="${1:-}"
case "$cap" in
  km|logrank|cox) shift ;;
  *) echo "usage: bash benchmarks/run.sh {km|logrank|cox} [N ...]" >&2; exit 2 ;;
esac
exec bash "$here/$cap/run.sh" "$@"

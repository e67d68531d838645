#!/usr/bin/env bash
# Storage benchmark (sizes vs the entropy bound at 80/90/95%, encode/decode times at 80%).
# Usage: bench/storage/run.sh [RUNS]   (from the repository root; default 7 timed runs per format)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q compile
lscpu | grep -E '^Model name|^CPU\(s\)' || true
exec java -Xmx8g -cp target/classes bench/storage/StorageBench.java "${1:-7}"

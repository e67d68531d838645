#!/usr/bin/env bash
# Storage benchmark: sizes vs the entropy bound at 80/90/95% sparsity, mask coders compared,
# disk space and MACs vs sparsity (figures in target/bench-storage/), encode/decode times at 80%.
# Usage: bench/storage/run.sh [RUNS [--timing-only]]   (from any folder; default 7 timed runs per format)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
lscpu | grep -E '^Model name|^CPU\(s\)' || true
uptime
exec java -Xmx8g -Djava.awt.headless=true -cp "target/classes:$(cat target/bench-classpath.txt)" \
  bench/storage/StorageBench.java "${1:-7}" target/bench-storage "${2:-}"

#!/usr/bin/env bash
# Engine start-up: JVM start -> PyTorch engine loaded -> first convolution, in fresh JVMs.
# Usage: bench/engine-startup.sh [runs=5]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for _ in $(seq "${1:-5}"); do
  java io.ticketlab.bench.EngineStartupBenchmark
done

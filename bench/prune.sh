#!/usr/bin/env bash
# Global magnitude pruning of a ResNet-50 Mask R-CNN-sized parameter set (44.45M parameters).
# Usage: bench/prune.sh [runs=5]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
java -Xmx4g io.ticketlab.bench.PruningBenchmark "${1:-5}"

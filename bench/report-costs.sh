#!/usr/bin/env bash
# ticketlab report's cost sections over LEVELS finished levels of a narrow ResNet-18 (real checkpoints):
# cold (every checkpoint measured) and cached.
# Usage: bench/report-costs.sh [levels=200] [width=0.125]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
java -Xmx4g io.ticketlab.bench.ReportCostsBenchmark "${1:-200}" "${2:-0.125}"

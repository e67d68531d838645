#!/usr/bin/env bash
# RoIAlign (FPN box-head pooler): TicketLab vs torchvision on this machine, same inputs.
# Usage: bench/roi-align.sh [images=2] [size=512] [channels=256] [rois/image=512] [output=7] [runs=10]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
args=("${1:-2}" "${2:-512}" "${3:-256}" "${4:-512}" "${5:-7}" "${6:-10}")
java -Xmx8g io.ticketlab.bench.RoiAlignBenchmark "${args[@]}"
if "$PYTHON" -c "import torchvision" 2>/dev/null; then
  "$PYTHON" "$root/bench/reference/torchvision_roi_align.py" "${args[@]}" "$(nproc)"
else
  echo "reference skipped: $PYTHON has no torchvision (apt-get install python3-torchvision)"
fi

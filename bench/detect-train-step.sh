#!/usr/bin/env bash
# Detector training step (R18-FPN Faster/Mask/Keypoint R-CNN): TicketLab vs torchvision on this machine.
# Usage: bench/detect-train-step.sh [task=det|seg|kp] [batch=2] [size=256] [steps=10] [warmup=3] [threads=all cores]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
args=("${1:-det}" "${2:-2}" "${3:-256}" "${4:-10}" "${5:-3}" "${6:-$(nproc)}")
java -Xmx8g io.ticketlab.bench.DetectorTrainStepBenchmark "${args[@]}"
if "$PYTHON" -c "import torchvision" 2>/dev/null; then
  "$PYTHON" "$root/bench/reference/torchvision_detector_train_step.py" "${args[@]}"
else
  echo "reference skipped: $PYTHON has no torchvision (apt-get install python3-torchvision)"
fi

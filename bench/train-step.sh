#!/usr/bin/env bash
# ResNet training step: TicketLab vs torchvision on this machine.
# Usage: bench/train-step.sh [arch=resnet18] [batch=8] [size=224] [steps=10] [warmup=3] [threads=all cores]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
args=("${1:-resnet18}" "${2:-8}" "${3:-224}" "${4:-10}" "${5:-3}" "${6:-$(nproc)}")
java -Xmx8g io.ticketlab.bench.TrainStepBenchmark "${args[@]}"
if "$PYTHON" -c "import torchvision" 2>/dev/null; then
  "$PYTHON" "$root/bench/reference/torchvision_train_step.py" "${args[@]}"
else
  echo "reference skipped: $PYTHON has no torchvision (apt-get install python3-torchvision)"
fi

#!/usr/bin/env bash
# Detector training step (R18-FPN Faster/Mask/Keypoint R-CNN): TicketLab vs torchvision on this machine.
# Usage: bench/detect-train-step.sh [task=det|seg|kp] [batch=2] [size=256] [steps=10] [warmup=3] [threads=all cores]
#
# TicketLab's engine keeps freed native memory and backs large tensors with huge pages (see
# io.ticketlab.engine.NativeMemory); the reference gets the same glibc settings through the
# environment (torch 1.13 has no THP allocator switch). TicketLab caps oneDNN at AVX2 where the
# AVX-512 kernels give wrong gradients (io.ticketlab.engine.OneDnnIsa), so the reference runs twice:
# with its default ISA and with the same AVX2 cap.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
args=("${1:-det}" "${2:-2}" "${3:-256}" "${4:-10}" "${5:-3}" "${6:-$(nproc)}")
if "$PYTHON" -c "import torchvision" 2>/dev/null; then
  # the same initial weights and images on both sides: the same proposals, hence the same number
  # of positive RoIs in the box, mask and keypoint heads
  shared="$(mktemp -d)"
  trap 'rm -rf "$shared"' EXIT
  "$PYTHON" "$root/bench/reference/torchvision_detector_train_step.py" "${args[@]}" "$shared"
  TL_SHARED="$shared" java -Xmx8g io.ticketlab.bench.DetectorTrainStepBenchmark "${args[@]}"
else
  java -Xmx8g io.ticketlab.bench.DetectorTrainStepBenchmark "${args[@]}"
fi
if "$PYTHON" -c "import torchvision" 2>/dev/null; then
  # Debian's torch calls the system BLAS: with the netlib reference libblas3 alone its box head's
  # matrix products take ~20 s per step; the reference needs an optimised BLAS
  if readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null | grep -q '/blas/libblas'; then
    echo "WARNING: the system BLAS is the netlib reference implementation; install libopenblas0-pthread for a fair reference"
  fi
  export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647
  echo -n "default ISA: "
  "$PYTHON" "$root/bench/reference/torchvision_detector_train_step.py" "${args[@]}"
  echo -n "ONEDNN_MAX_CPU_ISA=AVX2: "
  ONEDNN_MAX_CPU_ISA=AVX2 "$PYTHON" "$root/bench/reference/torchvision_detector_train_step.py" "${args[@]}"
else
  echo "reference skipped: $PYTHON has no torchvision (apt-get install python3-torchvision)"
fi

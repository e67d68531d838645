#!/usr/bin/env bash
# Classification input pipeline (decode + RandomResizedCrop(224) + flip + ToTensor/Normalize +
# batch) on 640x480 quality-90 JPEGs: TicketLab vs torchvision's PIL DataLoader, 1 and 2 threads.
# Usage: bench/image-pipeline.sh [images=256] [batch=32] [epochs=3] [dir=target/bench-jpegs]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
n="${1:-256}"; batch="${2:-32}"; epochs="${3:-3}"; dir="${4:-$root/target/bench-jpegs}"
"$PYTHON" "$root/bench/reference/make_jpegs.py" "$dir" "$n"
grep -m1 "model name" /proc/cpuinfo; echo "cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
for threads in 1 2; do
  java -Xmx4g io.ticketlab.bench.ImagePipelineBenchmark "$dir" "$batch" "$threads" "$epochs"
  if "$PYTHON" -c "import torchvision" 2>/dev/null; then
    "$PYTHON" "$root/bench/reference/pil_dataloader.py" "$dir" "$batch" "$threads" "$epochs"
  else
    echo "reference skipped: $PYTHON has no torchvision (apt-get install python3-torchvision)"
  fi
done
"$PYTHON" "$root/bench/reference/pil_decode.py" "$dir" "$epochs"

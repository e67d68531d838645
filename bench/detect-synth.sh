#!/usr/bin/env bash
# Regression/benchmark: a small ResNet-18-FPN Faster R-CNN trained from scratch on the built-in
# synthetic shapes must reach bbox AP50 >= 0.5 (COCOeval) within 10 minutes on 2 cores.
# Usage: bench/detect-synth.sh [workdir=/tmp/ticketlab-detect-synth] [iterations=1200it] [task=det]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/tmp/ticketlab-detect-synth}"
iterations="${2:-1200it}"
task="${3:-det}"
tl="$root/ticketlab"
mkdir -p "$work"
[ -f "$work/train/annotations.json" ] || "$tl" data synth --out "$work/train" --images 600 --seed 1
[ -f "$work/val/annotations.json" ] || "$tl" data synth --out "$work/val" --images 100 --seed 1 --split val
run="$work/run-$task-$iterations"
rm -rf "$run"
start=$(date +%s)
"$tl" train detect --task "$task" --train "$work/train/annotations.json" --val "$work/val/annotations.json" \
  --width 0.5 --fpn-channels 64 --head-width 256 --min-size 128 --max-size 128 --scratch \
  --batch 4 --roi-samples 128 --lr 0.02 --warmup 50it --iterations "$iterations" \
  --milestones "$(( ${iterations%it} * 3 / 4 ))it" --eval-every "$iterations" --quiet --out "$run"
end=$(date +%s)
echo "wall time: $((end - start)) s on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
python3 - "$run/eval.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
for k, v in e.items():
    if isinstance(v, dict):
        print("%s: AP %.4f, AP50 %.4f, AP75 %.4f" % (k, v["AP"], v["AP50"], v["AP75"]))
PY

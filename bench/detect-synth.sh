#!/usr/bin/env bash
# Regression/benchmark: small ResNet-18-FPN detectors trained from scratch on the built-in synthetic
# shapes. Targets (issues 6 and 7, 2 cores): bbox AP50 >= 0.5 within 10 minutes (det), segm AP50
# >= 0.5 within 15 minutes (seg), keypoint AP50 >= 0.4 within 15 minutes (kp).
# Usage: bench/detect-synth.sh [workdir=/tmp/ticketlab-detect-synth] [task=det|seg|kp] [iterations]
# Prints COCO AP of every evaluation (validation.csv), the final AP and the training wall time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/tmp/ticketlab-detect-synth}"
task="${2:-det}"
case "$task" in
  det|seg) default_iterations=1600it ;;
  kp) default_iterations=500it ;;
  *) echo "task must be det, seg or kp" >&2; exit 2 ;;
esac
iterations="${3:-$default_iterations}"
n="${iterations%it}"
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
  --milestones "$(( n * 3 / 4 ))it" --eval-every "$(( n / 4 ))it" --quiet --out "$run"
end=$(date +%s)
echo "training wall time (incl. start-up and 4 evaluations): $((end - start)) s on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo "convergence (validation.csv):"
column -s, -t < "$run/validation.csv" 2>/dev/null || cat "$run/validation.csv"

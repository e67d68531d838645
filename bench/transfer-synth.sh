#!/usr/bin/env bash
# Benchmark (issue 16): the paper's transfer comparison at 80% on the built-in synthetic shapes, small
# ResNet-18-FPN models from scratch, every arm an ordinary TicketLab experiment under one root:
#   direct pruning      Mask R-CNN lottery (dense level 0, 80% ticket with late rewinding, level 1)
#   ImageNet ticket     a classification lottery on crops of the synthetic objects (ResNet-18 of the
#                       detector's backbone width); its 80% ticket goes into the detector's backbone
#   mask transfer       the dense classifier's largest 20% of the backbone convs, fine-tuned
#   cross-task          a Keypoint R-CNN 80% ticket into Mask R-CNN up to the box head (Table 4 form)
# then prints `ticketlab lottery table` (Table 1 / Table 4 form) and the wall time.
# Usage: bench/transfer-synth.sh [workdir=/tmp/ticketlab-transfer-synth] [iterations=400] [train images=300]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mkdir -p "${1:-/tmp/ticketlab-transfer-synth}" && cd "${1:-/tmp/ticketlab-transfer-synth}" && pwd)"
it="${2:-400}"
images="${3:-300}"
tl="$root/ticketlab"
start=$(date +%s)
[ -f "$work/train/annotations.json" ] || "$tl" data synth --out "$work/train" --images "$images" --seed 1
[ -f "$work/val/annotations.json" ] || "$tl" data synth --out "$work/val" --images 60 --seed 1 --split val
[ -d "$work/crops" ] || "$tl" data synth --out "$work/crops" --images "$images" --seed 1 --crops 48
[ -d "$work/crops-val" ] || "$tl" data synth --out "$work/crops-val" --images 60 --seed 1 --split val --crops 48
model="model: {arch: resnet18, width: 0.5, fpn_channels: 64, head_width: 256, min_size: [128], max_size: 128, scratch: true, roi_samples: 128}"
training="training: {iterations: ${it}it, batch: 4, lr: 0.02, warmup: $(( it / 16 ))it, milestones: [$(( it * 3 / 4 ))it]}"
data="data: {train: train/annotations.json, val: val/annotations.json}"
# a direct-pruning lottery of TASK: dense level 0, 80% ticket rewound to 1/8 of the schedule
lottery_config() {
  printf '%s\n' "task: $1" "$data" "$model" "$training" \
    "pruning: {preset: paper-coco, strategy: global, sparsity: 0.8, rounds: 2}" "rewind: {at: $(( it / 8 ))it}" "seed: 0"
}
lottery_config seg >"$work/direct.yaml"
lottery_config kp >"$work/kp.yaml"
cat >"$work/classify.yaml" <<YAML
task: classify
data: {train: crops, val: crops-val}
model: {arch: resnet18, width: 0.5}
training: {iterations: $(( it / 2 ))it, batch: 32, size: 48, lr: 0.1, schedule: cosine}
pruning: {preset: classifier-convs, strategy: global, sparsity: 0.8, rounds: 2}
rewind: {at: $(( it / 32 ))it}
seed: 0
YAML
cat >"$work/target.yaml" <<YAML
task: seg
$data
$model
$training
seed: 0
YAML
runs="$work/runs"
echo "[1/6] classification lottery on crops (the ImageNet-style source)"
"$tl" lottery --config "$work/classify.yaml" --root "$runs/classify" --quiet
cls="$(ls -d "$runs"/classify/lottery_*)/replicate_0"
echo "[2/6] Mask R-CNN direct pruning (dense, 80% ticket)"
"$tl" lottery --config "$work/direct.yaml" --root "$runs/seg" --quiet
echo "[3/6] ImageNet ticket 80% into Mask R-CNN"
"$tl" transfer imagenet-ticket --source "$cls/level_1/main" --config "$work/target.yaml" --root "$runs/seg" --quiet
echo "[4/6] mask transfer 80% of the dense classifier"
"$tl" transfer mask --source "$cls/level_0/main" --prune 0.8 --config "$work/target.yaml" --root "$runs/seg" --quiet
echo "[5/6] Keypoint R-CNN direct pruning (the cross-task source)"
"$tl" lottery --config "$work/kp.yaml" --root "$runs/kp" --quiet
kp="$(ls -d "$runs"/kp/lottery_*)/replicate_0"
echo "[6/6] cross-task: the Keypoint R-CNN ticket into Mask R-CNN up to the box head"
"$tl" transfer task --source "$kp/level_1/main" --config "$work/target.yaml" --root "$runs/seg" --quiet
end=$(date +%s)
"$tl" lottery table --root "$runs/seg" --root "$runs/kp" --root "$runs/classify"
echo "wall time: $((end - start)) s for ${it} iterations a run on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"

#!/usr/bin/env bash
# GPU check: does TicketLab compute on this machine's CUDA GPU(s), and like the CPU does?
#
# NOT RUN YET: written on a machine without a GPU. It passes `bash -n` and shellcheck, and its CPU
# half was exercised with GPU_CHECK_DRY_RUN=1 (which puts `cpu` wherever a GPU would be), but no
# line of it has run against a CUDA engine. Whoever runs it first: please report the output.
# Tried 2026-12-04 on the H200 machine lent to a session (nvidia-smi: one NVIDIA H200; Ubuntu 24.04,
# glibc 2.39, 16 cores): it cannot run there as it stands. That machine has no Java (no java on the
# PATH, no /usr/lib/jvm), its only libtorch is the one of its Python torch 2.11.0+cu130 (TicketLab
# needs 2.7.1 and refuses other versions at start-up), nothing can be fetched there, and at most 64
# MiB travel with a call: not a JDK plus a CUDA libtorch 2.7.1 (about 2 GB). It needs a machine with
# a JDK 17 and a CUDA libtorch 2.7.1 (pip's torch==2.7.1 cu128 wheel) installed.
#
# Usage: bench/gpu-check.sh [LIBTORCH_DIR]
#   LIBTORCH_DIR  a CUDA libtorch 2.7.1 folder, e.g. the torch/lib of
#                   pip install torch==2.7.1 --index-url https://download.pytorch.org/whl/cu128
#                 default: $TICKETLAB_LIBTORCH, else the torch/lib of $PYTHON's torch if it has one,
#                 else the build's own engine (TICKETLAB_PYTORCH_FLAVOR=cu128 builds a CUDA one).
# Environment: GPU_CHECK_TOL (relative loss tolerance GPU vs CPU, default 0.02: TF32 convolutions
#   and matrix products on the GPU round differently), GPU_CHECK_DRY_RUN=1 (no GPU needed: checks
#   this script on the CPU), PYTHON (default python3).
#
# What it does, in under 8 minutes after the build (each step has a time limit, cut to what is left
# of the 8 minutes; a step that runs out is a failure):
#   1. prints the machine: nvidia-smi, java -version, the libtorch it will use;
#   2. ticketlab doctor --device gpu (the engine sees CUDA, the float64 conv self-check on gpu(0));
#   3. 5 iterations of an R18-FPN Faster R-CNN on synthetic data on GPU and on CPU, same seed:
#      every iteration's loss in metrics.csv agrees within GPU_CHECK_TOL;
#   4. with several GPUs (nvidia-smi -L): data-parallel (--device gpus) vs one GPU, same
#      --accumulate: losses agree within GPU_CHECK_TOL;
#   5. timing: seconds per R50-FPN training iteration (256 px, batch 2) and predict's wall time.
# Exits 0 when every step passed, else 1 after a summary that names each step that failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tl="$root/ticketlab"
tol="${GPU_CHECK_TOL:-0.02}"
PYTHON="${PYTHON:-python3}"
dry="${GPU_CHECK_DRY_RUN:-0}"
work="$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failed=()
gpu=gpu
time_arch=resnet50 short=5 long=25 budget=480
if [ "$dry" = 1 ]; then
  gpu=cpu time_arch=resnet18 short=2 long=4 budget=1800 # the CPU is slower
fi

say() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*"; failed+=("$*"); }

# runs "$@" with a time limit of $1 seconds, cut to what is left of the 8 minutes (counted from the
# end of the build), its output to the console and to $work/last.log
run_limited() {
  local limit="$1" left=$((budget - SECONDS))
  shift
  if [ "$left" -lt 5 ]; then
    echo "out of time: the 8 minutes are used up; not run: $*" | tee "$work/last.log"
    return 124
  fi
  [ "$left" -lt "$limit" ] && limit="$left"
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$work/last.log"
  return "${PIPESTATUS[0]}"
}

# compare_losses A.csv B.csv LABEL: every iteration of A has a row in B whose loss agrees within tol
compare_losses() {
  awk -F, -v tol="$tol" -v label="$3" '
    FNR == 1 { for (i = 1; i <= NF; i++) if ($i == "loss") col = i; next }
    NR == FNR { a[$1] = $col; order[++n] = $1; next }
    { b[$1] = $col }
    END {
      bad = 0
      for (k = 1; k <= n; k++) {
        it = order[k]
        if (!(it in b)) { printf "  iteration %s missing in the second run\n", it; bad++; continue }
        d = a[it] - b[it]; if (d < 0) d = -d
        m = a[it] < 0 ? -a[it] : a[it]
        rel = m > 0 ? d / m : d
        printf "  %s iteration %s: loss %s vs %s (rel. diff %.2e)\n", label, it, a[it], b[it], rel
        num = "^-?[0-9.]+([eE][-+]?[0-9]+)?$"
        if (rel > tol || a[it] !~ num || b[it] !~ num) bad++
      }
      if (n == 0) { print "  no iterations in the first metrics.csv"; exit 1 }
      exit bad > 0
    }' "$1" "$2"
}

say "build"
(cd "$root" && mvn -B -q -DskipTests package) || { echo "FAILED: the build"; exit 1; }
SECONDS=0

say "machine"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi || fail "nvidia-smi exits non-zero (driver?)"
  gpus="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ')"
else
  gpus=0
  [ "$dry" = 1 ] || fail "no nvidia-smi on PATH (no NVIDIA driver?)"
fi
echo "GPUs listed by nvidia-smi -L: $gpus"
java -version 2>&1
libtorch="${1:-${TICKETLAB_LIBTORCH:-}}"
if [ -z "$libtorch" ] && [ "$dry" != 1 ]; then
  libtorch="$("$PYTHON" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null || true)"
fi
if [ -n "$libtorch" ]; then
  export TICKETLAB_LIBTORCH="$libtorch"
  echo "libtorch: local $libtorch (TICKETLAB_LIBTORCH; ticketlab checks its version at start-up)"
else
  unset TICKETLAB_LIBTORCH
  echo "libtorch: the build's own engine (doctor's libtorch line below says which)"
fi

say "doctor --device $gpu"
if run_limited 240 "$tl" doctor --device "$gpu" --no-probe; then
  grep -E '^libtorch ' "$work/last.log" || true
  if [ "$dry" != 1 ]; then
    grep -qE '^Device +GPU' "$work/last.log" || fail "doctor: the engine sees no GPU (Device line)"
    grep -qE '^Check gpu\(0\) +passed' "$work/last.log" || fail "doctor: no passed self-check on gpu(0)"
  fi
else
  fail "doctor --device $gpu (exit $?)"
fi

say "synthetic data"
run_limited 120 "$tl" data synth --images 8 --size 256 --out "$work/synth" >/dev/null \
  || fail "data synth"

train() { # train OUT DEVICE ITERATIONS [more options]
  local out="$1" device="$2" its="$3"
  shift 3
  run_limited 240 "$tl" train detect --train "$work/synth/annotations.json" --out "$work/$out" \
    --device "$device" --iterations "$its" --min-size 256 --max-size 256 --batch 2 --seed 0 --quiet "$@"
}

say "5 training iterations, R18-FPN Faster R-CNN: $gpu vs cpu"
if train det-gpu "$gpu" 5it && train det-cpu cpu 5it; then
  compare_losses "$work/det-gpu/metrics.csv" "$work/det-cpu/metrics.csv" "$gpu vs cpu" \
    || fail "GPU and CPU losses differ by more than $tol"
else
  fail "training on $gpu or cpu"
fi

if [ "$gpus" -ge 2 ] && [ "$dry" != 1 ]; then
  say "data parallel: --device gpus ($gpus GPUs) vs --device gpu, --accumulate $gpus"
  if train dp-all gpus 5it --accumulate "$gpus" && train dp-one gpu 5it --accumulate "$gpus"; then
    compare_losses "$work/dp-all/metrics.csv" "$work/dp-one/metrics.csv" "gpus vs gpu" \
      || fail "data-parallel losses differ from one GPU's by more than $tol"
  else
    fail "data-parallel training"
  fi
else
  say "data parallel: skipped (fewer than 2 GPUs)"
fi

say "timing: $time_arch-FPN training iteration and prediction on $gpu"
if train timing "$gpu" "${long}it" --arch "$time_arch" --checkpoint-at "${short}it"; then
  # between the checkpoints at iterations $short and $long: start-up, model building and the first
  # (slow, autotuning) iterations stay out of the figure
  c1="$work/timing/checkpoint_$short.tlck" c2="$work/timing/checkpoint_$long.tlck"
  if [ -f "$c1" ] && [ -f "$c2" ]; then
    awk -v a="$(stat -c %.3Y "$c1")" -v b="$(stat -c %.3Y "$c2")" -v s="$short" -v l="$long" -v arch="$time_arch" \
      'BEGIN { printf "train step: %.3f s/iteration (%s-FPN, 2 images of 256 px, iterations %d..%d)\n", (b - a) / (l - s), arch, s, l }'
  else
    fail "timing: no checkpoints at iterations $short and $long"
  fi
  p0=$(date +%s.%N)
  if run_limited 120 "$tl" predict --device "$gpu" --model "$work/timing" --coco "$work/synth/annotations.json" \
    --coco-images "$work/synth" --out "$work/results.json" --quiet; then
    p1=$(date +%s.%N)
    awk -v a="$p0" -v b="$p1" 'BEGIN { printf "predict: %.1f s for 8 images, start-up included\n", b - a }'
  else
    fail "predict on $gpu"
  fi
else
  fail "timing run on $gpu"
fi

say "summary ($SECONDS s after the build)"
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "all GPU checks passed"

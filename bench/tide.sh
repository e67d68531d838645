#!/usr/bin/env bash
# TIDE (bbox) benchmark on the COCO-val-sized synthetic set (5000 images, 80 classes, 36,711 GT,
# 500,000 detections). Needs python3 + numpy (to generate the set once), JDK 17, Maven.
# Usage: bench/tide.sh [DATA_DIR] [RUNS]     (default /tmp/synth_val, 5 runs after 2 warm-ups)
# Environment: BENCH_HEAP (default 2g).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-/tmp/synth_val}"
runs="${2:-5}"
heap="${BENCH_HEAP:-2g}"
oracles="${ORACLES:-$here/../shared/oracles}"
[ -d "$oracles" ] || oracles=/work/shared/oracles

if [ ! -f "$data/dt_bbox.json" ]; then
  python3 "$oracles/tools/make_synth_coco.py" --out "$data" --images 5000 --classes 80 \
    --gt-mean 7.36 --dets 100 --seed 1
fi
python3 - "$data" "$oracles/expected/benchmark/coco_bbox_val_100dets.json" <<'PY'
import hashlib, json, sys
data, expected = sys.argv[1], json.load(open(sys.argv[2]))
for name, info in expected["fixture"]["files"].items():
    h = hashlib.sha256(open(f"{data}/{name}", "rb").read()).hexdigest()
    ok = h == info["sha256"]
    print(f"{name}: sha256 {'OK' if ok else 'MISMATCH ' + h}")
    if not ok:
        sys.exit(1)
PY
(cd "$here" && mvn -B -o -q package -DskipTests)
cp="$here/target/classes:$here/target/lib/*"
echo "== TIDE bbox (machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1))"
java -Xmx"$heap" -cp "$cp" "$here/bench/TideBench.java" "$data/gt.json" "$data/dt_bbox.json" "$runs"

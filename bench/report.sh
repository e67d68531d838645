#!/usr/bin/env bash
# `ticketlab report` benchmark: 200 synthetic level records (10 experiments of det/seg/kp with their
# ablations and transfers; spec.json, level.json, eval.json, validation.csv as the runner writes them),
# then the report over them: CALLS calls in one JVM (the first pays class loading and JIT), and two
# fresh JVMs of the application jar (what a user waits for). Needs JDK 17, Maven.
# Usage: bench/report.sh [DIR] [CALLS]     (default /tmp/report-bench, 3 calls)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-/tmp/report-bench}"
calls="${2:-3}"
(cd "$here" && mvn -B -o -q package -DskipTests)
cp="$here/target/classes:$here/target/lib/*"
echo "== ticketlab report (machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg))"
# compiled ahead: the source launcher's in-process javac would share the first call's JIT and cores
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
javac -cp "$cp" -d "$classes" "$here/bench/ReportBench.java"
java -cp "$classes:$cp" ReportBench "$data" "$calls"
for i in 1 2; do
  start=$(date +%s%N)
  java -jar "$here/target/ticketlab.jar" report --root "$data/runs" --out "$data/fresh-$i.html" >/dev/null
  end=$(date +%s%N)
  echo "fresh JVM $i (java -jar target/ticketlab.jar report): $(( (end - start) / 1000000 )) ms"
done

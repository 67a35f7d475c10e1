#!/usr/bin/env bash
# Where each engine's time goes on the same model and features, side by side:
#   benchmarks/run-profiles.sh [S|L] [THREADS] [RUNS]      (defaults: S 2 10)
# Needs what benchmarks/run-e2e.sh SIZE wrote under benchmarks/target/e2e/SIZE (model.smoe, feats.f32, the gathered
# ONNX export). Runs ONNX Runtime's profiler on the gathered export (OnnxProfile), then speechmoe's encoder through
# its timing backend (EncoderProfile), each RUNS passes after 3 warm-ups, and groups both by part of the graph
# (compare-profiles.py). Writes profile-ort.txt, profile-speechmoe.txt and profile-compare.txt beside the model.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
size="${1:-S}"; threads="${2:-2}"; runs="${3:-10}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
dir="$here/target/e2e/$size"
for f in model.smoe feats.f32 gathered/model.onnx; do
  [ -f "$dir/$f" ] || { echo "run-profiles.sh: no $dir/$f: run benchmarks/run-e2e.sh $size first" >&2; exit 2; }
done
jar="$here/target/speechmoe-benchmarks.jar"
if [ ! -f "$jar" ] || ! unzip -l "$jar" org/speechmoe/benchmarks/OnnxProfile.class >/dev/null 2>&1; then
  (cd "$root" && mvn -q -B -ntp -pl benchmarks -am package -DskipTests)
fi
quiet() { grep -v '^WARNING: ' >&2; }
"$java" --enable-native-access=ALL-UNNAMED -cp "$jar" org.speechmoe.benchmarks.OnnxProfile \
  "$dir/gathered/model.onnx" "$dir/feats.f32" "$threads" "$runs" 2> >(quiet) > "$dir/profile-ort.txt"
"$java" --add-modules jdk.incubator.vector -cp "$jar" org.speechmoe.benchmarks.EncoderProfile \
  "$dir/model.smoe" "$dir/feats.f32" "$threads" "$runs" 2> >(quiet) > "$dir/profile-speechmoe.txt"
python3 "$here/compare-profiles.py" "$dir/profile-ort.txt" "$dir/profile-speechmoe.txt" | tee "$dir/profile-compare.txt"

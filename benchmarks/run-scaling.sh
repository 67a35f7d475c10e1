#!/usr/bin/env bash
# Whole-model speed on 30 s of audio (ModelSpeed: Recognizer.logits, median of RUNS after WARMUPS):
#   benchmarks/run-scaling.sh experts [THREADS] [WARMUPS] [RUNS] [TYPE]
#                                                                  S with 4, 8, 16, 32, 64 experts per block, TYPE
#                                                                  f32 (default), f16, bf16 or q8 (routed compute
#                                                                  per frame the same for every E)
#   benchmarks/run-scaling.sh L [THREADS] [WARMUPS] [RUNS]         L (the paper's size) in f32 and in q8
# Defaults: 2 threads, 2 warm-ups, 5 runs. The random-weight models are written to benchmarks/target/scaling
# (S 64 experts: 1.1 GB; L f32: 3.7 GB, q8: 1.0 GB) and deleted at the end.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
what="${1:-experts}"; threads="${2:-2}"; warmups="${3:-2}"; runs="${4:-5}"; type="${5:-f32}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
jar="$here/target/speechmoe-benchmarks.jar"
if [ ! -f "$jar" ] || ! unzip -l "$jar" org/speechmoe/benchmarks/ModelSpeed.class >/dev/null 2>&1; then
  (cd "$root" && mvn -q -B -ntp -pl benchmarks -am package -DskipTests)
fi
dir="$here/target/scaling"
mkdir -p "$dir"
models=()
trap 'rm -f "${models[@]}"' EXIT
write() {  # SIZE TYPE EXPERTS: random weights, routers balanced on the audio (ModelOpen.writeBalanced)
  local f="$dir/$1-$2-E$3.smoe"
  "$java" -Xmx3g --add-modules jdk.incubator.vector -cp "$jar" org.speechmoe.benchmarks.ModelOpen write-balanced \
    "$1" "$2" "$f" "$3" "$root" 2> >(grep -v '^WARNING: Using incubator modules' >&2) >&2
  models+=("$f")
}
case "$what" in
  experts) for e in 4 8 16 32 64; do write S "$type" "$e"; done ;;
  L) write L f32 32; write L q8 32 ;;
  *) echo "run-scaling.sh: first argument must be experts or L, not $what" >&2; exit 2 ;;
esac
"$java" --add-modules jdk.incubator.vector -cp "$jar" org.speechmoe.benchmarks.ModelSpeed "$root" "$threads" \
  "$warmups" "$runs" "${models[@]}" 2> >(grep -v '^WARNING: Using incubator modules' >&2)

#!/usr/bin/env bash
# Streaming cost with the default model on testdata/commands (spoken commands, a second of silence before each):
# latency of partial and final results for one stream (greedy, then with the default language model) and how many
# streams fed in real time the machine keeps up with. Prints JSON lines.
#   benchmarks/run-streaming.sh [SECONDS] [CHUNK_MS] [N...]
# A causal model, exact chunk-by-chunk decoding in chunks of FRAMES output frames: N real-time streams each alone on
# its own thread against all in one StreamGroup (shared encoder passes), and the throughput of each way:
#   benchmarks/run-streaming.sh exact MODEL FRAMES SECONDS CHUNK_MS N...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/speechmoe-benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ "${1:-}" = exact ]; then
  [ $# -ge 6 ] || { echo "usage: $0 exact MODEL FRAMES SECONDS CHUNK_MS N..." >&2; exit 2; }
  model="$2"; frames="$3"; seconds="$4"; chunk="$5"; shift 5
  exec "$java" --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp "$jar" \
    org.speechmoe.benchmarks.StreamingBenchmark "$model" "$root/testdata/commands" "$seconds" "$chunk" exact "$frames" \
    "$@" 2> >(grep -v 'incubator modules' >&2)
fi
seconds="${1:-60}"; chunk="${2:-100}"; shift $(( $# > 2 ? 2 : $# ))
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1 2 4 8 16)
model="$root/default-model/src/main/resources/speechmoe/default-model.smoe"
lm="$root/default-model/src/main/resources/speechmoe/default-model.smlm"
run() { "$java" --add-modules jdk.incubator.vector -XX:+UseSerialGC -cp "$jar" \
          org.speechmoe.benchmarks.StreamingBenchmark "$model" "$root/testdata/commands" "$seconds" "$chunk" "$@" \
          2> >(grep -v 'incubator modules' >&2); }
run latency
run latency "$lm"
run capacity "${counts[@]}"
